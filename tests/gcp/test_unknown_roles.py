"""A role neither predefined nor exported grants nothing known, and the report says so (never a silent loss)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.engine import run_scan


def test_an_unknown_custom_role_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "projects" / "p1").mkdir(parents=True)
    members = ["serviceAccount:a@p1.iam.gserviceaccount.com"]
    policy = {"bindings": [{"role": "projects/p1/roles/notExported", "members": members}], "etag": "x"}
    (tmp_path / "projects" / "p1" / "iam-policy.json").write_text(json.dumps(policy), encoding="utf-8")
    result = run_scan([tmp_path], now=datetime(2026, 11, 29, tzinfo=UTC))
    assert any("projects/p1/roles/notExported" in w and "unknown" in w for w in result.warnings)
