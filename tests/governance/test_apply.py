"""Governance over a scan result: suppressions, expiry, baselines, disabled checks and severity overrides."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from nhi_scan.cli.scan import exit_code
from nhi_scan.governance import Config, Suppression, apply, load_baseline, write_baseline
from nhi_scan.model import ScanResult, Severity
from nhi_scan.reporters.json_report import to_document
from tests.reporters.estate import scanned

ROOT_KEY = "root-access-key"


def suppression(expires: date, check: str = ROOT_KEY, subject: str = "arn:aws:iam::*:root") -> Suppression:
    return Suppression(
        check=check,
        subject=subject,
        reason="break-glass",
        owner="sec",
        expires=expires,
        declared_in="nhi-scan.toml: suppressions[1]",
    )


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    return scanned(tmp_path_factory.mktemp("estate"))


def test_active_suppression_marks_and_stops_counting(result: ScanResult) -> None:
    governed = apply(result, Config(suppressions=(suppression(date(2026, 12, 31)),)))
    root = next(f for f in governed.findings if f.check_id == ROOT_KEY)
    assert root.suppressed is not None and root.suppressed.owner == "sec" and not root.counted
    assert exit_code(governed, Severity.CRITICAL, strict=False) == 0
    assert exit_code(result, Severity.CRITICAL, strict=False) == 1
    document = to_document(governed)
    marked = next(f for f in document["findings"] if f["check_id"] == ROOT_KEY)
    assert marked["suppressed"] == {
        "reason": "break-glass",
        "owner": "sec",
        "expires": "2026-12-31",
        "rule": "nhi-scan.toml: suppressions[1]",
    }
    assert document["summary"]["suppressed"] == 1
    assert document["summary"]["by_severity"]["critical"] == 0


def test_suppression_matches_identity_of_a_key_finding(result: ScanResult) -> None:
    rule = suppression(date(2027, 1, 1), check="credential-*", subject="*:user/ci-deploy")
    governed = apply(result, Config(suppressions=(rule,)))
    assert [f.check_id for f in governed.findings if f.suppressed] == ["credential-not-rotated"]


def test_expired_suppression_resurfaces_and_is_reported(result: ScanResult) -> None:
    governed = apply(result, Config(suppressions=(suppression(date(2026, 11, 28)),)))
    root = next(f for f in governed.findings if f.check_id == ROOT_KEY)
    assert root.suppressed is None and root.counted
    (warning,) = [w for w in governed.warnings if w.startswith("expired suppression")]
    assert "2026-11-28" in warning and "1 finding(s)" in warning and "suppressions[1]" in warning
    # The expiry day itself still suppresses.
    assert apply(result, Config(suppressions=(suppression(date(2026, 11, 29)),))).findings[0].suppressed


def test_unused_suppression_is_reported(result: ScanResult) -> None:
    governed = apply(result, Config(suppressions=(suppression(date(2027, 1, 1), subject="nothing"),)))
    assert any(w.startswith("unused suppression") for w in governed.warnings)


def test_disabled_checks_and_severity_overrides(result: ScanResult) -> None:
    config = Config(disabled=frozenset({ROOT_KEY}), severity={"identity-unused": Severity.HIGH})
    governed = apply(result, config)
    assert not [f for f in governed.findings if f.check_id == ROOT_KEY]
    assert {f.severity for f in governed.findings if f.check_id == "identity-unused"} == {Severity.HIGH}
    severities = [f.severity for f in governed.findings]
    assert severities == sorted(severities, reverse=True)
    only = apply(result, Config(enabled=frozenset({ROOT_KEY})))
    assert {f.check_id for f in only.findings} == {ROOT_KEY}


def test_baseline_round_trip_and_report_as_baseline(result: ScanResult, tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    governed = apply(result, Config(suppressions=(suppression(date(2027, 1, 1)),)))
    assert write_baseline(governed, path) == len(result.findings) - 1  # the suppressed one stays out
    baseline = load_baseline(path)
    again = apply(result, Config(), baseline)
    assert [f.check_id for f in again.findings if f.counted] == [ROOT_KEY]
    assert to_document(again)["summary"]["baselined"] == len(result.findings) - 1
    report = tmp_path / "report.json"
    report.write_text(json.dumps(to_document(result)))
    assert load_baseline(report).ids == {f.id for f in result.findings}


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{", "invalid JSON"),
        ('{"findings": []}', "not an nhi-scan baseline"),
        ('{"kind": "nhi-scan-baseline", "version": 9, "findings": []}', "version"),
        ('{"kind": "nhi-scan-baseline", "version": 1, "findings": [{"x": 1}]}', "findings[0].id"),
    ],
)
def test_bad_baseline_is_one_line(tmp_path: Path, content: str, needle: str) -> None:
    from nhi_scan.errors import UsageError

    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(UsageError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        load_baseline(path)
