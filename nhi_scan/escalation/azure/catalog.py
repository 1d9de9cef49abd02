"""Azure / Microsoft Entra privilege-escalation and lateral-movement methods, loaded from one TOML file per method.

The files live in ``nhi_scan/escalation/azure/methods/<id>.toml`` (package data). Adding a method is adding a file:
discovery lists the directory, nothing keeps a hand-written index. Files are read lazily, on the first call of
:func:`load_methods`, and validated; a malformed file raises :class:`CatalogError` (an ``InputError`` and a
``ValueError``) naming the file and the field. ``README.md`` next to this module documents every field with examples.

Schema of one file (keys not listed here are rejected)::

    id              str   "azure-" + kebab-case, equal to the file name without ".toml"
    name            str   short human name ("Add a secret to an application it owns")
    description     str   one sentence on one line, ending with a period
    category        str   credential | ownership | app-role | directory-role | group-membership | rbac |
                          resource-control | secret-read | agent
    target          str   application | service-principal | managed-identity | role-assignable-group | group |
                          tenant | management-group | subscription | resource-group | resource | key-vault |
                          storage-account | cosmos-account | agent-identity-blueprint | agent-identity
    edge            str   the nhi_scan.graph.EdgeKind value of the edge the method creates
    effect          str   become-target | admin | grant | read
    resource_types  [str] ARM resource types ("Microsoft.Compute/virtualMachines"); required with target = resource;
                          allowed with target = managed-identity when ``requires`` names the actions needed on the
                          resource the identity is attached to; forbidden otherwise
    excludes        [str] targets / conditions the method does not work on: keys of :data:`EXCLUSIONS`
    offline_note    str   "possible if ..." for what an export cannot show; placeholders {target}, {principal}
    owasp_nhi       [str] OWASP NHI Top 10 (2025) ids, e.g. ["NHI5:2025"]
    references      [str] https URLs of the public sources

    [[grantors]]          one table per grantor; ANY one of them gives the method (at least one)
    [[requires]]          optional; ALL of these are needed as well
    kind            str   directory-role | graph-permission | owner | rbac-action | rbac-data-action | access-policy |
                          cosmos-sql-role
    name            str   role display name | Graph app role value | the target kind owned (owner) |
                          Azure action / data action | Key Vault access policy permission ("secrets/get") |
                          Cosmos DB data action a SQL role assignment on the account gives (target cosmos-account)
    id              str   directory-role: Entra role template id; graph-permission: Graph app role id (required
                          for those two kinds, forbidden for the others)
    scope           str   directory-role only (required): tenant | administrative-unit | application | any
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from nhi_scan.errors import InputError
from nhi_scan.escalation._files import read_method_file, read_method_files
from nhi_scan.escalation._reader import Reader

if TYPE_CHECKING:
    from nhi_scan.graph import EdgeKind

__all__ = [
    "EXCLUSIONS",
    "CatalogError",
    "Category",
    "Effect",
    "Grantor",
    "GrantorKind",
    "Method",
    "RoleScope",
    "TargetKind",
    "action_matches",
    "grantor_key",
    "load_method_file",
    "load_methods",
    "load_methods_from",
    "methods_by_grantor",
    "methods_by_id",
    "parse_method",
]


class CatalogError(InputError, ValueError):
    """A method file that cannot be used; the message names the file and the field."""


class Category(enum.StrEnum):
    #: Add a client secret, certificate or federated identity credential, then sign in as the app / SP / identity.
    CREDENTIAL = "credential"
    #: Add oneself as owner (then add a credential, or manage the group's members).
    OWNERSHIP = "ownership"
    #: Grant app roles (Microsoft Graph application permissions) to oneself.
    APP_ROLE = "app-role"
    #: Assign (or activate) Entra directory roles.
    DIRECTORY_ROLE = "directory-role"
    #: Add members to a group (role-assignable or not).
    GROUP_MEMBERSHIP = "group-membership"
    #: Grant oneself Azure RBAC roles, or change a custom role one holds.
    RBAC = "rbac"
    #: Control a resource that runs as a managed identity (run command, deploy code, runbooks...).
    RESOURCE_CONTROL = "resource-control"
    #: Read credentials kept in Key Vault, storage account keys, Cosmos DB keys: lateral movement.
    SECRET_READ = "secret-read"
    #: Entra Agent ID: agent identity blueprints and agent identities.
    AGENT = "agent"


class GrantorKind(enum.StrEnum):
    """What gives the attacker the method."""

    #: Holding an Entra role (``name``, ``id`` = template id); ``scope`` says where it must be assigned.
    DIRECTORY_ROLE = "directory-role"
    #: A Microsoft Graph application permission (``name`` = app role value, ``id`` = app role id).
    GRAPH_PERMISSION = "graph-permission"
    #: Being an owner of the target (``name`` = the target kind: application, service-principal, group...).
    OWNER = "owner"
    #: An Azure action held at or above the target's scope.
    RBAC_ACTION = "rbac-action"
    #: An Azure data action held at or above the target's scope.
    RBAC_DATA_ACTION = "rbac-data-action"
    #: A Key Vault access policy permission ("secrets/get") on the target vault.
    ACCESS_POLICY = "access-policy"
    #: A Cosmos DB data action (``.../sqlDatabases/containers/items/read``) that a SQL (data-plane) role assigned on
    #: the target account, or on one of its databases or containers, gives: the account's own RBAC, not Azure's.
    COSMOS_SQL_ROLE = "cosmos-sql-role"


class RoleScope(enum.StrEnum):
    """The narrowest directory role assignment scope that suffices (a tenant-wide assignment always does)."""

    #: Only a tenant-wide assignment (directoryScopeId "/").
    TENANT = "tenant"
    #: Tenant-wide, or scoped to an administrative unit that contains the target.
    ADMINISTRATIVE_UNIT = "administrative-unit"
    #: Tenant-wide, or scoped to the target object itself (directoryScopeId "/" + its object id).
    APPLICATION = "application"
    #: Any assignment of the role.
    ANY = "any"


class TargetKind(enum.StrEnum):
    APPLICATION = "application"
    SERVICE_PRINCIPAL = "service-principal"
    MANAGED_IDENTITY = "managed-identity"
    ROLE_ASSIGNABLE_GROUP = "role-assignable-group"
    #: A group that is not role-assignable (isAssignableToRole false).
    GROUP = "group"
    #: Global Administrator of the tenant (admin target).
    TENANT = "tenant"
    #: Owner of that scope (admin targets).
    MANAGEMENT_GROUP = "management-group"
    SUBSCRIPTION = "subscription"
    RESOURCE_GROUP = "resource-group"
    #: A resource of ``Method.resource_types``; the edge ends at the managed identities it runs as.
    RESOURCE = "resource"
    KEY_VAULT = "key-vault"
    STORAGE_ACCOUNT = "storage-account"
    COSMOS_ACCOUNT = "cosmos-account"
    AGENT_IDENTITY_BLUEPRINT = "agent-identity-blueprint"
    AGENT_IDENTITY = "agent-identity"


class Effect(enum.StrEnum):
    #: The attacker acts as the target identity (for a resource: as the managed identities it runs as).
    BECOME_TARGET = "become-target"
    #: The attacker controls the target scope (Global Administrator; Owner of the management group...).
    ADMIN = "admin"
    #: The attacker makes itself owner or member of the target, then holds what that gives.
    GRANT = "grant"
    #: The attacker reads the target's secrets or keys: lateral movement, no identity at the end.
    READ = "read"


#: Exclusion tokens the builder understands -> what they mean.
EXCLUSIONS: Mapping[str, str] = MappingProxyType(
    {
        "managed-identity": "the target service principal is a managed identity (servicePrincipalType "
        "ManagedIdentity): Entra refuses credentials and owners on it",
        "agent-identity": "the target service principal is an agent identity (#microsoft.graph.agentIdentity): it "
        "holds no credentials of its own, its blueprint obtains its tokens",
        "app-instance-lock": "the application's servicePrincipalLockConfiguration locks the credentials of its "
        "service principals in other tenants; for a service principal of another tenant's application the lock "
        "cannot be seen, so the edge stays conditional (offline_note)",
        "app-only-caller": "the attacker signs in app-only (service principal, managed identity, agent identity): "
        "ownership alone gives an app-only caller no right to change the target; the method needs a user",
        "system-assigned": "the target managed identity is system-assigned (only user-assigned identities carry "
        "federated credentials or can be attached to other resources)",
        "access-policy-vault": "the vault uses the access policy permission model (enableRbacAuthorization false): "
        "RBAC data actions are ignored",
        "rbac-vault": "the vault uses the Azure RBAC permission model (enableRbacAuthorization true): access "
        "policies are ignored",
        "key-auth-disabled": "the account refuses key authentication (storage allowSharedKeyAccess false, Cosmos DB "
        "disableLocalAuth true)",
        "active-assignment": "the grantor role counts only as an eligible (PIM) assignment, never an active one",
        "built-in-role": "the grantor must come through a custom role assigned to the attacker at or above the "
        "target (built-in roles cannot be changed)",
        "constrained-delegation": "the roleAssignments/write comes only with an ABAC condition (on the role "
        "definition or the assignment) limiting the roles or principals it may assign: it counts only if the condition "
        "still allows the role the method assigns (Owner; for a vault, Key Vault Secrets User)",
    }
)


def _kinds(*values: str) -> frozenset[TargetKind]:
    return frozenset(TargetKind(value) for value in values)


_DIRECTORY_TARGETS = _kinds("application", "service-principal")
_GROUPS = _kinds("group", "role-assignable-group")
_SCOPES = _kinds("management-group", "subscription", "resource-group")
_STORES = _kinds("key-vault", "storage-account", "cosmos-account")
_AGENTS = _kinds("agent-identity-blueprint", "agent-identity")

#: Targets each exclusion token may be used with.
_EXCLUSION_TARGETS: Mapping[str, frozenset[TargetKind]] = {
    "managed-identity": _kinds("service-principal"),
    "agent-identity": _kinds("service-principal"),
    "app-instance-lock": _kinds("service-principal"),
    "app-only-caller": frozenset(TargetKind),
    "system-assigned": _kinds("managed-identity"),
    "access-policy-vault": _kinds("key-vault"),
    "rbac-vault": _kinds("key-vault"),
    "key-auth-disabled": _kinds("storage-account", "cosmos-account"),
    "active-assignment": frozenset(TargetKind),
    "built-in-role": _SCOPES,
    "constrained-delegation": _SCOPES | _kinds("resource", "key-vault"),
}
#: Targets each effect may have.
_TARGETS_BY_EFFECT: Mapping[Effect, frozenset[TargetKind]] = {
    Effect.BECOME_TARGET: _DIRECTORY_TARGETS | _AGENTS | _kinds("managed-identity", "resource"),
    Effect.ADMIN: _SCOPES | _kinds("tenant"),
    Effect.GRANT: _DIRECTORY_TARGETS | _GROUPS | _AGENTS,
    Effect.READ: _STORES,
}
_BECOME, _ADMIN = frozenset({Effect.BECOME_TARGET}), frozenset({Effect.ADMIN})
_GRANT, _READ = frozenset({Effect.GRANT}), frozenset({Effect.READ})
_MODIFY = frozenset({"CAN_MODIFY_POLICY"})
_CREDENTIAL_EDGES = frozenset({"CAN_CREATE_CREDENTIAL", "CAN_UPDATE_TRUST"})
#: category -> (targets, effects, edges as EdgeKind values) it allows (nhi_scan.graph is imported lazily).
_CATEGORY_RULES: Mapping[Category, tuple[frozenset[TargetKind], frozenset[Effect], frozenset[str]]] = {
    Category.CREDENTIAL: (_DIRECTORY_TARGETS | _kinds("managed-identity"), _BECOME, _CREDENTIAL_EDGES),
    Category.OWNERSHIP: (_DIRECTORY_TARGETS | _GROUPS, _GRANT, _MODIFY),
    Category.APP_ROLE: (_kinds("tenant"), _ADMIN, _MODIFY),
    Category.DIRECTORY_ROLE: (_kinds("tenant"), _ADMIN, _MODIFY | {"CAN_ASSUME", "ADMIN_OF"}),
    Category.GROUP_MEMBERSHIP: (_GROUPS, _GRANT, _MODIFY),
    Category.RBAC: (_SCOPES | _kinds("resource"), _ADMIN | _BECOME, _MODIFY),
    Category.RESOURCE_CONTROL: (
        _kinds("resource", "managed-identity", "tenant"),
        _BECOME | _ADMIN,
        frozenset({"CAN_RUN_AS"}),
    ),
    Category.SECRET_READ: (_STORES, _READ, _MODIFY | {"HAS_CREDENTIAL"}),
    Category.AGENT: (_AGENTS, _BECOME | _GRANT, _CREDENTIAL_EDGES | _MODIFY),
}

_ID = re.compile(r"^azure-[a-z0-9]+(?:-[a-z0-9]+)*$")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_NAMES: Mapping[GrantorKind, re.Pattern[str]] = {
    GrantorKind.DIRECTORY_ROLE: re.compile(r"^[A-Z][A-Za-z0-9]*(?: [A-Za-z0-9()-]+)*$"),
    GrantorKind.GRAPH_PERMISSION: re.compile(r"^[A-Z][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+$"),
    GrantorKind.OWNER: re.compile(r"^[a-z]+(?:-[a-z]+)*$"),
    GrantorKind.RBAC_ACTION: re.compile(r"^Microsoft\.[A-Za-z]+(?:/[A-Za-z]+)+$"),
    GrantorKind.RBAC_DATA_ACTION: re.compile(r"^Microsoft\.[A-Za-z]+(?:/[A-Za-z]+)+$"),
    GrantorKind.ACCESS_POLICY: re.compile(r"^(?:keys|secrets|certificates|storage)/[a-z]+$"),
    GrantorKind.COSMOS_SQL_ROLE: re.compile(r"^Microsoft\.DocumentDB/databaseAccounts(?:/[A-Za-z]+)+$"),
}
#: Grantor kinds Azure compares case-insensitively (their index keys are lowercased).
_CASE_INSENSITIVE = frozenset(
    {GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION, GrantorKind.ACCESS_POLICY, GrantorKind.COSMOS_SQL_ROLE}
)
#: Grantor kinds that hold on one kind of target only.
_ONLY_ON: Mapping[GrantorKind, TargetKind] = {GrantorKind.COSMOS_SQL_ROLE: TargetKind.COSMOS_ACCOUNT}
_WITH_ID = frozenset({GrantorKind.DIRECTORY_ROLE, GrantorKind.GRAPH_PERMISSION})
_RESOURCE_TYPE = re.compile(r"^Microsoft\.[A-Za-z]+(?:/[A-Za-z]+)+$")
_OWASP_NHI = re.compile(r"^NHI(?:[1-9]|10):2025$")
_URL = re.compile(r"^https://\S+$")
_NOTE_FIELDS = frozenset({"target", "principal"})


def grantor_key(kind: GrantorKind, name: str) -> tuple[GrantorKind, str]:
    """The :func:`methods_by_grantor` key: RBAC actions and access policy permissions lowercased, others as is."""
    return kind, name.lower() if kind in _CASE_INSENSITIVE else name


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Azure ``actions`` / ``dataActions`` pattern ("Microsoft.Compute/*") covers ``action``.

    Azure compares actions case-insensitively and ``*`` matches any characters, "/" included.
    """
    regex = ".*".join(re.escape(part) for part in pattern.lower().split("*"))
    return re.fullmatch(regex, action.lower()) is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class Grantor:
    kind: GrantorKind
    #: Role display name, Graph permission value, owned target kind, Azure action, access policy permission.
    name: str
    #: Entra role template id / Graph app role id.
    id: str | None = None
    #: Directory roles only: the assignment scope that suffices.
    scope: RoleScope | None = None

    @property
    def key(self) -> tuple[GrantorKind, str]:
        return grantor_key(self.kind, self.name)

    def granted_by(self, held: str) -> bool:
        """Whether a held name grants this grantor: Azure patterns match with wildcards, case-insensitively."""
        if self.kind in (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION, GrantorKind.COSMOS_SQL_ROLE):
            return action_matches(held, self.name)
        if self.kind is GrantorKind.ACCESS_POLICY:
            return held.lower() == self.name.lower()
        return held == self.name


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    id: str
    name: str
    description: str
    category: Category
    target: TargetKind
    #: ANY one of them gives the method.
    grantors: tuple[Grantor, ...]
    #: ALL of these are needed too.
    requires: tuple[Grantor, ...] = ()
    edge: EdgeKind
    effect: Effect
    resource_types: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    offline_note: str | None = None
    owasp_nhi: tuple[str, ...]
    references: tuple[str, ...]
    #: File the method was read from (for messages).
    source: str = ""

    def offline_message(self, *, target: str, principal: str = "") -> str | None:
        """The offline note with ``{target}`` / ``{principal}`` filled in, or None."""
        if self.offline_note is None:
            return None
        return self.offline_note.format(target=target, principal=principal)


