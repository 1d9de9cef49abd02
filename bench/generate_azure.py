"""Generate a synthetic Microsoft Entra tenant with Azure subscriptions for benchmarks, in the `collect azure` layout.

    python bench/generate_azure.py --service-principals 10000 [--subscriptions 10] --out /tmp/azure-10k [--seed 1]

The files have exactly the shapes of the hand-made sample_data/azure (bench/sample_azure.py, whose shape helpers
this script imports): Microsoft Graph pages (v1.0, beta where the connector README says so; a listing of more than
999 objects is an array of 999-object pages chained by `@odata.nextLink`, as a paging collector writes it) and
Azure Resource Manager arrays as `az ... -o json` prints them (2-space indentation, sorted keys). The layout is
nhi_scan/connectors/azure/README.md's directory convention. `--service-principals` counts every object of
graph/servicePrincipals.json: Microsoft's own (Microsoft Graph and six others), the tenant's applications (~80%),
apps of other tenants (~4%), managed identities (~15%: system-assigned on VMs, Function Apps, web apps, Logic Apps
and Automation accounts; user-assigned attached to 0-3 resources), agent identity blueprints and agent identities.
Subscriptions default to one per 1,000 service principals (at least 2), under five management groups below the
tenant root. The same arguments give byte-identical files whatever PYTHONHASHSEED. The big Graph listings are
written page by page and ARM files subscription by subscription: no document is kept, only the plan of every
principal (names, ids, homes, Graph permissions; ~135 MB peak at 100,000). Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import hashlib
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aws_catalog as cat  # the name vocabulary (apps, people, vendors) shared with the AWS and GCP generators
import sample_azure as sa  # the shapes: one JSON layout for the hand-made sample and for the synthetic tenants
from _generated import warn_stray_files
from sample_azure import (
    DOMAIN,
    FIC_AUDIENCE,
    GITHUB_ISSUER,
    GRAPH,
    GRAPH_APP_ID,
    GRAPH_BETA,
    GRAPH_SP_ID,
    INITIAL_DOMAIN,
    MICROSOFT_SERVICES_TENANT,
    TENANT_ID,
    USER_SELECT,
    app_client_id,
    app_object_id,
    b64url,
    group_id,
    guid,
    guid_b64,
    mi_client_id,
    mi_principal_id,
    page,
    sp_id,
    user_id,
)

Doc = dict[str, Any]

#: Scans are judged at 2026-11-29 (use --now 2026-11-29T00:00:00Z); the export was taken the day before.
EXPORTED = datetime(2026, 11, 28, 6, 12, 40, tzinfo=UTC)
PAGE_SIZE = 999  # $top=999, the largest page Graph gives for directory objects
LOCATIONS = ("westeurope", "westeurope", "westeurope", "northeurope", "uksouth", "swedencentral", "eastus2")
ENVS = ("prod", "prod", "prod", "staging", "dev", "dev", "test")
APP_KINDS = (
    "api",
    "web",
    "worker",
    "sync",
    "etl",
    "deploy",
    "ci",
    "connector",
    "portal",
    "bot",
    "automation",
    "reporting",
    "integration",
    "scheduler",
    "exporter",
    "backend",
    "gateway",
    "terraform",
    "monitor",
    "backup",
)
PRODUCTS = ("Connector", "Integration", "Sync", "Cloud Backup", "SSO", "Reader", "Monitoring", "Export", "Analytics")
AGENT_ROLES = ("support", "triage", "sales", "finance", "it-helpdesk", "research", "onboarding")
AGENT_REGIONS = ("emea", "apac", "amer", "uk", "nordics", "dach")
GUEST_DOMAINS = ("contractor.example", "partner.example", "auditfirm.example", "vendor.example", "agency.example")
JOBS = (
    "Software Engineer",
    "Senior Software Engineer",
    "Platform Engineer",
    "Data Engineer",
    "Site Reliability Engineer",
    "Identity Engineer",
    "Security Engineer",
    "Engineering Manager",
    "Product Manager",
    "Analyst",
    "IT Administrator",
    None,
)

#: Microsoft's first-party apps present in every tenant (appId as Microsoft publishes it) besides Microsoft Graph.
MICROSOFT_APPS = (
    ("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
    ("Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"),
    ("Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"),
    ("Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"),
    ("Microsoft Azure CLI", "04b07795-8ddb-461a-bbee-02f9e1bf7b46"),
    ("Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"),
)

# --------------------------------------------------------------------------- Microsoft Graph application permissions
#: value -> app role id, as Microsoft publishes them (nhi_scan/policy/azure/data/graph-app-roles.json; the seven the
#: sample uses are sample_azure's)
GRAPH_ROLES: dict[str, str] = {
    "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
    "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Sites.Read.All": "332a536c-c7ef-4017-ab91-336970924f0d",
    "Sites.ReadWrite.All": "9492366f-7969-46a4-8d15-ed1a20078fff",
    "Mail.Send": "b633e1c5-b582-4048-a93e-9f11b44c7e96",
    "Mail.Read": "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
    "Files.Read.All": "01d4889c-1287-42c6-ac1f-5d1e02578ef6",
    "Files.ReadWrite.All": "75359482-378d-4052-8f01-80520e7db3cd",
    "Calendars.Read": "798ee544-9d2d-430c-a058-570e29e34338",
    "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da",
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Reports.Read.All": "230c1aed-a721-4c5d-9cb4-a90514e508ef",
    "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
    "Device.Read.All": "7438b122-aefc-4978-80ed-43db9fcc7715",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
    "RoleManagement.ReadWrite.Directory": "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8",
    "GroupMember.ReadWrite.All": "dbaae8cf-10b5-4b86-a4a1-f871c94c6695",
    "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
    "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
    "Group.ReadWrite.All": "62a82d76-70ea-41e2-9197-370581804d09",
    "User.ReadWrite.All": "741f803b-c850-494e-b5df-cde7c675a1ca",
}
#: (displayName, description) of the permissions the sample's Microsoft Graph principal does not list
GRAPH_ROLE_TEXT: dict[str, tuple[str, str]] = {
    "Group.Read.All": (
        "Read all groups",
        "Allows the app to read group properties and memberships, and read conversations for all groups, without a "
        "signed-in user.",
    ),
    "Sites.ReadWrite.All": (
        "Read and write items in all site collections",
        "Allows the app to create, read, update, and delete documents and list items in all site collections "
        "without a signed in user.",
    ),
    "Mail.Send": ("Send mail as any user", "Allows the app to send mail as any user without a signed-in user."),
    "Mail.Read": (
        "Read mail in all mailboxes",
        "Allows the app to read mail in all mailboxes without a signed-in user.",
    ),
    "Files.Read.All": (
        "Read files in all site collections",
        "Allows the app to read all files in all site collections without a signed in user.",
    ),
    "Files.ReadWrite.All": (
        "Read and write files in all site collections",
        "Allows the app to read, create, update and delete all files in all site collections without a signed in user.",
    ),
    "Calendars.Read": (
        "Read calendars in all mailboxes",
        "Allows the app to read events of all calendars without a signed-in user.",
    ),
    "AuditLog.Read.All": (
        "Read all audit log data",
        "Allows the app to read and query your audit log activities, without a signed-in user.",
    ),
    "Reports.Read.All": (
        "Read all usage reports",
        "Allows an app to read all service usage reports without a signed-in user.",
    ),
    "Organization.Read.All": (
        "Read organization information",
        "Allows the app to read the organization and related resources, without a signed-in user.",
    ),
    "Device.Read.All": (
        "Read all devices",
        "Allows the app to read your organization's devices' configuration information without a signed-in user.",
    ),
    "GroupMember.ReadWrite.All": (
        "Read and write all group memberships",
        "Allows the app to list groups, read basic properties, read and update the membership of the groups this "
        "app has access to without a signed-in user.",
    ),
    "Application.ReadWrite.OwnedBy": (
        "Manage apps that this app creates or owns",
        "Allows the app to create other applications, and fully manage those applications (read, update, update "
        "application secrets and delete), without a signed-in user.",
    ),
    "Directory.ReadWrite.All": (
        "Read and write directory data",
        "Allows the app to read and write data in your organization's directory, such as users, and groups, "
        "without a signed-in user. Does not allow user or group deletion.",
    ),
    "Group.ReadWrite.All": (
        "Read and write all groups",
        "Allows the app to create groups, read all group properties and memberships, update group properties and "
        "memberships, and delete groups, without a signed-in user.",
    ),
    "User.ReadWrite.All": (
        "Read and write all users' full profiles",
        "Allows the app to read and update user profiles without a signed in user.",
    ),
}
#: (permission, weight) of the everyday ones
HARMLESS: tuple[tuple[str, int], ...] = (
    ("User.Read.All", 30),
    ("Group.Read.All", 10),
    ("Directory.Read.All", 8),
    ("Sites.Read.All", 6),
    ("Mail.Send", 6),
    ("Files.Read.All", 5),
    ("Application.Read.All", 5),
    ("Calendars.Read", 4),
    ("AuditLog.Read.All", 4),
    ("Reports.Read.All", 4),
    ("Organization.Read.All", 4),
    ("Mail.Read", 3),
    ("Device.Read.All", 3),
    ("Sites.ReadWrite.All", 2),
    ("Files.ReadWrite.All", 1),
)
#: (permission, probability per application): the tier-0 and near-tier-0 ones; the first four always appear
POWERFUL: tuple[tuple[str, float], ...] = (
    ("Application.ReadWrite.All", 0.004),
    ("AppRoleAssignment.ReadWrite.All", 0.0012),
    ("RoleManagement.ReadWrite.Directory", 0.0012),
    ("GroupMember.ReadWrite.All", 0.003),
    ("Application.ReadWrite.OwnedBy", 0.003),
    ("Group.ReadWrite.All", 0.002),
    ("User.ReadWrite.All", 0.001),
    ("Directory.ReadWrite.All", 0.0008),
)

# --------------------------------------------------------------------------- Entra directory roles
#: name -> (templateId, isPrivileged, description); the first five are sample_azure's
EXTRA_DIRECTORY_ROLES: dict[str, tuple[str, bool, str]] = {
    "User Administrator": (
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
        True,
        "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
    ),
    "Reports Reader": ("4a5d8f65-41da-4de4-8968-e035b65339cf", False, "Can read sign-in and audit reports."),
}
DIRECTORY_ROLES = {name: str(spec["templateId"]) for name, spec in sa.ROLES.items()} | {
    name: spec[0] for name, spec in EXTRA_DIRECTORY_ROLES.items()
}

# --------------------------------------------------------------------------- Azure RBAC built-in roles
AZURE_ROLES = {  # roleName -> built-in role definition GUID (shared/data/azure-built-in-roles.json)
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Virtual Machine Contributor": "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    "Website Contributor": "de139f84-1756-47ae-9be6-808fbbe84772",
    "Logic App Contributor": "87a39d53-fc1b-424a-814c-f7e04687dc9e",
    "Automation Contributor": "f353d9bd-d4a6-484e-a77a-8050b599b867",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
    "Monitoring Reader": "43d0d8ad-25c7-4714-9337-8ba259a9fe05",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Key Vault Reader": "21090545-7ca7-4776-b22c-e363652d74d2",
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
}
#: (role, scope kind, weight) for an application's service principal; scope kinds: sub, rg, or a resource kind
APP_RBAC: tuple[tuple[str, str, float], ...] = (
    ("Reader", "sub", 10),
    ("Reader", "rg", 12),
    ("Contributor", "rg", 12),
    ("Contributor", "sub", 2.5),
    ("Owner", "rg", 1),
    ("Owner", "sub", 0.4),
    ("User Access Administrator", "sub", 0.15),
    ("User Access Administrator", "rg", 0.2),
    ("Role Based Access Control Administrator", "rg", 0.3),
    ("Virtual Machine Contributor", "rg", 3),
    ("Virtual Machine Contributor", "vm", 2),
    ("Website Contributor", "rg", 2),
    ("Website Contributor", "site", 3),
    ("Logic App Contributor", "rg", 1),
    ("Automation Contributor", "rg", 0.7),
    ("Managed Identity Operator", "uai", 0.5),
    ("Monitoring Reader", "sub", 3),
    ("Key Vault Secrets User", "vault", 8),
    ("Key Vault Secrets Officer", "vault", 2),
    ("Key Vault Reader", "vault", 2),
    ("Key Vault Administrator", "vault", 0.5),
    ("Storage Blob Data Reader", "storage", 8),
    ("Storage Blob Data Contributor", "storage", 5),
    ("custom", "sub", 2),
)
#: the same for a managed identity (mostly data-plane roles on the resources next to it)
MI_RBAC: tuple[tuple[str, str, float], ...] = (
    ("Storage Blob Data Reader", "storage", 14),
    ("Storage Blob Data Contributor", "storage", 10),
    ("Key Vault Secrets User", "vault", 14),
    ("Key Vault Crypto User", "vault", 2),
    ("Reader", "rg", 10),
    ("Reader", "sub", 3),
    ("Contributor", "rg", 5),
    ("Contributor", "sub", 0.8),
    ("Owner", "sub", 0.3),
    ("Website Contributor", "site", 1.5),
    ("Virtual Machine Contributor", "rg", 1),
    ("Monitoring Reader", "sub", 3),
    ("Managed Identity Operator", "uai", 0.5),
    ("custom", "sub", 1),
)
CUSTOM_ROLES: tuple[tuple[str, str, list[str], list[str]], ...] = (
    # (roleName, description, actions, dataActions)
    (
        "Northwind VM Operator",
        "Start, stop and restart virtual machines",
        [
            "Microsoft.Compute/virtualMachines/read",
            "Microsoft.Compute/virtualMachines/start/action",
            "Microsoft.Compute/virtualMachines/restart/action",
            "Microsoft.Compute/virtualMachines/deallocate/action",
        ],
        [],
    ),
    (
        "Northwind Deployment Operator",
        "Deploy ARM templates and update app settings",
        [
            "Microsoft.Resources/deployments/*",
            "Microsoft.Resources/subscriptions/resourceGroups/read",
            "Microsoft.Web/sites/config/write",
            "Microsoft.Web/sites/restart/action",
        ],
        [],
    ),
    (
        "Northwind Secret Reader",
        "Read secrets of the team's vaults",
        ["Microsoft.KeyVault/vaults/read"],
        ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
    ),
    (
        "Northwind Run Command",
        "Run scripts on virtual machines (break-fix)",
        ["Microsoft.Compute/virtualMachines/read", "Microsoft.Compute/virtualMachines/runCommand/action"],
        [],
    ),
)
BLOB_CONDITION = (
    "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR "
    "(@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'exports'))"
)
RBAC_ADMIN_CONDITION = (
    "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
    "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals "
    "{acdd72a7-3385-48ef-bd42-f606fba81ae7, 4633458b-17de-408a-b874-0445c86b69e6}))"
)
#: system-assigned workloads: (ARM type, name prefix, weight)
WORKLOAD_TYPES = (
    ("Microsoft.Compute/virtualMachines", "vm", 35),
    ("Microsoft.Web/sites", "func", 25),
    ("Microsoft.Web/sites", "app", 15),
    ("Microsoft.Logic/workflows", "logic", 15),
    ("Microsoft.Automation/automationAccounts", "aa", 10),
)

#: management groups below the tenant root: name -> (display name, parent, share of subscriptions)
ROOT_MG = TENANT_ID
MANAGEMENT_GROUPS: dict[str, tuple[str, str | None]] = {
    ROOT_MG: ("Tenant Root Group", None),
    "nw-platform": ("Northwind Platform", ROOT_MG),
    "nw-landing-zones": ("Northwind Landing Zones", ROOT_MG),
    "nw-prod": ("Production", "nw-landing-zones"),
    "nw-nonprod": ("Non-production", "nw-landing-zones"),
    "nw-sandbox": ("Sandbox", ROOT_MG),
}
SUBSCRIPTION_HOMES = (("nw-prod", "prod", 45), ("nw-nonprod", "nonprod", 35), ("nw-sandbox", "sandbox", 12))


# --------------------------------------------------------------------------- time and id helpers
def zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def arm_time(moment: datetime) -> str:
    """az's createdOn / updatedOn: microseconds and +00:00."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def settled(moment: datetime) -> datetime:
    """A moment no later than an hour before the export (grants made a while after what they grant to)."""
    return min(moment, EXPORTED - timedelta(hours=1))


