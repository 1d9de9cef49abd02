"""A scan with the governance file and baseline applied: shared by `scan` and `baseline create`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from rich.markup import escape

from nhi_scan import governance
from nhi_scan.cli._common import err_console
from nhi_scan.cli._progress import scan_progress
from nhi_scan.engine import run_scan
from nhi_scan.errors import printable
from nhi_scan.governance import Baseline, Config
from nhi_scan.model import ScanResult
from nhi_scan.settings import Settings


def governed_scan(
    inputs: Sequence[Path],
    *,
    config: Config,
    settings: Settings,
    now: datetime | None,
    baseline: Baseline | None = None,
    quiet: bool = False,
    jobs: int = 1,
) -> ScanResult:
    """Run the engine, then governance over its result; report unusable inputs on stderr."""
    with scan_progress(quiet=quiet) as progress:
        result = run_scan(inputs, settings=settings, now=now, progress=progress, jobs=jobs)
    if not quiet:
        for source in result.sources:
            if source.failed:
                err_console.print(f"[red]error:[/] {escape(printable(source.detail))}", soft_wrap=True)
    return governance.apply(result, config, baseline)


def print_governance_warnings(result: ScanResult) -> None:
    """Expired and unused suppressions go to stderr too, so a CI log shows them whatever the format."""
    for warning in result.warnings:
        if warning.startswith(("expired suppression:", "unused suppression:")):
            err_console.print(f"[yellow]warning:[/] {escape(printable(warning))}", soft_wrap=True)
