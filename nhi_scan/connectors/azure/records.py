"""Typed records of what Azure exports say, whichever tool printed them (Microsoft Graph pages, az CLI arrays,
AzureHound): every format loads into these, and ``parse`` joins them into the Inventory.

Identifiers are lower-cased when read, because the tools disagree on case (AzureHound upper-cases object ids and ARM
ids; ARM ids are case-insensitive); names keep their case. Never secret material: a credential record holds its key
id and metadata only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectRef:
    """A directory object another names (owner, member, sponsor), with its collection (``users``...) if known."""

    object_id: str
    collection: str | None
    display_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretRecord:
    """A password credential (``secret``) or key credential (``certificate``) of an application or SP."""

    kind: str
    key_id: str
    display_name: str | None
    hint: str | None
    start: datetime | None
    end: datetime | None
    key_type: str | None = None
    usage: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FederatedCredentialRecord:
    """A federated credential of an application (by object id, or AzureHound: appId) or of a user-assigned managed
    identity (by ARM id)."""

    id: str
    name: str | None
    issuer: str
    subject: str | None
    audiences: tuple[str, ...]
    expression: str | None
    app_object_id: str | None = None
    app_id: str | None = None
    identity_resource_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ServicePrincipalRecord:
    object_id: str
    app_id: str | None
    display_name: str | None
    sp_type: str | None
    odata_type: str | None
    app_owner_organization_id: str | None
    account_enabled: bool | None
    alternative_names: tuple[str, ...]
    #: App role id -> permission value, of the app roles this SP (as a resource) defines.
    app_roles: Mapping[str, str]
    secrets: tuple[SecretRecord, ...]
    owners: tuple[ObjectRef, ...]
    created: datetime | None
    sign_in_audience: str | None = None
    tags: tuple[str, ...] = ()
    agent_blueprint_id: str | None = None
    #: Sponsors of an agent identity; None when the export does not say (``$expand=sponsors`` not asked).
    sponsors: tuple[ObjectRef, ...] | None = None
    #: servicePrincipalNames: the app id and identifier URIs a token may be asked for (its audience).
    names: tuple[str, ...] = ()
    tenant_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ApplicationRecord:
    object_id: str
    app_id: str | None
    display_name: str | None
    odata_type: str | None
    sign_in_audience: str | None
    secrets: tuple[SecretRecord, ...]
    owners: tuple[ObjectRef, ...]
    created: datetime | None
    tags: tuple[str, ...] = ()
    identifier_uris: tuple[str, ...] = ()
    tenant_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRecord:
    object_id: str
    user_principal_name: str | None
    display_name: str | None
    user_type: str | None
    account_enabled: bool | None
    created: datetime | None
    last_sign_in: datetime | None
    #: The export carries sign-in activity for this user (``$select=signInActivity``), even when there is none.
    sign_in_known: bool
    odata_type: str | None
    identity_parent_id: str | None = None
    tenant_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRecord:
    object_id: str
    display_name: str | None
    security_enabled: bool | None
    is_assignable_to_role: bool | None
    owners: tuple[ObjectRef, ...]
    created: datetime | None
    tenant_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnershipRecord:
    """``owner`` owns ``target`` (AzureHound's owner kinds; expanded ``owners`` are carried by the objects)."""

    target: ObjectRef
    owner: ObjectRef
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MembershipRecord:
    group_id: str
    member: ObjectRef
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class UnitMembersRecord:
    """The members of an administrative unit, listed whole (``administrativeUnits?$expand=members`` or the unit's
    members page): a role scoped to the unit then reaches these and no other object."""

    unit_id: str
    members: tuple[ObjectRef, ...]
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AppRoleAssignmentRecord:
    app_role_id: str
    principal_id: str
    principal_type: str | None
    resource_id: str
    #: The resource's appId, when the export says (AzureHound).
    resource_app_id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DelegatedGrantRecord:
    """An oAuth2PermissionGrant: delegated scopes a client may use on a resource for one user or all users."""

    client_id: str
    consent_type: str | None
    principal_id: str | None
    resource_id: str
    scope: str
    id: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectoryRoleDefinitionRecord:
    id: str
    template_id: str
    display_name: str | None
    is_built_in: bool | None
    is_privileged: bool | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectoryRoleAssignmentRecord:
    principal_id: str
    role_definition_id: str
    #: As exported (``/``, ``/administrativeUnits/ID``, ``/APP_OBJECT_ID``; AzureHound: ``/APP_ID``).
    directory_scope_id: str
    eligible: bool
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInRecord:
    app_id: str
    last_sign_in: datetime | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SignInCoverage:
    source: str  # a servicePrincipalSignInActivities answer (even empty): an SP it does not list has no sign-in


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantRecord:
    tenant_id: str
    display_name: str | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscriptionRecord:
    subscription_id: str
    tenant_id: str | None
    display_name: str | None
    state: str | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagementGroupRecord:
    #: Lower-case ARM id ``/providers/microsoft.management/managementgroups/NAME``.
    id: str
    name: str
    display_name: str | None
    tenant_id: str | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeLinkRecord:
    """``child`` (a management group or ``/subscriptions/ID``) sits in management group ``parent``."""

    child: str
    parent: str
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceGroupRecord:
    id: str
    name: str
    subscription_id: str
    tags: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ResourceRecord:
    """An ARM resource (``az resource list``, AzureHound's resource kinds), with the identities it runs as."""

    id: str
    name: str
    type: str
    kind: str | None
    subscription_id: str
    resource_group: str | None
    tags: Mapping[str, str]
    system_principal_id: str | None
    #: (ARM id of the user-assigned identity, its principal id when the export says), in export order.
    user_assigned: tuple[tuple[str, str | None], ...]
    #: The account refuses its keys (Cosmos DB ``disableLocalAuth`` true, storage ``allowSharedKeyAccess`` false);
    #: None when the export does not say (``az resource list`` prints no properties).
    key_auth_disabled: bool | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class UserAssignedIdentityRecord:
    id: str
    name: str
    principal_id: str | None
    client_id: str | None
    tenant_id: str | None
    tags: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RbacAssignmentRecord:
    id: str
    scope: str
    role_definition_id: str
    principal_id: str
    principal_type: str | None
    role_definition_name: str | None
    condition: str | None
    condition_version: str | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleDefinitionRecord:
    guid: str
    role_name: str
    role_type: str | None
    #: ``permissions[]`` as az prints them (actions, notActions, dataActions, notDataActions).
    permissions: tuple[Mapping[str, Any], ...]
    assignable_scopes: tuple[str, ...]
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class DenyAssignmentRecord:
    id: str
    name: str | None
    scope: str
    permissions: tuple[Mapping[str, Any], ...]
    principals: tuple[Mapping[str, Any], ...]
    exclude_principals: tuple[Mapping[str, Any], ...]
    applies_to_children: bool
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessPolicyRecord:
    """One Key Vault access policy entry (the vault's own list, or AzureHound's AZKeyVaultAccessPolicy)."""

    vault_id: str
    object_id: str
    application_id: str | None
    #: ``{"secrets": [...], "keys": [...], "certificates": [...], "storage": [...]}``, lower-cased permissions.
    permissions: Mapping[str, tuple[str, ...]]
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyVaultRecord:
    id: str
    name: str
    subscription_id: str
    resource_group: str | None
    rbac_authorization: bool | None
    tags: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class VaultSecretRecord:
    """A Key Vault secret's name and attributes (``az keyvault secret list``): never its value."""

    vault_name: str
    name: str
    content_type: str | None
    enabled: bool | None
    created: datetime | None
    expires: datetime | None
    tags: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CosmosSqlRoleAssignmentRecord:
    """A Cosmos DB SQL (data-plane) role assignment (``az cosmosdb sql role assignment list``): its ``id`` names
    the account."""

    id: str
    account_id: str
    principal_id: str
    #: The lower-case ARM id of the SQL role definition (``.../sqlRoleDefinitions/GUID``).
    role_definition_id: str
    #: The account, ``ACCOUNT/dbs/DB`` or ``ACCOUNT/dbs/DB/colls/C`` (full lower-case ids).
    scope: str
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CosmosSqlRoleDefinitionRecord:
    """A Cosmos DB SQL role definition (``az cosmosdb sql role definition list``): its data actions."""

    id: str
    account_id: str
    role_name: str
    role_type: str | None
    #: ``[{"dataActions": [...], "notDataActions": [...]}]``
    permissions: tuple[Mapping[str, Any], ...]
    source: str = ""


Record = (
    ServicePrincipalRecord
    | ApplicationRecord
    | UserRecord
    | GroupRecord
    | OwnershipRecord
    | MembershipRecord
    | UnitMembersRecord
    | FederatedCredentialRecord
    | AppRoleAssignmentRecord
    | DelegatedGrantRecord
    | DirectoryRoleDefinitionRecord
    | DirectoryRoleAssignmentRecord
    | SignInRecord
    | SignInCoverage
    | TenantRecord
    | SubscriptionRecord
    | ManagementGroupRecord
    | ScopeLinkRecord
    | ResourceGroupRecord
    | ResourceRecord
    | UserAssignedIdentityRecord
    | RbacAssignmentRecord
    | RoleDefinitionRecord
    | DenyAssignmentRecord
    | AccessPolicyRecord
    | KeyVaultRecord
    | VaultSecretRecord
    | CosmosSqlRoleAssignmentRecord
    | CosmosSqlRoleDefinitionRecord
)


@dataclass(frozen=True, slots=True)
class Records:
    """What one file held, and notes naming (file, field) what in it could not be used."""

    items: tuple[Record, ...]
    notes: tuple[str, ...] = ()
    #: Why only part of the file could be read (the loader marks the source partial, the scan incomplete).
    incomplete: str | None = None


_R = TypeVar("_R")


@dataclass(slots=True)
class Collected:
    """The records of every document of a scan, by type, and the notes their formats left."""

    by_type: dict[type, list[Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, payload: Records) -> None:
        for item in payload.items:
            self.by_type.setdefault(type(item), []).append(item)
        self.notes.extend(payload.notes)

    def of(self, kind: type[_R]) -> list[_R]:
        return self.by_type.get(kind, [])
