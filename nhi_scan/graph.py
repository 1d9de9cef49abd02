"""IdentityGraph: identities, credentials, workloads and privilege targets, joined by explained edges.

Lateral movement and privilege escalation are paths in this graph. Each edge carries a kind and a
human-readable ``reason`` naming the permissions and the policy that create it.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from nhi_scan.model import Credential, Identity, Inventory, Workload


class NodeKind(enum.StrEnum):
    IDENTITY = "identity"
    CREDENTIAL = "credential"
    WORKLOAD = "workload"
    TARGET = "target"
    #: A set of identities reachable the same way ("every role of account X trusting lambda"): keeps edge
    #: counts linear when a principal holds a permission on "*".
    HUB = "hub"
    #: An issuer of tokens that identities accept (an OIDC / SAML identity provider): where federation enters.
    ISSUER = "issuer"


class StoreKind(enum.StrEnum):
    """What a store target holds: secrets (a Key Vault, a secret manager), or the keys to a data store (a storage
    account's keys open everything in it)."""

    SECRETS = "secrets"
    KEYS = "keys"


#: Method id of an ADMIN_OF edge from an identity that holds every permission of its scope (every cloud's word).
ADMIN_EQUIVALENT = "admin-equivalent"


class EdgeKind(enum.StrEnum):
    MEMBER_OF = "MEMBER_OF"
    HAS_CREDENTIAL = "HAS_CREDENTIAL"
    RUNS_AS = "RUNS_AS"
    CAN_ASSUME = "CAN_ASSUME"
    CAN_IMPERSONATE = "CAN_IMPERSONATE"
    CAN_CREATE_CREDENTIAL = "CAN_CREATE_CREDENTIAL"
    CAN_PASS_ROLE = "CAN_PASS_ROLE"
    CAN_MODIFY_POLICY = "CAN_MODIFY_POLICY"
    CAN_UPDATE_TRUST = "CAN_UPDATE_TRUST"
    CAN_RUN_AS = "CAN_RUN_AS"
    FEDERATES = "FEDERATES"
    ADMIN_OF = "ADMIN_OF"
    INCLUDES = "INCLUDES"


@dataclass(frozen=True, slots=True, kw_only=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    reason: str
    #: Escalation method id, policy ids, "conditional" notes, etc.
    method: str | None = None
    #: True when the edge holds only if something unknown offline is true (a condition, a resource existing).
    conditional: bool = False
    #: False for edges a path search must not follow (structure, or modifying another principal's policy).
    traversable: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class MethodFacts:
    """What generic checks need to know of an escalation method, registered on the graph by the provider that
    adds its edges: they never read one cloud's catalogue."""

    id: str
    #: Human name, shown for each hop of a path ("Create an access key for another user").
    label: str
    #: The method makes its user admin by changing its own permissions: "can grant itself anything".
    grants_self: bool = False


#: A hub node to add: (hub id, label).
HubNode = tuple[str, str]


class EdgeLog:
    """Edges and hub nodes recorded in order, to be added to a graph later (what a worker process sends back).

    Replaying an edge or hub the graph already holds changes nothing (same key, same data, same position), so logs
    that overlap may be replayed one after another.
    """

    __slots__ = ("ops",)

    def __init__(self) -> None:
        self.ops: list[Edge | HubNode] = []

    def add_edge(self, edge: Edge) -> None:
        self.ops.append(edge)

    def add_hub(self, hub_id: str, label: str) -> None:
        self.ops.append((hub_id, label))


def replay(graph: IdentityGraph, ops: Iterable[Edge | HubNode]) -> None:
    """Add logged edges and hubs to the graph, in order."""
    for op in ops:
        if isinstance(op, Edge):
            graph.add_edge(op)
        else:
            graph.add_hub(*op)


class IdentityGraph:
    """A thin typed wrapper over ``networkx.MultiDiGraph`` keyed by provider ids (ARNs...)."""

    def __init__(self) -> None:
        self.nx: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        # networkx's adjacency dicts (node -> neighbour -> key -> Edge; its structural algorithms read them too),
        # walked directly by the path searches: millions of calls, and the edge views cost 5x the walk itself. The
        # Edge itself is the value networkx keeps an attribute dict in: a dict per edge is ~190 MB on a
        # million-edge tenant, and nothing reads edge attributes through networkx.
        self._succ: dict[str, dict[str, dict[str, Edge]]] = self.nx._succ  # type: ignore[attr-defined]
        self._pred: dict[str, dict[str, dict[str, Edge]]] = self.nx._pred  # type: ignore[attr-defined]
        self._identities: dict[str, Identity] = {}
        self._credentials: dict[str, Credential] = {}
        self._workloads: dict[str, Workload] = {}
        self._methods: dict[str, MethodFacts] = {}
        self._admin_targets: set[str] = set()
        self._stores: dict[str, StoreKind] = {}
        #: Results derived from the graph that several checks read (computed once, by the first to ask).
        self.memo: dict[str, Any] = {}

    @classmethod
    def from_inventory(cls, inventory: Inventory) -> IdentityGraph:
        graph = cls()
        for identity in inventory.identities:
            graph.add_identity(identity)
        for identity in inventory.identities:
            for group_id in identity.groups:
                if group_id in graph._identities:
                    graph.add_edge(
                        Edge(
                            source=identity.id,
                            target=group_id,
                            kind=EdgeKind.MEMBER_OF,
                            reason="group membership",
                            traversable=False,
                        )
                    )
        for workload in inventory.workloads:
            graph.add_workload(workload)
        return graph

    def add_identity(self, identity: Identity) -> None:
        self._identities[identity.id] = identity
        self.nx.add_node(identity.id, node_kind=NodeKind.IDENTITY)
        for credential in identity.credentials:
            self._credentials[credential.id] = credential
            self.nx.add_node(credential.id, node_kind=NodeKind.CREDENTIAL)
            self.add_edge(
                Edge(
                    source=identity.id,
                    target=credential.id,
                    kind=EdgeKind.HAS_CREDENTIAL,
                    reason=f"{credential.kind} of {identity.name}",
                    traversable=False,
                )
            )

    def add_workload(self, workload: Workload) -> None:
        self._workloads[workload.id] = workload
        self.nx.add_node(workload.id, node_kind=NodeKind.WORKLOAD)
        for identity_id in workload.identity_ids:
            self.add_edge(
                Edge(
                    source=workload.id,
                    target=identity_id,
                    kind=EdgeKind.RUNS_AS,
                    reason=f"{workload.kind} {workload.name} runs as this identity",
                    traversable=False,
                )
            )

    def add_target(self, target_id: str, label: str, *, admin: bool = False, store: StoreKind | None = None) -> None:
        """A privilege target; ``admin``: full control of an account, project, subscription or tenant (the goal of
        the privilege-escalation paths); ``store``: what a store of secrets or keys holds, which may be other
        identities' credentials."""
        self.nx.add_node(target_id, node_kind=NodeKind.TARGET, label=label)
        if admin:
            self._admin_targets.add(target_id)
        if store is not None:
            self._stores[target_id] = store

    def add_issuer(self, issuer_id: str, label: str, *, human: bool = False) -> None:
        """An identity provider whose token holders may become identities (FEDERATES edges leave it): an entry
        point into the estate; ``human``: people sign in through it (SAML), not workloads."""
        self.nx.add_node(issuer_id, node_kind=NodeKind.ISSUER, label=label, human=human)

    def entry_points(self) -> list[str]:
        """The issuer nodes (``human_entry`` tells people's apart from workloads')."""
        return [n for n, data in self.nx.nodes(data=True) if data.get("node_kind") is NodeKind.ISSUER]

    def human_entry(self, node_id: str) -> bool:
        return bool(node_id in self.nx and self.nx.nodes[node_id].get("human"))

    def admin_targets(self) -> frozenset[str]:
        return frozenset(self._admin_targets)

    def store_kind(self, node_id: str) -> StoreKind | None:
        return self._stores.get(node_id)

    def stores(self) -> frozenset[str]:
        return frozenset(self._stores)

    def register_methods(self, methods: Iterable[MethodFacts]) -> None:
        for method in methods:
            self._methods[method.id] = method

    def method(self, method_id: str | None) -> MethodFacts | None:
        return self._methods.get(method_id or "")

    def add_hub(self, hub_id: str, label: str) -> None:
        self.nx.add_node(hub_id, node_kind=NodeKind.HUB, label=label)

    def add_edge(self, edge: Edge) -> None:
        """One edge per (kind, method) between two nodes: a later one replaces it, except that a conditional edge
        never replaces an unconditional one (the order the clouds' builders find them in must not weaken a path)."""
        key = sys.intern(f"{edge.kind}:{edge.method or ''}")  # a few dozen distinct keys across a million edges
        source, target = edge.source, edge.target
        if source not in self._succ:
            self.nx.add_node(source)
        if target not in self._succ:
            self.nx.add_node(target)
        keyed = self._succ[source].get(target)
        if keyed is None:
            keyed = self._succ[source][target] = self._pred[target][source] = {}  # shared, as networkx does
        elif edge.conditional:
            known = keyed.get(key)
            if known is not None and not known.conditional:
                return
        keyed[key] = edge

    def node_kind(self, node_id: str) -> NodeKind | None:
        if node_id not in self.nx:
            return None
        # a node only an edge named (a resource no export listed) has no kind: None, as for an unknown node
        kind: NodeKind | None = self.nx.nodes[node_id].get("node_kind")
        return kind

    def label(self, node_id: str) -> str:
        identity = self._identities.get(node_id)
        if identity is not None:
            return f"{identity.kind}/{identity.name}"
        if node_id in self.nx:
            return str(self.nx.nodes[node_id].get("label", node_id))
        return node_id

    def identity(self, identity_id: str) -> Identity | None:
        return self._identities.get(identity_id)

    def identities(self) -> Iterator[Identity]:
        return iter(self._identities.values())

    def workloads(self) -> Iterator[Workload]:
        return iter(self._workloads.values())

    def edges_from(self, node_id: str) -> Iterator[Edge]:
        for keyed in self._succ.get(node_id, {}).values():  # the order of ``out_edges``
            yield from keyed.values()

    def edges_to(self, node_id: str) -> Iterator[Edge]:
        for keyed in self._pred.get(node_id, {}).values():
            yield from keyed.values()

    def edges(self) -> Iterator[Edge]:
        for neighbours in self._succ.values():  # the order of networkx's edge view
            for keyed in neighbours.values():
                yield from keyed.values()
