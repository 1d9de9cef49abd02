"""The fake Graph + ARM server on 127.0.0.1 (see fake_azure), started once per session, and a guard that fails any
test whose process tries to reach anything else (Microsoft Entra, the instance metadata service, DNS for a public
name). No ambient Azure credentials or endpoints reach a test.

The real azure-core pipeline (bearer-token policy, retry policy, requests transport) is driven through the
collector, with a static token credential unless a test says otherwise."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live_azure.fake_azure import FakeAzure, running

pytest.importorskip("azure.core")
pytest.importorskip("azure.identity")

_LOCAL = ("127.0.0.1", "localhost", "::1")
_AMBIENT = ("AZURE_", "IDENTITY_", "MSI_", "NHI_SCAN_AZURE_", "IMDS_ENDPOINT")


@pytest.fixture(scope="session")
def server() -> Iterator[FakeAzure]:
    with running() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeAzure) -> Iterator[FakeAzure]:
    """The server, with no recorded calls, denials or faults left by another test."""
    server.reset()
    yield server
    server.reset()


@pytest.fixture(autouse=True)
def local_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """Refuse (and record) every connection or name lookup not on this machine; no ambient Azure credentials."""
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
    for name in list(os.environ):
        if name.startswith(_AMBIENT):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AZURE_CONFIG_DIR", str(tmp_path / "azure-cli"))  # no az login
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no shared token cache
    yield attempts
    assert not attempts, f"a test tried to leave 127.0.0.1: {attempts}"
