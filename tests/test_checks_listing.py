"""`nhi-scan checks` stays readable piped, with COLUMNS=80, and on an 80-column terminal: one block per check."""

from __future__ import annotations

import subprocess
import sys

import pytest

from nhi_scan.checks import all_checks
from tests.terminal import clean_env, on_terminal


def _piped(**extra: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "checks"], capture_output=True, text=True, env=clean_env(**extra), timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


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
    shown = on_terminal("checks", columns=80)
    assert shown.returncode == 0
    _assert_readable(shown.terminal, 80)
