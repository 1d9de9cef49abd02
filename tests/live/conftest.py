"""A real moto server on 127.0.0.1, started once per session, seeded with an organisation (see moto_world).

Tests never reach AWS: every client gets the server's endpoint (AWS_ENDPOINT_URL), dummy credentials and no
config file; subprocesses inherit that environment. The server records every request (moto's recorder) so
tests can check which API operations nhi-scan called.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live.deny_proxy import deny_proxy
from tests.live.moto_world import MANAGEMENT, REGION, World, moto_api, seed

_SAFE_ENV = {
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_MAX_ATTEMPTS": "2",
    "AWS_RETRY_MODE": "standard",
}
_DROPPED = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The server's endpoint and the file its recorder writes every request to."""
    pytest.importorskip("moto.server")
    directory = tmp_path_factory.mktemp("moto")
    recording = directory / "requests.jsonl"
    port = _free_port()
    env = {**os.environ, "MOTO_RECORDER_FILEPATH": str(recording)}
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(directory / "server.log").open("w"),
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"moto server exited: {(directory / 'server.log').read_text()[-500:]}")
                time.sleep(0.05)
        else:
            pytest.fail("moto server did not start")
        yield endpoint, recording
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def world(moto_server: tuple[str, Path]) -> Iterator[World]:
    """The seeded organisation, reached through the deny proxy as the scanner user (environment set for all)."""
    upstream, _ = moto_server
    with pytest.MonkeyPatch.context() as patch:
        for name in _DROPPED:
            patch.delenv(name, raising=False)
        env = {
            **_SAFE_ENV,
            "AWS_ENDPOINT_URL": upstream,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
        }
        for name, value in env.items():
            patch.setenv(name, value)
        seeded = seed(upstream)
        caller = f"arn:aws:iam::{MANAGEMENT}:user/nhi-scanner"
        with deny_proxy(upstream, frozenset({seeded.locked}), caller) as endpoint:
            patch.setenv("AWS_ENDPOINT_URL", endpoint)
            patch.setenv("AWS_ACCESS_KEY_ID", seeded.scanner_key)
            patch.setenv("AWS_SECRET_ACCESS_KEY", seeded.scanner_secret)
            yield seeded


@pytest.fixture(scope="session")
def recorder(moto_server: tuple[str, Path], world: World) -> Path:
    """Start recording (after seeding); tests read the file for the calls made since."""
    endpoint, recording = moto_server
    moto_api(endpoint, "recorder/reset-recording", b"")
    moto_api(endpoint, "recorder/start-recording", b"")
    return recording