def load_method_file(path: Traversable | Path) -> Method:
    """Read and validate one method file. Raises :class:`CatalogError` naming the file and the field."""
    return read_method_file(path, _parse, CatalogError)


def load_methods_from(directory: Traversable | Path) -> tuple[Method, ...]:
    """Load every ``*.toml`` file of ``directory``, sorted by id; ids must be unique."""
    return read_method_files(directory, _parse, CatalogError)


def _parse(data: Mapping[str, object], source: str) -> Method:
    return parse_method(data, source=source)


@cache
def load_methods() -> tuple[Method, ...]:
    """All packaged Azure methods, sorted by id (read and validated once)."""
    return load_methods_from(resources.files(__package__) / "methods")


@cache
def methods_by_id() -> Mapping[str, Method]:
    return MappingProxyType({method.id: method for method in load_methods()})


@cache
def methods_by_grantor() -> Mapping[tuple[GrantorKind, str], tuple[Method, ...]]:
    """:func:`grantor_key` of each grantor (not of ``requires``) -> the methods it gives, sorted by id."""
    index: dict[tuple[GrantorKind, str], list[Method]] = {}
    for method in load_methods():
        for grantor in method.grantors:
            index.setdefault(grantor.key, []).append(method)
    return MappingProxyType({key: tuple(found) for key, found in sorted(index.items())})


