"""The bundled sample account: every planted path is found and no trap is flagged (sample_data/aws/README.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import ScanResult, Severity

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "aws"
PATH_CHECKS = ("admin-identity", "privilege-escalation")


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run_scan([SAMPLE], now=datetime(2026, 11, 29, tzinfo=UTC))


def outcome(result: ScanResult, name: str) -> dict[str, Severity]:
    return {
        f.check_id: f.severity
        for f in result.findings
        if f.check_id in PATH_CHECKS and f.identity and f.identity.rsplit("/", 1)[-1] == name
    }


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("ci-deploy", "privilege-escalation"),  # P1
        ("ecs-task-reports", "admin-identity"),  # P2: can grant itself anything
        ("key-rotator", "privilege-escalation"),  # P3
        ("jenkins-builder", "admin-identity"),  # P4
        ("github-actions-legacy", "admin-identity"),  # P4
        ("codebuild-northwind-app-service-role", "privilege-escalation"),  # P5
        ("deploy-bootstrap", "privilege-escalation"),  # P6
        ("github-actions-deploy", "privilege-escalation"),  # P7
    ],
)
def test_planted_paths_are_found_with_certainty(result: ScanResult, name: str, check: str) -> None:
    found = outcome(result, name)
    assert check in found, found
    assert found[check] >= Severity.HIGH


@pytest.mark.parametrize(
    "name",
    [
        "monitoring-agent",
        "release-bot",
        "legacy-cron",
        "support-tools",
        "etl-loader",
        "backup-sync",
        "AWSServiceRoleForSSO",
        "github-actions-terraform-plan",
    ],
)
def test_traps_are_not_flagged(result: ScanResult, name: str) -> None:
    assert outcome(result, name) == {}


def test_path_explains_each_hop(result: ScanResult) -> None:
    [finding] = [
        f
        for f in result.findings
        if f.check_id == "privilege-escalation" and f.identity and f.identity.endswith("/ci-deploy")
    ]
    first = finding.path[0]
    assert first.edge == "CAN_PASS_ROLE" and first.target.endswith("role/lambda-ops-admin")
    assert "iam:PassRole" in first.reason and "nw-ci-deploy" in first.reason
    assert finding.path[-1].target == "admin:aws:111122223333"
