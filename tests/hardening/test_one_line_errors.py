"""Every usage error is one line on stderr with exit code 2 (no boxed usage text), and the help still shows."""

from __future__ import annotations

import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "args",
    [
        ("scan", "sample_data", "--now", "not-a-date"),
        ("scan", "sample_data", "--bogus"),
        ("scan", "sample_data", "-f", "pdf"),
        ("scan", "sample_data", "--fail-on", "catastrophic"),
        ("paths", "sample_data"),
        ("scan", "no/such/dir"),
        ("nosuchcommand",),
    ],
)
def test_usage_errors_are_one_line(args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), done.stderr
    assert "Traceback" not in done.stderr


def test_help_and_version_still_work() -> None:
    assert run("--version").returncode == 0
    helped = run("scan", "--help")
    assert helped.returncode == 0 and "Usage" in helped.stdout
