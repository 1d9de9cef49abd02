"""Bad input gets one line naming the file (and field or line), exit code 2, and never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.aws.builders import credential_report, gaad, report_row, role, user, write_export
from tests.conftest import NOW, RunCli

GOOD_AUTHZ = gaad(users=[user("ci-bot")], roles=[role("app")])


def assert_one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("authz.json", '{"UserDetailList": [', ("authz.json", "invalid JSON", "truncated")),
        ("authz.json", '{"UserDetailList": [}', ("authz.json:1", "invalid JSON", "line 1")),
        ("blob.json", os.urandom(2048), ("blob.json",)),
        ("blob.bin", b"\x00\x01\x02" * 100, ("blob.bin", "binary")),
        ("report.csv", "name,created\nbob,2020-01-01\n", ("report.csv", "user, arn")),
        ("authz.json", json.dumps({"UserDetailList": "nope"}), ("authz.json", "UserDetailList", "array")),
        (
            "authz.json",
            json.dumps({"UserDetailList": [{"UserName": 5, "Arn": "arn:aws:iam::111122223333:user/x"}]}),
            ("authz.json", "UserDetailList[0].UserName", "string"),
        ),
        ("authz.json", json.dumps({"RoleDetailList": [{"RoleName": "r"}]}), ("RoleDetailList[0].Arn", "missing")),
        (
            "authz.json",
            json.dumps({"UserDetailList": [{"Arn": "arn:aws:iam::111122223333:user/x", "CreateDate": "yesterday"}]}),
            ("UserDetailList[0].CreateDate", "timestamp"),
        ),
        (
            "authz.json",
            json.dumps(
                {
                    "Policies": [
                        {
                            "Arn": "arn:aws:iam::111122223333:policy/p",
                            "PolicyVersionList": [{"Document": "%7Bnot-json", "VersionId": "v1"}],
                        }
                    ]
                }
            ),
            ("Policies[0].PolicyVersionList[0].Document",),
        ),
        ("notes.json", json.dumps({"hello": "world"}), ("notes.json", "unknown kind", "hello")),
        ("readme.txt", "just some notes\n", ("readme.txt", "not a recognised")),
        ("empty.json", "", ("empty.json", "empty")),
    ],
)
def test_single_bad_file(
    tmp_path: Path, run_cli: RunCli, name: str, content: str | bytes, needles: tuple[str, ...]
) -> None:
    path = write(tmp_path, name, content)
    assert_one_line_error(run_cli("scan", path), *needles)


def assert_row_left_out(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    """A row that cannot be read is left out, named (file:line, column) in the warnings; the scan is incomplete."""
    assert result.returncode == 0, result.stderr
    scan = json.loads(result.stdout)["scan"]
    assert not scan["complete"]
    assert [s["status"] for s in scan["sources"]] == ["partial"]
    (warning,) = [w for w in scan["warnings"] if "cr.csv" in w]
    for needle in needles:
        assert needle in warning and needle in scan["sources"][0]["detail"], (needle, warning)


def test_bad_credential_report_row_names_line_and_column(tmp_path: Path, run_cli: RunCli) -> None:
    report = credential_report(report_row("svc-a"), report_row("svc-b").replace("2023-01-01T00:00:00+00:00", "soon", 1))
    path = write(tmp_path, "cr.csv", report)
    assert_row_left_out(run_cli("scan", path, "-f", "json"), "cr.csv:3", "user_creation_time", "timestamp")


def test_truncated_credential_report_row(tmp_path: Path, run_cli: RunCli) -> None:
    report = credential_report(report_row("svc-a"), report_row("svc-b"))
    path = write(tmp_path, "cr.csv", report[: report.rindex(",false,")])
    assert_row_left_out(run_cli("scan", path, "-f", "json"), "cr.csv:3", "fewer values")


@pytest.mark.parametrize("kept", ["", "2025-06-01T00"])
def test_a_credential_report_cut_inside_the_last_column_is_said(tmp_path: Path, run_cli: RunCli, kept: str) -> None:
    """Cut there, every row is still whole (``...,false,`` or ``...,2025-06-01T00``, a time still): the rows after
    the cut vanished."""
    row = report_row("svc-b").rsplit(",", 1)[0] + ",2025-06-01T00:00:00+00:00"
    report = credential_report(report_row("svc-a"), row, report_row("svc-c"))
    last_value = report.index(row) + len(row) - len("2025-06-01T00:00:00+00:00")
    path = write(tmp_path, "cr.csv", report[: last_value + len(kept)])
    assert_row_left_out(run_cli("scan", path, "-f", "json"), "cut short?", repr(kept), "cert_2_last_rotated")


def test_credential_report_of_no_readable_row_is_unusable(tmp_path: Path, run_cli: RunCli) -> None:
    report = credential_report(report_row("svc-a").replace("2023-01-01T00:00:00+00:00", "soon", 1))
    path = write(tmp_path, "cr.csv", report)
    assert_one_line_error(run_cli("scan", path), "cr.csv:2", "user_creation_time", "timestamp")


def test_empty_directory(tmp_path: Path, run_cli: RunCli) -> None:
    assert_one_line_error(run_cli("scan", tmp_path), str(tmp_path), "no files")


def test_missing_path(tmp_path: Path, run_cli: RunCli) -> None:
    assert_one_line_error(run_cli("scan", tmp_path / "nope"), "no such file")


def test_directory_of_only_unknown_files(tmp_path: Path, run_cli: RunCli) -> None:
    write(tmp_path, "a.txt", "hello")
    write(tmp_path, "b.json", "{}")
    assert_one_line_error(run_cli("scan", tmp_path), "no usable export")


def test_bad_options(tmp_path: Path, run_cli: RunCli) -> None:
    directory = write_export(tmp_path, authz=GOOD_AUTHZ)
    for args in (["--now", "tomorrow"], ["--fail-on", "urgent"], ["-f", "xml"], ["--key-max-age", "-1"]):
        result = run_cli("scan", directory, *args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_good_files_next_to_bad_ones_are_scanned_and_bad_listed(tmp_path: Path, run_cli: RunCli) -> None:
    directory = write_export(
        tmp_path,
        authz=GOOD_AUTHZ,
        report=credential_report(report_row("ci-bot", key1=(True, "2020-01-01T00:00:00+00:00", "N/A"))),
        extra={"broken.json": '{"RoleDetailList": [', "notes.txt": "hi"},
    )
    result = run_cli("scan", directory, "-f", "json", "--now", NOW)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scan"]["complete"] is False
    assert len(report["scan"]["errors"]) == 1 and "broken.json" in report["scan"]["errors"][0]
    statuses = {Path(s["path"]).name: s["status"] for s in report["scan"]["sources"]}
    assert statuses == {
        "authz.json": "used",
        "credential-report.csv": "used",
        "broken.json": "error",
        "notes.txt": "skipped",
    }
    assert any(f["check_id"] == "credential-not-rotated" for f in report["findings"])
    assert "broken.json" in result.stderr and "Traceback" not in result.stderr
    strict = run_cli("scan", directory, "-f", "json", "--strict", "--now", NOW)
    assert strict.returncode == 2


def test_unwritable_output(tmp_path: Path, run_cli: RunCli) -> None:
    directory = write_export(tmp_path / "in", authz=GOOD_AUTHZ)
    result = run_cli("scan", directory, "-f", "json", "-o", tmp_path / "missing-dir" / "r.json")
    assert_one_line_error(result, "r.json", "cannot write")
