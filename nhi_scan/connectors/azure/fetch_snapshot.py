"""Where an Azure collection goes: files under a directory in the layout of ``connectors/azure/README.md``, and one
error record per thing not collected (the shared ``NhiScanCollectionError`` shape, marked ``"Provider": "azure"``),
so the scan of a partial collection is marked incomplete exactly like the live scan was.

Every document is scrubbed before it is written: fields that hold secret material (``secretText`` of a password
credential, ``key`` of a key credential, ``passwordProfile``) never reach a file, whatever an API answered."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from pathlib import Path

#: The key of a collection-error record (read by ``formats/collection_error.py``).
ERROR_KEY = "NhiScanCollectionError"
#: Dropped wherever they appear.
SECRET_FIELDS = frozenset({"secretText", "passwordProfile"})
#: Dropped from the objects of these arrays (a key credential's ``key`` is its certificate or key material).
SECRET_ITEM_FIELDS = {"keyCredentials": frozenset({"key"}), "passwordCredentials": frozenset({"secretText", "key"})}
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=,-]")


def safe_name(text: str) -> str:
    """A file name for an id or a name: never hidden (the loader skips dot files), never a path."""
    name = _UNSAFE.sub("_", text) or "_"
    return "_" + name if name.startswith(".") else name


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
class CollectionFailure:
    """Something not collected: where (``tenant T``, ``subscription S``), which call, why, and what is therefore
    unknown."""

    scope: str
    phase: str
    error: str
    impact: str
    call: str | None = None

    def record(self) -> dict[str, dict[str, str | None]]:
        return {
            ERROR_KEY: {
                "Provider": "azure",
                "Account": self.scope,
                "Region": None,
                "Phase": self.phase,
                "Call": self.call,
                "Error": self.error,
                "Impact": self.impact,
            }
        }

    def line(self) -> str:
        call = f": {self.call} failed" if self.call else ""
        return f"{self.scope}: {self.phase} not collected{call}: {self.error} ({self.impact})"


class Snapshot:
    """The documents of one collection, by path relative to ``root``; safe to write from several threads."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._failures: list[CollectionFailure] = []
        self._files = 0

    @property
    def failures(self) -> list[CollectionFailure]:
        with self._lock:
            return list(self._failures)

    @property
    def file_count(self) -> int:
        with self._lock:
            return self._files

    def json(self, relative: str, value: object) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_json(scrub(value)), encoding="utf-8")
        with self._lock:
            self._files += 1

    def fail(self, failure: CollectionFailure) -> None:
        """Record a failure as ``errors/SCOPE-PHASE.json`` (numbered when several)."""
        name = safe_name(f"{failure.scope}-{failure.phase}".replace(" ", "-"))
        directory = self.root / "errors"
        with self._lock:
            self._failures.append(failure)
            directory.mkdir(parents=True, exist_ok=True)
            path, number = directory / f"{name}.json", 2
            while path.exists():
                path, number = directory / f"{name}-{number}.json", number + 1
            path.write_text(to_json(failure.record()), encoding="utf-8")
            self._files += 1
