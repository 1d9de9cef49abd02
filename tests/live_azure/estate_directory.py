"""The tenant's directory, in the shapes Microsoft Graph answers with: roles, users, groups, grants, sign-ins.

Alice is Global Administrator; Carol is only eligible (PIM); tier0-admins is a role-assignable group holding
Privileged Role Administrator, with a nested group; readers holds an Azure role (see estate_arm), so its members
are collected too; all-staff holds nothing, so its members are not. Bob is Groups Administrator over the
Contractors unit (all-staff its one member), so that unit's members are collected.
"""

from __future__ import annotations

from typing import Any

from tests.live_azure.estate_graph import (
    ALICE,
    ALL_STAFF,
    BOB,
    CAROL,
    GRAPH_SP,
    NESTED,
    READERS,
    REPORTING,
    SECRETS,
    TENANT,
    TIER0,
    app_id,
    oid,
    ref,
)

GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
PRIVILEGED_ROLE_ADMIN = "e8611ab8-c189-46e8-94e1-60213ab1f814"
GROUPS_ADMIN = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
CONTRACTORS = oid(700)

GRANTS = [
    {
        "id": "grant-1",
        "clientId": REPORTING,
        "consentType": "AllPrincipals",
        "principalId": None,
        "resourceId": GRAPH_SP,
        "scope": "User.Read",
    }
]
ROLE_DEFINITIONS = [
    {
        "id": GLOBAL_ADMIN,
        "templateId": GLOBAL_ADMIN,
        "displayName": "Global Administrator",
        "isBuiltIn": True,
        "isPrivileged": True,
    },
    {
        "id": PRIVILEGED_ROLE_ADMIN,
        "templateId": PRIVILEGED_ROLE_ADMIN,
        "displayName": "Privileged Role Administrator",
        "isBuiltIn": True,
        "isPrivileged": True,
    },
]
ROLE_ASSIGNMENTS = [
    {"id": "ra-1", "principalId": ALICE, "roleDefinitionId": GLOBAL_ADMIN, "directoryScopeId": "/"},
    {"id": "ra-2", "principalId": TIER0, "roleDefinitionId": PRIVILEGED_ROLE_ADMIN, "directoryScopeId": "/"},
    {
        "id": "ra-3",
        "principalId": BOB,
        "roleDefinitionId": GROUPS_ADMIN,
        "directoryScopeId": f"/administrativeUnits/{CONTRACTORS}",
    },
]
ELIGIBILITY = [
    {
        "id": "el-1",
        "principalId": CAROL,
        "roleDefinitionId": GLOBAL_ADMIN,
        "directoryScopeId": "/",
        "memberType": "Direct",
        "scheduleInfo": {"startDateTime": "2025-06-16T13:05:44Z", "expiration": {"type": "noExpiration"}},
    }
]


def user(object_id: str, upn: str, kind: str = "Member") -> dict[str, Any]:
    return {
        "id": object_id,
        "displayName": upn.split("@")[0].title(),
        "userPrincipalName": upn,
        "userType": kind,
        "accountEnabled": True,
        "createdDateTime": "2023-01-01T00:00:00Z",
        "mail": upn,
        "signInActivity": {"lastSignInDateTime": "2026-01-05T08:00:00Z"},
        "passwordProfile": {"password": SECRETS[3], "forceChangePasswordNextSignIn": False},
    }


USERS = [
    user(ALICE, "alice@contoso.example"),
    user(BOB, "bob_x#EXT#@contoso.example", "Guest"),
    user(CAROL, "carol@contoso.example"),
]


def group(object_id: str, name: str, assignable: bool = False, **extra: Any) -> dict[str, Any]:
    return {
        "id": object_id,
        "displayName": name,
        "securityEnabled": True,
        "mailEnabled": False,
        "groupTypes": [],
        "isAssignableToRole": assignable,
        "owners": [],
        **extra,
    }


GROUPS = [
    group(TIER0, "tier0-admins", True, owners=[ref("user", ALICE, "Alice")]),
    group(NESTED, "tier0-nested"),
    group(READERS, "readers"),
    group(ALL_STAFF, "all-staff", groupTypes=["Unified"], mailEnabled=True),
]
MEMBERS = {
    TIER0: [ref("user", ALICE, "Alice"), ref("group", NESTED, "tier0-nested")],
    NESTED: [ref("user", CAROL, "Carol")],
    READERS: [ref("servicePrincipal", REPORTING, "reporting")],
    ALL_STAFF: [ref("user", BOB, "Bob")],
}
ADMINISTRATIVE_UNITS = [{"id": CONTRACTORS, "displayName": "Contractors"}]
UNIT_MEMBERS = {CONTRACTORS: [ref("group", ALL_STAFF, "all-staff")]}
ORGANIZATION = [
    {"id": TENANT, "displayName": "Contoso", "verifiedDomains": [{"name": "contoso.example", "isDefault": True}]}
]
SIGN_INS = [
    {
        "appId": app_id(1),
        "lastSignInActivity": {"lastSignInDateTime": "2026-01-04T03:17:09Z"},
        "applicationAuthenticationClientSignInActivity": {"lastSignInDateTime": "2026-01-04T03:17:09Z"},
    }
]
