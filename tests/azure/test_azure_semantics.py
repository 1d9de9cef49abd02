"""Real Azure / Microsoft Entra semantics, end to end: small tenants written as Graph + ARM files in the directory
convention (``nhi_scan/connectors/azure/README.md``), scanned with ``scan_with_graph``, judged by their findings and
graph edges.

Directory roles (tenant-wide and app-scoped, through role-assignable groups, PIM-eligible), Microsoft Graph
application permissions (and look-alikes on other resources), ownership (users, app-only owners, foreign apps,
role-assignable groups), Azure RBAC (management groups, self-granting roles, Contributor's resource control,
notActions, ABAC conditions, scopes), federation at shared issuer nodes, Agent ID, and odd input (AzureHound form,
identifier case, ``secretText``, unknown role ids).

A test marked ``xfail(strict=True)`` states what a correct scanner does where this one does not: its reason names the
bug."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import Analysis, scan_with_graph
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph, NodeKind
from nhi_scan.model import Finding, ScanResult
from nhi_scan.reporters import ReportOptions, all_reporters
from tests.azure import (
    GRAPH_APP_ID,
    MICROSOFT,
    ROOT,
    SUB,
    TENANT,
    app,
    arm_assignment,
    arm_resource,
    fic,
    group,
    hound,
    managed_identity,
    oid,
    page,
    ref,
    secret,
    sp,
    user,
    write,
)

NOW = datetime(2026, 11, 29, tzinfo=UTC)
GITHUB = "https://token.actions.githubusercontent.com"
GITHUB_NODE = "issuer:token.actions.githubusercontent.com"


def github_entries(graph: IdentityGraph) -> list[str]:
    """The GitHub Actions entry points: one per set of workflows a trust admits (``issuer:...#...``)."""
    return [n for n in graph.entry_points() if n.split("#", 1)[0] == GITHUB_NODE]


def github_edges(graph: IdentityGraph) -> list[Edge]:
    return [e for node in github_entries(graph) for e in graph.edges_from(node)]


TENANT_ADMIN = f"admin:azure:tenants/{TENANT}"

# Entra directory role template ids
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
APPLICATION_ADMINISTRATOR = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
CLOUD_APPLICATION_ADMINISTRATOR = "158c047a-c907-4556-b7ef-446551a6b5f7"
PRIVILEGED_ROLE_ADMINISTRATOR = "e8611ab8-c189-46e8-94e1-60213ab1f814"
AGENT_ID_ADMINISTRATOR = "db506228-d27e-4b7d-95e5-295956d6615f"

# Microsoft Graph application permissions (app role ids on the Microsoft Graph service principal)
ROLE_MANAGEMENT_RW = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
APP_ROLE_ASSIGNMENT_RW = "06b708a9-e830-4db3-a914-8e69da51d44f"
APPLICATION_RW_ALL = "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"
APPLICATION_RW_OWNED_BY = "18a4783c-866b-4cc7-a460-3d5e5662c884"
USER_READ_ALL = "df021288-bdef-4463-88db-98f22de89214"
DIRECTORY_READ_ALL = "7ab1d382-f21e-4acd-a863-ba3e13f7da61"

# Azure built-in role definition GUIDs
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c"
WEBSITE_CONTRIBUTOR = "de139f84-1756-47ae-9be6-808fbbe84772"
MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"

SUB_ID = f"/subscriptions/{SUB}"
SUB_ADMIN = f"admin:azure:{SUB_ID}"
MG = "/providers/Microsoft.Management/managementGroups/"
RG_COMPUTE = f"{SUB_ID}/resourceGroups/rg-compute"
RG_APPS = f"{SUB_ID}/resourceGroups/rg-apps"
RG_IDENTITY = f"{SUB_ID}/resourceGroups/rg-identity"
VM = f"{RG_COMPUTE}/providers/Microsoft.Compute/virtualMachines/ops-vm"
FUNCTION_APP = f"{RG_APPS}/providers/Microsoft.Web/sites/fn-orders"
UAMI = f"{RG_IDENTITY}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy"
ABAC = "@Resource[Microsoft.Compute/virtualMachines:name] StringEquals 'build-01'"
SECRET_VALUE = "Q7x8Q~never.in.a.report-9f3b2c"


def sp_id(number: int) -> str:
    return f"servicePrincipals/{oid(number)}"


def user_id(number: int) -> str:
    return f"users/{oid(number)}"


def group_id(number: int) -> str:
    return f"groups/{oid(number)}"


def app_id(number: int) -> str:
    """The appId of the application / service principal numbered ``number`` (distinct from object ids)."""
    return oid(0x100 + number)


def application(number: int, name: str, **fields: Any) -> dict[str, Any]:
    """The application registration of the service principal ``number`` (object id ``number + 0x200``)."""
    return app(0x200 + number, app_id(number), name, **fields)


def principal(number: int, name: str, **fields: Any) -> dict[str, Any]:
    return sp(number, app_id(number), name, **fields)


def agent_identity(number: int, name: str, blueprint_app_id: str, **fields: Any) -> dict[str, Any]:
    found = sp(number, app_id(number), name, agentIdentityBlueprintId=blueprint_app_id, **fields)
    found["@odata.type"] = "#microsoft.graph.agentIdentity"
    return found


def role(principal_number: int, template: str, scope: str = "/") -> dict[str, Any]:
    return {"directoryScopeId": scope, "principalId": oid(principal_number), "roleDefinitionId": template}


def eligible(principal_number: int, template: str) -> dict[str, Any]:
    return {
        "directoryScopeId": "/",
        "memberType": "Direct",
        "principalId": oid(principal_number),
        "roleDefinitionId": template,
        "scheduleInfo": {"startDateTime": "2026-01-01T00:00:00Z", "expiration": {"type": "noExpiration"}},
        "status": "Provisioned",
    }


def graph_permission(principal_number: int, app_role: str, resource: int = 9) -> dict[str, Any]:
    """An appRoleAssignment (resource 9 is the Microsoft Graph service principal of every tenant here)."""
    return {
        "appRoleId": app_role,
        "principalId": oid(principal_number),
        "principalType": "ServicePrincipal",
        "resourceId": oid(resource),
    }


def identity_record(resource_id: str, principal_number: int) -> dict[str, Any]:
    """``az identity list``."""
    name = resource_id.rsplit("/", 1)[-1]
    return {
        "clientId": oid(0x600 + principal_number),
        "id": resource_id,
        "location": "westeurope",
        "name": name,
        "principalId": oid(principal_number),
        "resourceGroup": resource_id.split("/")[4],
        "tags": {},
        "tenantId": TENANT,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    }


def system_identity(principal_number: int) -> dict[str, Any]:
    return {"principalId": oid(principal_number), "tenantId": TENANT, "type": "SystemAssigned"}


def user_identity(resource_id: str, principal_number: int) -> dict[str, Any]:
    details = {"clientId": oid(0x600 + principal_number), "principalId": oid(principal_number)}
    return {"type": "UserAssigned", "userAssignedIdentities": {resource_id: details}}


def custom_role(number: int, name: str, actions: list[str], not_actions: list[str]) -> dict[str, Any]:
    """``az role definition list --custom-role-only true``."""
    guid = oid(0x800 + number)
    return {
        "assignableScopes": [SUB_ID],
        "description": name,
        "id": f"{SUB_ID}/providers/Microsoft.Authorization/roleDefinitions/{guid}",
        "name": guid,
        "permissions": [{"actions": actions, "dataActions": [], "notActions": not_actions, "notDataActions": []}],
        "roleName": name,
        "roleType": "CustomRole",
        "type": "Microsoft.Authorization/roleDefinitions",
    }


def management_groups(*chain: str) -> list[dict[str, Any]]:
    """``az account management-group show -n ROOT --expand --recurse``: root > chain[0] > ... > the subscription."""
    below: dict[str, Any] = {"id": SUB_ID, "name": SUB, "type": "/subscriptions", "children": None}
    for name in reversed(chain):
        below = {
            "id": f"{MG}{name}",
            "name": name,
            "displayName": name.title(),
            "type": "Microsoft.Management/managementGroups",
            "children": [below],
        }
    return [
        {
            "id": f"{MG}{TENANT}",
            "name": TENANT,
            "type": "Microsoft.Management/managementGroups",
            "properties": {"displayName": "Tenant Root Group", "details": {"parent": None}, "children": [below]},
        }
    ]


@dataclass
class Tenant:
    """One tenant and one subscription, written as ``collect azure`` writes them. The Microsoft Graph service
    principal (object 9) is always listed; everything else is what a test adds."""

    service_principals: list[dict[str, Any]] = field(default_factory=list)
    applications: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    #: group object id -> its members (expanded directory objects)
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    app_role_assignments: list[dict[str, Any]] = field(default_factory=list)
    role_definitions: list[dict[str, Any]] = field(default_factory=list)
    role_assignments: list[dict[str, Any]] = field(default_factory=list)
    eligibilities: list[dict[str, Any]] = field(default_factory=list)
    rbac: list[dict[str, Any]] = field(default_factory=list)
    custom_roles: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    management_groups: list[dict[str, Any]] = field(default_factory=list)
    #: other files: relative path -> content
    files: dict[str, Any] = field(default_factory=dict)

    def write(self, root: Path) -> Path:
        graph_sp = sp(9, GRAPH_APP_ID, "Microsoft Graph", appOwnerOrganizationId=MICROSOFT)
        organization = {"id": TENANT, "displayName": "Contoso", "verifiedDomains": []}
        write(root, "graph/organization.json", page("organization", organization))
        write(
            root,
            "graph/servicePrincipals.json",
            page("servicePrincipals(owners())", graph_sp, *self.service_principals),
        )
        write(
            root,
            "graph/applications.json",
            page("applications(owners(),federatedIdentityCredentials())", *self.applications),
        )
        write(root, "graph/users.json", page("users", *self.users))
        write(root, "graph/groups.json", page("groups(owners())", *self.groups))
        for group_object, found in self.members.items():
            write(root, f"graph/groups/{group_object}/members.json", page("directoryObjects", *found))
        write(
            root,
            "graph/appRoleAssignments.json",
            page(f"servicePrincipals('{oid(9)}')/appRoleAssignedTo", *self.app_role_assignments),
        )
        write(
            root, "graph/roleDefinitions.json", page("roleManagement/directory/roleDefinitions", *self.role_definitions)
        )
        write(
            root, "graph/roleAssignments.json", page("roleManagement/directory/roleAssignments", *self.role_assignments)
        )
        write(
            root,
            "graph/roleEligibilitySchedules.json",
            page("roleManagement/directory/roleEligibilitySchedules", *self.eligibilities),
        )
        subscription = {"id": SUB, "isDefault": True, "name": "prod", "state": "Enabled", "tenantId": TENANT}
        write(root, "arm/subscriptions.json", [subscription])
        if self.management_groups:
            write(root, "arm/managementGroups.json", self.management_groups)
        arm = f"arm/subscriptions/{SUB}"
        write(root, f"{arm}/roleAssignments.json", self.rbac)
        write(root, f"{arm}/roleDefinitions.json", self.custom_roles)
        write(root, f"{arm}/resources.json", self.resources)
        write(root, f"{arm}/identities.json", self.identities)
        for relative, content in self.files.items():
            write(root, relative, content)
        return root


@dataclass
class Scan:
    result: ScanResult
    analysis: Analysis

    @property
    def graph(self) -> IdentityGraph:
        return self.analysis.graph

    def findings(self, check: str) -> dict[str, Finding]:
        return {f.subject: f for f in self.result.findings if f.check_id == check}

    def out(self, source: str) -> list[Edge]:
        """Escalation edges leaving ``source`` (structure edges left out)."""
        return [e for e in self.graph.edges_from(source) if e.traversable]

    def step(self, source: str, *, certain: bool = False) -> dict[str, list[Edge]]:
        """Identities and targets ``source`` reaches in one hop, a hub folded into the hop through it."""
        found: dict[str, list[Edge]] = {}
        for edge in self.out(source):
            if certain and edge.conditional:
                continue
            if self.graph.node_kind(edge.target) is NodeKind.HUB:
                for member in self.graph.edges_from(edge.target):
                    found.setdefault(member.target, []).append(edge)
            else:
                found.setdefault(edge.target, []).append(edge)
        return found

    def reach(self, source: str, *, certain: bool = True) -> set[str]:
        """Every node reachable from ``source`` (over certain edges only, by default)."""
        seen, queue = {source}, deque([source])
        while queue:
            for edge in self.graph.edges_from(queue.popleft()):
                if not edge.traversable or (certain and edge.conditional) or edge.target in seen:
                    continue
                seen.add(edge.target)
                queue.append(edge.target)
        return seen - {source}


def scan(root: Path, tenant: Tenant | None = None, *extra: Path) -> Scan:
    if tenant is not None:
        tenant.write(root)
    result, analysis = scan_with_graph([root, *extra], now=NOW)
    failed = [s.detail for s in result.sources if s.failed]
    assert not failed, failed
    return Scan(result, analysis)


def methods(edges: Iterable[Edge]) -> set[str]:
    return {e.method or "" for e in edges}


# -- directory roles ---------------------------------------------------------------------------------------------------


def application_administrator_tenant() -> Tenant:
    """helpdesk (1) holds Application Administrator tenant-wide. The tenant also has: an ordinary app (2), a
    Global Administrator app (3), a system-assigned managed identity (4), an agent identity (5), a Microsoft
    first-party service principal (6), a disabled service principal (7) whose app is registered here, and the
    service principal of another organisation's app (8)."""
    tenant = Tenant()
    tenant.service_principals += [
        principal(1, "helpdesk"),
        principal(2, "billing"),
        principal(3, "tier0-app"),
        managed_identity(4, VM, user_assigned=False),
        agent_identity(5, "support-agent", app_id(0x50)),
        principal(6, "Office 365 Exchange Online", appOwnerOrganizationId=MICROSOFT),
        principal(7, "legacy-reporting", accountEnabled=False),
        principal(8, "Fabrikam Cloud Backup", appOwnerOrganizationId=oid(0xEE)),
    ]
    tenant.applications += [
        application(1, "helpdesk"),
        application(2, "billing"),
        application(3, "tier0-app"),
        application(7, "legacy-reporting"),
    ]
    tenant.resources.append(arm_resource(VM, "Microsoft.Compute/virtualMachines", system_identity(4)))
    tenant.role_assignments += [role(1, APPLICATION_ADMINISTRATOR), role(3, GLOBAL_ADMINISTRATOR)]
    tenant.rbac.append(arm_assignment(1, oid(4), OWNER, SUB_ID))
    return tenant


def test_tenant_wide_application_administrator_reaches_every_application_through_a_hub(tmp_path: Path) -> None:
    result = scan(tmp_path, application_administrator_tenant())
    hubs = [e.target for e in result.out(sp_id(1)) if result.graph.node_kind(e.target) is NodeKind.HUB]
    assert hubs, "a tenant-wide grantor reaches its targets through a hub"
    reached = result.step(sp_id(1), certain=True)
    assert {sp_id(2), sp_id(3)} <= set(reached)
    assert "azure-application-add-credential-directory-role" in methods(reached[sp_id(3)])
    # 2 hops: add a secret to tier0-app, then act as its Global Administrator.
    path = result.findings("privilege-escalation")[sp_id(1)].path
    assert [h.target for h in path] == [sp_id(3), TENANT_ADMIN]


def test_application_administrator_never_reaches_managed_agent_or_first_party_identities(tmp_path: Path) -> None:
    result = scan(tmp_path, application_administrator_tenant())
    reached = set(result.step(sp_id(1)))
    assert not reached & {sp_id(4), sp_id(5), sp_id(6), sp_id(9)}
    # nor any further: the managed identity is Owner of the subscription, but no credential can be added to it
    assert sp_id(4) not in result.reach(sp_id(1), certain=False)
    assert SUB_ADMIN not in result.reach(sp_id(1), certain=False)
    credential_edges = [e for e in result.graph.edges() if e.kind is EdgeKind.CAN_CREATE_CREDENTIAL]
    assert not [e for e in credential_edges if e.target in {sp_id(4), sp_id(5), sp_id(6), sp_id(9)}]


def test_application_administrator_reaches_another_organisations_app_only_conditionally(tmp_path: Path) -> None:
    result = scan(tmp_path, application_administrator_tenant())
    edges = result.step(sp_id(1))[sp_id(8)]  # its publisher may have locked the app instance's credentials
    assert edges and all(e.conditional for e in edges)
    # a tenant-wide role reaches every other organisation's app alike: one conditional edge to their hub, not one
    # per app (on a 100,000-SP tenant 92,000 edges fewer, 9% of them), whose reason names the role and the lock
    (edge,) = edges
    assert result.graph.node_kind(edge.target) is NodeKind.HUB and edge.target.endswith(":foreign")
    assert "Application Administrator" in edge.reason and "app instance lock" in edge.reason


def test_application_administrator_never_reaches_a_disabled_service_principal(tmp_path: Path) -> None:
    result = scan(tmp_path, application_administrator_tenant())
    assert sp_id(7) not in result.step(sp_id(1))
    assert not list(result.graph.edges_to(sp_id(7)))


def test_cloud_application_administrator_scoped_to_one_app_reaches_that_app_only(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "portal-config"), principal(2, "billing-portal"), principal(3, "tier0")]
    tenant.applications += [application(2, "billing-portal"), application(3, "tier0")]
    # directoryScopeId is "/" + the application's object id
    tenant.role_assignments += [
        role(1, CLOUD_APPLICATION_ADMINISTRATOR, f"/{oid(0x202)}"),
        role(3, GLOBAL_ADMINISTRATOR),
    ]
    result = scan(tmp_path, tenant)
    reached = result.step(sp_id(1))
    assert set(reached) == {sp_id(2)}
    assert not [e for e in result.out(sp_id(1)) if result.graph.node_kind(e.target) is NodeKind.HUB]
    assert sp_id(1) not in result.findings("privilege-escalation")
    assert sp_id(1) in result.findings("lateral-movement")


