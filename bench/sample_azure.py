"""Write the hand-designed Azure / Microsoft Entra tenant export of the fictional "Northwind Analytics".

Every identity, grant and date below is chosen by hand (see sample_data/azure/README.md for the planted
problems and decoys); this script only lays them out as Microsoft's tools print them, with consistent ids. One
description, two outputs:

    python bench/sample_azure.py --out sample_data/azure        # the `collect azure` directory convention
    python bench/sample_azure.py --azurehound tests/fixtures/azure/azurehound.json   # `azurehound list -o FILE`

Without an option it writes both of those paths. The directory holds Microsoft Graph pages (v1.0, beta where the
README says so) and Azure Resource Manager arrays as `az ... -o json` prints them. The AzureHound file is the same
tenant in AzureHound's kinds and data shapes (SpecterOps/AzureHound v2, main branch: identifiers upper-cased).

The sample lives under tests/fixtures/ until the Azure parser exists (sample_data/ is scanned by CI). No secret
value is written anywhere: password credentials carry keyId, hint and dates only, Key Vault secrets their attributes.
Standard library only; the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

TENANT_ID = "9a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
TENANT_NAME = "Northwind Analytics"
DOMAIN = "northwind.example"
INITIAL_DOMAIN = "northwindanalytics.onmicrosoft.com"
#: Times are judged at this instant (like the AWS and GCP samples); the export was taken the day before.
JUDGED_AT = datetime(2026, 11, 29, tzinfo=UTC)
EXPORTED_AT = "2026-11-28T06:12:40Z"
GRAPH = "https://graph.microsoft.com/v1.0/$metadata"
GRAPH_BETA = "https://graph.microsoft.com/beta/$metadata"
#: Microsoft Graph's appId (the same in every tenant) and the tenant that owns Microsoft's first-party apps.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
MICROSOFT_SERVICES_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
FIC_AUDIENCE = "api://AzureADTokenExchange"
LOCATION = "westeurope"


# --------------------------------------------------------------------------- deterministic ids and small helpers
def _digest(seed: str) -> bytes:
    return hashlib.sha256(seed.encode()).digest()


def guid(seed: str) -> str:
    """A version-4-shaped GUID derived from ``seed`` (object ids, app ids, key ids, assignment names)."""
    return str(uuid.UUID(bytes=_digest(f"guid:{seed}")[:16], version=4))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def guid_b64(value: str) -> str:
    """A GUID as Entra writes it inside composite ids: its little-endian bytes, base64url without padding."""
    return b64url(uuid.UUID(value).bytes_le)


def days_before(days: int, clock: str = "09:00:00") -> str:
    """The UTC time ``days`` days before JUDGED_AT (a negative number is in the future)."""
    moment = JUDGED_AT - timedelta(days=days)
    return f"{moment.date().isoformat()}T{clock}Z"


def at(day: str, clock: str = "09:00:00") -> str:
    return f"{day}T{clock}Z"


def hint(seed: str) -> str:
    """The first three characters of a client secret, as Entra keeps them (`hint`); never the secret itself."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    raw = _digest(f"hint:{seed}")
    return "".join(alphabet[b % len(alphabet)] for b in raw[:3])


def thumbprint(seed: str) -> str:
    """customKeyIdentifier of a certificate: its SHA-1 thumbprint in upper-case hex."""
    return hashlib.sha1(f"cert:{seed}".encode()).hexdigest().upper()


def page(context: str, value: list[Doc]) -> Doc:
    return {"@odata.context": context, "value": value}


# --------------------------------------------------------------------------- the tenant: hierarchy
ROOT_MG = TENANT_ID  # the tenant root group is named after the tenant id
PROD_MG = "nw-prod"
SUBSCRIPTIONS: dict[str, Doc] = {
    "prod": {"id": "3f6c2b8e-1d4a-4e7b-9c05-8a2f61d4b7e3", "name": "nw-prod", "mg": PROD_MG},
    "dev": {"id": "b81e4d27-6c3f-4a90-8d12-5e7a3c9f0b46", "name": "nw-dev", "mg": ROOT_MG},
}
MANAGEMENT_GROUPS: dict[str, Doc] = {
    ROOT_MG: {"displayName": "Tenant Root Group", "parent": None},
    PROD_MG: {"displayName": "Northwind Production", "parent": ROOT_MG},
}
#: resource group -> subscription key
RESOURCE_GROUPS: dict[str, str] = {
    "rg-prod-compute": "prod",
    "rg-prod-apps": "prod",
    "rg-prod-data": "prod",
    "rg-prod-identity": "prod",
    "rg-dev-api": "dev",
    "rg-dev-automation": "dev",
}


def sub_id(key: str) -> str:
    return str(SUBSCRIPTIONS[key]["id"])


def sub_scope(key: str) -> str:
    return f"/subscriptions/{sub_id(key)}"


def rg_scope(rg: str) -> str:
    return f"{sub_scope(RESOURCE_GROUPS[rg])}/resourceGroups/{rg}"


def mg_scope(name: str) -> str:
    return f"/providers/Microsoft.Management/managementGroups/{name}"


def resource_id(rg: str, provider_type: str, name: str) -> str:
    return f"{rg_scope(rg)}/providers/{provider_type}/{name}"


def uai_id(rg: str, name: str) -> str:
    return resource_id(rg, "Microsoft.ManagedIdentity/userAssignedIdentities", name)


# --------------------------------------------------------------------------- people (users) and groups
#: key -> user facts. signIn: days before JUDGED_AT of the last sign-in (None: never)
USERS: dict[str, Doc] = {
    "alice": {
        "displayName": "Alice Ng",
        "upn": f"alice.ng@{DOMAIN}",
        "mail": f"alice.ng@{DOMAIN}",
        "userType": "Member",
        "created": "2019-03-11T08:02:17Z",
        "signIn": 1,
        "jobTitle": "Head of Platform",
    },
    "bob": {
        "displayName": "Bob Ito",
        "upn": f"bob.ito@{DOMAIN}",
        "mail": f"bob.ito@{DOMAIN}",
        "userType": "Member",
        "created": "2020-07-01T09:30:44Z",
        "signIn": 2,
        "jobTitle": "Platform Engineer",
    },
    "carol": {
        "displayName": "Carol Diaz",
        "upn": f"carol.diaz@{DOMAIN}",
        "mail": f"carol.diaz@{DOMAIN}",
        "userType": "Member",
        "created": "2021-02-15T13:12:05Z",
        "signIn": 3,
        "jobTitle": "Identity Engineer",
    },
    "jdoe": {
        "displayName": "Jordan Doe (Contractor)",
        "upn": f"jdoe_contractor.example#EXT#@{INITIAL_DOMAIN}",
        "mail": "jdoe@contractor.example",
        "userType": "Guest",
        "created": "2025-04-02T10:47:31Z",
        "signIn": 6,
        "externalUserState": "Accepted",
        "jobTitle": None,
    },
    "praman": {
        "displayName": "Priya Raman (Audit)",
        "upn": f"praman_auditfirm.example#EXT#@{INITIAL_DOMAIN}",
        "mail": "praman@auditfirm.example",
        "userType": "Guest",
        "created": "2026-09-14T07:55:12Z",
        "signIn": 40,
        "externalUserState": "Accepted",
        "jobTitle": None,
    },
}


def user_id(key: str) -> str:
    return guid(f"user:{key}")


#: The orphaned agent user: its parent agent identity was deleted with the 2025 blueprint (no such object exists).
DELETED_AGENT_IDENTITY = guid("agentIdentity:support-agent-pilot")
AGENT_USER: Doc = {
    "key": "agent-user-pilot",
    "displayName": "Support Agent (pilot)",
    "upn": f"support-agent-pilot@{DOMAIN}",
    "created": "2025-10-20T11:03:09Z",
}

#: key -> group facts
GROUPS: dict[str, Doc] = {
    "tier0": {
        "displayName": "Tier0 Privileged Role Admins",
        "description": "Holds Privileged Role Administrator (role-assignable)",
        "isAssignableToRole": True,
        "created": "2024-01-22T10:15:00Z",
        "members": [("user", "carol")],
        "owners": [("sp", "group-lifecycle")],
    },
    "platform": {
        "displayName": "Platform Engineers",
        "description": "Platform engineering team",
        "isAssignableToRole": False,
        "created": "2020-07-01T09:45:12Z",
        "members": [("user", "alice"), ("user", "bob"), ("user", "carol")],
        "owners": [("user", "alice")],
    },
    "contractors": {
        "displayName": "Contractors",
        "description": "External contractors (guests)",
        "isAssignableToRole": False,
        "created": "2025-04-02T10:50:02Z",
        "members": [("user", "jdoe")],
        "owners": [("user", "bob")],
    },
}


def group_id(key: str) -> str:
    return guid(f"group:{key}")


