"""`nhi-scan checks` stays readable piped, with COLUMNS=80, and on an 80-column terminal: one block per check."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

from nhi_scan.checks import all_checks

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NHI_SCAN_DEBUG")}
    return {**env, **extra}


def _piped(**extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "checks"], capture_output=True, text=True, env=_env(**extra), timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _on_terminal(columns: int) -> str:
    """The listing as an ``columns``-wide terminal shows it (a pseudo-terminal with that window size)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "nhi_scan", "checks"], stdout=follower, stderr=follower, env=_env(TERM="xterm")
    )
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return ANSI.sub("", b"".join(chunks).decode()).replace("\r\n", "\n")


def _blocks(text: str) -> dict[str, list[str]]:
    """Check id -> the lines under it."""
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        if line and not line.startswith(" ") and not line.endswith(" checks"):
            current = blocks.setdefault(line, [])
        elif line.strip():
            current.append(line)
    return blocks


def _assert_readable(text: str, width: int) -> None:
    checks = all_checks()
    assert text.splitlines()[0] == f"{len(checks)} checks"
    assert max(len(line) for line in text.splitlines()) <= width
    blocks = _blocks(text)
    assert list(blocks) == [c.id for c in checks]  # each id whole, on its own line, in order
    for check in checks:
        block = " ".join(line.strip() for line in blocks[check.id])
        assert block.startswith(f"{check.severity.label} · {check.category} · {', '.join(check.owasp_nhi)}")
        # Wrapped on spaces only: the lines joined give the description back, no word cut or lost.
        assert block.endswith(" " + " ".join(check.description.split()))


def test_piped_wraps_at_80_columns() -> None:
    _assert_readable(_piped(), 80)


def test_columns_80_and_wide_terminal_capped() -> None:
    _assert_readable(_piped(COLUMNS="80"), 80)
    wide = _piped(COLUMNS="300")
    _assert_readable(wide, 100)
    assert max(len(line) for line in wide.splitlines()) > 80  # the width was followed, not fixed at 80


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal window size is Linux-specific")
def test_on_an_80_column_terminal() -> None:
    _assert_readable(_on_terminal(80), 80)
