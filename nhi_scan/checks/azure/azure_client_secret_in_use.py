"""An application or service principal that signs in with client secrets: a shared string that is copied into
pipelines and config files, where a certificate, a federated credential or a managed identity would do."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import evidence, holders, name, sign_in_credentials, valid
from nhi_scan.checks.azure._entra import blueprint, capital, describe, privilege_evidence, privileges, summary
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, CredentialKind, Finding, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in holders(context):
        secrets = [
            c for c in sign_in_credentials(identity) if c.kind is CredentialKind.CLIENT_SECRET and valid(c, context.now)
        ]
        if not secrets:
            continue
        held = privileges(context, identity)
        is_blueprint = blueprint(context, identity)
        why = ""
        if held:
            why = f"; it holds {summary(held)}, so the secret is tier-0 power in a string"
        elif is_blueprint:
            why = "; it is an Agent ID blueprint, which obtains the tokens of every agent identity it parents"
        names = ", ".join(name(s) for s in secrets[:3]) + (f" and {len(secrets) - 3} more" if len(secrets) > 3 else "")
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            severity=Severity.MEDIUM if held or is_blueprint else Severity.LOW,
            message=(
                f"{capital(describe(identity))} signs in with {len(secrets)} client secret"
                f"{'s' if len(secrets) > 1 else ''} ({names}){why}."
            ),
            evidence={
                "secrets": [evidence(s, context.now) for s in secrets],
                "other_credentials": sorted({str(c.kind) for c in identity.credentials} - {"client-secret"}),
                "agent_blueprint": is_blueprint,
                "tier0": privilege_evidence(held),
            },
        )


CHECK = Check(
    id="azure-client-secret-in-use",
    title="Application signs in with a client secret",
    severity=Severity.LOW,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI2:2025", "NHI7:2025"),
    description=(
        "Application or service principal holding a valid client secret (passwordCredential). Medium when it holds "
        "a tier-0 Graph permission, directory role or Azure role, or is an Agent ID blueprint; low otherwise."
    ),
    remediation=(
        "Replace the secret: a managed identity when the code runs in Azure, a federated credential (workload "
        "identity federation) for GitHub Actions, Kubernetes or another cloud, or else a certificate kept in Key "
        "Vault. Then delete the secret (az ad app credential delete --id APP_ID --key-id KEY_ID) and block new ones "
        "with an app management policy (passwordCredentials restriction)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
