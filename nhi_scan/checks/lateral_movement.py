"""A machine identity that can become other identities (without reaching admin): summarised per identity."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import admin_reach, machine_principals
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.reach import hops, reaching, search_from

#: Identities listed in a finding's evidence; the count is always complete up to the search limit.
LISTED = 25
SEARCH_LIMIT = 5_000


def run(context: CheckContext) -> Iterator[Finding]:
    reach = admin_reach(context)
    graph = context.graph
    may_move = reaching(graph, (identity.id for identity in graph.identities()))
    for identity in machine_principals(context):
        if reach.possible.reaches(identity.id):
            continue  # reaching admin is the privilege-escalation check's finding
        if identity.id not in may_move:
            continue  # no identity at the end of any of its edges: its search would find none
        reached = search_from(graph, identity.id, limit=SEARCH_LIMIT)
        depth = reached.depth
        targets = [node for node in depth if graph.identity(node) is not None]
        if not targets:
            continue
        ordered = sorted(targets, key=lambda node: (depth[node], node))
        certain = [node for node in ordered if not reached.conditional[node]]
        names = [graph.label(node) for node in ordered[:LISTED]]
        first = (certain or ordered)[0]
        more = f" and {len(ordered) - LISTED} more" if len(ordered) > LISTED else ""
        qualifier = "" if certain else " if what cannot be seen offline holds"
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=(
                f"{identity.kind.value.capitalize()} {identity.name} can become {len(ordered)} other "
                f"identit{'ies' if len(ordered) > 1 else 'y'}{qualifier}: {', '.join(names)}{more}."
            ),
            evidence={
                "count": len(ordered),
                "certain": len(certain),
                "targets": [
                    {
                        "identity": node,
                        "hops": depth[node],
                        "conditional": reached.conditional[node],
                        "via": [e.method for e in reached.path(node) if e.method],
                    }
                    for node in ordered[:LISTED]
                ],
                "search_limited": len(depth) >= SEARCH_LIMIT - 1,
            },
            severity=Severity.MEDIUM if certain else Severity.LOW,
            path=hops(graph, reached.path(first)),
        )


CHECK = Check(
    id="lateral-movement",
    title="Machine identity can become other identities",
    severity=Severity.MEDIUM,
    category=Category.LATERAL_MOVEMENT,
    owasp_nhi=("NHI5:2025", "NHI9:2025"),
    description=(
        "A machine identity that can assume, take over or run as other identities without reaching admin; one "
        "finding per identity listing whom it can become (low when every way depends on unknown conditions)."
    ),
    remediation=(
        "Check that each listed identity is meant to be reachable; narrow who may become it (trusts, "
        "impersonation bindings) to named principals and scope credential-creating permissions to the resources "
        "the workload needs."
    ),
    run=run,
)