def test_an_app_scoped_directory_role_is_not_tenant_wide(tmp_path: Path) -> None:
    # Graph gives appScopeId instead of directoryScopeId for an app-specific scope: no directory object lies in it
    tenant = Tenant()
    tenant.service_principals += [principal(1, "app-scoped"), principal(2, "tenant-wide")]
    scoped = role(1, GLOBAL_ADMINISTRATOR)
    del scoped["directoryScopeId"]
    tenant.role_assignments += [scoped | {"appScopeId": "/"}, role(2, GLOBAL_ADMINISTRATOR)]
    result = scan(tmp_path, tenant)
    admins = result.findings("admin-identity")
    assert sp_id(2) in admins and sp_id(1) not in admins
    assert TENANT_ADMIN not in result.reach(sp_id(1))


def test_a_directory_role_through_a_role_assignable_group_reaches_its_members(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "member-of-tier0"), principal(2, "outsider")]
    tenant.groups.append(group(30, "Tier0 Admins", isAssignableToRole=True))
    tenant.members[oid(30)] = [ref("servicePrincipal", 1)]
    tenant.role_assignments.append(role(30, GLOBAL_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    admins = result.findings("admin-identity")
    assert sp_id(1) in admins and sp_id(2) not in admins
    assert not admins[sp_id(1)].evidence["how"][0]["conditional"]
    assert TENANT_ADMIN in result.reach(sp_id(1))


def test_eligible_global_administrator_is_conditional_and_active_is_certain(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals += [
        principal(1, "tenant-ops"),
        principal(2, "break-glass-app", passwordCredentials=[secret(2)]),
        principal(3, "no-key-admin"),
    ]
    tenant.eligibilities.append(eligible(1, GLOBAL_ADMINISTRATOR))
    tenant.role_assignments += [role(2, GLOBAL_ADMINISTRATOR), role(3, GLOBAL_ADMINISTRATOR)]
    result = scan(tmp_path, tenant)
    admins = result.findings("admin-identity")
    assert admins[sp_id(1)].severity.label == "medium"
    assert "if conditions unknown offline hold" in admins[sp_id(1)].message
    assert all(e.conditional for e in result.out(sp_id(1)) if e.target == TENANT_ADMIN)
    assert TENANT_ADMIN not in result.reach(sp_id(1), certain=True)
    # active: certain (critical with a secret to steal, high without)
    assert admins[sp_id(2)].severity.label == "critical"
    assert admins[sp_id(3)].severity.label == "high"
    assert not [e for e in result.out(sp_id(3)) if e.conditional]


def test_privileged_role_administrator_grants_itself(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "role-admin"))
    tenant.role_assignments.append(role(1, PRIVILEGED_ROLE_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    admin = result.findings("admin-identity")[sp_id(1)]
    assert "can grant itself any permission" in admin.message
    assert admin.severity.label == "high"
    assert "azure-directory-role-assign-privileged-role-administrator" in methods(result.out(sp_id(1)))


def test_an_active_role_is_not_offered_as_a_pim_activation(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.users.append(user(20, "ops@contoso.example"))
    tenant.groups.append(group(30, "PRA holders", isAssignableToRole=True))
    tenant.role_assignments += [role(20, PRIVILEGED_ROLE_ADMINISTRATOR), role(30, PRIVILEGED_ROLE_ADMINISTRATOR)]
    result = scan(tmp_path, tenant)
    assert "azure-directory-role-assign-privileged-role-administrator" in methods(result.out(user_id(20)))
    activations = [e for e in result.graph.edges() if e.method == "azure-pim-activate-eligible-role"]
    assert not activations, activations


def test_an_eligible_role_of_a_user_is_a_conditional_activation(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.users.append(user(20, "ops@contoso.example"))
    tenant.eligibilities.append(eligible(20, PRIVILEGED_ROLE_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    edges = result.out(user_id(20))
    assert edges and all(e.conditional for e in edges)
    assert "azure-pim-activate-eligible-role" in methods(edges)


# -- Microsoft Graph application permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("permission", "method"),
    [
        (ROLE_MANAGEMENT_RW, "azure-directory-role-assign-graph"),
        (APP_ROLE_ASSIGNMENT_RW, "azure-app-role-assignment-grant"),
    ],
    ids=["RoleManagement.ReadWrite.Directory", "AppRoleAssignment.ReadWrite.All"],
)
def test_graph_permissions_that_grant_themselves_are_admin(tmp_path: Path, permission: str, method: str) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "automation"))
    tenant.app_role_assignments.append(graph_permission(1, permission))
    result = scan(tmp_path, tenant)
    admin = result.findings("admin-identity")[sp_id(1)]
    assert "can grant itself any permission" in admin.message
    assert admin.severity.label == "high"
    [edge] = [e for e in result.out(sp_id(1)) if e.target == TENANT_ADMIN]
    assert edge.method == method and not edge.conditional


def test_application_readwrite_all_adds_a_secret_to_a_tier0_app_two_hops_from_global_admin(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "app-registry-sync"), principal(2, "deploy-bot"), principal(3, "x")]
    tenant.applications += [application(2, "deploy-bot"), application(3, "x")]
    tenant.app_role_assignments += [graph_permission(1, APPLICATION_RW_ALL), graph_permission(2, ROLE_MANAGEMENT_RW)]
    result = scan(tmp_path, tenant)
    reached = result.step(sp_id(1), certain=True)
    assert {sp_id(2), sp_id(3)} <= set(reached)
    assert "azure-application-add-credential-graph" in methods(reached[sp_id(2)])
    assert sp_id(1) not in result.findings("admin-identity")
    finding = result.findings("privilege-escalation")[sp_id(1)]
    assert [h.target for h in finding.path] == [sp_id(2), TENANT_ADMIN]
    assert finding.severity.label == "high" and not finding.evidence["conditional"]


@pytest.mark.parametrize("permission", [USER_READ_ALL, DIRECTORY_READ_ALL], ids=["User.Read.All", "Directory.Read.All"])
def test_read_permissions_give_nothing(tmp_path: Path, permission: str) -> None:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "reader"), principal(2, "tier0")]
    tenant.applications.append(application(2, "tier0"))
    tenant.app_role_assignments.append(graph_permission(1, permission))
    tenant.role_assignments.append(role(2, GLOBAL_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1))
    for check in ("admin-identity", "privilege-escalation", "lateral-movement"):
        assert sp_id(1) not in result.findings(check), check


def test_the_same_app_role_id_on_another_resource_is_not_a_graph_permission(tmp_path: Path) -> None:
    """An appRoleAssignment means the app role of its ``resourceId``: an API of the tenant may reuse Microsoft
    Graph's app role ids (and even their names) without being Microsoft Graph."""
    lookalike = {"allowedMemberTypes": ["Application"], "id": ROLE_MANAGEMENT_RW, "isEnabled": True}
    tenant = Tenant()
    tenant.service_principals += [
        principal(1, "client-of-custom-api"),
        principal(2, "client-of-bare-api"),
        principal(8, "Contoso Roles API", appRoles=[{**lookalike, "value": "RoleManagement.ReadWrite.Directory"}]),
        principal(7, "Contoso Bare API"),
    ]
    tenant.app_role_assignments += [
        graph_permission(1, ROLE_MANAGEMENT_RW, resource=8),
        graph_permission(2, APPLICATION_RW_ALL, resource=7),
    ]
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1)) and not result.out(sp_id(2))
    assert not {sp_id(1), sp_id(2)} & set(result.findings("admin-identity"))


