"""A machine identity that is not admin but can become admin, over any number of hops: the shortest path."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import admin_reach, direct_admin_edge, machine_principals
from nhi_scan.graph import Edge, IdentityGraph, NodeKind
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.reach import hops


def _how(graph: IdentityGraph, method: str | None) -> str:
    found = graph.method(method)
    return found.label if found else (method or "edge")


def _steps(graph: IdentityGraph, edges: list[Edge]) -> str:
    """'role/x [method] → admin of … [method]': a hub is folded into the hop that passes through it."""
    parts: list[str] = []
    method: str | None = None
    for edge in edges:
        method = method or edge.method
        if graph.node_kind(edge.target) is NodeKind.HUB:
            continue
        parts.append(f"{graph.label(edge.target)} [{_how(graph, method)}]")
        method = None
    return " → ".join(parts)


def run(context: CheckContext) -> Iterator[Finding]:
    reach = admin_reach(context)
    if not reach.goals:
        return
    graph = context.graph
    for identity in machine_principals(context):
        direct = direct_admin_edge(graph, identity.id, reach.goals)
        if any(not e.conditional for e in direct):
            continue  # admin already: the admin-identity check reports it
        certain = reach.certain.reaches(identity.id)
        if not certain and not reach.possible.reaches(identity.id):
            continue
        edges = (reach.certain if certain else reach.possible).path(identity.id)
        if not edges or (not certain and direct and len(edges) == 1 and edges[0] in direct):
            continue  # a conditional admin-equivalence alone is the admin-identity check's finding
        path = hops(graph, edges)
        admin_label = graph.label(edges[-1].target)
        steps = _steps(graph, edges)
        unknown = [e.reason for e in edges if e.conditional]
        qualifier = "" if certain else " if what cannot be seen offline holds"
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=(
                f"{identity.kind.value.capitalize()} {identity.name} can become {admin_label} in {len(path)} "
                f"step{'s' if len(path) > 1 else ''}{qualifier}: {steps}."
            ),
            evidence={
                "hops": len(path),
                "methods": [e.method for e in edges if e.method],
                "conditional": not certain,
                "conditions": unknown,
                "machine_reason": identity.machine_reason,
            },
            severity=Severity.HIGH if certain else Severity.MEDIUM,
            path=path,
        )


CHECK = Check(
    id="privilege-escalation",
    title="Machine identity can escalate to admin",
    severity=Severity.HIGH,
    category=Category.PRIVILEGE_ESCALATION,
    owasp_nhi=("NHI5:2025",),
    description=(
        "A machine identity that is not admin-equivalent but can reach admin power through other identities "
        "(creating their keys, passing roles to new compute, editing trust or policies, assuming roles): the "
        "shortest path, each hop with the permissions and policy behind it. Medium when the path depends on "
        "conditions or resources an export cannot show."
    ),
    remediation=(
        "Break the first hop: scope the permission in the named policy or binding to the resources the workload "
        "needs, or deny it."
    ),
    run=run,
)
