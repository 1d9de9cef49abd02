"""A user-managed service account key that never expires (validBeforeTime 9999-12-31): a secret valid forever."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, CredentialKind, Finding, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in context.inventory.identities:
        if identity.provider_managed:
            continue
        for key in identity.active_credentials(CredentialKind.SERVICE_ACCOUNT_KEY):
            if not key.attributes.get("never_expires"):
                continue
            yield CHECK.finding(
                subject=key.id,
                identity=identity,
                message=f"User-managed key {key.id} of {identity.name} never expires.",
                evidence={**credential_evidence(key), "valid_before": None},
            )


CHECK = Check(
    id="gcp-key-never-expires",
    title="Service account key never expires",
    severity=Severity.MEDIUM,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI7:2025",),
    description="Active user-managed service account key created without an expiry (validBeforeTime 9999-12-31).",
    remediation=(
        "Replace the key with workload identity federation or an attached service account; if a key must stay, "
        "set the organization policy iam.serviceAccountKeyExpiryHours so new keys expire, and rotate this one."
    ),
    run=run,
    providers=(GCP,),
)
