"""Pieces shared by commands: the stderr console, option parsing helpers."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.console import Console

from nhi_scan.model import Severity
from nhi_scan.timeutil import parse_timestamp

err_console = Console(stderr=True, highlight=False)


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