def test_a_graph_app_role_assigned_to_a_group_is_no_permission_of_its_members(tmp_path: Path) -> None:
    """Application permissions are in app-only tokens of the service principal they are assigned to; a group's app
    role assignments never reach a member's app-only token."""
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "member"))
    tenant.groups.append(group(30, "Automation"))
    tenant.members[oid(30)] = [ref("servicePrincipal", 1)]
    tenant.app_role_assignments.append({**graph_permission(30, ROLE_MANAGEMENT_RW), "principalType": "Group"})
    result = scan(tmp_path, tenant)
    assert TENANT_ADMIN not in result.reach(sp_id(1), certain=False)
    assert sp_id(1) not in result.findings("admin-identity")


def test_a_graph_permission_whose_resource_is_not_listed_is_not_lost_silently(tmp_path: Path) -> None:
    """``servicePrincipals/{id}/appRoleAssignments`` of one client, without the Microsoft Graph service principal
    in the listing: Microsoft Graph's app role id still names RoleManagement.ReadWrite.Directory (or, at the least,
    a warning says the resource is unknown)."""
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "deploy-bot"))
    root = tenant.write(tmp_path)
    listing = page("servicePrincipals(owners())", principal(1, "deploy-bot"))
    write(root, "graph/servicePrincipals.json", listing)
    assignment = {**graph_permission(1, ROLE_MANAGEMENT_RW), "resourceDisplayName": "Microsoft Graph"}
    write(root, "graph/appRoleAssignments.json", page(f"servicePrincipals('{oid(1)}')/appRoleAssignments", assignment))
    result = scan(root)
    warned = any(oid(9) in w for w in result.result.warnings)
    assert sp_id(1) in result.findings("admin-identity") or warned, result.result.warnings


