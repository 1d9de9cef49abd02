"""Escalation paths drawn as inline SVG: boxes for the principals, labelled arrows for the hops.

Drawn on the server side so the picture needs no script and no layout library; the full ids and the reasons are
in <title> elements (hover tooltips), the boxes show short names.
"""

from __future__ import annotations

import re
from html import escape

from nhi_scan.model import PathHop
from nhi_scan.reporters._text import visible

BOX_WIDTH = 190
BOX_HEIGHT = 40
GAP = 150
PAD = 10
MAX_LABEL = 26
MAX_EDGE_LABEL = 22


def short_name(node_id: str) -> str:
    """The readable tail of an ARN or resource path (``arn:aws:iam::1:role/x`` -> ``role/x``)."""
    tail = node_id.rsplit(":", 1)[-1] if node_id.startswith("arn:") else node_id
    parts = [p for p in re.split(r"/", tail) if p]
    text = "/".join(parts[-2:]) if len(parts) > 1 else (parts[0] if parts else node_id)
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _box(x: int, node_id: str, start: bool) -> str:
    node_id = visible(node_id)  # redacted and control characters shown before it is cut to a label
    css = "node start" if start else "node"
    return (
        f'<g class="{css}"><title>{escape(node_id)}</title>'
        f'<rect x="{x}" y="{PAD}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="6"></rect>'
        f'<text x="{x + BOX_WIDTH // 2}" y="{PAD + BOX_HEIGHT // 2 + 4}" text-anchor="middle">'
        f"{escape(short_name(node_id))}</text></g>"
    )


def _arrow(x: int, hop: PathHop) -> str:
    y = PAD + BOX_HEIGHT // 2
    end = x + GAP - 4
    edge, reason = visible(hop.edge), visible(hop.reason)
    label = edge if len(edge) <= MAX_EDGE_LABEL else edge[: MAX_EDGE_LABEL - 1] + "…"
    return (
        f'<g class="edge"><title>{escape(edge)}: {escape(reason)}</title>'
        f'<line x1="{x + 4}" y1="{y}" x2="{end - 8}" y2="{y}"></line>'
        f'<polygon points="{end - 10},{y - 5} {end},{y} {end - 10},{y + 5}"></polygon>'
        f'<text x="{x + GAP // 2}" y="{y - 8}" text-anchor="middle">{escape(label)}</text></g>'
    )


def path_svg(path: tuple[PathHop, ...]) -> str:
    """One row: source box, then an arrow and a box per hop."""
    if not path:
        return ""
    nodes = [path[0].source, *(hop.target for hop in path)]
    width = PAD * 2 + len(nodes) * BOX_WIDTH + len(path) * GAP
    height = PAD * 2 + BOX_HEIGHT
    parts = [f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    x = PAD
    for index, node in enumerate(nodes):
        parts.append(_box(x, node, start=index == 0))
        x += BOX_WIDTH
        if index < len(path):
            parts.append(_arrow(x, path[index]))
            x += GAP
    parts.append("</svg>")
    return "".join(parts)
