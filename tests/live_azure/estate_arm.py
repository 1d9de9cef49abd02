"""The tenant's Azure side, in the REST shapes Azure Resource Manager answers with (``properties: {...}``).

Subscription prod (under management group platform): VM vm-ops runs as its system-assigned identity, which is
Owner of prod; id-deploy (a user-assigned identity of dev) is Virtual Machine Contributor on prod's rg-ops (so it
reaches vm-ops's identity); key vault kv-ops (access policies; two secrets, one answer carrying a planted value);
a custom role; Cosmos DB accounts cosmos-orders (keys disabled: reporting holds the built-in Data Reader SQL role
on it, group readers a custom SQL role on one database) and cosmos-audit (keys enabled, no SQL roles).
Subscription dev (under the root group): id-deploy with a GitHub federated credential, run by function app
fn-deploy; group readers is Reader there.
"""

from __future__ import annotations

from typing import Any

from tests.live_azure.estate_graph import (
    ALICE,
    ID_DEPLOY,
    READERS,
    REPORTING,
    SECRETS,
    SUB_DEV,
    SUB_PROD,
    TENANT,
    VM_OPS,
    oid,
)

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
VM_CONTRIBUTOR = "9980e02c-c2be-4d73-94e8-173b1dc7cf3c"
SECRET_LISTER = "c0ffee00-0000-4000-8000-000000000001"
ROOT_GROUP = f"/providers/Microsoft.Management/managementGroups/{TENANT}"
PLATFORM_GROUP = "/providers/Microsoft.Management/managementGroups/platform"
PROD, DEV = f"/subscriptions/{SUB_PROD}", f"/subscriptions/{SUB_DEV}"
VM = f"{PROD}/resourceGroups/rg-ops/providers/Microsoft.Compute/virtualMachines/vm-ops"
VAULT = f"{PROD}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-ops"
IDENTITY = f"{DEV}/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy"
FUNCTION = f"{DEV}/resourceGroups/rg-dev/providers/Microsoft.Web/sites/fn-deploy"
COSMOS = f"{PROD}/resourceGroups/rg-data/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-orders"
COSMOS_AUDIT = f"{PROD}/resourceGroups/rg-data/providers/Microsoft.DocumentDB/databaseAccounts/cosmos-audit"
SQL_READER = "00000000-0000-0000-0000-000000000001"
SQL_CUSTOM = "c0ffee00-0000-4000-8000-0000000000d1"

SUBSCRIPTIONS = [
    {
        "id": PROD,
        "subscriptionId": SUB_PROD,
        "tenantId": TENANT,
        "displayName": "prod",
        "state": "Enabled",
        "subscriptionPolicies": {"spendingLimit": "Off"},
        "authorizationSource": "RoleBased",
    },
    {
        "id": DEV,
        "subscriptionId": SUB_DEV,
        "tenantId": TENANT,
        "displayName": "dev",
        "state": "Enabled",
        "subscriptionPolicies": {"spendingLimit": "Off"},
        "authorizationSource": "RoleBased",
    },
]


def group_listed(identifier: str, name: str) -> dict[str, Any]:
    return {
        "id": identifier,
        "type": "Microsoft.Management/managementGroups",
        "name": identifier.rsplit("/", 1)[-1],
        "properties": {"tenantId": TENANT, "displayName": name},
    }


MANAGEMENT_GROUPS = [group_listed(ROOT_GROUP, "Tenant Root Group"), group_listed(PLATFORM_GROUP, "Platform")]


def child(identifier: str, name: str, kind: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": identifier,
        "name": identifier.rsplit("/", 1)[-1],
        "displayName": name,
        "type": kind,
        "children": children,
    }


SUBSCRIPTION_CHILD = "Microsoft.Management/managementGroups/subscriptions"
ROOT_TREE = {
    **group_listed(ROOT_GROUP, "Tenant Root Group"),
    "properties": {
        "tenantId": TENANT,
        "displayName": "Tenant Root Group",
        "details": {"parent": None},
        "children": [
            child(
                PLATFORM_GROUP,
                "Platform",
                "Microsoft.Management/managementGroups",
                [child(PROD, "prod", SUBSCRIPTION_CHILD)],
            ),
            child(DEV, "dev", SUBSCRIPTION_CHILD),
        ],
    },
}


def rbac(scope: str, n: int, principal: str, kind: str, role: str, subscription: str) -> dict[str, Any]:
    definitions = f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions"
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{oid(800 + n)}",
        "name": oid(800 + n),
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"{definitions}/{role}",
            "principalId": principal,
            "principalType": kind,
            "scope": scope,
            "condition": None,
            "conditionVersion": None,
            "createdOn": "2025-02-10T09:40:18.220413Z",
        },
    }