# --------------------------------------------------------------------------- Microsoft Graph app roles used
_APP_ROLES = {
    entry["value"]: entry["id"]
    for entry in [
        # ids as published by Microsoft (shared/data/msgraph-app-roles.json)
        {"value": "AppRoleAssignment.ReadWrite.All", "id": "06b708a9-e830-4db3-a914-8e69da51d44f"},
        {"value": "Application.Read.All", "id": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"},
        {"value": "Application.ReadWrite.All", "id": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"},
        {"value": "Directory.Read.All", "id": "7ab1d382-f21e-4acd-a863-ba3e13f7da61"},
        {"value": "RoleManagement.ReadWrite.Directory", "id": "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"},
        {"value": "Sites.Read.All", "id": "332a536c-c7ef-4017-ab91-336970924f0d"},
        {"value": "User.Read.All", "id": "df021288-bdef-4463-88db-98f22de89214"},
    ]
}
#: value -> (displayName, description) of Microsoft Graph's app role (the Graph SP's appRoles entry)
_APP_ROLE_TEXT = {
    "AppRoleAssignment.ReadWrite.All": (
        "Manage app permission grants and app role assignments",
        "Allows the app to manage permission grants for application permissions to any API (including Microsoft "
        "Graph) and application assignments for any app, without a signed-in user.",
    ),
    "Application.Read.All": (
        "Read all applications",
        "Allows the app to read all applications and service principals without a signed-in user.",
    ),
    "Application.ReadWrite.All": (
        "Read and write all applications",
        "Allows the app to create, read, update and delete applications and service principals without a "
        "signed-in user. Does not allow management of consent grants.",
    ),
    "Directory.Read.All": (
        "Read directory data",
        "Allows the app to read data in your organization's directory, such as users, groups and apps, without a "
        "signed-in user.",
    ),
    "RoleManagement.ReadWrite.Directory": (
        "Read and write all directory RBAC settings",
        "Allows the app to read and manage the role-based access control (RBAC) settings for your company's "
        "directory, without a signed-in user. This includes instantiating directory roles and managing directory "
        "role membership, and reading directory role templates, directory roles and memberships.",
    ),
    "Sites.Read.All": (
        "Read items in all site collections",
        "Allows the app to read documents and list items in all site collections without a signed-in user.",
    ),
    "User.Read.All": (
        "Read all users' full profiles",
        "Allows the app to read user profiles without a signed-in user.",
    ),
}
GRAPH_SP_ID = guid("sp:microsoft-graph")


def app_role_id(value: str) -> str:
    return _APP_ROLES[value]


# --------------------------------------------------------------------------- Entra directory roles used
ROLES: dict[str, Doc] = {
    "Global Administrator": {"templateId": "62e90394-69f5-4237-9190-012177145e10", "isPrivileged": True},
    "Privileged Role Administrator": {"templateId": "e8611ab8-c189-46e8-94e1-60213ab1f814", "isPrivileged": True},
    "Application Administrator": {"templateId": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "isPrivileged": True},
    "Cloud Application Administrator": {"templateId": "158c047a-c907-4556-b7ef-446551a6b5f7", "isPrivileged": True},
    "Directory Readers": {"templateId": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "isPrivileged": False},
}
_ROLE_DESCRIPTIONS = {
    "Global Administrator": "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft "
    "Entra identities.",
    "Privileged Role Administrator": "Can manage role assignments in Microsoft Entra ID, and all aspects of "
    "Privileged Identity Management.",
    "Application Administrator": "Can create and manage all aspects of app registrations and enterprise apps.",
    "Cloud Application Administrator": "Can create and manage all aspects of app registrations and enterprise apps "
    "except App Proxy.",
    "Directory Readers": "Can read basic directory information. Commonly used to grant directory read access to "
    "applications and guests.",
}


def role_template(name: str) -> str:
    return str(ROLES[name]["templateId"])


# --------------------------------------------------------------------------- applications and their principals
# Credentials: ("password", displayName, start, end) or ("certificate", displayName, start, end).
# Graph app permissions (appRoleAssignments on the Microsoft Graph SP) are in APP_PERMISSIONS below.
APPS: dict[str, Doc] = {
    "deploy-bot": {
        "created": "2025-04-03T14:20:51Z",
        "notes": "Release pipeline bot, maintained by the contractor team",
        "owners": [("user", "jdoe")],
        "credentials": [("password", "deploy-pipeline", "2026-06-01T08:14:22Z", "2028-06-01T08:14:22Z")],
        "requires": ["RoleManagement.ReadWrite.Directory"],
    },
    "consent-automation": {
        "created": "2024-02-19T10:05:33Z",
        "notes": "Grants app permissions requested through the service desk",
        "owners": [("user", "bob")],
        "credentials": [("certificate", "CN=consent-automation", "2024-03-01T00:00:00Z", "2029-03-01T00:00:00Z")],
        "requires": ["AppRoleAssignment.ReadWrite.All"],
    },
    "ci-orchestrator": {
        "created": "2023-05-08T09:41:12Z",
        "notes": "Runs the CI fleet; owns the app-registry-sync service principal",
        "owners": [("user", "alice")],
        "credentials": [("password", "ci-2026h2", "2026-07-01T06:00:00Z", "2027-01-01T06:00:00Z")],
        "requires": [],
    },
    "app-registry-sync": {
        "created": "2023-05-08T09:55:40Z",
        "notes": "Keeps app registrations in sync with the service catalogue",
        "owners": [],
        "credentials": [("password", "sync", "2026-05-10T12:00:00Z", "2027-05-10T12:00:00Z")],
        "requires": ["Application.ReadWrite.All"],
    },
    "helpdesk-automation": {
        "created": "2022-11-14T15:30:02Z",
        "notes": "Service desk runbooks (app registrations, secrets rotation)",
        "owners": [("user", "bob")],
        "credentials": [("password", "helpdesk", "2026-02-01T10:00:00Z", "2027-02-01T10:00:00Z")],
        "requires": [],
    },
    "portal-config": {
        "created": "2024-08-27T08:12:45Z",
        "notes": "Configures the billing portal registration only",
        "owners": [("user", "bob")],
        "credentials": [("password", "portal-config", "2026-03-15T09:00:00Z", "2027-03-15T09:00:00Z")],
        "requires": [],
    },
    "billing-portal": {
        "created": "2021-06-30T16:44:18Z",
        "notes": "Customer billing portal (multi-tenant)",
        "owners": [("user", "bob")],
        "signInAudience": "AzureADMultipleOrgs",
        "credentials": [("certificate", "CN=billing-portal", "2026-01-10T00:00:00Z", "2027-01-10T00:00:00Z")],
        "requires": ["User.Read.All"],
        "delegated": ["User.Read", "Mail.ReadWrite", "Files.ReadWrite.All", "offline_access"],
    },
    "vm-operator": {
        "created": "2024-10-03T11:20:09Z",
        "notes": "Patching automation for the prod compute resource group",
        "owners": [("user", "alice")],
        "credentials": [("password", "vm-operator", "2026-04-01T07:30:00Z", "2027-04-01T07:30:00Z")],
        "requires": [],
    },
    "gh-actions-infra": {
        "created": "2025-09-02T13:02:55Z",
        "notes": "GitHub Actions: infrastructure deployments",
        "owners": [("user", "alice")],
        "credentials": [],
        "requires": [],
        "fics": [("github-northwind-any", None, "claims['sub'] matches 'repo:northwind/*'")],
    },
    "gh-actions-api": {
        "created": "2025-09-02T13:10:31Z",
        "notes": "GitHub Actions: northwind/api deployments from main",
        "owners": [("user", "bob")],
        "credentials": [],
        "requires": [],
        "fics": [("github-api-main", "repo:northwind/api:ref:refs/heads/main", None)],
    },
    "gh-actions-legacy": {
        "created": "2023-01-17T09:25:40Z",
        "notes": "GitHub Actions (2023): build agent maintenance",
        "owners": [("user", "bob")],
        "credentials": [],
        "requires": [],
        # a standard credential: the subject is compared literally, so this one matches no token GitHub issues
        "fics": [("github-northwind-star", "repo:northwind/*", None)],
    },
    # the cross-cloud chain (see the READMEs of sample_data/azure, gcp and aws): its only power is in GCP, where
    # entra-pool maps this SP's object id to the service account aws-bridge; identifierUris is the audience its
    # tokens for Google carry (v1 tokens, issuer https://sts.windows.net/TENANT_ID/)
    "release-pipeline": {
        "created": "2026-03-09T10:14:27Z",
        "notes": "GitHub Actions: northwind/release-tools releases from main (GCP aws-bridge, then AWS)",
        "owners": [("user", "alice")],
        "credentials": [],
        "requires": [],
        "identifierUris": ["api://nhi-scan-sample-gcp"],
        "fics": [("github-release-tools-main", "repo:northwind/release-tools:ref:refs/heads/main", None)],
    },
    # look-alike: same issuer and repository name, another owner's repository; nothing in GCP names its SP
    "release-pipeline-fork": {
        "created": "2026-04-21T15:02:48Z",
        "notes": "Trial of release-pipeline from a fork (someone-else/release-tools)",
        "owners": [("user", "bob")],
        "credentials": [],
        "requires": [],
        "fics": [("github-release-tools-fork-main", "repo:someone-else/release-tools:ref:refs/heads/main", None)],
    },
    "legacy-reporting": {
        "created": "2020-10-12T08:00:14Z",
        "notes": "Disabled 2026-08-01 after the reporting migration; grant not yet removed",
        "owners": [("user", "alice")],
        "credentials": [("password", "reporting", "2025-10-01T08:00:00Z", "2027-10-01T08:00:00Z")],
        "requires": ["Application.ReadWrite.All"],
        "disabled": True,
    },
    "nightly-export": {
        "created": "2022-03-08T22:10:05Z",
        "notes": "Nightly SharePoint export; reads its settings from kv-nw-prod-ops",
        "owners": [("user", "carol")],
        "credentials": [
            ("password", "export-2024", "2024-11-20T22:00:00Z", "2025-11-20T22:00:00Z"),
            ("password", "export-2025a", "2024-12-01T22:00:00Z", "2025-12-01T22:00:00Z"),
            ("password", "export-2025b", "2025-12-09T22:00:00Z", "2026-12-09T22:00:00Z"),
        ],
        "requires": ["Sites.Read.All"],
    },
    "group-lifecycle": {
        "created": "2024-01-22T10:02:48Z",
        "notes": "Owns and maintains the role-assignable Tier0 group",
        "owners": [("user", "carol")],
        "credentials": [("password", "group-lifecycle", "2026-01-22T10:00:00Z", "2027-01-22T10:00:00Z")],
        "requires": [],
    },
    "tenant-ops": {
        "created": "2025-06-16T12:40:20Z",
        "notes": "Break-glass automation; Global Administrator through PIM activation only",
        "owners": [("user", "alice")],
        "credentials": [("certificate", "CN=tenant-ops", "2026-06-16T00:00:00Z", "2027-06-16T00:00:00Z")],
        "requires": [],
    },
}

#: The Entra Agent ID blueprint (an application subtype) and its agent identities (service principal subtype).
BLUEPRINT: Doc = {
    "key": "support-agent-blueprint",
    "displayName": "Support Agent Blueprint",
    "created": "2026-05-04T09:12:33Z",
    "owners": [("user", "bob")],
    "credentials": [("password", "agent-runtime", "2026-05-04T09:20:00Z", "2027-05-04T09:20:00Z")],
}
AGENT_IDENTITIES: dict[str, Doc] = {
    "support-agent-emea": {"created": "2026-05-04T09:40:10Z", "sponsors": [("user", "bob")]},
    "support-agent-apac": {"created": "2026-06-18T03:15:51Z", "sponsors": []},
}

#: Service principals of apps registered in other tenants (no application object here).
FOREIGN_TENANTS = {
    "contoso": "5c1e8a3d-2b7f-4e19-a6d0-93f4b2c71e58",
    "fabrikam": "d04b7e62-9a18-4c35-8f2e-61a7c3e95b0d",
}
FOREIGN_SPS: dict[str, Doc] = {
    "contoso-analytics-connector": {
        "displayName": "Contoso Analytics Connector",
        "tenant": "contoso",
        "created": "2023-09-11T14:00:31Z",
        "publisher": "Contoso Ltd",
    },
    "fabrikam-backup": {
        "displayName": "Fabrikam Cloud Backup",
        "tenant": "fabrikam",
        "created": "2022-05-19T10:22:47Z",
        "publisher": "Fabrikam, Inc.",
    },
}

#: principal key -> Microsoft Graph application permissions granted (appRoleAssignments on the Graph SP)
APP_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    "deploy-bot": [("RoleManagement.ReadWrite.Directory", "2025-04-03T15:02:11Z")],
    "consent-automation": [("AppRoleAssignment.ReadWrite.All", "2024-02-19T10:30:45Z")],
    "app-registry-sync": [("Application.ReadWrite.All", "2023-05-08T10:20:03Z")],
    "billing-portal": [("User.Read.All", "2021-06-30T17:01:22Z")],
    "legacy-reporting": [("Application.ReadWrite.All", "2020-10-12T08:30:55Z")],
    "nightly-export": [("Sites.Read.All", "2022-03-08T22:31:40Z")],
    "contoso-analytics-connector": [("Directory.Read.All", "2023-09-11T14:05:10Z")],
    "fabrikam-backup": [("Application.ReadWrite.All", "2022-05-19T10:40:02Z")],
    "support-agent-emea": [("User.Read.All", "2026-05-04T10:02:37Z")],
    "support-agent-apac": [("Sites.Read.All", "2026-06-18T03:30:12Z")],
}

#: principal key -> days before JUDGED_AT of the last sign-in as a client (servicePrincipalSignInActivities, beta)
SIGN_INS: dict[str, int] = {
    "deploy-bot": 1,
    "consent-automation": 3,
    "ci-orchestrator": 1,
    "app-registry-sync": 1,
    "helpdesk-automation": 2,
    "portal-config": 12,
    "billing-portal": 1,
    "vm-operator": 4,
    "gh-actions-infra": 1,
    "gh-actions-api": 1,
    "release-pipeline": 1,
    "nightly-export": 200,
    "group-lifecycle": 9,
    "contoso-analytics-connector": 1,
    "fabrikam-backup": 1,
    "support-agent-blueprint": 1,
}


def app_object_id(key: str) -> str:
    return guid(f"app:{key}")


def app_client_id(key: str) -> str:
    return guid(f"appId:{key}")


def sp_id(key: str) -> str:
    return guid(f"sp:{key}")


# --------------------------------------------------------------------------- managed identities and workloads
#: user-assigned identities: name -> (resource group, note)
USER_ASSIGNED: dict[str, tuple[str, str]] = {
    "id-orders-fn": ("rg-prod-identity", "Runtime identity of the fn-orders Function App"),
    "id-backup-reader": ("rg-prod-identity", "Backup inventory (read-only)"),
    "id-unused-legacy": ("rg-prod-identity", "Left over from the 2024 migration; attached to nothing"),
    "id-dev-deploy": ("rg-dev-automation", "GitHub Actions deployments of northwind/infra to dev"),
}
#: workloads: name -> facts. identity: "system" or a user-assigned identity name.
WORKLOADS: dict[str, Doc] = {
    "ops-vm-01": {
        "rg": "rg-prod-compute",
        "type": "Microsoft.Compute/virtualMachines",
        "identity": "system",
        "created": "2025-02-10T09:14:51Z",
    },
    "build-agent-01": {
        "rg": "rg-prod-compute",
        "type": "Microsoft.Compute/virtualMachines",
        "identity": None,
        "created": "2024-06-03T12:40:07Z",
    },
    "fn-orders": {
        "rg": "rg-prod-apps",
        "type": "Microsoft.Web/sites",
        "identity": "id-orders-fn",
        "created": "2025-05-21T08:32:19Z",
    },
    "la-invoices": {
        "rg": "rg-prod-apps",
        "type": "Microsoft.Logic/workflows",
        "identity": "system",
        "created": "2024-11-05T15:48:02Z",
    },
    "aa-dev-runbooks": {
        "rg": "rg-dev-automation",
        "type": "Microsoft.Automation/automationAccounts",
        "identity": "system",
        "created": "2023-08-29T10:05:44Z",
    },
}
KEY_VAULT = {"name": "kv-nw-prod-ops", "rg": "rg-prod-apps", "created": "2022-03-08T21:55:30Z"}
STORAGE_ACCOUNTS = {"stnwproddata": "rg-prod-data", "stnwdevapi": "rg-dev-api"}


def workload_id(name: str) -> str:
    spec = WORKLOADS[name]
    return resource_id(str(spec["rg"]), str(spec["type"]), name)


def mi_key(name: str) -> str:
    """Principal key of a managed identity: the user-assigned identity's name or `system:RESOURCE`."""
    return name if name in USER_ASSIGNED else f"system:{name}"


def mi_principal_id(key: str) -> str:
    return guid(f"mi-principal:{key}")


def mi_client_id(key: str) -> str:
    return guid(f"mi-client:{key}")


def mi_resource_id(key: str) -> str:
    if key.startswith("system:"):
        return workload_id(key.split(":", 1)[1])
    rg, _ = USER_ASSIGNED[key]
    return uai_id(rg, key)


def managed_identities() -> list[str]:
    keys = [mi_key(n) for n in USER_ASSIGNED]
    keys += [mi_key(n) for n, spec in WORKLOADS.items() if spec["identity"] == "system"]
    return keys


def mi_display_name(key: str) -> str:
    return key.split(":", 1)[1] if key.startswith("system:") else key


#: federated credentials of user-assigned identities: identity -> [(name, subject)]
UAI_FICS: dict[str, list[tuple[str, str]]] = {
    "id-dev-deploy": [("github-infra-dev", "repo:northwind/infra:environment:dev")],
}


# --------------------------------------------------------------------------- principals (one table for look-ups)
def principal(key: str) -> Doc:
    """id, display name, Graph @odata.type and ARM principalType of any principal key."""
    if key in USERS:
        return {
            "id": user_id(key),
            "displayName": USERS[key]["displayName"],
            "odata": "#microsoft.graph.user",
            "armType": "User",
            "armName": USERS[key]["upn"],
        }
    if key in GROUPS:
        name = GROUPS[key]["displayName"]
        return {
            "id": group_id(key),
            "displayName": name,
            "odata": "#microsoft.graph.group",
            "armType": "Group",
            "armName": name,
        }
    if key in APPS or key == BLUEPRINT["key"]:
        name = key if key in APPS else BLUEPRINT["displayName"]
        odata = "#microsoft.graph.servicePrincipal"
        if key == BLUEPRINT["key"]:
            odata = "#microsoft.graph.agentIdentityBlueprintPrincipal"
        return {
            "id": sp_id(key),
            "displayName": name,
            "odata": odata,
            "armType": "ServicePrincipal",
            "armName": app_client_id(key),
            "appId": app_client_id(key),
        }
    if key in AGENT_IDENTITIES:
        return {
            "id": sp_id(key),
            "displayName": key,
            "odata": "#microsoft.graph.agentIdentity",
            "armType": "ServicePrincipal",
            "armName": guid(f"agentAppId:{key}"),
            "appId": guid(f"agentAppId:{key}"),
        }
    if key in FOREIGN_SPS:
        return {
            "id": sp_id(key),
            "displayName": FOREIGN_SPS[key]["displayName"],
            "odata": "#microsoft.graph.servicePrincipal",
            "armType": "ServicePrincipal",
            "armName": app_client_id(key),
            "appId": app_client_id(key),
        }
    if key in managed_identities():
        return {
            "id": mi_principal_id(key),
            "displayName": mi_display_name(key),
            "odata": "#microsoft.graph.servicePrincipal",
            "armType": "ServicePrincipal",
            "armName": mi_client_id(key),
            "appId": mi_client_id(key),
        }
    raise KeyError(key)


def ref(kind: str, key: str) -> str:
    """("user", "jdoe") / ("sp", "group-lifecycle") / ("group", "tier0") -> principal key (validated)."""
    principal(key)
    return key


# --------------------------------------------------------------------------- Entra role assignments and PIM
#: (role, principal key, directoryScopeId); scope "/APP:<key>" is the application's object id
DIRECTORY_ROLE_ASSIGNMENTS: list[tuple[str, str, str]] = [
    ("Global Administrator", "alice", "/"),
    ("Application Administrator", "helpdesk-automation", "/"),
    ("Cloud Application Administrator", "portal-config", "/APP:billing-portal"),
    ("Privileged Role Administrator", "tier0", "/"),
    ("Directory Readers", "praman", "/"),
]
ELIGIBLE_ROLE_ASSIGNMENTS: list[tuple[str, str, str, str]] = [
    # (role, principal, scope, since)
    ("Global Administrator", "tenant-ops", "/", "2025-06-16T13:05:44Z"),
]


def directory_scope(scope: str) -> str:
    if scope.startswith("/APP:"):
        return "/" + app_object_id(scope[5:])
    return scope


def role_assignment_id(role: str, principal_key: str, scope: str) -> str:
    """unifiedRoleAssignment id: base64url(role template) + base64url(principal) + '-1' (scoped: a unique suffix)."""
    base = guid_b64(role_template(role)) + guid_b64(principal(principal_key)["id"])
    return f"{base}-1" if scope == "/" else f"{base}-1-{b64url(_digest(scope)[:6])}"


# --------------------------------------------------------------------------- delegated consent
#: (client key, consentType, principal key or None, scopes)
OAUTH2_GRANTS: list[tuple[str, str, str | None, list[str]]] = [
    ("billing-portal", "AllPrincipals", None, APPS["billing-portal"]["delegated"]),
    ("portal-config", "Principal", "bob", ["openid", "profile", "User.Read", "offline_access"]),
]


# --------------------------------------------------------------------------- Azure RBAC
AZURE_ROLES = {
    # roleName -> built-in role definition GUID (shared/data/azure-built-in-roles.json)
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
}
#: (scope, role, principal key, createdOn)
RBAC: list[tuple[str, str, str, str]] = [
    (mg_scope(ROOT_MG), "Owner", "alice", "2019-03-11T08:30:02.481203+00:00"),
    (sub_scope("prod"), "Owner", "system:ops-vm-01", "2025-02-10T09:40:18.220413+00:00"),
    (sub_scope("prod"), "Contributor", "gh-actions-infra", "2025-09-02T13:20:44.903127+00:00"),
    (sub_scope("prod"), "Reader", "id-backup-reader", "2024-04-18T07:12:51.117630+00:00"),
    (sub_scope("prod"), "Reader", "platform", "2020-07-02T10:00:33.640918+00:00"),
    (rg_scope("rg-prod-compute"), "Virtual Machine Contributor", "vm-operator", "2024-10-03T11:35:27.558102+00:00"),
    (
        workload_id("build-agent-01"),
        "Virtual Machine Contributor",
        "gh-actions-legacy",
        "2023-01-17T09:40:12.004551+00:00",
    ),
    (rg_scope("rg-prod-data"), "Contributor", "id-orders-fn", "2025-05-21T08:45:03.871266+00:00"),
    (rg_scope("rg-prod-apps"), "Reader", "system:la-invoices", "2024-11-05T16:02:41.339974+00:00"),
    (sub_scope("dev"), "Contributor", "system:aa-dev-runbooks", "2023-08-29T10:20:09.712385+00:00"),
    (rg_scope("rg-dev-api"), "Contributor", "gh-actions-api", "2025-09-02T13:25:58.265019+00:00"),
    (rg_scope("rg-dev-api"), "Contributor", "id-dev-deploy", "2025-11-03T14:11:36.902744+00:00"),
]
RBAC_CREATOR = principal("alice")["id"]


def rbac_name(scope: str, role: str, key: str) -> str:
    return guid(f"rbac:{scope}:{role}:{key}")


def scope_subscription(scope: str) -> str | None:
    parts = scope.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else None


def ancestors(scope: str) -> list[str]:
    """The scope and every scope above it (resource -> RG -> subscription -> management groups)."""
    chain = []
    sub = scope_subscription(scope)
    if sub:
        parts = scope.split("/")
        for cut in range(len(parts), 2, -1):
            candidate = "/".join(parts[:cut])
            if candidate.count("/") in (2, 4) or cut == len(parts):
                chain.append(candidate)
        mg = next(str(s["mg"]) for s in SUBSCRIPTIONS.values() if s["id"] == sub)
    else:
        mg = scope.rsplit("/", 1)[1]
        chain.append(scope)
        mg = MANAGEMENT_GROUPS[mg]["parent"]
    while mg:
        if mg_scope(mg) not in chain:
            chain.append(mg_scope(mg))
        mg = MANAGEMENT_GROUPS[mg]["parent"]
    return chain


def applies(assignment_scope: str, target: str, below: bool) -> bool:
    """Does an assignment at ``assignment_scope`` show in a listing for ``target``?

    ``atScope()`` lists the assignments at the target and above; an unfiltered listing also those below it."""
    if assignment_scope.lower() in (s.lower() for s in ancestors(target)):
        return True
    return below and assignment_scope.lower().startswith(target.lower() + "/")


# --------------------------------------------------------------------------- Key Vault
ACCESS_POLICIES: list[tuple[str, Doc]] = [
    # (principal key, permissions) as the portal writes them (capitalised)
    (
        "alice",
        {
            "keys": ["Get", "List", "Update", "Create", "Import", "Delete", "Recover", "Backup", "Restore"],
            "secrets": ["Get", "List", "Set", "Delete", "Recover", "Backup", "Restore"],
            "certificates": ["Get", "List", "Update", "Create", "Import", "Delete", "Recover"],
        },
    ),
    ("nightly-export", {"keys": [], "secrets": ["Get", "List"], "certificates": []}),
    ("id-backup-reader", {"keys": ["Get", "List"], "secrets": [], "certificates": []}),
]
SECRETS: list[Doc] = [
    {
        "name": "deploy-bot-secret",
        "created": "2026-06-01T08:20:03Z",
        "expires": "2028-06-01T08:14:22Z",
        "contentType": "client-secret",
        "tags": {"app": "deploy-bot"},
    },
    {
        "name": "smtp-relay-password",
        "created": "2024-09-12T11:41:55Z",
        "expires": None,
        "contentType": None,
        "tags": {},
    },
]
KV_ID = resource_id(KEY_VAULT["rg"], "Microsoft.KeyVault/vaults", KEY_VAULT["name"])
KV_URI = f"https://{KEY_VAULT['name']}.vault.azure.net/"


# =========================================================================== Microsoft Graph documents
def password_credential(owner: str, slot: int, name: str, start: str, end: str) -> Doc:
    return {
        "customKeyIdentifier": None,
        "displayName": name,
        "endDateTime": end,
        "hint": hint(f"{owner}:{slot}"),
        "keyId": guid(f"pwd:{owner}:{slot}"),
        "startDateTime": start,
    }


def key_credential(owner: str, slot: int, name: str, start: str, end: str) -> Doc:
    return {
        "customKeyIdentifier": thumbprint(f"{owner}:{slot}"),
        "displayName": name,
        "endDateTime": end,
        "key": None,
        "keyId": guid(f"key:{owner}:{slot}"),
        "startDateTime": start,
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def credentials(owner: str, specs: list[tuple[str, str, str, str]]) -> tuple[list[Doc], list[Doc]]:
    passwords, keys = [], []
    for slot, (kind, name, start, end) in enumerate(specs):
        if kind == "password":
            passwords.append(password_credential(owner, slot, name, start, end))
        else:
            keys.append(key_credential(owner, slot, name, start, end))
    return passwords, keys


def directory_object_ref(key: str) -> Doc:
    """An owner / member as `$expand=owners` or `/members` returns it (a few identifying properties)."""
    info = principal(key)
    doc: Doc = {"@odata.type": info["odata"], "id": info["id"], "displayName": info["displayName"]}
    if key in USERS:
        doc["userPrincipalName"] = USERS[key]["upn"]
        doc["userType"] = USERS[key]["userType"]
    elif "appId" in info:
        doc["appId"] = info["appId"]
        doc["servicePrincipalType"] = "ManagedIdentity" if key in managed_identities() else "Application"
    return doc


def required_resource_access(values: list[str]) -> list[Doc]:
    """Application permissions the app requests (delegated consent is in oauth2PermissionGrants.json, by name)."""
    access = [{"id": app_role_id(v), "type": "Role"} for v in values]
    return [{"resourceAccess": access, "resourceAppId": GRAPH_APP_ID}] if access else []


def fic_doc(app: str, name: str, subject: str | None, expression: str | None, beta: bool) -> Doc:
    doc: Doc = {
        "audiences": [FIC_AUDIENCE],
        "description": None,
        "id": guid(f"fic:{app}:{name}"),
        "issuer": GITHUB_ISSUER,
        "name": name,
        "subject": subject,
    }
    if beta:
        doc["claimsMatchingExpression"] = {"languageVersion": 1, "value": expression} if expression else None
    return doc


def application_doc(key: str, spec: Doc, blueprint: bool = False) -> Doc:
    passwords, keys = credentials(f"app:{key}", spec["credentials"])
    display = spec.get("displayName", key)
    doc: Doc = {}
    if blueprint:
        doc["@odata.type"] = "#microsoft.graph.agentIdentityBlueprint"
    doc.update(
        {
            "id": app_object_id(key),
            "appId": app_client_id(key),
            "createdDateTime": spec["created"],
            "deletedDateTime": None,
            "description": None,
            "displayName": display,
            "identifierUris": spec.get("identifierUris", []),
            "keyCredentials": keys,
            "notes": spec.get("notes"),
            "passwordCredentials": passwords,
            "publisherDomain": DOMAIN,
            "requiredResourceAccess": required_resource_access(spec.get("requires", [])),
            "signInAudience": spec.get("signInAudience", "AzureADMyOrg"),
            "tags": [],
            "owners": [directory_object_ref(ref(*o)) for o in spec["owners"]],
        }
    )
    doc["federatedIdentityCredentials"] = [
        fic_doc(key, name, subject, expression, beta=False) for name, subject, expression in spec.get("fics", [])
    ]
    return doc


def sp_base(key: str, display: str, app_id: str, created: str, owner_org: str, sp_type: str) -> Doc:
    return {
        "id": sp_id(key) if key not in managed_identities() else mi_principal_id(key),
        "accountEnabled": True,
        "alternativeNames": [],
        "appDisplayName": display,
        "appId": app_id,
        "appOwnerOrganizationId": owner_org,
        "appRoleAssignmentRequired": False,
        "appRoles": [],
        "createdDateTime": created,
        "deletedDateTime": None,
        "displayName": display,
        "keyCredentials": [],
        "notes": None,
        "passwordCredentials": [],
        "servicePrincipalNames": [app_id],
        "servicePrincipalType": sp_type,
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
    }


#: SP -> SP ownership (servicePrincipals/{id}/owners)
SP_OWNERS: dict[str, list[str]] = {
    "app-registry-sync": ["ci-orchestrator"],
}


def graph_sp() -> Doc:
    doc = sp_base(
        "microsoft-graph",
        "Microsoft Graph",
        GRAPH_APP_ID,
        "2019-03-11T08:01:02Z",
        MICROSOFT_SERVICES_TENANT,
        "Application",
    )
    doc["appDisplayName"] = "Microsoft Graph"
    doc["signInAudience"] = "AzureADMultipleOrgs"
    doc["servicePrincipalNames"] = [
        "https://dod-graph.microsoft.us",
        "https://graph.microsoft.com/",
        "https://graph.microsoft.com",
        GRAPH_APP_ID,
    ]
    doc["appRoles"] = [
        {
            "allowedMemberTypes": ["Application"],
            "description": _APP_ROLE_TEXT[value][1],
            "displayName": _APP_ROLE_TEXT[value][0],
            "id": role_id,
            "isEnabled": True,
            "origin": "Application",
            "value": value,
        }
        for value, role_id in sorted(_APP_ROLES.items())
    ]
    return doc


def app_sp(key: str, spec: Doc) -> Doc:
    doc = sp_base(key, key, app_client_id(key), spec["created"], TENANT_ID, "Application")
    doc["accountEnabled"] = not spec.get("disabled", False)
    doc["signInAudience"] = spec.get("signInAudience", "AzureADMyOrg")
    doc["notes"] = spec.get("notes")
    doc["owners"] = [directory_object_ref(o) for o in SP_OWNERS.get(key, [])]
    return doc


def foreign_sp(key: str, spec: Doc) -> Doc:
    doc = sp_base(
        key, spec["displayName"], app_client_id(key), spec["created"], FOREIGN_TENANTS[spec["tenant"]], "Application"
    )
    doc["signInAudience"] = "AzureADMultipleOrgs"
    doc["verifiedPublisher"] = {"addedDateTime": None, "displayName": spec["publisher"], "verifiedPublisherId": None}
    return doc


def mi_sp(key: str) -> Doc:
    explicit = not key.startswith("system:")
    created = (
        WORKLOADS[mi_display_name(key)]["created"]
        if not explicit
        else {
            "id-orders-fn": "2025-05-21T08:30:02Z",
            "id-backup-reader": "2024-04-18T07:05:40Z",
            "id-unused-legacy": "2024-02-02T16:20:11Z",
            "id-dev-deploy": "2025-11-03T14:02:19Z",
        }[key]
    )
    doc = sp_base(key, mi_display_name(key), mi_client_id(key), created, MICROSOFT_SERVICES_TENANT, "ManagedIdentity")
    doc["appDisplayName"] = None
    doc["alternativeNames"] = [f"isExplicit={'True' if explicit else 'False'}", mi_resource_id(key)]
    doc["servicePrincipalNames"] = [
        mi_client_id(key),
        "https://identity.azure.net/" + base64.b64encode(_digest(f"mi-spn:{key}")[:32]).decode(),
    ]
    # Azure keeps the identity's own certificate (rotated about every 90 days); nobody can add to it
    start = datetime.fromisoformat(EXPORTED_AT.replace("Z", "+00:00")) - timedelta(days=19)
    end = start + timedelta(days=90)
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    doc["keyCredentials"] = [
        {
            "customKeyIdentifier": thumbprint(f"mi:{key}"),
            "displayName": f"CN={mi_client_id(key)}",
            "endDateTime": end.strftime(stamp),
            "key": None,
            "keyId": guid(f"mi-key:{key}"),
            "startDateTime": start.strftime(stamp),
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
        }
    ]
    return doc


def blueprint_principal() -> Doc:
    key = BLUEPRINT["key"]
    doc = sp_base(key, BLUEPRINT["displayName"], app_client_id(key), BLUEPRINT["created"], TENANT_ID, "Application")
    return {"@odata.type": "#microsoft.graph.agentIdentityBlueprintPrincipal", **doc}


def agent_identity(key: str, spec: Doc, with_sponsors: bool) -> Doc:
    doc = sp_base(key, key, guid(f"agentAppId:{key}"), spec["created"], TENANT_ID, "Application")
    owners = doc.pop("owners")
    doc = {"@odata.type": "#microsoft.graph.agentIdentity", **doc}
    doc["agentIdentityBlueprintId"] = app_client_id(BLUEPRINT["key"])
    doc["createdByAppId"] = app_client_id(BLUEPRINT["key"])
    if with_sponsors:  # graph/agentIdentities.json: `?$expand=sponsors`
        doc["sponsors"] = [directory_object_ref(ref(*s)) for s in spec["sponsors"]]
    else:  # in graph/servicePrincipals.json (`?$expand=owners`)
        doc["owners"] = owners
    return doc


def all_service_principals() -> list[Doc]:
    docs = [graph_sp()]
    docs += [app_sp(k, s) for k, s in APPS.items()]
    docs += [foreign_sp(k, s) for k, s in FOREIGN_SPS.items()]
    docs += [mi_sp(k) for k in managed_identities()]
    docs.append(blueprint_principal())
    docs += [agent_identity(k, s, with_sponsors=False) for k, s in AGENT_IDENTITIES.items()]
    return sorted(docs, key=lambda d: d["displayName"].lower())


def app_role_assignments() -> list[Doc]:
    """`servicePrincipals/{Microsoft Graph SP}/appRoleAssignedTo`."""
    result = []
    for key, grants in APP_PERMISSIONS.items():
        info = principal(key)
        for value, created in grants:
            result.append(
                {
                    "id": guid_b64(info["id"]) + b64url(_digest(f"ara:{key}:{value}")[:16])[:21],
                    "appRoleId": app_role_id(value),
                    "createdDateTime": created,
                    "deletedDateTime": None,
                    "principalDisplayName": info["displayName"],
                    "principalId": info["id"],
                    "principalType": "ServicePrincipal",
                    "resourceDisplayName": "Microsoft Graph",
                    "resourceId": GRAPH_SP_ID,
                }
            )
    return result


def oauth2_grants() -> list[Doc]:
    result = []
    for client, consent, who, scopes in OAUTH2_GRANTS:
        raw = uuid.UUID(sp_id(client)).bytes_le + uuid.UUID(GRAPH_SP_ID).bytes_le
        if who:
            raw += uuid.UUID(principal(who)["id"]).bytes_le
        result.append(
            {
                "clientId": sp_id(client),
                "consentType": consent,
                "id": b64url(raw),
                "principalId": principal(who)["id"] if who else None,
                "resourceId": GRAPH_SP_ID,
                "scope": " ".join(scopes),
            }
        )
    return result


def role_definitions() -> list[Doc]:
    return [
        {
            "description": _ROLE_DESCRIPTIONS[name],
            "displayName": name,
            "id": spec["templateId"],
            "isBuiltIn": True,
            "isPrivileged": spec["isPrivileged"],
            "templateId": spec["templateId"],
        }
        for name, spec in ROLES.items()
    ]


def role_assignments() -> list[Doc]:
    return [
        {
            "directoryScopeId": directory_scope(scope),
            "id": role_assignment_id(role, who, scope),
            "principalId": principal(who)["id"],
            "roleDefinitionId": role_template(role),
        }
        for role, who, scope in DIRECTORY_ROLE_ASSIGNMENTS
    ]


def eligibility_schedules() -> list[Doc]:
    return [
        {
            "appScopeId": None,
            "createdDateTime": since,
            "createdUsing": guid(f"pim-request:{role}:{who}"),
            "directoryScopeId": scope,
            "id": guid(f"pim-schedule:{role}:{who}"),
            "memberType": "Direct",
            "modifiedDateTime": since,
            "principalId": principal(who)["id"],
            "roleDefinitionId": role_template(role),
            "scheduleInfo": {
                "expiration": {"duration": None, "endDateTime": None, "type": "noExpiration"},
                "recurrence": None,
                "startDateTime": since,
            },
            "status": "Provisioned",
        }
        for role, who, scope, since in ELIGIBLE_ROLE_ASSIGNMENTS
    ]


def sign_in_activity(days: int | None, seed: str) -> Doc | None:
    if days is None:
        return None
    when = days_before(days, "07:41:12")
    request = guid(f"signin:{seed}")
    return {
        "lastNonInteractiveSignInDateTime": when,
        "lastNonInteractiveSignInRequestId": request,
        "lastSignInDateTime": when,
        "lastSignInRequestId": request,
        "lastSuccessfulSignInDateTime": when,
        "lastSuccessfulSignInRequestId": request,
    }


def user_doc(key: str) -> Doc:
    spec = USERS[key]
    doc: Doc = {
        "accountEnabled": True,
        "createdDateTime": spec["created"],
        "displayName": spec["displayName"],
        "id": user_id(key),
        "jobTitle": spec["jobTitle"],
        "mail": spec["mail"],
        "userPrincipalName": spec["upn"],
        "userType": spec["userType"],
        "externalUserState": spec.get("externalUserState"),
        "signInActivity": sign_in_activity(spec["signIn"], key),
    }
    return doc


def agent_user_doc() -> Doc:
    return {
        "@odata.type": "#microsoft.graph.agentUser",
        "accountEnabled": True,
        "createdDateTime": AGENT_USER["created"],
        "displayName": AGENT_USER["displayName"],
        "id": user_id(AGENT_USER["key"]),
        "identityParentId": DELETED_AGENT_IDENTITY,
        "jobTitle": None,
        "mail": None,
        "userPrincipalName": AGENT_USER["upn"],
        "userType": "Member",
        "externalUserState": None,
        "signInActivity": sign_in_activity(None, AGENT_USER["key"]),
    }


USER_SELECT = (
    "id,displayName,userPrincipalName,mail,userType,accountEnabled,createdDateTime,jobTitle,"
    "externalUserState,signInActivity"
)


def group_doc(key: str) -> Doc:
    spec = GROUPS[key]
    return {
        "createdDateTime": spec["created"],
        "deletedDateTime": None,
        "description": spec["description"],
        "displayName": spec["displayName"],
        "groupTypes": [],
        "id": group_id(key),
        "isAssignableToRole": spec["isAssignableToRole"],
        "mail": None,
        "mailEnabled": False,
        "mailNickname": spec["displayName"].lower().replace(" ", "-"),
        "membershipRule": None,
        "onPremisesSyncEnabled": None,
        "securityEnabled": True,
        "visibility": "Private" if spec["isAssignableToRole"] else None,
        "owners": [directory_object_ref(ref(*o)) for o in spec["owners"]],
    }


def organization_doc() -> Doc:
    return {
        "id": TENANT_ID,
        "countryLetterCode": "GB",
        "createdDateTime": "2019-03-11T07:58:40Z",
        "deletedDateTime": None,
        "displayName": TENANT_NAME,
        "onPremisesSyncEnabled": None,
        "tenantType": "AAD",
        "verifiedDomains": [
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": True,
                "isInitial": False,
                "name": DOMAIN,
                "type": "Managed",
            },
            {
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": False,
                "isInitial": True,
                "name": INITIAL_DOMAIN,
                "type": "Managed",
            },
        ],
    }


def sign_in_activities() -> list[Doc]:
    result = []
    for key, days in SIGN_INS.items():
        app_id = principal(key)["appId"]
        when = days_before(days, "03:17:09")
        request = guid(f"sp-signin:{key}")
        activity = {"lastSignInDateTime": when, "lastSignInRequestId": request}
        empty = {"lastSignInDateTime": None, "lastSignInRequestId": None}
        result.append(
            {
                "appId": app_id,
                "applicationAuthenticationClientSignInActivity": activity,
                "applicationAuthenticationResourceSignInActivity": empty,
                "delegatedClientSignInActivity": activity if key == "billing-portal" else empty,
                "delegatedResourceSignInActivity": empty,
                "id": base64.b64encode(app_id.encode()).decode(),
                "lastSignInActivity": activity,
            }
        )
    return result


def flexible_fics() -> dict[str, list[Doc]]:
    """Apps whose credentials need beta (claimsMatchingExpression): app key -> beta FIC list."""
    result = {}
    for key, spec in APPS.items():
        fics = spec.get("fics", [])
        if any(expression for _, _, expression in fics):
            result[key] = [fic_doc(key, n, s, e, beta=True) for n, s, e in fics]
    return result


# =========================================================================== Azure Resource Manager documents
def subscription_doc(key: str) -> Doc:
    return {
        "cloudName": "AzureCloud",
        "homeTenantId": TENANT_ID,
        "id": sub_id(key),
        "isDefault": key == "prod",
        "managedByTenants": [],
        "name": SUBSCRIPTIONS[key]["name"],
        "state": "Enabled",
        "tenantId": TENANT_ID,
        "user": {"name": USERS["alice"]["upn"], "type": "user"},
    }


def mg_children(name: str) -> list[Doc]:
    children = []
    for child, spec in MANAGEMENT_GROUPS.items():
        if spec["parent"] == name:
            children.append(
                {
                    "children": mg_children(child),
                    "displayName": spec["displayName"],
                    "id": mg_scope(child),
                    "name": child,
                    "type": "Microsoft.Management/managementGroups",
                }
            )
    for sub in SUBSCRIPTIONS.values():
        if sub["mg"] == name:
            children.append(
                {
                    "children": None,
                    "displayName": sub["name"],
                    "id": f"/subscriptions/{sub['id']}",
                    "name": sub["id"],
                    "type": "Microsoft.Management/managementGroups/subscriptions",
                }
            )
    return children


def management_group_doc(name: str) -> Doc:
    """`az account management-group show --name N --expand --recurse` (REST shape, `properties`)."""
    spec = MANAGEMENT_GROUPS[name]
    parent = spec["parent"]
    return {
        "id": mg_scope(name),
        "name": name,
        "properties": {
            "children": mg_children(name),
            "details": {
                "parent": (
                    {"displayName": MANAGEMENT_GROUPS[parent]["displayName"], "id": mg_scope(parent), "name": parent}
                    if parent
                    else None
                ),
                "updatedBy": RBAC_CREATOR,
                "updatedTime": "2024-01-15T09:12:40.5539201Z",
                "version": 3 if parent else 1,
            },
            "displayName": spec["displayName"],
            "tenantId": TENANT_ID,
        },
        "type": "Microsoft.Management/managementGroups",
    }


def resource_group_doc(rg: str) -> Doc:
    return {
        "id": rg_scope(rg),
        "location": LOCATION,
        "managedBy": None,
        "name": rg,
        "properties": {"provisioningState": "Succeeded"},
        "tags": {"env": RESOURCE_GROUPS[rg]},
        "type": "Microsoft.Resources/resourceGroups",
    }


def identity_block(name: str) -> Doc | None:
    identity = WORKLOADS[name]["identity"]
    if identity is None:
        return None
    if identity == "system":
        key = mi_key(name)
        return {
            "principalId": mi_principal_id(key),
            "tenantId": TENANT_ID,
            "type": "SystemAssigned",
            "userAssignedIdentities": None,
        }
    rg, _ = USER_ASSIGNED[identity]
    return {
        "principalId": None,
        "tenantId": None,
        "type": "UserAssigned",
        "userAssignedIdentities": {
            uai_id(rg, identity): {"clientId": mi_client_id(identity), "principalId": mi_principal_id(identity)}
        },
    }


def _kind(resource_type: str) -> str | None:
    return {
        "Microsoft.Web/sites": "functionapp,linux",
        "Microsoft.Storage/storageAccounts": "StorageV2",
    }.get(resource_type)


def generic_resource(
    rid: str, rtype: str, name: str, rg: str, created: str, identity: Doc | None, sku: Doc | None = None
) -> Doc:
    """One entry of `az resource list`."""
    return {
        "changedTime": "2026-11-02T10:14:27.218344+00:00",
        "createdTime": created.replace("Z", ".000000+00:00"),
        "extendedLocation": None,
        "id": rid,
        "identity": identity,
        "kind": _kind(rtype),
        "location": LOCATION,
        "managedBy": None,
        "name": name,
        "plan": None,
        "properties": None,
        "provisioningState": "Succeeded",
        "resourceGroup": rg,
        "sku": sku,
        "tags": {},
        "type": rtype,
    }


def resources(sub: str) -> list[Doc]:
    docs = []
    for name, spec in WORKLOADS.items():
        if RESOURCE_GROUPS[spec["rg"]] == sub:
            docs.append(
                generic_resource(
                    workload_id(name), spec["type"], name, spec["rg"], spec["created"], identity_block(name)
                )
            )
    for name, (rg, _) in USER_ASSIGNED.items():
        if RESOURCE_GROUPS[rg] == sub:
            docs.append(
                generic_resource(
                    uai_id(rg, name),
                    "Microsoft.ManagedIdentity/userAssignedIdentities",
                    name,
                    rg,
                    mi_sp(name)["createdDateTime"],
                    None,
                )
            )
    if RESOURCE_GROUPS[KEY_VAULT["rg"]] == sub:
        docs.append(
            generic_resource(
                KV_ID, "Microsoft.KeyVault/vaults", KEY_VAULT["name"], KEY_VAULT["rg"], KEY_VAULT["created"], None
            )
        )
    for name, rg in STORAGE_ACCOUNTS.items():
        if RESOURCE_GROUPS[rg] == sub:
            docs.append(
                generic_resource(
                    resource_id(rg, "Microsoft.Storage/storageAccounts", name),
                    "Microsoft.Storage/storageAccounts",
                    name,
                    rg,
                    "2022-01-10T10:00:00Z",
                    None,
                    {
                        "capacity": None,
                        "family": None,
                        "model": None,
                        "name": "Standard_LRS",
                        "size": None,
                        "tier": "Standard",
                    },
                )
            )
    return sorted(docs, key=lambda d: d["id"].lower())


def identity_doc(name: str) -> Doc:
    rg, _ = USER_ASSIGNED[name]
    return {
        "clientId": mi_client_id(name),
        "id": uai_id(rg, name),
        "location": LOCATION,
        "name": name,
        "principalId": mi_principal_id(name),
        "resourceGroup": rg,
        "systemData": None,
        "tags": {},
        "tenantId": TENANT_ID,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    }


def uai_fic_doc(identity: str, name: str, subject: str) -> Doc:
    rg, _ = USER_ASSIGNED[identity]
    return {
        "audiences": [FIC_AUDIENCE],
        "id": f"{uai_id(rg, identity)}/federatedIdentityCredentials/{name}",
        "issuer": GITHUB_ISSUER,
        "name": name,
        "resourceGroup": rg,
        "subject": subject,
        "systemData": None,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    }


def role_assignment_doc(scope: str, role: str, key: str, created: str, sub: str) -> Doc:
    """One entry of `az role assignment list --all --include-inherited` run in subscription ``sub``."""
    info = principal(key)
    name = rbac_name(scope, role, key)
    doc: Doc = {
        "condition": None,
        "conditionVersion": None,
        "createdBy": RBAC_CREATOR,
        "createdOn": created,
        "delegatedManagedIdentityResourceId": None,
        "description": None,
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "principalId": info["id"],
        "principalName": info["armName"],
        "principalType": info["armType"],
    }
    parts = scope.split("/")
    if len(parts) > 4 and parts[3] == "resourceGroups":
        doc["resourceGroup"] = parts[4]
    doc.update(
        {
            "roleDefinitionId": f"{sub_scope(sub)}/providers/Microsoft.Authorization/roleDefinitions/"
            f"{AZURE_ROLES[role]}",
            "roleDefinitionName": role,
            "scope": scope,
            "type": "Microsoft.Authorization/roleAssignments",
            "updatedBy": RBAC_CREATOR,
            "updatedOn": created,
        }
    )
    return doc


def subscription_role_assignments(sub: str) -> list[Doc]:
    docs = []
    for scope, role, key, created in RBAC:
        if scope_subscription(scope) == sub_id(sub) or applies(scope, sub_scope(sub), below=False):
            docs.append(role_assignment_doc(scope, role, key, created, sub))
    return docs


def key_vault_doc() -> Doc:
    """`az keyvault show` (the access-policy model: enableRbacAuthorization false)."""
    return {
        "id": KV_ID,
        "location": LOCATION,
        "name": KEY_VAULT["name"],
        "properties": {
            "accessPolicies": [
                {
                    "applicationId": None,
                    "objectId": principal(key)["id"],
                    "permissions": {**perms, "storage": None},
                    "tenantId": TENANT_ID,
                }
                for key, perms in ACCESS_POLICIES
            ],
            "createMode": None,
            "enablePurgeProtection": None,
            "enableRbacAuthorization": False,
            "enableSoftDelete": True,
            "enabledForDeployment": False,
            "enabledForDiskEncryption": False,
            "enabledForTemplateDeployment": False,
            "hsmPoolResourceId": None,
            "networkAcls": None,
            "privateEndpointConnections": None,
            "provisioningState": "Succeeded",
            "publicNetworkAccess": "Enabled",
            "sku": {"family": "A", "name": "standard"},
            "softDeleteRetentionInDays": 90,
            "tenantId": TENANT_ID,
            "vaultUri": KV_URI,
        },
        "resourceGroup": KEY_VAULT["rg"],
        "systemData": {
            "createdAt": KEY_VAULT["created"].replace("Z", ".000000+00:00"),
            "createdBy": USERS["carol"]["upn"],
            "createdByType": "User",
            "lastModifiedAt": "2026-06-01T08:19:11.402881+00:00",
            "lastModifiedBy": USERS["carol"]["upn"],
            "lastModifiedByType": "User",
        },
        "tags": {},
        "type": "Microsoft.KeyVault/vaults",
    }


def epoch_free(value: str | None) -> str | None:
    return value.replace("Z", "+00:00") if value else None


def secret_docs() -> list[Doc]:
    """`az keyvault secret list --vault-name kv-nw-prod-ops`: names and attributes, never values."""
    return [
        {
            "attributes": {
                "created": epoch_free(s["created"]),
                "enabled": True,
                "expires": epoch_free(s["expires"]),
                "notBefore": None,
                "recoverableDays": 90,
                "recoveryLevel": "Recoverable+Purgeable",
                "updated": epoch_free(s["created"]),
            },
            "contentType": s["contentType"],
            "id": f"{KV_URI}secrets/{s['name']}",
            "managed": None,
            "name": s["name"],
            "tags": s["tags"],
        }
        for s in SECRETS
    ]


# =========================================================================== writer: directory convention
def dump(path: Path, value: Any, sort_keys: bool = False) -> None:
    """2-space indentation (as `az` and Graph Explorer print), a final newline. `az` sorts keys; Graph pages keep
    the order given (id first, navigation properties last)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys) + "\n", encoding="utf-8")


def write_directory(out: Path) -> list[Path]:
    written: list[Path] = []

    def put(relative: str, value: Any) -> None:
        dump(out / relative, value, sort_keys=relative.startswith("arm/"))
        written.append(out / relative)

    # ---- Microsoft Graph
    put("graph/organization.json", page(f"{GRAPH}#organization", [organization_doc()]))
    apps = [application_doc(k, s) for k, s in APPS.items()]
    apps.append(application_doc(BLUEPRINT["key"], BLUEPRINT, blueprint=True))
    apps.sort(key=lambda d: d["displayName"].lower())
    put("graph/applications.json", page(f"{GRAPH}#applications(owners(),federatedIdentityCredentials())", apps))
    for key, fics in flexible_fics().items():
        put(
            f"graph/applications/{app_object_id(key)}/federatedIdentityCredentials.json",
            page(f"{GRAPH_BETA}#applications('{app_object_id(key)}')/federatedIdentityCredentials", fics),
        )
    put("graph/servicePrincipals.json", page(f"{GRAPH}#servicePrincipals(owners())", all_service_principals()))
    put(
        "graph/appRoleAssignments.json",
        page(f"{GRAPH}#servicePrincipals('{GRAPH_SP_ID}')/appRoleAssignedTo", app_role_assignments()),
    )
    put("graph/oauth2PermissionGrants.json", page(f"{GRAPH}#oauth2PermissionGrants", oauth2_grants()))
    put(
        "graph/roleDefinitions.json",
        page(
            f"{GRAPH}#roleManagement/directory/roleDefinitions(description,displayName,id,isBuiltIn,isPrivileged,"
            "templateId)",
            role_definitions(),
        ),
    )
    put("graph/roleAssignments.json", page(f"{GRAPH}#roleManagement/directory/roleAssignments", role_assignments()))
    put(
        "graph/roleEligibilitySchedules.json",
        page(f"{GRAPH}#roleManagement/directory/roleEligibilitySchedules", eligibility_schedules()),
    )
    users = [user_doc(k) for k in USERS] + [agent_user_doc()]
    put("graph/users.json", page(f"{GRAPH}#users({USER_SELECT})", users))
    put("graph/groups.json", page(f"{GRAPH}#groups(owners())", [group_doc(k) for k in GROUPS]))
    for key, spec in GROUPS.items():
        put(
            f"graph/groups/{group_id(key)}/members.json",
            page(f"{GRAPH}#directoryObjects", [directory_object_ref(ref(*m)) for m in spec["members"]]),
        )
    put(
        "graph/administrativeUnits.json",
        page(
            f"{GRAPH}#directory/administrativeUnits",
            [
                {
                    "deletedDateTime": None,
                    "description": "Guest and contractor accounts",
                    "displayName": "External Accounts",
                    "id": guid("au:external"),
                    "isMemberManagementRestricted": None,
                    "membershipRule": None,
                    "membershipRuleProcessingState": None,
                    "membershipType": None,
                    "visibility": None,
                }
            ],
        ),
    )
    put(
        "graph/servicePrincipalSignInActivities.json",
        page(f"{GRAPH_BETA}#reports/servicePrincipalSignInActivities", sign_in_activities()),
    )
    blueprint_doc = application_doc(BLUEPRINT["key"], BLUEPRINT, blueprint=True)
    blueprint_doc.pop("owners")
    blueprint_doc.pop("federatedIdentityCredentials")
    put(
        "graph/agentIdentityBlueprints.json",
        page(f"{GRAPH_BETA}#applications/microsoft.graph.agentIdentityBlueprint", [blueprint_doc]),
    )
    put(
        "graph/agentIdentities.json",
        page(
            f"{GRAPH_BETA}#servicePrincipals/microsoft.graph.agentIdentity(sponsors())",
            [agent_identity(k, s, with_sponsors=True) for k, s in AGENT_IDENTITIES.items()],
        ),
    )

    # ---- Azure Resource Manager
    put("arm/subscriptions.json", [subscription_doc(k) for k in SUBSCRIPTIONS])
    put("arm/managementGroups.json", [management_group_doc(n) for n in MANAGEMENT_GROUPS])
    for key in SUBSCRIPTIONS:
        base = f"arm/subscriptions/{sub_id(key)}"
        put(f"{base}/roleAssignments.json", subscription_role_assignments(key))
        put(f"{base}/roleDefinitions.json", [])  # `az role definition list --custom-role-only true`: none
        put(f"{base}/resourceGroups.json", [resource_group_doc(rg) for rg, s in RESOURCE_GROUPS.items() if s == key])
        put(f"{base}/resources.json", resources(key))
        put(
            f"{base}/identities.json",
            [identity_doc(n) for n, (rg, _) in USER_ASSIGNED.items() if RESOURCE_GROUPS[rg] == key],
        )
        put(f"{base}/denyAssignments.json", {"value": []})
        for identity, subjects in UAI_FICS.items():
            if RESOURCE_GROUPS[USER_ASSIGNED[identity][0]] == key:
                put(
                    f"{base}/identities/{identity}/federatedCredentials.json",
                    [uai_fic_doc(identity, n, s) for n, s in subjects],
                )
        if RESOURCE_GROUPS[KEY_VAULT["rg"]] == key:
            put(f"{base}/keyVaults.json", [key_vault_doc()])
            put(f"{base}/keyVaults/{KEY_VAULT['name']}/secrets.json", secret_docs())
    return written


# =========================================================================== writer: AzureHound
def up(value: str | None) -> str | None:
    """AzureHound v2 (main) upper-cases identifiers that are edge endpoints before it writes them."""
    return value.upper() if isinstance(value, str) else value


def strip_empty(value: Any) -> Any:
    """Go's encoding/json with `omitempty` (and AzureHound's OmitEmpty for raw owner/member blobs): drops empty
    strings, false, 0, null, empty lists and maps."""
    if isinstance(value, dict):
        cleaned = {k: strip_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", False, 0, [], {})}
    if isinstance(value, list):
        cleaned_list = [strip_empty(v) for v in value]
        return [v for v in cleaned_list if v not in (None, "", False, 0, [], {})]
    return value


def ah(kind: str, data: Any) -> Doc:
    return {"kind": kind, "data": data}


def ah_tenant() -> Doc:
    return {
        "country": "United Kingdom",
        "countryCode": "GB",
        "defaultDomain": DOMAIN,
        "displayName": TENANT_NAME,
        "domains": [DOMAIN, INITIAL_DOMAIN],
        "id": f"/tenants/{TENANT_ID}",
        "tenantCategory": "Home",
        "tenantId": TENANT_ID,
        "tenantType": "AAD",
        "collected": True,
    }


def ah_owner_blob(key: str) -> Doc:
    blob: Doc = strip_empty(directory_object_ref(key))
    blob["id"] = up(blob["id"])
    return blob


def ah_graph_object(doc: Doc, drop: tuple[str, ...] = ()) -> Doc:
    """A Graph object as AzureHound's Go struct re-serialises it: navigation/odata fields gone, omitempty applied."""
    cleaned = {k: v for k, v in doc.items() if (k == "@odata.type" or not k.startswith("@odata")) and k not in drop}
    result: Doc = strip_empty(cleaned)
    return result


