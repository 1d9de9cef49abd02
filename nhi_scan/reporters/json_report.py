"""The JSON report: a stable, documented document for other tools (see README "JSON report")."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from nhi_scan import __version__
from nhi_scan.model import Credential, Finding, Identity, ScanResult, SuppressionMark
from nhi_scan.redact import redact_name, redact_text, redact_value
from nhi_scan.reporters._base import Reporter, ReportOptions
from nhi_scan.reporters._summary import summarize
from nhi_scan.timeutil import iso

SCHEMA_VERSION = "1.0"
#: Items encoded and written at a time.
_BATCH = 512


def credential_doc(credential: Credential) -> dict[str, Any]:
    return {
        "id": credential.id,
        "kind": str(credential.kind),
        "label": credential.label,
        "created": iso(credential.created),
        "last_rotated": iso(credential.last_rotated),
        "last_used": iso(credential.last_used),
        "last_used_service": credential.last_used_service,
        "last_used_region": credential.last_used_region,
        "never_used": credential.never_used,
        "expires": iso(credential.expires),
        "active": credential.active,
    }


def identity_doc(identity: Identity) -> dict[str, Any]:
    return {
        "id": identity.id,
        "provider": str(identity.provider),
        "kind": str(identity.kind),
        "name": identity.name,
        "scope": redact_name(identity.scope),
        "machine": identity.machine,
        "machine_reason": identity.machine_reason,
        "created": iso(identity.created),
        "last_used": iso(identity.last_used),
        "owner": redact_text(identity.owner, loose=True) if identity.owner else identity.owner,
        "tags": {k: redact_text(v, loose=True) for k, v in identity.tags.items()},
        "provider_managed": identity.provider_managed,
        "groups": list(identity.groups),
        "credentials": [credential_doc(c) for c in identity.credentials],
    }


def finding_doc(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.id,
        "check_id": finding.check_id,
        "title": finding.title,
        "severity": finding.severity.label,
        "category": str(finding.category),
        "provider": str(finding.provider),
        "subject": finding.subject,
        "identity": finding.identity,
        "message": finding.message,
        "evidence": dict(finding.evidence),
        "remediation": finding.remediation,
        "owasp_nhi": list(finding.owasp_nhi),
        "path": [{"from": h.source, "to": h.target, "edge": h.edge, "reason": h.reason} for h in finding.path],
        "suppressed": suppression_doc(finding.suppressed),
        "baselined": finding.baselined,
    }


def suppression_doc(mark: SuppressionMark | None) -> dict[str, str] | None:
    if mark is None:
        return None
    return {"reason": mark.reason, "owner": mark.owner, "expires": mark.expires.isoformat(), "rule": mark.declared_in}


def _head(result: ScanResult) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "nhi-scan", "version": __version__},
        "scan": {
            "started": iso(result.started),
            "now": iso(result.now),
            "complete": result.complete,
            "scopes": [{"provider": str(p), "scope": redact_name(s)} for p, s in result.inventory.scopes],
            "sources": [
                {"path": s.path, "kind": s.kind, "status": str(s.status), "detail": s.detail} for s in result.sources
            ],
            "errors": [s.detail for s in result.sources if s.failed],
            "warnings": list(result.warnings),
        },
        "summary": summarize(result),
    }


def to_document(result: ScanResult) -> dict[str, Any]:
    """The report as data, credential-shaped text redacted (as ``write`` does line by line)."""
    document = {
        **_head(result),
        "identities": [identity_doc(i) for i in result.inventory.identities],
        "findings": [finding_doc(f) for f in result.findings],
    }
    redacted: dict[str, Any] = redact_value(document)  # type: ignore[assignment]
    return redacted


def write(result: ScanResult, options: ReportOptions, stream: TextIO) -> None:
    """Pretty top level, one identity / finding per line: readable, diff-friendly, and written by the fast C
    encoder (an indented dump of 100k findings takes the pure-Python one many seconds). Identities and findings
    are turned into documents batch by batch, never all at once (a 100k-identity report is ~450 MB of text)."""
    encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps with options builds one a call
    lists: list[tuple[str, Sequence[Any], Callable[[Any], dict[str, Any]]]] = [
        ("identities", result.inventory.identities, identity_doc),
        ("findings", result.findings, finding_doc),
    ]
    stream.write("{\n")
    for key, value in _head(result).items():
        stream.write(f"  {encode(key)}: {redact_text(encode(value))},\n")
    for number, (key, items, document) in enumerate(lists):
        comma = "," if number < len(lists) - 1 else ""
        if not items:
            stream.write(f"  {encode(key)}: []{comma}\n")
            continue
        stream.write(f"  {encode(key)}: [\n")
        for start in range(0, len(items), _BATCH):
            last = start + _BATCH >= len(items)
            # one redaction pass over each batch's text (a match never spans a JSON string: no pattern takes a
            # quote or a backslash), instead of one per value
            lines = redact_text(",\n    ".join(encode(document(item)) for item in items[start : start + _BATCH]))
            stream.write(f"    {lines}{'' if last else ','}\n")
        stream.write(f"  ]{comma}\n")
    stream.write("}\n")


REPORTER = Reporter(name="json", description="stable JSON document for other tools", suffix=".json", write=write)
