"""Shared path results for the admin, privilege-escalation and lateral-movement checks (computed once)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nhi_scan.checks._base import CheckContext
from nhi_scan.graph import Edge, IdentityGraph, NodeKind
from nhi_scan.model import Identity, IdentityKind
from nhi_scan.reach import Reach, reach_towards

ADMIN_PREFIX = "admin:"
#: Methods that make the principal admin by changing its own permissions: "can grant itself anything".
SELF_GRANT_CATEGORIES = ("self-modification",)


@dataclass(frozen=True, slots=True)
class AdminReach:
    goals: frozenset[str]
    certain: Reach
    possible: Reach


def admin_nodes(graph: IdentityGraph) -> frozenset[str]:
    return frozenset(
        node
        for node in graph.nx.nodes
        if str(node).startswith(ADMIN_PREFIX) and graph.node_kind(node) is NodeKind.TARGET
    )


def admin_reach(context: CheckContext) -> AdminReach:
    graph = context.graph
    found = graph.memo.get("admin-reach")
    if isinstance(found, AdminReach):
        return found
    goals = admin_nodes(graph)
    result = AdminReach(
        goals=goals,
        certain=reach_towards(graph, goals, allow_conditional=False),
        possible=reach_towards(graph, goals, allow_conditional=True),
    )
    graph.memo["admin-reach"] = result
    return result


def direct_admin_edge(graph: IdentityGraph, identity_id: str, goals: frozenset[str]) -> list[Edge]:
    """Edges that make the identity admin by itself: admin-equivalent, or able to grant itself anything."""
    return [
        edge
        for edge in graph.edges_from(identity_id)
        if edge.target in goals and edge.traversable and (edge.method == "admin-equivalent" or _self_grant(edge))
    ]


def _self_grant(edge: Edge) -> bool:
    from nhi_scan.escalation.aws.catalog import methods_by_id

    method = methods_by_id().get(edge.method or "")
    return method is not None and str(method.category) in SELF_GRANT_CATEGORIES


def machine_principals(context: CheckContext) -> Iterator[Identity]:
    """Non-human principals the customer manages: the identities path checks speak about."""
    for identity in context.inventory.identities:
        if (
            identity.machine
            and not identity.provider_managed
            and identity.kind not in (IdentityKind.GROUP, IdentityKind.ROOT)
        ):
            yield identity
