"""Baselines: the findings a team has already seen, so CI fails only on new risk.

Findings are matched by their fingerprint (``Finding.id``), which never includes times or positions, so a baseline
survives re-scans. A baseline file, or any nhi-scan JSON report, can be given to ``scan --baseline``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nhi_scan import __version__
from nhi_scan.errors import UsageError
from nhi_scan.model import ScanResult
from nhi_scan.timeutil import iso

BASELINE_KIND = "nhi-scan-baseline"
BASELINE_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    source: str
    ids: frozenset[str]


def baseline_document(result: ScanResult) -> dict[str, Any]:
    """Every finding that is not suppressed: a suppression that later expires must still resurface."""
    kept = [f for f in result.findings if f.suppressed is None]
    return {
        "kind": BASELINE_KIND,
        "version": BASELINE_VERSION,
        "tool": {"name": "nhi-scan", "version": __version__},
        "created": iso(result.now),
        "scopes": [{"provider": str(p), "scope": s} for p, s in result.inventory.scopes],
        "findings": [
            {"id": f.id, "check_id": f.check_id, "severity": f.severity.label, "subject": f.subject, "title": f.title}
            for f in kept
        ],
    }


def write_baseline(result: ScanResult, path: Path) -> int:
    document = baseline_document(result)
    try:
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot write baseline ({exc.strerror})") from None
    return len(document["findings"])


def load_baseline(path: Path) -> Baseline:
    """Read a baseline file or an nhi-scan JSON report; anything else is a one-line error."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{source}: no such baseline file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source}: cannot read baseline ({exc})") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    is_baseline = isinstance(data, dict) and data.get("kind") == BASELINE_KIND
    is_report = isinstance(data, dict) and isinstance(data.get("tool"), dict) and data["tool"].get("name") == "nhi-scan"
    if not (is_baseline or is_report) or not isinstance(data.get("findings"), list):
        raise UsageError(
            f"{source}: not an nhi-scan baseline or JSON report (make one with `nhi-scan baseline create`)"
        )
    if is_baseline and data.get("version") != BASELINE_VERSION:
        raise UsageError(f"{source}: baseline version {data.get('version')!r} is not supported (expected 1)")
    ids: set[str] = set()
    for index, entry in enumerate(data["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise UsageError(f"{source}: findings[{index}].id: expected a string fingerprint")
        if is_report and isinstance(entry.get("suppressed"), dict):
            continue  # a suppressed finding of a report is not "seen": it must resurface when the suppression ends
        ids.add(entry["id"])
    return Baseline(source=source, ids=frozenset(ids))
