"""A token kept in a tag is reported as a secret at rest (naming the tag) and redacted in every output format,
graph exports included; the rest of the report is unchanged."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hardening._estate import aws_copy, edit_json

GITHUB = "ghp_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8"
SLACK = "xoxb-" + "123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ASSIGNED = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"  # pasted as an assignment: an = glued before it


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    def plant(document: dict[str, Any]) -> None:
        role = document["RoleDetailList"][0]
        role["Tags"] = [*role.get("Tags", []), {"Key": "deploy-token", "Value": GITHUB}]
        other = document["RoleDetailList"][1]
        kept = [t for t in other.get("Tags", []) if t["Key"] != "owner"]
        other["Tags"] = [*kept, {"Key": "owner", "Value": AWS_SECRET}]
        user = document["UserDetailList"][0]
        user["Tags"] = [
            *user.get("Tags", []),
            {"Key": "owner", "Value": f"alerts via {SLACK}"},
            {"Key": "env", "Value": f"AWS_SECRET_ACCESS_KEY={ASSIGNED}"},
        ]

    root = aws_copy(tmp_path_factory.mktemp("tags"))
    edit_json(root / "authz.json", plant)
    return root


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "html", "csv", "table"])
def test_no_format_prints_the_token(estate: Path, fmt: str) -> None:
    done = run("scan", str(estate), "-f", fmt, "-v", "-q", "--now", "2026-11-29T00:00:00Z")
    assert done.returncode in (0, 1), done.stderr
    for secret in (GITHUB, SLACK, AWS_SECRET, ASSIGNED, GITHUB[4:24], SLACK[5:25], AWS_SECRET[:20], ASSIGNED[:20]):
        assert secret not in done.stdout + done.stderr


@pytest.mark.parametrize("fmt", ["graphml", "opengraph"])
def test_graph_exports_do_not_carry_it(estate: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    done = run("graph", "export", str(estate), "-f", fmt, "-o", str(out), "--now", "2026-11-29T00:00:00Z")
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert GITHUB not in text and SLACK not in text and AWS_SECRET not in text and ASSIGNED not in text


def test_the_finding_names_the_tag_not_the_value(estate: Path) -> None:
    done = run("scan", str(estate), "-f", "json", "-q", "--now", "2026-11-29T00:00:00Z")
    findings = [f for f in json.loads(done.stdout)["findings"] if f["check_id"] == "secret-in-export"]
    fields = {(f["evidence"]["field"], f["evidence"]["looks_like"]) for f in findings}
    assert fields == {
        ("tag deploy-token", "a GitHub token"),
        ("tag owner", "a Slack token"),
        ("tag owner", "an AWS secret access key"),
        ("tag env", "an AWS secret access key"),
    }
    assert all(f["severity"] == "high" for f in findings)
