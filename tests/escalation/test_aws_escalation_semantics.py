"""What the escalation graph must make of IAM semantics: split permissions, Deny, NotAction / NotResource, resource
patterns on oneself, conditions, trust of the account root, own-type permissions, PassRole scoping, boundaries,
multi-hop chains, cross-account trust, humans and lateral movement. Each test builds a small account.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.escalation.aws.assume import HUB_MIN_CALLERS
from nhi_scan.graph import EdgeKind
from nhi_scan.model import Severity
from tests.conftest import RunCli
from tests.escalation.accounts import (
    ACCOUNT,
    ADMIN_POLICY,
    NOW,
    OTHER_ACCOUNT,
    Account,
    Analysis,
    allow,
    analyse,
    arn,
    deny,
    document,
    pass_role,
    root,
    scan_account,
    trusting,
    trusting_service,
)

LAMBDA = "lambda.amazonaws.com"
ADMIN_NODE = f"admin:aws:{ACCOUNT}"
CREATE_AND_INVOKE = allow(["lambda:CreateFunction", "lambda:InvokeFunction"])
PASS_TO_LAMBDA = "lambda-create-function-invoke"


def admin_function_role(account: Account, name: str = "fn-admin") -> str:
    """A role Lambda may assume that holds AdministratorAccess: passing it to a new function is admin."""
    return account.role(name, trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY])


def escalation(analysis: Analysis, subject: str) -> list[Any]:
    return analysis.findings_for(subject, "privilege-escalation")


def admin_finding(analysis: Analysis, subject: str) -> list[Any]:
    return analysis.findings_for(subject, "admin-identity")


def assert_certain_escalation(analysis: Analysis, subject: str, method: str = PASS_TO_LAMBDA) -> None:
    edges = analysis.edges(source=subject, method=method)
    assert edges and not any(e.conditional for e in edges), [e.method for e in analysis.edges(source=subject)]
    findings = escalation(analysis, subject)
    assert len(findings) == 1 and findings[0].severity is Severity.HIGH
    assert findings[0].evidence["conditional"] is False


def assert_no_escalation(analysis: Analysis, subject: str, method: str = PASS_TO_LAMBDA) -> None:
    assert not analysis.edges(source=subject, method=method)
    assert not analysis.findings_for(subject, "privilege-escalation", "admin-identity")


# --- permissions split across policies and groups ------------------------------------------------------------------


def test_permissions_split_across_an_inline_and_a_managed_policy(tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    passing = account.policy("pass-fn-admin", document(pass_role(target, LAMBDA)))
    attacker = account.role("attacker", CREATE_AND_INVOKE, attached=[passing])
    assert_certain_escalation(scan_account(account, tmp_path), attacker)


@pytest.mark.parametrize("half", ["inline-only", "managed-only"])
def test_either_half_of_a_split_permission_alone_gives_no_path(half: str, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    passing = account.policy("pass-fn-admin", document(pass_role(target, LAMBDA)))
    if half == "inline-only":
        attacker = account.role("attacker", CREATE_AND_INVOKE)
    else:
        attacker = account.role("attacker", attached=[passing])
    assert_no_escalation(scan_account(account, tmp_path), attacker)


@pytest.mark.parametrize("group_policy", ["group-inline", "group-managed"])
def test_permissions_split_across_a_group_and_the_users_inline_policy(group_policy: str, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    if group_policy == "group-inline":
        account.group("builders", CREATE_AND_INVOKE)
    else:
        account.group("builders", attached=[account.policy("lambda-builders", document(CREATE_AND_INVOKE))])
    attacker = account.user("attacker", pass_role(target, LAMBDA), groups=["builders"], keys=1)
    analysis = scan_account(account, tmp_path)
    assert_certain_escalation(analysis, attacker)
    assert "PassRole" in escalation(analysis, attacker)[0].path[0].reason


def test_joining_a_group_that_holds_the_passrole_half(tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    deployers = account.group("deployers", CREATE_AND_INVOKE, pass_role(target, LAMBDA))
    attacker = account.user("attacker", allow("iam:AddUserToGroup", deployers), keys=1)
    analysis = scan_account(account, tmp_path)
    [finding] = escalation(analysis, attacker)
    assert finding.severity is Severity.HIGH
    assert [(h.source, h.target, h.edge) for h in finding.path] == [
        (attacker, deployers, "MEMBER_OF"),
        (deployers, target, "CAN_PASS_ROLE"),
        (target, ADMIN_NODE, "ADMIN_OF"),
    ]
    assert finding.evidence["methods"] == ["iam-add-user-to-group", PASS_TO_LAMBDA, "admin-equivalent"]


def test_machine_user_admin_through_its_group(tmp_path: Path) -> None:
    account = Account()
    account.group("admins", attached=[ADMIN_POLICY])
    bot = account.user("ci-bot", keys=1, groups=["admins"])
    [finding] = admin_finding(scan_account(account, tmp_path), bot)
    assert finding.severity is Severity.CRITICAL


# --- explicit Deny -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["same-policy", "managed-policy", "group-inline", "group-managed"])
def test_explicit_deny_of_passrole_removes_the_path(where: str, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    refuse = deny("iam:PassRole", target)
    grants = [CREATE_AND_INVOKE, pass_role(target, LAMBDA)]
    attached, groups = [], []
    if where == "same-policy":
        grants.append(refuse)
    elif where == "managed-policy":
        attached.append(account.policy("no-pass", document(refuse)))
    elif where == "group-inline":
        account.group("restricted", refuse)
        groups.append("restricted")
    else:
        account.group("restricted", attached=[account.policy("no-pass", document(refuse))])
        groups.append("restricted")
    attacker = account.user("attacker", *grants, attached=attached, groups=groups, keys=1)
    analysis = scan_account(account, tmp_path)
    assert_no_escalation(analysis, attacker)
    assert not analysis.moves(attacker)


def test_deny_on_another_role_leaves_the_path(tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    attacker = account.role(
        "attacker", CREATE_AND_INVOKE, pass_role(target, LAMBDA), deny("iam:PassRole", arn("role", "x"))
    )
    assert_certain_escalation(scan_account(account, tmp_path), attacker)


def test_deny_only_policy_grants_nothing(tmp_path: Path) -> None:
    account = Account()
    admin_function_role(account)
    attacker = account.role("attacker", deny("*"), deny("iam:*"))
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker)
    assert not analysis.findings_for(attacker)


def test_deny_only_policy_next_to_administrator_access_removes_admin(tmp_path: Path) -> None:
    account = Account()
    fenced = account.policy("no-iam", document(deny(["iam:*", "sts:*"])))
    attacker = account.role("attacker", attached=[ADMIN_POLICY, fenced])
    control = account.role("control", attached=[ADMIN_POLICY])
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker)
    assert not analysis.findings_for(attacker)
    assert admin_finding(analysis, control)


# --- NotAction / NotResource ---------------------------------------------------------------------------------------


def test_not_action_excluding_one_harmless_action_is_admin(tmp_path: Path) -> None:
    account = Account()
    attacker = account.role("attacker", allow(None, not_action=["s3:GetObject"]))
    findings = admin_finding(scan_account(account, tmp_path), attacker)
    assert len(findings) == 1 and findings[0].severity is Severity.HIGH


def test_not_action_excluding_iam_grants_the_lambda_half_only(tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    power_user = allow(None, not_action=["iam:*", "organizations:*", "account:*"])
    alone = account.role("power-user", power_user)
    passing = account.role("power-user-passing", power_user, pass_role(target, LAMBDA))
    analysis = scan_account(account, tmp_path)
    assert not admin_finding(analysis, alone) and not analysis.edges(source=alone, method=PASS_TO_LAMBDA)
    assert_certain_escalation(analysis, passing)


@pytest.mark.parametrize(
    ("excluded", "reaches"), [("fn-admin", False), ("fn-app", True)], ids=["excludes-target", "excludes-another"]
)
def test_not_resource_on_passrole(excluded: str, reaches: bool, tmp_path: Path) -> None:
    account = Account()
    admin_function_role(account)
    attacker = account.role(
        "attacker", CREATE_AND_INVOKE, allow("iam:PassRole", None, not_resource=arn("role", excluded))
    )
    analysis = scan_account(account, tmp_path)
    if reaches:
        assert_certain_escalation(analysis, attacker)
    else:
        assert_no_escalation(analysis, attacker)


def test_deny_with_not_resource_keeps_only_the_excepted_role(tmp_path: Path) -> None:
    account = Account()
    admin_function_role(account)
    app = account.role("fn-app", trust=trusting_service(LAMBDA))
    attacker = account.role(
        "attacker", CREATE_AND_INVOKE, allow("iam:PassRole"), deny("iam:PassRole", None, not_resource=app)
    )
    analysis = scan_account(account, tmp_path)
    assert {e.target for e in analysis.edges(source=attacker, method=PASS_TO_LAMBDA)} == {app}
    assert not escalation(analysis, attacker)


# --- self-modification limited by resource patterns ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "admin"),
    [
        ("arn:aws:iam::111122223333:role/attacker", True),
        ("arn:aws:iam::111122223333:role/att*", True),
        ("arn:aws:iam::111122223333:role/*", True),
        ("arn:aws:iam::111122223333:role/other-*", False),
        ("arn:aws:iam::444455556666:role/attacker", False),
        ("arn:aws:iam::111122223333:user/attacker", False),
    ],
)
def test_role_editing_its_own_policy_only_when_the_pattern_matches_its_arn(
    pattern: str, admin: bool, tmp_path: Path
) -> None:
    account = Account()
    attacker = account.role("attacker", allow("iam:PutRolePolicy", pattern))
    analysis = scan_account(account, tmp_path)
    edges = analysis.edges(source=attacker, method="iam-put-role-policy")
    assert bool(edges) is admin
    assert bool(admin_finding(analysis, attacker)) is admin
    if admin:
        assert edges[0].target == ADMIN_NODE and not edges[0].conditional


def test_user_editing_its_own_policy_through_the_username_variable(tmp_path: Path) -> None:
    account = Account()
    attacker = account.user("attacker", allow("iam:PutUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
    other = account.user("bystander", allow("iam:PutUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/attacker"))
    analysis = scan_account(account, tmp_path)
    assert admin_finding(analysis, attacker)
    assert not admin_finding(analysis, other) and not analysis.edges(source=other, method="iam-put-user-policy")


@pytest.mark.parametrize(("own", "admin"), [(True, True), (False, False)], ids=["own-policy", "other-policy"])
def test_create_policy_version_only_on_its_own_attached_policy(own: bool, admin: bool, tmp_path: Path) -> None:
    account = Account()
    unrelated = account.policy("unrelated", document(allow("s3:GetObject")))
    own_arn = arn("policy", "worker")
    aimed = own_arn if own else unrelated
    worker = account.policy("worker", document(allow("iam:CreatePolicyVersion", aimed)))
    attacker = account.role("attacker", attached=[worker])
    analysis = scan_account(account, tmp_path)
    assert bool(analysis.edges(source=attacker, method="iam-create-policy-version")) is admin
    assert bool(admin_finding(analysis, attacker)) is admin


def test_aws_managed_policy_is_not_a_self_policy_target(tmp_path: Path) -> None:
    account = Account()
    read_only = account.aws_policy("ReadOnlyAccess", document(allow("s3:Get*")))
    attacker = account.role("attacker", allow("iam:CreatePolicyVersion"), attached=[read_only])
    analysis = scan_account(account, tmp_path)
    assert not analysis.edges(source=attacker, method="iam-create-policy-version")
    assert not admin_finding(analysis, attacker)


# --- conditions ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "outcome"),
    [
        ({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, "certain"),
        ({"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}, "none"),
        ({"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}, "certain"),
        ({"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}}, "none"),
        ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "conditional"),
        ({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, "conditional"),
    ],
    ids=["after-2020", "before-2020", "own-account", "other-account", "source-ip", "mfa"],
)
def test_condition_on_the_passrole_statement(condition: dict[str, Any], outcome: str, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    attacker = account.role("attacker", CREATE_AND_INVOKE, allow("iam:PassRole", target, condition=condition))
    analysis = scan_account(account, tmp_path)
    edges = analysis.edges(source=attacker, method=PASS_TO_LAMBDA)
    findings = escalation(analysis, attacker)
    if outcome == "none":
        assert not edges and not findings
    elif outcome == "certain":
        assert_certain_escalation(analysis, attacker)
    else:
        assert edges and all(e.conditional for e in edges)
        assert len(findings) == 1 and findings[0].severity is Severity.MEDIUM
        assert findings[0].evidence["conditional"] is True
        assert "if what cannot be seen offline holds" in findings[0].message


def test_unknown_condition_on_admin_makes_a_medium_admin_finding(tmp_path: Path) -> None:
    account = Account()
    attacker = account.role("attacker", allow("*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    findings = admin_finding(scan_account(account, tmp_path), attacker)
    assert len(findings) == 1 and findings[0].severity is Severity.MEDIUM


# --- trust of the account root -------------------------------------------------------------------------------------


@pytest.mark.parametrize("holder", ["nobody", "named", "wildcard"])
def test_role_trusting_the_account_root_needs_someone_holding_sts_assume_role(holder: str, tmp_path: Path) -> None:
    account = Account()
    vault = account.role("vault", trust=trusting(root()), attached=[ADMIN_POLICY])
    statements = {"nobody": [allow("s3:ListAllMyBuckets")], "named": [allow("sts:AssumeRole", vault)]}
    statements["wildcard"] = [allow("sts:AssumeRole")]
    caller = account.role("caller", *statements[holder])
    analysis = scan_account(account, tmp_path)
    into_vault = [e for e in analysis.graph.edges() if e.target == vault and e.kind is EdgeKind.CAN_ASSUME]
    if holder == "nobody":
        assert not into_vault
        assert not escalation(analysis, caller)
        return
    assert into_vault
    findings = escalation(analysis, caller)
    assert len(findings) == 1 and findings[0].severity is Severity.HIGH
    path = findings[0].path
    assert [(h.source, h.target, h.edge) for h in path] == [
        (caller, vault, "CAN_ASSUME"),
        (vault, ADMIN_NODE, "ADMIN_OF"),
    ]
    assert "sts:AssumeRole" in path[0].reason


# --- permissions that only work on the principal's own type --------------------------------------------------------


def test_role_holding_user_policy_actions_cannot_use_them_on_itself(tmp_path: Path) -> None:
    account = Account()
    attacker = account.role(
        "attacker", allow(["iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPermissionsBoundary"])
    )
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker)
    assert not analysis.findings_for(attacker, "admin-identity", "privilege-escalation")


def test_user_holding_role_policy_actions_cannot_use_them_on_itself(tmp_path: Path) -> None:
    account = Account()
    attacker = account.user("attacker", allow(["iam:AttachRolePolicy", "iam:PutRolePolicy"]), keys=1)
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker)
    assert not analysis.findings_for(attacker, "admin-identity", "privilege-escalation")


def test_role_holding_attach_user_policy_and_create_access_key_takes_over_a_user(tmp_path: Path) -> None:
    account = Account()
    account.user("victim", keys=1)
    attacker = account.role("attacker", allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"]))
    analysis = scan_account(account, tmp_path)
    assert not admin_finding(analysis, attacker)
    assert escalation(analysis, attacker)[0].evidence["methods"] == ["iam-attach-user-policy-create-access-key"]


# --- iam:PassRole scoping ------------------------------------------------------------------------------------------


def test_passrole_scoped_to_one_role(tmp_path: Path) -> None:
    account = Account()
    admin_function_role(account)
    app = account.role("fn-app", trust=trusting_service(LAMBDA))
    attacker = account.role("attacker", CREATE_AND_INVOKE, pass_role(app, LAMBDA))
    analysis = scan_account(account, tmp_path)
    assert {e.target for e in analysis.edges(source=attacker, method=PASS_TO_LAMBDA)} == {app}
    assert not escalation(analysis, attacker)
    moves = analysis.findings_for(attacker, "lateral-movement")
    assert len(moves) == 1 and moves[0].evidence["count"] == 1


@pytest.mark.parametrize(
    ("services", "reaches"),
    [("ec2.amazonaws.com", False), ([LAMBDA, "ec2.amazonaws.com"], True), (LAMBDA, True)],
    ids=["wrong-service", "list-with-lambda", "lambda"],
)
def test_passrole_limited_by_passed_to_service(services: Any, reaches: bool, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    condition = {"StringEquals": {"iam:PassedToService": services}}
    attacker = account.role("attacker", CREATE_AND_INVOKE, allow("iam:PassRole", target, condition=condition))
    analysis = scan_account(account, tmp_path)
    if reaches:
        assert_certain_escalation(analysis, attacker)
    else:
        assert_no_escalation(analysis, attacker)


def test_passrole_to_a_role_that_does_not_trust_the_service(tmp_path: Path) -> None:
    account = Account()
    target = account.role("ec2-admin", trust=trusting_service("ec2.amazonaws.com"), attached=[ADMIN_POLICY])
    attacker = account.role("attacker", CREATE_AND_INVOKE, pass_role(target, LAMBDA))
    assert_no_escalation(scan_account(account, tmp_path), attacker)


# --- permissions boundaries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("bounded_to", "reaches"), [(["lambda:*"], False), (["lambda:*", "iam:PassRole"], True)])
def test_permissions_boundary_that_removes_the_needed_action(
    bounded_to: list[str], reaches: bool, tmp_path: Path
) -> None:
    account = Account()
    target = admin_function_role(account)
    boundary = account.policy("boundary", document(allow(bounded_to)))
    attacker = account.role("attacker", CREATE_AND_INVOKE, pass_role(target, LAMBDA), boundary=boundary)
    analysis = scan_account(account, tmp_path)
    if reaches:
        assert_certain_escalation(analysis, attacker)
    else:
        assert_no_escalation(analysis, attacker)


def test_boundary_caps_self_modification(tmp_path: Path) -> None:
    account = Account()
    boundary = account.policy("boundary", document(allow(["iam:PutRolePolicy", "s3:*"])))
    attacker = account.role("attacker", allow("iam:PutRolePolicy", arn("role", "attacker")), boundary=boundary)
    analysis = scan_account(account, tmp_path)
    assert not analysis.edges(source=attacker, method="iam-put-role-policy")
    assert not admin_finding(analysis, attacker)


# --- chains --------------------------------------------------------------------------------------------------------


def chain_account() -> tuple[Account, dict[str, str]]:
    """ci-bot -> creates a key of user deployer -> deployer assumes role builder -> builder passes fn-admin."""
    account = Account()
    fn_admin = admin_function_role(account)
    builder_arn = arn("role", "builder")
    deployer = account.user("deployer", allow("sts:AssumeRole", builder_arn), keys=1)
    builder = account.role("builder", CREATE_AND_INVOKE, pass_role(fn_admin, LAMBDA), trust=trusting(root()))
    ci_bot = account.user("ci-bot", allow("iam:CreateAccessKey", deployer), keys=1)
    return account, {"ci-bot": ci_bot, "deployer": deployer, "builder": builder, "fn-admin": fn_admin}


def test_chain_of_four_hops_in_the_scan_result(tmp_path: Path) -> None:
    account, ids = chain_account()
    result = run_scan([account.write(tmp_path)], now=NOW)
    findings = [f for f in result.findings if f.check_id == "privilege-escalation" and f.subject == ids["ci-bot"]]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.HIGH
    assert finding.evidence["methods"] == [
        "iam-create-access-key",
        "sts-assume-role",
        PASS_TO_LAMBDA,
        "admin-equivalent",
    ]
    assert [(h.source, h.target, h.edge) for h in finding.path] == [
        (ids["ci-bot"], ids["deployer"], "CAN_CREATE_CREDENTIAL"),
        (ids["deployer"], ids["builder"], "CAN_ASSUME"),
        (ids["builder"], ids["fn-admin"], "CAN_PASS_ROLE"),
        (ids["fn-admin"], ADMIN_NODE, "ADMIN_OF"),
    ]


def test_chain_hops_in_the_json_report(tmp_path: Path, run_cli: RunCli) -> None:
    account, ids = chain_account()
    directory = account.write(tmp_path / "export")
    completed = run_cli("scan", directory, "-f", "json", "--now", "2026-11-29T00:00:00Z")
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    [finding] = [
        f for f in report["findings"] if f["check_id"] == "privilege-escalation" and f["subject"] == ids["ci-bot"]
    ]
    assert finding["category"] == "privilege-escalation"
    path = finding["path"]
    assert [(h["from"], h["to"], h["edge"]) for h in path] == [
        (ids["ci-bot"], ids["deployer"], "CAN_CREATE_CREDENTIAL"),
        (ids["deployer"], ids["builder"], "CAN_ASSUME"),
        (ids["builder"], ids["fn-admin"], "CAN_PASS_ROLE"),
        (ids["fn-admin"], ADMIN_NODE, "ADMIN_OF"),
    ]
    reasons = [h["reason"] for h in path]
    assert "iam:CreateAccessKey" in reasons[0] and "ci-bot-inline" in reasons[0] and "user/deployer" in reasons[0]
    assert "sts:AssumeRole" in reasons[1] and "deployer-inline" in reasons[1]
    assert "iam:PassRole" in reasons[2] and "lambda:CreateFunction" in reasons[2] and "builder-inline" in reasons[2]
    assert "AdministratorAccess" in reasons[3]
    # Every identity on the way that is not admin can reach admin too; each gets its own shortest path.
    subjects = {f["subject"]: len(f["path"]) for f in report["findings"] if f["check_id"] == "privilege-escalation"}
    assert subjects == {ids["ci-bot"]: 4, ids["deployer"]: 3, ids["builder"]: 2}


# --- cross-account -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "holds", "reaches"),
    [("root", True, True), ("root", False, False), ("named", False, False), ("named", True, True)],
    ids=["root-with-permission", "root-without-permission", "named-without-permission", "named-with-permission"],
)
def test_cross_account_assume_role(trusted: str, holds: bool, reaches: bool, tmp_path: Path) -> None:
    home = Account()
    away = Account(account=OTHER_ACCOUNT)
    remote_arn = arn("role", "remote-admin", OTHER_ACCOUNT)
    caller_arn = arn("role", "caller")
    principal = root(ACCOUNT) if trusted == "root" else caller_arn
    remote = away.role("remote-admin", trust=trusting(principal), attached=[ADMIN_POLICY])
    assert remote == remote_arn
    caller = home.role("caller", *([allow("sts:AssumeRole", remote_arn)] if holds else [allow("s3:ListAllMyBuckets")]))
    home.write(tmp_path / "home")
    away.write(tmp_path / "away")
    analysis = analyse(tmp_path)
    assert {s for _, s in analysis.inventory.scopes} == {ACCOUNT, OTHER_ACCOUNT}
    edges = [e for e in analysis.edges(source=caller) if e.target == remote and e.kind is EdgeKind.CAN_ASSUME]
    assert bool(edges) is reaches
    findings = escalation(analysis, caller)
    if reaches:
        assert len(findings) == 1
        assert findings[0].path[-1].target == f"admin:aws:{OTHER_ACCOUNT}"
    else:
        assert not findings


# --- humans and lateral movement -----------------------------------------------------------------------------------


def test_admin_human_is_not_reported_by_admin_identity(tmp_path: Path) -> None:
    account = Account()
    human = account.user("alice.smith", password=True, attached=[ADMIN_POLICY])
    machine = account.user("deploy-bot", keys=1, attached=[ADMIN_POLICY])
    analysis = scan_account(account, tmp_path)
    identities = {i.id: i for i in analysis.inventory.identities}
    assert identities[human].machine is False and identities[machine].machine is True
    assert analysis.edges(source=human, method="admin-equivalent")
    assert not analysis.findings_for(human)
    findings = admin_finding(analysis, machine)
    assert len(findings) == 1 and findings[0].severity is Severity.CRITICAL


def test_lateral_movement_lists_every_identity_once_per_source(tmp_path: Path) -> None:
    account = Account()
    first = account.role("reader-a", trust=trusting(root()), attached=[])
    second = account.role("reader-b", trust=trusting(root()))
    victim = account.user("report-bot", keys=1)
    hopper = account.role("hopper", allow("sts:AssumeRole", [first, second]), allow("iam:CreateAccessKey", victim))
    analysis = scan_account(account, tmp_path)
    assert not analysis.findings_for(hopper, "privilege-escalation", "admin-identity")
    moves = analysis.findings_for(hopper, "lateral-movement")
    assert len(moves) == 1
    evidence = moves[0].evidence
    assert evidence["count"] == 3 and evidence["certain"] == 3
    assert {t["identity"] for t in evidence["targets"]} == {first, second, victim}
    assert moves[0].severity is Severity.MEDIUM
    assert "can become 3 other identities" in moves[0].message


# --- more of the policy language on the way ------------------------------------------------------------------------


def test_actions_are_case_insensitive_and_wildcards_match(tmp_path: Path) -> None:
    account = Account()
    target = account.role("fn-1", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY])
    attacker = account.role(
        "attacker",
        allow(["LAMBDA:createfunction", "lambda:Invoke*"]),
        allow("IAM:pass*", f"arn:aws:iam::{ACCOUNT}:role/fn-?"),
    )
    analysis = scan_account(account, tmp_path)
    assert_certain_escalation(analysis, attacker)
    assert {e.target for e in analysis.edges(source=attacker, method=PASS_TO_LAMBDA)} == {target}


def test_principal_tag_variable_in_the_passrole_resource(tmp_path: Path) -> None:
    account = Account()
    blue = account.role("blue-fn", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY])
    red = account.role("red-fn", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY])
    resource = f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/team}}-*"
    attacker = account.role("attacker", CREATE_AND_INVOKE, allow("iam:PassRole", resource), tags={"team": "red"})
    analysis = scan_account(account, tmp_path)
    assert {e.target for e in analysis.edges(source=attacker, method=PASS_TO_LAMBDA)} == {red}
    assert blue not in {e.target for e in analysis.moves(attacker)}


@pytest.mark.parametrize(
    ("condition", "reaches"),
    [
        ({"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}, False),
        ({"StringLike": {"iam:PassedToService": "lambda.*"}}, True),
        ({"ForAnyValue:StringEquals": {"iam:PassedToService": [LAMBDA, "ec2.amazonaws.com"]}}, True),
        ({"StringNotEquals": {"iam:PassedToService": LAMBDA}}, False),
    ],
    ids=["if-exists-other-service", "string-like", "for-any-value", "string-not-equals"],
)
def test_passed_to_service_operators(condition: dict[str, Any], reaches: bool, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    attacker = account.role("attacker", CREATE_AND_INVOKE, allow("iam:PassRole", target, condition=condition))
    analysis = scan_account(account, tmp_path)
    if reaches:
        assert_certain_escalation(analysis, attacker)
    else:
        assert_no_escalation(analysis, attacker)


def test_identity_deny_beats_a_trust_naming_the_caller(tmp_path: Path) -> None:
    account = Account()
    attacker_arn = arn("role", "attacker")
    account.role("vault", trust=trusting(attacker_arn), attached=[ADMIN_POLICY])
    attacker = account.role("attacker", deny("sts:AssumeRole"), allow("s3:ListAllMyBuckets"))
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker) and not escalation(analysis, attacker)


def test_trust_naming_the_caller_is_enough_in_the_same_account(tmp_path: Path) -> None:
    account = Account()
    attacker_arn = arn("role", "attacker")
    vault = account.role("vault", trust=trusting(attacker_arn), attached=[ADMIN_POLICY])
    attacker = account.role("attacker", allow("s3:ListAllMyBuckets"))
    analysis = scan_account(account, tmp_path)
    assert [(e.target, e.kind) for e in analysis.moves(attacker)] == [(vault, EdgeKind.CAN_ASSUME)]
    assert escalation(analysis, attacker)[0].severity is Severity.HIGH


def test_trust_deny_for_the_caller_wins(tmp_path: Path) -> None:
    account = Account()
    attacker_arn = arn("role", "attacker")
    trust = trusting(attacker_arn)
    trust["Statement"].append({"Effect": "Deny", "Principal": {"AWS": attacker_arn}, "Action": "sts:AssumeRole"})
    account.role("vault", trust=trust, attached=[ADMIN_POLICY])
    attacker = account.role("attacker", allow("sts:AssumeRole"))
    analysis = scan_account(account, tmp_path)
    assert not analysis.moves(attacker) and not escalation(analysis, attacker)


def test_existing_function_scoped_to_another_function(tmp_path: Path) -> None:
    account = Account()
    admin_role = admin_function_role(account)
    account.workload("lambda-function", admin_role, "admin-fn")
    app_role = account.role("fn-app", trust=trusting_service(LAMBDA))
    app_function = account.workload("lambda-function", app_role, "app-fn")
    attacker = account.role("attacker", allow("lambda:UpdateFunctionCode", app_function))
    analysis = scan_account(account, tmp_path)
    assert [(e.target, e.conditional) for e in analysis.moves(attacker)] == [(app_role, False)]
    assert not escalation(analysis, attacker)
    assert analysis.findings_for(attacker, "lateral-movement")


def test_cross_account_trust_with_external_id_is_conditional(tmp_path: Path) -> None:
    home, away = Account(), Account(account=OTHER_ACCOUNT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": root(ACCOUNT)},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "s3cr3t"}},
            }
        ],
    }
    remote = away.role("remote-admin", trust=trust, attached=[ADMIN_POLICY])
    caller = home.role("caller", allow("sts:AssumeRole"))
    home.write(tmp_path / "home")
    away.write(tmp_path / "away")
    analysis = analyse(tmp_path)
    assert [(e.target, e.conditional) for e in analysis.moves(caller)] == [(remote, True)]
    [finding] = escalation(analysis, caller)
    assert finding.severity is Severity.MEDIUM and finding.evidence["conditional"] is True


def test_cross_account_assume_role_on_any_resource_goes_through_one_hub(tmp_path: Path) -> None:
    home, away = Account(), Account(account=OTHER_ACCOUNT)
    remote = away.role("remote-admin", trust=trusting(root(ACCOUNT)), attached=[ADMIN_POLICY])
    callers = [home.role(f"caller-{n}", allow("sts:AssumeRole")) for n in range(HUB_MIN_CALLERS + 2)]
    home.write(tmp_path / "home")
    away.write(tmp_path / "away")
    analysis = analyse(tmp_path)
    for caller in callers:
        [finding] = escalation(analysis, caller)
        assert [(h.source, h.target, h.edge) for h in finding.path] == [
            (caller, remote, "CAN_ASSUME"),
            (remote, f"admin:aws:{OTHER_ACCOUNT}", "ADMIN_OF"),
        ]
        assert "sts:AssumeRole" in finding.path[0].reason and "trust policy allows account" in finding.path[0].reason


@pytest.mark.parametrize(
    "actions",
    [
        ["iam:PutRolePolicy", "iam:DeleteRolePermissionsBoundary"],
        ["iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"],
    ],
    ids=["delete-boundary-then-put-policy", "replace-boundary-then-attach-policy"],
)
def test_role_that_can_remove_its_boundary_and_then_grant_itself_anything_is_admin(
    actions: list[str], tmp_path: Path
) -> None:
    account = Account()
    own = arn("role", "attacker")
    boundary = account.policy("boundary", document(allow(actions, own), allow("s3:*")))
    attacker = account.role("attacker", allow(actions, own), boundary=boundary)
    analysis = scan_account(account, tmp_path)
    assert [e.target for e in analysis.moves(attacker)] == [ADMIN_NODE]
    assert admin_finding(analysis, attacker)


def test_instance_profile_known_only_from_list_instance_profiles(tmp_path: Path) -> None:
    account = Account()
    web = account.role("web", trust=trusting_service("ec2.amazonaws.com"), attached=[ADMIN_POLICY])
    del account.roles[-1]["InstanceProfileList"]  # an export that leaves the profiles out of GAAD
    profile = {**account.instance_profile("web"), "Roles": [{"RoleName": "web", "Arn": web}]}
    account.exports["instance-profiles.json"] = {"InstanceProfiles": [profile]}
    attacker = account.role("attacker", allow("ec2:RunInstances"), pass_role(web, "ec2.amazonaws.com"))
    analysis = scan_account(account, tmp_path)
    assert [(e.target, e.method) for e in analysis.moves(attacker)] == [(web, "ec2-run-instances")]


def test_instance_profile_from_gaad_enables_run_instances(tmp_path: Path) -> None:
    account = Account()
    web = account.role(
        "web", trust=trusting_service("ec2.amazonaws.com"), attached=[ADMIN_POLICY], instance_profile=True
    )
    attacker = account.role("attacker", allow("ec2:RunInstances"), pass_role(web, "ec2.amazonaws.com"))
    analysis = scan_account(account, tmp_path)
    assert [(e.target, e.method) for e in analysis.moves(attacker)] == [(web, "ec2-run-instances")]


@pytest.mark.parametrize(
    ("policy", "admin"),
    [("arn:aws:iam::aws:policy/ReadOnlyAccess", False), (ADMIN_POLICY, True)],
    ids=["read-only-only", "administrator-access"],
)
def test_attach_role_policy_limited_by_policy_arn(policy: str, admin: bool, tmp_path: Path) -> None:
    account = Account()
    own = arn("role", "attacker")
    attacker = account.role(
        "attacker", allow("iam:AttachRolePolicy", own, condition={"ArnEquals": {"iam:PolicyARN": policy}})
    )
    analysis = scan_account(account, tmp_path)
    edges = analysis.edges(source=attacker, method="iam-attach-role-policy")
    findings = admin_finding(analysis, attacker)
    if admin:
        assert [e.conditional for e in edges] == [False]
        assert findings[0].severity is Severity.HIGH
    else:
        assert not edges and not findings


@pytest.mark.parametrize("tag", ["blue", "red"])
def test_trust_condition_on_the_callers_principal_tag(tag: str, tmp_path: Path) -> None:
    account = Account()
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": root()},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}},
            }
        ],
    }
    vault = account.role("vault", trust=trust, attached=[ADMIN_POLICY])
    attacker = account.role("attacker", allow("sts:AssumeRole"), tags={"team": tag})
    analysis = scan_account(account, tmp_path)
    if tag == "blue":
        assert [(e.target, e.conditional) for e in analysis.moves(attacker)] == [(vault, False)]
        assert escalation(analysis, attacker)[0].severity is Severity.HIGH
    else:
        assert not analysis.moves(attacker) and not escalation(analysis, attacker)


def test_without_a_credential_report_user_takeover_is_conditional(tmp_path: Path) -> None:
    account = Account(report=False)
    victim = account.user("victim", attached=[ADMIN_POLICY])
    attacker = account.role("attacker", allow(["iam:CreateAccessKey", "iam:UpdateLoginProfile"], victim))
    analysis = scan_account(account, tmp_path)
    edges = analysis.moves(attacker)
    assert {(e.target, e.method) for e in edges} == {
        (victim, "iam-create-access-key"),
        (victim, "iam-update-login-profile"),
    }
    assert all(e.conditional for e in edges)
    [finding] = escalation(analysis, attacker)
    assert finding.severity is Severity.MEDIUM


@pytest.mark.parametrize(
    ("refusal", "outcome"),
    [
        (deny("iam:PassRole", condition={"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), "conditional"),
        (deny("iam:PassRole", condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}), "certain"),
        (deny("iam:PassRole", condition={"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}), "none"),
        (deny(None, not_action=["lambda:*", "s3:*"]), "none"),
        (deny("iam:PassRole", None, not_resource=arn("role", "fn-admin")), "certain"),
    ],
    ids=["unknown-condition", "expired-deny", "current-deny", "not-action-deny", "not-resource-deny-spares-target"],
)
def test_deny_with_conditions_and_negations(refusal: dict[str, Any], outcome: str, tmp_path: Path) -> None:
    account = Account()
    target = admin_function_role(account)
    attacker = account.role("attacker", CREATE_AND_INVOKE, pass_role(target, LAMBDA), refusal)
    analysis = scan_account(account, tmp_path)
    if outcome == "certain":
        assert_certain_escalation(analysis, attacker)
    elif outcome == "none":
        assert_no_escalation(analysis, attacker)
    else:
        edges = analysis.edges(source=attacker, method=PASS_TO_LAMBDA)
        assert edges and all(e.conditional for e in edges)
        [finding] = escalation(analysis, attacker)
        assert finding.severity is Severity.MEDIUM


@pytest.mark.parametrize(
    ("identity", "bounded", "expected"),
    [
        ("*", arn("user", "bob-*"), {"bob-bot", "bob-etl"}),  # the boundary narrows an identity policy on "*"
        (arn("user", "b*"), "*", {"bob-bot", "bob-etl", "bea"}),  # a boundary on "*" narrows nothing
        (arn("user", "b*"), arn("user", "bob-e*"), {"bob-etl"}),  # both narrow: their intersection
    ],
    ids=["boundary-narrows", "identity-narrows", "both-narrow"],
)
def test_targets_are_those_every_layer_allows(identity: str, bounded: str, expected: set[str], tmp_path: Path) -> None:
    """Targets are looked up by the literal prefixes of every layer's patterns; none may be lost or added."""
    account = Account()
    for name in ("alice", "bob-bot", "bob-etl", "bea", "carol-ci"):
        account.user(name, keys=1)
    boundary = account.policy("boundary", document(allow("iam:CreateAccessKey", bounded)))
    attacker = account.user("attacker", allow("iam:CreateAccessKey", identity), keys=1, boundary=boundary)
    analysis = scan_account(account, tmp_path)
    reached = {e.target for e in analysis.edges(source=attacker, method="iam-create-access-key")}
    assert reached == {arn("user", name) for name in expected}