def parse_method(data: Mapping[str, object], *, source: str) -> Method:
    """Validate the decoded TOML of one method file and build the :class:`Method`."""
    from nhi_scan.graph import EdgeKind  # lazy: graph code may import this catalogue

    reader = Reader(data, source=source, error=CatalogError)
    method = Method(
        id=reader.text("id", pattern=_ID),
        name=reader.text("name"),
        description=_sentence(reader, "description"),
        category=reader.choice("category", Category),
        target=reader.choice("target", TargetKind),
        grantors=_grantors(reader, "grantors"),
        requires=_grantors(reader, "requires") if "requires" in data else (),
        edge=reader.choice("edge", EdgeKind),
        effect=reader.choice("effect", Effect),
        resource_types=reader.texts("resource_types", pattern=_RESOURCE_TYPE, required=False),
        excludes=reader.texts("excludes", required=False),
        offline_note=_note(reader),
        owasp_nhi=reader.texts("owasp_nhi", pattern=_OWASP_NHI),
        references=reader.texts("references", pattern=_URL),
        source=source,
    )
    reader.finish()
    _check_consistency(method, reader)
    return method


def _sentence(reader: Reader, key: str) -> str:
    text = reader.text(key)
    if "\n" in text or not text.endswith("."):
        raise reader.error(key, "must be one sentence on one line, ending with a period")
    return text


