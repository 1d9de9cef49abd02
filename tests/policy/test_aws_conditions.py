"""Condition operators, three-valued outcomes and policy variables."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from nhi_scan.policy.aws import Decision, RequestContext
from nhi_scan.policy.aws.conditions import compile_conditions, evaluate_conditions
from nhi_scan.policy.aws.tri import Tri
from tests.policy.builders import ACCOUNT, ALICE, CI_ROLE, NOW, allow, context, doc, grant, perms, stmt

OBJECT = "arn:aws:s3:::data/report.csv"


def cond(block: dict[str, Any], ctx: RequestContext | None = None) -> Tri:
    notes: list[str] = []
    compiled = compile_conditions(block, notes)
    return evaluate_conditions(compiled, ctx or context())[0]


def keyed(**keys: Any) -> RequestContext:
    return context(keys=keys)


# --- string ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        ("StringEquals", "ec2.amazonaws.com", "ec2.amazonaws.com", Tri.TRUE),
        ("StringEquals", "ec2.amazonaws.com", "EC2.amazonaws.com", Tri.FALSE),
        ("StringEquals", ["lambda.amazonaws.com", "ec2.amazonaws.com"], "ec2.amazonaws.com", Tri.TRUE),
        ("StringNotEquals", ["lambda.amazonaws.com", "ec2.amazonaws.com"], "ec2.amazonaws.com", Tri.FALSE),
        ("StringNotEquals", "lambda.amazonaws.com", "ec2.amazonaws.com", Tri.TRUE),
        ("StringEqualsIgnoreCase", "EC2.amazonaws.com", "ec2.AMAZONAWS.com", Tri.TRUE),
        ("StringNotEqualsIgnoreCase", "EC2.amazonaws.com", "ec2.AMAZONAWS.com", Tri.FALSE),
        ("StringLike", "ec2.*", "ec2.amazonaws.com", Tri.TRUE),
        ("StringLike", "ec?.amazonaws.com", "ecs.amazonaws.com", Tri.TRUE),
        ("StringLike", "EC2.*", "ec2.amazonaws.com", Tri.FALSE),
        ("StringNotLike", "ec2.*", "lambda.amazonaws.com", Tri.TRUE),
        ("StringNotLike", "ec2.*", "ec2.amazonaws.com", Tri.FALSE),
    ],
)
def test_string_operators(operator: str, policy_value: Any, request_value: str, expected: Tri) -> None:
    ctx = keyed(**{"iam:PassedToService": request_value})
    assert cond({operator: {"iam:PassedToService": policy_value}}, ctx) is expected


def test_condition_key_names_are_case_insensitive() -> None:
    ctx = keyed(**{"IAM:passedtoservice": "ec2.amazonaws.com"})
    assert cond({"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}, ctx) is Tri.TRUE


# --- arn ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "pattern", "expected"),
    [
        ("ArnLike", f"arn:aws:iam::{ACCOUNT}:role/*", Tri.TRUE),
        ("ArnEquals", f"arn:aws:iam::{ACCOUNT}:role/ci", Tri.TRUE),
        ("ArnEquals", "arn:aws:iam::*:role/c?", Tri.TRUE),
        ("ArnLike", f"arn:aws:iam::{ACCOUNT}:user/*", Tri.FALSE),
        ("ArnNotLike", f"arn:aws:iam::{ACCOUNT}:user/*", Tri.TRUE),
        ("ArnNotEquals", CI_ROLE, Tri.FALSE),
    ],
)
def test_arn_operators(operator: str, pattern: str, expected: Tri) -> None:
    ctx = context(CI_ROLE)
    assert cond({operator: {"aws:PrincipalArn": pattern}}, ctx) is expected


# --- numeric, bool, ip, binary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("NumericEquals", "10", Tri.TRUE),
        ("NumericNotEquals", "10", Tri.FALSE),
        ("NumericLessThan", "11", Tri.TRUE),
        ("NumericLessThanEquals", "10", Tri.TRUE),
        ("NumericGreaterThan", "10", Tri.FALSE),
        ("NumericGreaterThanEquals", 9, Tri.TRUE),
        ("NumericEquals", "ten", Tri.FALSE),
    ],
)
def test_numeric_operators(operator: str, value: Any, expected: Tri) -> None:
    assert cond({operator: {"s3:max-keys": value}}, keyed(**{"s3:max-keys": 10})) is expected


def test_bool_and_ip_and_binary() -> None:
    mfa = keyed(**{"aws:MultiFactorAuthPresent": True})
    assert cond({"Bool": {"aws:MultiFactorAuthPresent": "true"}}, mfa) is Tri.TRUE
    assert cond({"Bool": {"aws:MultiFactorAuthPresent": "TRUE"}}, mfa) is Tri.TRUE
    assert cond({"Bool": {"aws:MultiFactorAuthPresent": False}}, mfa) is Tri.FALSE
    ip = keyed(**{"aws:SourceIp": "10.1.2.3"})
    assert cond({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}, ip) is Tri.TRUE
    assert cond({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, ip) is Tri.FALSE
    assert cond({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}, ip) is Tri.FALSE
    assert cond({"BinaryEquals": {"k:bin": "QmluYXJ5"}}, keyed(**{"k:bin": "QmluYXJ5"})) is Tri.TRUE


def test_ip_address_unknown_offline_is_conditional() -> None:
    principal = allow(stmt(action="s3:GetObject", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    result = principal.allows("s3:GetObject", OBJECT)
    assert result.decision is Decision.CONDITIONAL
    assert result.unknown_keys == ("aws:SourceIp",)
    known = context(keys={"aws:SourceIp": "10.0.0.1"})
    assert principal.allows("s3:GetObject", OBJECT, known).decision is Decision.ALLOW


# --- dates ----------------------------------------------------------------------------------------------------


def test_date_operators_on_current_time() -> None:
    past, future = "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z"
    every_request = allow(stmt(action="s3:GetObject", condition={"DateGreaterThan": {"aws:CurrentTime": past}}))
    no_request = allow(stmt(action="s3:GetObject", condition={"DateGreaterThan": {"aws:CurrentTime": future}}))
    assert every_request.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert no_request.allows("s3:GetObject", OBJECT).decision is Decision.IMPLICIT_DENY


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("DateLessThan", "2999-01-01T00:00:00Z", Tri.TRUE),
        ("DateLessThan", "2020-01-01", Tri.FALSE),
        ("DateLessThanEquals", NOW.isoformat(), Tri.TRUE),
        ("DateGreaterThanEquals", int(NOW.timestamp()), Tri.TRUE),
        ("DateGreaterThan", int(NOW.timestamp()), Tri.FALSE),
        ("DateEquals", "2026-11-29T00:00:00Z", Tri.TRUE),
        ("DateNotEquals", "2026-11-29T00:00:00Z", Tri.FALSE),
        ("DateEquals", "not a date", Tri.FALSE),
    ],
)
def test_date_operator_family(operator: str, value: Any, expected: Tri) -> None:
    assert cond({operator: {"aws:CurrentTime": value}}) is expected


def test_epoch_time_and_token_issue_time() -> None:
    assert cond({"NumericGreaterThan": {"aws:EpochTime": 1_700_000_000}}) is Tri.TRUE
    assert cond({"DateLessThan": {"aws:EpochTime": "2030-01-01T00:00:00Z"}}) is Tri.TRUE
    assert cond({"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}}) is Tri.UNKNOWN
    issued = keyed(**{"aws:TokenIssueTime": NOW - timedelta(hours=1)})
    assert cond({"DateGreaterThan": {"aws:TokenIssueTime": "2026-11-28T00:00:00Z"}}, issued) is Tri.TRUE


def test_current_time_unknown_without_now() -> None:
    ctx = RequestContext(principal_arn=ALICE)
    assert cond({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}, ctx) is Tri.UNKNOWN


# --- absent keys, IfExists, Null, set operators ---------------------------------------------------------------


def test_absent_key_positive_false_negated_true_ifexists_true() -> None:
    absent = context(keys={"iam:PassedToService": None})
    assert cond({"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}, absent) is Tri.FALSE
    assert cond({"StringNotEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}, absent) is Tri.TRUE
    assert cond({"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}, absent) is Tri.TRUE
    present = keyed(**{"iam:PassedToService": "lambda.amazonaws.com"})
    assert cond({"StringEqualsIfExists": {"iam:PassedToService": "ec2.amazonaws.com"}}, present) is Tri.FALSE


def test_username_absent_for_roles() -> None:
    role = context(CI_ROLE)
    assert cond({"StringLike": {"aws:username": "*"}}, role) is Tri.FALSE
    assert cond({"StringLike": {"aws:username": "*"}}) is Tri.TRUE  # alice is a user


def test_null_operator() -> None:
    tags = context(principal_tags={"team": "data"})
    assert cond({"Null": {"aws:PrincipalTag/team": "false"}}, tags) is Tri.TRUE
    assert cond({"Null": {"aws:PrincipalTag/owner": "true"}}, tags) is Tri.TRUE
    assert cond({"Null": {"aws:PrincipalTag/owner": "false"}}, tags) is Tri.FALSE
    assert cond({"Null": {"aws:RequestTag/owner": "true"}}, tags) is Tri.UNKNOWN


def test_for_any_value_and_for_all_values() -> None:
    ctx = keyed(**{"aws:TagKeys": ["team", "env"]})
    assert cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "cost"]}}, ctx) is Tri.TRUE
    assert cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["cost"]}}, ctx) is Tri.FALSE
    assert cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env", "cost"]}}, ctx) is Tri.TRUE
    assert cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, ctx) is Tri.FALSE
    assert cond({"ForAllValues:StringLike": {"aws:TagKeys": ["t*", "e*"]}}, ctx) is Tri.TRUE
    assert cond({"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team"]}}, ctx) is Tri.TRUE
    empty = context(keys={"aws:TagKeys": None})
    assert cond({"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}, empty) is Tri.TRUE
    assert cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, empty) is Tri.FALSE
    assert cond({"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}) is Tri.UNKNOWN


def test_all_keys_and_operators_must_hold() -> None:
    ctx = keyed(**{"iam:PassedToService": "ec2.amazonaws.com", "aws:MultiFactorAuthPresent": "false"})
    block = {
        "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
    assert cond(block, ctx) is Tri.FALSE
    # FALSE beats UNKNOWN in an AND
    assert cond({**block, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, ctx) is Tri.FALSE


# --- unknowns -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        {"StringEquals": {"aws:RequestTag/team": "data"}},
        {"StringLike": {"s3:prefix": "home/*"}},
        {"StringEquals": {"aws:ResourceTag/env": "prod"}},
        {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        {"StringEquals": {"aws:PrincipalTag/team": "data"}},  # tags unknown in this context
        {"SomeFutureOperator": {"aws:PrincipalArn": "x"}},
        {"StringEquals": "not an object"},
    ],
)
def test_unknown_keys_and_operators_make_allow_conditional(block: dict[str, Any]) -> None:
    principal = allow(stmt(action="s3:GetObject", condition=block))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.CONDITIONAL


def test_conditional_deny_is_not_a_definite_deny() -> None:
    principal = allow(
        stmt(action="s3:*"),
        stmt("Deny", action="s3:DeleteObject", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
    )
    result = principal.allows("s3:DeleteObject", OBJECT)
    assert result.decision is Decision.CONDITIONAL
    assert "unless Deny statement 1" in result.reason()
    no_mfa = context(keys={"aws:MultiFactorAuthPresent": False})
    assert principal.allows("s3:DeleteObject", OBJECT, no_mfa).decision is Decision.DENY
    with_mfa = context(keys={"aws:MultiFactorAuthPresent": True})
    assert principal.allows("s3:DeleteObject", OBJECT, with_mfa).decision is Decision.ALLOW
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW


def test_conditional_deny_without_allow_stays_implicit_deny() -> None:
    principal = allow(stmt("Deny", action="s3:*", condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.IMPLICIT_DENY


def test_closed_context_treats_missing_keys_as_absent() -> None:
    principal = allow(stmt(action="s3:GetObject", condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    closed = context(closed=True)
    assert principal.allows("s3:GetObject", OBJECT, closed).decision is Decision.IMPLICIT_DENY
    assert principal.allows("s3:GetObject", OBJECT, closed.with_keys({"aws:SourceVpc": "vpc-1"})).decision is (
        Decision.ALLOW
    )


# --- policy variables -----------------------------------------------------------------------------------------


def test_username_variable_in_resource() -> None:
    principal = allow(stmt(action="iam:CreateAccessKey", resource=f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
    assert principal.allows("iam:CreateAccessKey", ALICE).decision is Decision.ALLOW
    assert principal.allows("iam:CreateAccessKey", ALICE.replace("alice", "bob")).decision is Decision.IMPLICIT_DENY


def test_variable_absent_matches_nothing_unless_default() -> None:
    resource = "arn:aws:s3:::home/${aws:username}/*"
    role = perms(grant(doc(stmt(action="s3:GetObject", resource=resource))), principal=CI_ROLE)
    assert role.allows("s3:GetObject", "arn:aws:s3:::home/ci/x").decision is Decision.IMPLICIT_DENY
    fallback = "arn:aws:s3:::home/${aws:username, 'shared'}/*"
    role = perms(grant(doc(stmt(action="s3:GetObject", resource=fallback))), principal=CI_ROLE)
    assert role.allows("s3:GetObject", "arn:aws:s3:::home/shared/x").decision is Decision.ALLOW


def test_principal_tag_variable_in_resource_and_condition() -> None:
    principal = allow(
        stmt(action="s3:GetObject", resource="arn:aws:s3:::${aws:PrincipalTag/team}-data/*"),
        stmt(
            action="ssm:StartSession",
            condition={"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        ),
        principal_tags={"Team": "blue"},
    )
    assert principal.allows("s3:GetObject", "arn:aws:s3:::blue-data/x").decision is Decision.ALLOW
    assert principal.allows("s3:GetObject", "arn:aws:s3:::red-data/x").decision is Decision.IMPLICIT_DENY
    assert principal.allows("ssm:StartSession").decision is Decision.CONDITIONAL
    tagged = context(principal_tags={"team": "blue"}, keys={"aws:ResourceTag/team": "blue"})
    assert principal.allows("ssm:StartSession", "*", tagged).decision is Decision.ALLOW
    other = context(principal_tags={"team": "blue"}, keys={"aws:ResourceTag/team": "red"})
    assert principal.allows("ssm:StartSession", "*", other).decision is Decision.IMPLICIT_DENY


def test_unknown_variable_makes_resource_conditional() -> None:
    principal = perms(
        grant(doc(stmt(action="s3:GetObject", resource="arn:aws:s3:::home/${aws:PrincipalTag/team}/*"))),
    )  # tags unknown
    result = principal.allows("s3:GetObject", "arn:aws:s3:::home/blue/x")
    assert result.decision is Decision.CONDITIONAL
    assert "aws:PrincipalTag/team" in result.unknown_keys
    assert principal.allows("s3:GetObject", "arn:aws:s3:::other/x").decision is Decision.IMPLICIT_DENY


def test_special_variables_are_literal_characters() -> None:
    principal = allow(stmt(action="s3:GetObject", resource="arn:aws:s3:::data/${*}"))
    assert principal.allows("s3:GetObject", "arn:aws:s3:::data/*").decision is Decision.ALLOW
    assert principal.allows("s3:GetObject", "arn:aws:s3:::data/x").decision is Decision.IMPLICIT_DENY


def test_variables_are_text_before_version_2012() -> None:
    document = doc(stmt(action="s3:GetObject", resource="arn:aws:s3:::home/${aws:username}/*"), version=None)
    principal = perms(grant(document))
    assert principal.allows("s3:GetObject", "arn:aws:s3:::home/alice/x").decision is Decision.IMPLICIT_DENY
    assert principal.allows("s3:GetObject", "arn:aws:s3:::home/${aws:username}/x").decision is Decision.ALLOW


def test_principal_account_and_arn_keys() -> None:
    principal = allow(
        stmt(action="s3:GetObject", condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
        stmt(action="s3:PutObject", condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
    )
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:PutObject", OBJECT).decision is Decision.IMPLICIT_DENY


def test_userid_known_only_when_given() -> None:
    block = {"StringLike": {"aws:userid": "AIDA*"}}
    assert cond(block) is Tri.UNKNOWN
    assert cond(block, context(userid="AIDAEXAMPLE")) is Tri.TRUE
