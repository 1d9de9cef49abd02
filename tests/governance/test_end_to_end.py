"""The CI workflow as a user runs it: baseline, re-scan with one new risky machine user, expiring suppressions."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import NOW, RunCli
from tests.reporters.estate import NEW_USER, estate


def test_only_the_new_admin_machine_user_fails_the_build(tmp_path: Path, run_cli: RunCli) -> None:
    baseline = tmp_path / "baseline.json"
    made = run_cli("baseline", "create", estate(tmp_path / "before"), "-o", baseline, "--now", NOW)
    assert made.returncode == 0, made.stderr
    assert "wrote baseline of" in made.stderr
    unchanged = run_cli("scan", tmp_path / "before", "--baseline", baseline, "--fail-on", "low", "--now", NOW)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr

    after = estate(tmp_path / "after", new_admin=True)
    report = tmp_path / "report.json"
    rescan = run_cli(
        "scan", after, "--baseline", baseline, "--fail-on", "high", "--now", NOW, "-f", "json", "-o", report
    )
    assert rescan.returncode == 1, rescan.stderr
    document = json.loads(report.read_text())
    counted = [f for f in document["findings"] if not f["baselined"] and not f["suppressed"]]
    assert counted and {f["identity"] for f in counted} == {NEW_USER}
    assert {"machine-console-password", "credential-not-rotated"} <= {f["check_id"] for f in counted}
    assert document["summary"]["findings"] == len(counted)
    assert document["summary"]["baselined"] == len(document["findings"]) - len(counted) > 0

    table = run_cli("scan", after, "--baseline", baseline, "--now", NOW)
    assert "deploy-bot-2" in table.stdout and "baselined" in table.stdout
    assert "ci-deploy also" not in table.stdout
    shown = run_cli("scan", after, "--baseline", baseline, "--now", NOW, "--show-suppressed", "-v")
    assert "in the baseline" in shown.stdout


def test_expired_suppression_resurfaces(tmp_path: Path, run_cli: RunCli) -> None:
    export = estate(tmp_path / "in")
    config = tmp_path / "nhi-scan.toml"
    rule = """
[[suppressions]]
check = "root-access-key"
subject = "arn:aws:iam::111122223333:root"
reason = "break-glass key in the safe"
owner = "security@example.com"
expires = {expires}
"""
    config.write_text(rule.format(expires="2026-12-31"))
    held = run_cli("scan", export, "--fail-on", "critical", "--now", NOW, "-f", "json", cwd=tmp_path)
    assert held.returncode == 0, held.stderr
    root = next(f for f in json.loads(held.stdout)["findings"] if f["check_id"] == "root-access-key")
    assert root["suppressed"]["owner"] == "security@example.com"

    config.write_text(rule.format(expires="2026-11-01"))
    expired = run_cli("scan", export, "--fail-on", "critical", "--now", NOW, "-f", "json", cwd=tmp_path)
    assert expired.returncode == 1
    assert "expired suppression" in expired.stderr and "2026-11-01" in expired.stderr
    document = json.loads(expired.stdout)
    assert any(w.startswith("expired suppression") for w in document["scan"]["warnings"])
    root = next(f for f in document["findings"] if f["check_id"] == "root-access-key")
    assert root["suppressed"] is None