def _note(reader: Reader) -> str | None:
    note = reader.optional_text("offline_note")
    if note is None:
        return None
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(note) if name is not None}
    except ValueError as error:
        raise reader.error("offline_note", f"bad placeholder: {error}") from None
    if fields - _NOTE_FIELDS:
        raise reader.error("offline_note", f"unknown placeholder(s) {sorted(fields - _NOTE_FIELDS)}")
    return note


def _grantors(reader: Reader, key: str) -> tuple[Grantor, ...]:
    grantors: list[Grantor] = []
    for table in reader.tables(key):
        kind = table.choice("kind", GrantorKind)
        name = table.text("name", pattern=_NAMES[kind])
        if kind in _WITH_ID:
            grantor_id: str | None = table.text("id", pattern=_GUID)
        elif table.optional_text("id") is not None:
            raise table.error("id", f"is not allowed for kind {kind}")
        else:
            grantor_id = None
        if kind is GrantorKind.DIRECTORY_ROLE:
            scope: RoleScope | None = table.choice("scope", RoleScope)
        elif table.optional_text("scope") is not None:
            raise table.error("scope", "is only allowed for kind directory-role")
        else:
            scope = None
        table.finish()
        grantors.append(Grantor(kind=kind, name=name, id=grantor_id, scope=scope))
    return tuple(grantors)