# -- ownership ---------------------------------------------------------------------------------------------------------


def ownership_tenant() -> Tenant:
    """Global Administrator apps owned by: a user (app 1), a service principal without any permission (app 2), a
    service principal holding Application.ReadWrite.OwnedBy (app 3, and the service principal 5 directly)."""
    tenant = Tenant()
    tenant.users.append(user(20, "alice@contoso.example"))
    tenant.service_principals += [
        principal(1, "owned-by-alice"),
        principal(2, "owned-by-ci"),
        principal(3, "owned-by-automation"),
        principal(5, "sp-owned-by-automation", owners=[ref("servicePrincipal", 11)]),
        principal(10, "ci"),
        principal(11, "automation"),
    ]
    tenant.applications += [
        application(1, "owned-by-alice", owners=[ref("user", 20)]),
        application(2, "owned-by-ci", owners=[ref("servicePrincipal", 10)]),
        application(3, "owned-by-automation", owners=[ref("servicePrincipal", 11)]),
        application(5, "sp-owned-by-automation"),
        application(10, "ci"),
        application(11, "automation"),
    ]
    tenant.role_assignments += [role(n, GLOBAL_ADMINISTRATOR) for n in (1, 2, 3, 5)]
    tenant.app_role_assignments.append(graph_permission(11, APPLICATION_RW_OWNED_BY))
    return tenant


def test_a_user_owning_an_application_adds_a_secret(tmp_path: Path) -> None:
    result = scan(tmp_path, ownership_tenant())
    reached = result.step(user_id(20), certain=True)
    assert sp_id(1) in reached
    assert "azure-application-add-credential-owner" in methods(reached[sp_id(1)])
    assert TENANT_ADMIN in result.reach(user_id(20))


def test_a_service_principal_owning_an_application_cannot_add_a_secret_by_ownership_alone(tmp_path: Path) -> None:
    result = scan(tmp_path, ownership_tenant())
    assert not result.out(sp_id(10))
    assert sp_id(10) not in result.findings("privilege-escalation")


@pytest.mark.parametrize(
    ("target", "method"),
    [(3, "azure-application-add-credential-owned-by"), (5, "azure-service-principal-add-credential-owned-by")],
    ids=["owned-application", "owned-service-principal"],
)
def test_a_service_principal_owner_with_application_readwrite_owned_by_adds_a_secret(
    tmp_path: Path, target: int, method: str
) -> None:
    result = scan(tmp_path, ownership_tenant())
    reached = result.step(sp_id(11))
    assert method in methods(reached.get(sp_id(target), []))
    assert sp_id(11) in result.findings("privilege-escalation")


def test_application_readwrite_owned_by_alone_reaches_nothing_it_does_not_own(tmp_path: Path) -> None:
    result = scan(tmp_path, ownership_tenant())
    assert not {sp_id(1), sp_id(2), sp_id(10)} & set(result.step(sp_id(11)))


def foreign_and_home_service_principals() -> Tenant:
    """Bob (21) owns the service principal of Fabrikam's app (another tenant, 6) and the service principal of an app
    of this tenant (7, registered here, Bob not owning the registration). Both are Global Administrators."""
    tenant = Tenant()
    tenant.users.append(user(21, "bob@contoso.example"))
    tenant.service_principals += [
        principal(6, "Fabrikam Cloud Backup", appOwnerOrganizationId=oid(0xEE), owners=[ref("user", 21)]),
        principal(7, "internal-tool", owners=[ref("user", 21)]),
    ]
    tenant.applications.append(application(7, "internal-tool"))
    tenant.role_assignments += [role(6, GLOBAL_ADMINISTRATOR), role(7, GLOBAL_ADMINISTRATOR)]
    return tenant


def test_owner_of_a_service_principal_of_another_tenants_app_is_conditional(tmp_path: Path) -> None:
    result = scan(tmp_path, foreign_and_home_service_principals())
    edges = result.step(user_id(21))[sp_id(6)]
    assert edges and all(e.conditional for e in edges)
    assert "app instance lock" in edges[0].reason


def test_owner_of_a_service_principal_of_this_tenants_app_is_certain(tmp_path: Path) -> None:
    result = scan(tmp_path, foreign_and_home_service_principals())
    assert sp_id(7) in result.step(user_id(21), certain=True)


def test_adding_an_owner_to_another_tenants_service_principal_is_as_conditional_as_adding_a_secret(
    tmp_path: Path,
) -> None:
    """Application.ReadWrite.All both adds owners and adds secrets: made an owner, it still has to add a credential,
    which the publisher's app instance lock may refuse, so that hop is no surer than the direct one."""
    tenant = foreign_and_home_service_principals()
    tenant.service_principals.append(principal(12, "app-manager"))
    tenant.app_role_assignments.append(graph_permission(12, APPLICATION_RW_ALL))
    result = scan(tmp_path, tenant)
    assert sp_id(6) in result.reach(sp_id(12), certain=False)
    assert sp_id(6) not in result.reach(sp_id(12), certain=True)
    assert sp_id(7) in result.reach(sp_id(12), certain=True)


def test_owner_of_a_role_assignable_group_adds_itself_and_gets_the_groups_role(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "group-lifecycle"), principal(2, "owner-of-plain-group")]
    tenant.groups += [
        group(30, "Tier0 Privileged Role Admins", isAssignableToRole=True, owners=[ref("servicePrincipal", 1)]),
        group(31, "Platform", owners=[ref("servicePrincipal", 2)]),
    ]
    tenant.role_assignments.append(role(30, PRIVILEGED_ROLE_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    assert "azure-role-assignable-group-add-member-owner" in methods(result.step(sp_id(1))[group_id(30)])
    finding = result.findings("privilege-escalation")[sp_id(1)]
    assert [h.target for h in finding.path] == [group_id(30), TENANT_ADMIN]
    assert not finding.evidence["conditional"]
    # a group without a role gives its owner nothing more than the group
    assert sp_id(2) not in result.findings("privilege-escalation")


def test_a_group_holding_a_directory_role_is_role_assignable_without_the_flag(tmp_path: Path) -> None:
    # Entra assigns roles only to role-assignable groups: a record without isAssignableToRole does not make the
    # group one that any group manager may add members to
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "group-lifecycle"))
    holder = group(30, "Tier0 Privileged Role Admins", owners=[ref("servicePrincipal", 1)])
    del holder["isAssignableToRole"]
    tenant.groups.append(holder)
    tenant.role_assignments.append(role(30, PRIVILEGED_ROLE_ADMINISTRATOR))
    result = scan(tmp_path, tenant)
    assert methods(result.step(sp_id(1))[group_id(30)]) == {"azure-role-assignable-group-add-member-owner"}


# -- Azure RBAC --------------------------------------------------------------------------------------------------------


def test_owner_at_a_management_group_is_owner_of_the_subscriptions_below(tmp_path: Path) -> None:
    tenant = Tenant(management_groups=management_groups("platform", "prod"))
    tenant.service_principals += [managed_identity(4, VM, user_assigned=False), principal(1, "vm-operator")]
    tenant.resources.append(arm_resource(VM, "Microsoft.Compute/virtualMachines", system_identity(4)))
    tenant.rbac += [
        arm_assignment(1, oid(4), OWNER, f"{MG}platform"),
        arm_assignment(2, oid(1), VM_CONTRIBUTOR, RG_COMPUTE),
    ]
    result = scan(tmp_path, tenant)
    platform, prod = (f"admin:azure:{MG.lower()}{name}" for name in ("platform", "prod"))
    assert {platform, prod, SUB_ADMIN} <= result.graph.admin_targets()
    includes = {(e.source, e.target) for e in result.graph.edges() if e.kind is EdgeKind.INCLUDES}
    assert {(platform, prod), (prod, SUB_ADMIN)} <= includes
    assert {platform, prod, SUB_ADMIN} <= result.reach(sp_id(4))
    admin = result.findings("admin-identity")[sp_id(4)]
    assert "is admin-equivalent" in admin.message
    assert {platform, SUB_ADMIN} <= result.reach(sp_id(1))
    assert sp_id(1) in result.findings("privilege-escalation")


@pytest.mark.parametrize(
    "role_guid", [USER_ACCESS_ADMINISTRATOR, RBAC_ADMINISTRATOR], ids=["User Access Administrator", "RBAC Admin"]
)
def test_role_assignment_writers_grant_themselves(tmp_path: Path, role_guid: str) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "access-admin"))
    tenant.rbac.append(arm_assignment(1, oid(1), role_guid, SUB_ID))
    result = scan(tmp_path, tenant)
    admin = result.findings("admin-identity")[sp_id(1)]
    assert "can grant itself any permission" in admin.message
    [edge] = [e for e in result.out(sp_id(1)) if e.target == SUB_ADMIN]
    assert edge.method == "azure-rbac-role-assignment-subscription" and not edge.conditional


