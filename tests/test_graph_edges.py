"""One edge per (kind, method) between two nodes, and the order builders add them in never weakens a path."""

from __future__ import annotations

from nhi_scan.graph import Edge, EdgeKind, IdentityGraph


def _edge(reason: str, *, conditional: bool) -> Edge:
    return Edge(source="a", target="b", kind=EdgeKind.CAN_RUN_AS, reason=reason, method="m", conditional=conditional)


def _kept(*edges: Edge) -> Edge:
    graph = IdentityGraph()
    for edge in edges:
        graph.add_edge(edge)
    [kept] = list(graph.edges_from("a"))
    return kept


def test_a_conditional_edge_does_not_replace_an_unconditional_one() -> None:
    assert _kept(_edge("Owner", conditional=False), _edge("ABAC", conditional=True)).reason == "Owner"


def test_an_unconditional_edge_replaces_a_conditional_one() -> None:
    assert _kept(_edge("ABAC", conditional=True), _edge("Owner", conditional=False)).reason == "Owner"


def test_a_later_edge_of_the_same_strength_replaces_the_earlier() -> None:
    assert _kept(_edge("first", conditional=True), _edge("second", conditional=True)).reason == "second"
