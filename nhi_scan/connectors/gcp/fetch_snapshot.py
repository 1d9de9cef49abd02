"""Where a GCP collection goes: files under a directory in the layout of ``connectors/gcp/README.md``, and one
error record per thing not collected (the shared ``NhiScanCollectionError`` shape, marked ``"Provider": "gcp"``),
so the scan of a partial collection is marked incomplete exactly like the live scan was."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from nhi_scan.connectors.collection import ERROR_KEY, CollectedFiles, Failure, safe_name

__all__ = ["ERROR_KEY", "CollectionFailure", "Snapshot", "safe_name", "to_json"]


def to_json(value: object) -> str:
    """As ``gcloud --format=json`` prints: keys sorted, indented, UTF-8."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionFailure(Failure):
    """Something not collected: where (``projects/P``, ``folders/F``, ``organizations/O``), which call, why, and
    what is therefore unknown."""

    PROVIDER: ClassVar[str] = "gcp"


class Snapshot(CollectedFiles[CollectionFailure]):
    """The documents of one collection, as ``gcloud --format=json`` prints them."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, to_json)
