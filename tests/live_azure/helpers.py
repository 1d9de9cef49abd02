"""Running the collector against the fake server with a static token credential, and reading what it wrote."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

from nhi_scan.connectors.azure.fetch import CollectResult, FetchOptions, collect
from nhi_scan.connectors.azure.fetch_http import AzureEndpoints, RetryPolicy
from tests.live_azure.estate_graph import TENANT
from tests.live_azure.fake_azure import FakeAzure

#: Fast retries: the waits are what is tested, not their length.
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.001, max_delay=2.0)
SCANNER_APP = "5ca11e70-0000-4000-8000-000000000001"


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def jwt(audience: str, **claims: Any) -> str:
    """An unsigned JWT naming its audience, tenant and app: what the fake server checks (it is nothing's token)."""
    body = {"aud": audience, "tid": TENANT, "appid": SCANNER_APP, "app_displayname": "nhi-scan", **claims}
    return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(body)}.c2ln"


class StaticCredential:
    """A TokenCredential giving a token for each scope's resource, recording the scopes asked."""

    def __init__(self, **claims: Any) -> None:
        self.claims = claims
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        return AccessToken(jwt(scopes[0].removesuffix("/.default"), **self.claims), int(time.time()) + 3600)


class RecordingUi:
    """Progress as the CLI shows it; a phase of a scope already finished (its spinner removed) is a bug."""

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.finished_scopes: dict[str, tuple[str, bool]] = {}
        self.late: list[tuple[str, str]] = []

    def phase(self, scope: str, text: str) -> None:
        if scope in self.finished_scopes:
            self.late.append((scope, text))

    def finished(self, scope: str, text: str, ok: bool) -> None:
        self.finished_scopes[scope] = (text, ok)

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def run(fake: FakeAzure, out: Path, *, credential: Any = None, ui: Any = None, **options: Any) -> CollectResult:
    options.setdefault("retry", FAST_RETRY)
    fetch_options = FetchOptions(endpoints=AzureEndpoints.single(fake.base), **options)
    return collect(out, fetch_options, ui, credential=credential or StaticCredential())


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def read(root: Path, relative: str) -> Any:
    return json.loads((root / relative).read_text(encoding="utf-8"))


def errors(root: Path) -> list[dict[str, Any]]:
    return [read(root, f"errors/{p.name}")["NhiScanCollectionError"] for p in sorted((root / "errors").glob("*.json"))]


def items(document: Any) -> list[Any]:
    """The objects of a page, an array of pages or a bare array."""
    if isinstance(document, dict):
        return list(document["value"])
    if document and isinstance(document[0], dict) and "value" in document[0] and "@odata.context" in document[0]:
        return [item for page in document for item in page["value"]]
    return list(document)
