"""The account root user has an active access key: unrestricted, unrestrictable power in a file."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, CredentialKind, Finding, IdentityKind, Severity
from nhi_scan.timeutil import age_days


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in context.inventory.identities:
        if identity.kind is not IdentityKind.ROOT:
            continue
        for key in identity.active_credentials(CredentialKind.ACCESS_KEY):
            age = f", {age_days(key.created, context.now)} days old" if key.created else ""
            yield CHECK.finding(
                subject=key.id,
                identity=identity,
                message=f"Root user of account {identity.scope} has an active access key ({key.label}{age}).",
                evidence={**credential_evidence(key), "account": identity.scope},
            )


CHECK = Check(
    id="root-access-key",
    title="Root user has an active access key",
    severity=Severity.CRITICAL,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI5:2025", "NHI7:2025"),
    description="An access key of the account root user is active; no policy can limit it.",
    remediation=(
        "Sign in as root, find what uses the key (last used service and region), move it to an IAM role, then "
        "deactivate and delete the root access key. Enforce MFA on root."
    ),
    run=run,
    providers=(AWS,),
)
