"""Shared by the over-privilege checks: whom they judge, one computation per policy set, and what is effectively
allowed on ``Resource: "*"`` together with the exact statements that allow it.

Speed: estates have 100k principals sharing a few hundred policy combinations. Principals with the same policies
share one ``PolicySet``; a ``PolicySetMemo`` computes a result once per group of principals whose statements on
``"*"`` are the same (see there), and candidate actions are matched per shared statement, not per principal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import admin_nodes, direct_admin_edge, machine_principals
from nhi_scan.connectors.aws import AWS
from nhi_scan.escalation.aws.build import AwsAnalysis
from nhi_scan.model import Finding, Identity, Severity
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.compiled import CompiledStatement, PolicySource
from nhi_scan.policy.aws.context import variable_keys
from nhi_scan.policy.aws.evaluate import LayerKind, StatementMatch
from nhi_scan.policy.aws.permissions import ActionQuery, PrincipalPermissions
from nhi_scan.policy.aws.tri import Decision, Tri, decide

T = TypeVar("T")

#: The resource every "unscoped" question is asked about: a statement applies to it only through ``Resource: "*"``
#: (or a NotResource that does not exclude it), never through a narrower ARN pattern.
ANY_RESOURCE = "*"

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


@dataclass(frozen=True, slots=True)
class StarStatement:
    """A statement that may apply to ``Resource: "*"`` for a principal, with its outcome there."""

    layer: int
    kind: LayerKind
    source: PolicySource
    statement: CompiledStatement
    #: AND of "applies to *" and the condition, under the principal's context (never FALSE).
    outcome: Tri
    unknown_keys: tuple[str, ...]

    def key(self) -> tuple[object, ...]:
        """Identity of what the statement contributes (ids: the scan's cache keeps policies and statements alive)."""
        return self.layer, id(self.source), id(self.statement), self.outcome, self.unknown_keys

    def describe(self) -> str:
        """As ``evaluate`` names it: 'Allow statement 0 ("Sid") of inline policy x (if aws:SourceIp)'."""
        return StatementMatch(
            source=self.source,
            layer=self.kind,
            statement_index=self.statement.index,
            sid=self.statement.sid,
            allow=self.statement.allow,
            outcome=self.outcome,
            unknown_keys=self.unknown_keys,
        ).describe()


Compute = Callable[[PrincipalPermissions, tuple[StarStatement, ...]], T]
#: Narrows a principal's statements on "*" to those that can change a check's answer (must be exact: principals
#: whose narrowed statements are equal get the same result).
Relevant = Callable[[tuple[StarStatement, ...]], tuple[StarStatement, ...]]


class Matcher:
    """Which candidate actions (lowercase catalogue names) each statement matches, memoised per statement.

    Same answer as ``CompiledStatement.matched_candidates`` for catalogue actions, but built from the catalogue
    expansion of each pattern (cached per pattern text, and patterns repeat across policies) instead of testing
    every candidate against every statement.
    """

    def __init__(self, query: ActionQuery) -> None:
        self.query = query
        self._found: dict[int, tuple[CompiledStatement, frozenset[str]]] = {}

    def __call__(self, statement: CompiledStatement) -> frozenset[str]:
        hit = self._found.get(id(statement))
        if hit is not None and hit[0] is statement:
            return hit[1]
        wanted = self.query.key
        if statement.not_action:
            matched = statement.matched_candidates(wanted)
        else:
            matched = frozenset().union(*(wanted & catalog.expand(pattern) for pattern in statement.actions))
        self._found[id(statement)] = (statement, matched)
        return matched

    def narrow(self, statements: tuple[StarStatement, ...]) -> tuple[StarStatement, ...]:
        """Statements matching at least one candidate (a ``Relevant`` for ``PolicySetMemo``)."""
        return tuple(s for s in statements if self(s.statement))


class PolicySetMemo(Generic[T]):
    """Results computed once per group of principals whose answers must be equal (built inside one check run).

    Principals are grouped in two steps. The policy-set key: ``id`` of the shared policy set, plus, when statements
    read the context, the values of the keys they read (evaluation sees the context only through those keys). The
    result key: the layer kinds and the statements that can apply to ``Resource: "*"`` with their outcome there,
    narrowed by ``relevant`` (e.g. ``Matcher.narrow``). Every question of the over-privilege checks is about
    ``"*"``, so policy sets that differ only in statements that cannot change the answer (scoped ones, or ones about
    other actions: typically the inline policies) share one result. ``compute`` receives the narrowed statements.
    """

    def __init__(self, context: CheckContext, compute: Compute[T], relevant: Relevant | None = None) -> None:
        self._compute = compute
        self._relevant = relevant
        self._found: dict[object, T] = {}
        self._keys: dict[object, tuple[object, tuple[StarStatement, ...]]] = {}
        shared = context.graph.memo.get(_STAR_MEMO)
        if not isinstance(shared, _StarStatements):
            shared = _StarStatements()
            context.graph.memo[_STAR_MEMO] = shared
        self._shared = shared

    def __call__(self, permissions: PrincipalPermissions) -> T:
        set_key = self._shared.set_key(permissions)
        known = self._keys.get(set_key)
        if known is None:
            statements = self._shared.statements(permissions, set_key)
            if self._relevant is not None:
                statements = self._relevant(statements)
            kinds = tuple(layer.kind for layer in permissions.policy_set.layers)
            known = (kinds, tuple(s.key() for s in statements)), statements
            self._keys[set_key] = known
        key, statements = known
        if key in self._found:
            return self._found[key]
        result = self._compute(permissions, statements)
        self._found[key] = result
        return result


_STAR_MEMO = "over-privilege-star-statements"


class _StarStatements:
    """Per policy-set key, the statements that may apply to ``"*"`` (shared by the checks through ``graph.memo``)."""

    def __init__(self) -> None:
        self._found: dict[object, tuple[StarStatement, ...]] = {}
        self._context_keys: dict[int, tuple[str, ...]] = {}
        self._statement_keys: dict[int, tuple[CompiledStatement, frozenset[str]]] = {}
        self._principals: dict[int, tuple[PrincipalPermissions, object]] = {}

    def set_key(self, permissions: PrincipalPermissions) -> object:
        policy_set = permissions.policy_set
        if policy_set.context_free:
            return id(policy_set)
        known = self._principals.get(id(permissions))
        if known is not None and known[0] is permissions:
            return known[1]
        keys = self._context_keys.get(id(policy_set))
        if keys is None:
            keys = tuple(sorted(frozenset().union(*(self._keys_of(s) for _, _, s in policy_set.entries))))
            self._context_keys[id(policy_set)] = keys
        key = id(policy_set), tuple(permissions.context.resolve(k) for k in keys)
        self._principals[id(permissions)] = (permissions, key)
        return key

    def _keys_of(self, statement: CompiledStatement) -> frozenset[str]:
        hit = self._statement_keys.get(id(statement))
        if hit is not None and hit[0] is statement:
            return hit[1]
        keys = _statement_keys(statement) if not statement.context_free else frozenset()
        self._statement_keys[id(statement)] = (statement, keys)
        return keys

    def statements(self, permissions: PrincipalPermissions, set_key: object) -> tuple[StarStatement, ...]:
        found = self._found.get(set_key)
        if found is None:
            found = star_statements(permissions)
            self._found[set_key] = found
        return found


def star_statements(permissions: PrincipalPermissions) -> tuple[StarStatement, ...]:
    """Statements applying to ``"*"`` certainly or under unknown conditions, with the outcome and unknown keys
    ``evaluate`` gives them for a request on ``"*"``."""
    context = permissions.context
    found: list[StarStatement] = []
    for index, source, statement in permissions.policy_set.entries:
        on_any = statement.resource_match(ANY_RESOURCE, context)
        if on_any is Tri.FALSE:
            continue
        condition, keys = statement.conditions_result(context)
        outcome = min(on_any, condition)
        if outcome is Tri.FALSE:
            continue
        if on_any is Tri.UNKNOWN:
            keys = (*keys, *(k for r in statement.resources for k in variable_keys(r)))
        kind = permissions.policy_set.layers[index].kind
        found.append(StarStatement(index, kind, source, statement, outcome, tuple(dict.fromkeys(keys))))
    return tuple(found)


def _statement_keys(statement: CompiledStatement) -> frozenset[str]:
    """Context keys a statement reads: its condition keys and the variables in its values and resources."""
    found: set[str] = set()
    for condition in statement.conditions:
        found.add(condition.key.lower())
        for value in (*condition.values, *condition.dynamic):
            found.update(k.lower() for k in variable_keys(value))
    for resource in statement.resources:
        found.update(k.lower() for k in variable_keys(resource))
    return frozenset(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class Unscoped:
    """One action effectively allowed on ``Resource: "*"`` and the identity-policy statements that allow it."""

    action: str
    decision: Decision
    allowed_by: tuple[StarStatement, ...]
    #: Deny statements that apply only under unknown conditions (a certain one would have denied the action).
    denied_by: tuple[StarStatement, ...] = ()

    @property
    def conditional(self) -> bool:
        return self.decision is not Decision.ALLOW

    def reason(self) -> str:
        """The text ``permissions.allows(action, "*").reason()`` gives, without evaluating again."""
        text = f"{self.action} on {ANY_RESOURCE} from {'; '.join(s.describe() for s in self.allowed_by)}"
        if self.denied_by:
            text += f"; unless {'; '.join(s.describe() for s in self.denied_by)}"
        return text


def unscoped_actions(
    permissions: PrincipalPermissions, statements: Iterable[StarStatement], matcher: Matcher
) -> dict[str, Unscoped]:
    """Which actions of ``matcher.query`` are allowed (ALLOW or CONDITIONAL) on ``Resource: "*"``, keyed by the
    query's spelling: exactly what ``permissions.allows(action, "*")`` decides (Denies, boundaries, SCP levels),
    computed for all candidates at once from the statements applying to ``"*"`` (their matched candidates are
    memoised per statement, so shared policies cost nothing after the first principal)."""
    layers = len(permissions.policy_set.layers)
    certain: list[set[str]] = [set() for _ in range(layers)]
    possible: list[set[str]] = [set() for _ in range(layers)]
    deny_certain: set[str] = set()
    denying: dict[str, list[StarStatement]] = {}
    granting: dict[str, list[StarStatement]] = {}
    for entry in statements:
        matched = matcher(entry.statement)
        if not matched:
            continue
        if not entry.statement.allow:
            if entry.outcome is Tri.TRUE:
                deny_certain.update(matched)
            for action in matched:
                denying.setdefault(action, []).append(entry)
            continue
        possible[entry.layer].update(matched)
        if entry.outcome is Tri.TRUE:
            certain[entry.layer].update(matched)
        if entry.layer == 0:
            for action in matched:
                granting.setdefault(action, []).append(entry)
    found: dict[str, Unscoped] = {}
    for action in sorted(granting.keys() - deny_certain):
        allowed = Tri.TRUE
        for index in range(layers):
            if action not in certain[index]:
                allowed = min(allowed, Tri.UNKNOWN if action in possible[index] else Tri.FALSE)
        denies = tuple(denying.get(action, ()))
        decision = decide(allowed, Tri.UNKNOWN if denies else Tri.FALSE)
        if decision.possible:
            spelled = matcher.query.spelled[action]
            found[spelled] = Unscoped(
                action=spelled, decision=decision, allowed_by=tuple(granting[action]), denied_by=denies
            )
    return found


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

    memo = PolicySetMemo(context, compute, matcher.narrow)
    for identity, permissions in subjects(context):
        summary = memo(permissions)
        if summary is not None:
            yield identity, summary
