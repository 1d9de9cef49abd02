"""`nhi-scan baseline create`: record today's findings so CI fails only on new ones."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nhi_scan.cli._common import JobsOption, err_console, parse_jobs, parse_now
from nhi_scan.cli._governed import governed_scan, print_governance_warnings
from nhi_scan.governance import load_config, write_baseline

EPILOG = """Examples:

  nhi-scan baseline create ./exports/ -o nhi-scan-baseline.json

  nhi-scan scan ./exports/ --baseline nhi-scan-baseline.json --fail-on high

Findings are matched by their fingerprint (check id + subject), never by position or time. Suppressed findings are
left out, so they resurface when their suppression expires."""

baseline_app = typer.Typer(
    name="baseline",
    help="Record the current findings so that only new ones fail a build.",
    no_args_is_help=True,
)


@baseline_app.command(epilog=EPILOG)
def create(
    inputs: Annotated[list[Path], typer.Argument(help="Export files or directories (searched recursively).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Write the baseline to this file.")],
    config: Annotated[
        Path | None, typer.Option("--config", help="Governance file (default: ./nhi-scan.toml or ./pyproject.toml).")
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Judge ages at this ISO 8601 time instead of now.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes on stderr.")] = False,
    jobs: JobsOption = None,
) -> None:
    """Scan INPUTS and write every finding that is not suppressed to a baseline file."""
    governance_config = load_config(config)
    result = governed_scan(
        inputs,
        config=governance_config,
        settings=governance_config.settings(),
        now=parse_now(now),
        quiet=quiet,
        jobs=parse_jobs(jobs),
    )
    if not quiet:
        print_governance_warnings(result)
    count = write_baseline(result, output)
    if not quiet:
        err_console.print(f"wrote baseline of {count} findings to {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(baseline_app)
