"""CSV: one row per finding, for spreadsheets and ticket imports.

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with a quote: identity names
and tags come from the cloud account and must not become code on an analyst's machine.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from nhi_scan.model import Finding, Identity, ScanResult
from nhi_scan.redact import redact_name, redact_text
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._summary import shown_findings
from nhi_scan.reporters._text import visible

COLUMNS = (
    "id",
    "severity",
    "check_id",
    "title",
    "category",
    "provider",
    "scope",
    "identity",
    "identity_name",
    "identity_kind",
    "owner",
    "subject",
    "message",
    "remediation",
    "owasp_nhi",
    "status",
    "suppression_reason",
    "suppression_owner",
    "suppression_expires",
    "evidence",
    "path",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str) -> str:
    value = visible(value)
    return "'" + value if value.lstrip(" ").startswith(_FORMULA_START) else value


def status(finding: Finding) -> str:
    if finding.suppressed is not None:
        return "suppressed"
    return "baselined" if finding.baselined else "open"


def row(finding: Finding, identity: Identity | None) -> list[str]:
    mark = finding.suppressed
    values = [
        finding.id,
        finding.severity.label,
        finding.check_id,
        finding.title,
        str(finding.category),
        str(finding.provider),
        redact_name(identity.scope) if identity else "",
        finding.identity or "",
        identity.name if identity else "",
        str(identity.kind) if identity else "",
        redact_text(identity.owner or "", loose=True) if identity else "",
        finding.subject,
        finding.message,
        finding.remediation,
        " ".join(finding.owasp_nhi),
        status(finding),
        mark.reason if mark else "",
        mark.owner if mark else "",
        mark.expires.isoformat() if mark else "",
        json.dumps(dict(finding.evidence), sort_keys=True, default=str) if finding.evidence else "",
        " -> ".join([finding.path[0].source, *(h.target for h in finding.path)]) if finding.path else "",
    ]
    return [safe(v) for v in values]


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    identities = {i.id: i for i in result.inventory.identities}
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for finding in shown_findings(result, options.show_suppressed):
        writer.writerow(row(finding, identities.get(finding.identity or "")))


REPORTER = Reporter(name="csv", description="one row per finding", suffix=".csv", write=write)
