"""SARIF: valid against the official 2.1.0 schema and within what GitHub code scanning accepts."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from nhi_scan.checks import all_checks
from nhi_scan.model import Finding, ScanResult, Severity, SuppressionMark
from nhi_scan.reporters import ReportOptions
from nhi_scan.reporters.sarif import MAX_MESSAGE_CHARS, to_document, write
from tests.reporters.estate import scanned, with_path

GITHUB_BANDS = {"critical": (9.0, 10.0), "high": (7.0, 8.9), "medium": (4.0, 6.9), "low": (0.1, 3.9)}


def sarif(result: ScanResult, **options: Any) -> dict[str, Any]:
    stream = io.StringIO()
    write(result, ReportOptions(**options), stream)
    document: dict[str, Any] = json.loads(stream.getvalue())
    return document


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    scan = with_path(scanned(tmp_path_factory.mktemp("estate")))
    marked = []
    for finding in scan.findings:
        if finding.check_id == "missing-owner":
            mark = SuppressionMark(reason="temp", owner="sec", expires=date(2027, 1, 1), declared_in="t: s[1]")
            finding = replace(finding, suppressed=mark)
        elif finding.check_id == "identity-unused":
            finding = replace(finding, baselined=True)
        marked.append(finding)
    return replace(scan, findings=tuple(marked))


def test_valid_against_the_official_schema(result: ScanResult, shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    document = sarif(result, show_suppressed=True, verbose=True)
    jsonschema.validate(document, schema)
    assert document["version"] == "2.1.0"


def test_one_rule_per_check_with_github_metadata(result: ScanResult) -> None:
    run = sarif(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(c.id for c in all_checks())
    for rule in rules:
        assert rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert "security" in rule["properties"]["tags"] and len(rule["properties"]["tags"]) <= 20
        check = next(c for c in all_checks() if c.id == rule["id"])
        score = float(rule["properties"]["security-severity"])
        if check.severity is not Severity.INFO:
            low, high = GITHUB_BANDS[check.severity.label]
            assert low <= score <= high, (rule["id"], score)


def test_results_have_location_fingerprint_and_identity_first(result: ScanResult) -> None:
    run = sarif(result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    counted = [f for f in result.findings if f.counted]
    assert len(run["results"]) == len(counted)
    names = {i.id: i.name for i in result.inventory.identities}
    for entry, finding in zip(run["results"], counted, strict=True):
        assert entry["ruleId"] == finding.check_id == rules[entry["ruleIndex"]]["id"]
        assert entry["partialFingerprints"]["primaryLocationLineHash"] == finding.id
        location = entry["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location["uri"].endswith((".json", ".csv"))
        first_sentence = entry["message"]["text"].split(". ")[0]
        assert names[finding.identity or ""] in first_sentence
    assert run["automationDetails"]["id"] == "nhi-scan/aws/111122223333/"
    path_result = next(
        r for r in run["results"] if r["partialFingerprints"]["primaryLocationLineHash"].startswith("path")
    )
    assert "Path:" in path_result["message"]["text"]


def test_suppressed_and_baselined_only_with_show_suppressed(result: ScanResult) -> None:
    hidden = sarif(result)["runs"][0]["results"]
    shown = sarif(result, show_suppressed=True)["runs"][0]["results"]
    assert len(shown) == len(result.findings) > len(hidden)
    suppressed = [r for r in shown if "suppressions" in r]
    assert suppressed and all(s["suppressions"][0]["status"] == "accepted" for s in suppressed)
    assert {r["baselineState"] for r in shown} == {"new", "unchanged"}


def test_uris_relative_to_base_and_anchor_fallback(result: ScanResult, tmp_path: Path) -> None:
    source = Path(result.inventory.identities[0].sources[0])
    run = sarif(result, sarif_base=source.parent)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris <= {"authz.json", "credential-report.csv"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file://")
    orphan = replace(result.findings[0], identity=None, id="orphan")
    lonely = replace(result, findings=(orphan,))
    entry = sarif(lonely, sarif_base=tmp_path, sarif_anchor="nhi-scan.toml")["runs"][0]["results"][0]
    assert entry["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "nhi-scan.toml",
        "uriBaseId": "%SRCROOT%",
    }


def test_limits_truncate_with_a_note(result: ScanResult) -> None:
    long = replace(result.findings[0], message="x" * 10_000, id="long")
    document = to_document(replace(result, findings=(long, *result.findings)), ReportOptions(), cap=2)
    run = document["runs"][0]
    assert len(run["results"]) == 2
    assert len(run["results"][0]["message"]["text"]) <= MAX_MESSAGE_CHARS
    assert "truncated" in run["results"][0]["message"]["text"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("left out" in n["message"]["text"] for n in notes)
    assert len(gzip.compress(json.dumps(document).encode())) < 10 * 1024 * 1024


def test_one_run_per_provider_scope(result: ScanResult) -> None:
    identity = result.inventory.identities[1]
    other = replace(identity, id=identity.id.replace("111122223333", "999988887777"), scope="999988887777")
    finding: Finding = replace(result.findings[0], identity=other.id, id="other-account")
    inventory = replace(
        result.inventory,
        identities=(*result.inventory.identities, other),
        scopes=(*result.inventory.scopes, (identity.provider, "999988887777")),
    )
    runs = sarif(replace(result, inventory=inventory, findings=(*result.findings, finding)))["runs"]
    assert [r["automationDetails"]["id"] for r in runs] == ["nhi-scan/aws/111122223333/", "nhi-scan/aws/999988887777/"]
    assert [r["partialFingerprints"]["primaryLocationLineHash"] for r in runs[1]["results"]] == ["other-account"]


def test_a_clean_scan_still_uploads_an_empty_run(result: ScanResult, shared_dir: Path) -> None:
    # GitHub closes fixed alerts only when a run of the same category arrives, even with no results.
    document = sarif(replace(result, findings=()))
    assert [len(r["results"]) for r in document["runs"]] == [0]
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema)
