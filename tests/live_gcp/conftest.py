"""The fake Google APIs on 127.0.0.1 (see fake_gcp), started once per session, and a guard that fails any test
whose process tries to reach anything else (real Google, the metadata server, DNS for a public name).

The real client libraries are driven through the collector: google-cloud-resource-manager (REST transport) and
google-auth's AuthorizedSession, with anonymous credentials unless a test says otherwise.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_gcp.fake_gcp import FakeGcp, running

pytest.importorskip("google.cloud.resourcemanager_v3")

_LOCAL = ("127.0.0.1", "localhost", "::1")


@pytest.fixture(scope="session")
def server() -> Iterator[FakeGcp]:
    with running() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeGcp) -> Iterator[FakeGcp]:
    """The server, with no recorded calls, denials or faults left by another test."""
    server.reset()
    yield server
    server.reset()


@pytest.fixture(autouse=True)
def local_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Refuse (and record) every connection or name lookup not on this machine; no ambient Google credentials."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in _LOCAL:
            attempts.append(f"connect {address}")
            raise OSError(f"test guard: connection to {address} refused (tests stay on 127.0.0.1)")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in _LOCAL and host is not None:
            attempts.append(f"lookup {host}")
            raise socket.gaierror(f"test guard: lookup of {host} refused")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "NHI_SCAN_GCP_ENDPOINT", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud-config"))  # no gcloud ADC file
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)  # read at import: no metadata-server probe
    yield attempts
    assert not attempts, f"a test tried to leave 127.0.0.1: {attempts}"
