"""Pieces shared by commands: the stderr console, option parsing helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console

from nhi_scan.errors import UsageError
from nhi_scan.model import Severity
from nhi_scan.parallel import resolve_jobs
from nhi_scan.timeutil import parse_timestamp

err_console = Console(stderr=True, highlight=False)


#: ``--jobs``: how many processes may share the analysis of a large inventory.
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=0,
        help="Processes sharing the analysis of large inputs (1: none) [$NHI_SCAN_JOBS, else CPUs up to 4 on Linux].",
    ),
]


def parse_jobs(value: int | None) -> int:
    try:
        return resolve_jobs(value)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = parse_timestamp(value)
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 timestamp: {value!r} (e.g. 2026-01-31T00:00:00Z)") from None
    return moment.astimezone(UTC) if moment else None


def parse_severity(value: str | None) -> Severity | None:
    if value is None or value.lower() == "none":
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
