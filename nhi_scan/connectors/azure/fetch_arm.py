"""Azure Resource Manager collection: the subscriptions to scan, the management group hierarchy, and one
subscription's documents (``arm/subscriptions/SUB_ID/...``) in the shapes the az CLI prints.

A subscription's role assignments come first: a subscription that denies them is "not scanned" (nothing of it is
written, one error record says why); every other listing then fails on its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from nhi_scan.connectors.azure import fetch_permissions as perm
from nhi_scan.connectors.azure import fetch_shapes as shapes
from nhi_scan.connectors.azure.fetch_context import Context, each
from nhi_scan.connectors.azure.fetch_http import FAILURES, ApiError
from nhi_scan.connectors.azure.fetch_snapshot import safe_name

SUBSCRIPTIONS_API = "2022-12-01"
MANAGEMENT_GROUPS_API = "2021-04-01"
AUTHORIZATION_API = "2022-04-01"
RESOURCES_API = "2021-04-01"
IDENTITIES_API = "2023-01-31"
KEY_VAULT_API = "2023-07-01"
COSMOS_API = "2024-11-15"
_COSMOS_TYPE = "microsoft.documentdb/databaseaccounts"
_GROUPS = "providers/Microsoft.Management/managementGroups"
_NOT_SCANNED = "subscription not scanned"
#: ARM error codes of a resource provider not registered in the subscription.
_UNREGISTERED = frozenset({"MissingSubscriptionRegistration", "SubscriptionNotRegistered"})


def _path(identifier: str) -> str:
    return quote(identifier.strip("/"), safe="/")


def subscriptions(ctx: Context, named: tuple[str, ...]) -> tuple[list[dict[str, Any]] | None, list[str]]:
    """The subscriptions to collect (as ARM describes them; None: they could not be listed, which is recorded) and
    those named but unreadable (each recorded)."""
    if named:
        found: list[dict[str, Any]] = []
        failed: list[str] = []
        for subscription in named:
            call = perm.arm("/subscriptions/{id}", perm.SUBSCRIPTIONS_READ)
            try:
                url = ctx.arm.url(f"subscriptions/{_path(subscription)}")
                found.append(ctx.arm.get(url, call, {"api-version": SUBSCRIPTIONS_API}))
            except FAILURES as raised:
                ctx.failed(f"/subscriptions/{subscription}", "subscription", ApiError.of(raised, call), _NOT_SCANNED)
                ctx.progress.finished(f"subscription {subscription}", "not scanned", False)
                failed.append(subscription)
        return found, failed
    ctx.progress.phase(ctx.tenant_scope, "listing the subscriptions the credentials can see")
    try:
        listed = ctx.arm_listed("subscriptions", perm.arm("/subscriptions", perm.SUBSCRIPTIONS_READ), SUBSCRIPTIONS_API)
    except FAILURES as raised:
        exc = ApiError.of(raised, "subscriptions")
        ctx.failed(ctx.tenant_scope, "subscriptions", exc, "Azure subscriptions, their resources and RBAC not scanned")
        return None, []
    return [s for s in listed if str(s.get("state", "")).lower() != "deleted"], []


def management_groups(ctx: Context, tenant: str | None) -> None:
    """``arm/managementGroups.json``: the tenant root group shown with its whole tree (``--expand --recurse``)
    when the credentials may read it; otherwise each visible group shown with its parent and children."""
    scope = ctx.tenant_scope
    listed: list[dict[str, Any]] = []
    call = perm.arm(f"/{_GROUPS}", perm.MANAGEMENT_GROUPS_READ)
    if not ctx.optional(
        scope,
        "management groups",
        "the management group hierarchy unknown (role assignments inherited from it are still read per subscription)",
        lambda: listed.extend(ctx.arm_listed(_GROUPS, call, MANAGEMENT_GROUPS_API)),
    ):
        return
    show = perm.arm(f"/{_GROUPS}/{{id}}?$expand=children", perm.MANAGEMENT_GROUPS_READ)

    def shown(group: dict[str, Any], recurse: bool) -> dict[str, Any]:
        params = {"api-version": MANAGEMENT_GROUPS_API, "$expand": "children"}
        if recurse:
            params["$recurse"] = "true"
        return ctx.arm.get(ctx.arm.url(_path(str(group["id"]))), show, params)

    root = next((g for g in listed if tenant and str(g.get("name", "")).lower() == tenant and g.get("id")), None)
    if root is not None:
        try:
            ctx.snapshot.json("arm/managementGroups.json", [shown(root, True)])
            return
        except FAILURES:
            pass  # the root is not readable: each visible group on its own
    groups: list[dict[str, Any]] = []
    denied: ApiError | None = None
    for group in listed:
        try:  # after a denial, the others are most likely denied too: they are kept as listed
            groups.append(shown(group, False) if group.get("id") and denied is None else group)
        except FAILURES as raised:
            exc = ApiError.of(raised, show)
            denied = None if exc.missing else exc
            groups.append(group)
    ctx.snapshot.json("arm/managementGroups.json", groups)
    if denied is not None:
        ctx.failed(
            scope, "management group hierarchy", denied, "parents and children of some management groups unknown"
        )


class SubscriptionCollector:
    def __init__(self, ctx: Context, subscription: str) -> None:
        self.ctx = ctx
        self.subscription = subscription
        self.scope = f"/subscriptions/{subscription}"
        self.base = f"arm/subscriptions/{safe_name(subscription)}"
        #: Principals holding an Azure role, a Key Vault access policy or a Cosmos DB SQL role here (their groups'
        #: members matter).
        self.principals: set[str] = set()
        self.resources: list[dict[str, Any]] = []

    def write(self, name: str, value: object) -> None:
        self.ctx.snapshot.json(f"{self.base}/{name}", value)

    def listed(self, provider_path: str, action: str, api_version: str, **params: str) -> list[dict[str, Any]]:
        """A listing of the subscription; empty when its resource provider is not registered there (nothing of
        it can exist)."""
        call = perm.arm(f"/subscriptions/{{id}}/{provider_path}", action)
        path = f"subscriptions/{_path(self.subscription)}/{provider_path}"
        try:
            return self.ctx.arm_listed(path, call, api_version, **params)
        except ApiError as exc:
            if exc.code in _UNREGISTERED and provider_path.startswith("providers/"):
                return []
            raise

    def optional(self, phase: str, impact: str, work: Callable[[], object]) -> bool:
        return self.ctx.optional(self.scope, phase, impact, work)

    def run(self) -> bool:
        """Collect the subscription; False when it could not be scanned at all."""
        self.ctx.progress.phase(f"subscription {self.subscription}", "role assignments")
        path = "providers/Microsoft.Authorization/roleAssignments"
        try:
            assignments = [
                shapes.role_assignment(a) for a in self.listed(path, perm.ROLE_ASSIGNMENTS_READ, AUTHORIZATION_API)
            ]
        except FAILURES as raised:
            self.ctx.failed(self.scope, "subscription", ApiError.of(raised, "role assignments"), _NOT_SCANNED)
            return False
        self.write("roleAssignments.json", assignments)
        self.principals.update(str(a.get("principalId", "")).lower() for a in assignments)
        self.optional("custom role definitions", "permissions of the subscription's custom roles unknown", self.roles)
        self.optional(
            "deny assignments",
            "deny assignments unknown: denied actions counted as granted",
            lambda: self.write(
                "denyAssignments.json",
                {
                    "value": self.listed(
                        "providers/Microsoft.Authorization/denyAssignments",
                        perm.DENY_ASSIGNMENTS_READ,
                        AUTHORIZATION_API,
                    )
                },
            ),
        )
        self.optional(
            "resource groups",
            "resource groups unknown",
            lambda: self.write(
                "resourceGroups.json", self.listed("resourcegroups", perm.RESOURCE_GROUPS_READ, RESOURCES_API)
            ),
        )
        self.optional("resources", "resources and the managed identities they run as unknown", self.listed_resources)
        self.optional("user-assigned identities", "user-assigned managed identities unknown", self.identities)
        self.optional("key vaults", "key vaults and who may read their secrets unknown", self.vaults)
        if any(str(r.get("type", "")).lower() == _COSMOS_TYPE for r in self.resources):
            self.optional(
                "cosmos db accounts",
                "whether Cosmos DB accounts accept their keys, and who holds their SQL data roles, unknown",
                self.cosmos,
            )
        return True

    def listed_resources(self) -> None:
        self.resources = [shapes.with_group(r) for r in self.listed("resources", perm.RESOURCES_READ, RESOURCES_API)]
        self.write("resources.json", self.resources)

    def roles(self) -> None:
        path = "providers/Microsoft.Authorization/roleDefinitions"
        found = self.listed(path, perm.ROLE_DEFINITIONS_READ, AUTHORIZATION_API, **{"$filter": "type eq 'CustomRole'"})
        self.write("roleDefinitions.json", [shapes.role_definition(r) for r in found])

    def identities(self) -> None:
        path = "providers/Microsoft.ManagedIdentity/userAssignedIdentities"
        found = [shapes.identity(i) for i in self.listed(path, perm.IDENTITIES_READ, IDENTITIES_API)]
        self.write("identities.json", found)
        directories = _directories(found)
        call = perm.arm("{identity id}/federatedIdentityCredentials", perm.IDENTITY_FICS_READ)

        def one(identity: dict[str, Any]) -> None:
            url = self.ctx.arm.url(f"{_path(str(identity['id']))}/federatedIdentityCredentials")
            try:
                credentials = self.ctx.arm.listed(url, call, {"api-version": IDENTITIES_API}, next_key="nextLink")
            except ApiError as exc:
                if exc.missing:
                    return
                raise
            if credentials:
                relative = f"identities/{directories[str(identity['id'])]}/federatedCredentials.json"
                self.write(relative, [shapes.identity_credential(c) for c in credentials])

        self.optional(
            "identity federated credentials",
            "who outside Azure may sign in as user-assigned identities unknown",
            lambda: each(one, [i for i in found if i.get("id")], self.ctx.call_workers),
        )

    def vaults(self) -> None:
        path = "providers/Microsoft.KeyVault/vaults"
        found = [shapes.with_group(v) for v in self.listed(path, perm.VAULTS_READ, KEY_VAULT_API)]
        self.write("keyVaults.json", found)
        for vault in found:
            properties = vault.get("properties") if isinstance(vault.get("properties"), dict) else {}
            for policy in (properties or {}).get("accessPolicies") or ():
                if isinstance(policy, dict):
                    self.principals.add(str(policy.get("objectId", "")).lower())
        call = perm.arm("{vault id}/secrets", perm.SECRETS_READ)

        def one(vault: dict[str, Any]) -> None:
            url = self.ctx.arm.url(f"{_path(str(vault['id']))}/secrets")
            try:
                secrets = self.ctx.arm.listed(url, call, {"api-version": KEY_VAULT_API}, next_key="nextLink")
            except ApiError as exc:
                if exc.missing:
                    return
                raise
            converted = [shapes.vault_secret(s, vault) for s in secrets]
            self.write(f"keyVaults/{safe_name(str(vault.get('name')))}/secrets.json", converted)

        self.optional(
            "key vault secrets",
            "names and expiry of key vault secrets unknown",
            lambda: each(one, [v for v in found if v.get("id")], self.ctx.call_workers),
        )

    def cosmos(self) -> None:
        """The Cosmos DB accounts (``disableLocalAuth``), then each account's SQL role assignments and definitions
        (the data plane's own RBAC). An account that refuses them is one failure naming it; the others are still
        read. Never ``listKeys``: keys are not read, only who could read them."""
        path = "providers/Microsoft.DocumentDB/databaseAccounts"
        found = [shapes.with_group(x) for x in self.listed(path, perm.COSMOS_ACCOUNTS_READ, COSMOS_API)]
        self.write("cosmosAccounts.json", found)
        directories = _directories(found)
        calls = {
            "sqlRoleAssignments": perm.arm("{account id}/sqlRoleAssignments", perm.COSMOS_SQL_ASSIGNMENTS_READ),
            "sqlRoleDefinitions": perm.arm("{account id}/sqlRoleDefinitions", perm.COSMOS_SQL_DEFINITIONS_READ),
        }

        def one(account: dict[str, Any]) -> None:
            identifier = str(account["id"])
            for collection, call in calls.items():
                url = self.ctx.arm.url(f"{_path(identifier)}/{collection}")
                try:
                    listed = self.ctx.arm.listed(url, call, {"api-version": COSMOS_API}, next_key="nextLink")
                except FAILURES as raised:
                    exc = ApiError.of(raised, call)
                    if not exc.missing:
                        impact = f"who may read the data of Cosmos DB account {account.get('name')} unknown"
                        self.ctx.failed(identifier, f"cosmos db {collection}", exc, impact)
                    return
                converted = [shapes.flattened(x) for x in listed]
                if collection == "sqlRoleAssignments":
                    self.principals.update(str(x.get("principalId", "")).lower() for x in converted)
                self.write(f"cosmosAccounts/{directories[identifier]}/{collection}.json", converted)

        each(one, [x for x in found if x.get("id")], self.ctx.call_workers)


def _directories(found: list[dict[str, Any]]) -> dict[str, str]:
    """A directory name per resource id for what is written under it: its name, or name.resourceGroup where two
    resources share a name (names are unique per resource group only)."""
    directories: dict[str, str] = {}
    for resource in found:
        name = safe_name(str(resource.get("name", "")))
        if name in directories.values():
            name = safe_name(f"{resource.get('name')}.{resource.get('resourceGroup')}")
        directories[str(resource.get("id"))] = name
    return directories
