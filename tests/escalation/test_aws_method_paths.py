"""Every escalation method of the catalogue, end to end: a minimal account per method, parsed from real export
files, through the graph builder and the path checks.

For each method the attacker holds exactly the method's actions (first action of each group, or another action
of a group with alternatives) on the resources the method names, plus iam:PassRole on the target role limited by
iam:PassedToService when the method passes one; the target satisfies the method's target kind and conditions and
is admin when the method only lets the attacker become it. The negative twins remove one action group (or the
PassRole), or break one fact about the target, and must leave no edge of that method.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.escalation.aws.catalog import (
    Category,
    Condition,
    Effect,
    Method,
    PrincipalKind,
    ResourceScope,
    TargetKind,
    load_methods,
)
from nhi_scan.escalation.aws.targets import RESOURCE_SERVICES
from nhi_scan.graph import EdgeKind, NodeKind
from nhi_scan.model import Severity
from tests.escalation.accounts import (
    ADMIN_POLICY,
    ALLOW_ALL,
    NEUTRAL_SERVICE,
    Account,
    Analysis,
    allow,
    arn,
    document,
    pass_role,
    root,
    scan_account,
    trust_document,
    trusting,
    trusting_service,
)

METHODS = load_methods()
GRANT_METHODS = [m for m in METHODS if Condition.TRUST_ALLOWS_FEDERATED not in m.conditions]
FEDERATED = [m for m in METHODS if Condition.TRUST_ALLOWS_FEDERATED in m.conditions]
ADMIN_NODE = "admin:aws:111122223333"
#: Existing-compute kinds an export format can list (others stay "possible if ..." offline).
EXPORTABLE = frozenset(
    {
        "lambda-function",
        "ec2-instance",
        "cloudformation-stack",
        "codebuild-project",
        "glue-dev-endpoint",
        "sagemaker-notebook",
        "ecs-task",
    }
)
FILLER = allow("s3:ListAllMyBuckets")
LAMBDA = "lambda.amazonaws.com"
#: Pass-role methods whose offline_note names a resource an IAM export cannot show (a queue, a stack set, a job,
#: an instance...): the README says such edges are conditional, the builder makes them certain.


def kinds(method: Method) -> list[str]:
    if method.principal_kind is PrincipalKind.ANY:
        return ["user", "role"]
    return [method.principal_kind.value]


def needs_unseen_resource(method: Method) -> bool:
    return method.offline_note is not None


def expected_conditional(method: Method) -> bool | None:
    """Offline, a method that needs a resource the export cannot show gives a conditional edge.

    None for the pass-role methods with an offline note, whose edges the builder makes certain (a bug pinned
    separately by ``test_pass_role_method_needing_an_unseen_resource_is_conditional``).
    """
    if method.target is not TargetKind.ROLE_WITH_EXISTING_RESOURCE and needs_unseen_resource(method):
        return None
    return needs_unseen_resource(method)


@dataclass
class Scenario:
    method: Method
    account: Account
    attacker: str
    #: The principal, group or policy the method is aimed at (None for new-role).
    target: str | None
    #: The existing resource running as the target, when listed in an export.
    resource: str | None = None


def build_scenario(
    method: Method,
    kind: str,
    *,
    alternative: bool = False,
    drop: int | str | None = None,
    workload: bool = False,
    broken: str | None = None,
    trust_root: bool = False,
    assume: bool = False,
) -> Scenario:
    """The minimal account for ``method``; ``drop`` = index of a group or "passrole"; ``broken`` = a target fact.

    ``trust_root``: the target role trusts the account root instead of naming the attacker (the attacker then also
    needs sts:AssumeRole in its own policy: ``assume`` adds it).
    """
    account = Account()
    attacker = arn(kind, "attacker")
    become = method.effect is Effect.BECOME_TARGET
    grant = method.effect is Effect.GRANT
    #: For grant methods: the move that lets the attacker act as the granted principal afterwards.
    route: list[dict[str, Any]] = []
    target_kind = method.target
    user_groups: list[str] = []
    target: str | None = None
    target_policy: str | None = None
    resource: str | None = None

    if target_kind is TargetKind.SELF:
        target = attacker
    elif target_kind is TargetKind.SELF_GROUP:
        target = account.group("team")
        user_groups.append("team")
    elif target_kind is TargetKind.SELF_POLICY:
        target = arn("policy", "attacker-policy")
    elif target_kind is TargetKind.GROUP and grant:
        target = account.group("team")
        route.append(allow("iam:CreateAccessKey", account.user("member", keys=1, groups=["team"])))
    elif target_kind is TargetKind.GROUP:
        target = account.group("admins", attached=[ADMIN_POLICY])
    elif target_kind in (TargetKind.USER, TargetKind.USER_WITH_LOGIN_PROFILE, TargetKind.USER_WITHOUT_LOGIN_PROFILE):
        password = target_kind is TargetKind.USER_WITH_LOGIN_PROFILE
        if broken == "login-profile":
            password = not password
        keys = 2 if broken == "access-keys" else 1
        target = account.user("victim", password=password, keys=keys, attached=[ADMIN_POLICY] if become else [])
        if grant:  # a console password for the user (CreateAccessKey would be the compound method instead)
            route.append(allow("iam:CreateLoginProfile", target))
    elif target_kind is TargetKind.ROLE:
        trusts_attacker = Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions and broken != "trust"
        attached = [ADMIN_POLICY] if become else []
        if any(g.resource is ResourceScope.TARGET_POLICY for g in method.required):
            target_policy = account.policy("target-policy", document(allow("s3:GetObject")))
            attached.append(target_policy)
        trust = trusting(root() if trust_root else attacker) if trusts_attacker else trusting_service(NEUTRAL_SERVICE)
        if grant:  # the attacker can pass the role to a function it creates and invokes
            trust = trusting_service(LAMBDA)
        target = account.role("target", trust=trust, attached=attached)
        if grant:
            route += [allow(["lambda:CreateFunction", "lambda:InvokeFunction"]), pass_role(target, LAMBDA)]
    elif target_kind is TargetKind.ROLE_TRUSTING_SERVICE:
        service = NEUTRAL_SERVICE if broken == "service" else method.service or ""
        profile = Condition.HAS_INSTANCE_PROFILE in method.conditions and broken != "instance-profile"
        target = account.role(
            "target", trust=trusting_service(service), attached=[ADMIN_POLICY], instance_profile=profile
        )
    elif target_kind is TargetKind.ROLE_WITH_EXISTING_RESOURCE:
        resource_kind = method.resource_kind or ""
        target = account.role(
            "target",
            trust=trusting_service(RESOURCE_SERVICES[resource_kind]),
            attached=[ADMIN_POLICY],
            instance_profile=resource_kind == "ec2-instance",
        )
        if workload or broken == "resource":
            runs_as = target
            if broken == "resource":  # the export lists this kind, but no resource runs as the target
                runs_as = account.role(
                    "other",
                    trust=trusting_service(RESOURCE_SERVICES[resource_kind]),
                    instance_profile=resource_kind == "ec2-instance",
                )
            resource = account.workload(resource_kind, runs_as)

    def on(scope: ResourceScope) -> str:
        if scope is ResourceScope.ANY:
            return "*"
        if scope is ResourceScope.TARGET:
            return target or "*"
        if scope is ResourceScope.TARGET_POLICY:
            return (target if target_kind is TargetKind.SELF_POLICY else target_policy) or "*"
        if scope is ResourceScope.TARGET_GROUP:
            return target or "*"
        return resource if (workload and resource) else "*"

    statements: list[dict[str, Any]] = [FILLER]
    for index, group in enumerate(method.required):
        if drop != index:
            statements.append(allow(group.actions[-1] if alternative else group.actions[0], on(group.resource)))
    if method.passrole and drop != "passrole":
        statements.append(pass_role(target or "*", method.passed_to_service))
    if assume:
        statements.append(allow("sts:AssumeRole", target or "*"))
    statements += route

    own_policies: list[str] = []
    boundary = None
    inline = statements
    if target_kind is TargetKind.SELF_POLICY:
        versions = [document(*statements)]
        if Condition.NON_DEFAULT_POLICY_VERSION in method.conditions:
            versions.append(document(allow("s3:GetObject")) if broken == "policy-version" else ALLOW_ALL)
        own_policies.append(account.policy("attacker-policy", *versions))
        inline = []
    elif method.effect is Effect.LIFT_BOUNDARY and broken != "boundary":
        # Admin by its policies, held back by a boundary that allows just the method's actions.
        boundary = account.policy("boundary", document(*statements))
        own_policies.append(ADMIN_POLICY)
        inline = []
    if kind == "user":
        account.user("attacker", *inline, keys=1, groups=user_groups, attached=own_policies, boundary=boundary)
    else:
        account.role("attacker", *inline, attached=own_policies, boundary=boundary)
    return Scenario(method=method, account=account, attacker=attacker, target=target, resource=resource)


def run(scenario: Scenario, tmp_path: Path) -> Analysis:
    return scan_account(scenario.account, tmp_path)


def expected_edge_targets(scenario: Scenario) -> set[str]:
    """Where the method's edges go: the target (become), the admin node, or both (grant, then become)."""
    if scenario.method.effect is Effect.BECOME_TARGET:
        assert scenario.target is not None
        return {scenario.target}
    if scenario.method.effect is Effect.GRANT:
        assert scenario.target is not None
        return {scenario.target, ADMIN_NODE}
    return {ADMIN_NODE}


