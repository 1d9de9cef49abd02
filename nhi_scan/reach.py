"""Path searches over the IdentityGraph: who can reach admin (and by which shortest path), who can become whom.

Every search is linear in the graph (breadth-first), never over all pairs of principals. Paths prefer edges that
hold for certain; edges that hold only if something unknown offline is true are used when no certain path exists,
and such paths are marked conditional.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from nhi_scan.graph import Edge, IdentityGraph, NodeKind
from nhi_scan.model import PathHop


def _follow(edge: Edge, allow_conditional: bool) -> bool:
    return edge.traversable and (allow_conditional or not edge.conditional)


@dataclass(slots=True)
class Reach:
    """For each node that can reach one of the goals: the first edge of its shortest path."""

    first_edge: dict[str, Edge]
    goals: frozenset[str]

    def reaches(self, node: str) -> bool:
        return node in self.first_edge or node in self.goals

    def path(self, node: str) -> list[Edge]:
        edges: list[Edge] = []
        seen = {node}
        while node in self.first_edge:
            edge = self.first_edge[node]
            edges.append(edge)
            node = edge.target
            if node in seen:  # cannot happen with BFS parents; a guard against corrupt input
                break
            seen.add(node)
        return edges


def reach_towards(graph: IdentityGraph, goals: Iterable[str], *, allow_conditional: bool) -> Reach:
    """Multi-source BFS backwards from ``goals``: shortest paths to the nearest goal for every node."""
    goal_set = frozenset(g for g in goals if g in graph.nx)
    first_edge: dict[str, Edge] = {}
    queue = deque(sorted(goal_set))  # sorted: the same paths whatever the string hash seed (the report is stable)
    visited = set(goal_set)
    while queue:
        node = queue.popleft()
        for edge in graph.edges_to(node):
            source = edge.source
            if source in visited or not _follow(edge, allow_conditional):
                continue
            visited.add(source)
            first_edge[source] = edge
            queue.append(source)
    return Reach(first_edge=first_edge, goals=goal_set)


def reachable_from(graph: IdentityGraph, start: str, *, limit: int = 10_000) -> dict[str, list[Edge]]:
    """Forward BFS from ``start``: every node it can reach (up to ``limit``) with the shortest path to it."""
    parents: dict[str, Edge] = {}
    queue = deque([start])
    seen = {start}
    while queue and len(seen) < limit:
        node = queue.popleft()
        for edge in graph.edges_from(node):
            if edge.target in seen or not _follow(edge, True):
                continue
            seen.add(edge.target)
            parents[edge.target] = edge
            queue.append(edge.target)
    paths: dict[str, list[Edge]] = {}
    for node in parents:
        chain: list[Edge] = []
        cursor = node
        while cursor in parents:
            chain.append(parents[cursor])
            cursor = parents[cursor].source
        paths[node] = list(reversed(chain))
    return paths


def reaching(graph: IdentityGraph, goals: Iterable[str]) -> set[str]:
    """Nodes with a path of one step or more to one of ``goals`` (the edges ``search_from`` follows): one backward
    search, so that forward searches from the many nodes that reach none of them need not run."""
    found: set[str] = set()
    queue = deque(goals)
    while queue:
        node = queue.popleft()
        for edge in graph.edges_to(node):
            source = edge.source
            if source in found or not _follow(edge, True):
                continue
            found.add(source)
            queue.append(source)
    return found


@dataclass(slots=True)
class Reached:
    """A forward search's tree: for each node reached, the edge it was reached by, its distance and whether any
    edge on its path is conditional. Paths are rebuilt only for the nodes asked about."""

    parents: dict[str, Edge]
    depth: dict[str, int]
    conditional: dict[str, bool]

    def path(self, node: str) -> list[Edge]:
        chain: list[Edge] = []
        cursor = node
        while cursor in self.parents:
            chain.append(self.parents[cursor])
            cursor = self.parents[cursor].source
        chain.reverse()
        return chain


def search_from(graph: IdentityGraph, start: str, *, limit: int = 10_000) -> Reached:
    """``reachable_from`` without building every node's path: the same nodes, by the same shortest paths."""
    parents: dict[str, Edge] = {}
    depth = {start: 0}
    conditional = {start: False}
    queue = deque([start])
    while queue and len(depth) < limit:
        node = queue.popleft()
        for edge in graph.edges_from(node):
            target = edge.target
            if target in depth or not _follow(edge, True):
                continue
            depth[target] = depth[node] + 1
            conditional[target] = conditional[node] or edge.conditional
            parents[target] = edge
            queue.append(target)
    del depth[start], conditional[start]
    return Reached(parents=parents, depth=depth, conditional=conditional)


def hops(graph: IdentityGraph, edges: list[Edge]) -> tuple[PathHop, ...]:
    """Edges -> hops for reports; a hub in the middle is folded into the hop that passes through it."""
    result: list[PathHop] = []
    pending: Edge | None = None
    for edge in edges:
        if graph.node_kind(edge.target) is NodeKind.HUB:
            pending = edge
            continue
        if pending is not None:
            result.append(
                PathHop(
                    source=pending.source,
                    target=edge.target,
                    edge=str(pending.kind),
                    reason=f"{pending.reason}; {graph.label(edge.target)}: {edge.reason}",
                )
            )
            pending = None
            continue
        result.append(PathHop(source=edge.source, target=edge.target, edge=str(edge.kind), reason=edge.reason))
    return tuple(result)
