"""Where a live collection goes: documents written under a directory, in the shapes the offline parser reads.

A scan of the directory is the scan of the collection; `scan --aws` collects into a private temporary directory,
so live and offline scans share one parser by construction. What could not be collected is written as a
collection-error record (see the ``collection_error`` format), so both scans are marked incomplete alike.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from nhi_scan.connectors.aws.fetch_api import ApiError
from nhi_scan.connectors.aws.formats.collection_error import KEY as ERROR_KEY

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+=,-]")


def safe_name(text: str) -> str:
    """A file name for an IAM name or id: never hidden (the loader skips dot files), never a path."""
    name = _UNSAFE.sub("_", text) or "_"
    return "_" + name if name.startswith(".") else name


def _json_default(value: object) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(value: object) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False, default=_json_default) + "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionFailure:
    """Something not collected: which account, region and call, why, and what is therefore unknown."""

    account: str | None
    phase: str
    error: str
    impact: str
    call: str | None = None
    region: str | None = None

    def record(self) -> dict[str, dict[str, str | None]]:
        return {
            ERROR_KEY: {
                "Account": self.account,
                "Region": self.region,
                "Phase": self.phase,
                "Call": self.call,
                "Error": self.error,
                "Impact": self.impact,
            }
        }

    def line(self) -> str:
        where = f"account {self.account or 'unknown'}" + (f" ({self.region})" if self.region else "")
        call = f": {self.call} failed" if self.call else ""
        return f"{where}: {self.phase} not collected{call}: {self.error} ({self.impact})"


@dataclass(slots=True)
class _Shared:
    lock: threading.Lock = field(default_factory=threading.Lock)
    failures: list[CollectionFailure] = field(default_factory=list)
    files: int = 0


class Snapshot:
    """Documents of one collection, by path relative to ``root``; ``child`` scopes an account's subdirectory."""

    def __init__(self, root: Path, *, _shared: _Shared | None = None) -> None:
        self.root = root
        self._shared = _shared or _Shared()

    def child(self, name: str) -> Snapshot:
        return Snapshot(self.root / safe_name(name), _shared=self._shared)

    @property
    def failures(self) -> list[CollectionFailure]:
        with self._shared.lock:
            return list(self._shared.failures)

    @property
    def file_count(self) -> int:
        return self._shared.files

    def text(self, relative: str, content: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        with self._shared.lock:
            self._shared.files += 1

    def json(self, relative: str, value: object) -> None:
        self.text(relative, to_json(value))

    def document(
        self,
        relative: str,
        value: object,
        *,
        account: str,
        call: str,
        region: str | None = None,
        required: bool = False,
    ) -> bool:
        """Write an API answer after loading it as the offline scan will; an unusable answer becomes a failure.

        So a response missing a required field is reported once, naming the account and the call, and an answer
        no format recognises (an empty listing) is simply not written. Returns whether it was written.
        ``required``: raise :class:`ApiError` instead of recording, for answers without which nothing else counts.
        """
        from nhi_scan.connectors.formats import all_formats
        from nhi_scan.errors import InputError

        text = to_json(value)
        decoded = json.loads(text)
        fmt = next((f for f in all_formats() if f.sniff_json is not None and f.sniff_json(decoded)), None)
        if fmt is None:
            return False
        try:
            fmt.load(relative, decoded)
        except InputError as exc:
            detail = f"unusable answer: {exc.one_line()}"
            if required:  # nothing can be joined to it: the caller gives up the whole account
                raise ApiError(call, detail) from None
            self.fail(
                CollectionFailure(
                    account=account,
                    region=region,
                    phase=fmt.name,
                    call=call,
                    error=detail,
                    impact=f"{fmt.description} not used",
                )
            )
            return False
        self.text(relative, text)
        return True

    def fail(self, failure: CollectionFailure) -> None:
        """Record a failure as an error document (and in ``failures``)."""
        region = failure.region or ""
        name = safe_name(failure.phase + ("-several-regions" if "," in region else f"-{region}" if region else ""))
        directory = self.root / "errors"
        with self._shared.lock:
            self._shared.failures.append(failure)
            directory.mkdir(parents=True, exist_ok=True)
            path, number = directory / f"{name}.json", 2
            while path.exists():
                path, number = directory / f"{name}-{number}.json", number + 1
            path.write_text(to_json(failure.record()), encoding="utf-8")
            self._shared.files += 1
