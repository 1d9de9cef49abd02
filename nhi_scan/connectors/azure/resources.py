"""The Azure resource hierarchy (tenant, management groups, subscriptions, resource groups, the resources that
matter) and what runs as each managed identity, from the ARM records.

A scope an assignment names but no listing describes (a subscription of another export, a single VM) is still
placed, under the parent its id implies, so that grants inherit down a complete tree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.names import (
    SERVICE_PRINCIPALS,
    Directory,
    identity_id,
    is_management_group,
    management_group_id,
    resource_group_of,
    subscription_of,
    subscription_scope,
    tenant_scope,
)
from nhi_scan.connectors.azure.records import (
    AccessPolicyRecord,
    Collected,
    CosmosSqlRoleAssignmentRecord,
    CosmosSqlRoleDefinitionRecord,
    KeyVaultRecord,
    ManagementGroupRecord,
    ResourceGroupRecord,
    ResourceRecord,
    ScopeLinkRecord,
    SubscriptionRecord,
    TenantRecord,
    UserAssignedIdentityRecord,
    VaultSecretRecord,
)
from nhi_scan.model import Grant, Provider, Scope, ScopeKind, Workload

#: ARM type (lower-case) -> workload kind; other types use their last segment.
WORKLOAD_KINDS = {
    "microsoft.compute/virtualmachines": "virtual-machine",
    "microsoft.automation/automationaccounts": "automation-account",
    "microsoft.logic/workflows": "logic-app",
    "microsoft.containerinstance/containergroups": "container-group",
    "microsoft.app/containerapps": "container-app",
    "microsoft.containerservice/managedclusters": "aks-cluster",
}
_APP_TAGS = ("app", "application", "service", "component", "workload", "system")


def workload_kind(resource: ResourceRecord) -> str:
    arm_type = resource.type.lower()
    if arm_type == "microsoft.web/sites":
        return "function-app" if "functionapp" in (resource.kind or "").lower() else "web-app"
    return WORKLOAD_KINDS.get(arm_type) or arm_type.rsplit("/", 1)[-1]


def type_of(resource_id: str) -> str:
    """``/subscriptions/S/resourcegroups/RG/providers/NS/T1/N1/T2/N2`` -> ``ns/t1/t2``."""
    parts = resource_id.split("/providers/", 1)[-1].split("/")
    return "/".join([parts[0], *parts[1::2]])


#: Resources whose keys open everything they hold (storage accounts, Cosmos DB accounts): kept as scopes so that
#: who may list their keys can be judged.
KEY_STORES = frozenset({"microsoft.storage/storageaccounts", "microsoft.documentdb/databaseaccounts"})
COSMOS_ACCOUNT = "Microsoft.DocumentDB/databaseAccounts"


class Resources:
    def __init__(self, collected: Collected, directory: Directory, owner_keys: Sequence[str]) -> None:
        self.c = collected
        self.directory = directory
        self.notes: list[str] = []
        self.resources: dict[str, ResourceRecord] = {}
        for record in collected.of(ResourceRecord):
            known = self.resources.get(record.id)
            if known is None or (not (known.system_principal_id or known.user_assigned)):
                if known is not None and record.key_auth_disabled is None:
                    record = replace(record, key_auth_disabled=known.key_auth_disabled)
                self.resources[record.id] = record
            elif known.key_auth_disabled is None and record.key_auth_disabled is not None:
                # az resource list says who it runs as, az cosmosdb list whether its keys work: both are kept
                self.resources[record.id] = replace(known, key_auth_disabled=record.key_auth_disabled)
        self.identities = {i.id: i for i in collected.of(UserAssignedIdentityRecord)}
        self.vaults = {v.id: v for v in collected.of(KeyVaultRecord)}
        self.links = {link.child: link.parent for link in collected.of(ScopeLinkRecord)}
        self.subscription_ids: list[str] = []

    def tags_of_identity(self, resource_id: str) -> Mapping[str, str]:
        """A managed identity's tags: its own (user-assigned) or those of the resource it belongs to."""
        identity = self.identities.get(resource_id)
        if identity is not None:
            return identity.tags
        found = self.resources.get(resource_id)
        return found.tags if found is not None else {}

    def _principals(self, resource: ResourceRecord) -> list[str]:
        found = [resource.system_principal_id] if resource.system_principal_id else []
        for identity, principal in resource.user_assigned:
            principal = principal or self.directory.principal_by_resource.get(identity)
            if principal is None:
                self.notes.append(
                    f"{resource.source}: {resource.id} runs as user-assigned identity {identity}, whose principal "
                    "no input gives (az identity list): not linked"
                )
            else:
                found.append(principal)
        return [identity_id(SERVICE_PRINCIPALS, p) for p in dict.fromkeys(found)]

    def workloads(self) -> list[Workload]:
        found: list[Workload] = []
        for resource in self.resources.values():
            principals = self._principals(resource)
            if not principals:
                continue
            group = resource.resource_group.rsplit("/", 1)[-1] if resource.resource_group else None
            found.append(
                Workload(
                    id=resource.id,
                    kind=workload_kind(resource),
                    name=resource.name,
                    identity_id=principals[0],
                    other_identity_ids=tuple(principals[1:]),
                    provider=AZURE,
                    scope=resource.subscription_id,
                    attributes={"service": "azure", "type": resource.type, "resource_group": group},
                    application=next((resource.tags[k] for k in _APP_TAGS if resource.tags.get(k)), None),
                )
            )
        return found

    def _vault_attributes(self, vault: KeyVaultRecord) -> dict[str, Any]:
        policies: dict[tuple[str, str | None], AccessPolicyRecord] = {}
        for policy in self.c.of(AccessPolicyRecord):
            if policy.vault_id == vault.id:
                policies.setdefault((policy.object_id, policy.application_id), policy)
        secrets = [s for s in self.c.of(VaultSecretRecord) if s.vault_name == vault.name.lower()]
        return {
            "name": vault.name,
            "type": "Microsoft.KeyVault/vaults",
            "rbac": vault.rbac_authorization,
            "access_policies": [
                {
                    "object_id": p.object_id,
                    "principal_id": self.directory.principal(p.object_id),
                    "application_id": p.application_id,
                    "permissions": {k: list(v) for k, v in p.permissions.items()},
                }
                for p in policies.values()
            ],
            "secrets": [
                {
                    "name": s.name,
                    "content_type": s.content_type,
                    "enabled": s.enabled,
                    "created": s.created,
                    "expires": s.expires,
                    "tags": dict(s.tags),
                }
                for s in {s.name: s for s in secrets}.values()
            ],
        }

    def _cosmos_attributes(self) -> dict[str, dict[str, Any]]:
        """Per Cosmos DB account: its SQL (data-plane) role assignments and the role definitions exported with
        them, recorded on the account's scope as a vault's access policies are."""
        found: dict[str, dict[str, Any]] = {}
        seen: set[str] = set()
        for assignment in self.c.of(CosmosSqlRoleAssignmentRecord):
            if assignment.id in seen:
                continue
            seen.add(assignment.id)
            entry = found.setdefault(assignment.account_id, {"sql_role_assignments": [], "sql_role_definitions": []})
            entry["sql_role_assignments"].append(
                {
                    "id": assignment.id,
                    "object_id": assignment.principal_id,
                    "principal_id": self.directory.principal(assignment.principal_id),
                    "role_definition_id": assignment.role_definition_id,
                    "scope": assignment.scope,
                }
            )
        definitions: dict[str, CosmosSqlRoleDefinitionRecord] = {}
        for definition in self.c.of(CosmosSqlRoleDefinitionRecord):
            definitions.setdefault(definition.id, definition)
        for definition in definitions.values():
            entry = found.setdefault(definition.account_id, {"sql_role_assignments": [], "sql_role_definitions": []})
            entry["sql_role_definitions"].append(
                {
                    "id": definition.id,
                    "role_name": definition.role_name,
                    "role_type": definition.role_type,
                    "permissions": [dict(p) for p in definition.permissions],
                }
            )
        return found

    def hierarchy(self, grants: Iterable[Grant]) -> list[Scope]:
        tree = _Tree(self.directory.tenant, AZURE)
        names = {t.tenant_id: t.display_name for t in self.c.of(TenantRecord)}
        tree.tenant(names.get(self.directory.tenant))
        for group in self.c.of(ManagementGroupRecord):
            tree.management_group(group.id, group.display_name, self.links.get(group.id))
        for subscription in self.c.of(SubscriptionRecord):
            link = self.links.get(subscription_scope(subscription.subscription_id))
            attributes = {"state": subscription.state} if subscription.state else {}
            tree.subscription(subscription.subscription_id, subscription.display_name, link, attributes)
        for child, parent in self.links.items():
            if child.startswith("/subscriptions/"):
                tree.subscription(child.rsplit("/", 1)[-1], None, parent, {})
        for group_record in self.c.of(ResourceGroupRecord):
            tree.resource_group(group_record.id, group_record.name)
        cosmos = self._cosmos_attributes()
        for resource in self.resources.values():
            if (
                resource.system_principal_id
                or resource.user_assigned
                or resource.id in self.vaults
                or resource.type.lower() in KEY_STORES
            ):
                facts: dict[str, Any] = {"name": resource.name, "type": resource.type}
                if resource.key_auth_disabled is not None:
                    facts["key_auth_disabled"] = resource.key_auth_disabled
                tree.resource(resource.id, facts | cosmos.get(resource.id, {}))
        for account, extra in cosmos.items():
            if account not in self.resources:  # named by its SQL role assignments only
                name = account.rsplit("/", 1)[-1]
                tree.resource(account, {"name": name, "type": COSMOS_ACCOUNT, **extra}, replace=True)
        for vault in self.vaults.values():
            tree.resource(vault.id, self._vault_attributes(vault), replace=True)
        for grant in grants:
            scope = grant.resource_scope or ""
            if scope.startswith("/"):
                listed = self.resources.get(scope)
                tree.place(scope, {"name": listed.name, "type": listed.type} if listed else None)
        self.subscription_ids = [
            s.id.rsplit("/", 1)[-1] for s in tree.scopes.values() if s.kind is ScopeKind.SUBSCRIPTION
        ]
        return list(tree.scopes.values())

    def scopes(self) -> list[tuple[Provider, str]]:
        tenant = [(AZURE, self.directory.tenant)] if self.directory.tenant != "unknown" else []
        return tenant + [(AZURE, s) for s in sorted(self.subscription_ids)]


