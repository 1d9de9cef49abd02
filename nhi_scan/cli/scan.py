"""`nhi-scan scan`: inventory and judge the identities in exported files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from nhi_scan.cli._common import err_console, parse_now, parse_severity
from nhi_scan.engine import run_scan
from nhi_scan.errors import UsageError
from nhi_scan.model import ScanResult, Severity
from nhi_scan.reporters import ReportOptions, all_reporters, get_reporter
from nhi_scan.settings import DEFAULT_OWNER_TAG_KEYS, Settings

EPILOG = """Examples:

  nhi-scan scan ./exports/

  nhi-scan scan authz.json credential-report.csv -f json -o report.json

  nhi-scan scan ./exports/ --fail-on high --now 2026-01-31T00:00:00Z

Exports: aws iam get-account-authorization-details > authz.json;
aws iam generate-credential-report; aws iam get-credential-report --query Content --output text | base64 -d > cr.csv

Exit codes: 0 no finding at/above --fail-on, 1 findings at/above it, 2 usage or input error."""


def exit_code(result: ScanResult, fail_on: Severity | None, strict: bool) -> int:
    if strict and not result.complete:
        return 2
    if fail_on is not None and any(f.severity >= fail_on for f in result.findings):
        return 1
    return 0


def _write(result: ScanResult, fmt: str, output: Path | None, verbose: bool) -> None:
    reporter = get_reporter(fmt)
    if output is None:
        stream: TextIO = sys.stdout
        options = ReportOptions(verbose=verbose, color=stream.isatty())
        reporter.write(result, options, stream)
        return
    try:
        with output.open("w", encoding="utf-8") as handle:
            reporter.write(result, ReportOptions(verbose=verbose), handle)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write report ({exc.strerror})") from None
    err_console.print(f"wrote {fmt} report to {output}")


def scan(
    inputs: Annotated[list[Path], typer.Argument(help="Export files or directories (searched recursively).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="Report format: table or json.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit 1 when a finding is at or above: critical, high, medium, low, info."),
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Judge ages at this ISO 8601 time instead of now.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show evidence and every identity.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when any input could not be used.")] = False,
    key_max_age: Annotated[
        int, typer.Option("--key-max-age", min=0, help="Days before an active key must be rotated.")
    ] = 90,
    key_unused_days: Annotated[
        int, typer.Option("--key-unused-days", min=0, help="Days without use that make a key unused.")
    ] = 90,
    identity_unused_days: Annotated[
        int, typer.Option("--identity-unused-days", min=0, help="Days without activity that make an identity unused.")
    ] = 90,
    owner_tags: Annotated[
        list[str] | None,
        typer.Option("--owner-tag", help="Tag key naming an owner (repeat; case-insensitive). Default: owner, team…"),
    ] = None,
) -> None:
    """Inventory the non-human identities in exported files and report what is wrong with them."""
    if fmt not in all_reporters():
        raise typer.BadParameter(f"unknown format {fmt!r} (choose from: {', '.join(sorted(all_reporters()))})")
    severity = parse_severity(fail_on)
    settings = Settings(
        key_max_age_days=key_max_age,
        key_unused_days=key_unused_days,
        identity_unused_days=identity_unused_days,
        owner_tag_keys=tuple(owner_tags) if owner_tags else DEFAULT_OWNER_TAG_KEYS,
    )
    show_progress = not quiet and err_console.is_terminal
    if show_progress:
        with err_console.status("scanning") as status:
            result = run_scan(inputs, settings=settings, now=parse_now(now), progress=status.update)
    else:
        result = run_scan(inputs, settings=settings, now=parse_now(now))
    if not quiet:
        for source in result.sources:
            if source.status.value == "error":
                err_console.print(f"[red]error:[/] {source.detail}", highlight=False)
    _write(result, fmt, output, verbose)
    raise typer.Exit(exit_code(result, severity, strict))


def register(app: typer.Typer) -> None:
    app.command(epilog=EPILOG)(scan)