def _check_consistency(method: Method, reader: Reader) -> None:
    """Rules that tie fields together (each error names the field that has to change)."""
    (targets, effects, edges), target = _CATEGORY_RULES[method.category], method.target
    if target not in _TARGETS_BY_EFFECT[method.effect]:
        raise reader.error("effect", f"{method.effect} does not fit target {target}")
    if target not in targets:
        raise reader.error("category", f"{method.category} does not fit target {target}")
    if method.effect not in effects:
        raise reader.error("category", f"{method.category} does not fit effect {method.effect}")
    if method.edge.value not in edges:
        raise reader.error("edge", f"{method.edge} does not fit category {method.category}")
    _check_grantors(method, reader)
    _check_resource_types(method, reader)
    _check_excludes(method, reader)


def _check_grantors(method: Method, reader: Reader) -> None:
    seen: set[tuple[GrantorKind, str]] = set()
    for key, grantors in (("grantors", method.grantors), ("requires", method.requires)):
        for index, grantor in enumerate(grantors):
            field = f"{key}[{index}]"
            if grantor.kind is GrantorKind.OWNER and grantor.name != method.target:
                raise reader.error(f"{field}.name", f"an owner grantor must name the target {method.target!r}")
            only = _ONLY_ON.get(grantor.kind)
            if only is not None and method.target is not only:
                raise reader.error(f"{field}.kind", f"{grantor.kind} holds on target {only} only")
            if grantor.key in seen:
                raise reader.error(f"{field}.name", f"{grantor.name!r} is listed twice")
            seen.add(grantor.key)


