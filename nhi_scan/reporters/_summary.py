"""Counts every reporter shows: findings by severity/category/provider, identities by kind and type."""

from __future__ import annotations

from collections import Counter
from typing import Any

from nhi_scan.model import Category, IdentityKind, ScanResult, Severity


def summarize(result: ScanResult) -> dict[str, Any]:
    findings = result.findings
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
