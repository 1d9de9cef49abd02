"""The small Microsoft Entra tenant the fake server serves, in the shapes Microsoft Graph answers with: its
applications, service principals and app role assignments (its roles, users and groups: ``estate_directory``).

deploy-bot holds RoleManagement.ReadWrite.Directory (it can make itself Global Administrator); ci-runner owns
deploy-bot's application and holds Application.ReadWrite.OwnedBy (it can add a secret to it: an escalation), and
has a flexible federated credential; reporting only reads (Application.Read.All) and holds an app role of
orders-api; vm-ops and id-deploy are managed identities (system- and user-assigned); support-agent is an Agent ID
identity. Planted secret material (``SECRETS``) must never reach a file.
"""

from __future__ import annotations

from typing import Any

TENANT = "7d3c1a2b-0000-4000-8000-00000000aaaa"
SUB_PROD = "5c0a7e3e-1111-4000-8000-000000000001"
SUB_DEV = "5c0a7e3e-2222-4000-8000-000000000002"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ROLE_MANAGEMENT_RW = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
APPLICATION_READ = "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"
APPLICATION_RW_OWNED_BY = "18a4783c-866b-4cc7-a460-3d5e5662c884"
ORDERS_WRITE = "3c3b6a2e-0000-4000-8000-0000000000b1"
#: Values standing for secret material: the collector must write none of them.
SECRETS = ("Planted~SecretText~0001", "UGxhbnRlZEtleU1hdGVyaWFs", "Planted-Vault-Value-0003", "Planted-Password-0004")


def oid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


GRAPH_SP, DEPLOY_BOT, CI_RUNNER, REPORTING, ORDERS, VM_OPS, ID_DEPLOY, AGENT = (oid(n) for n in range(100, 108))
DEPLOY_APP, CI_APP, REPORTING_APP, ORDERS_APP, BLUEPRINT = (oid(n) for n in range(200, 205))
ALICE, BOB, CAROL = oid(300), oid(301), oid(302)
TIER0, NESTED, READERS, ALL_STAFF = (oid(n) for n in range(400, 404))


def app_id(n: int) -> str:
    return f"aaaaaaaa-0000-4000-8000-{n:012d}"


def ref(kind: str, object_id: str, name: str) -> dict[str, Any]:
    return {"@odata.type": f"#microsoft.graph.{kind}", "id": object_id, "displayName": name}


def application(object_id: str, appid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": object_id,
        "appId": appid,
        "displayName": name,
        "createdDateTime": "2024-03-01T10:00:00Z",
        "signInAudience": "AzureADMyOrg",
        "passwordCredentials": [],
        "keyCredentials": [],
        "requiredResourceAccess": [],
        "owners": [],
        "federatedIdentityCredentials": [],
        **extra,
    }


def principal(object_id: str, appid: str, name: str, kind: str = "Application", **extra: Any) -> dict[str, Any]:
    return {
        "id": object_id,
        "appId": appid,
        "displayName": name,
        "accountEnabled": True,
        "appOwnerOrganizationId": TENANT,
        "servicePrincipalType": kind,
        "servicePrincipalNames": [appid],
        "alternativeNames": [],
        "appRoles": [],
        "passwordCredentials": [],
        "keyCredentials": [],
        "owners": [],
        **extra,
    }


GITHUB = "https://token.actions.githubusercontent.com"


def federated(n: int, name: str, subject: str | None) -> dict[str, Any]:
    return {
        "id": oid(n),
        "name": name,
        "issuer": GITHUB,
        "subject": subject,
        "audiences": ["api://AzureADTokenExchange"],
    }


