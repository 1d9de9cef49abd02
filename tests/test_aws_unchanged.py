"""AWS behind the provider seam gives the same JSON reports as before it (issue "Providers as plug-ins").

The golden report of ``sample_data/`` and the digest of the 10,000-principal benchmark account's report were taken
from main before the seam (commit 75914bf) and are compared byte for byte; only the scan's start time and the
benchmark's temporary directory are normalised. When a deliberate change alters a report, regenerate both with
``python -m tests.golden.regenerate`` and say why in the commit.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import ScanResult
from nhi_scan.reporters import ReportOptions, get_reporter

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
#: sha256 of the normalised JSON report of `bench/generate_aws.py --principals 10000 --seed 1` (regenerated when
#: the federation pass added the external-entry-point findings of its GitHub / EKS trusts).
BENCH_10K_SHA256 = "af775ae13cd69625e70fbc29d905a05cf67375938e92f93dcabf5fcdef29de76"


def json_report(result: ScanResult) -> str:
    stream = io.StringIO()
    get_reporter("json").write(replace(result, started=NOW), ReportOptions(), stream)
    return stream.getvalue()


def sample_report() -> str:
    """The report of `nhi-scan scan sample_data/aws -f json --now 2026-11-29T00:00:00Z`, run from the repository
    (the AWS sample; the golden was taken when it was all of sample_data/)."""
    return json_report(run_scan([Path("sample_data/aws")], now=NOW))


def bench_report(directory: Path) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate_aws import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generate(10_000, directory, seed=1)
    text = json_report(run_scan([directory], now=NOW, jobs=2))
    return text.replace(f"{directory}/", "<bench>/")


def test_sample_data_report_is_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    expected = (GOLDEN / "sample-report.json").read_text(encoding="utf-8")
    assert sample_report() == expected


def test_ten_thousand_principal_bench_report_is_byte_identical(tmp_path: Path) -> None:
    text = bench_report(tmp_path / "aws-10k")
    assert re.search(r'"by_provider": \{"aws": \d+\}', text)
    assert hashlib.sha256(text.encode()).hexdigest() == BENCH_10K_SHA256
