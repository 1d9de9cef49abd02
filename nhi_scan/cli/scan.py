"""`nhi-scan scan`: inventory and judge the identities in exported files."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from nhi_scan.cli._common import JobsOption, err_console, parse_jobs, parse_now, parse_severity
from nhi_scan.cli._governed import governed_scan, print_governance_warnings
from nhi_scan.cli._live import scan_inputs, with_live_options
from nhi_scan.errors import UsageError
from nhi_scan.governance import load_baseline, load_config
from nhi_scan.model import ScanResult, Severity
from nhi_scan.providers import all_providers
from nhi_scan.reporters import ReportOptions, all_reporters, get_reporter

_EXAMPLES = """Examples:

  nhi-scan scan ./exports/

  nhi-scan scan ./exports/ -f json -o report.json

  nhi-scan scan ./exports/ --fail-on high --now 2026-01-31T00:00:00Z

  nhi-scan scan ./exports/ -f sarif -f markdown -f html --output-dir reports/ --baseline baseline.json
"""

_FOOTER = """Configuration: nhi-scan.toml (or \\[tool.nhi-scan] in pyproject.toml) in the current directory, or
--config FILE.

Exit codes: 0 no counted finding at/above --fail-on, 1 counted findings at/above it, 2 usage or input error.
Suppressed and baselined findings are never counted."""


def _epilog() -> str:
    """The examples, each provider's own (live scan, how to export), then configuration and exit codes."""
    parts = [_EXAMPLES.rstrip("\n")]
    parts.extend(plugin.scan_help.strip("\n") for plugin in all_providers() if plugin.scan_help)
    return "\n\n".join([*parts, _FOOTER])


def exit_code(result: ScanResult, fail_on: Severity | None, strict: bool) -> int:
    if strict and not result.complete:
        return 2
    if fail_on is not None and any(f.counted and f.severity >= fail_on for f in result.findings):
        return 1
    return 0


def parse_formats(values: list[str] | None) -> list[str]:
    """``-f sarif -f html`` or ``-f sarif,html``; each known, each once."""
    names: list[str] = []
    for value in values or ["table"]:
        for name in (part.strip() for part in value.split(",") if part.strip()):
            if name not in all_reporters():
                choices = ", ".join(sorted(all_reporters()))
                raise typer.BadParameter(f"unknown format {name!r} (choose from: {choices})", param_hint="'-f'")
            if name not in names:
                names.append(name)
    return names


def _write(result: ScanResult, fmt: str, output: Path | None, options: ReportOptions, *, quiet: bool) -> None:
    reporter = get_reporter(fmt)
    if output is None:
        stream: TextIO = sys.stdout
        reporter.write(result, _with_color(options, stream.isatty()), stream)
        return
    try:
        with output.open("w", encoding="utf-8", errors="backslashreplace", newline="") as handle:
            reporter.write(result, options, handle)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write report ({exc.strerror})") from None
    if not quiet:
        err_console.print(f"wrote {fmt} report to {output}")


def _with_color(options: ReportOptions, color: bool) -> ReportOptions:
    return replace(options, color=color)


def _targets(formats: list[str], output: Path | None, output_dir: Path | None) -> list[tuple[str, Path | None]]:
    if output is not None and output_dir is not None:
        raise typer.BadParameter("give either -o FILE or --output-dir DIR, not both", param_hint="'--output-dir'")
    if output_dir is None:
        if len(formats) > 1:
            raise typer.BadParameter("several formats need --output-dir DIR", param_hint="'-f'")
        return [(formats[0], output)]
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{output_dir}: cannot create the output directory ({exc.strerror})") from None
    return [(fmt, output_dir / f"nhi-scan{get_reporter(fmt).suffix}") for fmt in formats]


def scan(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="Export files or directories (searched recursively).")
    ] = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="Report format (repeat or comma-separate for several): table, json, sarif, markdown, html, csv.",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")] = None,
    output_dir: Annotated[
        Path | None, typer.Option("--output-dir", help="Write each format to DIR/nhi-scan.<suffix>.")
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a counted finding is at or above: critical, high, medium, low, info (or none).",
        ),
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Judge ages at this ISO 8601 time instead of now.")] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="Show evidence, every identity and every finding (the table lists 500 without it)."
        ),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when any input could not be used.")] = False,
    key_max_age: Annotated[
        int | None, typer.Option("--key-max-age", min=0, help="Days before an active key must be rotated [90].")
    ] = None,
    key_unused_days: Annotated[
        int | None, typer.Option("--key-unused-days", min=0, help="Days without use that make a key unused [90].")
    ] = None,
    identity_unused_days: Annotated[
        int | None,
        typer.Option("--identity-unused-days", min=0, help="Days without activity that make an identity unused [90]."),
    ] = None,
    owner_tags: Annotated[
        list[str] | None,
        typer.Option("--owner-tag", help="Tag key naming an owner (repeat; case-insensitive). Default: owner, team…"),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Governance file (default: ./nhi-scan.toml or ./pyproject.toml).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Findings in this baseline (or JSON report) are not counted.")
    ] = None,
    show_suppressed: Annotated[
        bool, typer.Option("--show-suppressed", help="List suppressed and baselined findings too (marked).")
    ] = False,
    sarif_base: Annotated[
        Path | None, typer.Option("--sarif-base", help="SARIF: make input paths relative to DIR (default: cwd).")
    ] = None,
    sarif_anchor: Annotated[
        str | None,
        typer.Option("--sarif-anchor", help="SARIF: file a result points at when its input file is unknown."),
    ] = None,
    service_unused_days: Annotated[
        int | None,
        typer.Option("--service-unused-days", min=0, help="Days without use that make a granted service unused [90]."),
    ] = None,
    jobs: JobsOption = None,
    **live: Any,
) -> None:
    """Inventory the non-human identities in exported files and report what is wrong with them."""
    targets = _targets(parse_formats(fmt), output, output_dir)
    governance_config = load_config(config)
    severity = parse_severity(fail_on) if fail_on is not None else governance_config.fail_on
    settings = governance_config.settings(
        key_max_age_days=key_max_age,
        key_unused_days=key_unused_days,
        identity_unused_days=identity_unused_days,
        service_unused_days=service_unused_days,
        owner_tag_keys=tuple(owner_tags) if owner_tags else None,
    )
    known = load_baseline(baseline) if baseline is not None else None
    with scan_inputs(inputs, live, quiet=quiet) as paths:
        result = governed_scan(
            paths,
            config=governance_config,
            settings=settings,
            now=parse_now(now),
            baseline=known,
            quiet=quiet,
            jobs=parse_jobs(jobs),
        )
    if not quiet and targets != [("table", None)]:
        print_governance_warnings(result)
    base = sarif_base or governance_config.sarif_base_path()
    options = ReportOptions(
        verbose=verbose,
        show_suppressed=show_suppressed,
        sarif_base=base,
        sarif_anchor=sarif_anchor or governance_config.sarif_anchor,
        rule_severity=governance_config.severity,
    )
    for name, path in targets:
        _write(result, name, path, options, quiet=quiet)
    raise typer.Exit(exit_code(result, severity, strict))


def register(app: typer.Typer) -> None:
    app.command(epilog=_epilog())(with_live_options(scan))
