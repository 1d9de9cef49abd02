"""Contracts every registered check, reporter and input format must keep (they are found by discovery)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.checks import CheckContext, all_checks
from nhi_scan.connectors.formats import all_formats
from nhi_scan.engine import run_scan
from nhi_scan.graph import IdentityGraph
from nhi_scan.model import Inventory
from nhi_scan.reporters import ReportOptions, all_reporters
from nhi_scan.settings import Settings
from tests.aws.builders import credential_report, gaad, report_row, role, user, write_export

OWASP = re.compile(r"^NHI(10|[1-9]):2025$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.id)
def test_check_metadata_and_empty_inventory(check) -> None:  # type: ignore[no-untyped-def]
    assert SLUG.match(check.id)
    assert check.title and check.description and check.remediation
    assert check.owasp_nhi and all(OWASP.match(i) for i in check.owasp_nhi)
    context = CheckContext(
        inventory=Inventory(), graph=IdentityGraph(), settings=Settings(), now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert list(check.run(context)) == []


def test_formats_have_unique_names() -> None:
    names = [f.name for f in all_formats()]
    assert len(names) == len(set(names)) and "aws-gaad" in names


@pytest.mark.parametrize("name", sorted(all_reporters()))
def test_every_reporter_writes_a_result(name: str, tmp_path: Path) -> None:
    directory = write_export(
        tmp_path,
        authz=gaad(users=[user("ci-bot")], roles=[role("r", last_used=None)]),
        report=credential_report(report_row("ci-bot", key1=(True, "2020-01-01T00:00:00+00:00", "N/A"))),
    )
    result = run_scan([directory], now=datetime(2026, 11, 29, tzinfo=UTC))
    stream = io.StringIO()
    all_reporters()[name].write(result, ReportOptions(verbose=True), stream)
    assert "ci-bot" in stream.getvalue()
