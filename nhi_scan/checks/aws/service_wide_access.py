"""A machine identity allowed a whole AWS service (``s3:*``, ``*``, ``NotAction``...) on ``Resource: "*"``.

A service counts when an identity-policy Allow statement with ``Resource: "*"`` covers every catalogue action of
the service, and the grant survives the rest of the evaluation on ``"*"``: with the statements that apply to
``"*"`` (the same ones, with the same outcomes, that ``allows(action, "*")`` reads), the actions allowed by every
layer (identity, boundary, SCP levels) minus those denied still hold at least ``MIN_SHARE`` of the service's
actions. So ``Deny s3:*`` (in any policy), a boundary without s3, or an SCP removing it suppresses the finding; a
Deny of a few dangerous actions does not (the evidence gives the share left). Evaluated on catalogue sets, once per
group of principals with the same relevant statements, so 100k principals cost what their distinct policies cost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._privilege import (
    MAX_EXAMPLES,
    SENSITIVE_SERVICES,
    Summary,
    aws_analysis,
    one_step_lower,
    service_rank,
    statement_label,
    subject_ids,
    subjects,
)
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.actionset import ActionSet
from nhi_scan.policy.aws.compiled import CompiledStatement
from nhi_scan.policy.aws.patterns import has_wildcard
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.tri import Tri
from nhi_scan.policy.aws.unscoped import PolicySetMemo, Relevant, StarStatement

#: Share of a service's actions that must stay allowed on "*" for the grant to still count as service-wide.
MIN_SHARE = 0.5
#: Most services listed per evidence list (counts stay exact).
MAX_LISTED = 25


class _WideServices:
    """Services a statement covers entirely (memoised per compiled statement: statements are shared)."""

    def __init__(self) -> None:
        self._found: dict[int, tuple[CompiledStatement, frozenset[str]]] = {}

    def __call__(self, statement: CompiledStatement) -> frozenset[str]:
        hit = self._found.get(id(statement))
        if hit is not None and hit[0] is statement:
            return hit[1]
        result = _wide_services(statement)
        self._found[id(statement)] = (statement, result)
        return result


def _wide_services(statement: CompiledStatement) -> frozenset[str]:
    wild = [a for a in statement.actions if has_wildcard(a)]
    if not statement.not_action and not wild:
        return frozenset()
    named = {a.partition(":")[0] for a in wild}
    broad = statement.not_action or any(":" not in a or has_wildcard(a.partition(":")[0]) for a in wild)
    pool = catalog.services() if broad else named
    cover = statement.catalogue_cover()
    return frozenset(s for s in pool if (actions := catalog.service_actions(s)) and cover.includes_all(actions))


def _effective(statements: Sequence[StarStatement], layers: int) -> tuple[ActionSet, ActionSet]:
    """(possible, certain) catalogue actions allowed on "*" by every layer and not denied there."""
    possible = [ActionSet.empty() for _ in range(layers)]
    certain = [ActionSet.empty() for _ in range(layers)]
    deny_possible, deny_certain = ActionSet.empty(), ActionSet.empty()
    for entry in statements:
        cover, index = entry.statement.catalogue_cover(), entry.layer
        if entry.statement.allow:
            possible[index] = possible[index].union(cover)
            if entry.outcome is Tri.TRUE:
                certain[index] = certain[index].union(cover)
        else:
            deny_possible = deny_possible.union(cover)
            if entry.outcome is Tri.TRUE:
                deny_certain = deny_certain.union(cover)
    weak, strong = ActionSet.everything(), ActionSet.everything()
    for index in range(layers):
        weak, strong = weak.intersection(possible[index]), strong.intersection(certain[index])
    return weak.difference(deny_certain), strong.difference(deny_possible)


def _held(actions: frozenset[str], allowed: ActionSet) -> int:
    """How many of ``actions`` the set holds (``&`` walks the smaller side: cheap for NotAction complements)."""
    common = len(actions & allowed.names)
    return len(actions) - common if allowed.complement else common


@dataclass(frozen=True, slots=True)
class _Effect:
    """The candidate services still effectively granted on "*", sensitive ones first."""

    services: tuple[str, ...]
    granted: frozenset[str]
    #: Services with less than all their actions left (service, share).
    partial: tuple[tuple[str, float], ...]
    #: Services allowed only if conditions unknown offline hold.
    conditional: tuple[str, ...]


class _Effects:
    """Memoised on (candidate services, effective sets): different statement groups often end with equal sets
    (an inline policy beside a broad managed one adds nothing), so the per-service counting is shared."""

    def __init__(self) -> None:
        self._found: dict[tuple[frozenset[str], ActionSet, ActionSet], _Effect] = {}

    def __call__(self, services: frozenset[str], possible: ActionSet, certain: ActionSet) -> _Effect:
        key = (services, possible, certain)
        found = self._found.get(key)
        if found is None:
            found = _effect(services, possible, certain)
            self._found[key] = found
        return found


def _effect(services: frozenset[str], possible: ActionSet, certain: ActionSet) -> _Effect:
    kept: list[str] = []
    partial: list[tuple[str, float]] = []
    conditional: list[str] = []
    for service in sorted(services, key=service_rank):
        actions = catalog.service_actions(service)
        held = _held(actions, possible)
        if held < MIN_SHARE * len(actions):
            continue
        kept.append(service)
        if held < len(actions):
            partial.append((service, round(held / len(actions), 3)))
        if _held(actions, certain) < MIN_SHARE * len(actions):
            conditional.append(service)
    return _Effect(tuple(kept), frozenset(kept), tuple(partial), tuple(conditional))


def _is_candidate(entry: StarStatement, wide: _WideServices) -> bool:
    statement = entry.statement
    return entry.layer == 0 and statement.allow and statement.covers_all_resources and bool(wide(statement))


def _relevant(wide: _WideServices) -> Relevant:
    """Candidates, every Deny and every boundary / SCP statement; other identity Allows only add actions, which
    matters only when a candidate is conditional (they may make its services certain)."""

    def narrow(statements: tuple[StarStatement, ...]) -> tuple[StarStatement, ...]:
        candidates = [s for s in statements if _is_candidate(s, wide)]
        if not candidates:
            return ()
        everything = any(c.outcome is not Tri.TRUE for c in candidates)
        return tuple(
            s for s in statements if everything or s.layer > 0 or not s.statement.allow or _is_candidate(s, wide)
        )

    return narrow


def _summary(
    statements: tuple[StarStatement, ...], layers: int, wide: _WideServices, effects: _Effects
) -> Summary | None:
    candidates = [(entry, wide(entry.statement)) for entry in statements if _is_candidate(entry, wide)]
    if not candidates:
        return None
    possible, certain = _effective(statements, layers)
    effect = effects(frozenset().union(*(services for _, services in candidates)), possible, certain)
    if not effect.services:
        return None
    rows = [_statement_row(entry, services, effect) for entry, services in candidates]
    rows = [row for row in rows if row["service_count"]]
    names = effect.services
    conditional = len(effect.conditional) == len(names)
    sensitive = [n for n in names if n in SENSITIVE_SERVICES]
    severity = Severity.HIGH if sensitive else Severity.MEDIUM
    shown = names[:MAX_EXAMPLES]
    more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
    qualifier = " if conditions unknown offline hold" if conditional else ""
    policies = ", ".join(dict.fromkeys(str(row["policy"]) for row in rows))
    return Summary(
        message=(
            f"may use entire AWS services on every resource{qualifier}: {', '.join(shown)}{more}. "
            f"Granted by {policies}."
        ),
        evidence={
            "resource": "*",
            "services": list(names[:MAX_LISTED]),
            "service_count": len(names),
            "sensitive_services": sensitive,
            "statements": rows,
            "partial": [{"service": service, "share": share} for service, share in effect.partial[:MAX_LISTED]],
            "conditional_services": list(effect.conditional[:MAX_LISTED]),
            "conditional": conditional,
        },
        severity=one_step_lower(severity) if conditional else severity,
    )


def _statement_row(entry: StarStatement, services: frozenset[str], effect: _Effect) -> dict[str, Any]:
    """One granting statement: where it is, what it says, and which of its whole services remain effective."""
    statement = entry.statement
    granted = services & effect.granted
    listed = list(islice((name for name in effect.services if name in granted), MAX_LISTED))
    return {
        "policy": entry.source.describe(),
        "policy_id": entry.source.policy_id,
        "statement": statement_label(statement),
        "statement_index": statement.index,
        "NotAction" if statement.not_action else "Action": list(statement.actions),
        "grant": entry.describe(),
        "services": listed,
        "service_count": len(granted),
        "conditional": entry.outcome is not Tri.TRUE,
    }


def run(context: CheckContext) -> Iterator[Finding]:
    if aws_analysis(context) is None:
        return
    wide, effects = _WideServices(), _Effects()

    def compute(permissions: PrincipalPermissions, statements: tuple[StarStatement, ...]) -> Summary | None:
        return _summary(statements, len(permissions.policy_set.layers), wide, effects)

    memo = PolicySetMemo(context.graph.memo, compute, _relevant(wide))
    for identity, permissions in subjects(context):
        summary = memo(permissions)
        if summary is not None:
            yield summary.finding(CHECK, identity)


CHECK = Check(
    id="service-wide-access",
    title="Machine identity holds entire AWS services on every resource",
    severity=Severity.MEDIUM,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        'An Allow of a whole service ("s3:*", "*", NotAction...) on Resource "*" that Denies, boundaries and SCPs '
        "leave in force, for a machine identity that is not already admin-equivalent. High when a sensitive "
        "service (iam, sts, organizations, sso, kms, secretsmanager, ssm, lambda, ec2, ecs, eks, cloudformation, "
        "cloudtrail, s3, dynamodb, rds) is included, medium otherwise; one step lower when only conditions unknown "
        "offline allow it."
    ),
    remediation=(
        "Replace service wildcards with the actions the workload uses (IAM Access Advisor / last-accessed data, or "
        'CloudTrail, shows them) and name its resources instead of "*".'
    ),
    run=run,
    providers=(AWS,),
    early=True,
    keep=subject_ids,
)
