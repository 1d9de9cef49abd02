"""GCP predefined IAM roles, read from the bundle that ships with the package.

The bundle (``data/predefined-roles.json.gz``, built by ``scripts/build_gcp_roles.py``) lets an offline scan expand
a binding's role into permissions without calling ``roles.get``. It is read through ``importlib.resources`` on the
first call and cached (``functools.cache``), never at import time. Permission names stay case-exact: GCP spells
``iam.serviceAccounts.actAs`` in camelCase, and the data holds names that differ only by case.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

_PACKAGE = "nhi_scan.policy.gcp"
_BUNDLE = "predefined-roles.json.gz"
_FORMAT = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleDefinition:
    """One IAM role and the permissions it grants; custom roles (``projects/P/roles/X``) use ``predefined=False``."""

    name: str
    title: str
    stage: str | None
    permissions: frozenset[str]
    predefined: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class _Bundle:
    roles: Mapping[str, RoleDefinition]
    permissions: frozenset[str]
    source: Mapping[str, str]


class BundleError(RuntimeError):
    """The packaged bundle is not what this loader reads: a packaging bug, not a user input error."""


def _read_bundle() -> Any:
    resource = resources.files(_PACKAGE).joinpath("data", _BUNDLE)
    return json.loads(gzip.decompress(resource.read_bytes()))


def _required(document: Mapping[str, Any], key: str, kind: type) -> Any:
    value = document.get(key)
    if not isinstance(value, kind):
        raise BundleError(f"{_BUNDLE}: field {key} is missing or not a {kind.__name__}")
    return value


@cache
def _bundle() -> _Bundle:
    document = _read_bundle()
    if not isinstance(document, dict) or document.get("format") != _FORMAT:
        raise BundleError(f"{_BUNDLE}: not a format {_FORMAT} bundle; regenerate it with scripts/build_gcp_roles.py")
    names: list[str] = _required(document, "permissions", list)
    # Roles often hold exactly the same permissions (e.g. the service agents): build each distinct set once.
    shared_sets: dict[tuple[int, ...], frozenset[str]] = {}
    roles: dict[str, RoleDefinition] = {}
    for raw in _required(document, "roles", list):
        if not isinstance(raw, dict):
            raise BundleError(f"{_BUNDLE}: a role is not a JSON object")
        indices = tuple(_required(raw, "permissions", list))
        permissions = shared_sets.get(indices)
        if permissions is None:
            permissions = shared_sets[indices] = frozenset(names[index] for index in indices)
        name = _required(raw, "name", str)
        stage = raw.get("stage")
        roles[name] = RoleDefinition(
            name=name,
            title=str(raw.get("title") or ""),
            stage=stage if isinstance(stage, str) else None,
            permissions=permissions,
        )
    source = _required(document, "source", dict)
    return _Bundle(
        roles=MappingProxyType(roles),
        permissions=frozenset(names),
        source=MappingProxyType({str(key): str(value) for key, value in source.items()}),
    )


def predefined_roles() -> Mapping[str, RoleDefinition]:
    """Every predefined role by its full name (``roles/owner``); read-only."""
    return _bundle().roles


def predefined_role(name: str) -> RoleDefinition | None:
    """The predefined role of that exact name, or None (a custom role, or one newer than the bundle)."""
    return _bundle().roles.get(name)


def known_permissions() -> frozenset[str]:
    """Every permission held by some predefined role, so a caller can tell a typo from a real permission."""
    return _bundle().permissions


def bundle_source() -> Mapping[str, str]:
    """Where the bundled roles come from (repository, path, commit, date, licence, counts), for reports."""
    return _bundle().source