class _Tree:
    """Scopes by id; adding one adds the parents its id implies (a subscription for a resource group...)."""

    def __init__(self, tenant: str, provider: Provider) -> None:
        self.provider = provider
        self.tenant_id = tenant_scope(tenant) if tenant != "unknown" else None
        self.root = management_group_id(tenant) if tenant != "unknown" else None
        self.scopes: dict[str, Scope] = {}

    def _add(self, scope: Scope, *, replace: bool = False) -> None:
        if replace or scope.id not in self.scopes:
            self.scopes[scope.id] = scope

    def tenant(self, name: str | None) -> None:
        if self.tenant_id:
            self._add(Scope(id=self.tenant_id, provider=self.provider, kind=ScopeKind.TENANT, name=name))

    def management_group(self, group: str, name: str | None, parent: str | None) -> None:
        if group == self.root:
            parent = self.tenant_id
        elif parent is None:
            parent = self.root
        if parent and parent != self.tenant_id and parent not in self.scopes:
            self.management_group(parent, "Tenant Root Group" if parent == self.root else None, None)
        known = self.scopes.get(group)
        if known is None or known.name is None or known.parent is None:
            self._add(
                Scope(
                    id=group,
                    provider=self.provider,
                    kind=ScopeKind.MANAGEMENT_GROUP,
                    name=name or (known.name if known else None),
                    parent=parent,
                ),
                replace=True,
            )

    def subscription(
        self, subscription_id: str, name: str | None, parent: str | None, attributes: Mapping[str, Any]
    ) -> None:
        identifier = subscription_scope(subscription_id)
        if parent and parent not in self.scopes:
            self.management_group(parent, None, None)
        known = self.scopes.get(identifier)
        parent = parent or (known.parent if known else None) or self.tenant_id
        self._add(
            Scope(
                id=identifier,
                provider=self.provider,
                kind=ScopeKind.SUBSCRIPTION,
                name=name or (known.name if known else None),
                parent=parent,
                attributes=dict(attributes) or (dict(known.attributes) if known else {}),
            ),
            replace=True,
        )

    def resource_group(self, group: str, name: str | None) -> None:
        subscription = subscription_of(group) or ""
        if subscription_scope(subscription) not in self.scopes:
            self.subscription(subscription, None, None, {})
        self._add(
            Scope(
                id=group,
                provider=self.provider,
                kind=ScopeKind.RESOURCE_GROUP,
                name=name or group.rsplit("/", 1)[-1],
                parent=subscription_scope(subscription),
            )
        )

    def resource(self, resource: str, attributes: Mapping[str, Any], *, replace: bool = False) -> None:
        group = resource_group_of(resource)
        if group and group not in self.scopes:
            self.resource_group(group, None)
        name = str(attributes.get("name") or resource.rsplit("/", 1)[-1])
        self._add(
            Scope(
                id=resource,
                provider=self.provider,
                kind=ScopeKind.RESOURCE,
                name=name,
                parent=group,
                attributes=dict(attributes),
            ),
            replace=replace,
        )

    def place(self, scope: str, attributes: Mapping[str, Any] | None) -> None:
        """A scope a grant names: whatever kind its id says."""
        if scope in self.scopes or scope == "/":
            return
        if is_management_group(scope):
            self.management_group(scope, None, None)
        elif resource_group_of(scope) == scope:
            self.resource_group(scope, None)
        elif resource_group_of(scope):
            self.resource(scope, attributes or {"name": scope.rsplit("/", 1)[-1], "type": type_of(scope)})
        elif subscription_of(scope) and scope.count("/") == 2:
            self.subscription(subscription_of(scope) or "", None, None, {})
