"""StubCloud: a made-up cloud in one package (one format, one parse, one analysis), for the provider seam tests.

Export shape (``stubcloud-export.json``)::

    {"stubcloud": {"tenant": "t1", "identities": [{"id": ..., "name": ..., "kind": "service-account", "created": ...,
      "last_used": ..., "owner": ..., "roles": ["owner"], "can_impersonate": [id...],
      "keys": [{"id": ..., "created": ..., "last_used": ...}]}],
      "workloads": [{"id": ..., "kind": ..., "name": ..., "runs_as": id, "application": ...}],
      "usage": [{"identity": id, "service": ..., "last_used": ...}]}}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.graph import ADMIN_EQUIVALENT, Edge, EdgeKind, MethodFacts, StoreKind
from nhi_scan.model import (
    ClaimTest,
    Credential,
    CredentialKind,
    Identity,
    IdentityKind,
    Inventory,
    Provider,
    ServiceUsage,
    Trust,
    TrustKind,
    Workload,
)
from nhi_scan.plugin import AnalysisRequest, ParseOptions, ProviderPlugin, Verdict

STUB = Provider("stubcloud")
IMPERSONATE = MethodFacts(id="stub-impersonate", label="stub.tokens.mint on the target")


def _sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("stubcloud"), dict)


def _load(source: str, value: object) -> object:
    found = Fields(value, source).obj("stubcloud")
    assert found is not None  # the sniffer saw it
    return found


FORMAT = InputFormat(
    name="stubcloud-export", provider=STUB, description="StubCloud export", load=_load, sniff_json=_sniff
)


def _identity(entry: Fields, tenant: str) -> Identity:
    identity_id = entry.string("id")
    keys = tuple(
        Credential(
            id=key.string("id"),
            kind=CredentialKind.SERVICE_ACCOUNT_KEY,
            identity_id=identity_id,
            active=True,
            created=key.timestamp("created"),
            last_used=key.timestamp("last_used"),
            never_used=key.timestamp("last_used") is None,
        )
        for key in entry.objects("keys")
    )
    return Identity(
        id=identity_id,
        provider=STUB,
        kind=IdentityKind(entry.string("kind")),
        name=entry.string("name"),
        scope=tenant,
        machine=True,
        machine_reason="a StubCloud service account",
        created=entry.timestamp("created"),
        last_used=entry.timestamp("last_used"),
        last_used_known=True,
        owner=entry.opt_str("owner"),
        credentials=keys,
        attributes={
            "roles": entry.strings("roles"),
            "can_impersonate": entry.strings("can_impersonate"),
            "description": entry.opt_str("description"),
        },
    )


def parse(documents: Sequence[LoadedDocument], options: ParseOptions) -> Inventory:
    identities: list[Identity] = []
    workloads: list[Workload] = []
    usage: list[ServiceUsage] = []
    trusts: list[Trust] = []
    tenants: list[str] = []
    for document in documents:
        assert isinstance(document.payload, Fields)
        tenant = document.payload.string("tenant")
        tenants.append(tenant)
        identities.extend(_identity(entry, tenant) for entry in document.payload.objects("identities"))
        workloads.extend(
            Workload(
                id=w.string("id"),
                kind=w.string("kind"),
                name=w.string("name"),
                identity_id=w.string("runs_as"),
                provider=STUB,
                scope=tenant,
                attributes={"service": w.string("kind").split("-")[0]},
                application=w.opt_str("application"),
            )
            for w in document.payload.objects("workloads")
        )
        trusts.extend(
            Trust(
                target_id=t.string("identity"),
                principal_type=TrustKind.FEDERATED,
                principal=t.string("issuer"),
                actions=("stub.federate",),
                conditions={},
                provider=STUB,
                issuer=t.string("issuer"),
                claims=(ClaimTest(claim="sub", values=(t.string("subject"),)),),
                description="StubCloud federation binding",
            )
            for t in document.payload.objects("federation")
        )
        usage.extend(
            ServiceUsage(
                identity_id=u.string("identity"), service=u.string("service"), last_used=u.timestamp("last_used")
            )
            for u in document.payload.objects("usage")
        )
    return Inventory(
        identities=tuple(identities),
        workloads=tuple(workloads),
        usage=tuple(usage),
        trusts=tuple(trusts),
        scopes=tuple((STUB, t) for t in tenants),
    )


@dataclass(slots=True)
class StubAnalysis:
    admins: frozenset[str]
    known: frozenset[str]

    def analysed(self, identity_id: str) -> bool:
        return identity_id in self.known

    def admin_equivalent(self, identity_id: str) -> Verdict:
        return Verdict.ALLOWED if identity_id in self.admins else Verdict.DENIED

    def allows(self, identity_id: str, action: str, resource: str = "*") -> Verdict:
        return self.admin_equivalent(identity_id)

    def warnings(self) -> list[str]:
        return []


def analyse(request: AnalysisRequest) -> StubAnalysis:
    graph = request.graph
    graph.register_methods([IMPERSONATE])
    admins: set[str] = set()
    for identity in request.inventory.identities:
        target = f"admin:stubcloud:{identity.scope}"
        graph.add_target(target, f"admin of StubCloud tenant {identity.scope}", admin=True)
        if "owner" in identity.attributes["roles"]:
            admins.add(identity.id)
            graph.add_edge(
                Edge(
                    source=identity.id,
                    target=target,
                    kind=EdgeKind.ADMIN_OF,
                    reason="role owner",
                    method=ADMIN_EQUIVALENT,
                )
            )
        if "reader" in identity.attributes["roles"]:  # readers may read the tenant's secret store
            store = f"store:stubcloud:{identity.scope}"
            graph.add_target(store, f"secrets of StubCloud tenant {identity.scope}", store=StoreKind.SECRETS)
            graph.add_edge(
                Edge(
                    source=identity.id,
                    target=store,
                    kind=EdgeKind.HAS_CREDENTIAL,
                    reason="stub.secrets.read on the tenant's secret store",
                )
            )
        for other in identity.attributes["can_impersonate"]:
            graph.add_edge(
                Edge(
                    source=identity.id,
                    target=other,
                    kind=EdgeKind.CAN_IMPERSONATE,
                    reason=f"stub.tokens.mint on {other}",
                    method=IMPERSONATE.id,
                )
            )
    if request.permissions_known is not None:
        request.permissions_known(
            StubAnalysis(frozenset(admins), frozenset(i.id for i in request.inventory.identities))
        )
    return StubAnalysis(frozenset(admins), frozenset(i.id for i in request.inventory.identities))


PROVIDER = ProviderPlugin(
    id=STUB,
    display_name="StubCloud",
    formats=lambda: (FORMAT,),
    parse=parse,
    analyse=analyse,
    input_warnings=lambda kinds: ["no StubCloud usage export given"] if "stubcloud-usage" not in kinds else [],
    remediation={"admin-identity": "Remove the StubCloud owner role."},
)