def contributor_tenant() -> Tenant:
    """ops-vm (system identity 4) in rg-compute, Owner of the subscription; fn-orders in rg-apps runs as the
    user-assigned identity 5 (Owner of the subscription too)."""
    tenant = Tenant()
    tenant.service_principals += [
        managed_identity(4, VM, user_assigned=False),
        managed_identity(5, UAMI, user_assigned=True),
    ]
    tenant.resources += [
        arm_resource(VM, "Microsoft.Compute/virtualMachines", system_identity(4)),
        arm_resource(FUNCTION_APP, "Microsoft.Web/sites", user_identity(UAMI, 5), kind="functionapp,linux"),
    ]
    tenant.identities.append(identity_record(UAMI, 5))
    tenant.rbac += [arm_assignment(90, oid(4), OWNER, SUB_ID), arm_assignment(91, oid(5), OWNER, SUB_ID)]
    return tenant


def test_contributor_is_not_admin_but_runs_commands_on_the_vm(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals.append(principal(1, "gh-actions-infra"))
    tenant.rbac.append(arm_assignment(1, oid(1), CONTRIBUTOR, SUB_ID))
    result = scan(tmp_path, tenant)
    assert sp_id(1) not in result.findings("admin-identity")
    assert SUB_ADMIN not in {e.target for e in result.out(sp_id(1))}  # notActions Microsoft.Authorization/*/Write
    reached = result.step(sp_id(1), certain=True)
    assert "azure-vm-run-command" in methods(reached[sp_id(4)])
    assert all(e.kind is EdgeKind.CAN_RUN_AS for e in reached[sp_id(4)])
    finding = result.findings("privilege-escalation")[sp_id(1)]
    assert len(finding.path) == 2 and finding.path[-1].target == SUB_ADMIN


def test_website_contributor_acts_as_the_function_apps_identity(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals.append(principal(1, "web-deployer"))
    tenant.rbac.append(arm_assignment(1, oid(1), WEBSITE_CONTRIBUTOR, RG_APPS))
    result = scan(tmp_path, tenant)
    reached = result.step(sp_id(1), certain=True)
    assert set(reached) == {sp_id(5)}
    assert "azure-app-service-deploy-code" in methods(reached[sp_id(5)])
    assert [h.target for h in result.findings("privilege-escalation")[sp_id(1)].path] == [sp_id(5), SUB_ADMIN]


def test_not_actions_exclude_what_a_wildcard_allows(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals += [principal(1, "no-compute"), principal(2, "only-compute-excluded")]
    tenant.custom_roles += [
        custom_role(
            1, "Everything but compute and access", ["*"], ["Microsoft.Compute/*", "Microsoft.Authorization/*"]
        ),
        custom_role(2, "Everything but compute", ["*"], ["Microsoft.Compute/*"]),
    ]
    tenant.rbac += [
        arm_assignment(1, oid(1), oid(0x801), RG_COMPUTE),
        arm_assignment(2, oid(2), oid(0x802), SUB_ID),
    ]
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1))
    for check in ("admin-identity", "privilege-escalation", "lateral-movement"):
        assert sp_id(1) not in result.findings(check)
    # without Microsoft.Authorization excluded, "*" still holds roleAssignments/write: it grants itself Owner,
    # but it is not admin-equivalent by itself and cannot run commands on the VM
    assert not [e for e in result.out(sp_id(2)) if e.method == "azure-vm-run-command"]
    admin = result.findings("admin-identity")[sp_id(2)]
    assert "can grant itself any permission" in admin.message


def deny_assignment(number: int, scope: str, actions: list[str], principals: list[str], excluded: list[str]) -> Any:
    """``az rest`` / ARM deny assignment (created by Azure: Blueprints, managed applications, deployment stacks)."""
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/denyAssignments/{oid(0x900 + number)}",
        "name": oid(0x900 + number),
        "properties": {
            "denyAssignmentName": f"lock-{number}",
            "permissions": [{"actions": actions, "notActions": [], "dataActions": [], "notDataActions": []}],
            "scope": scope,
            "principals": [{"id": p, "type": "ServicePrincipal"} for p in principals],
            "excludePrincipals": [{"id": p, "type": "ServicePrincipal"} for p in excluded],
        },
    }


def denied(tenant: Tenant, *denies: Any) -> Tenant:
    tenant.files[f"arm/subscriptions/{SUB}/denyAssignments.json"] = {"value": list(denies)}
    return tenant


def test_a_deny_assignment_blocks_what_a_role_allows(tmp_path: Path) -> None:
    tenant = denied(
        contributor_tenant(),
        deny_assignment(1, SUB_ID, ["*"], [oid(1)], []),
        deny_assignment(2, SUB_ID, ["*"], ["00000000-0000-0000-0000-000000000000"], [oid(2).upper()]),
    )
    tenant.service_principals += [principal(1, "locked-out"), principal(2, "excluded-from-everyone")]
    tenant.rbac += [arm_assignment(1, oid(1), CONTRIBUTOR, SUB_ID), arm_assignment(2, oid(2), CONTRIBUTOR, SUB_ID)]
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1))
    assert sp_id(1) not in result.findings("privilege-escalation")
    # "everyone" except it: the exclusion wins, it still runs commands on the VM
    assert "azure-vm-run-command" in methods(result.step(sp_id(2), certain=True)[sp_id(4)])


def test_a_deny_assignment_below_the_role_protects_only_what_it_covers(tmp_path: Path) -> None:
    tenant = denied(contributor_tenant(), deny_assignment(1, RG_COMPUTE, ["Microsoft.Compute/*"], [oid(1)], []))
    tenant.service_principals.append(principal(1, "contributor"))
    tenant.rbac.append(arm_assignment(1, oid(1), CONTRIBUTOR, SUB_ID))
    result = scan(tmp_path, tenant)
    reached = result.step(sp_id(1), certain=True)
    assert sp_id(4) not in reached  # the VM's identity, in the resource group the deny covers
    assert "azure-app-service-deploy-code" in methods(reached[sp_id(5)])  # the Function App, outside it


def test_an_owner_under_a_deny_assignment_is_not_admin_equivalent(tmp_path: Path) -> None:
    tenant = denied(contributor_tenant(), deny_assignment(1, SUB_ID, ["*/delete"], [oid(1)], []))
    tenant.service_principals += [principal(1, "locked-owner"), principal(2, "owner")]
    tenant.rbac += [arm_assignment(1, oid(1), OWNER, SUB_ID), arm_assignment(2, oid(2), OWNER, SUB_ID)]
    result = scan(tmp_path, tenant)
    assert not [e for e in result.out(sp_id(1)) if e.method == "admin-equivalent"]
    assert [e for e in result.out(sp_id(2)) if e.method == "admin-equivalent"]


KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
VAULT = f"{RG_APPS}/providers/Microsoft.KeyVault/vaults/kv-orders"


def _listed_secrets(form: str, *names: str) -> list[dict[str, object]]:
    """A vault's secrets as ``az keyvault secret list`` prints them, or as ARM lists them (``az rest``)."""
    if form == "az":
        secret = {"attributes": {"enabled": True}, "contentType": None, "tags": {}}
        return [secret | {"name": n, "id": f"https://kv-orders.vault.azure.net/secrets/{n}"} for n in names]
    return [
        {
            "id": f"{VAULT}/secrets/{n}",
            "name": n,
            "type": "Microsoft.KeyVault/vaults/secrets",
            "location": "westeurope",
            "properties": {"attributes": {"enabled": True, "created": 1767225600, "exp": 1798761600}},
        }
        for n in names
    ]


@pytest.mark.parametrize("form", ["az", "arm"])
def test_reading_a_vault_reaches_the_app_whose_secret_it_appears_to_keep(tmp_path: Path, form: str) -> None:
    tenant = Tenant()
    tenant.service_principals += [
        principal(1, "orders-reader"),
        principal(2, "orders-api"),
        principal(3, "rg-contributor"),
    ]
    vault = {"id": VAULT, "name": "kv-orders", "properties": {"enableRbacAuthorization": True, "accessPolicies": []}}
    tenant.files[f"arm/subscriptions/{SUB}/keyVaults.json"] = [vault]
    secrets = _listed_secrets(form, "orders-api-client-secret", "smtp-password")
    tenant.files[f"arm/subscriptions/{SUB}/keyVaults/kv-orders/secrets.json"] = {"value": secrets}
    tenant.rbac += [
        arm_assignment(1, oid(1), KEY_VAULT_SECRETS_USER, VAULT),
        arm_assignment(3, oid(3), CONTRIBUTOR, RG_APPS),  # control plane only: an RBAC vault's secrets stay shut
    ]
    result = scan(tmp_path, tenant)
    listed = [s for s in result.result.sources if s.path.endswith("secrets.json")]
    assert [(s.kind, s.status.value) for s in listed] == [("azure-arm-key-vault-secrets", "used")]
    [read] = result.out(sp_id(1))
    assert read.method == "azure-key-vault-secret-read-rbac" and not read.conditional
    [stored] = result.out(read.target)
    assert stored.target == sp_id(2) and stored.conditional and "inferred from its name" in stored.reason
    assert "orders-api" in result.findings("lateral-movement")[sp_id(1)].message
    assert not [e for e in result.out(sp_id(3)) if "vault" in e.target]


