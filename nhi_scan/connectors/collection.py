"""What every live collector writes besides the documents: one error record per thing not collected (the shared
``NhiScanCollectionError`` shape, read by ``connectors/aws/formats/collection_error.py``), so the scan of a partial
collection is marked incomplete exactly like the live scan was; and the thread-safe directory the documents go to."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

#: The key of a collection-error record.
ERROR_KEY = "NhiScanCollectionError"
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=,-]")


def safe_name(text: str) -> str:
    """A file name for an id, a name or an email: never hidden (the loader skips dot files), never a path."""
    name = _UNSAFE.sub("_", text) or "_"
    return "_" + name if name.startswith(".") else name


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """Something not collected: where, which call, why, and what is therefore unknown (``PROVIDER``: the cloud)."""

    PROVIDER: ClassVar[str] = ""
    scope: str
    phase: str
    error: str
    impact: str
    call: str | None = None

    def record(self) -> dict[str, dict[str, str | None]]:
        return {
            ERROR_KEY: {
                "Provider": self.PROVIDER,
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


F = TypeVar("F", bound=Failure)


class CollectedFiles(Generic[F]):
    """The documents of one collection, by path relative to ``root``, each written as ``encode`` makes it; safe to
    write from several threads."""

    def __init__(self, root: Path, encode: Callable[[object], str]) -> None:
        self.root = root
        self._encode = encode
        self._lock = threading.Lock()
        self._failures: list[F] = []
        self._files = 0

    @property
    def failures(self) -> list[F]:
        with self._lock:
            return list(self._failures)

    @property
    def file_count(self) -> int:
        with self._lock:
            return self._files

    def json(self, relative: str, value: object) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self._encode(value), encoding="utf-8")
        with self._lock:
            self._files += 1

    def fail(self, failure: F) -> None:
        """Record a failure as ``errors/SCOPE-PHASE.json`` (numbered when several)."""
        name = safe_name(f"{failure.scope}-{failure.phase}".replace(" ", "-"))
        directory = self.root / "errors"
        with self._lock:
            self._failures.append(failure)
            directory.mkdir(parents=True, exist_ok=True)
            path, number = directory / f"{name}.json", 2
            while path.exists():
                path, number = directory / f"{name}-{number}.json", number + 1
            path.write_text(self._encode(failure.record()), encoding="utf-8")
            self._files += 1