def age_days(moment: datetime) -> float:
    return max(0.0, (EXPORTED - moment).total_seconds() / 86400)


def mg_scope(name: str) -> str:
    return f"/providers/Microsoft.Management/managementGroups/{name}"


def mg_ancestors(name: str) -> list[str]:
    chain: list[str] = []
    current: str | None = name
    while current:
        chain.append(current)
        current = MANAGEMENT_GROUPS[current][1]
    return chain


def token(seed: str) -> str:
    return b64url(hashlib.sha256(seed.encode()).digest()[:30])


# --------------------------------------------------------------------------- the estate, decided up front
class SP:
    """One service principal (and its application where it has one): what other files refer to."""

    __slots__ = ("app_id", "audience", "created", "disabled", "id", "kind", "name", "perms", "res", "rg", "sub")

    def __init__(self, kind: str, name: str, sp_object_id: str, app_id: str, created: datetime) -> None:
        self.kind = kind  # graph ms app foreign mi-system mi-user blueprint agent
        self.name = name  # also the key of sample_azure's id helpers
        self.id = sp_object_id
        self.app_id = app_id
        self.created = created
        self.disabled = False
        self.audience = "AzureADMyOrg"
        self.perms: tuple[str, ...] = ()  # Microsoft Graph application permissions granted
        self.sub = -1  # home subscription (apps: where their RBAC grants mostly are; managed identities: where)
        self.rg = ""  # managed identities: resource group
        self.res: tuple[str, str] | None = None  # system-assigned: (ARM type, resource name); foreign: (tenant, pub)


class User:
    __slots__ = ("created", "display", "guest", "id", "job", "key", "mail", "sign_in", "upn")

    def __init__(self, key: str, display: str, upn: str, mail: str, guest: bool, created: datetime) -> None:
        self.key, self.display, self.upn, self.mail, self.guest, self.created = key, display, upn, mail, guest, created
        self.id = user_id(key)
        self.job: str | None = None
        self.sign_in: int | None = None


class Group:
    __slots__ = ("assignable", "created", "description", "id", "key", "name")

    def __init__(self, key: str, name: str, description: str, assignable: bool, created: datetime) -> None:
        self.key, self.name, self.description, self.assignable, self.created = (
            key,
            name,
            description,
            assignable,
            created,
        )
        self.id = group_id(key)


class Subscription:
    __slots__ = ("apps", "env", "extra", "id", "index", "mg", "mis", "name", "rgs")

    def __init__(self, index: int, sub_id: str, name: str, mg: str, env: str) -> None:
        self.index, self.id, self.name, self.mg, self.env = index, sub_id, name, mg, env
        self.apps: list[int] = []  # SP indices homed here
        self.mis: list[int] = []
        self.extra: list[int] = []  # SPs homed elsewhere with a grant here too
        self.rgs: list[str] = []


Ref = tuple[str, int]  # ("u", user index) / ("g", group index) / ("s", SP index)


