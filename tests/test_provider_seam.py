"""The provider plug-in seam, tried as a reviewer would: a stub fourth cloud (tests/plugins/stubcloud: one format,
one parse, one analysis, one package) is dropped into ``nhi_scan.providers`` and must be seen by every neutral
check, report and graph export, by no cloud-specific check, and by `nhi-scan checks`; AWS results stay as they were."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import nhi_scan.providers
from nhi_scan.checks import all_checks
from nhi_scan.engine import run_scan, scan_with_graph
from nhi_scan.graph_export import ExportedGraph, all_exporters, edge_records, node_records
from nhi_scan.model import ScanResult
from nhi_scan.providers import all_providers, clear_caches, display_name
from nhi_scan.reporters import ReportOptions, all_reporters

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = Path(__file__).parent / "plugins"
EXPORT = Path(__file__).parent / "fixtures" / "stubcloud"
SAMPLE = ROOT / "sample_data" / "aws"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


@pytest.fixture
def stubcloud() -> Iterator[None]:
    """The stub package mounted in the providers package, as if it sat in nhi_scan/providers/stubcloud/."""
    nhi_scan.providers.__path__.append(str(PLUGINS))
    clear_caches()
    try:
        yield
    finally:
        nhi_scan.providers.__path__.remove(str(PLUGINS))
        clear_caches()


@pytest.fixture
def mixed(stubcloud: None) -> ScanResult:
    return run_scan([EXPORT, SAMPLE], now=NOW)


def stub_findings(result: ScanResult) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in result.findings:
        if finding.provider == "stubcloud":
            found.setdefault(finding.check_id, []).append(finding.subject)
    return found


def test_the_stub_registers_beside_aws(stubcloud: None) -> None:
    assert [p.id for p in all_providers()] == ["aws", "azure", "gcp", "stubcloud"]
    assert display_name("stubcloud") == "StubCloud"  # type: ignore[arg-type]


@pytest.mark.parametrize("check_id", sorted(c.id for c in all_checks() if c.neutral))
def test_every_neutral_check_judges_the_stub_identities(check_id: str, mixed: ScanResult) -> None:
    assert check_id in stub_findings(mixed), f"{check_id} found nothing on the StubCloud estate"


def test_the_stub_findings_are_the_expected_ones(mixed: ScanResult) -> None:
    found = stub_findings(mixed)
    assert found["admin-identity"] == ["stub://t1/sa/owner-bot"]
    assert found["privilege-escalation"] == ["stub://t1/sa/deployer"]
    assert found["lateral-movement"] == ["stub://t1/sa/reader"]
    assert found["missing-owner"] == ["stub://t1/sa/deployer"]
    assert found["identity-unused"] == ["stub://t1/sa/idle"]
    assert sorted(found["credential-not-rotated"]) == ["stub-key-old", "stub-key-unused"]  # both past 90 days
    assert found["credential-unused"] == ["stub-key-unused"]
    assert found["nhi-reuse"] == ["stub://t1/sa/reader"]
    assert found["service-unused"] == ["stub://t1/sa/reader"]
    assert sorted(found["secret-store-access"]) == ["stub://t1/sa/idle", "stub://t1/sa/reader"]
    escalation = next(f for f in mixed.findings if f.check_id == "privilege-escalation" and f.provider == "stubcloud")
    assert "stub.tokens.mint on the target" in escalation.message  # the method label the plug-in registered
    admin = next(f for f in mixed.findings if f.check_id == "admin-identity" and f.provider == "stubcloud")
    assert admin.remediation == "Remove the StubCloud owner role."  # the plug-in's remediation for a neutral check
    assert "no StubCloud usage export given" in mixed.warnings


def test_no_aws_only_check_sees_the_stub_and_aws_results_are_unchanged(mixed: ScanResult) -> None:
    cloud_only = {c.id for c in all_checks() if not c.neutral}
    assert cloud_only and not cloud_only & set(stub_findings(mixed))
    alone = run_scan([SAMPLE], now=NOW)
    assert [f for f in mixed.findings if f.provider == "aws"] == list(alone.findings)


@pytest.mark.parametrize("name", sorted(all_reporters()))
def test_every_report_shows_the_stub(name: str, mixed: ScanResult) -> None:
    stream = io.StringIO()
    all_reporters()[name].write(mixed, ReportOptions(verbose=True), stream)
    text = stream.getvalue()
    assert "owner-bot" in text
    if name == "json":
        document = json.loads(text)
        assert document["summary"]["by_provider"]["stubcloud"] >= 9
        assert {"provider": "stubcloud", "scope": "t1"} in document["scan"]["scopes"]


@pytest.mark.parametrize("name", sorted(all_exporters()))
def test_every_graph_export_holds_the_stub(name: str, stubcloud: None) -> None:
    result, analysis = scan_with_graph([EXPORT], now=NOW)
    graph = ExportedGraph(
        nodes=tuple(node_records(analysis.graph, result.findings)),
        edges=tuple(edge_records(analysis.graph)),
        result=result,
    )
    stream = io.StringIO()
    all_exporters()[name].write(graph, stream)
    text = stream.getvalue()
    assert "NHIStubCloudServiceAccount" in text and "stub://t1/sa/deployer" in text
    assert "NHICanImpersonate" in text or "CAN_IMPERSONATE" in text


def test_checks_command_tells_which_cloud_each_check_covers(stubcloud: None) -> None:
    from nhi_scan.cli import app

    result = CliRunner().invoke(app, ["checks", "-f", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert rows["admin-identity"]["providers"] == ["aws", "azure", "gcp", "stubcloud"]
    assert rows["admin-identity"]["neutral"]
    assert rows["trust-any-principal"]["providers"] == ["aws"] and not rows["trust-any-principal"]["neutral"]


def test_the_cli_scans_the_stub_beside_aws(stubcloud: None) -> None:
    from nhi_scan.cli import app

    result = CliRunner().invoke(
        app, ["scan", str(EXPORT), str(SAMPLE), "-f", "json", "-q", "--now", "2026-11-29T00:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert {i["provider"] for i in document["identities"]} == {"aws", "stubcloud"}


def test_without_the_stub_checks_cover_the_built_in_clouds_only() -> None:
    assert {p for c in all_checks() for p in c.covers()} == {"aws", "azure", "gcp"}
    assert {c.providers for c in all_checks() if not c.neutral} == {("aws",), ("azure",), ("gcp",)}
