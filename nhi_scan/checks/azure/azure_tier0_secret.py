"""A client secret or certificate on an application whose service principal holds a tier-0 Graph permission,
directory role or Azure role: whoever copies the credential controls the tenant (or the subscription), from
anywhere, with no user, MFA or device in the way."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import evidence, holders, name, sign_in_credentials, valid
from nhi_scan.checks.azure._entra import capital, describe, privilege_evidence, privileges, strongest, summary
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, CredentialKind, Finding, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in holders(context):
        credentials = [c for c in sign_in_credentials(identity) if valid(c, context.now)]
        if not credentials:
            continue
        held = privileges(context, identity)
        if not held:
            continue
        top = strongest(held)
        secrets = [c for c in credentials if c.kind is CredentialKind.CLIENT_SECRET]
        critical = bool(secrets) and top.certain and top.direct
        shown = (secrets or credentials)[0]
        more = len(credentials) - 1
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            severity=Severity.CRITICAL if critical else Severity.HIGH,
            message=(
                f"{capital(describe(identity))} holds {summary(held)}, and signs in with {name(shown)}"
                + (f" and {more} more credential{'s' if more > 1 else ''}" if more else "")
                + ": whoever holds the credential holds that power."
            ),
            evidence={
                "credentials": [evidence(c, context.now) for c in credentials],
                "tier0": privilege_evidence(held),
            },
        )


CHECK = Check(
    id="azure-tier0-secret",
    title="Tier-0 application signs in with a secret or certificate",
    severity=Severity.HIGH,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI2:2025", "NHI5:2025", "NHI7:2025"),
    description=(
        "Valid client secret or certificate on an application or service principal that holds a tier-0 Microsoft "
        "Graph permission, tenant-wide directory role or Azure role on a subscription or above. Critical for a "
        "client secret with an active tier-0 grant that hands over control by itself; high for certificates, "
        "PIM-eligible or conditional grants, and tier-0 grants that need one more step."
    ),
    remediation=(
        "First ask whether the app needs the tier-0 grant at all and remove it if not. Otherwise take the secret "
        "out of the picture: run the workload with a managed identity or a federated credential, or at least a "
        "certificate whose private key stays in Key Vault or an HSM; delete the secret (az ad app credential delete "
        "--id APP_ID --key-id KEY_ID), and restrict who may add credentials to the app (owners, Application "
        "Administrators, app instance property lock)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