def test_an_abac_condition_on_the_assignment_makes_the_edge_conditional(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals += [principal(1, "conditional-contributor"), principal(2, "constrained-delegate")]
    delegate_condition = (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals "
        f"{{{READER}}}))"
    )
    tenant.rbac += [
        arm_assignment(1, oid(1), CONTRIBUTOR, RG_COMPUTE, condition=ABAC, conditionVersion="2.0"),
        arm_assignment(
            2, oid(2), USER_ACCESS_ADMINISTRATOR, SUB_ID, condition=delegate_condition, conditionVersion="2.0"
        ),
    ]
    result = scan(tmp_path, tenant)
    edges = result.step(sp_id(1))[sp_id(4)]
    assert edges and all(e.conditional for e in edges)
    assert "ABAC condition" in edges[0].reason
    assert result.findings("privilege-escalation")[sp_id(1)].severity.label == "medium"
    assert result.findings("admin-identity")[sp_id(2)].severity.label == "medium"
    assert SUB_ADMIN not in result.reach(sp_id(2), certain=True)


def test_reader_reaches_nothing(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals.append(principal(1, "backup-reader"))
    tenant.rbac.append(arm_assignment(1, oid(1), READER, SUB_ID))
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1))
    assert not [f for f in result.result.findings if f.subject == sp_id(1) and f.path]


def test_an_assignment_on_one_resource_group_does_not_reach_another(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals += [principal(1, "apps-contributor"), principal(2, "compute-vm-contributor")]
    tenant.rbac += [
        arm_assignment(1, oid(1), CONTRIBUTOR, f"{SUB_ID}/resourceGroups/rg-compute-dev"),  # a prefix of no RG here
        arm_assignment(2, oid(2), VM_CONTRIBUTOR, RG_COMPUTE),
    ]
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(1))
    assert set(result.step(sp_id(2))) == {sp_id(4)}  # the VM in its group, not the Function App in rg-apps


