"""Azure Resource Manager representations -> records: the az CLI's flattened JSON (``-o json``), the REST shape
(``properties: {...}``, as ``az rest`` and AzureHound print it), one reader per resource kind.

ARM ids are case-insensitive and the tools disagree on their case: every id is lower-cased when read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from nhi_scan.connectors.azure.graph import federated_credential, guid, opt_guid, subject_or_expression
from nhi_scan.connectors.azure.names import arm_id, resource_group_of, role_definition_guid, subscription_of
from nhi_scan.connectors.azure.records import (
    AccessPolicyRecord,
    CosmosSqlRoleAssignmentRecord,
    CosmosSqlRoleDefinitionRecord,
    DenyAssignmentRecord,
    FederatedCredentialRecord,
    KeyVaultRecord,
    ManagementGroupRecord,
    RbacAssignmentRecord,
    Record,
    ResourceGroupRecord,
    ResourceRecord,
    RoleDefinitionRecord,
    ScopeLinkRecord,
    SubscriptionRecord,
    UserAssignedIdentityRecord,
    VaultSecretRecord,
)
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.redact import quote

_PERMISSION_KEYS = ("actions", "notActions", "dataActions", "notDataActions")
_VAULT_PERMISSIONS = ("secrets", "keys", "certificates", "storage")
_SECRET_ID = re.compile(r"^https://([^./]+)\.vault\.[^/]+/secrets/([^/]+)", re.IGNORECASE)
#: A secret in ARM's own listing (``GET {vault}/secrets`` of Microsoft.KeyVault, as ``az rest`` prints it).
ARM_SECRET_ID = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.keyvault/vaults/([^/]+)/secrets/([^/]+)$",
    re.IGNORECASE,
)
_FIC = "/federatedidentitycredentials/"


def view(entry: Fields, key: str) -> Fields:
    """The object holding ``key``: the entry itself (az flattens), or its ``properties`` (REST)."""
    props = entry.obj("properties")
    return props if props is not None and not entry.has(key) and props.has(key) else entry


def tags(entry: Fields, key: str = "tags") -> dict[str, str]:
    """An ARM ``tags`` object: every value is a string. Another (a number, an object) was damaged, and read as its
    text it would link a resource or secret to an application it never named."""
    found = entry.obj(key)
    if found is None:
        return {}
    for name, value in found.raw.items():
        if value is not None and not isinstance(value, str):
            found.string(str(name))  # raises, naming the tag
    return {str(k): "" if v is None else v for k, v in found.raw.items()}


#: A control character (a NUL appended, say) is in no ARM id: such an id was damaged, and read as written it
#: would name no scope or resource, so what it grants would vanish without a word.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def resource_id(entry: Fields, key: str = "id") -> str:
    """An ARM id, lower-cased. Errors here and below quote the field as written, never the lower-cased id:
    redaction recognises a secret by its case."""
    value = arm_id(entry.string(key))
    if not value.startswith(("/subscriptions/", "/providers/")) or _CONTROL.search(value):
        raise entry.error(key, f"not an Azure resource id: {quote(entry.string(key))}")
    return value


def _nonempty_scope(data: Fields) -> str:
    """A scope as written. ARM writes ``/`` for the root: an empty one was damaged, and read as the root (what
    ``arm_id`` makes of it) it would grant or deny on every subscription."""
    raw = data.string("scope")
    if not raw.strip():
        raise data.error("scope", "an empty scope (the root is written '/')")
    return raw


def _assignment_scope(data: Fields) -> str:
    """A role assignment's scope: ``/`` (the root), a management group, a subscription or below."""
    value = arm_id(_nonempty_scope(data))
    if value == "/" and not _CONTROL.search(data.string("scope")):
        return value
    return resource_id(data, "scope")


