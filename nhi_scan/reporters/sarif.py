"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

GitHub rejects a whole upload for one result without a location, so every result points at the input file that
defined its identity, or at an anchor file. Alerts are tracked by ``partialFingerprints`` taken from the finding
fingerprint, so they survive re-scans; GitHub's documented limits (runs per file, results per run, gzip size) are
kept by truncating, with a notification saying so.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from nhi_scan import __version__
from nhi_scan.checks import Check, all_checks
from nhi_scan.model import Finding, Identity, Provider, ScanResult, Severity
from nhi_scan.providers import display_name
from nhi_scan.redact import redact_name, redact_text, redact_value
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._summary import shown_findings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
#: GitHub maps > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
#: GitHub's limit is 10 MB gzip-compressed; keep a margin.
MAX_GZIP_BYTES = 9_500_000
MAX_MESSAGE_CHARS = 2_000
MAX_TAGS = 20
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "nhiScanFindingId/v1"

Scope = tuple[Provider, str]


def rule_name(check_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", check_id) if part)


def rule(check: Check, severity: Severity) -> dict[str, Any]:
    owasp = ", ".join(check.owasp_nhi)
    tags = ["security", str(check.category), *check.owasp_nhi, *(f"provider:{p}" for p in check.covers())]
    return {
        "id": check.id,
        "name": rule_name(check.id),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.description},
        "help": {
            "text": f"{check.description}\n\nRemediation: {check.remediation}\n\nOWASP NHI Top 10: {owasp}",
            "markdown": f"{check.description}\n\n**Remediation:** {check.remediation}\n\n**OWASP NHI Top 10:** {owasp}",
        },
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": {
            "tags": tags[:MAX_TAGS],
            "security-severity": SECURITY_SEVERITY[severity],
            "precision": "high",
        },
    }


def _finding_rule(finding: Finding) -> Check:
    """A rule for a finding whose check is not registered (kept valid rather than dropped)."""
    return Check(
        id=finding.check_id,
        title=finding.title,
        severity=finding.severity,
        category=finding.category,
        owasp_nhi=finding.owasp_nhi,
        description=finding.title,
        remediation=finding.remediation,
        run=lambda _: (),
        providers=(finding.provider,),
    )


class _Locator:
    """Input paths as artifact URIs: relative to the base directory when inside it, else absolute file URIs."""

    def __init__(self, base: Path, anchor: str) -> None:
        self.base = base.resolve()
        self.anchor = anchor
        self._uris: dict[str, dict[str, str]] = {}  # a few input files behind thousands of results

    def uri(self, path_text: str) -> dict[str, str]:
        found = self._uris.get(path_text)
        if found is None:
            found = self._uris[path_text] = self._uri(path_text)
        return dict(found)

    def _uri(self, path_text: str) -> dict[str, str]:
        path = Path(path_text)
        absolute = (path if path.is_absolute() else Path.cwd() / path).resolve()
        try:
            relative = absolute.relative_to(self.base)
        except ValueError:
            return {"uri": absolute.as_uri()}
        return {"uri": quote(relative.as_posix()), "uriBaseId": SRCROOT}

    def anchor_uri(self) -> dict[str, str]:
        """The anchor is a path in the repository: relative to the base directory unless absolute."""
        if Path(self.anchor).is_absolute():
            return self.uri(self.anchor)
        return {"uri": quote(Path(self.anchor).as_posix()), "uriBaseId": SRCROOT}

    def location(self, finding: Finding, identity: Identity | None) -> dict[str, Any]:
        sources = identity.sources if identity is not None else ()
        held = finding.evidence.get("file")  # a finding about an input file itself points at it
        sources = (held,) if isinstance(held, str) else sources
        artifact = self.uri(sources[0]) if sources else self.anchor_uri()
        name = identity.name if identity is not None else finding.subject
        return {
            "physicalLocation": {"artifactLocation": artifact},
            "logicalLocations": [{"name": name, "fullyQualifiedName": finding.subject, "kind": "resource"}],
        }


def _short(node_id: str) -> str:
    return re.split(r"[/:]", node_id.rstrip("/"))[-1] or node_id


def message(finding: Finding, identity: Identity | None) -> str:
    """The first sentence names the identity; long text is cut with a note."""
    if identity is not None:
        label = f"{identity.kind} {identity.name}" if identity.name != str(identity.kind) else str(identity.kind)
        head = f"{display_name(identity.provider)} {label} ({identity.id})."
    else:
        head = f"{finding.provider} resource {finding.subject}."
    text = f"{head} {finding.message}"
    if finding.path:
        hops = " → ".join([_short(finding.path[0].source), *(_short(h.target) for h in finding.path)])
        text += f" Path: {hops}."
    if len(text) > MAX_MESSAGE_CHARS:
        note = " … (truncated: the JSON report has the full text)"
        text = text[: MAX_MESSAGE_CHARS - len(note)] + note
    return text