ROLE_ASSIGNMENTS = {
    SUB_PROD: [
        rbac(ROOT_GROUP, 1, ALICE, "User", OWNER, SUB_PROD),
        rbac(PROD, 2, VM_OPS, "ServicePrincipal", OWNER, SUB_PROD),
        rbac(f"{PROD}/resourceGroups/rg-ops", 3, ID_DEPLOY, "ServicePrincipal", VM_CONTRIBUTOR, SUB_PROD),
        rbac(PROD, 4, REPORTING, "ServicePrincipal", SECRET_LISTER, SUB_PROD),
        rbac(PROD, 5, REPORTING, "ServicePrincipal", READER, SUB_PROD),
    ],
    SUB_DEV: [
        rbac(ROOT_GROUP, 1, ALICE, "User", OWNER, SUB_DEV),
        rbac(DEV, 6, ID_DEPLOY, "ServicePrincipal", CONTRIBUTOR, SUB_DEV),
        rbac(DEV, 7, READERS, "Group", READER, SUB_DEV),
    ],
}


def definition(subscription: str, role: str, name: str, kind: str, actions: list[str]) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "name": role,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": name,
            "type": kind,
            "description": name,
            "assignableScopes": ["/"],
            "permissions": [{"actions": actions, "notActions": [], "dataActions": [], "notDataActions": []}],
        },
    }


#: Built-in and custom; the collector asks for the custom ones only ($filter=type eq 'CustomRole').
ROLE_DEFINITIONS = {
    SUB_PROD: [
        definition(SUB_PROD, OWNER, "Owner", "BuiltInRole", ["*"]),
        {
            **definition(
                SUB_PROD, SECRET_LISTER, "Secret Lister", "CustomRole", ["Microsoft.KeyVault/vaults/secrets/read"]
            )
        },
    ],
    SUB_DEV: [definition(SUB_DEV, OWNER, "Owner", "BuiltInRole", ["*"])],
}
for role in ROLE_DEFINITIONS[SUB_PROD][1:]:
    role["properties"]["assignableScopes"] = [PROD]


def resource_group(subscription: str, name: str) -> dict[str, Any]:
    return {
        "id": f"/subscriptions/{subscription}/resourceGroups/{name}",
        "name": name,
        "location": "westeurope",
        "type": "Microsoft.Resources/resourceGroups",
        "properties": {"provisioningState": "Succeeded"},
        "tags": {},
    }


RESOURCE_GROUPS = {
    SUB_PROD: [resource_group(SUB_PROD, "rg-ops"), resource_group(SUB_PROD, "rg-sec")],
    SUB_DEV: [resource_group(SUB_DEV, "rg-dev")],
}


def resource(identifier: str, arm_type: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": identifier,
        "name": identifier.rsplit("/", 1)[-1],
        "type": arm_type,
        "location": "westeurope",
        "tags": {},
        **extra,
    }


RESOURCES = {
    SUB_PROD: [
        resource(
            VM,
            "Microsoft.Compute/virtualMachines",
            identity={"type": "SystemAssigned", "principalId": VM_OPS, "tenantId": TENANT},
        ),
        resource(VAULT, "Microsoft.KeyVault/vaults"),
        resource(
            f"{PROD}/resourceGroups/rg-ops/providers/Microsoft.Storage/storageAccounts/stops",
            "Microsoft.Storage/storageAccounts",
            kind="StorageV2",
        ),
        resource(COSMOS, "Microsoft.DocumentDB/databaseAccounts", kind="GlobalDocumentDB"),
        resource(COSMOS_AUDIT, "Microsoft.DocumentDB/databaseAccounts", kind="GlobalDocumentDB"),
    ],
    SUB_DEV: [
        resource(
            FUNCTION,
            "Microsoft.Web/sites",
            kind="functionapp",
            identity={
                "type": "UserAssigned",
                "userAssignedIdentities": {IDENTITY: {"principalId": ID_DEPLOY, "clientId": oid(901)}},
            },
        ),
        resource(IDENTITY, "Microsoft.ManagedIdentity/userAssignedIdentities"),
    ],
}
IDENTITIES = {
    SUB_PROD: [],
    SUB_DEV: [
        resource(
            IDENTITY,
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            properties={"tenantId": TENANT, "principalId": ID_DEPLOY, "clientId": oid(901)},
        )
    ],
}
IDENTITY_CREDENTIALS = {
    IDENTITY: [
        {
            "id": f"{IDENTITY}/federatedIdentityCredentials/github-dev",
            "name": "github-dev",
            "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
            "properties": {
                "issuer": "https://token.actions.githubusercontent.com",
                "subject": "repo:contoso/infra:environment:dev",
                "audiences": ["api://AzureADTokenExchange"],
            },
        }
    ]
}


