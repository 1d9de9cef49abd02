"""Which identities a method can be aimed at, and the resource each required action is checked on.

A `Candidate` is one target with the facts the method's conditions ask about. Facts unknown offline (a login
profile when there is no credential report, a compute resource an IAM export cannot show) make the edge
conditional, never silently true or silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nhi_scan.escalation.aws.catalog import Condition, Method, TargetKind
from nhi_scan.escalation.aws.decisions import from_flag, worst
from nhi_scan.escalation.aws.index import InventoryIndex
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.model import IdentityKind, PolicyKind
from nhi_scan.policy.aws.tri import Decision

#: Service principal whose roles run each kind of existing compute (used when the export lists no resources).
RESOURCE_SERVICES = {
    "lambda-function": "lambda.amazonaws.com",
    "ec2-instance": "ec2.amazonaws.com",
    "ec2-launch-template": "ec2.amazonaws.com",
    "codedeploy-deployment-group": "ec2.amazonaws.com",
    "cloudformation-stack": "cloudformation.amazonaws.com",
    "codebuild-project": "codebuild.amazonaws.com",
    "glue-dev-endpoint": "glue.amazonaws.com",
    "sagemaker-notebook": "sagemaker.amazonaws.com",
    "ecs-task": "ecs-tasks.amazonaws.com",
    "apprunner-service": "tasks.apprunner.amazonaws.com",
    "bedrock-agentcore-code-interpreter": "bedrock-agentcore.amazonaws.com",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    target: str
    #: Resource ARN for each resource kind the method's groups name ("target", "target-policy", ...).
    resources: dict[str, tuple[str, ...]]
    #: Decision of the target's own facts (login profile, key count, instance profile...).
    facts: Decision
    note: str | None = None


def _facts(method: Method, index: InventoryIndex, target: str) -> Decision:
    checks: list[Decision] = []
    for condition in method.conditions:
        if condition is Condition.FEWER_THAN_TWO_ACCESS_KEYS:
            known = index.login_profile(target) is not None or index.active_keys(target) > 0
            checks.append(from_flag(index.active_keys(target) < 2 if known else None))
        elif condition is Condition.HAS_INSTANCE_PROFILE:
            checks.append(from_flag(bool(index.instance_profiles(target))))
        elif condition is Condition.HAS_PERMISSIONS_BOUNDARY:
            checks.append(from_flag(bool(index.identities[target].attributes.get("permissions_boundary"))))
    if method.target is TargetKind.USER_WITH_LOGIN_PROFILE:
        checks.append(from_flag(index.login_profile(target)))
    elif method.target is TargetKind.USER_WITHOUT_LOGIN_PROFILE:
        profile = index.login_profile(target)
        checks.append(from_flag(None if profile is None else not profile))
    return worst(checks)


def self_candidates(method: Method, index: InventoryIndex, source: Source) -> Iterator[Candidate]:
    """Targets of methods aimed at the source itself: its own ARN, groups, policies, or a role it creates."""
    identity = source.identity
    kind = method.target
    if source.is_group:
        return
    if kind is TargetKind.SELF:
        yield Candidate(identity.id, {"target": (identity.id,)}, _facts(method, index, identity.id))
    elif kind is TargetKind.SELF_GROUP:
        for group in identity.groups:
            yield Candidate(group, {"target-group": (group,), "target": (group,)}, Decision.ALLOW)
    elif kind is TargetKind.SELF_POLICY:
        for policy in _customer_policies(index, identity.id):
            yield Candidate(policy, {"target-policy": (policy,)}, Decision.ALLOW)
    elif kind is TargetKind.NEW_ROLE:
        yield Candidate(identity.id, {}, Decision.ALLOW)


SELF_KINDS = frozenset({TargetKind.SELF, TargetKind.SELF_GROUP, TargetKind.SELF_POLICY, TargetKind.NEW_ROLE})
USER_KINDS = frozenset({TargetKind.USER, TargetKind.USER_WITH_LOGIN_PROFILE, TargetKind.USER_WITHOUT_LOGIN_PROFILE})


def pool(method: Method, index: InventoryIndex, account: str) -> list[Candidate]:
    """Every other-principal target of the method in one account, whoever the source is (shared, cacheable)."""
    kind = method.target
    where = index.in_account(account)
    if kind is TargetKind.GROUP:
        return [Candidate(g, {"target-group": (g,), "target": (g,)}, Decision.ALLOW) for g in where.groups]
    if kind is TargetKind.ROLE_WITH_EXISTING_RESOURCE:
        return list(_existing_compute(method, index, account))
    if kind in USER_KINDS:
        targets = where.users
    elif kind is TargetKind.ROLE:
        targets = where.roles
    elif kind is TargetKind.ROLE_TRUSTING_SERVICE:
        targets = where.roles_by_service.get(method.service or "", [])
    else:
        return []
    # Changing a managed policy of the target needs one: targets without a customer-managed policy are out.
    needs_policy = any(group.resource.value == "target-policy" for group in method.required)
    result = []
    for target in targets:
        resources = _resources_for(method, index, target)
        if needs_policy and not resources.get("target-policy"):
            continue
        facts, note = _facts(method, index, target), None
        if method.offline_note:
            # The method also needs a resource an IAM export cannot show (a running instance, a job...).
            facts = worst([facts, Decision.CONDITIONAL])
            note = method.offline_message(target=index.identities[target].name, principal="{principal}")
        result.append(Candidate(target, resources, facts, note))
    return result


def pool_shape(method: Method) -> tuple[object, ...] | None:
    """What a method's pool depends on, so methods of the same shape share one pool; None when it is the method's
    own (offline notes name the method, existing-compute pools its resource kind)."""
    if method.offline_note is not None or method.target is TargetKind.ROLE_WITH_EXISTING_RESOURCE:
        return None
    needs_policy = any(group.resource.value == "target-policy" for group in method.required)
    return (method.target, method.service, method.conditions, needs_policy)


def probe_prefix(method: Method, account: str, resource: str) -> str | None:
    """ARN prefix every target of this resource kind shares (to test whether a permission covers them all)."""
    if resource == "target-policy":
        return f"arn:aws:iam::{account}:policy/"
    if resource == "target-group":
        return f"arn:aws:iam::{account}:group/"
    if resource != "target":
        return None
    if method.target in USER_KINDS:
        return f"arn:aws:iam::{account}:user/"
    if method.target is TargetKind.GROUP:
        return f"arn:aws:iam::{account}:group/"
    return f"arn:aws:iam::{account}:role/"


def _resources_for(method: Method, index: InventoryIndex, target: str) -> dict[str, tuple[str, ...]]:
    resources: dict[str, tuple[str, ...]] = {"target": (target,)}
    if any(group.resource.value == "target-policy" for group in method.required):
        resources["target-policy"] = tuple(_customer_policies(index, target))
    return resources


def _customer_policies(index: InventoryIndex, principal: str) -> Iterator[str]:
    """Customer-managed policies attached to ``principal`` directly or through its groups, once each."""
    seen: set[str] = set()
    for grant in index.grants.get(principal, ()):
        if grant.policy_kind is not PolicyKind.MANAGED or grant.policy_id in seen:
            continue
        policy = index.policies.get(grant.policy_id)
        if policy is not None and not policy.provider_managed:
            seen.add(grant.policy_id)
            yield grant.policy_id


def _existing_compute(method: Method, index: InventoryIndex, account: str) -> Iterator[Candidate]:
    kind = method.resource_kind or ""
    if (kind, account) in index.workload_kinds:
        for role in index.in_account(account).roles:
            resources = tuple(index.workloads.get((kind, role), ()))
            if resources:
                yield Candidate(role, {"existing-resource": resources, "target": (role,)}, Decision.ALLOW)
        return
    service = RESOURCE_SERVICES.get(kind)
    if service is None:
        return
    for role in index.in_account(account).roles_by_service.get(service, []):
        if kind == "ec2-instance" and not index.instance_profiles(role):
            continue  # no instance can run as a role that is in no instance profile
        note = method.offline_message(target=index.identities[role].name, principal="{principal}")
        yield Candidate(role, {"existing-resource": (), "target": (role,)}, Decision.CONDITIONAL, note)


def principal_kind_fits(method: Method, source: Source) -> bool:
    wanted = method.principal_kind.value
    if wanted == "any":
        return True
    return source.identity.kind is (IdentityKind.USER if wanted == "user" else IdentityKind.ROLE)
