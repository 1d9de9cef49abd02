"""A machine identity that can read the secrets of a secret store (or make itself able to): whatever the store
keeps is its to use, and a store often keeps other identities' credentials.

Cloud-neutral: a provider marks the stores it adds to the graph (``IdentityGraph.add_target(store=...)``); the
check lists the stores one edge away (a hub folded in). Identities that reach admin are the privilege-escalation
check's; where a store's secrets appear to be another identity's credential, lateral-movement follows the path too.
"""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import machine_principals
from nhi_scan.graph import Edge, IdentityGraph, NodeKind, StoreKind
from nhi_scan.model import Category, Finding, Severity


def _stores_reached(graph: IdentityGraph, identity_id: str, hubs: frozenset[str]) -> list[Edge]:
    """Store edges one step away, or through one of ``hubs`` (the hubs with a store among their members)."""
    found: list[Edge] = []
    for edge in graph.edges_from(identity_id):
        if not edge.traversable:
            continue
        if graph.store_kind(edge.target) is not None:
            found.append(edge)
        elif edge.target in hubs:
            found += [e for e in graph.edges_from(edge.target) if e.traversable and graph.store_kind(e.target)]
    return found


def _hubs_with_stores(graph: IdentityGraph) -> frozenset[str]:
    """Hubs that lead to a store: found from the stores once, not by walking every hub's members per identity."""
    return frozenset(
        e.source for store in graph.stores() for e in graph.edges_to(store) if graph.node_kind(e.source) is NodeKind.HUB
    )


def run(context: CheckContext) -> Iterator[Finding]:
    graph = context.graph
    if not graph.stores():
        return
    hubs = _hubs_with_stores(graph)
    for identity in machine_principals(context):
        edges = _stores_reached(graph, identity.id, hubs)
        if not edges:
            continue
        stores = sorted({e.target for e in edges})
        keeps = [s for s in stores if any(graph.identity(e.target) for e in graph.edges_from(s))]
        certain = [e for e in edges if not e.conditional]
        names = ", ".join(graph.label(s) for s in stores[:5]) + (
            f" and {len(stores) - 5} more" if len(stores) > 5 else ""
        )
        qualifier = "" if certain else " if what cannot be seen offline holds"
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=f"{identity.kind.value.capitalize()} {identity.name} can read the {names}{qualifier}.",
            evidence={
                "stores": [
                    {"store": e.target, "method": e.method, "reason": e.reason, "conditional": e.conditional}
                    for e in edges
                ],
                "stores_keeping_identity_credentials": keeps,
            },
            severity=_severity(graph, stores, keeps, bool(certain)),
        )


def _severity(graph: IdentityGraph, stores: list[str], keeps: list[str], certain: bool) -> Severity:
    """High when a secret there looks like another identity's credential; medium for the secrets of a secret store;
    low for the keys of a data store (what it holds is not seen) and for what holds only under unknown conditions."""
    if not certain:
        return Severity.LOW
    if keeps:
        return Severity.HIGH
    return Severity.MEDIUM if any(graph.store_kind(s) is StoreKind.SECRETS for s in stores) else Severity.LOW


CHECK = Check(
    id="secret-store-access",
    title="Machine identity can read a secret store",
    severity=Severity.MEDIUM,
    category=Category.LATERAL_MOVEMENT,
    owasp_nhi=("NHI2:2025", "NHI5:2025"),
    description=(
        "A machine identity that can read every secret of a secret store (a Key Vault), list the keys of a data "
        "store (a storage or Cosmos DB account) or read a data store's data (a Cosmos DB SQL role), directly or by "
        "granting itself access; high when a secret there appears to be another identity's credential, low for data "
        "store keys and data and when it depends on conditions unknown offline."
    ),
    remediation=(
        "Grant secret reads per secret or to the one workload that needs them (Key Vault RBAC on the secret, "
        "not an access policy on the vault), and keep other identities' credentials out of shared vaults: use "
        "managed identities or federated credentials instead of stored client secrets."
    ),
    run=run,
)
