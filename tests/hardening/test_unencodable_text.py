"""A lone surrogate (``"\\ud800"``: a valid JSON escape, not valid UTF-8) in any field of an export must not crash
a report writer or lose the rest of the estate: every format is written, the value escaped."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hardening._estate import aws_copy, edit_json

FORMATS = ("json", "sarif", "markdown", "html", "csv", "table")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def plant(document: dict[str, Any]) -> None:
        role = document["RoleDetailList"][0]
        role["Tags"] = [*role.get("Tags", []), {"Key": "owner", "Value": "team-\ud800-x"}]
        role["AssumeRolePolicyDocument"]["Statement"][0]["Sid"] = "trust\udfff"

    root = aws_copy(tmp_path_factory.mktemp("hostile"))
    edit_json(root / "authz.json", plant)
    assert "\\ud800" in (root / "authz.json").read_text(encoding="utf-8")  # json.dumps wrote it as an escape
    return root


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "nhi_scan", *args], capture_output=True, timeout=300, check=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_written_to_a_file(hostile: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    done = run("scan", str(hostile), "-f", fmt, "-o", str(out), "--now", "2026-11-29T00:00:00Z", "-q")
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    body = out.read_bytes().decode("utf-8")  # valid UTF-8: the surrogate was escaped, not written raw
    if fmt in ("json", "html", "csv"):  # the formats that show owners
        assert "ud800" in body
    if fmt in ("json", "sarif"):
        document = json.loads(body)
        assert document
    if fmt == "json":
        owners = [i.get("owner") for i in document["identities"]]
        assert "team-\ud800-x" in owners  # the escape reads back as the value the export held
        assert len(document["identities"]) > 20  # the rest of the estate is there
    if fmt == "csv":
        assert list(csv.reader(body.splitlines()))


def test_the_terminal_report_on_a_pipe(hostile: Path) -> None:
    done = run("scan", str(hostile), "--now", "2026-11-29T00:00:00Z", "-q", "-v")
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    done.stdout.decode("utf-8")
    assert b"internal error" not in done.stderr