def assert_path_found(scenario: Scenario, analysis: Analysis, *, conditional: bool | None) -> None:
    """An edge of the method from the attacker and one admin / escalation finding (``conditional=None``: either)."""
    method = scenario.method
    edges = analysis.edges(source=scenario.attacker, method=method.id)
    assert edges, f"no {method.id} edge from {scenario.attacker}: {[e.method for e in analysis.graph.edges()]}"
    assert {e.target for e in edges} == expected_edge_targets(scenario)
    assert all(e.kind is method.edge for e in edges)
    findings = analysis.findings_for(scenario.attacker, "admin-identity", "privilege-escalation")
    assert len(findings) == 1, [f.message for f in analysis.findings_for(scenario.attacker)]
    finding = findings[0]
    if conditional is None:
        assert finding.path[-1].target == ADMIN_NODE if finding.path else finding.check_id == "admin-identity"
        return
    assert {e.conditional for e in edges} == {conditional}
    if not conditional:
        assert finding.severity >= Severity.HIGH, finding.message
        if finding.check_id == "privilege-escalation":
            assert finding.path and finding.path[-1].target == ADMIN_NODE
            assert finding.evidence["conditional"] is False
        return
    note = method.offline_message(target="target", principal="attacker")
    assert note and all(note in e.reason for e in edges)
    assert finding.check_id == "privilege-escalation" and finding.severity is Severity.MEDIUM
    assert finding.evidence["conditional"] is True
    assert finding.path and finding.path[0].edge == str(method.edge) and note in finding.path[0].reason
    assert finding.path[-1].target == ADMIN_NODE


