"""The HTML report of the sample estate in a real headless Chromium, driven over the DevTools protocol.

A person opens the file: the page must load with no console error and no request beyond the file itself, sort
when a column header is clicked, filter as they type, draw the escalation paths; the screenshot is what they see.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import ScanResult
from nhi_scan.reporters import ReportOptions, get_reporter
from nhi_scan.reporters.html import MAX_PATHS
from tests.reporters.cdp import Browser, find_browser

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 29, tzinfo=UTC)
BROWSER = find_browser()
ROWS = "Array.from(document.querySelectorAll('#findings-table tbody tr'))"
#: Set by .ci/run in CI, where the browser is installed: a missing browser is then a failure, not a skip.
REQUIRED = os.environ.get("NHI_SCAN_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(
    BROWSER is None and not REQUIRED, reason="no Chromium (/usr/bin/chromium): apt-get install chromium (.ci/run does)"
)


@pytest.fixture(scope="module")
def sample() -> ScanResult:
    return run_scan([ROOT / "sample_data"], now=NOW)


@pytest.fixture(scope="module")
def opened(sample: ScanResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Browser, Path]]:
    """The sample's report, loaded in a fresh browser profile with the console and network recorded."""
    assert BROWSER is not None, "NHI_SCAN_REQUIRE_BROWSER=1 but no Chromium at /usr/bin/chromium"
    where = tmp_path_factory.mktemp("browser")
    stream = io.StringIO()
    get_reporter("html").write(sample, ReportOptions(), stream)
    page = where / "nhi-scan.html"
    page.write_text(stream.getvalue(), encoding="utf-8")
    browser = Browser(BROWSER, where / "profile")
    try:
        for domain in ("Runtime", "Log", "Network", "Page"):
            browser.page(f"{domain}.enable")
        browser.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        browser.page("Page.navigate", url=page.as_uri())
        browser.wait_event("Page.loadEventFired")
        yield browser, page
    finally:
        browser.close()


def _problems(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Uncaught exceptions, console errors and warnings, and the browser's own error log (CSP refusals...)."""
    found = []
    for event in events:
        params = event.get("params", {})
        logged = event["method"] == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert")
        if logged or event["method"] == "Runtime.exceptionThrown":
            found.append(params)
        elif event["method"] == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(params["entry"])
    return found


def test_opens_without_console_error_or_network_request(opened: tuple[Browser, Path]) -> None:
    browser, page = opened
    assert _problems(browser.events) == []
    requested = [e["params"]["request"]["url"] for e in browser.events if e["method"] == "Network.requestWillBeSent"]
    assert requested == [page.as_uri()]
    assert browser.evaluate("document.title").startswith("nhi-scan")


def test_the_page_fits_the_window_and_check_ids_stay_whole(opened: tuple[Browser, Path]) -> None:
    browser, _ = opened
    width = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1]  # wide path drawings scroll in their own frame, not the page
    lines = browser.evaluate(
        "Array.from(document.querySelectorAll('#findings-table td:nth-child(2) code'), function (c) {"
        " return c.getClientRects().length; })"
    )
    assert lines and set(lines) == {1}  # each check id on one line, not cut as "service-un / used"


def test_clicking_a_header_sorts_the_rows(opened: tuple[Browser, Path], sample: ScanResult) -> None:
    browser, _ = opened
    checks = f"{ROWS}.map(function (r) {{ return r.cells[1].textContent.trim(); }})"
    before = browser.evaluate(checks)
    assert before == [f.check_id for f in sample.findings]  # as written: most severe first
    browser.click("#findings-table thead th:nth-child(2)")
    ascending = browser.evaluate(checks)
    assert ascending == sorted(before) != before
    assert browser.evaluate("document.querySelector('#findings-table thead th:nth-child(2)').ariaSort") == "ascending"
    browser.click("#findings-table thead th:nth-child(2)")
    assert browser.evaluate(checks) == sorted(before, reverse=True)


def test_typing_in_the_filter_hides_other_rows(opened: tuple[Browser, Path], sample: ScanResult) -> None:
    browser, _ = opened
    browser.type_into("[data-filter-for=findings-table] input[type=search]", "ci-deploy")
    rows = browser.evaluate(
        f"{ROWS}.map(function (r) {{ return [r.hidden, r.offsetHeight, r.textContent.toLowerCase()]; }})"
    )
    shown = [text for hidden, height, text in rows if not hidden and height > 0]
    hidden = [text for hidden, height, text in rows if hidden and height == 0]
    assert len(shown) + len(hidden) == len(rows) == len(sample.findings)
    own = [f for f in sample.findings if f.identity and f.identity.endswith(":user/ci-deploy")]
    assert len(own) <= len(shown) < len(rows)
    assert all("ci-deploy" in text for text in shown) and not any("ci-deploy" in text for text in hidden)
    counter = browser.evaluate("document.querySelector('[data-filter-for=findings-table] .shown').textContent")
    assert counter == f"{len(shown)} of {len(rows)} shown"


def test_escalation_paths_are_drawn(opened: tuple[Browser, Path], sample: ScanResult) -> None:
    browser, _ = opened
    drawn = browser.evaluate(
        "Array.from(document.querySelectorAll('#paths svg')).map(function (svg) {"
        " var box = svg.getBoundingClientRect(), content = svg.getBBox();"
        " return [box.width, box.height, content.width, content.height, svg.querySelectorAll('rect').length,"
        " svg.textContent]; })"
    )
    with_paths = [f for f in sample.findings if f.path]
    assert len(drawn) == min(len(with_paths), MAX_PATHS) > 0
    for width, height, content_width, content_height, boxes, _ in drawn:
        assert width > 0 and height > 0 and content_width > 0 and content_height > 0
        assert boxes >= 2  # a start and an end at least
    assert any("lambda-ops-admin" in text for *_, text in drawn)  # P1: ci-deploy -> lambda-ops-admin


def test_screenshot_is_a_png_of_the_page(opened: tuple[Browser, Path], tmp_path: Path) -> None:
    browser, _ = opened
    browser.evaluate("window.scrollTo(0, 0)")
    data = browser.screenshot(tmp_path / "report.png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 900)
    assert len(data) > 20_000  # a rendered page, not a blank frame
    assert (tmp_path / "report.png").read_bytes() == data
