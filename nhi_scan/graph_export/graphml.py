"""GraphML for Gephi, yEd and Neo4j (``apoc.import.graphml`` with ``readLabels: true``).

Every attribute is declared with a ``<key>`` and a type; lists are flattened to ``;``-joined text because GraphML
has no list type. Nodes carry ``labels`` (":NHIIdentity:NHIAWSRole", read by APOC) and ``label`` (shown by Gephi
and yEd); edges carry ``label`` = the relationship type APOC creates.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TextIO

from nhi_scan.graph_export import ExportedGraph, GraphExporter
from nhi_scan.graph_export._records import Value
from nhi_scan.redact import redact_name
from nhi_scan.reporters._text import visible

NAMESPACE = "http://graphml.graphdrawing.org/xmlns"
SCHEMA = "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LIST_SEPARATOR = ";"
#: Characters XML 1.0 cannot carry at all.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    # as every report shows text: credential shapes redacted, control and bidirectional characters as escapes (ids
    # too, the same way everywhere, so edges still name their nodes)
    return _INVALID_XML.sub("", visible(redact_name(str(value))))


def _type(values: Iterable[Value]) -> str:
    kinds = {bool if isinstance(v, bool) else type(v) for v in values}
    if kinds == {bool}:
        return "boolean"
    if kinds == {int}:
        return "long"
    if kinds <= {int, float}:
        return "double"
    return "string"


def _declare(root: ET.Element, domain: str, rows: list[dict[str, Value]], prefix: str) -> dict[str, str]:
    names = sorted({name for row in rows for name in row})
    ids: dict[str, str] = {}
    for index, name in enumerate(names):
        key_id = f"{prefix}{index}"
        ids[name] = key_id
        values = [row[name] for row in rows if name in row]
        ET.SubElement(root, "key", {"id": key_id, "for": domain, "attr.name": name, "attr.type": _type(values)})
    return ids


def _data(element: ET.Element, keys: dict[str, str], row: dict[str, Value]) -> None:
    for name in sorted(row):
        ET.SubElement(element, "data", {"key": keys[name]}).text = _text(row[name])


def write(graph: ExportedGraph, stream: TextIO) -> None:
    root = ET.Element("graphml", {"xmlns": NAMESPACE, "xmlns:xsi": XSI, "xsi:schemaLocation": SCHEMA})
    node_rows = [
        {"labels": ":" + ":".join(n.kinds), "label": str(n.properties.get("name", n.id)), **n.properties}
        for n in graph.nodes
    ]
    edge_rows = [{"label": e.kind, **e.properties} for e in graph.edges]
    node_keys = _declare(root, "node", node_rows, "n")
    edge_keys = _declare(root, "edge", edge_rows, "e")
    body = ET.SubElement(root, "graph", {"id": "nhi-scan", "edgedefault": "directed"})
    for node, row in zip(graph.nodes, node_rows, strict=True):
        _data(ET.SubElement(body, "node", {"id": _text(node.id)}), node_keys, row)
    for index, (edge, row) in enumerate(zip(graph.edges, edge_rows, strict=True)):
        element = ET.SubElement(
            body, "edge", {"id": f"e{index}", "source": _text(edge.source), "target": _text(edge.target)}
        )
        _data(element, edge_keys, row)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")


EXPORTER = GraphExporter(name="graphml", description="GraphML (Gephi, yEd, Neo4j APOC)", suffix=".graphml", write=write)
