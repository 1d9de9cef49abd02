"""Shared by the AWS over-privilege checks: whom they judge, and how their findings say what is effectively allowed
on ``Resource: "*"`` (computed by ``policy.aws.unscoped``, once per shared policy set)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import admin_nodes, direct_admin_edge, machine_principals
from nhi_scan.connectors.aws import AWS
from nhi_scan.escalation.aws.build import AwsAnalysis
from nhi_scan.model import Finding, Identity, Severity
from nhi_scan.policy.aws.compiled import CompiledStatement
from nhi_scan.policy.aws.permissions import ActionQuery, PrincipalPermissions
from nhi_scan.policy.aws.tri import Decision, Tri
from nhi_scan.policy.aws.unscoped import Matcher, PolicySetMemo, StarStatement, Unscoped, unscoped_actions

#: Services whose unrestricted use is high risk: identity and credentials (iam, sts, sso, organizations), secrets and
#: keys (secretsmanager, ssm, kms), running code as other roles or on hosts (lambda, ec2, ecs, eks, cloudformation),
#: the audit trail (cloudtrail) and bulk data (s3, dynamodb, rds). Order = order of examples in evidence.
SENSITIVE_SERVICES: tuple[str, ...] = (
    "iam",
    "sts",
    "organizations",
    "sso",
    "kms",
    "secretsmanager",
    "ssm",
    "lambda",
    "ec2",
    "ecs",
    "eks",
    "cloudformation",
    "cloudtrail",
    "s3",
    "dynamodb",
    "rds",
)
_RANK = {service: rank for rank, service in enumerate(SENSITIVE_SERVICES)}

#: Most examples / services listed in one finding's evidence (counts stay exact).
MAX_EXAMPLES = 10


@cache
def service_rank(name: str) -> tuple[int, str]:
    """Sort key: sensitive services first (in ``SENSITIVE_SERVICES`` order), then alphabetical."""
    service = name.partition(":")[0].lower()
    return _RANK.get(service, len(_RANK)), name.lower()


def one_step_lower(severity: Severity) -> Severity:
    """Severity for a finding that holds only if conditions unknown offline hold."""
    return Severity(max(Severity.INFO, severity - 1))


def kind_label(identity: Identity) -> str:
    return identity.kind.value.capitalize()


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """What a finding says, computed once per policy set: principals sharing it get the same text and evidence.

    The evidence mapping (and the lists in it) is shared by every finding built from it: read-only by convention.
    """

    #: The message after the identity's kind and name, e.g. 'may use entire AWS services ...'.
    message: str
    evidence: Mapping[str, Any]
    severity: Severity

    def finding(self, check: Check, identity: Identity) -> Finding:
        return check.finding(
            subject=identity.id,
            identity=identity,
            message=f"{kind_label(identity)} {identity.name} {self.message}",
            evidence={**self.evidence, "machine_reason": identity.machine_reason},
            severity=self.severity,
        )


_SUBJECTS_MEMO = "over-privilege-subjects"


def aws_analysis(context: CheckContext) -> AwsAnalysis | None:
    """The AWS analysis of the scan (None when no AWS scope was scanned)."""
    found = context.analyses.get(AWS)
    return found if isinstance(found, AwsAnalysis) else None


def subjects(context: CheckContext) -> list[tuple[Identity, PrincipalPermissions]]:
    """AWS machine principals with evaluated permissions, minus those the admin-identity check already reports
    (admin-equivalent, or able to grant itself anything: the same edges it reads). Computed once per graph."""
    aws = aws_analysis(context)
    if aws is None:
        return []
    found = context.graph.memo.get(_SUBJECTS_MEMO)
    if isinstance(found, list):
        return found
    reported = _admin_reported(context)
    found = []
    for identity in machine_principals(context):
        permissions = aws.permissions(identity.id) if identity.provider is AWS else None
        if permissions is None or identity.id in reported:
            continue
        if aws.admin.get(identity.id, Decision.IMPLICIT_DENY).possible:
            continue
        found.append((identity, permissions))
    context.graph.memo[_SUBJECTS_MEMO] = found
    return found


def subject_ids(context: CheckContext) -> frozenset[str]:
    """Ids of ``subjects``: what early findings computed before the graph was complete are filtered by."""
    return frozenset(identity.id for identity, _ in subjects(context))


def _admin_reported(context: CheckContext) -> frozenset[str]:
    """Identities with a direct admin edge, found from the few edges into the admin targets."""
    graph = context.graph
    goals = admin_nodes(graph)
    sources = {edge.source for goal in goals for edge in graph.edges_to(goal)}
    return frozenset(source for source in sources if direct_admin_edge(graph, source, goals))


def explain(grants: Iterable[Unscoped]) -> list[dict[str, Any]]:
    """Evidence rows: action, whether conditional, and the reason as a full evaluation on ``"*"`` states it."""
    return [{"action": g.action, "conditional": g.conditional, "reason": g.reason()} for g in grants]


def statement_label(source_statement: CompiledStatement) -> str:
    """The Sid when there is one, else the statement's index in its policy ("#2")."""
    return source_statement.sid or f"#{source_statement.index}"


def granting_statements(grants: Iterable[Unscoped]) -> list[dict[str, Any]]:
    """The identity-policy statements behind a set of actions: policy, statement, how many actions each grants."""
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for grant in grants:
        for entry in grant.allowed_by:
            key = (id(entry.source), id(entry.statement))
            row = rows.get(key)
            if row is None:
                row = {
                    "policy": entry.source.describe(),
                    "policy_id": entry.source.policy_id,
                    "statement": statement_label(entry.statement),
                    "statement_index": entry.statement.index,
                    "actions": 0,
                    "conditional": entry.outcome is not Tri.TRUE,
                }
                rows[key] = row
            row["actions"] += 1
    return sorted(rows.values(), key=lambda r: (-r["actions"], r["policy"], r["statement_index"]))


def policy_names(statements: Iterable[dict[str, Any]]) -> list[str]:
    """Distinct policy descriptions, in the order given."""
    return list(dict.fromkeys(str(s["policy"]) for s in statements))


def unscoped_summaries(
    context: CheckContext, actions: Iterable[str], summarise: Callable[[dict[str, Unscoped]], Summary | None]
) -> Iterable[tuple[Identity, Summary]]:
    """Each judged identity with the summary of ``actions`` it may perform on "*" (computed once per statement set)."""
    if aws_analysis(context) is None:
        return
    matcher = Matcher(ActionQuery.of(list(actions)))

    def compute(permissions: PrincipalPermissions, statements: tuple[StarStatement, ...]) -> Summary | None:
        return summarise(unscoped_actions(permissions, statements, matcher))

    memo = PolicySetMemo(context.graph.memo, compute, matcher.narrow)
    for identity, permissions in subjects(context):
        summary = memo(permissions)
        if summary is not None:
            yield identity, summary
