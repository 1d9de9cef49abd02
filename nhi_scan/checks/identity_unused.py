"""A machine identity with no activity for N days: likely forgotten, still holding its permissions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import principals
from nhi_scan.model import Category, CredentialKind, Finding, Identity, IdentityKind, Severity
from nhi_scan.timeutil import age_days, iso

_USAGE_KINDS = (
    CredentialKind.ACCESS_KEY,
    CredentialKind.PASSWORD,
    CredentialKind.SERVICE_ACCOUNT_KEY,
    CredentialKind.CLIENT_SECRET,
    CredentialKind.SERVICE_SPECIFIC,
)


def last_activity(identity: Identity) -> tuple[datetime | None, bool]:
    """Latest known use of the identity or its credentials, and whether usage is known at all."""
    moments = [identity.last_used] if identity.last_used else []
    known = identity.last_used_known
    for credential in identity.credentials:
        if credential.kind in _USAGE_KINDS:
            if credential.last_used is not None:
                moments.append(credential.last_used)
            if credential.last_used is not None or credential.never_used:
                known = True
    return (max(moments) if moments else None), known


def run(context: CheckContext) -> Iterator[Finding]:
    limit = context.settings.identity_unused_days
    for identity in principals(context):
        if not identity.machine or identity.kind is IdentityKind.ROOT:
            continue
        latest, known = last_activity(identity)
        if not known:
            continue  # the export carries no usage data for it: unknown is not unused
        if latest is not None:
            idle = age_days(latest, context.now)
            detail = f"last active {idle} days ago"
        elif identity.created is not None:
            idle = age_days(identity.created, context.now)
            detail = f"never used in the {idle} days since it was created"
        elif identity.usage_tracked_since is not None:
            idle = age_days(identity.usage_tracked_since, context.now)
            detail = f"not used in the {idle} days its use has been tracked"
        else:
            continue
        if idle <= limit:
            continue
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=f"{identity.kind.value.capitalize()} {identity.name} is {detail} (limit {limit}).",
            evidence={
                "last_activity": iso(latest),
                "created": iso(identity.created),
                "days_inactive": idle,
                "unused_days_limit": limit,
                "machine_reason": identity.machine_reason,
            },
        )


CHECK = Check(
    id="identity-unused",
    title="Machine identity unused",
    severity=Severity.LOW,
    category=Category.STALE,
    owasp_nhi=("NHI1:2025",),
    description=(
        "Machine identity with no recorded activity (role last used, key and password last used) for "
        "identity-unused days (default 90)."
    ),
    remediation=(
        "Confirm with its owner that nothing depends on it, remove its permissions, then delete it. Unused "
        "identities keep their access and are not watched."
    ),
    run=run,
    early=True,  # reads the inventory only
)
