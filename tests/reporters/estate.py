"""A small AWS estate for report and governance tests, scanned in-process or written for the real CLI."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.connectors.aws import AWS
from nhi_scan.engine import run_scan
from nhi_scan.model import Category, Finding, PathHop, ScanResult, Severity
from tests.aws.builders import ACCOUNT, credential_report, gaad, report_row, role, user, write_export

NOW = datetime(2026, 11, 29, tzinfo=UTC)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
NEW_USER = f"arn:aws:iam::{ACCOUNT}:user/deploy-bot-2"
#: An owner tag that is a spreadsheet formula and markup: reports must neutralise both.
HOSTILE = "=cmd|' /C calc'!A0 <script>alert(1)</script>"


def estate(directory: Path, *, new_admin: bool = False, rotated: str = "2025-01-01T00:00:00+00:00") -> Path:
    """ci-deploy (old key), a role never used, root with a key; ``new_admin`` adds a risky machine user."""
    users = [user("ci-deploy", tags={"owner": "platform"}), user("etl-loader", tags={"owner": HOSTILE})]
    rows = [
        report_row("<root_account>", key1=(True, "2026-11-01T00:00:00+00:00", "N/A")),
        report_row("ci-deploy", key1=(True, rotated, "2026-11-28T00:00:00+00:00")),
        report_row("etl-loader", key1=(True, "2020-01-01T00:00:00+00:00", "N/A")),
    ]
    if new_admin:
        users.append(user("deploy-bot-2", attached=[ADMIN]))
        rows.append(
            report_row(
                "deploy-bot-2",
                password=True,
                password_last_used="2026-11-20T00:00:00+00:00",
                key1=(True, "2024-01-01T00:00:00+00:00", "2026-11-27T00:00:00+00:00"),
            )
        )
    return write_export(
        directory,
        authz=gaad(users=users, roles=[role("worker", last_used=None)]),
        report=credential_report(*rows),
    )


def scanned(directory: Path, **kwargs: object) -> ScanResult:
    return run_scan([estate(directory, **kwargs)], now=NOW)  # type: ignore[arg-type]


def path_finding(result: ScanResult) -> Finding:
    """An escalation finding with hops, as the escalation checks will produce them."""
    ci = next(i for i in result.inventory.identities if i.name == "ci-deploy")
    target = f"arn:aws:iam::{ACCOUNT}:role/worker"
    return Finding(
        id="pathfinding00000001",
        check_id="credential-not-rotated",
        title="Path to admin",
        severity=Severity.CRITICAL,
        category=Category.PRIVILEGE_ESCALATION,
        provider=AWS,
        subject=ci.id,
        identity=ci.id,
        message="ci-deploy can become worker, which is admin of the account.",
        remediation="Remove iam:PassRole.",
        owasp_nhi=("NHI5:2025",),
        evidence={"policy": "deploy"},
        path=(
            PathHop(source=ci.id, target=target, edge="CAN_PASS_ROLE", reason="iam:PassRole on * in policy deploy"),
            PathHop(source=target, target=f"admin:{ACCOUNT}", edge="ADMIN_OF", reason="AdministratorAccess <b>"),
        ),
    )


def with_path(result: ScanResult) -> ScanResult:
    return replace(result, findings=(path_finding(result), *result.findings))
