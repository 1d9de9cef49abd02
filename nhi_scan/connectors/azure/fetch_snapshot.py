"""Where an Azure collection goes: files under a directory in the layout of ``connectors/azure/README.md``, and one
error record per thing not collected (the shared ``NhiScanCollectionError`` shape, marked ``"Provider": "azure"``),
so the scan of a partial collection is marked incomplete exactly like the live scan was.

Every document is scrubbed before it is written: fields that hold secret material (``secretText`` of a password
credential, ``key`` of a key credential, ``passwordProfile``) never reach a file, whatever an API answered."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from nhi_scan.connectors.collection import ERROR_KEY, CollectedFiles, Failure, safe_name

__all__ = [
    "ERROR_KEY",
    "SECRET_FIELDS",
    "SECRET_ITEM_FIELDS",
    "CollectionFailure",
    "Snapshot",
    "safe_name",
    "scrub",
    "to_json",
]

#: Dropped wherever they appear.
SECRET_FIELDS = frozenset({"secretText", "passwordProfile"})
#: Dropped from the objects of these arrays (a key credential's ``key`` is its certificate or key material).
SECRET_ITEM_FIELDS = {"keyCredentials": frozenset({"key"}), "passwordCredentials": frozenset({"secretText", "key"})}


def scrub(value: object, drop: frozenset[str] = frozenset()) -> object:
    """``value`` without secret fields, at any depth (``drop``: more fields to drop from the objects here)."""
    if isinstance(value, dict):
        return {
            key: scrub(item, SECRET_ITEM_FIELDS.get(key, frozenset()))
            for key, item in value.items()
            if key not in SECRET_FIELDS and key not in drop
        }
    if isinstance(value, list):
        return [scrub(item, drop) for item in value]
    return value


def to_json(value: object) -> str:
    """Indented UTF-8, keys in the order the API gave them (as ``az`` prints)."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionFailure(Failure):
    """Something not collected: where (``tenant T``, ``subscription S``), which call, why, and what is therefore
    unknown."""

    PROVIDER: ClassVar[str] = "azure"


class Snapshot(CollectedFiles[CollectionFailure]):
    """The documents of one collection, scrubbed of secret fields, keys in the order the API gave them."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, lambda value: to_json(scrub(value)))