def _resource_of_type(entry: Fields, identifier: str) -> str:
    """A resource's id ends with ``providers/NAMESPACE/TYPE/NAME`` (and ``/TYPE/NAME`` per child): an id cut short
    (``.../resourceGroups/r``) names another object, whose access would be read in place of the resource's."""
    _, found, tail = identifier.rpartition("/providers/")
    parts = tail.split("/")
    if not found or len(parts) < 3 or len(parts) % 2 == 0 or not all(parts):
        raise entry.error("id", f"not a resource id (.../providers/NAMESPACE/TYPE/NAME): {quote(entry.string('id'))}")
    return identifier


def _subscription(entry: Fields, identifier: str, key: str = "id") -> str:
    found = subscription_of(identifier)
    if found is None:
        raise entry.error(key, f"not inside a subscription: {quote(entry.string(key))}")
    return found


def subscription(entry: Fields) -> SubscriptionRecord:
    """``az account list`` (id = GUID, name) or the REST / AzureHound shape (id = /subscriptions/GUID)."""
    raw = entry.opt_str("subscriptionId") or entry.string("id")
    subscription_id = raw.rsplit("/", 1)[-1].lower()
    if not re.match(r"^[0-9a-f-]{36}$", subscription_id):
        raise entry.error("id", f"not a subscription id: {quote(raw)}")
    display_name = entry.opt_str("displayName") or entry.opt_str("name")
    if not display_name:
        # az account list and ARM name every subscription; the findings would name it by its id unsaid
        key = "displayName" if raw.startswith("/") else "name"  # REST / AzureHound name it displayName, az name
        note_unreadable(entry.source, entry.path_of(key), "missing or empty: the subscription is shown by its id")
    return SubscriptionRecord(
        subscription_id=subscription_id,
        tenant_id=opt_guid(entry, "tenantId") or opt_guid(entry, "homeTenantId"),
        display_name=display_name,
        state=entry.opt_str("state"),
        source=entry.source,
    )


def management_group(entry: Fields) -> list[Record]:
    """A management group (``az account management-group show --expand --recurse`` or ``list``): the group, its
    parent, and every group and subscription below it."""
    identifier = resource_id(entry)
    props = entry.obj("properties")
    names = props if props is not None else entry
    found: list[Record] = [
        ManagementGroupRecord(
            id=identifier,
            name=entry.opt_str("name") or identifier.rsplit("/", 1)[-1],
            display_name=names.opt_str("displayName") or names.opt_str("display_name"),
            tenant_id=opt_guid(names, "tenantId") or opt_guid(entry, "tenantId"),
            source=entry.source,
        )
    ]
    details = props.obj("details") if props is not None else None
    parent = details.obj("parent") if details is not None else (props.obj("parent") if props is not None else None)
    if parent is not None and parent.opt_str("id"):
        found.append(ScopeLinkRecord(child=identifier, parent=resource_id(parent), source=entry.source))
    if props is not None:
        found.extend(_children(props, identifier))
    return found


def _children(props: Fields, parent: str) -> list[Record]:
    found: list[Record] = []
    for child in props.objects("children"):
        child_id = resource_id(child)
        found.append(ScopeLinkRecord(child=child_id, parent=parent, source=props.source))
        if child_id.startswith("/providers/"):
            found.append(
                ManagementGroupRecord(
                    id=child_id,
                    name=child.opt_str("name") or child_id.rsplit("/", 1)[-1],
                    display_name=child.opt_str("displayName"),
                    tenant_id=None,
                    source=props.source,
                )
            )
            found.extend(_children(child, child_id))
    return found


def resource_group(entry: Fields) -> ResourceGroupRecord:
    identifier = resource_id(entry)
    if resource_group_of(identifier) != identifier:
        raise entry.error("id", f"not a resource group id: {quote(entry.string('id'))}")
    return ResourceGroupRecord(
        id=identifier,
        name=entry.opt_str("name") or identifier.rsplit("/", 1)[-1],
        subscription_id=_subscription(entry, identifier),
        tags=tags(entry),
        source=entry.source,
    )


