"""BloodHound OpenGraph JSON: load the identity graph into BloodHound CE and query attack paths there.

Node kinds and edge kinds carry an ``NHI`` prefix so they never collide with another collector's kinds; properties
are lowercase and primitive (or lists of primitives), as OpenGraph requires.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from nhi_scan.graph_export import ExportedGraph, GraphExporter
from nhi_scan.graph_export._records import edge_kind_name
from nhi_scan.redact import redact_name

SOURCE_KIND = "NHIScan"


def to_document(graph: ExportedGraph) -> dict[str, Any]:
    return {
        "metadata": {"source_kind": SOURCE_KIND},
        "graph": {
            "nodes": [
                {"id": redact_name(n.id), "kinds": list(n.kinds), "properties": n.properties} for n in graph.nodes
            ],
            "edges": [
                {
                    "kind": edge_kind_name(e.kind),
                    "start": {"match_by": "id", "value": redact_name(e.source)},
                    "end": {"match_by": "id", "value": redact_name(e.target)},
                    "properties": e.properties,
                }
                for e in graph.edges
            ],
        },
    }


def write(graph: ExportedGraph, stream: TextIO) -> None:
    json.dump(to_document(graph), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


EXPORTER = GraphExporter(name="opengraph", description="BloodHound OpenGraph JSON", suffix=".json", write=write)
