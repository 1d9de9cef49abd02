"""A principal's effective permissions, built once from its grants, with the fast queries the graph needs.

Build one ``PolicyCache`` per scan and pass it to every ``PrincipalPermissions.from_grants`` call: documents are
then compiled once, and principals with the same policies share one ``PolicySet`` and its memos.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Grant, Identity, IdentityKind, PolicyKind
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.actionset import ActionSet
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.compiled import CompiledPolicy
from nhi_scan.policy.aws.context import KeyValue, RequestContext
from nhi_scan.policy.aws.evaluate import Evaluation, Layer, LayerKind, PolicySet, evaluate
from nhi_scan.policy.aws.scope import ResourceScope, resource_scope
from nhi_scan.policy.aws.tri import Decision, Tri

#: Share of the catalogue that must be allowed on "*" (besides every iam action) to count as admin-equivalent.
ADMIN_MIN_COVERAGE = 0.95


def context_for_identity(
    identity: Identity, *, now: datetime | None = None, keys: Mapping[str, KeyValue] | None = None
) -> RequestContext:
    """Base request context of a model identity: its ARN, account, tags and (for users) user name.

    Tags are taken as known (a tag the identity lacks is absent). Session tags of role sessions are not modelled.
    """
    return RequestContext(
        principal_arn=identity.id,
        principal_tags=dict(identity.tags),
        username=identity.name if identity.kind is IdentityKind.USER else None,
        now=now,
        keys=dict(keys or {}),
    )


def _layers(
    grants: Sequence[Grant], cache: PolicyCache, scp_levels: Sequence[Sequence[Grant]] | None
) -> tuple[tuple[Layer, ...], tuple[str, ...]]:
    identity: list[CompiledPolicy] = []
    boundaries: list[CompiledPolicy] = []
    levels: dict[str, list[CompiledPolicy]] = {}
    notes: list[str] = []
    for grant in grants:
        if grant.provider is not AWS or grant.policy_kind is PolicyKind.ROLE_BINDING:
            notes.append(f"grant {grant.policy_id} ({grant.provider}/{grant.policy_kind}) ignored by AWS evaluation")
            continue
        policy = cache.grant(grant)
        if grant.policy_kind is PolicyKind.BOUNDARY:
            boundaries.append(policy)
        elif grant.policy_kind is PolicyKind.SCP:
            if scp_levels is None:
                scope = policy.source.scope
                levels.setdefault(f"SCPs at {scope}" if scope else "SCPs", []).append(policy)
        else:
            identity.append(policy)
    if scp_levels is not None:
        for number, level in enumerate(scp_levels):
            levels[f"SCP level {number}"] = [cache.grant(g) for g in level]

    def ordered(policies: list[CompiledPolicy]) -> tuple[CompiledPolicy, ...]:
        return tuple(sorted(policies, key=lambda p: (p.source.policy_id, p.source.via or "")))

    layers = [Layer(LayerKind.IDENTITY, "identity policies", ordered(identity))]
    layers += [Layer(LayerKind.BOUNDARY, f"permissions boundary {b.source.policy_name}", (b,)) for b in boundaries]
    layers += [Layer(LayerKind.SCP, label, ordered(policies)) for label, policies in levels.items()]
    return tuple(layers), tuple(notes)


class ActionQuery:
    """Candidate actions prepared once (lowercased), so many principals can be asked cheaply.

    Identity matters: per-statement memos are keyed by this object's ``key``, so reuse one query.
    """

    __slots__ = ("key", "spelled")

    def __init__(self, actions: Iterable[str]) -> None:
        self.spelled: dict[str, str] = {a.lower(): a for a in actions}
        self.key: frozenset[str] = frozenset(self.spelled)

    @staticmethod
    def of(actions: Iterable[str]) -> ActionQuery:
        """The shared query for these actions (equal sequences give the same object)."""
        return _query(tuple(actions))


@lru_cache(maxsize=256)
def _query(actions: tuple[str, ...]) -> ActionQuery:
    return ActionQuery(actions)


class PrincipalPermissions:
    """Effective identity-based permissions of one principal (identity policies, boundary, SCP levels)."""

    __slots__ = ("context", "grant_notes", "policy_set", "principal_arn")

    def __init__(self, policy_set: PolicySet, context: RequestContext, grant_notes: tuple[str, ...] = ()) -> None:
        self.policy_set = policy_set
        self.context = context
        self.principal_arn = context.principal_arn
        self.grant_notes = grant_notes

    @classmethod
    def from_grants(
        cls,
        grants: Iterable[Grant],
        *,
        context: RequestContext | None = None,
        cache: PolicyCache | None = None,
        scp_levels: Sequence[Sequence[Grant]] | None = None,
    ) -> PrincipalPermissions:
        """Build from model grants.

        INLINE/MANAGED grants (direct or via groups) form the identity layer, each BOUNDARY grant a boundary
        layer, SCP grants one layer per level. Levels come from ``scp_levels`` when given, else SCP grants are
        grouped by ``resource_scope`` (or ``via``): the root, OU or account they are attached to. Pass no SCP
        grants for the management account or service-linked roles (SCPs do not apply to them).
        ``context`` defaults to the ARN of the grants' principal with everything else unknown.
        """
        grant_list = list(grants)
        if context is None:
            arn = grant_list[0].principal_id if grant_list else None
            context = RequestContext(principal_arn=arn)
        cache = cache or PolicyCache()
        layers, notes = _layers(grant_list, cache, scp_levels)
        return cls(cache.policy_set(layers), context, notes)

    # --- queries ---------------------------------------------------------------------------------------------

    @property
    def notes(self) -> tuple[str, ...]:
        """Problems met while reading the policies (skipped statements, unsupported operators...)."""
        return self.grant_notes + self.policy_set.notes

    @property
    def has_boundary(self) -> bool:
        return any(layer.kind is LayerKind.BOUNDARY for layer in self.policy_set.layers)

    def allows(self, action: str, resource: str = "*", context: RequestContext | None = None) -> Evaluation:
        """Full evaluation of one request (see ``evaluate``); ``context`` defaults to the principal's."""
        return evaluate(self.policy_set, action, resource, context or self.context)

    def resource_patterns(self, action: str, context: RequestContext | None = None) -> ResourceScope:
        """Where ``action`` may be performed: compiled patterns; ``.decide(arn)`` tests one target fast."""
        return resource_scope(self.policy_set, action, context or self.context)

    def actions_allowed_somewhere(
        self, candidates: Iterable[str] | ActionQuery, context: RequestContext | None = None
    ) -> dict[str, Decision]:
        """Which candidate actions may be performed on at least one resource: action -> ALLOW or CONDITIONAL.

        Actions absent from the result are certainly not allowed anywhere. Rules: an action counts in a layer if
        an Allow statement matches it, can apply to some resource and its condition is not FALSE (UNKNOWN makes
        it CONDITIONAL). Every layer must count it. A Deny matching it with ``Resource: "*"`` removes it (certain
        condition) or makes it CONDITIONAL (unknown condition). Denies on narrower resources remove it only when
        they certainly cover every Allow pattern of the identity layer. Over-approximation, on purpose: the
        layers' resource sets are not intersected (identity on X, boundary on Y still counts); the graph refines
        targets with ``resource_patterns``. Keys of the result are the caller's spellings. Pass an
        ``ActionQuery`` (or the same sequence every time) to ask many principals the same question cheaply.
        """
        query = candidates if isinstance(candidates, ActionQuery) else ActionQuery.of(candidates)
        policy_set = self.policy_set
        if not policy_set.context_free:
            return self._somewhere(query, context or self.context)
        memo_key = ("somewhere", query)
        found = policy_set.memo.get(memo_key)
        if not isinstance(found, dict):
            found = self._somewhere(query, context or self.context)
            policy_set.memo[memo_key] = found
        return dict(found)

    def _somewhere(self, query: ActionQuery, context: RequestContext) -> dict[str, Decision]:
        layers = self.policy_set.layers
        certain: list[set[str]] = [set() for _ in layers]
        possible: list[set[str]] = [set() for _ in layers]
        deny_certain: set[str] = set()
        deny_possible: set[str] = set()
        narrow: set[str] = set()
        for index, _, statement in self.policy_set.entries:
            matched = statement.matched_candidates(query.key)
            if not matched:
                continue
            condition = statement.conditions_result(context)[0]
            if condition is Tri.FALSE:
                continue
            if statement.allow:
                outcome = min(condition, statement.resource_possible(context))
                if outcome is not Tri.FALSE:
                    possible[index] |= matched
                    if outcome is Tri.TRUE:
                        certain[index] |= matched
            elif statement.covers_all_resources:
                (deny_certain if condition is Tri.TRUE else deny_possible).update(matched)
            else:
                narrow |= matched
        allowed = set.intersection(*possible) - deny_certain
        for action in narrow & allowed:
            if not resource_scope(self.policy_set, action, context).possibly_allows_something():
                allowed.discard(action)
        sure = set.intersection(*certain) - deny_possible
        spelled = query.spelled
        return {spelled[a]: Decision.ALLOW if a in sure else Decision.CONDITIONAL for a in allowed}

    def admin_equivalence(
        self, context: RequestContext | None = None, *, min_coverage: float = ADMIN_MIN_COVERAGE
    ) -> Decision:
        """Whether the principal effectively holds ``*`` on ``*``.

        Definition: counting only statements whose Resource includes ``"*"``, the actions allowed by every layer
        (identity, boundary, each SCP level) minus the actions denied on ``"*"`` must include every ``iam:``
        action of the catalogue and at least ``min_coverage`` (95%) of all catalogue actions. So ``Action: *``
        or ``NotAction`` with a few harmless exclusions qualifies; ``PowerUserAccess`` (NotAction iam:*) does not.
        ALLOW: true using only certain Allows and after removing conditional Denies too. CONDITIONAL: true only
        when unknown conditions go the right way. IMPLICIT_DENY otherwise. Denies on narrower resources are
        ignored (coarse test). Whether the principal can grant itself more is for the escalation graph.
        """
        policy_set = self.policy_set
        memo_key = ("admin", min_coverage)
        found = policy_set.memo.get(memo_key) if policy_set.context_free else None
        if isinstance(found, Decision):
            return found
        decision = self._admin(context or self.context, min_coverage)
        if policy_set.context_free:
            policy_set.memo[memo_key] = decision
        return decision

    def is_admin_equivalent(self, context: RequestContext | None = None) -> bool:
        """``admin_equivalence`` is ALLOW (certain, unconditional)."""
        return self.admin_equivalence(context) is Decision.ALLOW

    def _admin(self, context: RequestContext, min_coverage: float) -> Decision:
        layers = self.policy_set.layers
        if not self._may_hold_iam_probes(context):
            return Decision.IMPLICIT_DENY
        certain = [ActionSet.empty() for _ in layers]
        possible = [ActionSet.empty() for _ in layers]
        deny_certain, deny_possible = ActionSet.empty(), ActionSet.empty()
        for index, _, statement in self.policy_set.entries:
            if not statement.covers_all_resources:
                continue
            condition = statement.conditions_result(context)[0]
            if condition is Tri.FALSE:
                continue
            cover = statement.catalogue_cover()
            if statement.allow:
                possible[index] = possible[index].union(cover)
                if condition is Tri.TRUE:
                    certain[index] = certain[index].union(cover)
            else:
                deny_possible = deny_possible.union(cover)
                if condition is Tri.TRUE:
                    deny_certain = deny_certain.union(cover)
        strong, weak = ActionSet.everything(), ActionSet.everything()
        for index in range(len(layers)):
            strong, weak = strong.intersection(certain[index]), weak.intersection(possible[index])
        if _is_admin(strong.difference(deny_possible), min_coverage):
            return Decision.ALLOW
        if _is_admin(weak.difference(deny_certain), min_coverage):
            return Decision.CONDITIONAL
        return Decision.IMPLICIT_DENY

    def _may_hold_iam_probes(self, context: RequestContext) -> bool:
        """Cheap necessary condition: every layer may allow each probe ``iam:`` action on ``*``.

        Admin-equivalence needs every ``iam:`` action; most principals already lack one of these, which spares
        expanding their statements against the whole catalogue.
        """
        layers = self.policy_set.layers
        held: list[set[str]] = [set() for _ in layers]
        for index, _, statement in self.policy_set.entries:
            if not statement.allow or not statement.covers_all_resources:
                continue
            matched = [a for a in _ADMIN_PROBES if statement.matches_action(a)]
            if matched and statement.conditions_result(context)[0] is not Tri.FALSE:
                held[index].update(matched)
        return all(len(actions) == len(_ADMIN_PROBES) for actions in held)


#: Lowercase ``iam:`` actions every admin-equivalent principal holds on ``*`` (a quick filter before the full test).
_ADMIN_PROBES = ("iam:putrolepolicy", "iam:createaccesskey", "iam:attachuserpolicy", "iam:passrole")


def _is_admin(actions: ActionSet, min_coverage: float) -> bool:
    if not actions.includes_all(catalog.service_actions("iam")):
        return False
    return actions.catalogue_count() >= min_coverage * len(catalog.all_actions())
