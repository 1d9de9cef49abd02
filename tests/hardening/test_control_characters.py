"""Names and tags an export held cannot drive the terminal or spoof a report: control characters and bidirectional
overrides are shown as escapes in the terminal, Markdown, HTML and CSV reports; JSON keeps the exact value; CSV
cells cannot start a formula."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.reporters._text import visible
from nhi_scan.reporters.csv_report import safe
from tests.hardening._estate import aws_copy, edit_json

OWNER = "ops\x1b]0;pwned\x07\x1b[2J\r\u202egnp.exe"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def owners(document: dict[str, Any]) -> None:
        for role in document["RoleDetailList"][:3]:
            role["Tags"] = [t for t in role.get("Tags", []) if t["Key"] != "owner"] + [{"Key": "owner", "Value": OWNER}]

    root = aws_copy(tmp_path_factory.mktemp("control"))
    edit_json(root / "authz.json", owners)
    return root


def report(root: Path, fmt: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", str(root), "-f", fmt, "-v", "-q", "--now", "2026-11-29T00:00:00Z"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "csv"])
def test_no_raw_control_character_reaches_a_human_report(hostile: Path, fmt: str) -> None:
    text = report(hostile, fmt)
    for raw in ("\x1b", "\x07", "\r", "\u202e"):
        assert raw not in text, f"{raw!r} in the {fmt} report"
    if fmt in ("table", "html", "csv"):  # the reports that show owners
        assert "\\x1b]0;pwned\\x07" in text and "\\u202egnp.exe" in text


def test_json_keeps_the_exact_value(hostile: Path) -> None:
    document = json.loads(report(hostile, "json"))
    assert OWNER in {i.get("owner") for i in document["identities"]}


def test_the_sanitisers() -> None:
    assert visible("a\tb\nc") == "a\tb\nc"
    assert visible("\x00\x9b\u2066x") == "\\x00\\x9b\\u2066x"
    assert safe('=HYPERLINK("http://x")').startswith("'=")
    assert safe("  @SUM(A1)").startswith("'")
    assert safe("-1") == "'-1" and safe("plain") == "plain"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_a_file_name_cannot_drive_the_terminal_or_carry_a_token_out(tmp_path: Path, fmt: str) -> None:
    """A file's name is data too: a broken file named with escapes, a carriage return and a token is reported
    with the name escaped and the token redacted, on stderr and in the report."""
    token = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
    root = aws_copy(tmp_path)
    hostile = root / f"access-keys-a\x1b[2Jb\rc\x9b31m-{token}.json"
    (root / "access-keys-ci-deploy.json").rename(hostile)
    hostile.write_text('{"AccessKeyMetadata": [')
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", str(root), "-f", fmt, "--now", "2026-11-29T00:00:00Z"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    printed = (done.stdout + done.stderr).decode("utf-8", errors="replace")
    assert done.returncode in (0, 1), printed[-500:]
    assert token[4:20] not in printed
    for raw in ("\x1b[2J", "\r", "\x9b"):
        assert raw not in done.stderr.decode("utf-8", errors="replace")
    if fmt != "json":
        assert "\x1b[2J" not in printed and "\x9b" not in printed
    assert "access-keys-a" in done.stderr.decode()