# --- grant, then become --------------------------------------------------------------------------------------------


def test_granting_another_role_without_a_way_to_act_as_it_is_no_escalation(tmp_path: Path) -> None:
    account = Account()
    target = account.role("worker", trust=trusting_service(LAMBDA))
    attacker = account.role("attacker", allow("iam:PutRolePolicy", target))
    analysis = scan_account(account, tmp_path)
    grants = analysis.edges(source=attacker, method="iam-put-role-policy-grant")
    assert [(e.target, e.traversable) for e in grants] == [(target, False)]
    assert not analysis.findings_for(attacker, "privilege-escalation", "admin-identity", "lateral-movement")


def test_granting_a_role_then_passing_it_to_new_compute_is_admin(tmp_path: Path) -> None:
    account = Account()
    target = account.role("worker", trust=trusting_service(LAMBDA))
    attacker = account.role("attacker", allow("iam:AttachRolePolicy", target), CREATE_AND_INVOKE, pass_role(target))
    analysis = scan_account(account, tmp_path)
    [edge] = [e for e in analysis.edges(source=attacker, method="iam-attach-role-policy-grant") if e.traversable]
    assert edge.target == ADMIN_NODE and not edge.conditional
    assert "iam:AttachRolePolicy" in edge.reason and "lambda" in edge.reason.lower()
    [finding] = escalation(analysis, attacker)
    assert finding.severity is Severity.HIGH and finding.path[-1].target == ADMIN_NODE