def _check_resource_types(method: Method, reader: Reader) -> None:
    present = bool(method.resource_types)
    if method.target is TargetKind.RESOURCE and not present:
        raise reader.error("resource_types", "is required when target = resource")
    if present and method.target is TargetKind.MANAGED_IDENTITY and not method.requires:
        raise reader.error("resource_types", "needs [[requires]] naming the actions on that resource")
    if present and method.target not in (TargetKind.RESOURCE, TargetKind.MANAGED_IDENTITY):
        raise reader.error("resource_types", f"is not allowed with target {method.target}")


def _check_excludes(method: Method, reader: Reader) -> None:
    for index, token in enumerate(method.excludes):
        allowed = _EXCLUSION_TARGETS.get(token)
        if allowed is None:
            raise reader.error(f"excludes[{index}]", f"{token!r} is not one of: {', '.join(EXCLUSIONS)}")
        if method.target not in allowed:
            raise reader.error(f"excludes[{index}]", f"{token!r} does not apply to target {method.target}")
    if "active-assignment" in method.excludes:
        if any(grantor.kind is not GrantorKind.DIRECTORY_ROLE for grantor in method.grantors):
            raise reader.error("grantors", "active-assignment needs directory-role grantors only")
        if method.offline_note is None:
            raise reader.error("offline_note", "is required with active-assignment (say what activation needs)")
