"""`nhi-scan checks`: list every check with its id, severity, category and OWASP NHI ids."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from nhi_scan.checks import all_checks


def checks(fmt: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table") -> None:
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
    table = Table(title=f"{len(found)} checks")
    for column in ("id", "severity", "category", "OWASP NHI", "providers", "description"):
        table.add_column(column, overflow="fold")
    for c in found:
        table.add_row(
            c.id,
            c.severity.label,
            str(c.category),
            ", ".join(c.owasp_nhi),
            ("all (" if c.neutral else "") + ", ".join(str(p) for p in c.covers()) + (")" if c.neutral else ""),
            c.description,
        )
    Console(highlight=False).print(table)


def register(app: typer.Typer) -> None:
    app.command(epilog="Example: nhi-scan checks -f json")(checks)
