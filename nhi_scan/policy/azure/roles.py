"""Azure built-in roles, Entra directory roles, Microsoft Graph app roles and nhi-scan's tier 0, as shipped data.

An offline scan often has role assignments without their definitions: ``az role assignment list`` gives only a
``roleDefinitionId``, and an export may lack ``roleManagement/directory/roleDefinitions`` or the Microsoft Graph
service principal with its ``appRoles``. The files under ``data/`` (built by ``scripts/build_azure_roles.py``) fill
that gap. Each is read through ``importlib.resources`` on the first call and cached (``functools.cache``), never at
import time. Action strings keep Azure's case exactly as published (``Microsoft.Authorization/*/Delete``); matching
them case-insensitively is the policy evaluator's job, not the loader's.

``tier0.toml`` is nhi-scan's own judgement of which roles and permissions hand over the tenant or a subscription,
with a one-sentence reason per entry; its ids and names are checked against the other files by the build script
and the tests.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

_PACKAGE = "nhi_scan.policy.azure"
_RBAC = "built-in-roles.json.gz"
_ENTRA = "entra-roles.json"
_GRAPH = "graph-app-roles.json"
_TIER0 = "tier0.toml"
_FORMAT = 1
_TIER0_KINDS = frozenset({"direct", "indirect"})
_TIER0_KEYS = frozenset({"name", "id", "reason", "kind"})
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RbacPermission:
    """One ``permissions[]`` block of a role definition; a block's ABAC condition limits only that block."""

    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    data_actions: tuple[str, ...]
    not_data_actions: tuple[str, ...]
    condition: str | None = None
    condition_version: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RbacRole:
    """An Azure role definition; custom roles from an export use ``built_in=False``."""

    id: str  # GUID, lower-case
    name: str  # "Owner"
    permissions: tuple[RbacPermission, ...]
    built_in: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectoryRole:
    """An Entra built-in directory role, by the template id that role assignments reference."""

    template_id: str
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphAppRole:
    """A Microsoft Graph application permission: the app role id an appRoleAssignment carries, and its name."""

    id: str
    value: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Tier0:
    """A tier-0 role or permission: exact name and id, the takeover in one sentence, and ``direct``/``indirect``."""

    name: str
    id: str
    reason: str
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class _RbacBundle:
    roles: Mapping[str, RbacRole]
    by_name: Mapping[str, RbacRole]
    source: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Tier0Bundle:
    directory_roles: Mapping[str, Tier0]
    graph_permissions: Mapping[str, Tier0]
    rbac_roles: Mapping[str, Tier0]


class BundleError(RuntimeError):
    """A packaged data file is not what this loader reads: a packaging bug, not a user input error."""


def _read(name: str) -> bytes:
    return resources.files(_PACKAGE).joinpath("data", name).read_bytes()


