"""`nhi-scan graph export`: the identity graph for Gephi, yEd, Neo4j (GraphML) or BloodHound (OpenGraph)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from nhi_scan.cli._common import JobsOption, err_console, parse_jobs, parse_now
from nhi_scan.errors import UsageError
from nhi_scan.governance import load_config
from nhi_scan.graph_export import all_exporters, build_graph

EPILOG = """Examples:

  nhi-scan graph export ./exports/ -f graphml -o nhi.graphml

  nhi-scan graph export ./exports/ -f opengraph -o nhi-opengraph.json

Neo4j: CALL apoc.import.graphml("nhi.graphml", {readLabels: true, storeNodeIds: true})
BloodHound CE: upload the OpenGraph file in Administration > File Ingest."""

graph_app = typer.Typer(name="graph", help="Export the identity graph for graph tools.", no_args_is_help=True)


@graph_app.command(epilog=EPILOG)
def export(
    inputs: Annotated[list[Path], typer.Argument(help="Export files or directories (searched recursively).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="graphml or opengraph.")] = "graphml",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the graph to this file.")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Governance file (default: ./nhi-scan.toml or ./pyproject.toml).")
    ] = None,
    now: Annotated[str | None, typer.Option("--now", help="Judge ages at this ISO 8601 time instead of now.")] = None,
    jobs: JobsOption = None,
) -> None:
    """Build the identity graph of INPUTS (as a scan does) and write it as GraphML or BloodHound OpenGraph."""
    exporters = all_exporters()
    if fmt not in exporters:
        choices = ", ".join(sorted(exporters))
        raise typer.BadParameter(f"unknown format {fmt!r} (choose from: {choices})", param_hint="'-f'")
    graph = build_graph(inputs, config=load_config(config), now=parse_now(now), jobs=parse_jobs(jobs))
    exporter = exporters[fmt]
    if output is None:
        exporter.write(graph, sys.stdout)
        return
    try:
        with output.open("w", encoding="utf-8", errors="backslashreplace") as handle:
            exporter.write(graph, handle)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write graph ({exc.strerror})") from None
    err_console.print(f"wrote {fmt} graph of {len(graph.nodes)} nodes and {len(graph.edges)} edges to {output}")


def register(app: typer.Typer) -> None:
    app.add_typer(graph_app)