def test_a_granted_role_capped_by_its_boundary_gives_no_admin(tmp_path: Path) -> None:
    account = Account()
    boundary = account.policy("boundary", document(allow("s3:*")))
    target = account.role("worker", trust=trusting_service(LAMBDA), boundary=boundary)
    attacker = account.role("attacker", allow("iam:PutRolePolicy", target), CREATE_AND_INVOKE, pass_role(target))
    analysis = scan_account(account, tmp_path)
    assert not [e for e in analysis.edges(source=attacker) if e.target == ADMIN_NODE]
    assert not escalation(analysis, attacker)


def test_granting_every_role_and_passing_every_lambda_role_meet_through_hubs(tmp_path: Path) -> None:
    """Both permissions on role/*: one hub edge each; the pass intersects the two hubs' members."""
    account = Account()
    for number in range(20):
        account.role(f"fn-{number}", trust=trusting_service(LAMBDA))
    for number in range(20):
        account.role(f"ec2-{number}", trust=trusting_service("ec2.amazonaws.com"))
    attacker = account.user(
        "attacker", allow("iam:PutRolePolicy", arn("role", "*")), CREATE_AND_INVOKE, pass_role("*"), keys=1
    )
    analysis = scan_account(account, tmp_path)
    grants = analysis.edges(source=attacker, method="iam-put-role-policy-grant")
    assert any(e.target.startswith("hub:") and not e.traversable for e in grants)
    [admin] = [e for e in grants if e.target == ADMIN_NODE]
    assert admin.traversable and not admin.conditional and "role/fn-" in admin.reason


