"""One self-contained HTML file: summary, sortable and filterable findings, identity inventory, escalation paths.

It loads nothing from the network (inline CSS and script, and a Content-Security-Policy that forbids anything
else), so it can be attached to a CI run or mailed, and opened anywhere. Every value from the scan is escaped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from html import escape
from typing import TextIO

from nhi_scan import __version__
from nhi_scan.model import Finding, Identity, IdentityKind, ScanResult, Severity
from nhi_scan.redact import redact_name, redact_text
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._clouds import hop_clouds, tag
from nhi_scan.reporters._html_assets import CSP, CSS, SCRIPT
from nhi_scan.reporters._summary import shown_findings, summarize
from nhi_scan.reporters._svg import path_svg
from nhi_scan.reporters._text import visible
from nhi_scan.timeutil import iso

#: Paths drawn at most; the JSON report has every one.
MAX_PATHS = 200


def _e(value: object) -> str:
    return escape(visible("" if value is None else str(value)), quote=True)


def _badge(severity: Severity) -> str:
    return f'<span class="sev sev-{severity.label}">{severity.label}</span>'


def _status(finding: Finding) -> str:
    if finding.suppressed is not None:
        return "suppressed"
    return "baselined" if finding.baselined else "open"


def _head(result: ScanResult) -> str:
    scopes = ", ".join(f"{p} {redact_name(s)}" for p, s in result.inventory.scopes) or "no scope"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>nhi-scan report: {_e(scopes)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header><h1>nhi-scan report</h1><p class="muted">{_e(scopes)} · judged at '
        f"{result.now:%Y-%m-%d %H:%M} UTC · nhi-scan {_e(__version__)}</p></header>\n"
    )


def _summary(result: ScanResult) -> str:
    summary = summarize(result)
    cards = [
        f'<div class="card"><b>{n}</b>{_badge(Severity.parse(name))}</div>'
        for name, n in summary["by_severity"].items()
    ]
    cards += [
        f'<div class="card"><b>{summary["suppressed"]}</b>suppressed</div>',
        f'<div class="card"><b>{summary["baselined"]}</b>baselined</div>',
        f'<div class="card"><b>{summary["identities"]["total"]}</b>identities ({summary["identities"]["machine"]} '
        "machine)</div>",
        f'<div class="card"><b>{summary["credentials"]["active"]}</b>active credentials</div>',
    ]
    parts = [f'<section id="summary"><h2>Summary: {summary["findings"]} findings</h2>']
    parts.append(f'<div class="cards">{"".join(cards)}</div>')
    errors = [s.detail for s in result.sources if s.failed]
    if errors:
        items = "".join(f"<li>{_e(e)}</li>" for e in errors)
        parts.append(f'<div class="error"><b>Incomplete scan</b>: these inputs could not be used<ul>{items}</ul></div>')
    parts += [f'<div class="warn">{_e(w)}</div>' for w in result.warnings]
    parts.append("</section>\n")
    return "".join(parts)


def _controls(table_id: str, *, severity: bool, status: bool) -> str:
    parts = [
        f'<div class="controls" data-filter-for="{table_id}">',
        '<input type="search" placeholder="Filter (any text)" aria-label="Filter rows">',
    ]
    if severity:
        options = "".join(
            f'<option value="{s.value}">{s.label} and above</option>' for s in sorted(Severity, reverse=True)
        )
        parts.append(
            f'<select class="severity" aria-label="Least severity"><option value="0" selected>any severity</option>'
            f"{options}</select>"
        )
    if status:
        parts.append(
            '<select class="status" aria-label="Status"><option value="">any status</option>'
            '<option value="open">open</option><option value="suppressed">suppressed</option>'
            '<option value="baselined">baselined</option></select>'
        )
    parts.append('<span class="shown muted"></span></div>')
    return "".join(parts)


def _finding_detail(finding: Finding, identities: dict[str, Identity]) -> str:
    parts = [f"<details><summary>evidence and fix</summary><p><b>Fix:</b> {_e(finding.remediation)}</p>"]
    if finding.evidence:
        parts.append(f"<pre>{_e(json.dumps(dict(finding.evidence), indent=2, default=str))}</pre>")
    if finding.path:
        clouds = hop_clouds(finding.path, identities)
        hops = "".join(
            f"<li><code>{_e(h.source)}</code>{_e(tag(clouds, n))} → <code>{_e(h.target)}</code>"
            f"{_e(tag(clouds, n + 1))} ({_e(h.edge)}: {_e(h.reason)})</li>"
            for n, h in enumerate(finding.path)
        )
        parts.append(f"<ol>{hops}</ol>")
    if finding.suppressed is not None:
        mark = finding.suppressed
        parts.append(
            f"<p><b>Suppressed</b> by {_e(mark.owner)} until {mark.expires}: {_e(mark.reason)} "
            f'<span class="muted">({_e(mark.declared_in)})</span></p>'
        )
    parts.append(f'<p class="muted">OWASP NHI: {_e(", ".join(finding.owasp_nhi))} · id {_e(finding.id)}</p>')
    parts.append("</details>")
    return "".join(parts)


def _findings(findings: Iterable[Finding], identities: dict[str, Identity]) -> str:
    rows = []
    for finding in findings:
        identity = identities.get(finding.identity or "")
        who = identity.name if identity else finding.subject
        status = _status(finding)
        css = ' class="accepted"' if status != "open" else ""
        rows.append(
            f'<tr{css} data-severity="{finding.severity.value}" data-status="{status}">'
            f'<td data-value="{finding.severity.value}">{_badge(finding.severity)}</td>'
            f"<td><code>{_e(finding.check_id)}</code></td>"
            f'<td data-value="{_e(who).lower()}">{_e(who)}<br><code class="muted">{_e(finding.subject)}</code></td>'
            f'<td data-value="{_e(finding.message).lower()}">{_e(finding.message)}'
            f"{_finding_detail(finding, identities)}</td>"
            f"<td>{status}</td></tr>"
        )
    body = "\n".join(rows) or '<tr data-severity="0" data-status="open"><td colspan="5">No findings.</td></tr>'
    return (
        '<section id="findings"><h2>Findings</h2>'
        + _controls("findings-table", severity=True, status=True)
        + '<table id="findings-table" class="sortable"><thead><tr><th data-type="number">Severity</th>'
        "<th>Check</th><th>Identity</th><th>Finding</th><th>Status</th></tr></thead>\n<tbody>\n"
        + body
        + "\n</tbody></table></section>\n"
    )


def _last_used(identity: Identity) -> datetime | None:
    moments = [identity.last_used, *(c.last_used for c in identity.credentials)]
    return max((m for m in moments if m is not None), default=None)


def _inventory(result: ScanResult) -> str:
    counts = Counter(f.identity for f in result.findings if f.counted)
    rows = []
    for identity in result.inventory.identities:
        if identity.kind is IdentityKind.GROUP:
            continue
        active = [c for c in identity.credentials if c.active]
        credentials = ", ".join(sorted(f"{c.kind}" for c in active)) or "-"
        last = iso(_last_used(identity)) or ""
        rows.append(
            f'<tr><td data-value="{_e(identity.name).lower()}">{_e(identity.name)}<br>'
            f'<code class="muted">{_e(identity.id)}</code></td>'
            f"<td>{_e(identity.kind)}</td><td>{_e(identity.provider)} {_e(redact_name(identity.scope))}</td>"
            f'<td>{"machine" if identity.machine else "human"}<br><span class="muted">{_e(identity.machine_reason)}'
            f"</span></td><td>{_e(redact_text(identity.owner or '-', loose=True))}</td><td>{_e(credentials)}</td>"
            f'<td data-value="{_e(last)}">{_e(last[:10] or "-")}</td>'
            f'<td data-value="{counts[identity.id]}">{counts[identity.id] or ""}</td></tr>'
        )
    return (
        '<section id="inventory"><h2>Identity inventory</h2>'
        + _controls("inventory-table", severity=False, status=False)
        + '<table id="inventory-table" class="sortable"><thead><tr><th>Identity</th><th>Kind</th><th>Scope</th>'
        '<th>Type</th><th>Owner</th><th>Active credentials</th><th>Last used</th><th data-type="number">Findings</th>'
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody></table></section>\n"
    )


def _paths(findings: Iterable[Finding]) -> str:
    with_paths = [f for f in findings if f.path]
    if not with_paths:
        return (
            '<section id="paths"><h2>Escalation paths</h2><p class="muted">No escalation paths found.</p></section>\n'
        )
    figures = [
        f"<figure><figcaption>{_badge(f.severity)} <code>{_e(f.check_id)}</code> {_e(f.message)}</figcaption>"
        f"{path_svg(f.path)}</figure>"
        for f in with_paths[:MAX_PATHS]
    ]
    more = len(with_paths) - len(figures)
    if more > 0:
        figures.append(f'<p class="muted">{more} more paths: see the JSON report.</p>')
    return f'<section id="paths"><h2>Escalation paths ({len(with_paths)})</h2>{"".join(figures)}</section>\n'


def render(result: ScanResult, options: ReportOptions) -> str:
    identities = {i.id: i for i in result.inventory.identities}
    findings = shown_findings(result, options.show_suppressed)
    return (
        _head(result)
        + _summary(result)
        + _findings(findings, identities)
        + _paths(findings)
        + _inventory(result)
        + f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    stream.write(render(result, options))


REPORTER = Reporter(name="html", description="one self-contained HTML file", suffix=".html", write=write)