def azurehound_records() -> list[Doc]:
    tenant_up = up(TENANT_ID)
    records: list[Doc] = [ah("AZTenant", ah_tenant())]

    # ---- Entra ID (list az-ad)
    for key in USERS:
        data = ah_graph_object(user_doc(key))
        data.update(id=up(data["id"]), tenantId=tenant_up, tenantName=TENANT_NAME)
        records.append(ah("AZUser", data))
    agent_user = ah_graph_object(agent_user_doc(), drop=("identityParentId",))
    agent_user.update(id=up(agent_user["id"]), tenantId=tenant_up, tenantName=TENANT_NAME)
    records.append(ah("AZUser", agent_user))

    for key, spec in GROUPS.items():
        data = ah_graph_object(group_doc(key), drop=("owners",))
        data.update(id=up(data["id"]), tenantId=tenant_up, tenantName=TENANT_NAME)
        records.append(ah("AZGroup", data))
        gid = up(group_id(key))
        records.append(
            ah(
                "AZGroupOwner",
                {
                    "owners": [{"groupId": gid, "owner": ah_owner_blob(ref(*o))} for o in spec["owners"]],
                    "groupId": gid,
                },
            )
        )
        records.append(
            ah(
                "AZGroupMember",
                {
                    "members": [{"groupId": gid, "member": ah_owner_blob(ref(*m))} for m in spec["members"]],
                    "groupId": gid,
                },
            )
        )

    all_apps = [(k, s, False) for k, s in APPS.items()] + [(BLUEPRINT["key"], BLUEPRINT, True)]
    for key, spec, is_blueprint in all_apps:
        doc = application_doc(key, spec, blueprint=is_blueprint)
        data = ah_graph_object(doc, drop=("owners", "federatedIdentityCredentials"))
        data.update(id=up(data["id"]), appId=up(data["appId"]), tenantId=tenant_up, tenantName=TENANT_NAME)
        records.append(ah("AZApp", data))
        owners = [{"appId": up(app_object_id(key)), "owner": ah_owner_blob(ref(*o))} for o in spec["owners"]]
        records.append(ah("AZAppOwner", {"owners": owners or None, "appId": up(app_client_id(key))}))
        fics = spec.get("fics", [])
        if fics:  # AzureHound lists federated credentials through v1.0: no claimsMatchingExpression
            entries = []
            for name, subject, expression in fics:
                blob = strip_empty(fic_doc(key, name, subject, expression, beta=False))
                blob["id"] = up(blob["id"])
                entries.append({"appId": up(app_client_id(key)), "fic": blob})
            records.append(
                ah(
                    "AZFederatedIdentityCredential",
                    {
                        "fics": entries,
                        "appId": up(app_client_id(key)),
                        "tenantId": tenant_up,
                        "tenantName": TENANT_NAME,
                    },
                )
            )

    for doc in all_service_principals():
        data = ah_graph_object(
            doc, drop=("owners", "agentIdentityBlueprintId", "createdByAppId", "sponsors", "createdDateTime")
        )
        data.update(
            id=up(data["id"]),
            appId=up(data["appId"]),
            appOwnerOrganizationId=up(data.get("appOwnerOrganizationId")),
            tenantId=tenant_up,
            tenantName=TENANT_NAME,
        )
        records.append(ah("AZServicePrincipal", data))
        owners = [
            {"owner": ah_owner_blob(o), "servicePrincipalId": up(doc["id"])}
            for o in SP_OWNERS.get(_sp_key(doc["id"]), [])
        ]
        records.append(ah("AZServicePrincipalOwner", {"owners": owners or None, "servicePrincipalId": up(doc["id"])}))

    for assignment in app_role_assignments():  # listed from the resource SP (Microsoft Graph's appRoleAssignedTo)
        data = dict(assignment)
        data.pop("deletedDateTime")
        data.update(
            principalId=up(data["principalId"]),
            resourceId=up(data["resourceId"]),
            appId=GRAPH_APP_ID,
            tenantId=tenant_up,
        )
        records.append(ah("AZAppRoleAssignment", data))

    for grant in oauth2_grants():
        data = strip_empty(grant)
        data.update(tenantId=tenant_up, tenantName=TENANT_NAME)
        records.append(ah("AZOAuth2PermissionGrant", data))

    for definition in role_definitions():
        data = strip_empty({k: v for k, v in definition.items() if k != "isPrivileged"})
        data.update(id=up(data["id"]), tenantId=tenant_up, tenantName=TENANT_NAME)
        records.append(ah("AZRole", data))
        assignments = []
        for role, who, scope in DIRECTORY_ROLE_ASSIGNMENTS:
            if role_template(role) != definition["templateId"]:
                continue
            entry: Doc = {
                "id": role_assignment_id(role, who, scope),
                "roleDefinitionId": role_template(role),
                "principalId": up(principal(who)["id"]),
                # app-scoped assignments: AzureHound rewrites the scope to "/" + the application's appId
                "directoryScopeId": "/" if scope == "/" else up("/" + app_client_id(scope[5:])),
            }
            if scope != "/":
                entry["directoryScope"] = {
                    "id": app_object_id(scope[5:]),
                    "appId": app_client_id(scope[5:]),
                    "displayName": scope[5:],
                }
            assignments.append(entry)
        records.append(
            ah(
                "AZRoleAssignment",
                {
                    "roleAssignments": assignments or None,
                    "roleDefinitionId": up(definition["id"]),
                    "tenantId": tenant_up,
                },
            )
        )

    for role, who, scope, since in ELIGIBLE_ROLE_ASSIGNMENTS:
        records.append(
            ah(
                "AZRoleEligibilityScheduleInstance",
                {
                    "id": guid(f"pim-instance:{role}:{who}"),
                    "roleDefinitionId": up(role_template(role)),
                    "principalId": up(principal(who)["id"]),
                    "directoryScopeId": scope,
                    "startDateTime": since,
                    "tenantId": tenant_up,
                },
            )
        )

    # ---- Azure Resource Manager (list az-rm)
    for name in MANAGEMENT_GROUPS:
        doc = management_group_doc(name)
        props = doc["properties"]
        data = strip_empty(
            {
                "id": up(doc["id"]),
                "name": name,
                "type": doc["type"],
                "properties": {
                    "details": {"parent": props["details"]["parent"]},
                    "displayName": props["displayName"],
                    "tenantId": TENANT_ID,
                },
            }
        )
        data["tenantId"] = tenant_up
        records.append(ah("AZManagementGroup", data))
    for name in MANAGEMENT_GROUPS:
        for descendant in _descendants(name):
            records.append(ah("AZManagementGroupDescendant", descendant))
    for name in MANAGEMENT_GROUPS:
        target = mg_scope(name)
        entries = [
            {"managementGroupId": up(target), "roleAssignment": ah_arm_assignment(s, r, k, target)}
            for s, r, k, _ in RBAC
            if applies(s, target, below=False)
        ]
        records.append(
            ah("AZManagementGroupRoleAssignment", {"roleAssignments": entries or None, "managementGroupId": up(target)})
        )

    for key in SUBSCRIPTIONS:
        records.append(
            ah(
                "AZSubscription",
                {
                    "authorizationSource": "RoleBased",
                    "displayName": SUBSCRIPTIONS[key]["name"],
                    "id": up(sub_scope(key)),
                    "state": "Enabled",
                    "subscriptionId": sub_id(key),
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "EnterpriseAgreement_2014-09-01",
                        "spendingLimit": "Off",
                    },
                    "tenantId": tenant_up,
                },
            )
        )
        target = sub_scope(key)
        entries = [
            {"roleAssignment": ah_arm_assignment(s, r, k, target), "subscriptionId": up(sub_id(key))}
            for s, r, k, _ in RBAC
            if applies(s, target, below=False)
        ]  # atScope(): at and above
        records.append(
            ah("AZSubscriptionRoleAssignment", {"roleAssignments": entries or None, "subscriptionId": up(sub_id(key))})
        )
    for rg, key in RESOURCE_GROUPS.items():
        doc = resource_group_doc(rg)
        data = strip_empty(doc)
        data.update(subscriptionId=sub_id(key), tenantId=tenant_up)
        records.append(ah("AZResourceGroup", data))
        target = rg_scope(rg)
        entries = [
            {"resourceGroupId": up(target), "roleAssignment": ah_arm_assignment(s, r, k, target)}
            for s, r, k, _ in RBAC
            if applies(s, target, below=True)
        ]  # no filter: above and below
        records.append(
            ah("AZResourceGroupRoleAssignment", {"roleAssignments": entries or None, "resourceGroupId": up(target)})
        )

    for name, spec in WORKLOADS.items():
        records.extend(ah_workload(name, spec))
    records.extend(ah_key_vault())
    return records


