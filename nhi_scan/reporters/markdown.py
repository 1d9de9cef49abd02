"""Markdown for a GitHub job summary ($GITHUB_STEP_SUMMARY) or a pull-request comment.

Counts first, then a table of the most severe findings, then collapsible evidence: a reviewer sees the risk at a
glance and opens only what they need. Output stays under GitHub's 65,536-character comment limit.
"""

from __future__ import annotations

import json
import re
from typing import TextIO

from nhi_scan import __version__
from nhi_scan.model import Finding, Identity, ScanResult, Severity
from nhi_scan.redact import redact_name
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._clouds import hop_clouds, tag
from nhi_scan.reporters._summary import shown_findings, summarize
from nhi_scan.reporters._text import visible

ICON = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}
TABLE_ROWS = 50
DETAIL_ROWS = 25
#: GitHub comments hold 65,536 characters; keep room for a wrapper the pipeline may add.
MAX_CHARS = 60_000


#: Inline Markdown an export's text could start (emphasis, code, links and images, strikethrough) shown as written;
#: an ``@`` as an entity, so a name cannot mention (notify) someone in the comment it is posted as.
_MARKUP = str.maketrans({**{c: "\\" + c for c in "\\`*_[]~"}, "@": "&#64;"})


def _html(text: str) -> str:
    """Text safe where Markdown is not read (an HTML block such as ``<summary>``): entities only."""
    return visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cell(text: str) -> str:
    """Text safe inside a table cell or a paragraph: no pipes, newlines, HTML or Markdown markup."""
    escaped = _html(text).translate(_MARKUP)
    return escaped.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def code(text: str) -> str:
    """A code span holding ``text`` as written: delimited by more backticks than any run inside it (a backtick in
    a name cannot close it early), pipes escaped for tables, on one line."""
    inner = visible(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fence(body: str, info: str = "") -> str:
    """A fenced block longer than any run of backticks in ``body``, which therefore cannot close it."""
    fence = "`" * max(3, max((len(run) for run in re.findall("`+", body)), default=0) + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def _status(finding: Finding) -> str:
    if finding.suppressed is not None:
        return f" _(suppressed until {finding.suppressed.expires})_"
    return " _(baselined)_" if finding.baselined else ""


def _who(finding: Finding, identities: dict[str, Identity]) -> str:
    identity = identities.get(finding.identity or "")
    return f"{identity.kind} {code(identity.name)}" if identity else code(finding.subject)


def _header(result: ScanResult) -> list[str]:
    summary = summarize(result)
    counts = summary["by_severity"]
    scopes = ", ".join(f"{p} {redact_name(s)}" for p, s in result.inventory.scopes) or "no scope"
    lines = [
        f"## nhi-scan: {summary['findings']} findings",
        "",
        f"{cell(scopes)} · judged at {result.now:%Y-%m-%d %H:%M} UTC · nhi-scan {__version__}",
        "",
        "| " + " | ".join(f"{ICON[Severity.parse(name)]} {name}" for name in counts) + " | suppressed | baselined |",
        "|" + " ---: |" * (len(counts) + 2),
        "| " + " | ".join(str(n) for n in counts.values()) + f" | {summary['suppressed']} | {summary['baselined']} |",
        "",
        f"**Identities:** {summary['identities']['total']} ({summary['identities']['machine']} machine, "
        f"{summary['identities']['human']} human) · **credentials:** {summary['credentials']['total']} "
        f"({summary['credentials']['active']} active)",
        "",
    ]
    errors = [s.detail for s in result.sources if s.failed]
    if errors:
        lines += ["> [!WARNING]", "> **Incomplete scan**: these inputs could not be used:"]
        lines += [f"> - {cell(e)}" for e in errors] + [""]
    if result.warnings:
        lines += ["<details><summary>Warnings</summary>", ""]
        lines += [f"- {cell(w)}" for w in result.warnings] + ["", "</details>", ""]
    return lines


def _table(findings: tuple[Finding, ...], identities: dict[str, Identity]) -> list[str]:
    shown = findings[:TABLE_ROWS]
    title = "Top findings" if len(findings) > len(shown) else "Findings"
    lines = [f"### {title}", "", "| severity | check | identity | finding |", "| --- | --- | --- | --- |"]
    for finding in shown:
        severity = f"{ICON[finding.severity]} {finding.severity.label}"
        lines.append(
            f"| {severity} | `{finding.check_id}` | {_who(finding, identities)} | "
            f"{cell(_clip(finding.message))}{_status(finding)} |"
        )
    if len(findings) > len(shown):
        lines.append(f"\n_{len(findings) - len(shown)} more findings: see the JSON, SARIF or HTML report._")
    return [*lines, ""]


def _detail(finding: Finding, identities: dict[str, Identity]) -> str:
    parts = [
        f"<details><summary>{ICON[finding.severity]} <b>{finding.severity.label}</b> · {_html(finding.check_id)} · "
        f"{_html(finding.subject)}</summary>",
        "",
        f"{cell(finding.message)}{_status(finding)}",
        "",
        f"**Identity:** {_who(finding, identities)} · **OWASP NHI:** {', '.join(finding.owasp_nhi)}",
        "",
    ]
    if finding.evidence:
        evidence = visible(json.dumps(dict(finding.evidence), indent=2, default=str))
        parts += ["**Evidence**", "", _fence(evidence, "json"), ""]
    if finding.path:
        parts += ["**Path**", ""]
        clouds = hop_clouds(finding.path, identities)
        parts += [
            f"{n}. {code(h.source)}{tag(clouds, n - 1)} → {code(h.target)}{tag(clouds, n)} ({h.edge}: {cell(h.reason)})"
            for n, h in enumerate(finding.path, start=1)
        ]
        parts.append("")
    if finding.suppressed is not None:
        mark = finding.suppressed
        parts += [f"**Suppressed** by {cell(mark.owner)} until {mark.expires}: {cell(mark.reason)}", ""]
    parts += [f"**Fix:** {cell(finding.remediation)}", "", "</details>", ""]
    return "\n".join(parts)


def render(result: ScanResult, options: ReportOptions) -> str:
    identities = {i.id: i for i in result.inventory.identities}
    findings = shown_findings(result, options.show_suppressed)
    lines = _header(result)
    if not findings:
        lines.append("✅ No findings.")
        return "\n".join(lines) + "\n"
    lines += _table(findings, identities)
    lines += ["### Details", ""]
    text = "\n".join(lines)
    shown = 0
    for finding in findings[:DETAIL_ROWS]:
        detail = _detail(finding, identities)
        if len(text) + len(detail) > MAX_CHARS:
            break
        text += "\n" + detail
        shown += 1
    if shown < len(findings):
        text += f"\n_Details of {len(findings) - shown} more findings are in the JSON and HTML reports._\n"
    return text


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    stream.write(render(result, options))


REPORTER = Reporter(
    name="markdown", description="Markdown for a GitHub job summary or PR comment", suffix=".md", write=write
)