def _positive_cases() -> list[Any]:
    cases = []
    for method in GRANT_METHODS:
        for kind in kinds(method):
            cases.append(pytest.param(method, kind, id=f"{method.id}-{kind}"))
    return cases


@pytest.mark.parametrize(("method", "kind"), _positive_cases())
def test_method_gives_a_path(method: Method, kind: str, tmp_path: Path) -> None:
    scenario = build_scenario(method, kind)
    analysis = run(scenario, tmp_path)
    assert_path_found(scenario, analysis, conditional=expected_conditional(method))


@pytest.mark.parametrize(
    "method", [m for m in GRANT_METHODS if expected_conditional(m) is None], ids=lambda m: str(m.id)
)
def test_pass_role_method_needing_an_unseen_resource_is_conditional(method: Method, tmp_path: Path) -> None:
    # e.g. glue-update-job needs an existing Glue job, batch-register-job-definition a job queue: an IAM export
    # cannot show them, so the edge holds only "if ..." (the method's offline_note) and the finding is medium.
    scenario = build_scenario(method, kinds(method)[0])
    assert_path_found(scenario, run(scenario, tmp_path), conditional=True)


def _alternative_cases() -> list[Any]:
    return [
        pytest.param(m, kinds(m)[0], id=m.id)
        for m in GRANT_METHODS
        if any(len(group.actions) > 1 for group in m.required)
    ]


@pytest.mark.parametrize(("method", "kind"), _alternative_cases())
def test_method_with_another_action_of_a_group(method: Method, kind: str, tmp_path: Path) -> None:
    scenario = build_scenario(method, kind, alternative=True)
    assert_path_found(scenario, run(scenario, tmp_path), conditional=expected_conditional(method))


def _workload_cases() -> list[Any]:
    cases = []
    for method in GRANT_METHODS:
        if method.target is not TargetKind.ROLE_WITH_EXISTING_RESOURCE:
            continue
        marks = []
        if method.resource_kind not in EXPORTABLE:
            marks.append(pytest.mark.skip(reason=f"no export format lists {method.resource_kind} resources yet"))
        cases.append(pytest.param(method, id=method.id, marks=marks))
    return cases


@pytest.mark.parametrize("method", _workload_cases())
def test_existing_compute_listed_in_an_export_is_certain(method: Method, tmp_path: Path) -> None:
    scenario = build_scenario(method, kinds(method)[0], workload=True)
    analysis = run(scenario, tmp_path)
    assert scenario.resource in {w.id for w in analysis.inventory.workloads}
    assert_path_found(scenario, analysis, conditional=False)


def _negative_cases() -> list[Any]:
    cases = []
    for method in GRANT_METHODS:
        kind = kinds(method)[-1]
        drops: list[int | str] = list(range(len(method.required)))
        if method.passrole:
            drops.append("passrole")
        for drop in drops:
            label = "passrole" if drop == "passrole" else method.required[int(drop)].actions[0]
            cases.append(pytest.param(method, kind, drop, id=f"{method.id}-without-{label}"))
    return cases


