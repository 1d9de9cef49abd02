"""Every Azure input format of nhi_scan/connectors/azure/README.md is recognised by its content, whatever the file is
called, by exactly one format: Graph pages, arrays of pages and bare arrays; the az CLI's ARM arrays (and the REST
shape); AzureHound output. Empty answers are claimed by their convention file name; group members and separately
listed federated credentials take their owner from the directory convention, and nowhere else."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import context, context_key, enclosing
from nhi_scan.connectors.azure.records import (
    AccessPolicyRecord,
    ApplicationRecord,
    DirectoryRoleAssignmentRecord,
    FederatedCredentialRecord,
    MembershipRecord,
    OwnershipRecord,
    RbacAssignmentRecord,
    Records,
    ResourceRecord,
    ScopeLinkRecord,
    ServicePrincipalRecord,
    SignInCoverage,
    SignInRecord,
)
from nhi_scan.connectors.formats import all_formats
from nhi_scan.model import SourceStatus
from tests.azure import (
    AZUREHOUND_FILE,
    BETA,
    ROOT,
    SUB,
    TENANT,
    TENANT_DIR,
    app,
    arm_assignment,
    arm_resource,
    azure_formats,
    claimed_by,
    fic,
    group,
    hound,
    load_inputs,
    managed_identity,
    oid,
    page,
    ref,
    sp,
    user,
    write,
)

RG = f"/subscriptions/{SUB}/resourceGroups/rg-apps"
VM = f"{RG}/providers/Microsoft.Compute/virtualMachines/vm-1"
UAMI = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-app"
VAULT = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-apps"
MG = "/providers/Microsoft.Management/managementGroups/"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

#: name -> (document, the one format that must recognise it).
DOCUMENTS: dict[str, tuple[object, str]] = {
    "sp-page": (page("servicePrincipals(owners())", sp(1, oid(101), "a")), "azure-graph-service-principals"),
    "sp-pages": (
        [
            page("servicePrincipals", sp(1, oid(101), "a"), next_link=True),
            page("servicePrincipals", sp(2, oid(102), "b")),
        ],
        "azure-graph-service-principals",
    ),
    "sp-az-list": (
        [sp(1, oid(101), "a"), managed_identity(3, VM, user_assigned=False)],
        "azure-graph-service-principals",
    ),
    "agent-identities-beta": (
        page("servicePrincipals/microsoft.graph.agentIdentity(sponsors())", sp(4, oid(104), "agent"), beta=True),
        "azure-graph-service-principals",
    ),
    "app-page": (
        page("applications(owners(),federatedIdentityCredentials())", app(10, oid(110), "x")),
        "azure-graph-applications",
    ),
    "app-az-list": ([app(10, oid(110), "x"), app(11, oid(111), "y")], "azure-graph-applications"),
    "blueprints-beta": (
        page("applications/microsoft.graph.agentIdentityBlueprint", app(12, oid(112), "bp"), beta=True),
        "azure-graph-applications",
    ),
    "app-role-assigned-to": (
        page(
            f"servicePrincipals('{oid(9)}')/appRoleAssignedTo",
            {
                "id": "abc",
                "appRoleId": oid(50),
                "principalId": oid(1),
                "principalType": "ServicePrincipal",
                "resourceId": oid(9),
            },
        ),
        "azure-graph-app-role-assignments",
    ),
    "app-role-assignments-bare": (
        [{"appRoleId": oid(50), "principalId": oid(1), "principalType": "ServicePrincipal", "resourceId": oid(9)}],
        "azure-graph-app-role-assignments",
    ),
    "delegated-grants": (
        page(
            "oauth2PermissionGrants",
            {
                "clientId": oid(1),
                "consentType": "AllPrincipals",
                "id": "g",
                "principalId": None,
                "resourceId": oid(9),
                "scope": "User.Read",
            },
        ),
        "azure-graph-delegated-grants",
    ),
    "role-definitions": (
        page(
            "roleManagement/directory/roleDefinitions(description,displayName,id,isBuiltIn,templateId)",
            {
                "displayName": "Global Administrator",
                "id": "62e90394-69f5-4237-9190-012177145e10",
                "isBuiltIn": True,
                "templateId": "62e90394-69f5-4237-9190-012177145e10",
            },
        ),
        "azure-graph-role-definitions",
    ),
    "role-assignments": (
        page(
            "roleManagement/directory/roleAssignments",
            {
                "directoryScopeId": "/",
                "id": "x-1",
                "principalId": oid(1),
                "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
            },
        ),
        "azure-graph-role-assignments",
    ),
    "role-assignments-bare": (
        [
            {
                "directoryScopeId": "/",
                "id": "x-1",
                "principalId": oid(1),
                "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
            }
        ],
        "azure-graph-role-assignments",
    ),
    "role-eligibility": (
        [
            {
                "directoryScopeId": "/",
                "id": oid(70),
                "memberType": "Direct",
                "principalId": oid(1),
                "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
                "scheduleInfo": {"startDateTime": "2025-06-16T13:05:44Z", "expiration": {"type": "noExpiration"}},
                "status": "Provisioned",
            }
        ],
        "azure-graph-role-eligibility",
    ),
    "users": (page("users(id,userPrincipalName,signInActivity)", user(20, "a@contoso.example")), "azure-graph-users"),
    "users-az": ([user(20, "a@contoso.example"), user(21, "b@contoso.example")], "azure-graph-users"),
    "groups": (page("groups(owners())", group(30, "g")), "azure-graph-groups"),
    "groups-az": ([group(30, "g")], "azure-graph-groups"),
    "organization": (
        page("organization", {"id": TENANT, "displayName": "Contoso", "tenantType": "AAD", "verifiedDomains": []}),
        "azure-graph-organization",
    ),
    "administrative-units": (
        page("directory/administrativeUnits", {"id": oid(40), "displayName": "EU", "membershipType": None}),
        "azure-graph-administrative-units",
    ),
    "sign-ins-beta": (
        page(
            "reports/servicePrincipalSignInActivities",
            {"appId": oid(101), "id": "x", "lastSignInActivity": {"lastSignInDateTime": "2026-11-28T03:17:09Z"}},
            beta=True,
        ),
        "azure-graph-sign-in-activity",
    ),
    "az-account-list": (
        [
            {
                "cloudName": "AzureCloud",
                "homeTenantId": TENANT,
                "id": SUB,
                "isDefault": True,
                "name": "prod",
                "state": "Enabled",
                "tenantId": TENANT,
            }
        ],
        "azure-arm-subscriptions",
    ),
    "subscriptions-rest": (
        {
            "value": [
                {
                    "id": f"/subscriptions/{SUB}",
                    "subscriptionId": SUB,
                    "displayName": "prod",
                    "state": "Enabled",
                    "tenantId": TENANT,
                }
            ]
        },
        "azure-arm-subscriptions",
    ),
    "management-group-show": (
        {
            "id": f"{MG}{TENANT}",
            "name": TENANT,
            "type": "Microsoft.Management/managementGroups",
            "properties": {"displayName": "Tenant Root Group", "details": {"parent": None}, "children": None},
        },
        "azure-arm-management-groups",
    ),
    "resource-groups": (
        [
            {
                "id": RG,
                "location": "westeurope",
                "managedBy": None,
                "name": "rg-apps",
                "properties": {"provisioningState": "Succeeded"},
                "tags": {},
                "type": "Microsoft.Resources/resourceGroups",
            }
        ],
        "azure-arm-resource-groups",
    ),
    "resources": (
        [
            arm_resource(
                VM,
                "Microsoft.Compute/virtualMachines",
                {"principalId": oid(3), "tenantId": TENANT, "type": "SystemAssigned", "userAssignedIdentities": None},
            ),
            arm_resource(VAULT, "Microsoft.KeyVault/vaults", None),
        ],
        "azure-arm-resources",
    ),
    "identities": (
        [
            {
                "clientId": oid(600),
                "id": UAMI,
                "location": "westeurope",
                "name": "id-app",
                "principalId": oid(5),
                "resourceGroup": "rg-apps",
                "tags": {},
                "tenantId": TENANT,
                "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
            }
        ],
        "azure-arm-identities",
    ),
    "identity-federated-credentials": (
        [
            {
                "audiences": ["api://AzureADTokenExchange"],
                "id": f"{UAMI}/federatedIdentityCredentials/gh",
                "issuer": "https://token.actions.githubusercontent.com",
                "name": "gh",
                "resourceGroup": "rg-apps",
                "subject": "repo:o/r:environment:prod",
                "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
            }
        ],
        "azure-arm-identity-federated-credentials",
    ),
    "role-assignments-az": ([arm_assignment(1, oid(3), OWNER, f"/subscriptions/{SUB}")], "azure-arm-role-assignments"),
    "role-assignments-rest": (
        {
            "value": [
                {
                    "id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/y",
                    "name": "y",
                    "type": "Microsoft.Authorization/roleAssignments",
                    "properties": {
                        "principalId": oid(3),
                        "principalType": "ServicePrincipal",
                        "roleDefinitionId": f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
                        "scope": f"/subscriptions/{SUB}",
                    },
                }
            ]
        },
        "azure-arm-role-assignments",
    ),
    "role-definitions-az": (
        [
            {
                "assignableScopes": [f"/subscriptions/{SUB}"],
                "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{oid(80)}",
                "name": oid(80),
                "permissions": [
                    {"actions": ["Microsoft.Compute/*/read"], "notActions": [], "dataActions": [], "notDataActions": []}
                ],
                "roleName": "VM Reader",
                "roleType": "CustomRole",
                "type": "Microsoft.Authorization/roleDefinitions",
            }
        ],
        "azure-arm-role-definitions",
    ),
    "deny-assignments-rest": (
        {
            "value": [
                {
                    "id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/denyAssignments/{oid(90)}",
                    "name": oid(90),
                    "type": "Microsoft.Authorization/denyAssignments",
                    "properties": {
                        "denyAssignmentName": "blueprint lock",
                        "permissions": [
                            {"actions": ["*/delete"], "notActions": [], "dataActions": [], "notDataActions": []}
                        ],
                        "scope": f"/subscriptions/{SUB}",
                        "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
                        "excludePrincipals": [],
                        "doNotApplyToChildScopes": False,
                    },
                }
            ]
        },
        "azure-arm-deny-assignments",
    ),
    "key-vault-show": (
        {
            "id": VAULT,
            "name": "kv-apps",
            "type": "Microsoft.KeyVault/vaults",
            "resourceGroup": "rg-apps",
            "properties": {
                "enableRbacAuthorization": False,
                "accessPolicies": [
                    {
                        "objectId": oid(1),
                        "permissions": {"secrets": ["Get"], "keys": [], "certificates": []},
                        "tenantId": TENANT,
                    }
                ],
            },
        },
        "azure-arm-key-vaults",
    ),
    "key-vault-secrets": (
        [
            {
                "attributes": {"created": "2026-06-01T08:20:03+00:00", "enabled": True, "expires": None},
                "contentType": "client-secret",
                "id": "https://kv-apps.vault.azure.net/secrets/db",
                "name": "db",
                "tags": {},
            }
        ],
        "azure-arm-key-vault-secrets",
    ),
    "azurehound": (hound(("AZServicePrincipal", sp(1, oid(101), "a"))), "azure-azurehound"),
    "collection-error": (
        {
            "NhiScanCollectionError": {
                "Provider": "azure",
                "Scope": f"/subscriptions/{SUB}",
                "Phase": "role assignments",
                "Error": "403 AuthorizationFailed",
            }
        },
        "azure-collection-error",
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_claimed_by_exactly_its_format(name: str) -> None:
    document, expected = DOCUMENTS[name]
    assert claimed_by(document) == [expected]


@pytest.mark.parametrize("name", sorted(n for n in DOCUMENTS if n != "collection-error"))
def test_each_document_loads_whatever_its_file_is_called(tmp_path: Path, name: str) -> None:
    document, expected = DOCUMENTS[name]
    loaded = load_inputs(write(tmp_path, "export/anything.json", document))
    (source,) = loaded.sources
    assert source.status is SourceStatus.USED, source.detail
    assert source.kind == expected
    assert source.provider == AZURE


def test_no_other_provider_claims_an_azure_document() -> None:
    others = [f for f in all_formats() if f.provider != AZURE and f.sniff_json is not None]
    for name, (document, _) in DOCUMENTS.items():
        assert [f.name for f in others if f.sniff_json(document)] == [], name  # type: ignore[misc]


def test_an_array_of_pages_is_one_listing(tmp_path: Path) -> None:
    document = [
        page("servicePrincipals", sp(1, oid(101), "a"), next_link=True),
        page("servicePrincipals", sp(2, oid(102), "b")),
    ]
    (loaded,) = load_inputs(write(tmp_path, "sps.json", document)).documents
    assert isinstance(loaded.payload, Records)
    assert [r.object_id for r in loaded.payload.items if isinstance(r, ServicePrincipalRecord)] == [oid(1), oid(2)]


def test_context_names_the_collection_without_keys_and_selections() -> None:
    assert context(page("servicePrincipals(owners())")) == "servicePrincipals"
    assert context(page(f"servicePrincipals('{oid(9)}')/appRoleAssignedTo")) == "servicePrincipals/appRoleAssignedTo"
    assert context(page("users(id,displayName,signInActivity)")) == "users"
    assert context(page("applications(owners(),federatedIdentityCredentials())")) == "applications"
    assert context_key(
        page(f"applications('{oid(7)}')/federatedIdentityCredentials", beta=True), "applications"
    ) == oid(7)
    assert context([sp(1, oid(1), "a")]) is None


@pytest.mark.parametrize(
    ("name", "document", "expected"),
    [
        ("servicePrincipals.json", [], "azure-graph-service-principals"),
        ("applications.json", [], "azure-graph-applications"),
        ("users.json", [], "azure-graph-users"),
        ("roleAssignments.json", [], "azure-arm-role-assignments"),
        ("roleDefinitions.json", [], "azure-arm-role-definitions"),
        ("denyAssignments.json", {"value": []}, "azure-arm-deny-assignments"),
        ("resources.json", [], "azure-arm-resources"),
        ("identities.json", [], "azure-arm-identities"),
        ("export.json", page("roleManagement/directory/roleAssignments"), "azure-graph-role-assignments"),
        ("roleAssignments.json", page("roleManagement/directory/roleAssignments"), "azure-graph-role-assignments"),
        ("export.json", page("reports/servicePrincipalSignInActivities", beta=True), "azure-graph-sign-in-activity"),
    ],
)
def test_empty_answers_are_claimed_by_their_context_or_file_name(
    tmp_path: Path, name: str, document: object, expected: str
) -> None:
    (source,) = load_inputs(write(tmp_path, f"graph/{name}", document)).sources
    assert (source.status, source.kind) == (SourceStatus.USED, expected), source.detail


def test_an_empty_sign_in_answer_still_covers_the_tenant(tmp_path: Path) -> None:
    (loaded,) = load_inputs(write(tmp_path, "servicePrincipalSignInActivities.json", [])).documents
    assert isinstance(loaded.payload, Records)
    assert [type(r) for r in loaded.payload.items] == [SignInCoverage]


@pytest.mark.parametrize(
    "relative",
    ["graph/groups/{g}/members.json", "groups/{g}/members.json", "export/groups/{g}/page-2/members.json"],
)
def test_group_members_take_their_group_from_the_directory(tmp_path: Path, relative: str) -> None:
    members = page("directoryObjects", ref("user", 20, displayName="a"), ref("servicePrincipal", 1, appId=oid(101)))
    (loaded,) = load_inputs(write(tmp_path, relative.format(g=oid(30)), members)).documents
    assert loaded.format.name == "azure-graph-group-members"
    assert isinstance(loaded.payload, Records)
    assert [
        (m.group_id, m.member.object_id, m.member.collection)
        for m in loaded.payload.items
        if isinstance(m, MembershipRecord)
    ] == [
        (oid(30), oid(20), "users"),
        (oid(30), oid(1), "servicePrincipals"),
    ]


def test_bare_members_listing_is_recognised_by_its_typed_objects(tmp_path: Path) -> None:
    members = [ref("user", 20, userPrincipalName="a@contoso.example"), ref("group", 31, displayName="nested")]
    assert claimed_by(members) == ["azure-graph-group-members"]
    (loaded,) = load_inputs(write(tmp_path, f"graph/groups/{oid(30)}/members.json", members)).documents
    assert isinstance(loaded.payload, Records)
    assert {m.member.collection for m in loaded.payload.items if isinstance(m, MembershipRecord)} == {"users", "groups"}


def test_enclosing_finds_the_nearest_collection_directory() -> None:
    assert enclosing("graph/groups/G1/members.json", "groups") == "G1"
    assert enclosing("groups/G1/x/groups/G2/members.json", "groups") == "G2"
    assert enclosing("graph/groups/members.json", "groups") is None
    assert enclosing("members.json", "groups") is None


def test_federated_credentials_take_their_application_from_context_or_directory(tmp_path: Path) -> None:
    flexible = {"languageVersion": 1, "value": "claims['sub'] matches 'repo:o/*'"}
    beta = page(
        f"applications('{oid(10)}')/federatedIdentityCredentials",
        fic(1, None, claimsMatchingExpression=flexible),
        beta=True,
    )
    v1 = {"value": [fic(2, "repo:o/r:ref:refs/heads/main")]}
    loaded = load_inputs(
        write(tmp_path, "anywhere/fics.json", beta),
        write(tmp_path, f"graph/applications/{oid(11)}/federatedIdentityCredentials.json", v1),
    )
    holders = [
        r.app_object_id
        for d in loaded.documents
        if isinstance(d.payload, Records)
        for r in d.payload.items
        if isinstance(r, FederatedCredentialRecord)
    ]
    assert holders == [oid(10), oid(11)]
    assert BETA in beta["@odata.context"]


def test_management_group_tree_gives_parents_of_groups_and_subscriptions(tmp_path: Path) -> None:
    tree = {
        "id": f"{MG}{TENANT}",
        "name": TENANT,
        "type": "Microsoft.Management/managementGroups",
        "properties": {
            "displayName": "Tenant Root Group",
            "details": {"parent": None},
            "children": [
                {
                    "id": f"{MG}prod",
                    "name": "prod",
                    "displayName": "Production",
                    "type": "Microsoft.Management/managementGroups",
                    "children": [
                        {
                            "id": f"/subscriptions/{SUB}",
                            "type": "Microsoft.Management/managementGroups/subscriptions",
                            "children": None,
                        }
                    ],
                }
            ],
        },
    }
    (loaded,) = load_inputs(write(tmp_path, "mg.json", tree)).documents
    assert isinstance(loaded.payload, Records)
    links = {(r.child, r.parent) for r in loaded.payload.items if isinstance(r, ScopeLinkRecord)}
    root, prod = f"{MG}{TENANT}".lower(), f"{MG}prod".lower()
    assert links == {(prod, root), (f"/subscriptions/{SUB}", prod)}


def test_azurehound_kinds_become_the_same_records(tmp_path: Path) -> None:
    document = hound(
        ("AZApp", app(10, oid(110).upper(), "x") | {"id": oid(10).upper()}),
        ("AZAppOwner", {"owners": [{"owner": ref("user", 20), "appId": oid(10).upper()}], "appId": oid(110).upper()}),
        ("AZServicePrincipalOwner", {"owners": None, "servicePrincipalId": oid(1).upper()}),
        (
            "AZGroupMember",
            {"members": [{"groupId": oid(30).upper(), "member": ref("user", 20)}], "groupId": oid(30).upper()},
        ),
        (
            "AZFederatedIdentityCredential",
            {
                "fics": [{"appId": oid(110).upper(), "fic": fic(1, "repo:o/r:ref:refs/heads/main")}],
                "appId": oid(110).upper(),
            },
        ),
        (
            "AZRoleAssignment",
            {
                "roleAssignments": [
                    {
                        "id": "x",
                        "roleDefinitionId": "62e90394-69f5-4237-9190-012177145e10",
                        "principalId": oid(1).upper(),
                        "directoryScopeId": "/",
                    }
                ],
                "roleDefinitionId": "X",
                "tenantId": TENANT.upper(),
            },
        ),
        (
            "AZRoleEligibilityScheduleInstance",
            {
                "id": "y",
                "roleDefinitionId": "62E90394-69F5-4237-9190-012177145E10",
                "principalId": oid(1).upper(),
                "directoryScopeId": "/",
            },
        ),
        (
            "AZVM",
            {
                "id": VM.upper(),
                "name": "vm-1",
                "type": "Microsoft.Compute/virtualMachines",
                "identity": {"principalId": oid(3).upper(), "type": "SystemAssigned"},
            },
        ),
        (
            "AZVMRoleAssignment",
            {
                "roleAssignments": [
                    {
                        "roleAssignment": {
                            "id": f"{VM}/providers/Microsoft.Authorization/roleAssignments/r",
                            "properties": {
                                "principalId": oid(3).upper(),
                                "roleDefinitionId": f"/providers/Microsoft.Authorization/roleDefinitions/{OWNER}",
                                "scope": VM.upper(),
                            },
                        },
                        "virtualMachineId": VM.upper(),
                    }
                ],
                "virtualMachineId": VM.upper(),
            },
        ),
        (
            "AZLogicAppRoleAssignment",
            {
                "assignees": [
                    {
                        "assignee": {
                            "id": "/x/roleAssignments/l",
                            "properties": {
                                "principalId": oid(3).upper(),
                                "roleDefinitionId": OWNER,
                                "scope": VM.upper(),
                            },
                        },
                        "objectId": VM.upper(),
                        "roleDefinitionId": OWNER,
                    }
                ],
                "objectId": VM.upper(),
            },
        ),
        (
            "AZKeyVaultAccessPolicy",
            {"objectId": oid(1).upper(), "permissions": {"secrets": ["Get"]}, "keyVaultId": VAULT.upper()},
        ),
        ("AZDevice", {"id": oid(99)}),
    )
    (loaded,) = load_inputs(write(tmp_path, "out.json", document)).documents
    assert loaded.format.name == "azure-azurehound"
    assert isinstance(loaded.payload, Records)
    kinds = Counter(type(r).__name__ for r in loaded.payload.items)
    assert kinds == Counter(
        {
            ApplicationRecord.__name__: 1,
            OwnershipRecord.__name__: 1,
            MembershipRecord.__name__: 1,
            FederatedCredentialRecord.__name__: 1,
            DirectoryRoleAssignmentRecord.__name__: 2,
            ResourceRecord.__name__: 1,
            RbacAssignmentRecord.__name__: 2,
            AccessPolicyRecord.__name__: 1,
        }
    )
    owner = next(r for r in loaded.payload.items if isinstance(r, OwnershipRecord))
    assert (owner.target.object_id, owner.target.collection, owner.owner.object_id) == (
        oid(10),
        "applications",
        oid(20),
    )
    resource = next(r for r in loaded.payload.items if isinstance(r, ResourceRecord))
    assert (resource.id, resource.system_principal_id) == (VM.lower(), oid(3))
    assert loaded.payload.notes == (f"{tmp_path / 'out.json'}: AzureHound kinds not read: AZDevice (1)",)


def test_azurehound_without_account_enabled_is_disabled(tmp_path: Path) -> None:
    document = hound(("AZServicePrincipal", {k: v for k, v in sp(1, oid(101), "off").items() if k != "accountEnabled"}))
    (loaded,) = load_inputs(write(tmp_path, "out.json", document)).documents
    assert isinstance(loaded.payload, Records)
    (record,) = loaded.payload.items
    assert isinstance(record, ServicePrincipalRecord)
    assert record.account_enabled is False


def test_sign_in_activity_reads_the_latest_sign_in(tmp_path: Path) -> None:
    entry: dict[str, Any] = {
        "appId": oid(101),
        "applicationAuthenticationClientSignInActivity": {"lastSignInDateTime": "2026-11-01T00:00:00Z"},
        "delegatedClientSignInActivity": {"lastSignInDateTime": "2026-11-20T00:00:00Z"},
    }
    (loaded,) = load_inputs(write(tmp_path, "x.json", [entry])).documents
    assert isinstance(loaded.payload, Records)
    (record, coverage) = loaded.payload.items
    assert isinstance(record, SignInRecord) and isinstance(coverage, SignInCoverage)
    assert record.last_sign_in is not None and record.last_sign_in.day == 20


def _fixture_files() -> list[Path]:
    return sorted(TENANT_DIR.rglob("*.json")) if TENANT_DIR.is_dir() else []


EXPECTED_BY_FILE = {
    "organization.json": "azure-graph-organization",
    "applications.json": "azure-graph-applications",
    "agentIdentityBlueprints.json": "azure-graph-applications",
    "servicePrincipals.json": "azure-graph-service-principals",
    "agentIdentities.json": "azure-graph-service-principals",
    "appRoleAssignments.json": "azure-graph-app-role-assignments",
    "oauth2PermissionGrants.json": "azure-graph-delegated-grants",
    "roleEligibilitySchedules.json": "azure-graph-role-eligibility",
    "users.json": "azure-graph-users",
    "groups.json": "azure-graph-groups",
    "members.json": "azure-graph-group-members",
    "administrativeUnits.json": "azure-graph-administrative-units",
    "servicePrincipalSignInActivities.json": "azure-graph-sign-in-activity",
    "federatedIdentityCredentials.json": "azure-graph-federated-credentials",
    "subscriptions.json": "azure-arm-subscriptions",
    "managementGroups.json": "azure-arm-management-groups",
    "resourceGroups.json": "azure-arm-resource-groups",
    "resources.json": "azure-arm-resources",
    "identities.json": "azure-arm-identities",
    "federatedCredentials.json": "azure-arm-identity-federated-credentials",
    "keyVaults.json": "azure-arm-key-vaults",
    "secrets.json": "azure-arm-key-vault-secrets",
    "denyAssignments.json": "azure-arm-deny-assignments",
}


def _expected(relative: str) -> str:
    name = relative.rsplit("/", 1)[-1]
    if name in ("roleAssignments.json", "roleDefinitions.json"):
        side = "graph" if relative.startswith("graph/") else "arm"
        return f"azure-{side}-{'role-assignments' if name == 'roleAssignments.json' else 'role-definitions'}"
    return EXPECTED_BY_FILE[name]


@pytest.mark.skipif(not TENANT_DIR.is_dir(), reason="sample_data/azure is not present")
def test_sample_tenant_every_file_is_recognised_as_its_convention_says() -> None:
    loaded = load_inputs(TENANT_DIR)
    assert len(loaded.sources) == len(_fixture_files()) + 1  # the README is skipped
    for source in loaded.sources:
        relative = Path(source.path).relative_to(TENANT_DIR).as_posix()
        if relative == "README.md":
            assert source.status is SourceStatus.SKIPPED
            continue
        assert (source.status, source.kind) == (SourceStatus.USED, _expected(relative)), source.detail


@pytest.mark.skipif(not TENANT_DIR.is_dir(), reason="sample_data/azure is not present")
def test_sample_tenant_non_empty_files_are_claimed_by_content_alone() -> None:
    for path in _fixture_files():
        document = json.loads(path.read_text(encoding="utf-8"))
        if document in ([], {"value": []}):
            continue
        assert len(claimed_by(document)) == 1, (path, claimed_by(document))


@pytest.mark.skipif(not AZUREHOUND_FILE.is_file(), reason="tests/fixtures/azure/azurehound.json is not present")
def test_sample_azurehound_file_reads_every_entry() -> None:
    (source,) = load_inputs(AZUREHOUND_FILE).sources
    assert (source.status, source.kind) == (SourceStatus.USED, "azure-azurehound"), source.detail
    (document,) = load_inputs(AZUREHOUND_FILE).documents
    assert isinstance(document.payload, Records)
    assert document.payload.notes == ()
    assert document.payload.incomplete is None
    # 28 + the cross-cloud chain's release-pipeline and release-pipeline-fork
    assert Counter(type(r).__name__ for r in document.payload.items)["ServicePrincipalRecord"] == 30


def _other_clouds_files() -> list[Path]:
    roots = [
        ROOT / "sample_data" / "aws",
        ROOT / "sample_data" / "gcp",
        ROOT / "tests" / "fixtures" / "gcp",
        ROOT / "tests" / "fixtures" / "stubcloud",
    ]
    return sorted(p for r in roots if r.is_dir() for p in r.rglob("*.json"))


def test_no_azure_format_claims_another_clouds_export() -> None:
    files = _other_clouds_files()
    assert files, "no AWS / GCP sample exports found"
    for path in files:
        assert claimed_by(json.loads(path.read_text(encoding="utf-8"))) == [], path


def test_no_file_name_is_claimed_by_another_cloud_too() -> None:
    mine = {name for f in azure_formats() for name in f.file_names}
    others = {name for f in all_formats() if f.provider != AZURE for name in f.file_names}
    assert mine & others == set()


@pytest.mark.skipif(not TENANT_DIR.is_dir(), reason="sample_data/azure is not present")
def test_no_other_provider_claims_a_sample_tenant_file() -> None:
    others = [f for f in all_formats() if f.provider != AZURE and f.sniff_json is not None]
    files = [*_fixture_files(), *([AZUREHOUND_FILE] if AZUREHOUND_FILE.is_file() else [])]
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert [f.name for f in others if f.sniff_json(document)] == [], path  # type: ignore[misc]
