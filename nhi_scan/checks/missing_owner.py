"""A machine identity with no owner tag: nobody to ask before rotating, and nobody to offboard it."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import principals
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    keys = list(context.settings.owner_tag_keys)
    for identity in principals(context):
        if not identity.machine or identity.owner or identity.kind is IdentityKind.ROOT:
            continue
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=f"Machine {identity.kind.value} {identity.name} has no owner tag ({', '.join(keys)}).",
            evidence={"owner_tag_keys": keys, "tags": dict(identity.tags)},
        )


CHECK = Check(
    id="missing-owner",
    title="Machine identity has no owner",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025",),
    description="Machine identity without any of the owner tag keys (configurable with --owner-tag).",
    remediation="Tag the identity with its owning team or person (e.g. owner=team-payments) and keep it current.",
    run=run,
    early=True,  # reads the inventory only
)