@pytest.mark.parametrize(("method", "kind", "drop"), _negative_cases())
def test_method_without_one_required_permission_gives_no_edge(
    method: Method, kind: str, drop: int | str, tmp_path: Path
) -> None:
    # A trust naming the attacker's ARN lets it assume the role with no permission of its own (same account), so
    # methods that need the trust name the account root here: the identity policy must then allow sts:AssumeRole.
    via_root = Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions
    assume = via_root and method.id != "sts-assume-role"
    scenario = build_scenario(method, kind, drop=drop, trust_root=via_root, assume=assume)
    analysis = run(scenario, tmp_path)
    assert scenario.attacker in {i.id for i in analysis.inventory.identities}
    assert not analysis.edges(source=scenario.attacker, method=method.id)


def _fact(method: Method) -> list[str]:
    """The facts about the target this method depends on (each one broken in a twin)."""
    facts = []
    if Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
        facts.append("trust")
    if Condition.HAS_INSTANCE_PROFILE in method.conditions:
        facts.append("instance-profile")
    if Condition.FEWER_THAN_TWO_ACCESS_KEYS in method.conditions:
        facts.append("access-keys")
    if Condition.NON_DEFAULT_POLICY_VERSION in method.conditions:
        facts.append("policy-version")
    if Condition.HAS_PERMISSIONS_BOUNDARY in method.conditions:
        facts.append("boundary")
    if method.target in (TargetKind.USER_WITH_LOGIN_PROFILE, TargetKind.USER_WITHOUT_LOGIN_PROFILE):
        facts.append("login-profile")
    if method.target is TargetKind.ROLE_TRUSTING_SERVICE:
        facts.append("service")
    if method.target is TargetKind.ROLE_WITH_EXISTING_RESOURCE and method.resource_kind in EXPORTABLE:
        facts.append("resource")
    return facts


@pytest.mark.parametrize(
    ("method", "broken"),
    [pytest.param(m, fact, id=f"{m.id}-{fact}") for m in GRANT_METHODS for fact in _fact(m)],
)
def test_method_whose_target_lacks_a_needed_fact_gives_no_edge(method: Method, broken: str, tmp_path: Path) -> None:
    scenario = build_scenario(method, kinds(method)[0], broken=broken)
    analysis = run(scenario, tmp_path)
    edges = analysis.edges(source=scenario.attacker, method=method.id)
    if broken == "resource":  # the listed resource runs as another role: that one is reachable, the target not
        assert [e.target for e in edges] == [arn("role", "other")]
        assert not edges[0].conditional
    else:
        assert not edges


def test_every_grant_method_is_covered() -> None:
    covered = {p.values[0].id for p in _positive_cases()}
    assert covered == {m.id for m in GRANT_METHODS}
    assert len(covered) + len(FEDERATED) == len(METHODS) >= 45
    assert {m.category for m in GRANT_METHODS} == set(Category)


@pytest.mark.parametrize("method", FEDERATED, ids=lambda m: m.id)
def test_federated_methods_come_from_trust_policies_not_grants(method: Method, tmp_path: Path) -> None:
    account = Account()
    provider = (
        arn("saml-provider", "okta")
        if "saml" in method.id
        else arn("oidc-provider", "token.actions.githubusercontent.com")
    )
    action = method.required[0].actions[0]
    target = account.role(
        "target", trust=trust_document({"Federated": provider}, action=action), attached=[ADMIN_POLICY]
    )
    attacker = account.role("attacker", allow(action, target), allow(action))
    analysis = scan_account(account, tmp_path)
    assert not analysis.edges(method=method.id)
    assert not [e for e in analysis.edges(source=attacker) if e.target == target]
    federates = [e for e in analysis.graph.edges() if e.kind is EdgeKind.FEDERATES and e.target == target]
    expected = f"issuer:{provider.split(':oidc-provider/', 1)[1]}" if "oidc" in provider else f"issuer:{provider}"
    assert [e.source for e in federates] == [expected]
    assert analysis.graph.node_kind(expected) is NodeKind.ISSUER


TRUST_METHODS = [m for m in GRANT_METHODS if Condition.TRUST_ALLOWS_PRINCIPAL in m.conditions]


@pytest.mark.parametrize("method", TRUST_METHODS, ids=lambda m: m.id)
@pytest.mark.parametrize("assume", [True, False], ids=["with-sts-assume-role", "without-sts-assume-role"])
def test_trust_of_the_account_root_needs_sts_assume_role_in_the_identity_policy(
    method: Method, assume: bool, tmp_path: Path
) -> None:
    # sts-assume-role holds sts:AssumeRole as its own required action: "without" drops that group.
    own = method.id == "sts-assume-role"
    scenario = build_scenario(
        method, kinds(method)[0], trust_root=True, assume=assume and not own, drop=None if assume or not own else 0
    )
    analysis = run(scenario, tmp_path)
    edges = analysis.edges(source=scenario.attacker, method=method.id)
    assert bool(edges) is assume
    if assume:
        assert_path_found(scenario, analysis, conditional=False)
