"""The Azure escalation builder on small hand-built tenants: tenant takeover through Graph permissions and directory
roles, credentials added by owners and application administrators (scoped or not), resources that run as managed
identities, RBAC owners, PIM eligibility, and federation at the issuer node."""

from __future__ import annotations

from datetime import UTC, datetime

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.tokens import issued_tokens
from nhi_scan.engine import run_checks
from nhi_scan.escalation.azure.build import build_azure
from nhi_scan.federation.link import link_federation
from nhi_scan.graph import IdentityGraph
from nhi_scan.model import (
    ClaimTest,
    Finding,
    Grant,
    Identity,
    IdentityKind,
    Inventory,
    PolicyKind,
    Scope,
    ScopeKind,
    Trust,
    TrustKind,
    Workload,
)
from nhi_scan.settings import Settings

NOW = datetime(2026, 11, 29, tzinfo=UTC)
TENANT = "9a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
GRAPH_SP = "servicePrincipals/graph"
SUB = "/subscriptions/11111111-1111-1111-1111-111111111111"
RG = f"{SUB}/resourcegroups/rg-prod"
VM = f"{RG}/providers/microsoft.compute/virtualmachines/ops-vm"
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"


def sp(
    name: str,
    *,
    kind: IdentityKind = IdentityKind.SERVICE_PRINCIPAL,
    owners: tuple[str, ...] = (),
    **attributes: object,
) -> Identity:
    return Identity(
        id=f"servicePrincipals/{name}",
        provider=AZURE,
        kind=kind,
        name=name,
        scope=TENANT,
        machine=True,
        machine_reason="test service principal",
        owners=owners,
        attributes={"object_id": name, "app_id": f"app-{name}", **attributes},
    )


def graph_permission(principal: str, value: str, role_id: str) -> Grant:
    return Grant(
        principal_id=principal,
        policy_id=role_id,
        policy_name=value,
        policy_kind=PolicyKind.APP_ROLE,
        document={"resource_id": GRAPH_SP, "resource_app_id": "00000003-0000-0000-c000-000000000000", "value": value},
        provider=AZURE,
        resource_scope=GRAPH_SP,
    )


def directory_role(principal: str, template: str, name: str, scope: str = "/", *, eligible: bool = False) -> Grant:
    return Grant(
        principal_id=principal,
        policy_id=template,
        policy_name=name,
        policy_kind=PolicyKind.DIRECTORY_ROLE,
        document={},
        provider=AZURE,
        resource_scope=scope,
        eligible=eligible,
    )


def rbac(principal: str, role: str, name: str, scope: str) -> Grant:
    return Grant(
        principal_id=principal,
        policy_id=role,
        policy_name=name,
        policy_kind=PolicyKind.RBAC_ASSIGNMENT,
        document={},
        provider=AZURE,
        resource_scope=scope,
    )