def test_rbac_assigned_to_a_group_is_held_by_its_members(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals.append(principal(1, "ops-bot"))
    tenant.groups.append(group(30, "Ops"))
    tenant.members[oid(30)] = [ref("servicePrincipal", 1)]
    tenant.rbac.append(arm_assignment(1, oid(30), VM_CONTRIBUTOR, RG_COMPUTE, principal_type="Group"))
    result = scan(tmp_path, tenant)
    assert sp_id(4) in result.step(sp_id(1), certain=True)
    assert sp_id(1) in result.findings("privilege-escalation")


def test_managed_identity_operator_attaches_a_user_assigned_identity_to_a_vm_it_controls(tmp_path: Path) -> None:
    """Managed Identity Operator on the identity (in rg-identity) and Virtual Machine Contributor on rg-compute:
    attach the identity to ops-vm, run a command there, get the identity's token."""
    tenant = Tenant()
    tenant.service_principals += [
        principal(1, "operator"),
        principal(2, "vm-contributor-only"),
        managed_identity(5, UAMI, user_assigned=True),
    ]
    tenant.resources.append(arm_resource(VM, "Microsoft.Compute/virtualMachines", None))
    tenant.identities.append(identity_record(UAMI, 5))
    tenant.rbac += [
        arm_assignment(1, oid(1), MANAGED_IDENTITY_OPERATOR, UAMI),
        arm_assignment(2, oid(1), VM_CONTRIBUTOR, RG_COMPUTE),
        arm_assignment(3, oid(2), VM_CONTRIBUTOR, RG_COMPUTE),
        arm_assignment(4, oid(5), OWNER, SUB_ID),
    ]
    result = scan(tmp_path, tenant)
    assert not result.out(sp_id(2))  # no assign/action on the identity
    assert "azure-managed-identity-assign-vm" in methods(result.step(sp_id(1)).get(sp_id(5), []))


# -- federation --------------------------------------------------------------------------------------------------------


def federated_tenant() -> Tenant:
    tenant = Tenant()
    tenant.service_principals += [principal(1, "gh-actions-api"), managed_identity(5, UAMI, user_assigned=True)]
    credential = fic(1, "repo:contoso/api:ref:refs/heads/main", issuer=GITHUB)
    tenant.applications.append(application(1, "gh-actions-api", federatedIdentityCredentials=[credential]))
    tenant.identities.append(identity_record(UAMI, 5))
    tenant.files[f"arm/subscriptions/{SUB}/identities/id-deploy/federatedCredentials.json"] = [
        {
            "audiences": ["api://AzureADTokenExchange"],
            "id": f"{UAMI}/federatedIdentityCredentials/github-infra",
            "issuer": GITHUB,
            "name": "github-infra",
            "resourceGroup": "rg-identity",
            "subject": "repo:contoso/infra:environment:prod",
            "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        }
    ]
    tenant.rbac.append(arm_assignment(1, oid(5), CONTRIBUTOR, RG_COMPUTE))
    return tenant


def test_a_federated_credential_is_an_edge_from_the_issuer_to_the_apps_service_principal(tmp_path: Path) -> None:
    result = scan(tmp_path, federated_tenant())
    assert all(result.graph.node_kind(n) is NodeKind.ISSUER for n in github_entries(result.graph))
    edges = {e.target: e for e in github_edges(result.graph)}
    edge = edges[sp_id(1)]  # the service principal signs in, not the application object
    assert edge.kind is EdgeKind.FEDERATES and not edge.conditional
    assert "repo:contoso/api:ref:refs/heads/main" in edge.reason
    assert f"applications/{oid(0x201)}" not in edges


def test_a_user_assigned_identitys_federated_credential_is_an_edge_from_the_issuer(tmp_path: Path) -> None:
    result = scan(tmp_path, federated_tenant())
    edge = {e.target: e for e in github_edges(result.graph)}[sp_id(5)]
    assert edge.kind is EdgeKind.FEDERATES and "repo:contoso/infra:environment:prod" in edge.reason
    [credential] = result.graph.identity(sp_id(5)).credentials  # type: ignore[union-attr]
    assert credential.attributes["subject"] == "repo:contoso/infra:environment:prod"


def test_a_mixed_scan_shares_the_github_issuer_node_with_aws(tmp_path: Path) -> None:
    aws = ROOT / "sample_data" / "aws"
    result = scan(tmp_path, federated_tenant(), aws)
    issuers = [n for n in result.graph.nx.nodes if str(n).startswith("issuer:") and "githubusercontent" in str(n)]
    assert issuers == github_entries(result.graph)  # every GitHub entry is one node per admitted set of workflows
    targets = {e.target for e in github_edges(result.graph)}
    assert {sp_id(1), sp_id(5)} <= targets
    assert any(t.startswith("arn:aws:iam::") for t in targets)
    assert {p for p, _ in result.result.inventory.scopes} == {"aws", "azure"}


# -- Agent ID ----------------------------------------------------------------------------------------------------------


def test_a_blueprints_credential_holder_reaches_its_agent_identities(tmp_path: Path) -> None:
    blueprint_app = app_id(12)
    blueprint = application(
        12,
        "Support Agent Blueprint",
        owners=[ref("user", 20)],
        passwordCredentials=[secret(1, displayName="agent-runtime")],
        federatedIdentityCredentials=[fic(7, "repo:contoso/agents:environment:prod", issuer=GITHUB)],
        **{"@odata.type": "#microsoft.graph.agentIdentityBlueprint"},
    )
    blueprint_principal = principal(12, "Support Agent Blueprint")
    blueprint_principal["@odata.type"] = "#microsoft.graph.agentIdentityBlueprintPrincipal"
    tenant = Tenant()
    tenant.users.append(user(20, "bob@contoso.example"))
    tenant.applications.append(blueprint)
    tenant.service_principals += [
        blueprint_principal,
        agent_identity(4, "support-agent-emea", blueprint_app, sponsors=[ref("user", 20)]),
        agent_identity(5, "support-agent-apac", blueprint_app.upper(), sponsors=[]),
        agent_identity(6, "other-agent", app_id(0x60)),
        principal(1, "agent-admin"),
    ]
    tenant.role_assignments += [role(4, GLOBAL_ADMINISTRATOR), role(1, AGENT_ID_ADMINISTRATOR)]
    result = scan(tmp_path, tenant)
    acts = result.step(sp_id(12), certain=True)
    assert {sp_id(4), sp_id(5)} <= set(acts) and sp_id(6) not in acts
    # the blueprint's owner adds a credential to it, then acts as its agents
    assert {sp_id(12), sp_id(4), sp_id(5), TENANT_ADMIN} <= result.reach(user_id(20))
    assert sp_id(6) not in result.reach(user_id(20), certain=False)
    # so does whoever holds a token its federated credential accepts
    reached = set().union(*(result.reach(n) for n in github_entries(result.graph)))
    assert {sp_id(12), sp_id(4), sp_id(5)} <= reached
    finding = result.findings("privilege-escalation")[sp_id(1)]  # Agent ID Administrator
    assert [h.target for h in finding.path] == [sp_id(12), sp_id(4), TENANT_ADMIN]


# -- bad and odd input -------------------------------------------------------------------------------------------------


def mini_tenant() -> Tenant:
    """One of each: Graph admin (1), Application Administrator (2) → tier-0 app (3, Global Administrator), PIM (4),
    app-scoped Cloud Application Administrator (5 → app 6), VM Contributor (7) → ops-vm identity (40, Owner of the
    subscription), a disabled Application.ReadWrite.All holder (8), a reader (10)."""
    tenant = Tenant()
    tenant.users.append(user(20, "jdoe_contractor.example#EXT#@contoso.example", userType="Guest"))
    tenant.service_principals += [
        principal(1, "deploy-bot"),
        principal(2, "helpdesk-automation"),
        principal(3, "tier0-app"),
        principal(4, "tenant-ops"),
        principal(5, "portal-config"),
        principal(6, "billing-portal"),
        principal(7, "vm-operator"),
        principal(8, "legacy-reporting", accountEnabled=False),
        principal(10, "reporting-reader"),
        managed_identity(40, VM, user_assigned=False),
    ]
    tenant.applications += [
        application(1, "deploy-bot", owners=[ref("user", 20)]),
        application(3, "tier0-app"),
        application(6, "billing-portal"),
    ]
    tenant.app_role_assignments += [
        graph_permission(1, ROLE_MANAGEMENT_RW),
        graph_permission(8, APPLICATION_RW_ALL),
        graph_permission(10, DIRECTORY_READ_ALL),
    ]
    tenant.role_assignments += [
        role(2, APPLICATION_ADMINISTRATOR),
        role(3, GLOBAL_ADMINISTRATOR),
        role(5, CLOUD_APPLICATION_ADMINISTRATOR, f"/{oid(0x206)}"),
    ]
    tenant.eligibilities.append(eligible(4, GLOBAL_ADMINISTRATOR))
    tenant.resources.append(arm_resource(VM, "Microsoft.Compute/virtualMachines", system_identity(40)))
    tenant.rbac += [
        arm_assignment(1, oid(40), OWNER, SUB_ID),
        arm_assignment(2, oid(7), VM_CONTRIBUTOR, RG_COMPUTE),
        arm_assignment(3, oid(10), READER, SUB_ID),
    ]
    return tenant


def upper(value: str) -> str:
    return value.upper()


def _hound_sp(entry: dict[str, Any]) -> dict[str, Any]:
    found = {k: v for k, v in entry.items() if k != "owners" and v not in (False, [], "", None)}  # omitempty
    for key in ("id", "appId", "appOwnerOrganizationId"):
        if key in found:
            found[key] = upper(found[key])
    return found


def _rest_assignment(assignment: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": assignment["id"],
        "name": assignment["name"],
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "principalId": upper(assignment["principalId"]),
            "roleDefinitionId": assignment["roleDefinitionId"],
            "scope": upper(assignment["scope"]),
        },
    }


def azurehound_form(tenant: Tenant) -> dict[str, Any]:
    """The same tenant as ``azurehound list -o FILE`` writes it: upper-cased ids, omitempty, owner and role
    assignment wrappers, ARM assignments in the REST shape under the object they were listed for."""
    entries: list[tuple[str, dict[str, Any]]] = [("AZTenant", {"tenantId": TENANT, "displayName": "Contoso"})]
    graph_sp = sp(9, GRAPH_APP_ID, "Microsoft Graph", appOwnerOrganizationId=MICROSOFT)
    for entry in (graph_sp, *tenant.service_principals):
        entries.append(("AZServicePrincipal", _hound_sp(entry)))
    for entry in tenant.users:
        entries.append(("AZUser", {**entry, "id": upper(entry["id"])}))
    for entry in tenant.applications:
        entries.append(("AZApp", _hound_sp(entry)))
        owners = [{"appId": upper(entry["id"]), "owner": {**o, "id": upper(o["id"])}} for o in entry["owners"]]
        entries.append(("AZAppOwner", {"owners": owners or None, "appId": upper(entry["appId"])}))
    for assignment in tenant.app_role_assignments:
        hounded = {**assignment, "appId": GRAPH_APP_ID}
        for key in ("principalId", "resourceId"):
            hounded[key] = upper(hounded[key])
        entries.append(("AZAppRoleAssignment", hounded))
    by_role: dict[str, list[dict[str, Any]]] = {}
    for assignment in tenant.role_assignments:
        scope = assignment["directoryScopeId"]
        if scope != "/":  # AzureHound rewrites an app scope to "/" + the application's appId
            [scoped] = [a for a in tenant.applications if a["id"] == scope[1:]]
            scope = "/" + upper(scoped["appId"])
        found = {**assignment, "principalId": upper(assignment["principalId"]), "directoryScopeId": scope}
        by_role.setdefault(assignment["roleDefinitionId"], []).append(found)
    for template, grouped in by_role.items():
        data = {"roleAssignments": grouped, "roleDefinitionId": upper(template), "tenantId": upper(TENANT)}
        entries.append(("AZRoleAssignment", data))
    for assignment in tenant.eligibilities:
        instance = {k: assignment[k] for k in ("directoryScopeId", "roleDefinitionId")}
        instance |= {"id": oid(0x700), "principalId": upper(assignment["principalId"]), "tenantId": upper(TENANT)}
        entries.append(("AZRoleEligibilityScheduleInstance", instance))
    sub = {"id": upper(SUB_ID), "subscriptionId": SUB, "displayName": "prod", "state": "Enabled", "tenantId": TENANT}
    entries.append(("AZSubscription", sub))
    at_sub = [a for a in tenant.rbac if a["scope"] == SUB_ID]
    entries.append(
        (
            "AZSubscriptionRoleAssignment",
            {
                "roleAssignments": [
                    {"roleAssignment": _rest_assignment(a), "subscriptionId": upper(SUB)} for a in at_sub
                ],
                "subscriptionId": upper(SUB),
            },
        )
    )
    entries.append(("AZResourceGroup", {"id": RG_COMPUTE, "name": "rg-compute", "subscriptionId": SUB}))
    below = [a for a in tenant.rbac if a["scope"] == RG_COMPUTE]
    entries.append(
        (
            "AZResourceGroupRoleAssignment",
            {
                "roleAssignments": [
                    {"resourceGroupId": upper(RG_COMPUTE), "roleAssignment": _rest_assignment(a)} for a in below
                ],
                "resourceGroupId": upper(RG_COMPUTE),
            },
        )
    )
    for resource in tenant.resources:
        identity = resource["identity"]
        vm = {
            "id": upper(resource["id"]),
            "identity": {**identity, "principalId": upper(identity["principalId"]), "userAssignedIdentities": None},
            "location": "westeurope",
            "name": resource["name"],
            "type": resource["type"],
            "subscriptionId": SUB,
            "resourceGroupId": upper(RG_COMPUTE),
        }
        entries.append(("AZVM", vm))
    return hound(*entries)


def named(scan_: Scan, check: str) -> dict[str, str]:
    names = {i.id: i.name for i in scan_.result.inventory.identities}
    return {names.get(f.subject, f.subject): f.severity.label for f in scan_.result.findings if f.check_id == check}


def test_graph_arm_and_azurehound_forms_give_the_same_findings(tmp_path: Path) -> None:
    tenant = mini_tenant()
    graph_form = scan(tmp_path / "graph-arm", tenant)
    hound_file = write(tmp_path / "hound", "out.json", azurehound_form(tenant))
    hound_form = scan(hound_file)
    admins = named(graph_form, "admin-identity")
    assert admins == {"deploy-bot": "high", "tier0-app": "high", "tenant-ops": "medium", "ops-vm": "high"}
    assert set(named(graph_form, "privilege-escalation")) == {"helpdesk-automation", "vm-operator"}
    for check in ("admin-identity", "privilege-escalation", "lateral-movement"):
        assert named(hound_form, check) == named(graph_form, check), check
    assert edge_set(hound_form) == edge_set(graph_form)
    assert hound_form.result.complete and not hound_form.result.warnings


def _shout_arm(value: str) -> str:
    """An ARM id with the case another tool prints (upper-case GUIDs and segments)."""
    return value.upper().replace("/PROVIDERS/MICROSOFT.COMPUTE/", "/providers/Microsoft.Compute/")


def shouted(tenant: Tenant) -> Tenant:
    """The same tenant with every identifier in the other case: object ids, principal ids, role definition ids,
    directory scopes, owner references, ARM scopes and resource ids."""
    loud = Tenant(
        users=[{**u, "id": upper(u["id"])} for u in tenant.users],
        service_principals=[
            {
                **s,
                "id": upper(s["id"]),
                "appId": upper(s["appId"]),
                "alternativeNames": [*map(upper, s["alternativeNames"])],
            }
            for s in tenant.service_principals
        ],
        applications=[
            {**a, "id": upper(a["id"]), "owners": [{**o, "id": upper(o["id"])} for o in a["owners"]]}
            for a in tenant.applications
        ],
    )
    loud.app_role_assignments = [
        {
            **a,
            "principalId": upper(a["principalId"]),
            "resourceId": upper(a["resourceId"]),
            "appRoleId": upper(a["appRoleId"]),
        }
        for a in tenant.app_role_assignments
    ]
    loud.role_assignments = [
        {
            **a,
            "principalId": upper(a["principalId"]),
            "roleDefinitionId": upper(a["roleDefinitionId"]),
            "directoryScopeId": upper(a["directoryScopeId"]),
        }
        for a in tenant.role_assignments
    ]
    loud.eligibilities = [{**a, "principalId": upper(a["principalId"])} for a in tenant.eligibilities]
    loud.rbac = [
        {
            **a,
            "principalId": upper(a["principalId"]),
            "scope": _shout_arm(a["scope"]),
            "roleDefinitionId": _shout_arm(a["roleDefinitionId"]),
            "id": _shout_arm(a["id"]),
        }
        for a in tenant.rbac
    ]
    loud.resources = [
        {
            **r,
            "id": r["id"].lower(),
            "identity": {**r["identity"], "principalId": upper(r["identity"]["principalId"])},
        }
        for r in tenant.resources
    ]
    return loud


def edge_set(scan_: Scan) -> set[tuple[str, str, str, str | None, bool]]:
    return {(e.source, e.target, e.kind.value, e.method, e.conditional) for e in scan_.graph.edges()}


def test_identifier_case_does_not_matter(tmp_path: Path) -> None:
    tenant = mini_tenant()
    quiet = scan(tmp_path / "lower", tenant)
    loud = scan(tmp_path / "upper", shouted(tenant))
    assert edge_set(loud) == edge_set(quiet)
    for check in ("admin-identity", "privilege-escalation", "lateral-movement"):
        assert named(loud, check) == named(quiet, check), check
    assert sorted(i.id for i in loud.result.inventory.identities) == sorted(
        i.id for i in quiet.result.inventory.identities
    )


def test_a_user_assigned_identity_named_in_several_cases_is_one_identity(tmp_path: Path) -> None:
    """``az identity list``, the site's ``userAssignedIdentities`` key, the managed identity's ``alternativeNames``
    and the federated credential's id each spell the identity's ARM id their own way."""
    tenant = contributor_tenant()
    tenant.service_principals[1]["alternativeNames"] = ["isExplicit=True", UAMI.lower()]
    tenant.identities[0]["id"] = _shout_arm(UAMI)
    site = tenant.resources[1]
    site["id"] = FUNCTION_APP.upper()
    site["identity"] = {
        "type": "UserAssigned",
        "userAssignedIdentities": {UAMI.upper(): {"principalId": oid(5).upper()}},
    }
    tenant.service_principals.append(principal(1, "web-deployer"))
    tenant.rbac.append(arm_assignment(1, oid(1).upper(), WEBSITE_CONTRIBUTOR, RG_APPS.upper()))
    credential = {
        "audiences": ["api://AzureADTokenExchange"],
        "id": f"{UAMI.upper()}/federatedIdentityCredentials/gh",
        "issuer": GITHUB,
        "name": "gh",
        "subject": "repo:contoso/orders:ref:refs/heads/main",
    }
    tenant.files[f"arm/subscriptions/{SUB}/identities/id-deploy/federatedCredentials.json"] = [credential]
    result = scan(tmp_path, tenant)
    managed = [i.id for i in result.result.inventory.identities if i.kind.value == "managed-identity"]
    assert sorted(managed) == [sp_id(4), sp_id(5)]
    assert set(result.step(sp_id(1))) == {sp_id(5)}
    assert {e.target for e in github_edges(result.graph)} == {sp_id(5)}
    assert not result.result.warnings


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """A tenant whose export holds ``secretText`` (az ad app credential reset output pasted into the listing)."""
    tenant = Tenant()
    tenant.service_principals += [principal(1, "leaky", passwordCredentials=[secret(3, secretText=SECRET_VALUE)])]
    tenant.applications.append(
        application(1, "leaky", passwordCredentials=[secret(1, displayName="ci", secretText=SECRET_VALUE)])
    )
    tenant.app_role_assignments.append(graph_permission(1, ROLE_MANAGEMENT_RW))
    return scan(tmp_path_factory.mktemp("leaky"), tenant).result


@pytest.mark.parametrize("reporter", ["json", "sarif", "markdown", "html", "csv", "table"])
def test_secret_text_is_never_in_any_report(leaky: ScanResult, reporter: str) -> None:
    stream = io.StringIO()
    all_reporters()[reporter].write(leaky, ReportOptions(verbose=True, show_suppressed=True), stream)
    text = stream.getvalue()
    assert text and SECRET_VALUE not in text
    if reporter != "csv":  # the CSV report is one row per finding, without the scan's warnings
        assert "secretText present" in text


def test_secret_text_gives_a_warning_naming_the_file_and_keeps_the_credential(leaky: ScanResult) -> None:
    warnings = [w for w in leaky.warnings if "secretText" in w]
    assert any("applications.json" in w for w in warnings)
    assert any("servicePrincipals.json" in w for w in warnings)
    assert all(SECRET_VALUE not in w for w in leaky.warnings)
    credentials = {c.id for i in leaky.inventory.identities for c in i.credentials}
    assert {oid(0x901), oid(0x903)} <= credentials  # metadata kept
    assert SECRET_VALUE not in repr(leaky.inventory)


def test_an_unknown_rbac_role_on_an_evaluated_scope_is_a_warning(tmp_path: Path) -> None:
    tenant = contributor_tenant()
    tenant.service_principals.append(principal(1, "mystery"))
    tenant.rbac.append(arm_assignment(1, oid(1), oid(0x77), SUB_ID))
    result = scan(tmp_path, tenant)
    assert any(oid(0x77) in w and "role definition" in w for w in result.result.warnings)


def test_an_unknown_rbac_role_anywhere_is_a_warning(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "mystery"))
    tenant.rbac.append(arm_assignment(1, oid(1), oid(0x77), RG_APPS))
    result = scan(tmp_path, tenant)
    assert any(oid(0x77) in w for w in result.result.warnings), result.result.warnings


