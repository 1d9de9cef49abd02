"""Markdown, HTML and CSV: what a reviewer, a browser and a spreadsheet get."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from nhi_scan.model import ScanResult
from nhi_scan.reporters import ReportOptions, get_reporter
from nhi_scan.reporters.markdown import MAX_CHARS
from tests.reporters.estate import HOSTILE, scanned, with_path


def render(name: str, result: ScanResult, **options: object) -> str:
    stream = io.StringIO()
    get_reporter(name).write(result, ReportOptions(**options), stream)  # type: ignore[arg-type]
    return stream.getvalue()


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    return with_path(scanned(tmp_path_factory.mktemp("estate")))


def test_markdown_has_counts_table_and_collapsible_details(result: ScanResult) -> None:
    text = render("markdown", result)
    assert text.startswith(f"## nhi-scan: {len(result.findings)} findings")
    assert "| 🔴 critical | 🟠 high |" in text
    assert "| severity | check | identity | finding |" in text
    assert text.count("<details>") >= min(len(result.findings), 25)
    assert "ci-deploy" in text and "**Path**" in text and "CAN_PASS_ROLE" in text


def test_markdown_escapes_cells_and_stays_under_comment_limit(result: ScanResult) -> None:
    noisy = replace(result.findings[0], message="a | b <img src=x onerror=alert(1)> " + "word " * 400)
    many = tuple(replace(noisy, id=f"f{n}", subject=f"s{n}") for n in range(400))
    text = render("markdown", replace(result, findings=many))
    assert len(text) <= MAX_CHARS + 200
    assert "<img" not in text and "a \\| b" in text
    assert "more findings" in text


def test_html_is_self_contained_and_escaped(result: ScanResult) -> None:
    page = render("html", result)
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src\s*=", page, re.I)
    assert not re.search(r"<link[^>]+href\s*=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.I)
    assert "http://" not in page and "https://" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for section in ('id="summary"', 'id="findings-table"', 'id="inventory-table"', 'id="paths"', "<svg"):
        assert section in page
    assert page.count("<script>") == 1


def _script(page: str) -> str:
    match = re.search(r"<script>(.*?)</script>", page, re.S)
    assert match
    return match.group(1)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_html_script_is_valid_javascript(result: ScanResult, tmp_path: Path) -> None:
    script = tmp_path / "report.js"
    script.write_text(_script(render("html", result)))
    check = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, timeout=30, check=False)
    assert check.returncode == 0, check.stderr


def test_csv_one_row_per_finding_and_no_formulas(result: ScanResult) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", result))))
    assert len(rows) == len(result.findings)
    assert {r["id"] for r in rows} == {f.id for f in result.findings}
    owners = {r["owner"] for r in rows if r["identity_name"] == "etl-loader"}
    assert owners == {"'" + HOSTILE}
    path_row = next(r for r in rows if r["path"])
    assert path_row["path"].count("->") == 2 and path_row["status"] == "open"


def test_several_formats_to_an_output_dir(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from tests.reporters.estate import estate

    out = tmp_path / "out"
    done = run_cli(
        "scan",
        estate(tmp_path / "in"),
        "-f",
        "sarif,markdown",
        "-f",
        "html",
        "-f",
        "csv",
        "--output-dir",
        out,
        "--now",
        "2026-11-29T00:00:00Z",
        "-q",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["nhi-scan.csv", "nhi-scan.html", "nhi-scan.md", "nhi-scan.sarif"]
    both = run_cli("scan", tmp_path / "in", "-f", "json", "-f", "csv")
    assert both.returncode == 2 and "--output-dir" in both.stderr
    unknown = run_cli("scan", tmp_path / "in", "-f", "pdf")
    assert unknown.returncode == 2 and "pdf" in unknown.stderr


def test_the_terminal_table_lists_the_most_severe_findings_and_counts_the_rest(
    result: ScanResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tens of thousands of findings are no read on a terminal (and took rich 16 s to lay out at 10,000 SPs):
    without -v the table lists the first FINDING_ROWS, most severe first, and counts the rest by severity."""
    from nhi_scan.reporters import table

    counted = [f for f in result.findings if f.counted]
    assert len(counted) > 3
    monkeypatch.setattr(table, "FINDING_ROWS", 3)
    text = render("table", result, width=200)
    hidden = counted[3:]
    assert f"… {len(hidden):,} more findings (" in text and "use -v or -f json" in text
    assert all(f.check_id in text for f in counted[:3])
    worst = max(f.severity for f in hidden)
    assert f"{sum(1 for f in hidden if f.severity is worst):,} {worst.label}" in text
    verbose = render("table", result, width=200, verbose=True)
    assert "more findings" not in verbose
    assert verbose.count("fix:") == len(counted)
