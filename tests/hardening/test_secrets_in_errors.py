"""A secret pasted into an export field the scanner cannot read is never echoed: not by the error line on the
terminal, not in any report. Error lines quote at most a few dozen characters of a value."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from nhi_scan.errors import InputError
from nhi_scan.redact import looks_secret, quote
from tests.hardening._estate import aws_copy, edit_json

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # the shape of an AWS secret access key (AWS's doc example)
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def scan(root: Path, out: Path, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", str(root), "-f", fmt, "-o", str(out), "-q", "--now", "2026-11-29"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "where",
    ["authz CreateDate", "access key Status", "access key CreateDate", "credential report cell"],
)
@pytest.mark.parametrize("fmt", ["json", "sarif", "markdown", "html", "csv", "table"])
def test_a_secret_in_a_field_is_never_printed(tmp_path: Path, where: str, fmt: str) -> None:
    root = aws_copy(tmp_path)
    if where == "authz CreateDate":
        edit_json(root / "authz.json", lambda d: d["RoleDetailList"][0].__setitem__("CreateDate", SECRET))
    elif where.startswith("access key"):
        field = where.split()[-1]
        edit_json(root / "access-keys-ci-deploy.json", lambda d: d["AccessKeyMetadata"][0].__setitem__(field, SECRET))
    else:
        report = root / "credential-report.csv"
        lines = report.read_text().splitlines()
        cells = lines[2].split(",")
        cells[2] = SECRET  # user_creation_time
        lines[2] = ",".join(cells)
        report.write_text("\n".join(lines) + "\n")
    out = tmp_path / f"report.{fmt}"
    done = scan(root, out, fmt)
    assert done.returncode in (0, 1, 2), done.stderr
    printed = done.stdout + done.stderr + (out.read_text() if out.exists() else "")
    assert SECRET not in printed and SECRET[:20] not in printed
    assert "internal error" not in done.stderr


def test_a_huge_value_is_quoted_short(tmp_path: Path) -> None:
    root = aws_copy(tmp_path)
    edit_json(root / "authz.json", lambda d: d["RoleDetailList"][0].__setitem__("CreateDate", "9" * 1_000_000))
    out = tmp_path / "report.json"
    done = scan(root, out)
    errors = json.loads(out.read_text())["scan"]["errors"]
    assert errors and all(len(e) < 300 for e in errors), errors
    assert all(len(line) < 300 for line in done.stderr.splitlines())


def test_quote_and_the_error_line() -> None:
    assert looks_secret(SECRET) and looks_secret(TOKEN) and looks_secret("-----BEGIN RSA PRIVATE KEY-----")
    assert not looks_secret("AKIAYUXTM27EGNE4L7D4") and not looks_secret("2026-11-29T00:00:00Z")
    assert "not shown" in quote(SECRET) and SECRET not in quote(SECRET)
    assert len(quote("x" * 10_000)) < 80
    error = InputError("f.json", f"bad value {TOKEN} here", field="Tags[0].Value")
    assert TOKEN not in str(error) and "[redacted]" in str(error)


@pytest.mark.parametrize("glued", ["x", "ab12", "id-", "2026-11-29T"])
def test_a_token_glued_to_what_precedes_it_is_still_a_token(glued: str) -> None:
    """A damaged field may hold a token right after other text (``xghp_...``): a word boundary before the prefix
    let it through every error line and report."""
    for token in (TOKEN, "xoxb-1234567890-abcdefghij", "glpat-" + "a1B2c3D4e5F6g7H8i9J0", "AIza" + "x1" * 17):
        value = glued + token
        assert "not shown" in quote(value)
        assert token[:12] not in str(InputError("f.json", f"bad value {value}", field="CreateDate"))