CI_FIC = federated(500, "main", "repo:contoso/infra:ref:refs/heads/main")
FLEXIBLE_FIC = federated(501, "any-branch", None)
FLEXIBLE_BETA = {
    **FLEXIBLE_FIC,
    "claimsMatchingExpression": {"languageVersion": 1, "value": "claims['sub'] matches 'repo:contoso/*'"},
}
SECRET = {
    "keyId": oid(600),
    "displayName": "deploy",
    "hint": "Pla",
    "startDateTime": "2025-01-10T00:00:00Z",
    "endDateTime": "2027-01-10T00:00:00Z",
    "customKeyIdentifier": None,
    "secretText": SECRETS[0],  # never in a real listing: the collector must drop it anyway
}
CERTIFICATE = {
    "keyId": oid(601),
    "displayName": "CN=deploy-bot",
    "type": "AsymmetricX509Cert",
    "usage": "Verify",
    "customKeyIdentifier": "QUJDRA==",
    "startDateTime": "2025-02-01T00:00:00Z",
    "endDateTime": "2026-02-01T00:00:00Z",
    "key": SECRETS[1],
}
APPLICATIONS = [
    application(
        DEPLOY_APP,
        app_id(1),
        "deploy-bot",
        passwordCredentials=[SECRET],
        keyCredentials=[CERTIFICATE],
        owners=[ref("servicePrincipal", CI_RUNNER, "ci-runner")],
    ),
    application(
        CI_APP,
        app_id(2),
        "ci-runner",
        owners=[ref("user", ALICE, "Alice")],
        federatedIdentityCredentials=[CI_FIC, FLEXIBLE_FIC],
    ),
    application(REPORTING_APP, app_id(3), "reporting"),
    application(ORDERS_APP, app_id(4), "orders-api"),
]
BLUEPRINTS = [
    application(BLUEPRINT, app_id(7), "support-blueprint", **{"@odata.type": "#microsoft.graph.agentIdentityBlueprint"})
]
for blueprint in BLUEPRINTS:
    for key in ("owners", "federatedIdentityCredentials"):
        blueprint.pop(key)


def app_role(role_id: str, value: str) -> dict[str, Any]:
    return {"id": role_id, "value": value, "allowedMemberTypes": ["Application"], "isEnabled": True}


SERVICE_PRINCIPALS = [
    principal(
        GRAPH_SP,
        GRAPH_APP_ID,
        "Microsoft Graph",
        appOwnerOrganizationId="f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        appRoles=[
            app_role(ROLE_MANAGEMENT_RW, "RoleManagement.ReadWrite.Directory"),
            app_role(APPLICATION_READ, "Application.Read.All"),
            app_role(APPLICATION_RW_OWNED_BY, "Application.ReadWrite.OwnedBy"),
        ],
    ),
    principal(DEPLOY_BOT, app_id(1), "deploy-bot"),
    principal(CI_RUNNER, app_id(2), "ci-runner", owners=[ref("user", ALICE, "Alice")]),
    principal(REPORTING, app_id(3), "reporting"),
    principal(ORDERS, app_id(4), "orders-api", appRoles=[app_role(ORDERS_WRITE, "Orders.Write")]),
    principal(
        VM_OPS,
        app_id(5),
        "vm-ops",
        "ManagedIdentity",
        alternativeNames=[
            "isExplicit=False",
            f"/subscriptions/{SUB_PROD}/resourceGroups/rg-ops/providers/Microsoft.Compute/virtualMachines/vm-ops",
        ],
    ),
    principal(
        ID_DEPLOY,
        app_id(6),
        "id-deploy",
        "ManagedIdentity",
        alternativeNames=[
            "isExplicit=True",
            f"/subscriptions/{SUB_DEV}/resourcegroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-deploy",
        ],
    ),
]
AGENT_IDENTITIES = [
    principal(
        AGENT,
        app_id(8),
        "support-agent",
        **{"@odata.type": "#microsoft.graph.agentIdentity", "agentIdentityBlueprintId": app_id(7)},
        sponsors=[ref("user", ALICE, "Alice")],
    )
]


def assignment(n: int, holder: str, holder_type: str, resource: str, role: str) -> dict[str, Any]:
    return {
        "id": f"assignment-{n}",
        "appRoleId": role,
        "principalId": holder,
        "principalType": holder_type,
        "resourceId": resource,
        "createdDateTime": "2025-04-03T15:02:11Z",
    }


#: appRoleAssignedTo of each resource service principal.
ASSIGNED_TO = {
    GRAPH_SP: [
        assignment(1, DEPLOY_BOT, "ServicePrincipal", GRAPH_SP, ROLE_MANAGEMENT_RW),
        assignment(2, REPORTING, "ServicePrincipal", GRAPH_SP, APPLICATION_READ),
        assignment(3, VM_OPS, "ServicePrincipal", GRAPH_SP, APPLICATION_READ),
        assignment(5, CI_RUNNER, "ServicePrincipal", GRAPH_SP, APPLICATION_RW_OWNED_BY),
    ],
    ORDERS: [assignment(4, REPORTING, "ServicePrincipal", ORDERS, ORDERS_WRITE)],
}