def _result(
    finding: Finding, identity: Identity | None, index: int, locator: _Locator, baseline: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.check_id,
        "ruleIndex": index,
        "level": LEVEL[finding.severity],
        "message": {"text": redact_text(message(finding, identity))},
        "locations": [locator.location(finding, identity)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.id, "primaryLocationLineHash": finding.id},
        "properties": {
            "security-severity": SECURITY_SEVERITY[finding.severity],
            "severity": finding.severity.label,
            "category": str(finding.category),
            "subject": finding.subject,
            "identity": finding.identity,
            "owasp_nhi": list(finding.owasp_nhi),
            "remediation": finding.remediation,
            "evidence": dict(finding.evidence),
        },
    }
    if baseline:
        entry["baselineState"] = "unchanged" if finding.baselined else "new"
    if finding.suppressed is not None:
        mark = finding.suppressed
        entry["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{mark.reason} (owner {mark.owner}, expires {mark.expires}, {mark.declared_in})",
            }
        ]
    return entry


def _scope_of(finding: Finding, identity: Identity | None, scopes: Sequence[Scope]) -> Scope:
    if identity is not None:
        return (identity.provider, identity.scope)
    return next((s for s in scopes if s[0] == finding.provider), (finding.provider, "unknown"))


def _group(
    findings: Iterable[Finding], identities: dict[str, Identity], scopes: Sequence[Scope]
) -> dict[Scope, list[Finding]]:
    runs: dict[Scope, list[Finding]] = defaultdict(list)
    for finding in findings:
        identity = identities.get(finding.identity or "")
        runs[_scope_of(finding, identity, scopes)].append(finding)
    for scope in scopes:
        runs.setdefault(scope, [])
    if len(runs) > MAX_RUNS:  # too many accounts for one upload: one run per provider instead
        merged: dict[Scope, list[Finding]] = defaultdict(list)
        for (provider, _), items in runs.items():
            merged[(provider, "all")].extend(items)
        return merged
    return runs


def _notifications(result: ScanResult, dropped: int) -> list[dict[str, Any]]:
    notes = [{"level": "error", "message": {"text": s.detail}} for s in result.sources if s.failed]
    notes += [{"level": "warning", "message": {"text": w}} for w in result.warnings]
    if dropped:
        text = f"{dropped} lower-severity results left out to keep GitHub's SARIF limits; the JSON report has all"
        notes.append({"level": "warning", "message": {"text": text}})
    return notes


def to_document(
    result: ScanResult, options: ReportOptions, cap: int = MAX_RESULTS_PER_RUN, *, redact: bool = True
) -> dict[str, Any]:
    """The SARIF document; ``redact``: every string of it redacted (names, subjects, evidence, notes), not field by
    field (off only while its size is measured: redaction only shortens it)."""
    identities = {i.id: i for i in result.inventory.identities}
    checks = {c.id: c for c in all_checks()}
    findings = shown_findings(result, options.show_suppressed)
    for finding in findings:
        checks.setdefault(finding.check_id, _finding_rule(finding))
    ordered = sorted(checks)
    rules = [rule(checks[i], options.rule_severity.get(i, checks[i].severity)) for i in ordered]
    index = {check_id: n for n, check_id in enumerate(ordered)}
    used = [s for s in result.sources if s.read]
    anchor = options.sarif_anchor or (str(Path(used[0].path).resolve()) if used else "nhi-scan.toml")
    locator = _Locator(options.sarif_base or Path.cwd(), anchor)
    baseline = any(f.baselined for f in result.findings)
    runs = []
    for (provider, scope), items in sorted(_group(findings, identities, result.inventory.scopes).items()):
        scope = redact_name(scope)  # a name an export gave: a secret key pasted into it is not repeated
        kept, dropped = items[:cap], max(0, len(items) - cap)
        runs.append(
            {
                "tool": {
                    "driver": {
                        "name": "nhi-scan",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "automationDetails": {
                    "id": f"nhi-scan/{provider}/{scope}/",
                    "description": {"text": f"nhi-scan of {provider} {scope}"},
                },
                "originalUriBaseIds": {SRCROOT: {"uri": locator.base.as_uri() + "/"}},
                "invocations": [
                    {
                        "executionSuccessful": result.complete,
                        "toolExecutionNotifications": _notifications(result, dropped),
                    }
                ],
                "results": [
                    _result(f, identities.get(f.identity or ""), index[f.check_id], locator, baseline) for f in kept
                ],
                "properties": {"provider": str(provider), "scope": scope, "judged_at": result.now.isoformat()},
            }
        )
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": runs}
    if not redact:
        return document
    redacted: dict[str, Any] = redact_value(document)  # type: ignore[assignment]
    return redacted


def _gzip_size(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8", "surrogatepass"), compresslevel=6))


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    # One line by the C encoder (an indented dump takes the pure-Python one: 10 s for a 10,000-SP tenant's 67 MB),
    # redacted in one pass over the text, as the JSON report is (no credential shape spans a JSON string's quotes).
    encode = json.JSONEncoder(ensure_ascii=False).encode
    document = to_document(result, options, redact=False)
    text = encode(document)
    cap = max((len(run["results"]) for run in document["runs"]), default=0)
    while cap > 1 and _gzip_size(text) > MAX_GZIP_BYTES:
        cap = cap * 3 // 4
        text = encode(to_document(result, options, cap=cap, redact=False))
    stream.write(redact_text(text))
    stream.write("\n")


REPORTER = Reporter(name="sarif", description="SARIF 2.1.0 for GitHub code scanning", suffix=".sarif", write=write)