def _sp_key(object_id: str) -> str:
    for key in SP_OWNERS:
        if principal(key)["id"] == object_id:
            return key
    return ""


def _descendants(name: str) -> list[Doc]:
    """`GET /providers/Microsoft.Management/managementGroups/NAME/descendants` entries, as AzureHound writes them."""
    result = []

    def walk(parent: str) -> None:
        for child, spec in MANAGEMENT_GROUPS.items():
            if spec["parent"] == parent:
                result.append(
                    {
                        "id": up(mg_scope(child)),
                        "name": child,
                        "properties": {"display_name": spec["displayName"], "parent": {"id": up(mg_scope(parent))}},
                        "type": "Microsoft.Management/managementGroups",
                    }
                )
                walk(child)
        for sub in SUBSCRIPTIONS.values():
            if sub["mg"] == parent:
                result.append(
                    {
                        "id": up(f"/subscriptions/{sub['id']}"),
                        "name": sub["id"],
                        "properties": {"display_name": sub["name"], "parent": {"id": up(mg_scope(parent))}},
                        "type": "/subscriptions",
                    }
                )

    walk(name)
    return result


def ah_arm_assignment(scope: str, role: str, key: str, target: str) -> Doc:
    """azure.RoleAssignment: {id, name, type, properties{principalId, roleDefinitionId, scope}} (no principalType,
    no condition: AzureHound's struct has neither). Listed for ``target``: role definition ids in its subscription."""
    name = rbac_name(scope, role, key)
    sub = scope_subscription(target)
    definition_base = f"/subscriptions/{sub}" if sub else ""
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        "name": name,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "principalId": up(principal(key)["id"]),
            "roleDefinitionId": f"{definition_base}/providers/Microsoft.Authorization/roleDefinitions/"
            f"{AZURE_ROLES[role]}",
            "scope": up(scope),
        },
    }