class Estate:
    def __init__(self, service_principals: int, subscriptions: int, rng: random.Random) -> None:
        self.rng = r = rng
        self.taken: set[str] = set()  # display names and resource names in use (look-ups only, never iterated)
        self.sps: list[SP] = []
        n = service_principals
        self.counts = {
            "blueprint": max(1, n // 2500),
            "agent": max(2, n // 400),
            "foreign": max(2, round(n * 0.04)),
        }
        mi = round(n * 0.15)
        self.counts["mi-user"] = round(mi * 0.35)
        self.counts["mi-system"] = mi - self.counts["mi-user"]
        self.counts["app"] = n - 1 - len(MICROSOFT_APPS) - sum(self.counts.values())
        if self.counts["app"] < 20:
            raise ValueError("too few service principals: give at least 60")
        # people and groups first: owners, sponsors and members refer to them
        self.users = self._users(max(20, n // 5))
        self.members = [i for i, u in enumerate(self.users) if not u.guest]
        self.guests = [i for i, u in enumerate(self.users) if u.guest]
        self.groups = self._groups(max(8, n // 100))
        self.assignable = [i for i, g in enumerate(self.groups) if g.assignable]
        self.subs = self._subscriptions(subscriptions)
        weights = [r.lognormvariate(0, 0.7) for _ in self.subs]
        self.sub_weights = [sum(weights[: i + 1]) for i in range(len(weights))]
        # Microsoft's principals, then every other kind shuffled (Graph lists objects in no meaningful order)
        graph = SP("graph", "Microsoft Graph", GRAPH_SP_ID, GRAPH_APP_ID, datetime(2019, 3, 11, 8, 1, 2, tzinfo=UTC))
        self.sps.append(graph)
        for name, app_id in MICROSOFT_APPS:
            created = datetime(2019, 3, 11, 8, r.randint(1, 59), r.randint(0, 59), tzinfo=UTC)
            self.sps.append(SP("ms", name, guid(f"sp:ms:{app_id}"), app_id, created))
        kinds = [
            k for k in ("app", "foreign", "mi-system", "mi-user", "blueprint", "agent") for _ in range(self.counts[k])
        ]
        r.shuffle(kinds)
        blueprint_sps: list[int] = []
        for kind in kinds:
            sp = getattr(self, "_" + kind.replace("-", "_"))()
            self.sps.append(sp)
            if kind == "blueprint":
                blueprint_sps.append(len(self.sps) - 1)
        self.blueprints = blueprint_sps
        self.apps = [i for i, sp in enumerate(self.sps) if sp.kind == "app"]
        self.mis = [i for i, sp in enumerate(self.sps) if sp.kind.startswith("mi-")]
        for i, sp in enumerate(self.sps):
            if sp.kind == "agent":
                sp.res = ("blueprint", str(r.choice(self.blueprints)))
            if sp.kind == "app":
                self.subs[sp.sub].apps.append(i)
            elif sp.kind.startswith("mi-"):
                self.subs[sp.sub].mis.append(i)
            extra = {"app": 0.05, "agent": 0.3, "foreign": 0.06}.get(sp.kind, 0.0)
            if r.random() < extra:
                self.subs[self.pick_sub()].extra.append(i)
        self._graph_permissions()
        self.directory_roles, self.eligible = self._directory_roles()
        self.mg_rbac = self._mg_rbac()

    # ------------------------------------------------------------------ helpers
    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def days_ago(self, days: float) -> datetime:
        return EXPORTED - timedelta(seconds=int(days * 86400))

    def pick_sub(self) -> int:
        return bisect.bisect_left(self.sub_weights, self.rng.random() * self.sub_weights[-1])

    def unique(self, base: str, sep: str = "-") -> str:
        name, n = base, 2
        while name in self.taken:
            name, n = f"{base}{sep}{n}", n + 1
        self.taken.add(name)
        return name

    def created(self) -> datetime:
        """Creation times from 2018, more of them recent."""
        return self.days_ago(min(3150.0, self.rng.expovariate(1 / 900)) + 1)

    # ------------------------------------------------------------------ people, groups, subscriptions
    def _users(self, count: int) -> list[User]:
        r = self.rng
        users: list[User] = []
        seen: set[str] = set()
        for _ in range(count):
            first, last = r.choice(cat.FIRST), r.choice(cat.LAST)
            local, n = f"{first}.{last}".lower(), 2
            while local in seen:
                local, n = f"{first}.{last}{n}".lower(), n + 1
            seen.add(local)
            created = self.created()
            if r.random() < 0.08:
                domain = r.choice(GUEST_DOMAINS)
                upn = f"{local}_{domain}#EXT#@{INITIAL_DOMAIN}"
                user = User(
                    local,
                    f"{first.capitalize()} {last.capitalize()} ({domain.split('.')[0].capitalize()})",
                    upn,
                    f"{local}@{domain}",
                    True,
                    created,
                )
                last_seen = r.choice((None, r.randint(1, 60), r.randint(30, 500)))
                user.sign_in = None if last_seen is None else min(last_seen, int(age_days(created)))
            else:
                upn = f"{local}@{DOMAIN}"
                user = User(local, f"{first.capitalize()} {last.capitalize()}", upn, upn, False, created)
                user.job = r.choice(JOBS)
                recent = r.choice((r.uniform(0, 3), r.uniform(0, 40), r.uniform(0, 400)))
                user.sign_in = None if r.random() < 0.06 else int(min(recent, age_days(created)))
            users.append(user)
        return users

    def _groups(self, count: int) -> list[Group]:
        r = self.rng
        fixed = (
            ("Tier0 Privileged Role Admins", "Holds Privileged Role Administrator (role-assignable)", True),
            ("Cloud Application Admins", "Manages app registrations (role-assignable)", True),
            ("Platform Engineers", "Platform engineering team", False),
            ("Security Operations", "Security operations centre", False),
            ("Developers", "Every developer", False),
            ("Contractors", "External contractors (guests)", False),
        )
        groups = [Group(f"g:{n}", n, d, a, self.created()) for n, d, a in fixed]
        for _ in range(count - len(fixed)):
            app = r.choice(cat.APPS)
            name = self.unique(
                f"{app.capitalize()} {r.choice(('Developers', 'Operators', 'Readers', 'Admins', 'Data', 'On-call'))}",
                " ",
            )
            assignable = r.random() < 0.04
            groups.append(
                Group(
                    f"g:{name}",
                    name,
                    f"{app} team ({'role-assignable' if assignable else 'security'})",
                    assignable,
                    self.created(),
                )
            )
        return groups

    def _subscriptions(self, count: int) -> list[Subscription]:
        r = self.rng
        subs: list[Subscription] = []
        homes = list(SUBSCRIPTION_HOMES)
        for index in range(count):
            if index == 0:
                mg, env = "nw-prod", "prod"
            elif index == 1:
                mg, env = "nw-nonprod", "nonprod"
            elif index == 2:
                mg, env = "nw-platform", "platform"
            else:
                mg, env, _ = r.choices(homes, [w for _, _, w in homes])[0]
            app = "platform" if env == "platform" else r.choice(cat.APPS)
            name = self.unique(f"nw-{env}-{app}")
            subs.append(Subscription(index, guid(f"subscription:{name}"), name, mg, env))
        for sub in subs:
            for _ in range(3):
                sub.rgs.append(self.unique(f"rg-{sub.name[3:]}-{r.choice(('shared', 'network', 'data', 'apps'))}"))
        return subs

    def rg_of(self, sub: int) -> str:
        """A resource group of ``sub``: reuse one, or add one (about one per 40 identities)."""
        s = self.subs[sub]
        if self.rng.random() < 1 / 40 or not s.rgs:
            s.rgs.append(self.unique(f"rg-{self.rng.choice(cat.APPS)}-{s.env}"))
        return self.rng.choice(s.rgs)

    # ------------------------------------------------------------------ service principals by kind
    def _app(self) -> SP:
        r = self.rng
        app, kind, env = r.choice(cat.APPS), r.choice(APP_KINDS), r.choice(ENVS)
        pick = r.random()
        if pick < 0.7:
            base = f"{app}-{kind}-{env}"
        elif pick < 0.9:
            base = f"{app.capitalize()} {kind.upper() if kind in ('api', 'ci', 'etl') else kind.capitalize()} ({env})"
        else:
            base = f"sp-{app}-{r.randint(1, 99):02d}"
        name = self.unique(base)
        sp = SP("app", name, sp_id(name), app_client_id(name), self.created())
        sp.disabled = r.random() < 0.02
        sp.audience = "AzureADMultipleOrgs" if r.random() < 0.04 else "AzureADMyOrg"
        sp.sub = self.pick_sub()
        return sp

    def _foreign(self) -> SP:
        r = self.rng
        vendor = r.choice(cat.VENDORS)
        name = self.unique(f"{vendor.capitalize()} {r.choice(PRODUCTS)}", " ")
        sp = SP("foreign", name, sp_id(name), app_client_id(name), self.created())
        sp.audience = "AzureADMultipleOrgs"
        sp.res = (guid(f"tenant:{vendor}"), f"{vendor.capitalize()}, Inc." if r.random() < 0.6 else "")
        return sp

    def _mi_system(self) -> SP:
        r = self.rng
        rtype, prefix, _ = r.choices(WORKLOAD_TYPES, [w for _, _, w in WORKLOAD_TYPES])[0]
        sub = self.pick_sub()
        env = self.subs[sub].env
        name = self.unique(f"{prefix}-{r.choice(cat.APPS)}-{env}-{r.randint(1, 99):02d}")
        key = f"system:{name}"
        sp = SP("mi-system", name, mi_principal_id(key), mi_client_id(key), self.created())
        sp.sub, sp.rg, sp.res = sub, self.rg_of(sub), (rtype, name)
        return sp

    def _mi_user(self) -> SP:
        r = self.rng
        sub = self.pick_sub()
        name = self.unique(f"id-{r.choice(cat.APPS)}-{r.choice(APP_KINDS)}")
        sp = SP("mi-user", name, mi_principal_id(name), mi_client_id(name), self.created())
        sp.sub, sp.rg = sub, self.rg_of(sub)
        return sp

    def _blueprint(self) -> SP:
        r = self.rng
        name = self.unique(f"{r.choice(AGENT_ROLES).replace('-', ' ').title()} Agent Blueprint", " ")
        return SP("blueprint", name, sp_id(name), app_client_id(name), self.days_ago(r.uniform(20, 400)))

    def _agent(self) -> SP:
        r = self.rng
        name = self.unique(f"{r.choice(AGENT_ROLES)}-agent-{r.choice(AGENT_REGIONS)}")
        return SP("agent", name, sp_id(name), guid(f"agentAppId:{name}"), self.days_ago(r.uniform(1, 300)))

    # ------------------------------------------------------------------ grants decided up front
    def _graph_permissions(self) -> None:
        r = self.rng
        names, weights = [n for n, _ in HARMLESS], [w for _, w in HARMLESS]
        for sp in self.sps:
            chance = {"app": 0.35, "foreign": 0.6, "agent": 0.5, "mi-system": 0.04, "mi-user": 0.06}.get(sp.kind, 0)
            held: list[str] = []
            if r.random() < chance:
                count = r.choice((1, 1, 1, 2, 2, 3))
                held = list(dict.fromkeys(r.choices(names, weights, k=count)))
            if sp.kind in ("app", "foreign"):
                for perm, p in POWERFUL:
                    if r.random() < (p * 1.5 if sp.kind == "foreign" else p):
                        held.append(perm)
            sp.perms = tuple(held)
        for perm, _ in POWERFUL[:4]:  # "a few tier-0 ones" at every size
            if not any(perm in self.sps[i].perms for i in self.apps):
                target = self.sps[r.choice(self.apps)]
                target.perms = (*target.perms, perm)

    def _directory_roles(self) -> tuple[list[tuple[str, Ref, str]], list[tuple[str, Ref, str, datetime]]]:
        """(role, principal, directoryScopeId) active, and (role, principal, scope, since) PIM-eligible."""
        r, n = self.rng, len(self.sps)
        active: list[tuple[str, Ref, str]] = []
        seen: set[tuple[str, Ref, str]] = set()

        def add(role: str, who: Ref, scope: str = "/") -> None:
            if (role, who, scope) not in seen:
                seen.add((role, who, scope))
                active.append((role, who, scope))

        def app() -> Ref:
            return ("s", r.choice(self.apps))

        def app_scope() -> str:
            return "/" + app_object_id(self.sps[r.choice(self.apps)].name)

        for user in r.sample(self.members, 3):
            add("Global Administrator", ("u", user))
        add("Global Administrator", app())
        add("Privileged Role Administrator", ("g", 0))
        add("Cloud Application Administrator", ("g", 1))
        for _ in range(max(1, n // 10000)):
            add("Application Administrator", app())
        add("Application Administrator", ("u", r.choice(self.members)))
        for _ in range(max(2, n // 2000)):
            add("Application Administrator", app(), app_scope())
        for _ in range(max(1, n // 10000)):
            add("Cloud Application Administrator", app())
        for _ in range(max(1, n // 5000)):
            add("Cloud Application Administrator", app(), app_scope())
        add("User Administrator", app())
        for user in r.sample(self.members, 2):
            add("User Administrator", ("u", user))
        for _ in range(max(2, n // 100)):
            add("Directory Readers", app())
        for guest in r.sample(self.guests, min(len(self.guests), 2)):
            add("Directory Readers", ("u", guest))
        for _ in range(max(1, n // 500)):
            add("Reports Reader", app())
        eligible: list[tuple[str, Ref, str, datetime]] = []
        for user in r.sample(self.members, 2):
            eligible.append(("Global Administrator", ("u", user), "/", self.days_ago(r.uniform(30, 900))))
        eligible.append(("Global Administrator", app(), "/", self.days_ago(r.uniform(30, 500))))
        eligible.append(("Privileged Role Administrator", ("u", r.choice(self.members)), "/", self.days_ago(200)))
        for _ in range(max(1, n // 5000)):
            eligible.append(("Application Administrator", app(), "/", self.days_ago(r.uniform(10, 700))))
        eligible.append(("Cloud Application Administrator", ("g", 1), "/", self.days_ago(r.uniform(10, 700))))
        return active, eligible

    def _mg_rbac(self) -> list[tuple[str, str, Ref, datetime, str | None]]:
        """Assignments at management groups: (management group, role, principal, created, condition)."""
        r = self.rng
        found: list[tuple[str, str, Ref, datetime, str | None]] = []
        for user in r.sample(self.members, 2):
            found.append((ROOT_MG, "Owner", ("u", user), datetime(2019, 3, 11, 8, 30, 2, 481203, tzinfo=UTC), None))
        found.append((ROOT_MG, "Reader", ("g", 3), self.days_ago(r.uniform(300, 2000)), None))
        found.append((ROOT_MG, "User Access Administrator", ("s", r.choice(self.apps)), self.days_ago(400), None))
        foreign = [i for i, sp in enumerate(self.sps) if sp.kind == "foreign"]
        found.append((ROOT_MG, "Monitoring Reader", ("s", r.choice(foreign)), self.days_ago(r.uniform(30, 900)), None))
        found.append((ROOT_MG, "Reader", ("s", r.choice(self.mis)), self.days_ago(r.uniform(30, 900)), None))
        for _ in range(2):
            found.append(
                ("nw-landing-zones", "Contributor", ("s", r.choice(self.apps)), self.days_ago(r.uniform(30, 900)), None)
            )
        found.append(("nw-landing-zones", "Owner", ("g", 2), self.days_ago(r.uniform(300, 900)), None))
        found.append(("nw-platform", "Owner", ("s", r.choice(self.apps)), self.days_ago(r.uniform(30, 900)), None))
        found.append(("nw-prod", "Reader", ("g", 4), self.days_ago(r.uniform(30, 900)), None))
        found.append(("nw-nonprod", "Contributor", ("g", 4), self.days_ago(r.uniform(30, 900)), None))
        found.append(("nw-sandbox", "Owner", ("g", 4), self.days_ago(r.uniform(30, 900)), None))
        found.append(
            (
                "nw-landing-zones",
                "Role Based Access Control Administrator",
                ("s", r.choice(self.apps)),
                self.days_ago(90),
                RBAC_ADMIN_CONDITION,
            )
        )
        return found


# --------------------------------------------------------------------------- writing
class Generator:
    def __init__(self, estate: Estate, rng: random.Random, out: Path) -> None:
        self.e, self.rng, self.out = estate, rng, out
        self.files = 0
        self.bytes = 0
        self.counts = {"credentials": 0, "federated": 0, "rbac": 0, "resources": 0, "vaults": 0}
        self.exporter = estate.users[estate.members[0]]

    # ------------------------------------------------------------------ primitives
    def _write(self, relative: str, data: bytes) -> None:
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def put(self, relative: str, value: Any) -> None:
        """sample_azure.dump's formatting: 2-space indentation, a final newline; ARM (az) keys sorted."""
        text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=relative.startswith("arm/")) + "\n"
        self._write(relative, text.encode("utf-8"))

    def paged(self, relative: str, context: str, next_url: str, docs: Iterable[Doc]) -> int:
        """One Graph page, or past PAGE_SIZE objects an array of pages chained by @odata.nextLink, written a page
        at a time (the same text json.dumps(indent=2) gives for the whole array)."""
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        count, pages, pending = 0, 0, []
        buffer: list[Doc] = []
        with path.open("wb") as handle:

            def flush(values: list[Doc], last: bool) -> None:
                nonlocal pages
                body: Doc = {"@odata.context": context, "value": values}
                if not last:
                    body["@odata.nextLink"] = f"{next_url}&$skiptoken={token(f'{relative}:{pages}')}"
                text = json.dumps(body, indent=2, ensure_ascii=False).replace("\n", "\n  ")
                handle.write((("[\n  " if pages == 0 else ",\n  ") + text).encode("utf-8"))
                pages += 1

            for doc in docs:
                count += 1
                if len(buffer) == PAGE_SIZE:
                    pending, buffer = buffer, []
                    flush(pending, last=False)
                buffer.append(doc)
            if pages == 0:
                handle.write((json.dumps(page(context, buffer), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            else:
                flush(buffer, last=True)
                handle.write(b"\n]\n")
            self.bytes += handle.tell()
        self.files += 1
        return count

    def days_ago(self, days: float) -> datetime:
        return EXPORTED - timedelta(seconds=int(days * 86400))

    # ------------------------------------------------------------------ principals as other objects show them
    def info(self, ref: Ref) -> tuple[str, str, str, str]:
        """(object id, display name, ARM principalType, ARM principalName) of a principal."""
        kind, index = ref
        if kind == "u":
            u = self.e.users[index]
            return u.id, u.display, "User", u.upn
        if kind == "g":
            g = self.e.groups[index]
            return g.id, g.name, "Group", g.name
        sp = self.e.sps[index]
        return sp.id, sp.name, "ServicePrincipal", sp.app_id

    def directory_object(self, ref: Ref) -> Doc:
        """An owner / member / sponsor as `$expand=owners` and `/members` give it (as directory_object_ref)."""
        kind, index = ref
        if kind == "u":
            u = self.e.users[index]
            return {
                "@odata.type": "#microsoft.graph.user",
                "id": u.id,
                "displayName": u.display,
                "userPrincipalName": u.upn,
                "userType": "Guest" if u.guest else "Member",
            }
        if kind == "g":
            g = self.e.groups[index]
            return {"@odata.type": "#microsoft.graph.group", "id": g.id, "displayName": g.name}
        sp = self.e.sps[index]
        odata = {
            "agent": "#microsoft.graph.agentIdentity",
            "blueprint": "#microsoft.graph.agentIdentityBlueprintPrincipal",
        }.get(sp.kind, "#microsoft.graph.servicePrincipal")
        return {
            "@odata.type": odata,
            "id": sp.id,
            "displayName": sp.name,
            "appId": sp.app_id,
            "servicePrincipalType": "ManagedIdentity" if sp.kind.startswith("mi-") else "Application",
        }

    def owners(self, weights: tuple[int, ...] = (20, 55, 20, 5)) -> list[Ref]:
        r, e = self.rng, self.e
        found: list[Ref] = []
        for _ in range(r.choices((0, 1, 2, 3), weights)[0]):
            pick = r.random()
            if pick < 0.84:
                who: Ref = ("u", r.choice(e.members))
            elif pick < 0.9 and e.guests:
                who = ("u", r.choice(e.guests))
            else:
                who = ("s", r.choice(e.apps))
            if who not in found:
                found.append(who)
        return found

    # ------------------------------------------------------------------ credentials
    def credential_specs(
        self, name: str, created: datetime, certificates: float = 0.3
    ) -> list[tuple[str, str, str, str]]:
        """0-3 client secrets or certificates added since ``created``: (kind, displayName, start, end) as
        sample_azure.credentials reads them; ~14% expired and never removed."""
        r = self.rng
        specs = []
        for slot in range(r.choices((0, 1, 2, 3), (25, 50, 20, 5))[0]):
            if r.random() < certificates:
                kind, label = "certificate", f"CN={name.split(' ')[0].lower()}"
                lifetime = r.choice((365, 730, 730, 1095, 1825))
            else:
                kind, label = (
                    "password",
                    r.choice(
                        (f"{name[:24]}-secret", "pipeline", "terraform", f"rotation-{slot + 1}", "CWAP_AuthSecret", "")
                    ),
                )
                lifetime = r.choice((90, 180, 365, 365, 365, 730, 730, 730, 1095, 3650, 36500))
            age = age_days(created)
            if age > lifetime + 2 and r.random() < 0.14:
                end = self.days_ago(r.uniform(1, min(900, age - lifetime)))
                start = end - timedelta(days=lifetime)
            else:
                start = self.days_ago(r.uniform(0, min(lifetime, age, 1800)))
                end = start + timedelta(days=lifetime)
            specs.append((kind, label, zulu(start), zulu(end)))
        self.counts["credentials"] += len(specs)
        return specs

    def federated(self, name: str) -> list[tuple[str, str | None, str | None]]:
        """Federated credentials of an application: (name, subject, claimsMatchingExpression)."""
        r = self.rng
        repo = f"northwind/{name.split(' ')[0].split('-')[0].lower()}"  # the app's repository
        found: list[tuple[str, str | None, str | None]] = []
        for i in range(r.choice((1, 1, 2, 3))):
            pick = r.random()
            if pick < 0.12:
                found.append((f"github-flexible-{i}", None, f"claims['sub'] matches 'repo:{repo}:ref:refs/heads/*'"))
            elif pick < 0.17:
                found.append((f"github-any-{i}", None, "claims['sub'] matches 'repo:northwind/*'"))
            elif pick < 0.22:  # compared literally: matches no token GitHub issues
                found.append((f"github-star-{i}", f"repo:{repo}:*", None))
            else:
                subject = r.choice(
                    (
                        f"repo:{repo}:ref:refs/heads/main",
                        f"repo:{repo}:environment:prod",
                        f"repo:{repo}:environment:staging",
                        f"repo:{repo}:pull_request",
                        f"repo:{repo}:ref:refs/tags/v1",
                    )
                )
                found.append((f"github-{i}", subject, None))
        self.counts["federated"] += len(found)
        return found

    # ------------------------------------------------------------------ Microsoft Graph
    def graph(self) -> None:
        e = self.e
        self.put("graph/organization.json", page(f"{GRAPH}#organization", [sa.organization_doc()]))
        self.paged(
            "graph/applications.json",
            f"{GRAPH}#applications(owners(),federatedIdentityCredentials())",
            "https://graph.microsoft.com/v1.0/applications?$expand=owners,federatedIdentityCredentials&$top=999",
            self.applications(),
        )
        self.paged(
            "graph/servicePrincipals.json",
            f"{GRAPH}#servicePrincipals(owners())",
            "https://graph.microsoft.com/v1.0/servicePrincipals?$expand=owners&$top=999",
            self.service_principals(),
        )
        self.paged(
            "graph/appRoleAssignments.json",
            f"{GRAPH}#servicePrincipals('{GRAPH_SP_ID}')/appRoleAssignedTo",
            f"https://graph.microsoft.com/v1.0/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo?$top=999",
            self.app_role_assignments(),
        )
        self.paged(
            "graph/oauth2PermissionGrants.json",
            f"{GRAPH}#oauth2PermissionGrants",
            "https://graph.microsoft.com/v1.0/oauth2PermissionGrants?$top=999",
            self.oauth2_grants(),
        )
        definitions = sa.role_definitions() + [
            {
                "description": text,
                "displayName": name,
                "id": template,
                "isBuiltIn": True,
                "isPrivileged": privileged,
                "templateId": template,
            }
            for name, (template, privileged, text) in EXTRA_DIRECTORY_ROLES.items()
        ]
        self.put(
            "graph/roleDefinitions.json",
            page(
                f"{GRAPH}#roleManagement/directory/roleDefinitions(description,displayName,id,isBuiltIn,isPrivileged,"
                "templateId)",
                definitions,
            ),
        )
        self.paged(
            "graph/roleAssignments.json",
            f"{GRAPH}#roleManagement/directory/roleAssignments",
            "https://graph.microsoft.com/v1.0/roleManagement/directory/roleAssignments?$top=999",
            (self.role_assignment(role, who, scope) for role, who, scope in e.directory_roles),
        )
        self.paged(
            "graph/roleEligibilitySchedules.json",
            f"{GRAPH}#roleManagement/directory/roleEligibilitySchedules",
            "https://graph.microsoft.com/v1.0/roleManagement/directory/roleEligibilitySchedules?$top=999",
            (self.eligibility(role, who, scope, since) for role, who, scope, since in e.eligible),
        )
        self.paged(
            "graph/users.json",
            f"{GRAPH}#users({USER_SELECT})",
            f"https://graph.microsoft.com/v1.0/users?$select={USER_SELECT}&$top=999",
            self.users(),
        )
        self.paged(
            "graph/groups.json",
            f"{GRAPH}#groups(owners())",
            "https://graph.microsoft.com/v1.0/groups?$expand=owners&$top=999",
            self.groups(),
        )
        units = [
            {
                "deletedDateTime": None,
                "description": description,
                "displayName": name,
                "id": guid(f"au:{name}"),
                "isMemberManagementRestricted": None,
                "membershipRule": None,
                "membershipRuleProcessingState": None,
                "membershipType": None,
                "visibility": None,
            }
            for name, description in [("External Accounts", "Guest and contractor accounts")]
            + [(f"Region {i + 1}", f"Users of region {i + 1}") for i in range(len(e.sps) // 20000)]
        ]
        self.put("graph/administrativeUnits.json", page(f"{GRAPH}#directory/administrativeUnits", units))
        self.paged(
            "graph/servicePrincipalSignInActivities.json",
            f"{GRAPH_BETA}#reports/servicePrincipalSignInActivities",
            "https://graph.microsoft.com/beta/reports/servicePrincipalSignInActivities?$top=999",
            self.sign_ins(),
        )
        blueprints = []
        for index in e.blueprints:
            doc = sa.application_doc(e.sps[index].name, self.blueprint_spec(index), blueprint=True)
            doc.pop("owners")
            doc.pop("federatedIdentityCredentials")
            blueprints.append(doc)
        self.put(
            "graph/agentIdentityBlueprints.json",
            page(f"{GRAPH_BETA}#applications/microsoft.graph.agentIdentityBlueprint", blueprints),
        )
        self.paged(
            "graph/agentIdentities.json",
            f"{GRAPH_BETA}#servicePrincipals/microsoft.graph.agentIdentity(sponsors())",
            "https://graph.microsoft.com/beta/servicePrincipals/microsoft.graph.agentIdentity?$expand=sponsors&$top=999",
            (self.agent_identity(i, with_sponsors=True) for i, sp in enumerate(e.sps) if sp.kind == "agent"),
        )

    def blueprint_spec(self, index: int) -> Doc:
        """A blueprint's credentials are decided from its index alone: it is written twice (applications.json and
        agentIdentityBlueprints.json)."""
        sp = self.e.sps[index]
        start = sp.created + timedelta(minutes=8)
        return {
            "displayName": sp.name,
            "created": zulu(sp.created),
            "credentials": [("password", "agent-runtime", zulu(start), zulu(start + timedelta(days=365)))],
            "owners": [],
            "requires": [],
        }

    def required_access(self, perms: tuple[str, ...]) -> list[Doc]:
        access = [{"id": GRAPH_ROLES[p], "type": "Role"} for p in perms]
        return [{"resourceAccess": access, "resourceAppId": GRAPH_APP_ID}] if access else []

    def applications(self) -> Iterator[Doc]:
        r, e = self.rng, self.e
        orphans = 0
        for index, sp in enumerate(e.sps):
            if sp.kind == "blueprint":
                doc = sa.application_doc(sp.name, self.blueprint_spec(index), blueprint=True)
                doc["owners"] = [self.directory_object(o) for o in self.owners((10, 70, 20, 0))]
                if r.random() < 0.5:  # the blueprint authenticates with a managed identity's token
                    mi = e.sps[r.choice(e.mis)]
                    doc["federatedIdentityCredentials"] = [
                        {
                            "audiences": [FIC_AUDIENCE],
                            "description": None,
                            "id": guid(f"fic:{sp.name}:mi"),
                            "issuer": f"https://login.microsoftonline.com/{TENANT_ID}/v2.0",
                            "name": "runtime-managed-identity",
                            "subject": mi.id,
                        }
                    ]
                    self.counts["federated"] += 1
                yield doc
                continue
            if sp.kind != "app":
                continue
            fics = self.federated(sp.name) if r.random() < 0.05 else []
            spec: Doc = {
                "displayName": sp.name,
                "created": zulu(sp.created),
                "notes": r.choice(
                    (None, None, None, f"Owned by the {sp.name.split('-')[0]} team", "Terraform-managed")
                ),
                "credentials": self.credential_specs(sp.name, sp.created) if not fics or r.random() < 0.3 else [],
                "owners": [],
                "requires": [],
                "signInAudience": sp.audience,
                "fics": fics,
            }
            doc = sa.application_doc(sp.name, spec)
            doc["requiredResourceAccess"] = self.required_access(sp.perms)
            doc["owners"] = [self.directory_object(o) for o in self.owners()]
            yield doc
            if any(expression for _, _, expression in fics):  # the beta listing is the only place they show
                object_id = app_object_id(sp.name)
                self.put(
                    f"graph/applications/{object_id}/federatedIdentityCredentials.json",
                    page(
                        f"{GRAPH_BETA}#applications('{object_id}')/federatedIdentityCredentials",
                        [sa.fic_doc(sp.name, n, s, x, beta=True) for n, s, x in fics],
                    ),
                )
            if r.random() < 0.02:  # a registration nobody made a service principal for
                orphans += 1
                name = e.unique(f"{sp.name}-old")
                created = sp.created - timedelta(days=r.randint(30, 900))
                orphan: Doc = {
                    "displayName": name,
                    "created": zulu(created),
                    "notes": None,
                    "credentials": self.credential_specs(name, created, certificates=0.1),
                    "owners": [],
                    "requires": [],
                }
                doc = sa.application_doc(name, orphan)
                doc["owners"] = [self.directory_object(o) for o in self.owners((40, 50, 10, 0))]
                yield doc
        self.counts["orphan_apps"] = orphans

    def service_principals(self) -> Iterator[Doc]:
        r, e = self.rng, self.e
        for index, sp in enumerate(e.sps):
            if sp.kind == "graph":
                doc = sa.graph_sp()
                present = {role["value"] for role in doc["appRoles"]}
                doc["appRoles"] = sorted(
                    doc["appRoles"]
                    + [
                        {
                            "allowedMemberTypes": ["Application"],
                            "description": GRAPH_ROLE_TEXT[value][1],
                            "displayName": GRAPH_ROLE_TEXT[value][0],
                            "id": role_id,
                            "isEnabled": True,
                            "origin": "Application",
                            "value": value,
                        }
                        for value, role_id in GRAPH_ROLES.items()
                        if value not in present
                    ],
                    key=lambda role: role["value"],
                )
                yield doc
            elif sp.kind == "ms":
                doc = sa.sp_base(
                    sp.name, sp.name, sp.app_id, zulu(sp.created), MICROSOFT_SERVICES_TENANT, "Application"
                )
                doc["id"] = sp.id
                doc["signInAudience"] = "AzureADMultipleOrgs"
                doc["servicePrincipalNames"] = [sp.app_id]
                yield doc
            elif sp.kind == "app":
                doc = sa.app_sp(
                    sp.name, {"created": zulu(sp.created), "disabled": sp.disabled, "signInAudience": sp.audience}
                )
                if r.random() < 0.15:
                    doc["tags"] = ["WindowsAzureActiveDirectoryIntegratedApp"]
                if r.random() < 0.03:  # SAML signing certificate / a secret added to the principal itself
                    slot_specs = self.credential_specs(sp.name, sp.created, certificates=0.6)[:1]
                    for kind, label, start, end in slot_specs:
                        if kind == "certificate":
                            doc["keyCredentials"].append(sa.key_credential(f"sp:{sp.name}", 0, label, start, end))
                        else:
                            doc["passwordCredentials"].append(
                                sa.password_credential(f"sp:{sp.name}", 0, label, start, end)
                            )
                doc["owners"] = [self.directory_object(o) for o in self.owners((88, 10, 2, 0))]
                yield doc
            elif sp.kind == "foreign":
                tenant, publisher = sp.res or ("", "")
                doc = sa.sp_base(sp.name, sp.name, sp.app_id, zulu(sp.created), tenant, "Application")
                doc["signInAudience"] = "AzureADMultipleOrgs"
                if publisher:
                    doc["verifiedPublisher"] = {
                        "addedDateTime": None,
                        "displayName": publisher,
                        "verifiedPublisherId": None,
                    }
                yield doc
            elif sp.kind.startswith("mi-"):
                yield self.managed_identity(sp)
            elif sp.kind == "blueprint":
                doc = sa.sp_base(sp.name, sp.name, sp.app_id, zulu(sp.created), TENANT_ID, "Application")
                yield {"@odata.type": "#microsoft.graph.agentIdentityBlueprintPrincipal", **doc}
            elif sp.kind == "agent":
                yield self.agent_identity(index, with_sponsors=False)

    def resource_id(self, sp: SP) -> str:
        sub = self.e.subs[sp.sub].id
        if sp.kind == "mi-user":
            rtype, name = "Microsoft.ManagedIdentity/userAssignedIdentities", sp.name
        else:
            rtype, name = sp.res or ("", "")
        return f"/subscriptions/{sub}/resourceGroups/{sp.rg}/providers/{rtype}/{name}"

    def managed_identity(self, sp: SP) -> Doc:
        """sample_azure.mi_sp's shape: alternativeNames, the identity SPN, Azure's own rotating certificate."""
        explicit = sp.kind == "mi-user"
        key = sp.name if explicit else f"system:{sp.name}"
        doc = sa.sp_base(key, sp.name, sp.app_id, zulu(sp.created), MICROSOFT_SERVICES_TENANT, "ManagedIdentity")
        doc["id"] = sp.id
        doc["appDisplayName"] = None
        doc["alternativeNames"] = [f"isExplicit={'True' if explicit else 'False'}", self.resource_id(sp)]
        digest = hashlib.sha256(f"mi-spn:{key}".encode()).digest()
        doc["servicePrincipalNames"] = [sp.app_id, "https://identity.azure.net/" + base64.b64encode(digest).decode()]
        start = EXPORTED - timedelta(days=self.rng.randint(1, 89))
        doc["keyCredentials"] = [
            {
                "customKeyIdentifier": sa.thumbprint(f"mi:{key}"),
                "displayName": f"CN={sp.app_id}",
                "endDateTime": zulu(start + timedelta(days=90)),
                "key": None,
                "keyId": guid(f"mi-key:{key}"),
                "startDateTime": zulu(start),
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
            }
        ]
        return doc

    def agent_identity(self, index: int, with_sponsors: bool) -> Doc:
        """sample_azure.agent_identity's shape; the sponsors are decided from the index (it is written twice)."""
        sp = self.e.sps[index]
        blueprint = self.e.sps[int(sp.res[1]) if sp.res else 0]
        doc = sa.sp_base(sp.name, sp.name, sp.app_id, zulu(sp.created), TENANT_ID, "Application")
        owners = doc.pop("owners")
        doc = {"@odata.type": "#microsoft.graph.agentIdentity", **doc}
        doc["agentIdentityBlueprintId"] = blueprint.app_id
        doc["createdByAppId"] = blueprint.app_id
        if with_sponsors:
            local = random.Random(f"sponsors:{sp.name}")
            count = local.choices((0, 1, 2), (25, 60, 15))[0]
            members = self.e.members
            sponsors = list(dict.fromkeys(("u", members[local.randrange(len(members))]) for _ in range(count)))
            doc["sponsors"] = [self.directory_object(s) for s in sponsors]
        else:
            doc["owners"] = owners
        return doc

    def app_role_assignments(self) -> Iterator[Doc]:
        for sp in self.e.sps:
            for value in sp.perms:
                yield {
                    "id": guid_b64(sp.id) + token(f"ara:{sp.name}:{value}")[:21],
                    "appRoleId": GRAPH_ROLES[value],
                    "createdDateTime": zulu(settled(sp.created + timedelta(hours=self.rng.randint(1, 2000)))),
                    "deletedDateTime": None,
                    "principalDisplayName": sp.name,
                    "principalId": sp.id,
                    "principalType": "ServicePrincipal",
                    "resourceDisplayName": "Microsoft Graph",
                    "resourceId": GRAPH_SP_ID,
                }

    def oauth2_grants(self) -> Iterator[Doc]:
        r, e = self.rng, self.e
        graph = uuid.UUID(GRAPH_SP_ID).bytes_le
        for sp in e.sps:
            if sp.kind not in ("app", "foreign") or r.random() >= 0.10:
                continue
            client = uuid.UUID(sp.id).bytes_le
            scopes = ["openid", "profile", "User.Read", "offline_access"]
            if r.random() < 0.15:
                scopes += r.sample(
                    ("Mail.ReadWrite", "Files.ReadWrite.All", "Directory.AccessAsUser.All", "Sites.Read.All"), 2
                )
            if r.random() < 0.7:
                yield {
                    "clientId": sp.id,
                    "consentType": "AllPrincipals",
                    "id": b64url(client + graph),
                    "principalId": None,
                    "resourceId": GRAPH_SP_ID,
                    "scope": " ".join(scopes),
                }
            else:
                for user in dict.fromkeys(r.choice(e.members) for _ in range(r.randint(1, 3))):
                    principal = e.users[user].id
                    yield {
                        "clientId": sp.id,
                        "consentType": "Principal",
                        "id": b64url(client + graph + uuid.UUID(principal).bytes_le),
                        "principalId": principal,
                        "resourceId": GRAPH_SP_ID,
                        "scope": " ".join(scopes),
                    }

    def role_assignment(self, role: str, who: Ref, scope: str) -> Doc:
        principal = self.info(who)[0]
        base = guid_b64(DIRECTORY_ROLES[role]) + guid_b64(principal)
        suffix = "-1" if scope == "/" else f"-1-{b64url(hashlib.sha256(scope.encode()).digest()[:6])}"
        return {
            "directoryScopeId": scope,
            "id": base + suffix,
            "principalId": principal,
            "roleDefinitionId": DIRECTORY_ROLES[role],
        }

    def eligibility(self, role: str, who: Ref, scope: str, since: datetime) -> Doc:
        principal = self.info(who)[0]
        when = zulu(since)
        return {
            "appScopeId": None,
            "createdDateTime": when,
            "createdUsing": guid(f"pim-request:{role}:{principal}"),
            "directoryScopeId": scope,
            "id": guid(f"pim-schedule:{role}:{principal}"),
            "memberType": "Direct",
            "modifiedDateTime": when,
            "principalId": principal,
            "roleDefinitionId": DIRECTORY_ROLES[role],
            "scheduleInfo": {
                "expiration": {"duration": None, "endDateTime": None, "type": "noExpiration"},
                "recurrence": None,
                "startDateTime": when,
            },
            "status": "Provisioned",
        }

    def users(self) -> Iterator[Doc]:
        r, e = self.rng, self.e
        for u in e.users:
            yield {
                "accountEnabled": r.random() >= 0.03,
                "createdDateTime": zulu(u.created),
                "displayName": u.display,
                "id": u.id,
                "jobTitle": u.job,
                "mail": u.mail,
                "userPrincipalName": u.upn,
                "userType": "Guest" if u.guest else "Member",
                "externalUserState": "Accepted" if u.guest else None,
                "signInActivity": sa.sign_in_activity(u.sign_in, u.key),
            }
        agents = [sp for sp in e.sps if sp.kind == "agent"]
        parents = [sp.id for sp in agents if r.random() < 0.3] + [guid("agentIdentity:deleted-pilot")]
        for number, parent in enumerate(parents):
            local = f"agent-user-{number + 1:04d}"
            yield {
                "@odata.type": "#microsoft.graph.agentUser",
                "accountEnabled": True,
                "createdDateTime": zulu(self.days_ago(r.uniform(1, 300))),
                "displayName": f"Agent user {number + 1}",
                "id": user_id(local),
                "identityParentId": parent,
                "jobTitle": None,
                "mail": None,
                "userPrincipalName": f"{local}@{DOMAIN}",
                "userType": "Member",
                "externalUserState": None,
                "signInActivity": sa.sign_in_activity(None if r.random() < 0.5 else r.randint(0, 30), local),
            }

    def groups(self) -> Iterator[Doc]:
        """groups.json, and each group's members page (graph/groups/ID/members.json) on the way."""
        r, e = self.rng, self.e
        for index, g in enumerate(e.groups):
            owners = self.owners((15, 60, 20, 5))
            if g.assignable and r.random() < 0.3:
                owners.append(("s", r.choice(e.apps)))  # an application that owns a role-assignable group
            yield {
                "createdDateTime": zulu(g.created),
                "deletedDateTime": None,
                "description": g.description,
                "displayName": g.name,
                "groupTypes": [],
                "id": g.id,
                "isAssignableToRole": g.assignable,
                "mail": None,
                "mailEnabled": False,
                "mailNickname": g.name.lower().replace(" ", "-"),
                "membershipRule": None,
                "onPremisesSyncEnabled": None,
                "securityEnabled": True,
                "visibility": "Private" if g.assignable else None,
                "owners": [self.directory_object(o) for o in owners],
            }
            if index == 5:  # Contractors
                members: list[Ref] = [("u", i) for i in e.guests[:60]]
            elif index == 4:  # Developers
                members = [("u", i) for i in r.sample(e.members, min(len(e.members), 300))]
            else:
                size = 2 if g.assignable else r.choice((2, 4, 6, 10, 20, 40))
                members = [("u", i) for i in r.sample(e.members, min(len(e.members), size))]
            if r.random() < 0.12 or (g.assignable and r.random() < 0.3):
                members += [("s", r.choice(e.apps)) for _ in range(r.randint(1, 4))]
            if r.random() < 0.04:
                members.append(("s", r.choice(e.mis)))
            if index > 5 and r.random() < 0.03:
                members.append(("g", r.randrange(6, len(e.groups))))  # a nested group
            self.put(
                f"graph/groups/{g.id}/members.json",
                page(f"{GRAPH}#directoryObjects", [self.directory_object(m) for m in dict.fromkeys(members)]),
            )

    def sign_ins(self) -> Iterator[Doc]:
        r, e = self.rng, self.e
        empty = {"lastSignInDateTime": None, "lastSignInRequestId": None}
        chance = {"app": 0.8, "foreign": 0.85, "mi-system": 0.75, "mi-user": 0.7, "blueprint": 0.9, "ms": 1.0}
        for sp in e.sps:
            if sp.kind not in chance or r.random() >= chance[sp.kind] or sp.disabled:
                continue
            pick = r.random()
            if pick < 0.6:
                days = r.uniform(0, 7)
            elif pick < 0.8:
                days = r.uniform(7, 60)
            elif pick < 0.92:
                days = r.uniform(60, 365)
            else:
                days = r.uniform(365, 700)
            days = min(days, age_days(sp.created))
            when = zulu(self.days_ago(days))
            activity = {"lastSignInDateTime": when, "lastSignInRequestId": guid(f"sp-signin:{sp.name}")}
            yield {
                "appId": sp.app_id,
                "applicationAuthenticationClientSignInActivity": activity,
                "applicationAuthenticationResourceSignInActivity": empty,
                "delegatedClientSignInActivity": activity if sp.kind == "foreign" and r.random() < 0.5 else empty,
                "delegatedResourceSignInActivity": empty,
                "id": base64.b64encode(sp.app_id.encode()).decode(),
                "lastSignInActivity": activity,
            }

    # ------------------------------------------------------------------ Azure Resource Manager
    def arm(self) -> None:
        e = self.e
        self.put(
            "arm/subscriptions.json",
            [
                {
                    "cloudName": "AzureCloud",
                    "homeTenantId": TENANT_ID,
                    "id": s.id,
                    "isDefault": s.index == 0,
                    "managedByTenants": [],
                    "name": s.name,
                    "state": "Enabled",
                    "tenantId": TENANT_ID,
                    "user": {"name": self.exporter.upn, "type": "user"},
                }
                for s in e.subs
            ],
        )
        self.put("arm/managementGroups.json", [self.management_group(name) for name in MANAGEMENT_GROUPS])
        for sub in e.subs:
            self.subscription(sub)

    def mg_children(self, name: str) -> list[Doc]:
        children: list[Doc] = []
        for child, (display, parent) in MANAGEMENT_GROUPS.items():
            if parent == name:
                children.append(
                    {
                        "children": self.mg_children(child),
                        "displayName": display,
                        "id": mg_scope(child),
                        "name": child,
                        "type": "Microsoft.Management/managementGroups",
                    }
                )
        for sub in self.e.subs:
            if sub.mg == name:
                children.append(
                    {
                        "children": None,
                        "displayName": sub.name,
                        "id": f"/subscriptions/{sub.id}",
                        "name": sub.id,
                        "type": "Microsoft.Management/managementGroups/subscriptions",
                    }
                )
        return children

    def management_group(self, name: str) -> Doc:
        display, parent = MANAGEMENT_GROUPS[name]
        return {
            "id": mg_scope(name),
            "name": name,
            "properties": {
                "children": self.mg_children(name),
                "details": {
                    "parent": (
                        {"displayName": MANAGEMENT_GROUPS[parent][0], "id": mg_scope(parent), "name": parent}
                        if parent
                        else None
                    ),
                    "updatedBy": self.exporter.id,
                    "updatedTime": "2024-01-15T09:12:40.5539201Z",
                    "version": 3 if parent else 1,
                },
                "displayName": display,
                "tenantId": TENANT_ID,
            },
            "type": "Microsoft.Management/managementGroups",
        }

    def assignment(
        self,
        scope: str,
        role: str,
        who: Ref,
        created: datetime,
        sub: Subscription,
        role_guid: str | None = None,
        condition: str | None = None,
    ) -> Doc:
        """One entry of `az role assignment list --all --include-inherited` (sample_azure.role_assignment_doc)."""
        principal, _, arm_type, arm_name = self.info(who)
        name = guid(f"rbac:{scope}:{role}:{principal}")
        doc: Doc = {
            "condition": condition,
            "conditionVersion": "2.0" if condition else None,
            "createdBy": self.exporter.id,
            "createdOn": arm_time(created),
            "delegatedManagedIdentityResourceId": None,
            "description": None,
            "id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
            "name": name,
            "principalId": principal,
            "principalName": arm_name,
            "principalType": arm_type,
            "roleDefinitionId": f"/subscriptions/{sub.id}/providers/Microsoft.Authorization/roleDefinitions/"
            f"{role_guid or AZURE_ROLES[role]}",
            "roleDefinitionName": role,
            "scope": scope,
            "type": "Microsoft.Authorization/roleAssignments",
            "updatedBy": self.exporter.id,
            "updatedOn": arm_time(created),
        }
        parts = scope.split("/")
        if len(parts) > 4 and parts[3] == "resourceGroups":
            doc["resourceGroup"] = parts[4]
        return doc

    def subscription(self, sub: Subscription) -> None:
        r, e = self.rng, self.e
        base = f"arm/subscriptions/{sub.id}"
        sub_scope = f"/subscriptions/{sub.id}"
        location = r.choice(LOCATIONS)

        def rid(rg: str, rtype: str, name: str) -> str:
            return f"{sub_scope}/resourceGroups/{rg}/providers/{rtype}/{name}"

        # ---- resources: what runs as each identity, and what they are granted on
        workloads: dict[str, Doc] = {}  # resource id -> az resource list entry
        by_kind: dict[str, list[str]] = {"vm": [], "site": [], "storage": [], "vault": [], "uai": []}
        rg_of: dict[str, str] = {}

        def add(rg: str, rtype: str, name: str, created: datetime, identity: Doc | None, sku: Doc | None = None) -> str:
            resource = rid(rg, rtype, name)
            doc = sa.generic_resource(resource, rtype, name, rg, zulu(created), identity, sku)
            doc["location"] = location
            if rtype == "Microsoft.Web/sites" and name.startswith("app-"):
                doc["kind"] = "app,linux"
            workloads[resource] = doc
            rg_of[resource] = rg
            kind = {
                "Microsoft.Compute/virtualMachines": "vm",
                "Microsoft.Web/sites": "site",
                "Microsoft.Storage/storageAccounts": "storage",
                "Microsoft.KeyVault/vaults": "vault",
                "Microsoft.ManagedIdentity/userAssignedIdentities": "uai",
            }.get(rtype)
            if kind:
                by_kind[kind].append(resource)
            return resource

        system_ids: list[str] = []
        for index in sub.mis:
            sp = e.sps[index]
            if sp.kind == "mi-system":
                rtype, name = sp.res or ("", "")
                identity: Doc = {
                    "principalId": sp.id,
                    "tenantId": TENANT_ID,
                    "type": "SystemAssigned",
                    "userAssignedIdentities": None,
                }
                system_ids.append(add(sp.rg, rtype, name, sp.created, identity))
        identities: list[Doc] = []
        for index in sub.mis:
            sp = e.sps[index]
            if sp.kind != "mi-user":
                continue
            uai = add(sp.rg, "Microsoft.ManagedIdentity/userAssignedIdentities", sp.name, sp.created, None)
            identities.append(
                {
                    "clientId": sp.app_id,
                    "id": uai,
                    "location": location,
                    "name": sp.name,
                    "principalId": sp.id,
                    "resourceGroup": sp.rg,
                    "systemData": None,
                    "tags": {},
                    "tenantId": TENANT_ID,
                    "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
                }
            )
            attached = {"clientId": sp.app_id, "principalId": sp.id}
            for _ in range(r.choice((0, 1, 1, 1, 2, 3))):
                if system_ids and r.random() < 0.35:  # SystemAssigned, UserAssigned
                    identity = workloads[r.choice(system_ids)]["identity"]
                    identity["type"] = "SystemAssigned, UserAssigned"
                    identity["userAssignedIdentities"] = {**(identity["userAssignedIdentities"] or {}), uai: attached}
                    continue
                rtype, prefix, _ = r.choices(WORKLOAD_TYPES[:4], [w for _, _, w in WORKLOAD_TYPES[:4]])[0]
                name = e.unique(f"{prefix}-{r.choice(cat.APPS)}-{sub.env}-{r.randint(1, 99):02d}")
                identity = {
                    "principalId": None,
                    "tenantId": None,
                    "type": "UserAssigned",
                    "userAssignedIdentities": {uai: attached},
                }
                add(
                    e.rg_of(sub.index) if r.random() < 0.3 else sp.rg,
                    rtype,
                    name,
                    self.days_ago(r.uniform(1, 900)),
                    identity,
                )
            if r.random() < 0.12:
                self.put(f"{base}/identities/{sp.name}/federatedCredentials.json", self.uai_federated(sp, uai))
        for rg in list(sub.rgs):
            for _ in range(r.choice((0, 1, 1, 2))):
                name = e.unique(f"st{r.choice(cat.APPS)[:9]}{sub.index:03d}{r.randint(0, 999):03d}", "")
                sku = {
                    "capacity": None,
                    "family": None,
                    "model": None,
                    "name": "Standard_LRS",
                    "size": None,
                    "tier": "Standard",
                }
                add(rg, "Microsoft.Storage/storageAccounts", name, self.days_ago(r.uniform(1, 2000)), None, sku)
            if r.random() < 0.3:
                name = e.unique(f"vm-{r.choice(cat.APPS)}-{sub.env}-{r.randint(1, 99):02d}")
                add(rg, "Microsoft.Compute/virtualMachines", name, self.days_ago(r.uniform(1, 2000)), None)
        vaults: list[Doc] = []
        secrets: list[tuple[str, list[Doc]]] = []
        for _ in range(1 + (len(sub.apps) + len(sub.mis)) // 150):
            rg = r.choice(sub.rgs)
            name = e.unique(f"kv-{r.choice(cat.APPS)[:10]}-{sub.index:03d}")  # at most 24 characters
            created = self.days_ago(r.uniform(1, 2000))
            vault_id = add(rg, "Microsoft.KeyVault/vaults", name, created, None)
            vaults.append(self.key_vault(vault_id, name, rg, created, location, sub))
            secrets.append((name, self.vault_secrets(name)))

        # ---- role definitions and assignments
        customs: list[Doc] = []
        if r.random() < 0.15:
            for role_name, description, actions, data_actions in r.sample(CUSTOM_ROLES, r.randint(1, 2)):
                role_guid = guid(f"custom-role:{sub.id}:{role_name}")
                stamp = arm_time(self.days_ago(r.uniform(30, 1500)))
                customs.append(
                    {
                        "assignableScopes": [sub_scope],
                        "createdBy": self.exporter.id,
                        "createdOn": stamp,
                        "description": description,
                        "id": f"{sub_scope}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}",
                        "name": role_guid,
                        "permissions": [
                            {
                                "actions": actions,
                                "condition": None,
                                "conditionVersion": None,
                                "dataActions": data_actions,
                                "notActions": [],
                                "notDataActions": [],
                            }
                        ],
                        "roleName": f"{role_name} ({sub.name})",
                        "roleType": "CustomRole",
                        "type": "Microsoft.Authorization/roleDefinitions",
                        "updatedBy": self.exporter.id,
                        "updatedOn": stamp,
                    }
                )
        assignments: list[Doc] = []
        ancestors = mg_ancestors(sub.mg)
        for mg, role, who, created, condition in e.mg_rbac:
            if mg in ancestors:
                assignments.append(self.assignment(mg_scope(mg), role, who, created, sub, condition=condition))
        seen: set[tuple[str, str, Ref]] = set()

        def grant(table: tuple[tuple[str, str, float], ...], who: Ref, home_rg: str | None, created: datetime) -> None:
            role, where, _ = r.choices(table, [w for _, _, w in table])[0]
            role_guid, condition = None, None
            if role == "custom":
                if not customs:
                    role, where = "Reader", "rg"
                else:
                    custom = r.choice(customs)
                    role, role_guid = custom["roleName"], custom["name"]
            if where == "sub":
                scope = sub_scope
            elif where == "rg" or not by_kind.get(where):
                scope = f"{sub_scope}/resourceGroups/{home_rg if home_rg and r.random() < 0.6 else r.choice(sub.rgs)}"
            else:
                scope = r.choice(by_kind[where])
            if role == "Storage Blob Data Reader" and r.random() < 0.1:
                condition = BLOB_CONDITION
            if role == "Role Based Access Control Administrator":
                condition = RBAC_ADMIN_CONDITION
            if (scope, role, who) in seen:
                return
            seen.add((scope, role, who))
            assignments.append(self.assignment(scope, role, who, created, sub, role_guid, condition))

        for index, chance in [(i, 0.45) for i in sub.apps] + [(i, 1.0) for i in sub.extra]:
            sp = e.sps[index]
            if r.random() < chance:
                for _ in range(r.choice((1, 1, 1, 2, 2, 3))):
                    grant(APP_RBAC, ("s", index), None, settled(sp.created + timedelta(days=r.uniform(0, 30))))
        for index in sub.mis:
            sp = e.sps[index]
            if r.random() < 0.8:
                for _ in range(r.choice((1, 1, 2, 2, 3))):
                    grant(MI_RBAC, ("s", index), sp.rg, settled(sp.created + timedelta(hours=r.uniform(0, 48))))
        for _ in range(r.randint(2, 4) + len(sub.apps) // 200):
            group = ("g", r.randrange(len(e.groups)))
            table = (
                ("Reader", "sub", 4.0),
                ("Contributor", "rg", 4.0),
                ("Owner", "rg", 1.0),
                ("Key Vault Secrets User", "vault", 1.0),
            )
            grant(table, group, None, self.days_ago(r.uniform(30, 1500)))
        for user in r.sample(e.members, 2):
            grant((("Owner", "sub", 1.0),), ("u", user), None, self.days_ago(r.uniform(30, 1500)))
        for vault in vaults:
            if vault["properties"]["enableRbacAuthorization"]:
                for _ in range(r.randint(1, 3)):
                    who = ("s", r.choice(sub.mis or sub.apps or e.apps))
                    role = r.choice(
                        (
                            "Key Vault Secrets User",
                            "Key Vault Secrets User",
                            "Key Vault Secrets Officer",
                            "Key Vault Administrator",
                        )
                    )
                    if (vault["id"], role, who) not in seen:
                        seen.add((vault["id"], role, who))
                        assignments.append(
                            self.assignment(vault["id"], role, who, self.days_ago(r.uniform(1, 700)), sub)
                        )
        self.counts["rbac"] += len(assignments)
        self.counts["resources"] += len(workloads)
        self.counts["vaults"] += len(vaults)

        self.put(f"{base}/roleAssignments.json", assignments)
        self.put(f"{base}/roleDefinitions.json", customs)
        self.put(
            f"{base}/resourceGroups.json",
            [
                {
                    "id": f"{sub_scope}/resourceGroups/{rg}",
                    "location": location,
                    "managedBy": None,
                    "name": rg,
                    "properties": {"provisioningState": "Succeeded"},
                    "tags": {"env": sub.env},
                    "type": "Microsoft.Resources/resourceGroups",
                }
                for rg in sub.rgs
            ],
        )
        self.put(f"{base}/resources.json", sorted(workloads.values(), key=lambda d: d["id"].lower()))
        self.put(f"{base}/identities.json", identities)
        self.put(f"{base}/denyAssignments.json", {"value": []})
        self.put(f"{base}/keyVaults.json", vaults)
        for name, listing in secrets:
            self.put(f"{base}/keyVaults/{name}/secrets.json", listing)

    def uai_federated(self, sp: SP, uai: str) -> list[Doc]:
        """`az identity federated-credential list` (sample_azure.uai_fic_doc's shape): GitHub or AKS workloads."""
        r = self.rng
        found = []
        for i in range(r.choice((1, 1, 2))):
            if r.random() < 0.6:
                issuer, subject = (
                    GITHUB_ISSUER,
                    f"repo:northwind/{sp.name[3:].split('-')[0]}:environment:{r.choice(ENVS)}",
                )
                name = f"github-{i + 1}"
            else:
                cluster = guid(f"aks:{sp.name}:{i}")
                issuer = f"https://westeurope.oic.prod-aks.azure.com/{TENANT_ID}/{cluster}/"
                subject = f"system:serviceaccount:{r.choice(cat.APPS)}:{sp.name[3:]}"
                name = f"aks-{i + 1}"
            found.append(
                {
                    "audiences": [FIC_AUDIENCE],
                    "id": f"{uai}/federatedIdentityCredentials/{name}",
                    "issuer": issuer,
                    "name": name,
                    "resourceGroup": sp.rg,
                    "subject": subject,
                    "systemData": None,
                    "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
                }
            )
        self.counts["federated"] += len(found)
        return found

    def key_vault(self, vault_id: str, name: str, rg: str, created: datetime, location: str, sub: Subscription) -> Doc:
        """`az keyvault show` (sample_azure.key_vault_doc's shape): access policies, or Azure RBAC (~40%)."""
        r, e = self.rng, self.e
        rbac = r.random() < 0.4
        policies = []
        if not rbac:
            holders: list[Ref] = [("u", u) for u in r.sample(e.members, r.randint(1, 2))]
            pool = sub.apps + sub.mis or e.apps
            holders += [("s", r.choice(pool)) for _ in range(r.randint(1, 5))]
            for holder in dict.fromkeys(holders):
                if holder[0] == "u" or r.random() < 0.05:
                    perms: Doc = {
                        "certificates": ["Get", "List", "Update", "Create", "Import", "Delete", "Recover"],
                        "keys": ["Get", "List", "Update", "Create", "Import", "Delete", "Recover", "Backup", "Restore"],
                        "secrets": ["Get", "List", "Set", "Delete", "Recover", "Backup", "Restore"],
                    }
                elif r.random() < 0.2:
                    perms = {"certificates": [], "keys": [], "secrets": ["Get", "List", "Set", "Delete"]}
                elif r.random() < 0.2:
                    perms = {"certificates": [], "keys": ["Get", "UnwrapKey", "WrapKey"], "secrets": []}
                else:
                    perms = {"certificates": [], "keys": [], "secrets": ["Get", "List"]}
                policies.append(
                    {
                        "applicationId": None,
                        "objectId": self.info(holder)[0],
                        "permissions": {**perms, "storage": None},
                        "tenantId": TENANT_ID,
                    }
                )
        return {
            "id": vault_id,
            "location": location,
            "name": name,
            "properties": {
                "accessPolicies": policies,
                "createMode": None,
                "enablePurgeProtection": True if r.random() < 0.3 else None,
                "enableRbacAuthorization": rbac,
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
                "vaultUri": f"https://{name}.vault.azure.net/",
            },
            "resourceGroup": rg,
            "systemData": {
                "createdAt": arm_time(created),
                "createdBy": self.exporter.upn,
                "createdByType": "User",
                "lastModifiedAt": arm_time(created + timedelta(days=r.uniform(0, 300))),
                "lastModifiedBy": self.exporter.upn,
                "lastModifiedByType": "User",
            },
            "tags": {},
            "type": "Microsoft.KeyVault/vaults",
        }

    def vault_secrets(self, vault: str) -> list[Doc]:
        """`az keyvault secret list` (sample_azure.secret_docs's shape): names and attributes, never values."""
        r, e = self.rng, self.e
        listing: dict[str, Doc] = {}
        for i in range(r.choice((0, 1, 2, 3, 5, 8, 12))):
            created = self.days_ago(r.uniform(1, 1500))
            if r.random() < 0.4:
                app = e.sps[r.choice(e.apps)].name
                name = "".join(c if c.isalnum() else "-" for c in app).strip("-") + "-client-secret"
                content, tags = "client-secret", {"app": app}
            else:
                name = f"{r.choice(('sql', 'smtp', 'api', 'storage', 'webhook'))}-{r.choice(cat.APPS)}-{i}"
                content, tags = None, {}
            expires = None if r.random() < 0.35 else created + timedelta(days=r.choice((90, 365, 730)))
            listing[name] = {
                "attributes": {
                    "created": sa.epoch_free(zulu(created)),
                    "enabled": r.random() >= 0.05,
                    "expires": sa.epoch_free(zulu(expires)) if expires else None,
                    "notBefore": None,
                    "recoverableDays": 90,
                    "recoveryLevel": "Recoverable+Purgeable",
                    "updated": sa.epoch_free(zulu(created)),
                },
                "contentType": content,
                "id": f"https://{vault}.vault.azure.net/secrets/{name}",
                "managed": None,
                "name": name,
                "tags": tags,
            }
        return list(listing.values())


def default_subscriptions(service_principals: int) -> int:
    """One subscription per 1,000 service principals, at least 2."""
    return max(2, service_principals // 1000)


def generate(service_principals: int, subscriptions: int, out_dir: Path, seed: int = 1) -> dict[str, int]:
    """Write the tenant into out_dir (the `collect azure` layout); return counts."""
    rng = random.Random(seed)
    estate = Estate(service_principals, subscriptions, rng)
    gen = Generator(estate, rng, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gen.graph()
    gen.arm()
    kinds = estate.counts
    return {
        "service_principals": len(estate.sps),
        "applications": kinds["app"] + kinds["blueprint"] + gen.counts.get("orphan_apps", 0),
        "managed_identities": kinds["mi-system"] + kinds["mi-user"],
        "agent_identities": kinds["agent"],
        "foreign": kinds["foreign"],
        "users": len(estate.users),
        "groups": len(estate.groups),
        "subscriptions": len(estate.subs),
        "credentials": gen.counts["credentials"],
        "federated": gen.counts["federated"],
        "rbac": gen.counts["rbac"],
        "resources": gen.counts["resources"],
        "vaults": gen.counts["vaults"],
        "files": gen.files,
        "bytes": gen.bytes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic Entra tenant + Azure export (collect azure layout)."
    )
    parser.add_argument(
        "--service-principals", type=int, default=10_000, help="service principals in all (default 10000)"
    )
    parser.add_argument(
        "--subscriptions", type=int, default=None, help="subscriptions (default one per 1,000 SPs, at least 2)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    subscriptions = (
        args.subscriptions if args.subscriptions is not None else default_subscriptions(args.service_principals)
    )
    if args.service_principals < 60:
        parser.error("need at least 60 service principals")
    if subscriptions < 2:
        parser.error("need at least 2 subscriptions")
    started = time.perf_counter()
    counts = generate(args.service_principals, subscriptions, args.out, args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"{args.out}: {counts['service_principals']} service principals ({counts['applications']} applications, "
        f"{counts['managed_identities']} managed identities, {counts['agent_identities']} agent identities, "
        f"{counts['foreign']} of other tenants), {counts['users']} users, {counts['groups']} groups, "
        f"{counts['subscriptions']} subscriptions, {counts['credentials']} credentials, "
        f"{counts['federated']} federated credentials, {counts['rbac']} role assignments, "
        f"{counts['resources']} resources; "
        f"{counts['files']} files, {counts['bytes'] / 1e6:.1f} MB; {elapsed:.1f} s",
        file=sys.stderr,
    )
    warn_stray_files(args.out, counts["files"], "tenant")
    return 0


if __name__ == "__main__":
    sys.exit(main())