def tenant() -> Inventory:
    mi = sp("vm-identity", kind=IdentityKind.MANAGED_IDENTITY, user_assigned=False)
    identities = (
        sp("graph-admin"),
        sp("target-app-sp", application_id="applications/target-app"),
        Identity(
            id="applications/target-app",
            provider=AZURE,
            kind=IdentityKind.APPLICATION,
            name="target-app",
            scope=TENANT,
            machine=True,
            machine_reason="test application",
            owners=("users/contractor",),
            attributes={"object_id": "target-app", "service_principal_id": "servicePrincipals/target-app-sp"},
        ),
        Identity(
            id="users/contractor",
            provider=AZURE,
            kind=IdentityKind.USER,
            name="contractor@partner.example",
            scope=TENANT,
            machine=False,
            machine_reason="guest user",
            attributes={"object_id": "contractor", "user_type": "Guest"},
        ),
        sp("sp-owner"),
        sp("owned-sp", owners=("servicePrincipals/sp-owner",)),
        sp("app-admin"),
        sp("scoped-app-admin"),
        sp("other-app-sp"),
        sp("vm-operator"),
        mi,
        sp("pim-candidate"),
        sp("federated-app"),
    )
    grants = (
        graph_permission("servicePrincipals/graph-admin", "RoleManagement.ReadWrite.Directory", ROLE_MANAGEMENT),
        directory_role("servicePrincipals/target-app-sp", GLOBAL_ADMINISTRATOR, "Global Administrator"),
        directory_role("servicePrincipals/app-admin", APPLICATION_ADMINISTRATOR, "Application Administrator"),
        directory_role(
            "servicePrincipals/scoped-app-admin",
            CLOUD_APPLICATION_ADMINISTRATOR,
            "Cloud Application Administrator",
            "/other-app",
        ),
        rbac("servicePrincipals/vm-identity", OWNER_ROLE, "Owner", SUB),
        rbac("servicePrincipals/vm-operator", VM_CONTRIBUTOR, "Virtual Machine Contributor", RG),
        directory_role("servicePrincipals/pim-candidate", GLOBAL_ADMINISTRATOR, "Global Administrator", eligible=True),
    )
    workloads = (
        Workload(
            id=VM,
            kind="virtual-machine",
            name="ops-vm",
            identity_id=mi.id,
            provider=AZURE,
            scope=SUB.rsplit("/", 1)[1],
            attributes={"type": "Microsoft.Compute/virtualMachines"},
        ),
    )
    trusts = (
        Trust(
            target_id="servicePrincipals/federated-app",
            principal_type=TrustKind.FEDERATED,
            principal="https://token.actions.githubusercontent.com",
            actions=("federated-credential",),
            conditions={"name": "gh"},
            provider=AZURE,
            issuer="token.actions.githubusercontent.com",
            subjects=("repo:northwind/api:ref:refs/heads/main",),
            claims=(ClaimTest(claim="sub", values=("repo:northwind/api:ref:refs/heads/main",)),),
            description="federated identity credential gh of the application",
        ),
    )
    hierarchy = (
        Scope(id=f"tenants/{TENANT}", provider=AZURE, kind=ScopeKind.TENANT),
        Scope(id=SUB, provider=AZURE, kind=ScopeKind.SUBSCRIPTION, name="prod", parent=f"tenants/{TENANT}"),
    )
    return Inventory(
        identities=identities,
        grants=grants,
        workloads=workloads,
        trusts=trusts,
        hierarchy=hierarchy,
        scopes=((AZURE, TENANT),),
    )


def analyse() -> tuple[IdentityGraph, list[Finding]]:
    inventory = tenant()
    graph = IdentityGraph.from_inventory(inventory)
    analysis = build_azure(graph, inventory, NOW)
    link_federation(graph, inventory, issued_tokens(inventory))
    return graph, run_checks(inventory, graph, Settings(), NOW, {AZURE: analysis})


def findings(check: str) -> dict[str, Finding]:
    return {f.subject: f for f in analyse()[1] if f.check_id == check}


def test_tenant_takeover_through_graph_permissions_and_roles() -> None:
    admins = findings("admin-identity")
    assert "servicePrincipals/graph-admin" in admins  # RoleManagement.ReadWrite.Directory: grants itself GA
    assert "can grant itself any permission" in admins["servicePrincipals/graph-admin"].message
    assert "servicePrincipals/target-app-sp" in admins  # Global Administrator
    assert "servicePrincipals/vm-identity" in admins  # Owner of the subscription
    assert admins["servicePrincipals/pim-candidate"].severity.label == "medium"  # eligible: needs activation


def test_credentials_owners_and_scoped_roles() -> None:
    graph, _ = analyse()
    owner_edges = {e.target for e in graph.edges_from("users/contractor")}
    assert "servicePrincipals/target-app-sp" in owner_edges  # a (guest) user owning the application adds a secret
    assert not list(graph.edges_from("servicePrincipals/sp-owner"))  # app-only: ownership alone changes nothing
    app_admin = {e.target for e in graph.edges_from("servicePrincipals/app-admin")}
    assert any(t.startswith("hub:azure:") for t in app_admin)  # tenant-wide: every application through one hub
    scoped = {e.target for e in graph.edges_from("servicePrincipals/scoped-app-admin")}
    assert "servicePrincipals/target-app-sp" not in scoped  # scoped to another application only
    escalation = findings("privilege-escalation")
    assert "servicePrincipals/app-admin" in escalation
    assert "servicePrincipals/scoped-app-admin" not in escalation


def test_resource_control_reaches_the_managed_identity() -> None:
    escalation = findings("privilege-escalation")
    path = escalation["servicePrincipals/vm-operator"].path
    assert [h.target for h in path] == ["servicePrincipals/vm-identity", f"admin:azure:{SUB}"]
    assert "Virtual Machine Contributor" in path[0].reason


def test_federation_enters_at_the_issuer_node() -> None:
    graph, _ = analyse()
    [edge] = [e for e in graph.edges() if e.source.startswith("issuer:token.actions.githubusercontent.com")]
    assert edge.target == "servicePrincipals/federated-app" and "repo:northwind/api" in edge.reason
