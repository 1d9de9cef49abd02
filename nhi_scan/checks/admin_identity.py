"""A machine identity that is admin-equivalent: holds every action, or can grant itself any permission."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import admin_reach, direct_admin_edge, machine_principals
from nhi_scan.graph import ADMIN_EQUIVALENT
from nhi_scan.model import STATIC_CREDENTIAL_KINDS, Category, Finding, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    reach = admin_reach(context)
    if not reach.goals:
        return
    for identity in machine_principals(context):
        edges = direct_admin_edge(context.graph, identity.id, reach.goals)
        if not edges:
            continue
        certain = [e for e in edges if not e.conditional]
        chosen = certain or edges
        keys = [c.id for c in identity.credentials if c.active and c.kind in STATIC_CREDENTIAL_KINDS]
        if not certain:
            severity = Severity.MEDIUM
        elif keys:
            severity = Severity.CRITICAL
        else:
            severity = Severity.HIGH
        how = (
            "is admin-equivalent"
            if any(e.method == ADMIN_EQUIVALENT for e in chosen)
            else ("can grant itself any permission")
        )
        qualifier = "" if certain else " if conditions unknown offline hold"
        key_text = f"; its long-lived key {keys[0]} is admin power in a file" if keys and certain else ""
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=f"{identity.kind.value.capitalize()} {identity.name} {how}{qualifier}{key_text}.",
            evidence={
                "how": [{"method": e.method, "reason": e.reason, "conditional": e.conditional} for e in chosen],
                "active_static_credentials": keys,
                "machine_reason": identity.machine_reason,
            },
            severity=severity,
        )


CHECK = Check(
    id="admin-identity",
    title="Machine identity is admin-equivalent",
    severity=Severity.HIGH,
    category=Category.ADMIN,
    owasp_nhi=("NHI5:2025",),
    description=(
        "A machine identity effectively allowed every action of its account, project or subscription (an "
        "administrator policy or role, or a wildcard with harmless exclusions), or able to grant itself any "
        "permission (editing its own policies, groups or bindings). Critical with an active long-lived key; medium "
        "when it depends on conditions unknown offline."
    ),
    remediation=("Give the workload only the permissions it uses, and remove its permission to change its own grants."),
    run=run,
)
