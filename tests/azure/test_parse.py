"""The Azure inventory mapping, on a small hand-written tenant in the shapes Graph, the az CLI and AzureHound print:
identity ids, kinds, aliases, owners, memberships, credentials (never secret values), sign-ins, every grant kind,
custom roles, the hierarchy, workloads, federation; and, on the sample tenant, the Graph + ARM form and the
AzureHound form give the same identities, credentials, grants and trusts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.graph import delegated_grant
from nhi_scan.connectors.fields import Fields
from nhi_scan.model import (
    CredentialKind,
    Grant,
    Identity,
    IdentityKind,
    Inventory,
    PolicyKind,
    ScopeKind,
    TrustKind,
)
from tests.azure import (
    AZUREHOUND_FILE,
    GRAPH_APP_ID,
    MICROSOFT,
    SUB,
    TENANT,
    TENANT_DIR,
    app,
    arm_assignment,
    arm_resource,
    certificate,
    fic,
    group,
    inventory,
    managed_identity,
    oid,
    page,
    ref,
    secret,
    sp,
    user,
    write,
)

SECRET_VALUE = "s3cr3t-VALUE-never-stored"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"  # Graph RoleManagement.ReadWrite.Directory
OWNER, CONTRIBUTOR, READER = (
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
)
SUB_ID = f"/subscriptions/{SUB}"
RG = f"{SUB_ID}/resourceGroups/RG-Apps"
VM = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-1"
FUNC = f"{RG}/providers/Microsoft.Web/sites/fn-orders"
WEB = f"{RG}/providers/Microsoft.Web/sites/portal"
LOST = f"{RG}/providers/Microsoft.App/containerApps/lost"
UAMI = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app"
UAMI2 = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-two"
VAULT = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-apps"
MG = "/providers/Microsoft.Management/managementGroups/"
FLEXIBLE = "claims['sub'] matches 'repo:contoso/*'"


def _graph(root: Path) -> None:
    write(
        root,
        "graph/organization.json",
        page("organization", {"id": TENANT, "displayName": "Contoso", "verifiedDomains": []}),
    )
    deploy = app(
        10,
        oid(110),
        "deploy-bot",
        passwordCredentials=[secret(1, displayName="pipeline", secretText=SECRET_VALUE), secret(2)],
        keyCredentials=[certificate(1)],
        owners=[ref("user", 20, userType="Guest")],
        tags=["owner:team-release", "WindowsAzureActiveDirectoryIntegratedApp"],
    )
    infra = app(11, oid(111), "gh-infra", federatedIdentityCredentials=[fic(1, None)])
    api = app(13, oid(113), "gh-api", federatedIdentityCredentials=[fic(2, "repo:contoso/api:ref:refs/heads/main")])
    blueprint = app(12, oid(112), "Agent Blueprint", **{"@odata.type": "#microsoft.graph.agentIdentityBlueprint"})
    write(
        root,
        "graph/applications.json",
        page("applications(owners(),federatedIdentityCredentials())", deploy, infra, api, blueprint),
    )
    write(
        root,
        f"graph/applications/{oid(11)}/federatedIdentityCredentials.json",
        page(
            f"applications('{oid(11)}')/federatedIdentityCredentials",
            fic(1, None, claimsMatchingExpression={"languageVersion": 1, "value": FLEXIBLE}),
            beta=True,
        ),
    )
    graph_sp = sp(
        9,
        GRAPH_APP_ID,
        "Microsoft Graph",
        appOwnerOrganizationId=MICROSOFT,
        appRoles=[{"allowedMemberTypes": ["Application"], "id": oid(55), "isEnabled": True, "value": "Custom.Value"}],
    )
    agent = sp(4, oid(104), "agent-1", agentIdentityBlueprintId=oid(112), sponsors=[ref("user", 20)])
    agent["@odata.type"] = "#microsoft.graph.agentIdentity"
    sps = [
        sp(1, oid(110), "deploy-bot", owners=[ref("servicePrincipal", 2, appId=oid(102))]),
        sp(2, oid(102), "ci"),
        graph_sp,
        managed_identity(3, VM, user_assigned=False),
        managed_identity(5, UAMI, user_assigned=True),
        managed_identity(6, UAMI2, user_assigned=True),
        agent,
        sp(7, oid(107), "Fabrikam Backup", appOwnerOrganizationId=oid(0xEE), servicePrincipalType="Legacy"),
        sp(8, oid(108), "retired", accountEnabled=False),
        sp(11, oid(111), "gh-infra"),
        sp(13, oid(113), "gh-api"),
    ]
    write(
        root,
        "graph/servicePrincipals.json",
        [page("servicePrincipals(owners())", *sps[:5], next_link=True), page("servicePrincipals(owners())", *sps[5:])],
    )
    write(
        root,
        "graph/agentIdentities.json",
        page("servicePrincipals/microsoft.graph.agentIdentity(sponsors())", agent, beta=True),
    )
    activity = {
        "lastSignInDateTime": "2026-11-20T10:00:00Z",
        "lastNonInteractiveSignInDateTime": "2026-11-25T10:00:00Z",
    }
    users = [
        user(20, "alice@contoso.example", signInActivity=activity),
        user(21, "guest_x#EXT#@contoso.example", userType="Guest"),
        user(
            22,
            "agent@contoso.example",
            signInActivity=None,
            **{"@odata.type": "#microsoft.graph.agentUser", "identityParentId": oid(4)},
        ),
    ]
    write(root, "graph/users.json", page("users(id,userPrincipalName,signInActivity)", *users))
    write(
        root,
        "graph/groups.json",
        page("groups(owners())", group(30, "Tier0", isAssignableToRole=True, owners=[ref("servicePrincipal", 1)])),
    )
    write(
        root,
        f"graph/groups/{oid(30)}/members.json",
        page("directoryObjects", ref("user", 21), ref("servicePrincipal", 1)),
    )
    assignment = {
        "appRoleId": ROLE_MANAGEMENT,
        "principalId": oid(1),
        "principalType": "ServicePrincipal",
        "resourceId": oid(9),
    }
    write(
        root,
        "graph/appRoleAssignments.json",
        page(
            f"servicePrincipals('{oid(9)}')/appRoleAssignedTo",
            assignment,
            {"appRoleId": oid(55), "principalId": oid(30), "principalType": "Group", "resourceId": oid(9)},
            {"appRoleId": oid(56), "principalId": oid(2), "principalType": "ServicePrincipal", "resourceId": oid(77)},
        ),
    )
    write(
        root, "graph/sp1-appRoleAssignments.json", page(f"servicePrincipals('{oid(1)}')/appRoleAssignments", assignment)
    )
    grant = {
        "clientId": oid(1),
        "consentType": "AllPrincipals",
        "principalId": None,
        "resourceId": oid(9),
        "scope": " User.Read  Mail.Read ",
    }
    write(root, "graph/oauth2PermissionGrants.json", page("oauth2PermissionGrants", grant))
    definition = {
        "id": oid(60),
        "templateId": oid(61),
        "displayName": "Custom Helpdesk",
        "isBuiltIn": False,
        "isPrivileged": True,
    }
    write(root, "graph/roleDefinitions.json", page("roleManagement/directory/roleDefinitions", definition))
    write(
        root,
        "graph/roleAssignments.json",
        page(
            "roleManagement/directory/roleAssignments",
            {"directoryScopeId": "/", "principalId": oid(1), "roleDefinitionId": GLOBAL_ADMIN},
            {"directoryScopeId": f"/{oid(10)}", "principalId": oid(2), "roleDefinitionId": oid(60)},
            {
                "directoryScopeId": f"/administrativeUnits/{oid(40)}",
                "principalId": oid(999),
                "roleDefinitionId": GLOBAL_ADMIN,
            },
        ),
    )
    eligible = {
        "directoryScopeId": "/",
        "memberType": "Direct",
        "principalId": oid(2),
        "roleDefinitionId": GLOBAL_ADMIN,
        "scheduleInfo": {},
    }
    write(
        root, "graph/roleEligibilitySchedules.json", page("roleManagement/directory/roleEligibilitySchedules", eligible)
    )
    sign_in = {"appId": oid(110), "id": "x", "lastSignInActivity": {"lastSignInDateTime": "2026-11-28T03:17:09Z"}}
    write(
        root,
        "graph/servicePrincipalSignInActivities.json",
        page("reports/servicePrincipalSignInActivities", sign_in, beta=True),
    )


def _arm(root: Path) -> None:
    arm = f"arm/subscriptions/{SUB}"
    write(
        root,
        "arm/subscriptions.json",
        [
            {
                "cloudName": "AzureCloud",
                "id": SUB,
                "isDefault": True,
                "name": "prod",
                "state": "Enabled",
                "tenantId": TENANT,
            }
        ],
    )
    child = {"id": SUB_ID, "type": "Microsoft.Management/managementGroups/subscriptions", "children": None}
    prod = {
        "id": f"{MG}prod",
        "name": "prod",
        "displayName": "Production",
        "type": "Microsoft.Management/managementGroups",
        "children": [child],
    }
    root_group = {
        "id": f"{MG}{TENANT}",
        "name": TENANT,
        "type": "Microsoft.Management/managementGroups",
        "properties": {"displayName": "Tenant Root Group", "details": {"parent": None}, "children": [prod]},
    }
    write(root, "arm/managementGroups.json", [root_group])
    assignments = [
        arm_assignment(1, oid(3), OWNER, SUB_ID, roleDefinitionName="Owner"),
        arm_assignment(2, oid(5), CONTRIBUTOR, RG, condition="@Resource[x] StringEquals 'y'", conditionVersion="2.0"),
        arm_assignment(3, oid(30), READER, VM, principal_type="Group"),
        arm_assignment(4, oid(0xAB), READER, SUB_ID, principal_type="ForeignGroup"),
        arm_assignment(5, oid(1), oid(80), RG),
    ]
    write(root, f"{arm}/roleAssignments.json", assignments)
    custom = {
        "assignableScopes": [SUB_ID],
        "id": f"{SUB_ID}/providers/Microsoft.Authorization/roleDefinitions/{oid(80)}",
        "name": oid(80),
        "permissions": [
            {
                "actions": ["Microsoft.Compute/virtualMachines/read"],
                "notActions": [],
                "dataActions": [],
                "notDataActions": [],
            }
        ],
        "roleName": "VM Reader",
        "roleType": "CustomRole",
    }
    built_in = {
        **custom,
        "name": OWNER,
        "roleName": "Owner",
        "roleType": "BuiltInRole",
        "id": f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
    }
    write(root, f"{arm}/roleDefinitions.json", [custom, built_in])
    deny = {
        "id": f"{SUB_ID}/providers/Microsoft.Authorization/denyAssignments/{oid(90)}",
        "name": oid(90),
        "properties": {
            "denyAssignmentName": "lock",
            "permissions": [{"actions": ["*/delete"], "notActions": [], "dataActions": [], "notDataActions": []}],
            "scope": SUB_ID,
            "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
            "excludePrincipals": [{"id": oid(1).upper(), "type": "ServicePrincipal"}],
        },
    }
    write(root, f"{arm}/denyAssignments.json", {"value": [deny]})
    system = {"principalId": oid(3), "tenantId": TENANT, "type": "SystemAssigned", "userAssignedIdentities": None}
    resources = [
        arm_resource(VM, "Microsoft.Compute/virtualMachines", system),
        arm_resource(
            FUNC,
            "Microsoft.Web/sites",
            {"type": "UserAssigned", "userAssignedIdentities": {UAMI: {}}},
            kind="functionapp,linux",
            tags={"app": "orders"},
        ),
        arm_resource(
            WEB,
            "Microsoft.Web/sites",
            {
                "type": "SystemAssigned, UserAssigned",
                "principalId": oid(14),
                "userAssignedIdentities": {UAMI2: {"principalId": None}, UAMI: {"principalId": oid(5)}},
            },
            kind="app",
        ),
        arm_resource(
            LOST,
            "Microsoft.App/containerApps",
            {"type": "UserAssigned", "userAssignedIdentities": {f"{UAMI}-gone": {}}},
        ),
        arm_resource(VAULT, "Microsoft.KeyVault/vaults", None),
    ]
    write(root, f"{arm}/resources.json", resources)
    identity = {
        "clientId": oid(600),
        "id": UAMI,
        "name": "id-app",
        "principalId": oid(5),
        "tags": {"owner": "team-a"},
        "tenantId": TENANT,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    }
    write(root, f"{arm}/identities.json", [identity])
    uami_fic = {
        "audiences": ["api://AzureADTokenExchange"],
        "id": f"{UAMI}/federatedIdentityCredentials/deploy",
        "issuer": "https://token.actions.githubusercontent.com/",
        "name": "deploy",
        "subject": "repo:contoso/infra:environment:prod",
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    }
    write(root, f"{arm}/identities/id-app/federatedCredentials.json", [uami_fic])
    policy = {
        "objectId": oid(1),
        "applicationId": None,
        "permissions": {"secrets": ["Get", "List"], "keys": [], "certificates": [], "storage": None},
        "tenantId": TENANT,
    }
    vault = {
        "id": VAULT,
        "name": "kv-apps",
        "type": "Microsoft.KeyVault/vaults",
        "resourceGroup": "RG-Apps",
        "properties": {"enableRbacAuthorization": False, "accessPolicies": [policy]},
    }
    write(root, f"{arm}/keyVaults.json", vault)
    secrets = [
        {
            "attributes": {
                "created": "2026-06-01T08:20:03+00:00",
                "enabled": True,
                "expires": "2028-06-01T08:14:22+00:00",
            },
            "contentType": "client-secret",
            "id": "https://kv-apps.vault.azure.net/secrets/deploy-bot",
            "name": "deploy-bot",
            "tags": {"app": "deploy-bot"},
        }
    ]
    write(root, f"{arm}/keyVaults/kv-apps/secrets.json", secrets)


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    root = tmp_path_factory.mktemp("tenant")
    _graph(root)
    _arm(root)
    return inventory(root)


def by_id(inv: Inventory, identity: str) -> Identity:
    return next(i for i in inv.identities if i.id == identity)


def grants_of(inv: Inventory, principal: str, kind: PolicyKind | None = None) -> list[Grant]:
    return [g for g in inv.grants if g.principal_id == principal and (kind is None or g.policy_kind is kind)]


def test_service_principal_identity(estate: Inventory) -> None:
    bot = by_id(estate, f"servicePrincipals/{oid(1)}")
    assert (bot.kind, bot.provider, bot.scope, bot.machine) == (IdentityKind.SERVICE_PRINCIPAL, AZURE, TENANT, True)
    assert bot.machine_reason == "Entra service principal (Application)"
    assert bot.aliases == (oid(1), oid(110))
    assert bot.owners == (f"servicePrincipals/{oid(2)}",)
    assert bot.groups == (f"groups/{oid(30)}",)
    assert bot.enabled is True and not bot.provider_managed
    assert bot.attributes["application_id"] == f"applications/{oid(10)}"
    assert bot.attributes["foreign"] is False
    assert (bot.last_used, bot.last_used_known) == (datetime(2026, 11, 28, 3, 17, 9, tzinfo=UTC), True)
    ci = by_id(estate, f"servicePrincipals/{oid(2)}")
    # Not in the sign-in report: its use is unknown (the report lists what it has data for), not "never".
    assert (ci.attributes["application_id"], ci.last_used, ci.last_used_known) == (None, None, False)
    assert by_id(estate, f"servicePrincipals/{oid(8)}").enabled is False


def test_first_party_foreign_and_legacy_principals(estate: Inventory) -> None:
    graph = by_id(estate, f"servicePrincipals/{oid(9)}")
    assert graph.provider_managed and graph.attributes["foreign"] is True
    foreign = by_id(estate, f"servicePrincipals/{oid(7)}")
    assert not foreign.provider_managed
    assert foreign.attributes["foreign"] is True
    assert foreign.attributes["app_owner_organization_id"] == oid(0xEE)
    assert foreign.machine_reason == "Entra service principal (Legacy)"


def test_managed_identities(estate: Inventory) -> None:
    system = by_id(estate, f"servicePrincipals/{oid(3)}")
    assert system.kind is IdentityKind.MANAGED_IDENTITY
    assert system.machine_reason == "managed identity (system-assigned)"
    assert system.attributes["user_assigned"] is False and system.attributes["resource_id"] == VM.lower()
    assert VM.lower() in system.aliases
    # Microsoft owns every managed identity's app: not first-party, not foreign, and its rotating certificate is Azure's
    assert not system.provider_managed and system.attributes["foreign"] is False
    assert system.credentials == ()
    uami = by_id(estate, f"servicePrincipals/{oid(5)}")
    assert uami.machine_reason == "managed identity (user-assigned)" and uami.attributes["user_assigned"] is True
    assert (uami.owner, dict(uami.tags)) == ("team-a", {"owner": "team-a"})


def test_agent_identity_blueprint_and_agent_user(estate: Inventory) -> None:
    agent = by_id(estate, f"servicePrincipals/{oid(4)}")
    assert (agent.kind, agent.machine) == (IdentityKind.AGENT_IDENTITY, True)
    assert agent.attributes["agent_blueprint_id"] == oid(112)
    assert agent.attributes["sponsors"] == [f"users/{oid(20)}"]
    assert agent.agent_reason is not None
    blueprint = by_id(estate, f"applications/{oid(12)}")
    assert blueprint.kind is IdentityKind.APPLICATION and blueprint.attributes["agent_blueprint"] is True
    agent_user = by_id(estate, f"users/{oid(22)}")
    assert (agent_user.machine, agent_user.attributes["agent_user"]) == (True, True)
    assert agent_user.attributes["identity_parent_id"] == oid(4)


def test_application_identity_and_its_credentials(estate: Inventory) -> None:
    bot = by_id(estate, f"applications/{oid(10)}")
    assert (bot.kind, bot.machine, bot.machine_reason) == (
        IdentityKind.APPLICATION,
        True,
        "Entra application registration",
    )
    assert bot.owners == (f"users/{oid(20)}",)
    assert bot.owner == "team-release"
    assert bot.attributes["service_principal_id"] == f"servicePrincipals/{oid(1)}"
    kinds = {c.id: c for c in bot.credentials}
    first, second, cert = kinds[oid(0x901)], kinds[oid(0x902)], kinds[oid(0xA01)]
    assert (first.kind, first.label, first.identity_id) == (CredentialKind.CLIENT_SECRET, "pipeline", bot.id)
    assert (first.created, first.expires) == (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert first.active and first.attributes["hint"] == "abc"
    assert second.label == "client secret"
    assert (cert.kind, cert.attributes["type"], cert.attributes["usage"]) == (
        CredentialKind.CERTIFICATE,
        "AsymmetricX509Cert",
        "Verify",
    )


def test_secret_text_is_never_stored_and_the_warning_names_the_file(estate: Inventory) -> None:
    assert SECRET_VALUE not in repr(estate)
    (warning,) = [w for w in estate.warnings if "secretText" in w]
    assert "applications.json" in warning and f"applications/{oid(10)}" in warning and "not read" in warning


def test_users_and_groups(estate: Inventory) -> None:
    alice = by_id(estate, f"users/{oid(20)}")
    assert (alice.kind, alice.machine, alice.name) == (IdentityKind.USER, False, "alice@contoso.example")
    assert (alice.last_used, alice.last_used_known) == (datetime(2026, 11, 25, 10, tzinfo=UTC), True)
    guest = by_id(estate, f"users/{oid(21)}")
    assert (guest.attributes["user_type"], guest.last_used_known, guest.machine_reason) == (
        "Guest",
        False,
        "Entra guest user",
    )
    assert guest.groups == (f"groups/{oid(30)}",)
    tier0 = by_id(estate, f"groups/{oid(30)}")
    assert tier0.kind is IdentityKind.GROUP and tier0.attributes["is_assignable_to_role"] is True
    assert tier0.owners == (f"servicePrincipals/{oid(1)}",)


def test_app_role_grants_resolve_their_permission(estate: Inventory) -> None:
    (bot,) = grants_of(estate, f"servicePrincipals/{oid(1)}", PolicyKind.APP_ROLE)  # listed from both ends: one grant
    assert (bot.policy_id, bot.policy_name, bot.resource_scope) == (
        ROLE_MANAGEMENT,
        "RoleManagement.ReadWrite.Directory",
        f"servicePrincipals/{oid(9)}",
    )
    assert bot.document == {
        "resource_id": f"servicePrincipals/{oid(9)}",
        "resource_app_id": GRAPH_APP_ID,
        "value": "RoleManagement.ReadWrite.Directory",
    }
    (to_group,) = grants_of(estate, f"groups/{oid(30)}", PolicyKind.APP_ROLE)
    assert to_group.policy_name == "Custom.Value"  # from the resource's appRoles
    (unknown,) = grants_of(estate, f"servicePrincipals/{oid(2)}", PolicyKind.APP_ROLE)
    assert (unknown.policy_name, unknown.document["resource_app_id"], unknown.document["value"]) == (
        oid(56),
        None,
        None,
    )


def test_directory_roles_active_eligible_and_scoped(estate: Inventory) -> None:
    (admin,) = grants_of(estate, f"servicePrincipals/{oid(1)}", PolicyKind.DIRECTORY_ROLE)
    assert (admin.policy_id, admin.policy_name, admin.resource_scope, admin.eligible) == (
        GLOBAL_ADMIN,
        "Global Administrator",
        "/",
        False,
    )
    ci = {
        (g.policy_id, g.policy_name, g.resource_scope, g.eligible)
        for g in grants_of(estate, f"servicePrincipals/{oid(2)}", PolicyKind.DIRECTORY_ROLE)
    }
    assert ci == {(oid(61), "Custom Helpdesk", f"/{oid(10)}", False), (GLOBAL_ADMIN, "Global Administrator", "/", True)}
    (unlisted,) = grants_of(estate, f"principals/{oid(999)}")
    assert unlisted.resource_scope == f"/administrativeUnits/{oid(40)}"
    assert any(oid(999) in w and "roleAssignments.json" in w for w in estate.warnings)


def test_delegated_consent_is_a_grant_of_the_client(estate: Inventory) -> None:
    consent = {
        "resource_id": f"servicePrincipals/{oid(9)}",
        "scope": "User.Read Mail.Read",
        "consent_type": "AllPrincipals",
        "principal_id": None,
    }
    (grant,) = grants_of(estate, f"servicePrincipals/{oid(1)}", PolicyKind.DELEGATED_GRANT)
    assert (grant.policy_name, grant.resource_scope, dict(grant.document)) == (
        "User.Read Mail.Read",
        consent["resource_id"],
        consent,
    )
    assert grant.policy_id == f"servicePrincipals/{oid(9)}:AllPrincipals:all"  # the export gave no grant id
    assert by_id(estate, f"servicePrincipals/{oid(1)}").attributes["delegated_grants"] == [consent]


def test_key_vault_access_policies_are_grants_on_the_vault(estate: Inventory) -> None:
    (grant,) = grants_of(estate, f"servicePrincipals/{oid(1)}", PolicyKind.ACCESS_POLICY)
    assert grant.resource_scope == VAULT.lower()
    assert grant.document["permissions"] == {"secrets": ["get", "list"], "keys": [], "certificates": [], "storage": []}
    assert grant.policy_id == f"{VAULT.lower()}/accesspolicies/{oid(1)}"


def test_rbac_assignments(estate: Inventory) -> None:
    (owner,) = grants_of(estate, f"servicePrincipals/{oid(3)}", PolicyKind.RBAC_ASSIGNMENT)
    assert (owner.policy_id, owner.policy_name, owner.resource_scope, owner.condition) == (OWNER, "Owner", SUB_ID, None)
    assert owner.document == {
        "role_definition_id": f"/subscriptions/{SUB}/providers/microsoft.authorization/roledefinitions/{OWNER}"
    }
    (conditional,) = grants_of(estate, f"servicePrincipals/{oid(5)}", PolicyKind.RBAC_ASSIGNMENT)
    assert conditional.resource_scope == RG.lower()
    assert conditional.condition == {"expression": "@Resource[x] StringEquals 'y'", "version": "2.0"}
    (reader,) = grants_of(estate, f"groups/{oid(30)}", PolicyKind.RBAC_ASSIGNMENT)
    assert (reader.policy_name, reader.resource_scope) == ("Reader", VM.lower())  # name from the bundled roles
    (custom,) = grants_of(estate, f"servicePrincipals/{oid(1)}", PolicyKind.RBAC_ASSIGNMENT)
    assert (custom.policy_id, custom.policy_name) == (oid(80), "VM Reader")
    (foreign,) = grants_of(estate, f"principals/{oid(0xAB)}")
    assert foreign.policy_kind is PolicyKind.RBAC_ASSIGNMENT
    assert any("ForeignGroup" in w and oid(0xAB) in w for w in estate.warnings)


def test_deny_assignments_and_custom_roles(estate: Inventory) -> None:
    (deny,) = [g for g in estate.grants if g.policy_kind is PolicyKind.DENY_POLICY]
    assert (deny.principal_id, deny.resource_scope, deny.policy_name) == (SUB_ID, SUB_ID, "lock")
    assert deny.document["permissions"][0]["actions"] == ["*/delete"]
    assert deny.document["exclude_principals"] == [{"id": oid(1), "type": "ServicePrincipal"}]
    (policy,) = estate.policies
    assert (policy.id, policy.name, policy.scope, policy.provider) == (oid(80), "VM Reader", SUB_ID, AZURE)
    assert policy.default_document == {
        "permissions": [
            {
                "actions": ["Microsoft.Compute/virtualMachines/read"],
                "notActions": [],
                "dataActions": [],
                "notDataActions": [],
            }
        ]
    }


def test_hierarchy(estate: Inventory) -> None:
    scopes = {s.id: s for s in estate.hierarchy}
    root, prod = f"{MG}{TENANT}".lower(), f"{MG}prod".lower()
    assert (scopes[f"tenants/{TENANT}"].kind, scopes[f"tenants/{TENANT}"].name) == (ScopeKind.TENANT, "Contoso")
    assert (scopes[root].kind, scopes[root].parent) == (ScopeKind.MANAGEMENT_GROUP, f"tenants/{TENANT}")
    assert (scopes[prod].parent, scopes[prod].name) == (root, "Production")
    assert (scopes[SUB_ID].kind, scopes[SUB_ID].parent, scopes[SUB_ID].name) == (ScopeKind.SUBSCRIPTION, prod, "prod")
    assert (scopes[RG.lower()].kind, scopes[RG.lower()].parent) == (ScopeKind.RESOURCE_GROUP, SUB_ID)
    assert (scopes[VM.lower()].kind, scopes[VM.lower()].parent) == (ScopeKind.RESOURCE, RG.lower())
    vault = scopes[VAULT.lower()]
    assert vault.attributes["rbac"] is False
    assert vault.attributes["access_policies"] == [
        {
            "object_id": oid(1),
            "principal_id": f"servicePrincipals/{oid(1)}",
            "application_id": None,
            "permissions": {"secrets": ["get", "list"], "keys": [], "certificates": [], "storage": []},
        }
    ]
    assert [(s["name"], s["content_type"], s["tags"]) for s in vault.attributes["secrets"]] == [
        ("deploy-bot", "client-secret", {"app": "deploy-bot"})
    ]
    assert estate.scopes == ((AZURE, TENANT), (AZURE, SUB))


def test_workloads(estate: Inventory) -> None:
    found = {w.id: w for w in estate.workloads}
    vm = found[VM.lower()]
    assert (vm.kind, vm.identity_id, vm.scope, vm.other_identity_ids) == (
        "virtual-machine",
        f"servicePrincipals/{oid(3)}",
        SUB,
        (),
    )
    assert vm.attributes == {
        "service": "azure",
        "type": "Microsoft.Compute/virtualMachines",
        "resource_group": "rg-apps",
    }
    func = found[FUNC.lower()]  # the user-assigned identity's principal from `az identity list`
    assert (func.kind, func.identity_id, func.application) == ("function-app", f"servicePrincipals/{oid(5)}", "orders")
    web = found[WEB.lower()]  # system-assigned first; id-two's principal from its service principal's alternativeNames
    assert (web.kind, web.identity_id) == ("web-app", f"servicePrincipals/{oid(14)}")
    assert web.other_identity_ids == (f"servicePrincipals/{oid(6)}", f"servicePrincipals/{oid(5)}")
    assert LOST.lower() not in found
    assert any(LOST.lower() in w and "not linked" in w for w in estate.warnings)


def test_federation_trusts_and_identity_providers(estate: Inventory) -> None:
    trusts = {t.target_id: t for t in estate.trusts}
    flexible = trusts[f"servicePrincipals/{oid(11)}"]  # the beta listing's expression wins over the v1.0 copy
    assert (flexible.principal_type, flexible.issuer, flexible.subjects) == (
        TrustKind.FEDERATED,
        "token.actions.githubusercontent.com",
        (),
    )
    assert flexible.conditions == {"name": "github-1", "claims_matching_expression": FLEXIBLE}
    assert (flexible.actions, flexible.audiences) == (("federated-credential",), ("api://AzureADTokenExchange",))
    exact = trusts[f"servicePrincipals/{oid(13)}"]
    assert exact.subjects == ("repo:contoso/api:ref:refs/heads/main",) and exact.conditions == {"name": "github-2"}
    managed = trusts[f"servicePrincipals/{oid(5)}"]
    assert (managed.subjects, managed.principal) == (
        ("repo:contoso/infra:environment:prod",),
        "https://token.actions.githubusercontent.com/",
    )
    (credential,) = by_id(estate, f"applications/{oid(11)}").credentials
    assert (credential.kind, credential.id, credential.label) == (
        CredentialKind.FEDERATED,
        oid(0xF01),
        "federated credential: https://token.actions.githubusercontent.com",
    )
    assert [c.kind for c in by_id(estate, f"servicePrincipals/{oid(5)}").credentials] == [CredentialKind.FEDERATED]
    (provider,) = estate.identity_providers
    assert (provider.id, provider.protocol, provider.scope) == (
        "azure-fic-issuer:token.actions.githubusercontent.com",
        "oidc",
        TENANT,
    )


def test_tenant_falls_back_to_own_apps_then_unknown(tmp_path: Path) -> None:
    own = tmp_path / "own"
    write(own, "sps.json", [sp(1, oid(101), "a", appOwnerOrganizationId=oid(0x77))])
    write(own, "apps.json", [app(10, oid(101), "a")])
    assert by_id(inventory(own), f"servicePrincipals/{oid(1)}").scope == oid(0x77)
    lone = tmp_path / "lone"
    write(lone, "users.json", [user(20, "a@contoso.example")])
    found = inventory(lone)
    assert (by_id(found, f"users/{oid(20)}").scope, found.scopes) == ("unknown", ())


def test_principals_named_but_not_listed_become_identities(tmp_path: Path) -> None:
    write(tmp_path, "apps.json", [app(10, oid(110), "x", owners=[ref("user", 20)])])
    stub = by_id(inventory(tmp_path), f"users/{oid(20)}")
    assert (stub.kind, stub.machine, stub.attributes["listed"]) == (IdentityKind.USER, False, False)


def _forms() -> tuple[Inventory, Inventory]:
    return inventory(TENANT_DIR), inventory(AZUREHOUND_FILE)


needs_fixtures = pytest.mark.skipif(
    not (TENANT_DIR.is_dir() and AZUREHOUND_FILE.is_file()), reason="the sample tenant fixtures are not present"
)


@needs_fixtures
def test_both_forms_give_the_same_identities_credentials_grants_and_trusts() -> None:
    graph, hound = _forms()

    def identities(inv: Inventory) -> set[Any]:
        return {
            (i.id, i.kind, i.owners, frozenset(i.groups), i.enabled, i.machine, i.provider_managed)
            for i in inv.identities
        }

    def credentials(inv: Inventory) -> set[Any]:
        return {(c.id, c.kind, c.identity_id, c.created, c.expires) for i in inv.identities for c in i.credentials}

    def grants(inv: Inventory) -> set[Any]:
        return {
            (g.principal_id, g.policy_id, g.policy_name, g.policy_kind, g.resource_scope, g.eligible)
            for g in inv.grants
            if g.policy_kind is not PolicyKind.DENY_POLICY
        }

    def trusts(inv: Inventory) -> set[Any]:
        return {(t.target_id, t.issuer, t.subjects, t.audiences) for t in inv.trusts}

    assert identities(graph) == identities(hound)
    assert grants(graph) == grants(hound)
    # AzureHound does not collect user-assigned identities' federated credentials (its README says so): the Graph
    # form has exactly those more.
    managed = {
        f"servicePrincipals/{i.id.split('/', 1)[1]}"
        for i in graph.identities
        if i.kind is IdentityKind.MANAGED_IDENTITY
    }
    assert credentials(hound) == {c for c in credentials(graph) if c[2] not in managed}
    assert trusts(hound) == {t for t in trusts(graph) if t[0] not in managed}
    assert {t[0] for t in trusts(graph) if t[0] in managed}  # the Graph form does have one


@needs_fixtures
def test_sample_tenant_planted_facts() -> None:
    graph, hound = _forms()
    for inv in (graph, hound):
        assert not inv.warnings, inv.warnings
        portal = grants_of(inv, "servicePrincipals/23794f26-278d-448c-abc3-6c1b18e3127b", PolicyKind.DIRECTORY_ROLE)
        assert [g.resource_scope for g in portal] == ["/ac3613bf-fd08-43ef-ad3e-c0e57a3d540f"]  # AzureHound's /APP_ID
        (tenant_ops,) = grants_of(
            inv, "servicePrincipals/ee4cd483-3155-4caa-a46c-a4aff7f36584", PolicyKind.DIRECTORY_ROLE
        )
        assert tenant_ops.eligible and tenant_ops.policy_name == "Global Administrator"
        sync = by_id(inv, "servicePrincipals/d0969cb6-3b23-4cc5-98ed-4a875fa29a02")
        assert sync.owners == ("servicePrincipals/ad74ec08-3ae9-4a83-979b-cae81d960e18",)
        assert by_id(inv, "servicePrincipals/84bfa8a8-c08f-477e-996f-565fc1116764").enabled is False
        assert {w.kind for w in inv.workloads} == {"virtual-machine", "function-app", "logic-app", "automation-account"}
    flexible = next(t for t in graph.trusts if t.target_id == "servicePrincipals/1108e058-4011-4859-b2db-c116cadb1876")
    assert flexible.conditions["claims_matching_expression"] == "claims['sub'] matches 'repo:northwind/*'"
    assert by_id(graph, "servicePrincipals/4927be9e-0fc7-45fd-81e4-e8a3ac6f0836").attributes["sponsors"] == []


@pytest.mark.parametrize(("principal", "consent"), [(None, "AllPrincipals"), (oid(5), "Principal")])
def test_a_delegated_grant_without_its_consent_type_takes_it_from_its_principal(
    principal: str | None, consent: str
) -> None:
    # Graph always gives consentType; an export without it still says whom the consent covers: no principal is
    # every user (admin consent), so leaving the field out cannot hide a tenant-wide grant
    raw = {"clientId": oid(1), "principalId": principal, "resourceId": oid(9), "scope": "Mail.Read"}
    assert delegated_grant(Fields(raw, "oauth2PermissionGrants.json")).consent_type == consent
