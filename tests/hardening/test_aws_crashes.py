"""Inputs that were internal errors (exit 3) are one line naming the file and field; the internal-error line
itself, the last resort, is one line off a terminal too."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.connectors.loader import load_inputs
from nhi_scan.model import SourceStatus
from nhi_scan.policy.gcp.conditions import decide
from nhi_scan.tri import Tri
from tests.aws.builders import credential_report, gaad, report_row, role, write_export


def _source(tmp_path: Path, name: str) -> tuple[str, str, list[str]]:
    loaded = load_inputs([tmp_path])
    (source,) = [s for s in loaded.sources if s.path.endswith(name)]
    return source.status.value, source.detail, loaded.warnings


def test_bare_carriage_return_in_a_credential_report_cell_is_an_error_naming_the_line(tmp_path: Path) -> None:
    rows = [report_row("svc-a"), report_row("svc-b").replace(",false,N/A", ",false\rname,N/A", 1)]
    (tmp_path / "credential-report.csv").write_text(credential_report(*rows), newline="")
    status, detail, _ = _source(tmp_path, "credential-report.csv")
    assert status == SourceStatus.ERROR.value
    assert "credential-report.csv:3" in detail and "new-line character" in detail and "\n" not in detail


def _trust_text(document: str) -> dict[str, object]:
    authz = gaad(roles=[role("app")])
    authz["RoleDetailList"][0]["AssumeRolePolicyDocument"] = urllib.parse.quote(document)
    return authz


@pytest.mark.parametrize(
    ("document", "needle"),
    [
        (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
            '"Principal":{"Service":"ec2.amazonaws.com"},"Condition":' + '{"a":' * 3000 + "1" + "}" * 3001 + "]}",
            "nested too deeply",
        ),
        (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",'
            '"Principal":{"AWS":' + "9" * 6000 + "}}]}",
            "digits",
        ),
    ],
    ids=["nested-3000", "6000-digit-integer"],
)
def test_a_url_encoded_policy_is_decoded_as_strictly_as_a_file(tmp_path: Path, document: str, needle: str) -> None:
    write_export(tmp_path, authz=_trust_text(document))
    status, detail, _ = _source(tmp_path, "authz.json")
    assert status == SourceStatus.ERROR.value, detail
    assert "RoleDetailList[0].AssumeRolePolicyDocument" in detail and needle in detail and len(detail) < 400


def test_a_key_given_twice_inside_a_url_encoded_policy_is_named(tmp_path: Path) -> None:
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Effect":"Deny","Action":"sts:AssumeRole",'
        '"Principal":{"Service":"ec2.amazonaws.com"}}]}'
    )
    write_export(tmp_path, authz=_trust_text(document))
    status, _, warnings = _source(tmp_path, "authz.json")
    assert status == SourceStatus.PARTIAL.value
    assert any("RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Effect" in w for w in warnings), warnings


def test_a_gcp_condition_nested_past_the_stack_is_unknown_not_a_crash() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    atom = 'request.time < timestamp("2025-01-01T00:00:00Z")'
    assert decide("(" * 1000 + atom + ")" * 1000, now) is Tri.UNKNOWN
    assert decide("!" * 5000 + atom, now) is Tri.UNKNOWN
    assert decide("(" * 50 + atom + ")" * 50, now) is Tri.FALSE  # nesting IAM writes is still decided


def test_the_internal_error_line_is_one_line_off_a_terminal(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "import nhi_scan.cli._governed as g\n"
        "from nhi_scan.cli import main\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('a long message ' * 12)\n"
        "g.run_scan = boom\n"
        f"sys.argv = ['nhi-scan', 'scan', {str(tmp_path)!r}]\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "NHI_SCAN_DEBUG"} | {"COLUMNS": "80"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 3, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("internal error: RuntimeError"), done.stderr


@pytest.mark.parametrize("rotated", ["", "N/A"])
def test_an_active_key_without_its_rotation_date_is_named_not_read_as_never_rotated(
    tmp_path: Path, rotated: str
) -> None:
    row = report_row("svc-b", key1=(True, rotated or "EMPTY", "N/A")).replace("EMPTY", "")
    write_export(tmp_path, report=credential_report(report_row("svc-a"), row))
    status, _, warnings = _source(tmp_path, "credential-report.csv")
    assert status == SourceStatus.PARTIAL.value
    assert any(":3: field access_key_1_last_rotated:" in w and "active credential" in w for w in warnings), warnings


def test_a_null_role_last_used_date_is_unknown_not_never_used(tmp_path: Path) -> None:
    authz = gaad(roles=[role("app")])
    authz["RoleDetailList"][0]["RoleLastUsed"] = {"LastUsedDate": None, "Region": "us-east-1"}
    write_export(tmp_path, authz=authz)
    loaded = load_inputs([tmp_path])
    (document,) = loaded.documents
    assert not document.payload.roles[0].last_used_known  # type: ignore[attr-defined]
    assert any("RoleDetailList[0].RoleLastUsed.LastUsedDate: null" in w for w in loaded.warnings), loaded.warnings


def _pages(second_role: dict[str, object]) -> list[dict[str, object]]:
    first = gaad(roles=[role("app")]) | {"IsTruncated": True, "Marker": "abc"}
    return [first, gaad(roles=[second_role])]


def test_every_page_of_a_paginated_gaad_is_not_told_to_pass_every_page(tmp_path: Path) -> None:
    write_export(tmp_path, extra={"authz.json": _pages(role("other"))})
    loaded = load_inputs([tmp_path])
    assert loaded.sources[0].status is SourceStatus.USED and not loaded.documents[0].payload.warnings  # type: ignore[attr-defined]
    truncated = _pages(role("other"))[:1]
    write_export(tmp_path, extra={"authz.json": truncated + truncated})
    (document,) = load_inputs([tmp_path]).documents
    assert any("its last page" in w for w in document.payload.warnings)  # type: ignore[attr-defined]


def test_the_same_role_in_two_pages_with_other_contents_is_named(tmp_path: Path) -> None:
    changed = role("app")
    changed["Path"] = "/changed/"
    write_export(tmp_path, extra={"authz.json": _pages(changed)})
    loaded = load_inputs([tmp_path])
    assert loaded.sources[0].status is SourceStatus.PARTIAL
    assert any("[1].RoleDetailList" in w and "role/app is also in page [0]" in w for w in loaded.warnings)
    write_export(tmp_path, extra={"authz.json": _pages(role("app"))})  # the same contents twice: harmless
    assert load_inputs([tmp_path]).sources[0].status is SourceStatus.USED


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("authz.json", {"v": gaad(roles=[role("app")])}, ("get-account-authorization-details", "'v'")),
        ("authz.json", [{"v": 1}, gaad(roles=[role("app")])], ("get-account-authorization-details", "[1]")),
        (
            "access-keys-ci.json",
            [{"AccessKeyMetadata": [], "IsTruncated": False}],
            ("list-access-keys", "[0]"),
        ),
    ],
    ids=["gaad-under-a-key", "gaad-in-an-array", "key-listing-in-an-array"],
)
def test_an_export_wrapped_one_level_down_is_an_error_not_a_skip(
    tmp_path: Path, name: str, content: object, needles: tuple[str, ...]
) -> None:
    write_export(tmp_path, extra={name: content})
    status, detail, _ = _source(tmp_path, name)
    assert status == SourceStatus.ERROR.value, detail
    assert all(needle in detail for needle in needles), detail


def test_a_foreign_json_file_is_still_skipped(tmp_path: Path) -> None:
    write_export(tmp_path, extra={"package.json": {"name": "x", "dependencies": {"a": "1"}}})
    assert _source(tmp_path, "package.json")[0] == SourceStatus.SKIPPED.value


def test_error_and_warning_lines_at_a_deep_path_are_bounded_and_keep_the_file_name(tmp_path: Path) -> None:
    deep = tmp_path.joinpath("runner", "work", "security-audits", *(["exports-of-every-account"] * 6), "aws")
    broken = gaad(roles=[role("app")])
    broken["RoleDetailList"][0]["CreateDate"] = "x" * 200
    partial = gaad(roles=[role("app"), role("other")])
    partial["RoleDetailList"][1]["Tags"] = [{"Key": "", "Value": "v" * 300}]
    write_export(deep, extra={"authz.json": [broken, {"v": 1}], "partial-authz.json": partial})
    loaded = load_inputs([tmp_path])
    lines = [source.detail for source in loaded.sources] + loaded.warnings
    assert len(str(deep)) > 200 and len(lines) >= 3, lines
    for line in lines:
        assert len(line) <= 320 and "\n" not in line, line
        assert "/aws/authz.json" in line or "/aws/partial-authz.json" in line, line
    assert any("…/" in line for line in lines)
