"""Graph exports: the IdentityGraph for graph tools (Gephi, yEd, Neo4j, BloodHound), one module per format.

The graph is built exactly as a scan builds it (the engine's loader, parser and ``IdentityGraph.from_inventory``),
so every edge the scan reasons over, escalation edges included, is in the export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TextIO

from nhi_scan import governance
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.discovery import iter_modules
from nhi_scan.engine import parse_documents, run_checks
from nhi_scan.errors import InputError
from nhi_scan.governance import Config
from nhi_scan.graph import IdentityGraph
from nhi_scan.graph_export._records import EdgeRecord, NodeRecord, edge_records, node_records
from nhi_scan.model import ScanResult

__all__ = ["ExportedGraph", "GraphExporter", "all_exporters", "build_graph"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedGraph:
    nodes: tuple[NodeRecord, ...]
    edges: tuple[EdgeRecord, ...]
    result: ScanResult


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphExporter:
    name: str
    description: str
    suffix: str
    write: Callable[[ExportedGraph, TextIO], None]


@cache
def all_exporters() -> dict[str, GraphExporter]:
    found: dict[str, GraphExporter] = {}
    for module in iter_modules(__name__):
        exporter = getattr(module, "EXPORTER", None)
        if not isinstance(exporter, GraphExporter):
            raise TypeError(f"{module.__name__} has no EXPORTER of type GraphExporter")
        found[exporter.name] = exporter
    return found


def build_graph(paths: Sequence[Path], *, config: Config, now: datetime | None = None) -> ExportedGraph:
    """Load, parse and build the graph as ``engine.run_scan`` does; findings annotate the nodes."""
    started = datetime.now(UTC)
    moment = now or started
    settings = config.settings()
    loaded = load_inputs(paths)
    if not loaded.documents:
        detail = loaded.sources[0].detail if loaded.sources else "no files found"
        raise InputError(", ".join(str(p) for p in paths), f"no usable export ({detail})")
    inventory = parse_documents(loaded.documents, settings)
    graph = IdentityGraph.from_inventory(inventory)
    findings = run_checks(inventory, graph, settings, moment)
    result = ScanResult(
        started=started, now=moment, inventory=inventory, findings=tuple(findings), sources=tuple(loaded.sources)
    )
    result = governance.apply(result, config)
    return ExportedGraph(
        nodes=tuple(node_records(graph, result.findings)), edges=tuple(edge_records(graph)), result=result
    )