def _required(document: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = document.get(key)
    if not isinstance(value, kind):
        raise BundleError(f"{where}: field {key} is missing or not a {kind.__name__}")
    return value


def _document(name: str, payload: bytes) -> dict[str, Any]:
    document = json.loads(payload)
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise BundleError(f"{name}: not a format {_FORMAT} file; regenerate it with scripts/build_azure_roles.py")
    return document


def _entries(document: Mapping[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    entries: list[Any] = _required(document, key, list, where)
    if not all(isinstance(entry, dict) for entry in entries):
        raise BundleError(f"{where}: an entry of {key} is not a JSON object")
    return entries


def _source(document: Mapping[str, Any], where: str) -> Mapping[str, str]:
    source: dict[str, Any] = _required(document, "source", dict, where)
    return MappingProxyType({str(key): str(value) for key, value in source.items()})


def _strings(block: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    values: list[Any] = _required(block, key, list, where)
    if not all(isinstance(value, str) for value in values):
        raise BundleError(f"{where}: {key} holds a non-string")
    return tuple(values)


def _optional(block: Mapping[str, Any], key: str) -> str | None:
    value = block.get(key)
    return value if isinstance(value, str) else None


def _permission(block: Mapping[str, Any], where: str) -> RbacPermission:
    return RbacPermission(
        actions=_strings(block, "actions", where),
        not_actions=_strings(block, "notActions", where),
        data_actions=_strings(block, "dataActions", where),
        not_data_actions=_strings(block, "notDataActions", where),
        condition=_optional(block, "condition"),
        condition_version=_optional(block, "conditionVersion"),
    )


@cache
def _rbac_bundle() -> _RbacBundle:
    document = _document(_RBAC, gzip.decompress(_read(_RBAC)))
    roles: dict[str, RbacRole] = {}
    for raw in _entries(document, "roles", _RBAC):
        role_id: str = _required(raw, "id", str, _RBAC)
        where = f"{_RBAC}: role {role_id}"
        blocks = _entries(raw, "permissions", where)
        roles[role_id] = RbacRole(
            id=role_id,
            name=_required(raw, "name", str, where),
            permissions=tuple(_permission(block, where) for block in blocks),
        )
    return _RbacBundle(
        roles=MappingProxyType(roles),
        by_name=MappingProxyType({role.name.casefold(): role for role in roles.values()}),
        source=_source(document, _RBAC),
    )


@cache
def _directory_bundle() -> tuple[Mapping[str, DirectoryRole], Mapping[str, str]]:
    document = _document(_ENTRA, _read(_ENTRA))
    roles = {
        role.template_id: role
        for role in (
            DirectoryRole(
                template_id=_required(raw, "templateId", str, _ENTRA),
                name=_required(raw, "displayName", str, _ENTRA),
            )
            for raw in _entries(document, "roles", _ENTRA)
        )
    }
    return MappingProxyType(roles), _source(document, _ENTRA)


@cache
def _graph_bundle() -> tuple[Mapping[str, GraphAppRole], Mapping[str, GraphAppRole], Mapping[str, str]]:
    document = _document(_GRAPH, _read(_GRAPH))
    if document.get("resource_app_id") != MICROSOFT_GRAPH_APP_ID:
        raise BundleError(f"{_GRAPH}: resource_app_id is not Microsoft Graph's")
    roles = {
        role.id: role
        for role in (
            GraphAppRole(id=_required(raw, "id", str, _GRAPH), value=_required(raw, "value", str, _GRAPH))
            for raw in _entries(document, "app_roles", _GRAPH)
        )
    }
    by_value = {role.value: role for role in roles.values()}
    return MappingProxyType(roles), MappingProxyType(by_value), _source(document, _GRAPH)


def _tier0_section(document: Mapping[str, Any], section: str) -> Mapping[str, Tier0]:
    entries: dict[str, Tier0] = {}
    names: set[str] = set()
    for raw in _entries(document, section, _TIER0):
        where = f"{_TIER0}: [[{section}]] {raw.get('name')}"
        if set(raw) != _TIER0_KEYS or not all(isinstance(value, str) and value.strip() for value in raw.values()):
            raise BundleError(f"{where}: needs exactly name, id, reason and kind, each a non-empty string")
        entry = Tier0(name=raw["name"], id=raw["id"], reason=raw["reason"], kind=raw["kind"])
        if not _GUID.fullmatch(entry.id):
            raise BundleError(f"{where}: id {entry.id} is not a lower-case GUID")
        if entry.kind not in _TIER0_KINDS:
            raise BundleError(f"{where}: kind must be one of {sorted(_TIER0_KINDS)}, not {entry.kind!r}")
        if entry.id in entries or entry.name in names:
            raise BundleError(f"{where}: listed twice")
        entries[entry.id] = entry
        names.add(entry.name)
    return MappingProxyType(entries)


def _parse_tier0(document: Mapping[str, Any]) -> _Tier0Bundle:
    return _Tier0Bundle(
        directory_roles=_tier0_section(document, "directory_role"),
        graph_permissions=_tier0_section(document, "graph_permission"),
        rbac_roles=_tier0_section(document, "rbac_role"),
    )


@cache
def _tier0() -> _Tier0Bundle:
    return _parse_tier0(tomllib.loads(_read(_TIER0).decode("utf-8")))


def built_in_roles() -> Mapping[str, RbacRole]:
    """Every Azure built-in role definition by its lower-case GUID; read-only."""
    return _rbac_bundle().roles


def built_in_role(role_definition_id: str) -> RbacRole | None:
    """The built-in role a ``roleDefinitionId`` names, given as a bare GUID or a full ARM id, in any case."""
    guid = role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()
    return _rbac_bundle().roles.get(guid)


def built_in_role_by_name(name: str) -> RbacRole | None:
    """The built-in role of that ``roleName``, compared case-insensitively as Azure does; None if unknown."""
    return _rbac_bundle().by_name.get(name.casefold())


def directory_roles() -> Mapping[str, DirectoryRole]:
    """Every Entra built-in directory role by template id; read-only."""
    return _directory_bundle()[0]


def graph_app_roles() -> Mapping[str, GraphAppRole]:
    """Every Microsoft Graph application permission by app role id; read-only."""
    return _graph_bundle()[0]


def graph_app_role_by_value(value: str) -> GraphAppRole | None:
    """The Graph application permission of exactly that value (``RoleManagement.ReadWrite.Directory``), or None."""
    return _graph_bundle()[1].get(value)


def tier0_directory_roles() -> Mapping[str, Tier0]:
    """nhi-scan's tier-0 Entra directory roles, by template id."""
    return _tier0().directory_roles


def tier0_graph_permissions() -> Mapping[str, Tier0]:
    """nhi-scan's tier-0 Microsoft Graph application permissions, by app role id."""
    return _tier0().graph_permissions


def tier0_rbac_roles() -> Mapping[str, Tier0]:
    """nhi-scan's tier-0 Azure built-in roles, by role GUID."""
    return _tier0().rbac_roles


def bundle_sources() -> Mapping[str, Mapping[str, str]]:
    """Where each shipped data file comes from (repository, path, commit, date, licence, counts), for reports."""
    return MappingProxyType(
        {
            "rbac_roles": _rbac_bundle().source,
            "directory_roles": _directory_bundle()[1],
            "graph_app_roles": _graph_bundle()[2],
        }
    )
