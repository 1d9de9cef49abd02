"""Least privilege from usage (service-unused, suggest-policy) and NHI reuse, on small offline snapshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan.engine import run_scan
from nhi_scan.model import Finding, Severity
from nhi_scan.policy.aws import catalog
from tests.aws.builders import gaad, role, write_export
from tests.conftest import RunCli
from tests.live.documents import access_advisor, functions, instances, role_arn, service, trust_policy, write_files

NOW = "2026-11-29T00:00:00Z"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def _snapshot(tmp_path: Path, roles: list[dict[str, Any]], files: dict[str, Any]) -> Path:
    write_export(tmp_path, authz=gaad(roles=roles))
    return write_files(tmp_path, files)


def _findings(directory: Path, check: str) -> list[Finding]:
    result = run_scan([directory], now=datetime(2026, 11, 29, tzinfo=UTC))
    return [f for f in result.findings if f.check_id == check]


def _etl(tmp_path: Path) -> Path:
    advisor = access_advisor(
        role_arn("etl"),
        service("s3", "2026-11-20T00:00:00Z", CreateBucket="2026-11-20T00:00:00Z", DeleteBucket=None),
        service("ec2", "2025-01-01T00:00:00Z"),
        service("iam", None),
        service("logs", "2026-11-25T00:00:00Z"),
    )
    etl = role("etl", inline={"admin": ADMIN}, last_used="2026-11-28T00:00:00Z")
    return _snapshot(tmp_path, [etl], {"access-advisor/role-etl.json": advisor})


def test_granted_but_unused_services_are_reported(tmp_path: Path) -> None:
    [finding] = _findings(_etl(tmp_path), "service-unused")
    assert finding.severity is Severity.MEDIUM  # iam is among the unused services
    assert [u["service"] for u in finding.evidence["unused_services"]] == ["ec2", "iam"]
    assert finding.evidence["used_services"] == ["logs", "s3"]


def _passer(tmp_path: Path, actions: list[str]) -> Path:
    """A role allowed only ``actions`` on iam (and s3, which it uses); Access Advisor: iam never accessed."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:*", *actions], "Resource": "*"}],
    }
    advisor = access_advisor(role_arn("deploy"), service("s3", "2026-11-20T00:00:00Z"), service("iam", None))
    deploy = role("deploy", inline={"deploy": policy}, last_used="2026-11-28T00:00:00Z")
    return _snapshot(tmp_path, [deploy], {"access-advisor/role-deploy.json": advisor})


def test_a_service_granted_only_untracked_actions_is_not_called_unused(tmp_path: Path) -> None:
    # Access Advisor never records iam:PassRole: "iam never accessed" says nothing about a PassRole-only grant
    assert _findings(_passer(tmp_path, ["iam:PassRole"]), "service-unused") == []


def test_a_tracked_action_beside_passrole_makes_the_service_judgeable(tmp_path: Path) -> None:
    [finding] = _findings(_passer(tmp_path, ["iam:PassRole", "iam:CreateAccessKey"]), "service-unused")
    assert [u["service"] for u in finding.evidence["unused_services"]] == ["iam"]


def test_identities_using_nothing_or_too_young_are_left_to_other_checks(tmp_path: Path) -> None:
    idle = access_advisor(role_arn("idle"), service("s3", None), service("ec2", "2024-01-01T00:00:00Z"))
    young = access_advisor(role_arn("young"), service("s3", "2026-11-20T00:00:00Z"), service("ec2", None))
    roles = [role("idle"), role("young", created="2026-11-01T00:00:00Z")]
    files = {"access-advisor/role-idle.json": idle, "access-advisor/role-young.json": young}
    assert _findings(_snapshot(tmp_path, roles, files), "service-unused") == []


def test_suggest_policy_keeps_what_was_used(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("suggest-policy", _etl(tmp_path), "etl", "--now", NOW)
    assert result.returncode == 0, result.stderr
    policy = json.loads(result.stdout)
    [statement] = policy["Statement"]
    allowed = catalog.expand_all(statement["Action"])
    assert {"s3:createbucket", "s3:getobject", "logs:putlogevents", "iam:passrole"} <= allowed
    assert "s3:deletebucket" not in allowed  # tracked, never used
    assert not any(a.startswith(("ec2:", "iam:create")) for a in allowed)
    assert "iam:PassRole" in statement["Action"]
    assert statement["Resource"] == "*"
    assert "iam:PassRole is not tracked" in result.stderr


def test_suggest_policy_needs_usage_data_and_a_known_identity(tmp_path: Path, run_cli: RunCli) -> None:
    directory = _snapshot(tmp_path, [role("etl"), role("other")], {})
    missing = run_cli("suggest-policy", directory, "nobody")
    assert missing.returncode == 2 and "no such identity" in missing.stderr
    no_usage = run_cli("suggest-policy", directory, "other")
    assert no_usage.returncode == 2 and "no Access Advisor data" in no_usage.stderr


def test_one_role_on_an_instance_and_a_function_is_reused(tmp_path: Path) -> None:
    shared = role("shared", trust=trust_policy("ec2.amazonaws.com", "lambda.amazonaws.com"))
    shared["InstanceProfileList"] = [{"Arn": "arn:aws:iam::111122223333:instance-profile/shared", "Roles": []}]
    files = {
        "eu-west-1/ec2-instances.json": instances(("i-1", "shared", {}), ("i-2", "shared", {})),
        "eu-west-1/lambda-functions.json": functions(("resize", "shared"), ("solo", "alone")),
    }
    [finding] = _findings(_snapshot(tmp_path, [shared, role("alone")], files), "nhi-reuse")
    assert finding.subject == role_arn("shared") and finding.severity is Severity.MEDIUM
    assert finding.evidence["services"] == ["ec2", "lambda"] and finding.evidence["workload_count"] == 3


def test_the_application_of_an_aws_workload_comes_from_its_tags() -> None:
    from nhi_scan.connectors.aws.workloads import application_of

    assert application_of({"App": "billing"}) == "billing"
    assert application_of({"aws:cloudformation:stack-name": "web"}) == "web"
    assert application_of({"team": "x"}) is None
    assert application_of({}) is None
