"""Hub nodes (one shared node standing for "every role Lambda may assume"...) must give the same answers as judging
each target, and keep the graph linear: a 2,000-principal account builds fast with edges proportional to
principals.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from nhi_scan.graph import NodeKind
from nhi_scan.model import Severity
from tests.escalation.accounts import (
    ACCOUNT,
    ADMIN_POLICY,
    Account,
    Analysis,
    allow,
    analyse,
    deny,
    document,
    pass_role,
    scan_account,
    trusting_service,
)

LAMBDA = "lambda.amazonaws.com"
EC2 = "ec2.amazonaws.com"
ADMIN_NODE = f"admin:aws:{ACCOUNT}"
#: Enough targets of one kind for the builder to use a hub; the small size judges every target on its own.
SIZES = [pytest.param(3, id="per-target"), pytest.param(20, id="hub")]


def reaches_admin(analysis: Analysis, subject: str) -> bool:
    return bool(analysis.findings_for(subject, "privilege-escalation", "admin-identity"))


@pytest.mark.parametrize("size", SIZES)
def test_passrole_on_any_role_reaches_the_admin_function_role(size: int, tmp_path: Path) -> None:
    account = Account()
    roles = [
        account.role(f"fn-{n:02d}", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY] if n == 0 else [])
        for n in range(size)
    ]
    attacker = account.role(
        "attacker", allow(["lambda:CreateFunction", "lambda:InvokeFunction"]), allow("iam:PassRole")
    )
    analysis = scan_account(account, tmp_path)
    [finding] = analysis.findings_for(attacker, "privilege-escalation")
    assert finding.severity is Severity.HIGH
    assert [(h.source, h.target, h.edge) for h in finding.path] == [
        (attacker, roles[0], "CAN_PASS_ROLE"),
        (roles[0], ADMIN_NODE, "ADMIN_OF"),
    ]
    assert "iam:PassRole" in finding.path[0].reason
    hubs = [n for n in analysis.graph.nx.nodes if analysis.graph.node_kind(n) is NodeKind.HUB]
    assert bool(hubs) is (size >= 16)
    moves = analysis.findings_for(attacker, "lateral-movement")
    assert not moves  # reaching admin is reported as escalation, not as lateral movement


@pytest.mark.parametrize("size", SIZES)
def test_deny_on_the_admin_role_holds_with_many_targets(size: int, tmp_path: Path) -> None:
    account = Account()
    roles = [
        account.role(f"fn-{n:02d}", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY] if n == 0 else [])
        for n in range(size)
    ]
    attacker = account.role(
        "attacker",
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
        allow("iam:PassRole"),
        deny("iam:PassRole", roles[0]),
    )
    analysis = scan_account(account, tmp_path)
    assert not reaches_admin(analysis, attacker)
    [moves] = analysis.findings_for(attacker, "lateral-movement")
    assert moves.evidence["count"] == size - 1


@pytest.mark.parametrize("size", SIZES)
def test_users_with_two_keys_are_not_reachable_by_create_access_key(size: int, tmp_path: Path) -> None:
    account = Account()
    for n in range(size):
        account.user(f"user-{n:02d}", keys=2, attached=[ADMIN_POLICY] if n == 0 else [])
    attacker = account.role("attacker", allow("iam:CreateAccessKey"))
    analysis = scan_account(account, tmp_path)
    assert not reaches_admin(analysis, attacker)
    assert not analysis.findings_for(attacker)


@pytest.mark.parametrize("size", SIZES)
def test_users_without_login_profile_are_not_reachable_by_update_login_profile(size: int, tmp_path: Path) -> None:
    account = Account()
    for n in range(size):
        account.user(f"user-{n:02d}", password=False, attached=[ADMIN_POLICY] if n == 0 else [])
    attacker = account.role("attacker", allow("iam:UpdateLoginProfile"))
    analysis = scan_account(account, tmp_path)
    assert not analysis.findings_for(attacker)


@pytest.mark.parametrize("size", SIZES)
def test_roles_without_instance_profile_are_not_reachable_by_run_instances(size: int, tmp_path: Path) -> None:
    account = Account()
    for n in range(size):
        account.role(f"ec2-{n:02d}", trust=trusting_service(EC2), attached=[ADMIN_POLICY] if n == 0 else [])
    attacker = account.role("attacker", allow("ec2:RunInstances"), allow("iam:PassRole"))
    analysis = scan_account(account, tmp_path)
    assert not analysis.findings_for(attacker)


@pytest.mark.parametrize("size", SIZES)
def test_update_function_code_on_one_function_reaches_only_its_role(size: int, tmp_path: Path) -> None:
    account = Account()
    functions = []
    for n in range(size):
        role = account.role(f"fn-{n:02d}", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY] if n == 0 else [])
        functions.append((role, account.workload("lambda-function", role, f"function-{n:02d}")))
    app_role, app_function = functions[1]
    attacker = account.role("attacker", allow("lambda:UpdateFunctionCode", app_function))
    analysis = scan_account(account, tmp_path)
    assert not reaches_admin(analysis, attacker)
    [moves] = analysis.findings_for(attacker, "lateral-movement")
    assert [t["identity"] for t in moves.evidence["targets"]] == [app_role]


# --- scale ---------------------------------------------------------------------------------------------------------

PRINCIPALS = 2_000
PASSERS = 200
FUNCTION_ROLES = 300
#: Generous bounds: the build takes well under a second here; the bound only catches a quadratic regression.
BUILD_SECONDS = 30.0
EDGES_PER_PRINCIPAL = 4


def large_account() -> tuple[Account, list[str], list[str]]:
    account = Account()
    reader = account.policy("reader", document(allow(["s3:GetObject", "s3:ListBucket", "logs:PutLogEvents"])))
    builder = account.policy(
        "builder", document(allow(["lambda:CreateFunction", "lambda:InvokeFunction"]), pass_role("*", LAMBDA))
    )
    function_roles = [
        account.role(f"fn-{n:03d}", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY] if n == 7 else [reader])
        for n in range(FUNCTION_ROLES)
    ]
    passers = [account.role(f"deployer-{n:03d}", attached=[builder]) for n in range(PASSERS // 2)]
    passers += [account.user(f"deploy-bot-{n:03d}", attached=[builder], keys=1) for n in range(PASSERS // 2)]
    rest = PRINCIPALS - FUNCTION_ROLES - PASSERS
    for n in range(rest // 2):
        account.role(f"worker-{n:04d}", attached=[reader])
        account.user(f"svc-{n:04d}", attached=[reader], keys=1)
    return account, passers, function_roles


def test_two_thousand_principals_build_fast_with_linear_edges(tmp_path: Path) -> None:
    account, passers, function_roles = large_account()
    directory = account.write(tmp_path)
    started = time.perf_counter()
    analysis = analyse(directory)
    elapsed = time.perf_counter() - started
    principals = [i for i in analysis.inventory.identities if i.kind.value in ("user", "role")]
    assert len(principals) == PRINCIPALS
    assert elapsed < BUILD_SECONDS
    edges = analysis.graph.nx.number_of_edges()
    assert edges < EDGES_PER_PRINCIPAL * PRINCIPALS, edges
    escalation_edges = [e for e in analysis.graph.edges() if e.method == "lambda-create-function-invoke"]
    # Without hubs this would be 200 x 300 = 60,000 edges for this method alone.
    assert len(escalation_edges) <= PASSERS * 4
    admin_role = function_roles[7]
    subjects = {f.subject for f in analysis.findings if f.check_id == "privilege-escalation"}
    assert set(passers) <= subjects
    sample = next(f for f in analysis.findings if f.check_id == "privilege-escalation" and f.subject == passers[0])
    assert [(h.source, h.target) for h in sample.path] == [(passers[0], admin_role), (admin_role, ADMIN_NODE)]


@pytest.mark.parametrize("pattern", ["role/*-*", "role/*e*"])
@pytest.mark.parametrize("size", SIZES)
def test_passrole_pattern_that_misses_the_admin_role(pattern: str, size: int, tmp_path: Path) -> None:
    account = Account()
    for n in range(size):
        account.role(f"fn-{n:02d}", trust=trusting_service(LAMBDA))
    account.role("admin", trust=trusting_service(LAMBDA), attached=[ADMIN_POLICY])  # no "-", no "e"
    attacker = account.role(
        "attacker",
        allow(["lambda:CreateFunction", "lambda:InvokeFunction"]),
        allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:{pattern}"),
    )
    analysis = scan_account(account, tmp_path)
    assert not reaches_admin(analysis, attacker)


@pytest.mark.parametrize("roles", [pytest.param(3, id="few-roles-judged-one-by-one"), pytest.param(12, id="hub")])
def test_callers_covering_a_name_prefix_reach_its_roles_and_no_others(roles: int, tmp_path: Path) -> None:
    """20 callers (enough for the account hub) allowed sts:AssumeRole on role/orders-*; roles trust the account.

    Each orders role is reachable by each caller; other roles are not; the admin one is reached through it. With many
    roles under the prefix, one hub per prefix keeps edges at callers + roles instead of callers x roles.
    """
    from tests.escalation.accounts import arn, root, trusting

    account = Account()
    for number in range(roles):
        account.role(f"orders-{number}", trust=trusting(root()))
    admin_role = account.role("orders-admin", trust=trusting(root()), attached=[ADMIN_POLICY])
    other = account.role("billing-admin", trust=trusting(root()), attached=[ADMIN_POLICY])
    guarded = account.role("orders-guarded", trust=trusting(root()))
    callers = [
        account.role(
            f"caller-{number}",
            allow("sts:AssumeRole", arn("role", "orders-*")),
            deny("sts:AssumeRole", guarded) if number == 0 else allow("s3:GetObject"),
        )
        for number in range(20)
    ]
    analysis = scan_account(account, tmp_path)
    graph = analysis.graph

    def assumable(caller: str) -> set[str]:
        """Roles one sts:AssumeRole away (a hub standing for its members)."""
        found = set()
        for edge in graph.edges_from(caller):
            if edge.method != "sts-assume-role" or edge.conditional:
                continue
            if graph.node_kind(edge.target) is NodeKind.HUB:
                found |= {e.target for e in graph.edges_from(edge.target) if not e.conditional}
            else:
                found.add(edge.target)
        return found

    for number, caller in enumerate(callers):
        reached = assumable(caller)
        assert admin_role in reached and other not in reached
        assert all(arn("role", f"orders-{n}") in reached for n in range(roles))
        assert (guarded in reached) is (number != 0), "a Deny on one role keeps that caller judged role by role"
        assert reaches_admin(analysis, caller)
    prefix_hubs = [n for n in analysis.graph.nx.nodes if ":prefix:" in str(n)]
    assume_edges = [e for e in analysis.graph.edges() if e.method == "sts-assume-role" and e.source in callers]
    if roles >= 8:
        assert len(prefix_hubs) == 1 and analysis.graph.node_kind(prefix_hubs[0]) is NodeKind.HUB
        assert len(assume_edges) < 20 + 2 * (roles + 2)
    else:
        assert not prefix_hubs