def ah_identity(name: str) -> Doc:
    """azure.ManagedIdentity has no omitempty on its fields: an absent identity is written as zero values."""
    block = identity_block(name)
    if block is None:
        return {"principalId": "", "tenantId": "", "type": "", "userAssignedIdentities": None}
    result = {
        "principalId": up(block["principalId"]) or "",
        "tenantId": block["tenantId"] or "",
        "type": block["type"],
        "userAssignedIdentities": None,
    }
    if block["userAssignedIdentities"]:
        result["userAssignedIdentities"] = {
            rid: {"clientId": v["clientId"], "principalId": up(v["principalId"])}
            for rid, v in block["userAssignedIdentities"].items()
        }
    return result


_WORKLOAD_KINDS = {
    "Microsoft.Compute/virtualMachines": ("AZVM", "AZVMRoleAssignment"),
    "Microsoft.Web/sites": ("AZFunctionApp", "AZFunctionAppRoleAssignment"),
    "Microsoft.Logic/workflows": ("AZLogicApp", "AZLogicAppRoleAssignment"),
    "Microsoft.Automation/automationAccounts": ("AZAutomationAccount", "AZAutomationAccountRoleAssignment"),
}


def ah_workload(name: str, spec: Doc) -> list[Doc]:
    rid = workload_id(name)
    rg = str(spec["rg"])
    sub = RESOURCE_GROUPS[rg]
    kind, ra_kind = _WORKLOAD_KINDS[spec["type"]]
    data: Doc = {"id": up(rid), "identity": ah_identity(name), "location": LOCATION, "name": name}
    if kind == "AZVM":
        data["properties"] = {
            "vmId": guid(f"vmId:{name}"),
            "provisioningState": "Succeeded",
            "hardwareProfile": {"vmSize": "Standard_D2s_v5"},
            "storageProfile": {"osDisk": {"osType": "Linux", "name": f"{name}_OsDisk_1"}},
        }
    elif kind == "AZFunctionApp":
        data["kind"] = "functionapp,linux"
        data["properties"] = {
            "defaultHostName": f"{name}.azurewebsites.net",
            "enabled": True,
            "state": "Running",
            "httpsOnly": True,
        }
    elif kind == "AZLogicApp":
        data["properties"] = {"state": "Enabled", "provisioningState": "Succeeded"}
    data["type"] = spec["type"]
    data["subscriptionId"] = sub_id(sub)
    data["resourceGroupId"] = up(rg_scope(rg))
    if kind != "AZVM":
        data["resourceGroupName"] = rg
    data["tenantId"] = up(TENANT_ID)
    records = [ah(kind, data)]
    relevant = [(s, r, k) for s, r, k, _ in RBAC if applies(s, rid, below=True)]
    if kind == "AZVM":
        entries = [
            {"roleAssignment": ah_arm_assignment(s, r, k, rid), "virtualMachineId": up(rid)} for s, r, k in relevant
        ]
        records.append(ah(ra_kind, {"roleAssignments": entries or None, "virtualMachineId": up(rid)}))
    else:
        entries = [
            {"assignee": ah_arm_assignment(s, r, k, rid), "objectId": up(rid), "roleDefinitionId": AZURE_ROLES[r]}
            for s, r, k in relevant
        ]
        records.append(ah(ra_kind, {"assignees": entries or None, "objectId": up(rid)}))
    return records