def resource(entry: Fields) -> ResourceRecord:
    """A resource and the identities it runs as: ``identity.principalId`` (system-assigned) and
    ``identity.userAssignedIdentities`` (ARM id -> ``{principalId, clientId}``)."""
    identifier = _resource_of_type(entry, resource_id(entry))
    identity = entry.obj("identity")
    system: str | None = None
    assigned: list[tuple[str, str | None]] = []
    if identity is not None:
        kind = (identity.opt_str("type") or "").lower()
        system = opt_guid(identity, "principalId") if "systemassigned" in kind or not kind else None
        if "systemassigned" in kind and system is None:
            # ARM gives every system-assigned identity its principal: without it the resource would run as no one
            raise identity.error("principalId", "missing or empty, though the identity is system-assigned")
        users = identity.obj("userAssignedIdentities")
        for key, value in users.raw.items() if users is not None else ():
            details = Fields(value or {}, entry.source, f"{identity.where}.userAssignedIdentities.{key}")
            assigned.append((arm_id(key), opt_guid(details, "principalId")))
        if "userassigned" in kind and not assigned:
            # ARM names every identity a user-assigned resource runs as: none would hide what it may do
            raise identity.error("userAssignedIdentities", "missing or empty, though the identity is user-assigned")
    return ResourceRecord(
        id=identifier,
        name=entry.opt_str("name") or identifier.rsplit("/", 1)[-1],
        type=_resource_type(entry),
        kind=_resource_kind(entry),
        subscription_id=_subscription(entry, identifier),
        resource_group=resource_group_of(identifier),
        tags=tags(entry),
        system_principal_id=system,
        user_assigned=tuple(assigned),
        key_auth_disabled=_key_auth_disabled(entry),
        source=entry.source,
    )


#: Types ARM always gives a ``kind`` and whose kind the scan reads (a function app or a web app).
_KIND_READ = frozenset({"microsoft.web/sites"})


def _resource_type(entry: Fields) -> str:
    """The ARM type, never empty: what a resource is decides what its identity may do there."""
    value = entry.string("type")
    if not value.strip():
        raise entry.error("type", "an empty type")
    return value


def _resource_kind(entry: Fields) -> str | None:
    """The resource's ``kind`` (optional in ARM). For the types whose kind the scan reads, ARM always writes it:
    one without it was damaged. The resource is still read (its identities matter more than its label), and the
    note says a function app may be shown as a web app."""
    value = entry.opt_str("kind")
    if not value and entry.string("type").lower() in _KIND_READ:
        note_unreadable(
            entry.source,
            entry.path_of("kind"),
            f"missing or empty (every {quote(entry.string('type'))} has one): read as a web app, may be a function app",
        )
    return value


def _key_auth_disabled(entry: Fields) -> bool | None:
    """Whether a Cosmos DB or storage account refuses its keys, when the listing says (``az cosmosdb list`` and
    ``az storage account list`` print the property; ``az resource list`` does not)."""
    disabled = view(entry, "disableLocalAuth").opt_bool("disableLocalAuth")
    if disabled is not None:
        return disabled
    shared = view(entry, "allowSharedKeyAccess").opt_bool("allowSharedKeyAccess")
    return None if shared is None else not shared


def user_assigned_identity(entry: Fields) -> UserAssignedIdentityRecord:
    identifier = resource_id(entry)
    data = view(entry, "principalId")
    return UserAssignedIdentityRecord(
        id=identifier,
        name=entry.opt_str("name") or identifier.rsplit("/", 1)[-1],
        principal_id=opt_guid(data, "principalId"),
        client_id=opt_guid(data, "clientId"),
        tenant_id=opt_guid(data, "tenantId"),
        tags=tags(entry),
        source=entry.source,
    )


def identity_federated_credential(entry: Fields) -> FederatedCredentialRecord:
    """``az identity federated-credential list``: the credential's ``id`` names its identity."""
    identifier = resource_id(entry)
    if _FIC not in identifier:
        raise entry.error("id", f"not a federated identity credential id: {quote(entry.string('id'))}")
    return federated_credential(
        subject_or_expression(view(entry, "issuer")),
        identity_resource_id=identifier.split(_FIC, 1)[0],
        credential_id=identifier,
    )


