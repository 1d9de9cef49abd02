"""`nhi-scan checks`: list every check with its id, severity, category and OWASP NHI ids."""

from __future__ import annotations

import json
import shutil
import textwrap
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from nhi_scan.checks import all_checks
from nhi_scan.checks._base import Check


def checks(
    fmt: Annotated[str, typer.Option("--format", "-f", help="table (one block per check) or json")] = "table",
) -> None:
    """List every check nhi-scan runs."""
    found = all_checks()
    if fmt == "json":
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity.label,
                "category": str(c.category),
                "owasp_nhi": list(c.owasp_nhi),
                "providers": [str(p) for p in c.covers()],
                "neutral": c.neutral,
                "description": c.description,
                "remediation": c.remediation,
            }
            for c in found
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    if fmt != "table":
        raise typer.BadParameter(f"unknown format {fmt!r} (table or json)")
    _print_blocks(found)


#: Lines longer than this are hard to read even on a wide terminal.
_MAX_WIDTH = 100


def _wrap(text: str, width: int) -> list[str]:
    """Indented under the id; lines break at spaces only (never inside "PIM-eligible" or an id)."""
    return textwrap.wrap(
        text, width, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False, break_long_words=False
    )


def _print_blocks(found: Sequence[Check]) -> None:
    """One block per check, its text wrapped on words at the terminal width (80 columns when piped, or
    ``COLUMNS``): a table with six columns folded its descriptions a few letters a line."""
    console = Console(highlight=False, soft_wrap=True)
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, _MAX_WIDTH))
    console.print(f"{len(found)} checks")
    for c in found:
        clouds = ", ".join(str(p) for p in c.covers())
        facts = (
            c.severity.label,
            str(c.category),
            ", ".join(c.owasp_nhi),
            f"all clouds ({clouds})" if c.neutral else clouds,
        )
        console.print()
        console.print(Text(c.id, style="bold"))
        for line in _wrap(" · ".join(facts), width):
            console.print(Text(line, style="dim"))
        for line in _wrap(c.description, width):
            console.print(Text(line))


def register(app: typer.Typer) -> None:
    app.command(epilog="Example: nhi-scan checks -f json")(checks)