def ah_key_vault() -> list[Doc]:
    vault = key_vault_doc()
    props = vault["properties"]
    data: Doc = {
        "id": up(KV_ID),
        "location": LOCATION,
        "name": KEY_VAULT["name"],
        "properties": strip_empty(
            {
                "accessPolicies": props["accessPolicies"],
                "enableRbacAuthorization": False,
                "enableSoftDelete": True,
                "sku": props["sku"],
                "softDeleteRetentionInDays": 90,
                "tenantId": TENANT_ID,
                "vaultUri": KV_URI,
            }
        ),
        "type": "Microsoft.KeyVault/vaults",
        "subscriptionId": sub_id(RESOURCE_GROUPS[KEY_VAULT["rg"]]),
        "resourceGroup": up(KEY_VAULT["rg"]),
        "tenantId": up(TENANT_ID),
    }
    records = [ah("AZKeyVault", data)]
    for key, perms in ACCESS_POLICIES:
        records.append(
            ah(
                "AZKeyVaultAccessPolicy",
                {
                    "applicationId": "",
                    "objectId": up(principal(key)["id"]),
                    "permissions": {name: perms.get(name) for name in ("certificates", "keys", "secrets", "storage")},
                    "tenantId": TENANT_ID,
                    "keyVaultId": up(KV_ID),
                },
            )
        )
    entries = [
        {"roleAssignment": ah_arm_assignment(s, r, k, KV_ID), "virtualMachineId": up(KV_ID)}
        for s, r, k, _ in RBAC
        if applies(s, KV_ID, below=True)
    ]
    records.append(ah("AZKeyVaultRoleAssignment", {"roleAssignments": entries or None, "keyVaultId": up(KV_ID)}))
    return records


