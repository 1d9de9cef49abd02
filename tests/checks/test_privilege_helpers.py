"""The shared machinery of the over-privilege checks agrees with the full policy evaluation, and shares work."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.checks import CheckContext
from nhi_scan.checks.aws.unscoped_permissions_management import candidate_actions
from nhi_scan.checks.aws.unscoped_secret_access import CREDENTIAL_ACTIONS, DATA_ACTIONS
from nhi_scan.connectors.aws import AWS
from nhi_scan.policy.aws.permissions import ActionQuery, PrincipalPermissions
from nhi_scan.policy.aws.unscoped import Matcher, PolicySetMemo, StarStatement, star_statements, unscoped_actions
from nhi_scan.settings import Settings
from tests.escalation.accounts import Account, Analysis, allow, deny, document, scan_account

SOURCE_IP = {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}
Tangled = tuple[Analysis, list[str]]
EXTRA = ("s3:PutObject", "ec2:RunInstances", "iam:PassRole", "sts:AssumeRole", "logs:PutLogEvents")


def tangled_account() -> tuple[Account, list[str]]:
    """Roles whose permissions exercise every rule of an evaluation on "*"."""
    account = Account()
    boundary = account.policy("boundary", document(allow(["s3:*", "iam:*", "kms:*", "secretsmanager:*", "ssm:*"])))
    scp_like = account.policy(
        "guard", document(deny("iam:Create*", condition=SOURCE_IP), deny("kms:Decrypt"), deny("s3:PutBucket*"))
    )
    account.group("ops", allow(["ssm:GetParameter*", "iam:Attach*"]))
    roles = [
        account.role(
            "mixed",
            allow(["s3:*", "iam:Put*"]),
            allow("secretsmanager:GetSecretValue", condition=SOURCE_IP),
            allow("iam:CreateAccessKey", not_resource="arn:aws:iam::111122223333:user/admin"),
            deny("s3:PutBucketPolicy", "arn:aws:s3:::logs"),
            attached=[scp_like],
        ),
        account.role("bounded", allow(["s3:*", "ec2:*", "iam:*", "kms:*"]), boundary=boundary),
        account.role("denied-all", allow(None, not_action="iam:*"), deny(None, not_action=["s3:GetObject"])),
        account.role(
            "conditional-deny",
            allow("*:Get*"),
            deny("secretsmanager:*", condition={"Bool": {"aws:SecureTransport": "false"}}),
        ),
        account.user("ci-bot", allow("rds-db:connect", "arn:aws:rds-db:*:*:dbuser:*/app"), groups=["ops"], keys=1),
    ]
    return account, roles


@pytest.fixture(scope="module")
def tangled(tmp_path_factory: pytest.TempPathFactory) -> Tangled:
    account, roles = tangled_account()
    return scan_account(account, tmp_path_factory.mktemp("tangled")), roles


def permissions_of(analysis: Analysis, arn: str) -> PrincipalPermissions:
    assert analysis.aws is not None
    permissions = analysis.aws.permissions(arn)
    assert permissions is not None
    return permissions


@pytest.mark.parametrize("which", ["permissions-management", "secrets"])
def test_unscoped_actions_equal_full_evaluation_on_any_resource(
    tangled: tuple[Analysis, list[str]], which: str
) -> None:
    analysis, principals = tangled
    names = candidate_actions() if which == "permissions-management" else CREDENTIAL_ACTIONS + DATA_ACTIONS
    matcher = Matcher(ActionQuery.of((*names, *EXTRA)))
    checked = 0
    for arn in principals:
        permissions = permissions_of(analysis, arn)
        found = unscoped_actions(permissions, star_statements(permissions), matcher)
        for action in (*names, *EXTRA):
            evaluation = permissions.allows(action, "*")
            assert (action in found) == evaluation.decision.possible, (arn, action, evaluation.reason())
            if action in found:
                checked += 1
                assert found[action].decision is evaluation.decision, (arn, action)
                assert found[action].reason() == evaluation.reason(), (arn, action)
    assert checked > 20


def test_matcher_equals_statement_matching(tangled: Tangled) -> None:
    analysis, principals = tangled
    query = ActionQuery.of((*candidate_actions(), *CREDENTIAL_ACTIONS, *DATA_ACTIONS))
    matcher = Matcher(query)
    for arn in principals:
        for _, _, statement in permissions_of(analysis, arn).policy_set.entries:
            assert matcher(statement) == statement.matched_candidates(query.key)


def test_principals_with_the_same_statements_on_any_resource_share_one_result(tmp_path: Path) -> None:
    account = Account()
    shared = account.policy("shared", document(allow("s3:*"), allow("dynamodb:Query", "arn:aws:dynamodb:*:*:table/x")))
    roles = [
        account.role(
            f"app-{n}", allow("sqs:SendMessage", f"arn:aws:sqs:us-east-1:111122223333:q{n}"), attached=[shared]
        )
        for n in range(4)
    ]
    analysis = scan_account(account, tmp_path / "export")
    context = CheckContext(
        inventory=analysis.inventory,
        graph=analysis.graph,
        settings=Settings(),
        now=datetime(2026, 11, 29, tzinfo=UTC),
        analyses={AWS: analysis.aws} if analysis.aws else {},
    )
    calls: list[tuple[StarStatement, ...]] = []

    def compute(permissions: PrincipalPermissions, statements: tuple[StarStatement, ...]) -> int:
        calls.append(statements)
        return len(statements)

    memo = PolicySetMemo(context.graph.memo, compute)
    policy_sets = {id(permissions_of(analysis, arn).policy_set) for arn in roles}
    assert len(policy_sets) == 4  # each role has its own inline policy...
    assert {memo(permissions_of(analysis, arn)) for arn in roles} == {1}
    assert len(calls) == 1  # ...but the same statement on "*": computed once
