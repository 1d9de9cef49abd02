"""`nhi-scan diff OLD.json NEW.json`: drift between two JSON reports; fails on new risk."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from nhi_scan.cli._common import err_console, parse_severity
from nhi_scan.errors import UsageError
from nhi_scan.governance.diff import ReportDiff, diff_reports, load_report
from nhi_scan.governance.diff_render import write_markdown, write_table

EPILOG = """Examples:

  nhi-scan diff last-week.json today.json

  nhi-scan diff main.json pr.json -f markdown --fail-on high >> "$GITHUB_STEP_SUMMARY"

Exit codes: 0 no new counted finding at/above --fail-on, 1 new findings at/above it, 2 usage or input error.
New findings the new report marks suppressed or baselined are listed but not counted."""

FORMATS = ("table", "json", "markdown")


def _render(diff: ReportDiff, fmt: str, stream: TextIO, color: bool) -> None:
    if fmt == "json":
        json.dump(diff.to_document(), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
    elif fmt == "markdown":
        write_markdown(diff, stream)
    else:
        write_table(diff, stream, color=color)


def diff(
    old: Annotated[Path, typer.Argument(help="The earlier nhi-scan JSON report.")],
    new: Annotated[Path, typer.Argument(help="The later nhi-scan JSON report.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or markdown.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the diff to this file.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit 1 when a new finding is at or above: critical, high, medium, low, info."),
    ] = None,
) -> None:
    """Compare two JSON reports: identities, credentials and keys, findings and escalation paths."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r} (choose from: {', '.join(FORMATS)})", param_hint="'-f'")
    severity = parse_severity(fail_on)
    result = diff_reports(load_report(old), load_report(new), old_name=str(old), new_name=str(new))
    if output is None:
        _render(result, fmt, sys.stdout, sys.stdout.isatty())
    else:
        try:
            with output.open("w", encoding="utf-8", errors="backslashreplace") as handle:
                _render(result, fmt, handle, False)
        except OSError as exc:
            raise UsageError(f"{output}: cannot write ({exc.strerror})") from None
        err_console.print(f"wrote {fmt} diff to {output}")
    failing = result.counted_new(severity) if severity is not None else []
    raise typer.Exit(1 if failing else 0)


def register(app: typer.Typer) -> None:
    app.command(epilog=EPILOG)(diff)
