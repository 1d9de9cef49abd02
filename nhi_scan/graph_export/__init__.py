"""Graph exports: the IdentityGraph for graph tools (Gephi, yEd, Neo4j, BloodHound), one module per format.

The graph is the one a scan judges (``engine.scan_with_graph``), so every edge the scan reasons over, escalation
edges and hubs included, is in the export, and nodes carry the scan's findings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TextIO

from nhi_scan import governance
from nhi_scan.discovery import iter_modules
from nhi_scan.engine import scan_with_graph
from nhi_scan.governance import Config
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


def build_graph(paths: Sequence[Path], *, config: Config, now: datetime | None = None, jobs: int = 1) -> ExportedGraph:
    """Scan ``paths`` as ``nhi-scan scan`` does (governance applied) and keep its graph; findings annotate nodes."""
    result, analysis = scan_with_graph(paths, settings=config.settings(), now=now, jobs=jobs)
    result = governance.apply(result, config)
    graph = analysis.graph
    return ExportedGraph(
        nodes=tuple(node_records(graph, result.findings)), edges=tuple(edge_records(graph)), result=result
    )
