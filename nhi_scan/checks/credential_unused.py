"""An active static credential not used for N days, or never used although it is N days old."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence, noun, principals, who
from nhi_scan.model import STATIC_CREDENTIAL_KINDS, Category, Finding, Severity
from nhi_scan.timeutil import age_days


def run(context: CheckContext) -> Iterator[Finding]:
    limit = context.settings.key_unused_days
    for identity in principals(context):
        for credential in identity.credentials:
            if not credential.active or credential.kind not in STATIC_CREDENTIAL_KINDS:
                continue
            born = credential.created or credential.last_rotated
            if credential.last_used is not None:
                idle = age_days(credential.last_used, context.now)
                detail = f"was last used {idle} days ago"
            elif credential.never_used and born is not None:
                idle = age_days(born, context.now)
                detail = f"has never been used in the {idle} days since it was created"
            else:
                continue  # usage not known: say nothing rather than guess
            if idle <= limit:
                continue
            yield CHECK.finding(
                subject=credential.id,
                identity=identity,
                message=f"Active {noun(credential)} {credential.id} of {identity.name} {detail} (limit {limit}).",
                evidence={
                    **credential_evidence(credential),
                    "days_unused": idle,
                    "unused_days_limit": limit,
                    "identity": who(identity),
                },
            )


CHECK = Check(
    id="credential-unused",
    title="Static credential unused",
    severity=Severity.MEDIUM,
    category=Category.STALE,
    owasp_nhi=("NHI1:2025", "NHI7:2025"),
    description=(
        "Active static credential not used for key-unused days (default 90), or never used and older than that."
    ),
    remediation=(
        "Deactivate the unused credential now and delete it after confirming nothing breaks; an unused secret is "
        "pure risk. If its owner is gone, offboard the identity."
    ),
    run=run,
    early=True,  # reads the inventory only
)