def policy(object_id: str, secrets: list[str]) -> dict[str, Any]:
    return {
        "tenantId": TENANT,
        "objectId": object_id,
        "permissions": {"secrets": secrets, "keys": [], "certificates": []},
    }


VAULTS = {
    SUB_PROD: [
        resource(
            VAULT,
            "Microsoft.KeyVault/vaults",
            properties={
                "tenantId": TENANT,
                "sku": {"family": "A", "name": "standard"},
                "vaultUri": "https://kv-ops.vault.azure.net/",
                "enableRbacAuthorization": False,
                "accessPolicies": [policy(VM_OPS, ["Get", "List"]), policy(ALICE, ["Get", "List", "Set", "Delete"])],
            },
        )
    ],
    SUB_DEV: [],
}


def secret(name: str, created: int, expires: int | None, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{VAULT}/secrets/{name}",
        "name": name,
        "type": "Microsoft.KeyVault/vaults/secrets",
        "location": "westeurope",
        "tags": {"app": "orders"},
        "properties": {
            "contentType": "password",
            "secretUri": f"https://kv-ops.vault.azure.net/secrets/{name}",
            "secretUriWithVersion": f"https://kv-ops.vault.azure.net/secrets/{name}/0a1b2c",
            "attributes": {"enabled": True, "created": created, "updated": created, "exp": expires},
            **extra,
        },
    }


SECRETS_OF = {
    VAULT: [
        # A misbehaving answer carrying a value: the collector must not copy it.
        secret("db-password", 1_735_689_600, 1_798_761_600, value=SECRETS[2]),
        secret("api-key", 1_704_067_200, None),
    ]
}


def cosmos_account(identifier: str, *, local_auth_disabled: bool) -> dict[str, Any]:
    return resource(
        identifier,
        "Microsoft.DocumentDB/databaseAccounts",
        kind="GlobalDocumentDB",
        properties={
            "provisioningState": "Succeeded",
            "documentEndpoint": f"https://{identifier.rsplit('/', 1)[-1]}.documents.azure.com:443/",
            "databaseAccountOfferType": "Standard",
            "disableLocalAuth": local_auth_disabled,
        },
    )


COSMOS_ACCOUNTS = {
    SUB_PROD: [
        cosmos_account(COSMOS, local_auth_disabled=True),
        cosmos_account(COSMOS_AUDIT, local_auth_disabled=False),
    ],
    SUB_DEV: [],
}


def sql_assignment(account: str, n: int, principal: str, role: str, scope: str) -> dict[str, Any]:
    return {
        "id": f"{account}/sqlRoleAssignments/{oid(850 + n)}",
        "name": oid(850 + n),
        "type": "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
        "properties": {
            "roleDefinitionId": f"{account}/sqlRoleDefinitions/{role}",
            "scope": scope,
            "principalId": principal,
        },
    }


def sql_definition(account: str, role: str, name: str, kind: str, data_actions: list[str]) -> dict[str, Any]:
    return {
        "id": f"{account}/sqlRoleDefinitions/{role}",
        "name": role,
        "type": "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions",
        "properties": {
            "roleName": name,
            "type": kind,
            "assignableScopes": [account],
            "permissions": [{"dataActions": data_actions, "notDataActions": []}],
        },
    }


SQL_ROLE_ASSIGNMENTS = {
    COSMOS: [
        sql_assignment(COSMOS, 1, REPORTING, SQL_READER, COSMOS),
        sql_assignment(COSMOS, 2, READERS, SQL_CUSTOM, f"{COSMOS}/dbs/orders"),
    ],
    COSMOS_AUDIT: [],
}
SQL_ROLE_DEFINITIONS = {
    COSMOS: [
        sql_definition(
            COSMOS,
            SQL_READER,
            "Cosmos DB Built-in Data Reader",
            "BuiltInRole",
            [
                "Microsoft.DocumentDB/databaseAccounts/readMetadata",
                "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery",
                "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed",
                "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read",
            ],
        ),
        sql_definition(
            COSMOS,
            SQL_CUSTOM,
            "orders-reader",
            "CustomRole",
            ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"],
        ),
    ],
    COSMOS_AUDIT: [],
}
