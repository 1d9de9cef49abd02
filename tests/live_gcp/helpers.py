"""Running the collector against the fake server, and reading what it wrote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nhi_scan.connectors.gcp.fetch import CollectResult, FetchOptions, collect
from nhi_scan.connectors.gcp.fetch_http import GcpEndpoints, RetryPolicy
from tests.live_gcp.fake_gcp import FakeGcp

#: Fast retries: the waits are what is tested, not their length.
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.004)


class RecordingUi:
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.finished_scopes: dict[str, tuple[str, bool]] = {}

    def phase(self, scope: str, text: str) -> None:
        return None

    def finished(self, scope: str, text: str, ok: bool) -> None:
        self.finished_scopes[scope] = (text, ok)

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def anonymous() -> Any:
    """google-auth's anonymous credentials (no Authorization header): the fake server needs none."""
    from google.auth import credentials

    make: Any = credentials.AnonymousCredentials  # not annotated by google-auth
    return make()


def run(fake: FakeGcp, out: Path, *, credentials: Any = None, ui: Any = None, **options: Any) -> CollectResult:
    """Collect from the fake server with anonymous credentials (unless given)."""
    options.setdefault("retry", FAST_RETRY)
    fetch_options = FetchOptions(endpoints=GcpEndpoints.single(fake.base), **options)
    return collect(out, fetch_options, ui, credentials=credentials or anonymous())


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def read(root: Path, relative: str) -> Any:
    return json.loads((root / relative).read_text(encoding="utf-8"))


def errors(root: Path) -> list[dict[str, Any]]:
    return [read(root, f"errors/{p.name}")["NhiScanCollectionError"] for p in sorted((root / "errors").glob("*.json"))]