def test_granting_a_group_then_taking_over_a_member_is_admin(tmp_path: Path) -> None:
    account = Account()
    group = account.group("data")
    member = account.user("loader", keys=1, groups=["data"])
    attacker = account.user("attacker", allow("iam:PutGroupPolicy", group), allow("iam:CreateAccessKey", member))
    analysis = scan_account(account, tmp_path)
    [edge] = [e for e in analysis.edges(source=attacker, method="iam-put-group-policy-grant") if e.traversable]
    assert edge.target == ADMIN_NODE and "user/loader" in edge.reason


def test_no_grant_edge_when_acting_as_the_principal_already_is_admin(tmp_path: Path) -> None:
    """The move to an admin role is the path; granting it more adds nothing and is not reported as the way."""
    account = Account()
    target = admin_function_role(account)
    attacker = account.role("attacker", allow("iam:PutRolePolicy", target), CREATE_AND_INVOKE, pass_role(target))
    analysis = scan_account(account, tmp_path)
    assert not [e for e in analysis.edges(source=attacker, method="iam-put-role-policy-grant") if e.traversable]
    assert_certain_escalation(analysis, attacker)


@pytest.mark.parametrize("with_policy", [False, True], ids=["no-customer-policy", "customer-policy"])
def test_changing_managed_policies_reaches_only_roles_that_have_one(with_policy: bool, tmp_path: Path) -> None:
    account = Account()
    for number in range(20):
        account.role(f"fn-{number}", trust=trusting_service(LAMBDA))
    if with_policy:
        policy = account.policy("fn-extra", document(allow("s3:GetObject")))
        account.role("fn-with-policy", trust=trusting_service(LAMBDA), attached=[policy])
    attacker = account.user(
        "attacker", allow("iam:CreatePolicyVersion", arn("policy", "*")), CREATE_AND_INVOKE, pass_role("*"), keys=1
    )
    analysis = scan_account(account, tmp_path)
    admin = [e for e in analysis.edges(source=attacker, method="iam-create-policy-version-grant") if e.traversable]
    if with_policy:
        assert [e.target for e in admin] == [ADMIN_NODE] and "role/fn-with-policy" in admin[0].reason
    else:
        assert not admin and not escalation(analysis, attacker)
