"""Shared path results for the admin, privilege-escalation and lateral-movement checks (computed once)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nhi_scan.checks._base import CheckContext
from nhi_scan.graph import ADMIN_EQUIVALENT, Edge, IdentityGraph
from nhi_scan.model import Identity, IdentityKind
from nhi_scan.reach import Reach, reach_towards


@dataclass(frozen=True, slots=True)
class AdminReach:
    goals: frozenset[str]
    certain: Reach
    possible: Reach


def admin_nodes(graph: IdentityGraph) -> frozenset[str]:
    """The admin targets every provider added (admin of an account, project, subscription, tenant)."""
    return graph.admin_targets()


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
        if edge.target in goals and edge.traversable and (edge.method == ADMIN_EQUIVALENT or _self_grant(graph, edge))
    ]


def _self_grant(graph: IdentityGraph, edge: Edge) -> bool:
    method = graph.method(edge.method)
    return method is not None and method.grants_self


def machine_principals(context: CheckContext) -> Iterator[Identity]:
    """Non-human principals the customer manages: the identities path checks speak about."""
    for identity in context.inventory.identities:
        if (
            identity.machine
            and not identity.provider_managed
            and identity.kind not in (IdentityKind.GROUP, IdentityKind.ROOT)
        ):
            yield identity
