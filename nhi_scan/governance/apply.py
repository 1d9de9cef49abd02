"""Governance as a post-processing step over a ScanResult: the checks stay pure and unaware of it.

Disabled checks drop out, severities are overridden, accepted risks are marked suppressed and known ones
baselined. Nothing is removed from view: reports mark them, and only counted findings reach --fail-on.
"""

from __future__ import annotations

from dataclasses import replace

from nhi_scan.governance.baseline import Baseline
from nhi_scan.governance.config import Config, Suppression
from nhi_scan.model import Finding, ScanResult, SuppressionMark


def _mark(suppression: Suppression) -> SuppressionMark:
    return SuppressionMark(
        reason=suppression.reason,
        owner=suppression.owner,
        expires=suppression.expires,
        declared_in=suppression.declared_in,
    )


def _describe(suppression: Suppression) -> str:
    return (
        f"{suppression.declared_in} (check {suppression.check}, subject {suppression.subject}, "
        f"owner {suppression.owner})"
    )


def apply(result: ScanResult, config: Config, baseline: Baseline | None = None) -> ScanResult:
    """Return ``result`` with the configuration and the baseline applied; the day judged is ``result.now``."""
    today = result.now.date()
    active = [s for s in config.suppressions if not s.expired(today)]
    expired = [s for s in config.suppressions if s.expired(today)]
    used: set[int] = set()
    resurfaced: dict[int, int] = {}
    findings: list[Finding] = []
    for finding in result.findings:
        if not config.check_enabled(finding.check_id):
            continue
        if finding.check_id in config.severity:
            finding = replace(finding, severity=config.severity[finding.check_id])
        match = next((s for s in active if s.matches(finding)), None)
        if match is not None:
            used.add(id(match))
            finding = replace(finding, suppressed=_mark(match))
        else:
            for suppression in expired:
                if suppression.matches(finding):
                    resurfaced[id(suppression)] = resurfaced.get(id(suppression), 0) + 1
            if baseline is not None and finding.id in baseline.ids:
                finding = replace(finding, baselined=True)
        findings.append(finding)
    findings.sort(key=lambda f: (-f.severity, f.check_id, f.subject, f.id))
    warnings = list(result.warnings)
    for suppression in expired:
        count = resurfaced.get(id(suppression), 0)
        warnings.append(
            f"expired suppression: {_describe(suppression)} ended on {suppression.expires}; "
            f"{count} finding(s) it covered count again — renew it with a new reason or fix them"
        )
    for suppression in active:
        if id(suppression) not in used:
            warnings.append(f"unused suppression: {_describe(suppression)} matches no finding; remove it")
    return replace(result, findings=tuple(findings), warnings=tuple(warnings))
