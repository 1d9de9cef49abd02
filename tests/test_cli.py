"""The CLI as a user runs it: JSON contract, exit codes, --now, `checks`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhi_scan.checks import all_checks
from nhi_scan.model import Category
from tests.aws.builders import credential_report, gaad, report_row, role, user, write_export
from tests.conftest import NOW, RunCli

FINDING_KEYS = {
    "id",
    "check_id",
    "title",
    "severity",
    "category",
    "provider",
    "subject",
    "identity",
    "message",
    "evidence",
    "remediation",
    "owasp_nhi",
    "path",
}
IDENTITY_KEYS = {
    "id",
    "provider",
    "kind",
    "name",
    "scope",
    "machine",
    "machine_reason",
    "created",
    "last_used",
    "owner",
    "tags",
    "credentials",
}
CREDENTIAL_KEYS = {"id", "kind", "created", "last_rotated", "last_used", "expires", "active"}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return write_export(
        tmp_path,
        authz=gaad(users=[user("ci-deploy", tags={"owner": "platform"})], roles=[role("worker", last_used=None)]),
        report=credential_report(
            report_row("<root_account>", key1=(True, "2026-11-01T00:00:00+00:00", "N/A")),
            report_row("ci-deploy", key1=(True, "2025-01-01T00:00:00+00:00", "2026-11-28T00:00:00+00:00")),
        ),
    )


def test_json_report_contract(export: Path, run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("scan", export, "-f", "json", "-o", out, "--now", NOW)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["schema_version"] == "1.0"
    assert report["tool"]["name"] == "nhi-scan"
    assert report["scan"]["now"] == "2026-11-29T00:00:00Z"
    assert {"started", "now", "sources", "warnings"} <= set(report["scan"])
    assert {"by_severity", "by_category", "by_provider"} <= set(report["summary"])
    assert set(report["summary"]["by_category"]) == {c.value for c in Category}
    for identity in report["identities"]:
        assert set(identity) >= IDENTITY_KEYS
        for credential in identity["credentials"]:
            assert set(credential) >= CREDENTIAL_KEYS
    assert report["findings"]
    for finding in report["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert finding["severity"] in {"critical", "high", "medium", "low", "info"}
    severities = [f["severity"] for f in report["findings"]]
    order = ["critical", "high", "medium", "low", "info"]
    assert severities == sorted(severities, key=order.index)
    ci = next(i for i in report["identities"] if i["name"] == "ci-deploy")
    assert ci["machine"] is True and ci["owner"] == "platform"
    assert ci["credentials"][0]["last_rotated"] == "2025-01-01T00:00:00Z"
    assert report["summary"]["by_severity"]["critical"] == 1


@pytest.mark.parametrize(("fail_on", "code"), [("critical", 1), ("high", 1), ("none", 0)])
def test_fail_on(export: Path, run_cli: RunCli, fail_on: str, code: int) -> None:
    assert run_cli("scan", export, "--fail-on", fail_on, "--now", NOW).returncode == code


def test_fail_on_below_threshold_exits_zero(tmp_path: Path, run_cli: RunCli) -> None:
    directory = write_export(
        tmp_path, authz=gaad(roles=[role("worker", tags={"owner": "x"}, last_used="2026-11-28T00:00:00Z")])
    )
    assert run_cli("scan", directory, "--fail-on", "low", "--now", NOW).returncode == 0


def test_now_changes_ages(export: Path, run_cli: RunCli) -> None:
    early = json.loads(run_cli("scan", export, "-f", "json", "--now", "2025-02-01T00:00:00Z").stdout)
    late = json.loads(run_cli("scan", export, "-f", "json", "--now", NOW).stdout)
    assert not [f for f in early["findings"] if f["check_id"] == "credential-not-rotated"]
    assert [f for f in late["findings"] if f["check_id"] == "credential-not-rotated"]


def test_table_report_shows_identities_findings_and_fixes(export: Path, run_cli: RunCli) -> None:
    result = run_cli("scan", export, "--now", NOW)
    assert result.returncode == 0
    for text in ("Summary", "Machine identities", "ci-deploy", "root-access-key", "How to fix", "critical"):
        assert text in result.stdout
    verbose = run_cli("scan", export, "--now", NOW, "-v")
    assert "fix:" in verbose.stdout and '"age_days"' in verbose.stdout


def test_checks_lists_every_check(run_cli: RunCli) -> None:
    result = run_cli("checks", "-f", "json")
    listed = json.loads(result.stdout)
    assert [c["id"] for c in listed] == [c.id for c in all_checks()]
    for entry in listed:
        assert entry["owasp_nhi"] and entry["description"] and entry["severity"]
    table = run_cli("checks")
    assert "root-access-key" in table.stdout


def test_version_and_help(run_cli: RunCli) -> None:
    assert run_cli("--version").stdout.startswith("nhi-scan ")
    assert "Examples" in run_cli("scan", "--help").stdout
