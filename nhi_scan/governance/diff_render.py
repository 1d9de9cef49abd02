"""The drift between two reports as a terminal table or as Markdown (for a PR comment or job summary)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from nhi_scan.governance.diff import Doc, ReportDiff

MAX_MARKDOWN_ROWS = 100


def _name(doc: Doc) -> str:
    return str(doc.get("name") or doc.get("identity_name") or doc.get("id"))


def _path(finding: Doc) -> str:
    hops = finding.get("path") or []
    if not hops:
        return ""
    names = [str(hops[0].get("from")), *(str(h.get("to")) for h in hops)]
    return " → ".join(names)


def _mark(finding: Doc) -> str:
    if finding.get("suppressed"):
        return " (suppressed)"
    return " (baselined)" if finding.get("baselined") else ""


def _sections(diff: ReportDiff) -> Iterable[tuple[str, list[str], list[list[str]]]]:
    """(title, columns, rows) of every non-empty change, most important first."""
    yield (
        "New findings",
        ["severity", "check", "finding"],
        [[f["severity"], f["check_id"], f"{f.get('message', '')}{_mark(f)}"] for f in diff.findings_new],
    )
    yield (
        "New escalation paths",
        ["severity", "check", "path"],
        [[f["severity"], f["check_id"], _path(f) or f.get("subject", "")] for f in diff.paths_new],
    )
    yield (
        "Resolved findings",
        ["severity", "check", "finding"],
        [[f["severity"], f["check_id"], f.get("message", "")] for f in diff.findings_resolved],
    )
    yield (
        "Identities added",
        ["identity", "kind", "id"],
        [[_name(i), str(i.get("kind")), i["id"]] for i in diff.identities_added],
    )
    yield (
        "Identities removed",
        ["identity", "kind", "id"],
        [[_name(i), str(i.get("kind")), i["id"]] for i in diff.identities_removed],
    )
    yield (
        "Keys rotated",
        ["identity", "kind", "old → new"],
        [
            [
                _name(r),
                str(r.get("kind")),
                f"{r['old_id']} ({r['old_last_rotated']}) → {r['new_id']} ({r['new_last_rotated']})",
            ]
            for r in diff.keys_rotated
        ],
    )
    yield (
        "Credentials added",
        ["identity", "kind", "id"],
        [[_name(c), str(c.get("kind")), c["id"]] for c in diff.credentials_added],
    )
    yield (
        "Credentials removed",
        ["identity", "kind", "id"],
        [[_name(c), str(c.get("kind")), c["id"]] for c in diff.credentials_removed],
    )


def _counts(diff: ReportDiff) -> str:
    return (
        f"{len(diff.findings_new)} new findings ({len(diff.paths_new)} escalation paths), "
        f"{len(diff.findings_resolved)} resolved; identities +{len(diff.identities_added)} "
        f"-{len(diff.identities_removed)}; credentials +{len(diff.credentials_added)} "
        f"-{len(diff.credentials_removed)}, {len(diff.keys_rotated)} keys rotated"
    )


def write_table(diff: ReportDiff, stream: TextIO, *, color: bool) -> None:
    console = Console(file=stream, force_terminal=color, no_color=not color, width=None if color else 160)
    console.print(f"[bold]nhi-scan diff[/] {escape(diff.old)} → {escape(diff.new)}")
    console.print(_counts(diff))
    for title, columns, rows in _sections(diff):
        if not rows:
            continue
        table = Table(title=f"{title} ({len(rows)})", title_justify="left")
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)


def _cell(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


def write_markdown(diff: ReportDiff, stream: TextIO) -> None:
    lines = [f"## nhi-scan diff: {len(diff.findings_new)} new findings", "", _counts(diff), ""]
    for title, columns, rows in _sections(diff):
        if not rows:
            continue
        lines += [f"### {title} ({len(rows)})", "", "| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows[:MAX_MARKDOWN_ROWS]]
        if len(rows) > MAX_MARKDOWN_ROWS:
            lines.append(f"\n_{len(rows) - MAX_MARKDOWN_ROWS} more: see `nhi-scan diff -f json`._")
        lines.append("")
    stream.write("\n".join(lines) + "\n")
