"""The terminal report (rich): summary, machine-identity inventory, findings by severity, how to fix."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from nhi_scan import __version__
from nhi_scan.model import Credential, Identity, IdentityKind, ScanResult, Severity, Source, SourceStatus
from nhi_scan.providers import display_name
from nhi_scan.redact import redact_name, redact_text
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._clouds import hop_clouds, tag
from nhi_scan.reporters._summary import shown_findings, summarize
from nhi_scan.reporters._text import escape
from nhi_scan.timeutil import age_days

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
#: Skipped and unusable inputs listed one by one; the others are counted by reason.
LISTED_INPUTS = 10
#: Rows of the identity table shown without -v; the JSON report always has every identity.
IDENTITY_ROWS = 200
#: Rows of the findings table shown without -v, most severe first: 40,000 findings of a 10,000-SP tenant are no
#: read for a terminal, and rich takes 16 s to lay them out; the JSON report always has every finding.
FINDING_ROWS = 500


def _ago(moment: datetime | None, now: datetime) -> str:
    return "-" if moment is None else f"{age_days(moment, now)}d"


def _credential_cell(credential: Credential, now: datetime) -> str:
    state = "active" if credential.active else "inactive"
    used = "never used" if credential.never_used else f"used {_ago(credential.last_used, now)} ago"
    if credential.last_used is None and not credential.never_used:
        used = "use unknown"
    created = credential.last_rotated or credential.created
    return f"{escape(credential.label or str(credential.kind))} {state}, age {_ago(created, now)}, {used}"


def _reasons(sources: Sequence[Source]) -> str:
    """How many inputs were passed over for each reason (a directory of 20,000 stray files is one line)."""
    reasons = Counter(s.detail.removeprefix(f"{s.path}: ") for s in sources)
    shown = ", ".join(f"{n:,} {escape(reason)}" for reason, n in reasons.most_common(3))
    return (
        shown + (f", {len(reasons) - 3:,} other reasons" if len(reasons) > 3 else "") + " (-f json lists every input)"
    )


def _header(console: Console, result: ScanResult) -> None:
    scopes = ", ".join(f"{p} {redact_name(s)}" for p, s in result.inventory.scopes) or "no scope"
    console.print(f"[bold]nhi-scan {__version__}[/] — {escape(scopes)} — judged at {result.now:%Y-%m-%d %H:%M} UTC")
    used = [s for s in result.sources if s.read]
    skipped = [s for s in result.sources if s.status is SourceStatus.SKIPPED]
    errors = [s for s in result.sources if s.failed]
    console.print(f"inputs: {len(used)} used, {len(skipped)} skipped, {len(errors)} unusable")
    for source in skipped[:LISTED_INPUTS]:
        console.print(f"  [dim]skipped {escape(source.detail)}[/]")
    if len(skipped) > LISTED_INPUTS:
        console.print(
            f"  [dim]… and {len(skipped) - LISTED_INPUTS:,} more skipped: {_reasons(skipped[LISTED_INPUTS:])}[/]"
        )
    if errors:
        lines = "\n".join(escape(s.detail) for s in errors[:LISTED_INPUTS])
        if len(errors) > LISTED_INPUTS:
            lines += f"\n… and {len(errors) - LISTED_INPUTS:,} more (-f json lists every input)"
        console.print(Panel(lines, title="INCOMPLETE SCAN: these inputs could not be used", border_style="red"))
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")


def _summary(console: Console, result: ScanResult) -> None:
    summary = summarize(result)
    table = Table(title="Summary", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    kinds = ", ".join(f"{n} {k}" for k, n in summary["identities"]["by_kind"].items())
    table.add_row("identities", f"{summary['identities']['total']} ({kinds})")
    table.add_row("machine / human", f"{summary['identities']['machine']} / {summary['identities']['human']}")
    creds = summary["credentials"]
    cred_kinds = ", ".join(f"{n} {k}" for k, n in creds["by_kind"].items())
    table.add_row("credentials", f"{creds['total']} ({creds['active']} active; {cred_kinds or 'none'})")
    severities = "  ".join(
        f"[{SEVERITY_STYLE[Severity.parse(name)]}]{name} {count}[/]" for name, count in summary["by_severity"].items()
    )
    table.add_row("findings", f"{summary['findings']}  {severities}")
    console.print(table)


def _identities(console: Console, result: ScanResult, verbose: bool) -> None:
    machines = [i for i in result.inventory.identities if i.machine and i.kind is not IdentityKind.GROUP]
    if not machines:
        return
    shown = machines if verbose else machines[:IDENTITY_ROWS]
    findings_per_identity = Counter(f.identity for f in result.findings if f.counted)
    table = Table(title=f"Machine identities ({len(machines)})", show_lines=False)
    for column in ("identity", "kind", "why machine", "credentials", "last used", "owner", "findings"):
        table.add_column(column, overflow="fold")
    for identity in shown:
        table.add_row(*_identity_row(identity, result.now, findings_per_identity[identity.id]))
    console.print(table)
    if len(shown) < len(machines):
        console.print(f"[dim]… {len(machines) - len(shown)} more machine identities: use -v or -f json[/]")


def _agents(console: Console, result: ScanResult) -> None:
    """Identities AI agents run as (Bedrock agents, AgentCore runtimes...), with what runs as them."""
    agents = [i for i in result.inventory.identities if i.agent_reason]
    if not agents:
        return
    running: dict[str, list[str]] = {}
    for workload in result.inventory.workloads:
        running.setdefault(workload.identity_id, []).append(f"{workload.kind} {workload.name}")
    findings_per_identity = Counter(f.identity for f in result.findings if f.counted)
    table = Table(title=f"Agent identities ({len(agents)})")
    for column in ("identity", "kind", "why an agent identity", "runs", "findings"):
        table.add_column(column, overflow="fold")
    for identity in agents:
        runs = running.get(identity.id, [])
        table.add_row(
            escape(identity.name),
            str(identity.kind),
            escape(identity.agent_reason or ""),
            escape(", ".join(runs[:3]) + ("…" if len(runs) > 3 else "")) or "-",
            str(findings_per_identity[identity.id] or ""),
        )
    console.print(table)


def _identity_row(identity: Identity, now: datetime, findings: int) -> tuple[str, ...]:
    credentials = "\n".join(_credential_cell(c, now) for c in identity.credentials if c.kind.value != "password")
    has_password = any(c.kind.value == "password" and c.active for c in identity.credentials)
    if has_password:
        credentials = (credentials + "\n" if credentials else "") + "[red]console password[/]"
    last_used = identity.last_used or max((c.last_used for c in identity.credentials if c.last_used), default=None)
    return (
        escape(identity.name),
        str(identity.kind),
        escape(identity.machine_reason),
        credentials or "-",
        _ago(last_used, now) if last_used else ("never" if identity.last_used_known else "-"),
        escape(redact_text(identity.owner or "-", loose=True)),
        str(findings or ""),
    )


def _accepted_note(result: ScanResult, shown: int) -> str:
    suppressed = sum(1 for f in result.findings if f.suppressed is not None)
    baselined = sum(1 for f in result.findings if f.baselined and f.suppressed is None)
    if not suppressed and not baselined:
        return ""
    hidden = " (--show-suppressed lists them)" if shown < len(result.findings) else ""
    return f"[dim]{suppressed} suppressed, {baselined} baselined: not counted toward --fail-on{hidden}[/]"


def _findings(console: Console, result: ScanResult, verbose: bool, show_suppressed: bool = False) -> None:
    findings = shown_findings(result, show_suppressed)
    identities = {i.id: i for i in result.inventory.identities}
    note = _accepted_note(result, len(findings))
    if not findings:
        console.print("[green]No counted findings.[/]" if result.findings else "[green]No findings.[/]")
        if note:
            console.print(note)
        return
    listed = findings if verbose else findings[:FINDING_ROWS]
    table = Table(title=f"Findings ({len(findings)})", show_lines=verbose)
    table.add_column("severity")
    table.add_column("check")
    table.add_column("finding", overflow="fold")
    for finding in listed:
        text = escape(finding.message)
        if finding.suppressed is not None:
            mark = finding.suppressed
            text += f"\n[dim]suppressed until {mark.expires} by {escape(mark.owner)}: {escape(mark.reason)}[/]"
        elif finding.baselined:
            text += "\n[dim]in the baseline[/]"
        if verbose:
            evidence = json.dumps(dict(finding.evidence), indent=1, default=str)
            text += f"\n[dim]{escape(evidence)}[/]\n[green]fix:[/] {escape(finding.remediation)}"
            clouds = hop_clouds(finding.path, identities)
            for n, hop in enumerate(finding.path, start=1):
                where = escape(tag(clouds, n))
                text += f"\n  → {escape(hop.target)}{where} [dim]({escape(hop.edge)}: {escape(hop.reason)})[/]"
        table.add_row(f"[{SEVERITY_STYLE[finding.severity]}]{finding.severity.label}[/]", finding.check_id, text)
    console.print(table)
    if len(listed) < len(findings):
        rest = Counter(f.severity for f in findings[len(listed) :])
        counts = ", ".join(f"{rest[s]:,} {s.label}" for s in sorted(rest, reverse=True))
        console.print(f"[dim]… {len(findings) - len(listed):,} more findings ({counts}): use -v or -f json[/]")
    if note:
        console.print(note)
    if not verbose:
        console.print("[bold]How to fix[/] (-v shows the evidence of each finding)")
        seen: dict[tuple[str, str], str] = {}
        for finding in findings:
            seen.setdefault((finding.check_id, finding.remediation), display_name(finding.provider))
        clouds_per_check = Counter(check_id for check_id, _ in seen)
        for (check_id, remediation), cloud in seen.items():
            label = f"{check_id} ({cloud})" if clouds_per_check[check_id] > 1 else check_id
            console.print(f"  [bold]{escape(label)}[/]: {escape(remediation)}")


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    console = Console(
        file=stream,
        force_terminal=options.color,
        no_color=not options.color,
        width=options.width or (None if options.color else 160),
        highlight=False,
        emoji=False,  # ":secret:" in an ARN pattern is text, not an emoji code
    )
    _header(console, result)
    _summary(console, result)
    _identities(console, result, options.verbose)
    _agents(console, result)
    _findings(console, result, options.verbose, options.show_suppressed)


REPORTER = Reporter(name="table", description="readable terminal report", suffix=".txt", write=write)
