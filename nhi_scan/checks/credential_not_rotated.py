"""An active static credential (access key, SA key, client secret) older than the rotation limit."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence, noun, principals, who
from nhi_scan.model import STATIC_CREDENTIAL_KINDS, Category, Finding, Severity
from nhi_scan.timeutil import age_days


def run(context: CheckContext) -> Iterator[Finding]:
    limit = context.settings.key_max_age_days
    for identity in principals(context):
        for credential in identity.credentials:
            born = credential.last_rotated or credential.created
            if not credential.active or credential.kind not in STATIC_CREDENTIAL_KINDS or born is None:
                continue
            age = age_days(born, context.now)
            if age <= limit:
                continue
            yield CHECK.finding(
                subject=credential.id,
                identity=identity,
                message=(
                    f"Active {noun(credential)} {credential.id} of {identity.name} is {age} days old (limit {limit})."
                ),
                evidence={
                    **credential_evidence(credential),
                    "age_days": age,
                    "max_age_days": limit,
                    "identity": who(identity),
                },
            )


CHECK = Check(
    id="credential-not-rotated",
    title="Static credential not rotated",
    severity=Severity.MEDIUM,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI7:2025",),
    description="Active access key, service account key or client secret older than key-max-age days (default 90).",
    remediation=(
        "Rotate the credential: create a new one, switch its consumers, then deactivate and delete the old one. "
        "Better, replace it with short-lived credentials (an IAM role, workload identity federation, OIDC)."
    ),
    run=run,
    early=True,  # reads the inventory only
)
