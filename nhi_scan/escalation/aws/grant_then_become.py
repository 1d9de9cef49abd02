"""Grant, then become: a principal that can give another principal any permission, and can also act as it, is admin.

Methods with the ``grant`` effect (``iam:PutRolePolicy`` on another role, ``iam:AttachUserPolicy`` on another user,
``iam:PutGroupPolicy`` on a group...) leave non-traversable edges: changing someone else's permissions gives the
attacker nothing by itself. This pass pairs each such grant with the attacker's own traversable moves: when one of
them reaches the granted principal (directly, or as a member of a hub such as "every role trusting Lambda"; for a
granted group, one of its members), the attacker gets an edge to the admin node whose reason names both steps.

The "become" step is one move out of the attacker (a hub counts as one move). Longer routes to the granted principal
are not searched: a search per granting principal would cost a graph walk each, and the one-move routes are the
ones the public catalogues describe (modify a role, then pass it to new compute; modify a user, then create its
access key). A granted principal whose permissions boundary is not itself admin-equivalent is capped and skipped,
and so is one that already reaches admin for certain (the attacker's move to it is then the path, no grant needed);
attackers that already reach admin for certain get no grant edge either.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

from nhi_scan.escalation.aws.index import InventoryIndex
from nhi_scan.escalation.aws.principal import boundary_caps
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph, NodeKind
from nhi_scan.model import IdentityKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.reach import reach_towards


@dataclasses.dataclass(frozen=True, slots=True)
class _Route:
    grant: Edge
    #: The granted principal the attacker can act as.
    principal: str
    #: The attacker's move (and the hub's member edge, when the move goes through a hub).
    moves: tuple[Edge, ...]

    @property
    def conditional(self) -> bool:
        return self.grant.conditional or any(e.conditional for e in self.moves)


class _Granted:
    """What one attacker can grant: principals named one by one (groups expanded to their members) and whole hubs
    (kept as hubs: their members are looked up, never copied per attacker)."""

    def __init__(self, grants: Iterable[Edge], members: _Members) -> None:
        self.named: dict[str, Edge] = {}
        self.hubs: dict[str, Edge] = {}
        for grant in grants:
            if members.graph.node_kind(grant.target) is NodeKind.HUB:
                self.hubs[grant.target] = grant
            elif members.is_group(grant.target):
                for member in members.of_group(grant.target):
                    self._add(member, grant)
            else:
                self._add(grant.target, grant)

    def _add(self, principal: str, grant: Edge) -> None:
        known = self.named.get(principal)
        if known is None or (known.conditional and not grant.conditional):
            self.named[principal] = grant

    def grant_of(self, principal: str, members: _Members) -> Edge | None:
        """The grant edge covering ``principal`` (a hub grant carries its member edge's uncertainty)."""
        found = self.named.get(principal)
        if found is not None and not found.conditional:
            return found
        for hub, grant in self.hubs.items():
            include = members.of_hub(hub).get(principal)
            if include is not None:
                via = dataclasses.replace(grant, conditional=grant.conditional or include.conditional)
                if found is None or (found.conditional and not via.conditional):
                    found = via
        return found


class _Members:
    """Hub and group members, computed once each."""

    def __init__(self, graph: IdentityGraph, index: InventoryIndex) -> None:
        self.graph = graph
        self._hubs: dict[str, dict[str, Edge]] = {}
        self._groups: dict[str, list[str]] | None = None
        self._common: dict[tuple[str, str], tuple[str, ...]] = {}
        self._index = index

    def of_hub(self, hub: str) -> Mapping[str, Edge]:
        found = self._hubs.get(hub)
        if found is None:
            found = self._hubs[hub] = {
                e.target: e for e in self.graph.edges_from(hub) if e.kind is EdgeKind.INCLUDES and e.traversable
            }
        return found

    def common(self, first: str, second: str) -> tuple[str, ...]:
        """Up to eight members of both hubs, certain ones first (cached per pair: many attackers share hubs)."""
        key = (first, second)
        found = self._common.get(key)
        if found is None:
            one, other = self.of_hub(first), self.of_hub(second)
            if len(one) > len(other):
                one, other = other, one
            both = [p for p in one if p in other]
            both.sort(key=lambda p: one[p].conditional or other[p].conditional)
            found = self._common[key] = tuple(both[:8])
        return found

    def is_group(self, node: str) -> bool:
        identity = self._index.identities.get(node)
        return identity is not None and identity.kind is IdentityKind.GROUP

    def of_group(self, group: str) -> list[str]:
        if self._groups is None:
            self._groups = defaultdict(list)
            for identity in self._index.identities.values():
                for name in identity.groups:
                    self._groups[name].append(identity.id)
        return self._groups.get(group, [])


def add_grant_then_become_edges(
    graph: IdentityGraph,
    index: InventoryIndex,
    cache: PolicyCache,
    grants: Iterable[Edge],
    admin_node_of: Mapping[str, str],
) -> None:
    """Add ``attacker -> admin`` edges for each attacker that can grant a principal anything and act as it.

    ``admin_node_of`` maps an account id to its admin node.
    """
    by_source: dict[str, list[Edge]] = defaultdict(list)
    for grant in grants:
        by_source[grant.source].append(grant)
    members = _Members(graph, index)
    capped: dict[str, bool] = {}
    # A principal that already reaches admin for certain needs no grant: the attacker's move to it is the path.
    already = reach_towards(graph, admin_node_of.values(), allow_conditional=False)

    def skip(principal: str) -> bool:
        return already.reaches(principal) or _capped(principal, index, cache, capped)

    for source, edges in by_source.items():
        if already.reaches(source):
            continue
        granted = _Granted(edges, members)
        route = _route(graph, source, granted, members, skip)
        if route is None:
            continue
        identity = index.identities.get(route.principal)
        account = identity.scope if identity is not None else ""
        target = admin_node_of.get(account)
        if target is None:
            continue
        steps = "; then ".join(e.reason for e in route.moves)
        graph.add_edge(
            Edge(
                source=source,
                target=target,
                kind=route.grant.kind,
                reason=f"{route.grant.reason}; then acts as {graph.label(route.principal)}: {steps}",
                method=route.grant.method,
                conditional=route.conditional,
            )
        )


def _route(
    graph: IdentityGraph, source: str, granted: _Granted, members: _Members, is_capped: Callable[[str], bool]
) -> _Route | None:
    """The attacker's first certain route to a granted principal, else a conditional one, else None."""
    fallback: _Route | None = None
    for move in graph.edges_from(source):
        if not move.traversable or move.target == source:
            continue
        reached: list[tuple[str, tuple[Edge, ...]]]
        if graph.node_kind(move.target) is NodeKind.HUB:
            inside = members.of_hub(move.target)
            reached = [(p, (move, inside[p])) for p in granted.named if p in inside]
            reached += [(p, (move, inside[p])) for hub in granted.hubs for p in members.common(move.target, hub)]
        else:
            reached = [(move.target, (move,))]
        for principal, moves in reached:
            if principal == source or is_capped(principal):
                continue
            grant = granted.grant_of(principal, members)
            if grant is None:
                continue
            route = _Route(grant=grant, principal=principal, moves=moves)
            if not route.conditional:
                return route
            fallback = fallback or route
    return fallback


def _capped(principal: str, index: InventoryIndex, cache: PolicyCache, known: dict[str, bool]) -> bool:
    """The principal's permissions boundary is not admin-equivalent: what it is granted stays within it."""
    found = known.get(principal)
    if found is None:
        found = known[principal] = boundary_caps(index.grants.get(principal, []), cache)
    return found