def write_azurehound(path: Path) -> None:
    """`azurehound list -o FILE`: '{\\n\\t"data": [\\n\\t\\t{...},\\n...\\n\\t],\\n\\t"meta": {...}\\n}\\n'."""
    records = azurehound_records()
    lines = ",\n".join("\t\t" + json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in records)
    meta = json.dumps({"type": "azure", "version": 5, "count": len(records)}, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{\n\t"data": [\n' + lines + '\n\t],\n\t"meta": ' + meta + "\n}\n", encoding="utf-8")


# =========================================================================== self-checks
def check_consistency() -> None:
    """Every id a document refers to exists (except the orphaned agent user's parent, on purpose)."""
    known = {GRAPH_SP_ID}
    known |= {user_id(k) for k in USERS} | {user_id(AGENT_USER["key"])} | {group_id(k) for k in GROUPS}
    known |= {sp_id(k) for k in APPS} | {sp_id(k) for k in FOREIGN_SPS} | {sp_id(k) for k in AGENT_IDENTITIES}
    known |= {sp_id(BLUEPRINT["key"])} | {mi_principal_id(k) for k in managed_identities()}
    for doc in app_role_assignments():
        assert doc["principalId"] in known and doc["resourceId"] == GRAPH_SP_ID
    for doc in role_assignments() + eligibility_schedules():
        assert doc["principalId"] in known, doc
    for doc in oauth2_grants():
        assert doc["clientId"] in known and (doc["principalId"] is None or doc["principalId"] in known)
    for _, _, key, _ in RBAC:
        assert principal(key)["id"] in known
    for key, _ in ACCESS_POLICIES:
        assert principal(key)["id"] in known
    assert DELETED_AGENT_IDENTITY not in known
    app_objects = {app_object_id(k) for k in APPS}
    for _, _, scope in DIRECTORY_ROLE_ASSIGNMENTS:
        assert scope == "/" or directory_scope(scope)[1:] in app_objects
    text = json.dumps([all_service_principals(), [application_doc(k, s) for k, s in APPS.items()], secret_docs()])
    assert "secretText" not in text  # no secret value, not even the always-null field


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="directory to write the `collect azure` layout into")
    parser.add_argument("--azurehound", type=Path, help="file to write the same tenant as AzureHound output into")
    args = parser.parse_args()
    if not (args.out or args.azurehound):
        args.out = Path("sample_data/azure")
        args.azurehound = Path("tests/fixtures/azure/azurehound.json")
    check_consistency()
    if args.out:
        write_directory(args.out)
    if args.azurehound:
        write_azurehound(args.azurehound)


if __name__ == "__main__":
    main()
