"""Counts every reporter shows: findings by severity/category/provider, identities by kind and type."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nhi_scan.model import Category, Finding, IdentityKind, ScanResult, Severity


def shown_findings(result: ScanResult, show_suppressed: bool) -> tuple[Finding, ...]:
    """The findings a human-facing report lists: counted ones, plus accepted ones when asked for."""
    return result.findings if show_suppressed else tuple(f for f in result.findings if f.counted)


def summarize(result: ScanResult) -> dict[str, Any]:
    """Counts of the counted findings; suppressed and baselined ones are counted apart."""
    findings = [f for f in result.findings if f.counted]
    by_severity = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for finding in findings:
        by_severity[finding.severity.label] += 1
    by_category = {c.value: 0 for c in Category}
    for finding in findings:
        by_category[finding.category.value] += 1
    by_provider = Counter(str(f.provider) for f in findings)
    identities = result.inventory.identities
    principals = [i for i in identities if i.kind is not IdentityKind.GROUP]
    credentials = [c for i in identities for c in i.credentials]
    return {
        "by_severity": by_severity,
        "by_category": by_category,
        "by_provider": dict(sorted(by_provider.items())),
        "findings": len(findings),
        "suppressed": sum(1 for f in result.findings if f.suppressed is not None),
        "baselined": sum(1 for f in result.findings if f.baselined and f.suppressed is None),
        "identities": {
            "total": len(identities),
            "by_kind": dict(sorted(Counter(str(i.kind) for i in identities).items())),
            "machine": sum(1 for i in principals if i.machine),
            "human": sum(1 for i in principals if not i.machine),
        },
        "credentials": {
            "total": len(credentials),
            "active": sum(1 for c in credentials if c.active),
            "by_kind": dict(sorted(Counter(str(c.kind) for c in credentials).items())),
        },
    }