#: A role definition id ends with the definition's GUID (``/subscriptions/S/providers/.../roleDefinitions/GUID``).
_ROLE_DEFINITION_ID = re.compile(r"^(\S{0,300}/)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _role_definition_id(data: Fields) -> str:
    value = arm_id(data.string("roleDefinitionId"))
    if not _ROLE_DEFINITION_ID.match(value):
        raise data.error("roleDefinitionId", f"not a role definition id: {quote(data.string('roleDefinitionId'))}")
    return value


#: What every ABAC condition refers to: an attribute (``@Resource[...]``, ``@Request[...]``...) or an action test.
_CONDITION_TERM = re.compile(r"@(Resource|Request|Principal|Environment)\[|(Action|SubOperation)Matches\s*\{", re.I)


def _condition(data: Fields) -> str | None:
    """A role assignment's ABAC condition. ARM writes ``conditionVersion`` (``2.0``) beside every condition, and a
    condition tests attributes or actions: text that does neither, or one without its version, was damaged, and read
    as a condition the assignment would be judged as perhaps not holding."""
    condition = data.opt_str("condition") or None
    if condition is None:
        return None
    if not data.opt_str("conditionVersion"):
        raise data.error("conditionVersion", "missing, though the assignment has a condition")
    if not _CONDITION_TERM.search(condition):
        raise data.error("condition", "not a role assignment condition (it tests no attribute or action)")
    return condition


def rbac_assignment(entry: Fields) -> RbacAssignmentRecord:
    """``az role assignment list`` (flattened, with principalType and roleDefinitionName) or the REST shape."""
    data = view(entry, "roleDefinitionId")
    scope = _assignment_scope(data)
    principal_id = guid(data, "principalId")
    if entry.opt_str("id") == "":
        raise entry.error("id", "an empty assignment id")
    return RbacAssignmentRecord(
        id=arm_id(entry.opt_str("id") or f"{scope}/providers/microsoft.authorization/roleassignments/unnamed"),
        scope=scope,
        role_definition_id=_role_definition_id(data),
        principal_id=principal_id,
        principal_type=data.opt_str("principalType"),
        role_definition_name=data.opt_str("roleDefinitionName") or entry.opt_str("roleDefinitionName"),
        condition=_condition(data),
        condition_version=data.opt_str("conditionVersion") or None,
        source=entry.source,
    )


def permissions(entry: Fields, key: str = "permissions") -> tuple[Mapping[str, Any], ...]:
    """``permissions[]`` blocks as az prints them, each checked to hold arrays of strings."""
    blocks: list[Mapping[str, Any]] = []
    for block in entry.objects(key):
        found: dict[str, Any] = {k: list(block.strings(k)) for k in _PERMISSION_KEYS}
        for extra in ("condition", "conditionVersion"):
            if block.opt_str(extra):
                found[extra] = block.opt_str(extra)
        blocks.append(found)
    return tuple(blocks)


def role_definition(entry: Fields) -> RoleDefinitionRecord:
    data = view(entry, "roleName")
    guid_name = role_definition_guid(entry.opt_str("name") or entry.string("id"))
    role_type = data.opt_str("roleType") or (data.opt_str("type") if data is not entry else None)
    return RoleDefinitionRecord(
        guid=guid_name,
        role_name=data.string("roleName"),
        role_type=role_type,
        permissions=permissions(data),
        assignable_scopes=tuple(arm_id(s) for s in data.strings("assignableScopes")),
        source=entry.source,
    )


def _principals(entry: Fields, key: str) -> tuple[Mapping[str, Any], ...]:
    return tuple({"id": p.string("id").lower(), "type": p.opt_str("type")} for p in entry.objects(key))


def deny_assignment(entry: Fields) -> DenyAssignmentRecord:
    data = view(entry, "permissions")
    return DenyAssignmentRecord(
        id=arm_id(entry.string("id")),
        name=data.opt_str("denyAssignmentName") or entry.opt_str("name"),
        scope=arm_id(_nonempty_scope(data)),
        permissions=permissions(data),
        principals=_principals(data, "principals"),
        exclude_principals=_principals(data, "excludePrincipals"),
        applies_to_children=not data.opt_bool("doNotApplyToChildScopes"),
        source=entry.source,
    )


def access_policy(entry: Fields, vault_id: str) -> AccessPolicyRecord:
    granted = entry.obj("permissions")
    perms: dict[str, tuple[str, ...]] = {}
    for kind in _VAULT_PERMISSIONS:
        values = granted.strings(kind) if granted is not None else []
        if granted is not None and any(not v.strip() for v in values):
            # a permission is a name (Get, List, all): an empty one was damaged, and what it granted would vanish
            raise granted.error(kind, "holds an empty permission")
        perms[kind] = tuple(v.lower() for v in values)
    return AccessPolicyRecord(
        vault_id=vault_id,
        object_id=guid(entry, "objectId"),
        application_id=opt_guid(entry, "applicationId"),
        permissions=perms,
        source=entry.source,
    )


def key_vault(entry: Fields) -> list[Record]:
    """``az keyvault show`` / REST: the vault, whether it uses Azure RBAC, and its access policies."""
    identifier = resource_id(entry)
    props = entry.obj("properties")
    found: list[Record] = [
        KeyVaultRecord(
            id=identifier,
            name=entry.opt_str("name") or identifier.rsplit("/", 1)[-1],
            subscription_id=_subscription(entry, identifier),
            resource_group=resource_group_of(identifier),
            rbac_authorization=props.opt_bool("enableRbacAuthorization") if props is not None else None,
            tags=tags(entry),
            source=entry.source,
        )
    ]
    if props is not None:
        found.extend(access_policy(policy, identifier) for policy in props.objects("accessPolicies"))
    return found


def arm_written_vault(entry: Fields) -> Fields:
    """A vault as ARM writes it (``az keyvault show``, REST; AzureHound leaves empty lists out): the access
    policies listed (``[]`` when none, as under Azure RBAC), each with its ``permissions`` and their ``keys``,
    ``secrets`` and ``certificates`` lists (``storage`` optional). One without them was damaged, and read as none
    who may read the vault's secrets would vanish unsaid."""
    props = entry.obj("properties")
    if props is None:
        return entry
    if props.raw.get("accessPolicies") is None:
        raise props.error("accessPolicies", "null or missing (written [] when the vault has none)")
    for policy in props.objects("accessPolicies"):
        _written_policy(policy)
    return entry


def _written_policy(policy: Fields) -> None:
    granted = policy.obj("permissions")
    if granted is None:
        raise policy.error("permissions", "missing required field")
    for kind in _VAULT_PERMISSIONS:
        granted.strings(kind)  # a list of another type is said first, as such
    for kind in ("keys", "secrets", "certificates"):
        if not granted.has(kind):
            raise granted.error(kind, "missing required field (written [] when none)")


def vault_secret(entry: Fields) -> VaultSecretRecord:
    """``az keyvault secret list``: a name and its attributes. A ``value`` field is never read."""
    identifier = entry.string("id")
    arm = ARM_SECRET_ID.match(identifier)
    if arm is not None:
        return _arm_vault_secret(entry, arm)
    match = _SECRET_ID.match(identifier)
    if match is None:
        raise entry.error(
            "id", f"not a Key Vault secret id (https://VAULT.vault.azure.net/secrets/NAME): {quote(identifier)}"
        )
    attributes = entry.obj("attributes")
    return VaultSecretRecord(
        vault_name=match.group(1).lower(),
        name=entry.opt_str("name") or match.group(2),
        content_type=entry.opt_str("contentType"),
        enabled=attributes.opt_bool("enabled") if attributes is not None else None,
        created=attributes.timestamp("created") if attributes is not None else None,
        expires=attributes.timestamp("expires") if attributes is not None else None,
        tags=tags(entry),
        source=entry.source,
    )


def _arm_vault_secret(entry: Fields, match: re.Match[str]) -> VaultSecretRecord:
    """ARM's listing of a vault's secrets: the same facts under ``properties``, its dates in Unix seconds."""
    properties = entry.obj("properties")
    attributes = properties.obj("attributes") if properties is not None else None
    return VaultSecretRecord(
        vault_name=match.group(1).lower(),
        name=entry.opt_str("name") or match.group(2),
        content_type=properties.opt_str("contentType") if properties is not None else None,
        enabled=attributes.opt_bool("enabled") if attributes is not None else None,
        created=_unix_time(attributes, "created"),
        expires=_unix_time(attributes, "exp"),
        tags=tags(entry),
        source=entry.source,
    )


def _unix_time(attributes: Fields | None, key: str) -> datetime | None:
    value = attributes.raw.get(key) if attributes is not None else None
    if value is None or attributes is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise attributes.error(key, f"expected seconds since 1970 (a number): {quote(value)}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise attributes.error(key, f"not a time: {quote(value)}") from None


_COSMOS_ACCOUNT = "/providers/microsoft.documentdb/databaseaccounts/"


def _cosmos_child(entry: Fields, collection: str) -> tuple[str, str]:
    """(id, account id) of a child of a Cosmos DB account: ``.../databaseAccounts/A/COLLECTION/NAME``."""
    identifier = resource_id(entry)
    head, found, tail = identifier.partition(f"/{collection}/")
    if _COSMOS_ACCOUNT not in head or not found or not tail or "/" in tail or head.count("/") != 8:
        raise entry.error(
            "id",
            f"not a Cosmos DB {collection} id (.../databaseAccounts/A/{collection}/ID): {quote(entry.string('id'))}",
        )
    return identifier, head


def cosmos_sql_role_assignment(entry: Fields) -> CosmosSqlRoleAssignmentRecord:
    """``az cosmosdb sql role assignment list`` (flattened) or the REST shape: who holds which SQL role where. The
    scope is the account, a database or a container of it; the CLI also accepts it relative to the account
    (``/``, ``/dbs/DB``), which is read as such."""
    identifier, account = _cosmos_child(entry, "sqlroleassignments")
    data = view(entry, "principalId")
    raw_scope = _nonempty_scope(data)
    scope = arm_id(raw_scope)
    if scope == "/" or scope.startswith("/dbs/"):
        scope = account + scope.rstrip("/") if scope != "/" else account
    if (scope != account and not scope.startswith(f"{account}/dbs/")) or _CONTROL.search(raw_scope):
        raise data.error("scope", f"not the assignment's account or a database or container of it: {quote(raw_scope)}")
    definition = arm_id(data.string("roleDefinitionId"))
    if not _ROLE_DEFINITION_ID.match(definition) or "/sqlroledefinitions/" not in definition:
        raise data.error("roleDefinitionId", f"not a SQL role definition id: {quote(data.string('roleDefinitionId'))}")
    return CosmosSqlRoleAssignmentRecord(
        id=identifier,
        account_id=account,
        principal_id=guid(data, "principalId"),
        role_definition_id=definition,
        scope=scope,
        source=entry.source,
    )


def cosmos_sql_role_definition(entry: Fields) -> CosmosSqlRoleDefinitionRecord:
    """``az cosmosdb sql role definition list``: a role's name, type and data actions."""
    identifier, account = _cosmos_child(entry, "sqlroledefinitions")
    data = view(entry, "roleName")
    kind = data.opt_str("type")  # az: CustomRole / BuiltInRole (older versions: the ARM type); REST: properties
    blocks: list[Mapping[str, Any]] = []
    for block in data.objects("permissions"):
        blocks.append({k: list(block.strings(k)) for k in ("dataActions", "notDataActions")})
    return CosmosSqlRoleDefinitionRecord(
        id=identifier,
        account_id=account,
        role_name=data.string("roleName"),
        role_type=None if kind is None or "/" in kind else kind,
        permissions=tuple(blocks),
        source=entry.source,
    )