def test_an_unknown_directory_role_definition_is_a_warning(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "custom-role-holder"))
    tenant.role_assignments.append(role(1, oid(0x78)))
    result = scan(tmp_path, tenant)
    assert any(oid(0x78) in w for w in result.result.warnings), result.result.warnings


def test_an_unknown_graph_app_role_is_a_warning(tmp_path: Path) -> None:
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "mystery-client"))
    tenant.app_role_assignments.append(graph_permission(1, oid(0x79)))
    result = scan(tmp_path, tenant)
    assert any(oid(0x79) in w for w in result.result.warnings), result.result.warnings


GROUPS_ADMINISTRATOR = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
UNIT = oid(40)


def unit_scoped_groups_administrator(members: str) -> Tenant:
    """helpdesk (1) is Groups Administrator over unit 40, which holds group 31 and not group 32; both groups are
    subscription Owners. ``members``: how the export gives the unit's members (``none``, ``inline``, ``page``)."""
    tenant = Tenant()
    tenant.service_principals.append(principal(1, "helpdesk"))
    tenant.groups += [group(31, "eu-platform"), group(32, "us-platform")]
    tenant.role_assignments.append(role(1, GROUPS_ADMINISTRATOR, f"/administrativeUnits/{UNIT}"))
    tenant.rbac += [arm_assignment(n, oid(n), OWNER, SUB_ID, principal_type="Group") for n in (31, 32)]
    unit: dict[str, Any] = {"id": UNIT, "displayName": "EU", "membershipType": None}
    if members == "inline":
        unit["members"] = [ref("group", 31)]
    elif members == "page":
        tenant.files[f"graph/administrativeUnits/{UNIT}/members.json"] = page("directoryObjects", ref("group", 31))
    tenant.files["graph/administrativeUnits.json"] = page("directory/administrativeUnits", unit)
    return tenant


@pytest.mark.parametrize("members", ["inline", "page"])
def test_a_role_scoped_to_an_administrative_unit_reaches_its_members_only(tmp_path: Path, members: str) -> None:
    result = scan(tmp_path, unit_scoped_groups_administrator(members))
    reached = result.step(sp_id(1))
    assert set(reached) == {group_id(31)}
    assert not any(e.conditional for e in reached[group_id(31)])
    assert "azure-group-add-member-directory-role" in methods(reached[group_id(31)])
    finding = result.findings("privilege-escalation")[sp_id(1)]
    assert not finding.evidence["conditional"] and finding.path[0].target == group_id(31)


def test_a_role_scoped_to_a_unit_whose_members_are_not_listed_reaches_every_group_conditionally(
    tmp_path: Path,
) -> None:
    result = scan(tmp_path, unit_scoped_groups_administrator("none"))
    reached = result.step(sp_id(1))
    assert set(reached) == {group_id(31), group_id(32)}
    assert all(e.conditional for edges in reached.values() for e in edges)
