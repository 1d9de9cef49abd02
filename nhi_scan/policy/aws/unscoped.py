"""What a principal may do on ``Resource: "*"``, and the exact statements that allow it, for every candidate action
at once: the same answers as ``PrincipalPermissions.allows(action, "*")`` (tests pin the equality), computed per
shared statement instead of per principal and action.

Speed: estates have 100k principals sharing a few hundred policy combinations. Principals with the same policies
share one ``PolicySet``; a ``PolicySetMemo`` computes a result once per group of principals whose statements on
``"*"`` are the same (see there), and candidate actions are matched per shared statement, not per principal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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

    def __init__(self, memo: dict[str, Any], compute: Compute[T], relevant: Relevant | None = None) -> None:
        """``memo``: where the statements on "*" of each policy set are kept for every memo of the scan (the graph's
        memo: the over-privilege checks share them)."""
        self._compute = compute
        self._relevant = relevant
        self._found: dict[object, T] = {}
        self._keys: dict[object, tuple[object, tuple[StarStatement, ...]]] = {}
        shared = memo.get(_STAR_MEMO)
        if not isinstance(shared, _StarStatements):
            shared = _StarStatements()
            memo[_STAR_MEMO] = shared
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
