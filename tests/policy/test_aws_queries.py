"""Fast queries for the escalation graph: actions held anywhere, resource scopes, admin-equivalence, caching."""

from __future__ import annotations

import random

from nhi_scan.model import PolicyKind
from nhi_scan.policy.aws import Decision, PolicyCache
from tests.policy.builders import ACCOUNT, CI_ROLE, allow, context, doc, grant, perms, stmt

ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
ESCALATION = ["iam:PassRole", "iam:CreateAccessKey", "iam:AttachUserPolicy", "lambda:CreateFunction", "sts:AssumeRole"]


# --- actions_allowed_somewhere --------------------------------------------------------------------------------


def test_actions_allowed_somewhere_reports_allow_and_conditional() -> None:
    principal = allow(
        stmt(action="iam:PassRole", resource=ROLE + "app-*"),
        stmt(action="lambda:*", condition={"StringEquals": {"aws:RequestTag/team": "x"}}),
        stmt(action="iam:CreateAccessKey", resource=f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
    )
    held = principal.actions_allowed_somewhere(ESCALATION)
    assert held == {
        "iam:PassRole": Decision.ALLOW,
        "lambda:CreateFunction": Decision.CONDITIONAL,
        "iam:CreateAccessKey": Decision.ALLOW,
    }


def test_somewhere_applies_denies_on_star_and_layers() -> None:
    principal = perms(
        grant(doc(stmt(action="*"), stmt("Deny", action="iam:CreateAccessKey"))),
        grant(doc(stmt(not_action="lambda:*")), name="b", kind=PolicyKind.BOUNDARY),
        grant(
            doc(stmt(action="*"), stmt("Deny", action="sts:*", condition={"Bool": {"k:x": "true"}})),
            name="scp",
            kind=PolicyKind.SCP,
        ),
    )
    held = principal.actions_allowed_somewhere(ESCALATION)
    assert held == {
        "iam:PassRole": Decision.ALLOW,
        "iam:AttachUserPolicy": Decision.ALLOW,
        "sts:AssumeRole": Decision.CONDITIONAL,
    }


def test_somewhere_narrow_deny_only_removes_when_it_covers_every_allow() -> None:
    target = ROLE + "deploy"
    covered = allow(
        stmt(action="iam:PassRole", resource=target), stmt("Deny", action="iam:PassRole", resource=ROLE + "*")
    )
    assert covered.actions_allowed_somewhere(["iam:PassRole"]) == {}
    partial = allow(
        stmt(action="iam:PassRole", resource=ROLE + "*"), stmt("Deny", action="iam:PassRole", resource=target)
    )
    assert partial.actions_allowed_somewhere(["iam:PassRole"]) == {"iam:PassRole": Decision.ALLOW}


def test_somewhere_resource_variable_absent_for_role() -> None:
    principal = perms(
        grant(doc(stmt(action="iam:CreateAccessKey", resource=f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))),
        principal=CI_ROLE,
    )
    assert principal.actions_allowed_somewhere(["iam:CreateAccessKey"]) == {}


def test_somewhere_not_resource_star_allows_nothing() -> None:
    principal = allow(stmt(action="iam:PassRole", not_resource="*"))
    assert principal.actions_allowed_somewhere(["iam:PassRole"]) == {}


# --- resource_patterns ----------------------------------------------------------------------------------------


def test_resource_patterns_for_pass_role() -> None:
    principal = allow(
        stmt(action="iam:PassRole", resource=[ROLE + "app-*", ROLE + "batch"], sid="Pass"),
        stmt(action="iam:PassRole", resource=ROLE + "svc-*", condition={"StringEquals": {"iam:PassedToService": "x"}}),
        stmt("Deny", action="iam:PassRole", resource=ROLE + "app-admin"),
    )
    scope = principal.resource_patterns("iam:PassRole")
    assert [e.pattern for e in scope.allow_patterns] == [ROLE + "app-*", ROLE + "batch", ROLE + "svc-*"]
    assert [e.pattern for e in scope.deny_patterns] == [ROLE + "app-admin"]
    assert scope.decide(ROLE + "app-web") is Decision.ALLOW
    assert scope.decide(ROLE + "app-admin") is Decision.DENY
    assert scope.decide(ROLE + "svc-a") is Decision.CONDITIONAL
    assert scope.decide(ROLE + "other") is Decision.IMPLICIT_DENY
    passed = context(keys={"iam:PassedToService": "x"})
    assert principal.resource_patterns("iam:PassRole", passed).decide(ROLE + "svc-a") is Decision.ALLOW


def _random_statement(rng: random.Random) -> dict[str, object]:
    actions = ["iam:PassRole", "iam:*", "iam:Pass*", "*", "s3:GetObject", "iam:passrol?"]
    resources = ["*", ROLE + "*", ROLE + "a*", ROLE + "b", ROLE + "${aws:username}", "arn:aws:iam::*:role/?"]
    conditions: list[dict[str, object] | None] = [
        None,
        None,
        {"StringEquals": {"aws:RequestTag/x": "1"}},
        {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
        {"StringEquals": {"aws:PrincipalAccount": "999999999999"}},
    ]
    body = stmt(
        rng.choice(["Allow", "Allow", "Deny"]),
        action=rng.sample(actions, rng.randint(1, 2)),
        resource=rng.sample(resources, rng.randint(1, 2)),
    )
    if rng.random() < 0.2:
        body["NotAction"] = body.pop("Action")
    if rng.random() < 0.2:
        body["NotResource"] = body.pop("Resource")
    condition = rng.choice(conditions)
    if condition:
        body["Condition"] = condition
    return body


def test_resource_scope_agrees_with_full_evaluation() -> None:
    rng = random.Random(7)
    targets = [ROLE + n for n in ("a", "ab", "b", "c", "alice", "x/y")] + ["*", "arn:aws:s3:::b"]
    for _ in range(300):
        statements = [_random_statement(rng) for _ in range(rng.randint(1, 4))]
        boundary = (
            [grant(doc(_random_statement(rng)), name="b", kind=PolicyKind.BOUNDARY)] if rng.random() < 0.3 else []
        )
        principal = perms(grant(doc(*statements)), *boundary)
        for action in ("iam:PassRole", "s3:GetObject"):
            scope = principal.resource_patterns(action)
            held = principal.actions_allowed_somewhere([action])
            decisions = []
            for target in targets:
                full = principal.allows(action, target).decision
                assert scope.decide(target) is full, (statements, action, target)
                decisions.append(full)
            if any(d.possible for d in decisions):
                assert action in held, (statements, action)


# --- admin-equivalence ----------------------------------------------------------------------------------------


def test_admin_equivalence() -> None:
    assert allow(stmt(action="*")).is_admin_equivalent()
    assert allow(stmt(not_action=["s3:DeleteBucket"])).is_admin_equivalent()
    assert not allow(stmt(not_action=["iam:*", "organizations:*"])).is_admin_equivalent()  # PowerUserAccess
    assert not allow(stmt(action="iam:*")).is_admin_equivalent()
    assert not allow(stmt(action="*", resource=ROLE + "*")).is_admin_equivalent()
    assert not allow(stmt(action="*"), stmt("Deny", action="iam:CreateAccessKey")).is_admin_equivalent()
    ip = {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}
    assert allow(stmt(action="*", condition=ip)).admin_equivalence() is Decision.CONDITIONAL
    assert allow(stmt(action="*"), stmt("Deny", action="*", condition=ip)).admin_equivalence() is Decision.CONDITIONAL
    iam_and_most = allow(stmt(action="iam:*"), stmt(not_action=["ec2:*", "s3:*", "iam:*"]))
    assert iam_and_most.is_admin_equivalent()
    boundary = grant(doc(stmt(action="s3:*")), name="b", kind=PolicyKind.BOUNDARY)
    assert perms(grant(doc(stmt(action="*"))), boundary).admin_equivalence() is Decision.IMPLICIT_DENY


# --- caching --------------------------------------------------------------------------------------------------


def test_shared_policies_compile_once_and_share_policy_sets() -> None:
    cache = PolicyCache()
    managed = doc(stmt(action="iam:PassRole", resource=ROLE + "*"))
    principals = [
        perms(
            grant(managed, name="Pass", kind=PolicyKind.MANAGED, principal=ROLE + f"r{i}"),
            principal=ROLE + f"r{i}",
            cache=cache,
        )
        for i in range(50)
    ]
    assert cache.stats() == {"documents": 1, "policies": 1, "policy_sets": 1}
    assert len({id(p.policy_set) for p in principals}) == 1
    # equal content from a different object and a different inline policy still compiles once
    copy = doc(stmt(action="iam:PassRole", resource=ROLE + "*"))
    perms(grant(copy, name="inline-copy"), cache=cache)
    assert cache.stats()["documents"] == 1
    assert cache.stats()["policies"] == 2


def test_action_query_is_shared_and_keeps_caller_spelling() -> None:
    from nhi_scan.policy.aws import ActionQuery

    query = ActionQuery.of(["IAM:PassRole", "s3:GetObject"])
    assert ActionQuery.of(["IAM:PassRole", "s3:GetObject"]) is query
    principal = allow(stmt(action="iam:passrole"))
    assert principal.actions_allowed_somewhere(query) == {"IAM:PassRole": Decision.ALLOW}
    held = principal.actions_allowed_somewhere(query)
    held.clear()  # callers may mutate their copy
    assert principal.actions_allowed_somewhere(query) == {"IAM:PassRole": Decision.ALLOW}
