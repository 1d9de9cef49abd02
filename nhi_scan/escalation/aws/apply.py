"""Apply one escalation method for one source principal: judge each target, add explained edges.

Decisions per target: every action group must be allowed on its resource (any action of the group suffices),
iam:PassRole on the role when the method passes one (with iam:PassedToService set), and the target's facts.
The weakest part decides: ALLOW makes a certain edge, CONDITIONAL a conditional one that says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from nhi_scan.escalation.aws.catalog import Condition, Effect, Method, ResourceScope, TargetKind
from nhi_scan.escalation.aws.decisions import NO, best, worst
from nhi_scan.escalation.aws.index import InventoryIndex, SortedArns
from nhi_scan.escalation.aws.principal import Source, boundary_caps
from nhi_scan.escalation.aws.targets import (
    SELF_KINDS,
    Candidate,
    pool,
    pool_shape,
    principal_kind_fits,
    probe_prefix,
    self_candidates,
)
from nhi_scan.escalation.aws.trusts import kind_context, shared_account_trust
from nhi_scan.graph import Edge, EdgeKind, EdgeLog, IdentityGraph
from nhi_scan.model import Grant, IdentityKind, PolicyKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.tri import Decision
from nhi_scan.policy.aws.trust import AssumeEvaluation, can_assume

#: After a conditional witness of an admin-effect method, how many more targets are tried for a certain one.
WITNESS_SEARCH = 32
#: Above this many targets a method whose permissions cover every resource goes through one shared hub node.
HUB_MIN_TARGETS = 16


#: Effects that give one edge per target (or one to a hub of them), not one witness edge to the admin node.
_PER_TARGET = frozenset({Effect.BECOME_TARGET, Effect.GRANT})


def _selectivity(prefixes: tuple[str, ...]) -> int:
    """Sort key putting the most selective prefix tuple first (its shortest prefix is the longest): the first tuple
    is the one looked up by bisection, the others only filter."""
    return -min((len(p) for p in prefixes), default=0)


def admin_node(account: str) -> str:
    return f"admin:aws:{account}"


@dataclass(slots=True)
class Applier:
    #: Read for labels only: edges and hubs go to ``log`` (replayed into the graph by the builder, in order).
    graph: IdentityGraph
    index: InventoryIndex
    cache: PolicyCache
    log: EdgeLog = dataclasses.field(default_factory=EdgeLog)
    hubs: set[str] = dataclasses.field(default_factory=set)
    _pools: dict[tuple[str, str], list[Candidate]] = dataclasses.field(default_factory=dict)
    _pool_index: dict[tuple[str, str], dict[str, Candidate]] = dataclasses.field(default_factory=dict)
    _pools_by_shape: dict[tuple[object, str], list[Candidate]] = dataclasses.field(default_factory=dict)
    _listed: dict[tuple[str, str], bool] = dataclasses.field(default_factory=dict)
    _account_trusting: dict[str, SortedArns] = dataclasses.field(default_factory=dict)
    _sorted: dict[tuple[str, str], SortedArns] = dataclasses.field(default_factory=dict)
    _trust_kind: dict[tuple[str, str], bool] = dataclasses.field(default_factory=dict)
    _assumed: dict[str, AssumeEvaluation] = dataclasses.field(default_factory=dict)
    _policy_index: dict[tuple[str, str], tuple[SortedArns, dict[str, list[int]]]] = dataclasses.field(
        default_factory=dict
    )
    _assumed_by: str = ""

    def prepare(self, wanted: Iterable[tuple[Method, str]]) -> None:
        """Build the target pools of these (method, account) pairs now, before the work is shared between
        processes, so each process does not build them again."""
        for method, account in wanted:
            if method.target not in SELF_KINDS:
                self._pool(method, account)

    def apply(self, method: Method, source: Source) -> None:
        if not principal_kind_fits(method, source):
            return
        groups = [[a for a in group.lowercase if a in source.held] for group in method.required]
        if any(not actions for actions in groups) or (method.passrole and "iam:passrole" not in source.held):
            return
        found: Iterable[Candidate]
        if method.target in SELF_KINDS:
            found = list(self_candidates(method, self.index, source))
        elif Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
            found = self._trusting(method, source, groups)
        else:
            if self._try_uniform(method, source, groups):
                return
            found = self._narrowed(method, source, groups)
        # Effects that end at the admin node need one witness target: the first certain one, else one possible.
        single = method.effect not in _PER_TARGET
        conditional_done = False
        budget = WITNESS_SEARCH
        for candidate in found:
            if single and conditional_done:
                budget -= 1
                if budget < 0:
                    break  # a conditional witness is kept; a certain one is looked for among the next few only
            decision = worst([candidate.facts, self._decide(method, source, groups, candidate)])
            if decision.possible and Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
                decision = worst([decision, self._assume(source, candidate.target).decision])
            if not decision.possible or (single and conditional_done and decision is not Decision.ALLOW):
                continue
            self._effect(method, source, candidate, decision, self._explain(method, source, groups, candidate))
            if single and decision is Decision.ALLOW:
                return
            conditional_done = True

    # --- targets ----------------------------------------------------------------------------------------------

    def _pool(self, method: Method, account: str) -> list[Candidate]:
        key = (method.id, account)
        found = self._pools.get(key)
        if found is None:
            shape = pool_shape(method)
            found = self._pools_by_shape.get((shape, account)) if shape is not None else None
            if found is None:
                found = pool(method, self.index, account)
                if shape is not None:
                    self._pools_by_shape[(shape, account)] = found
            self._pools[key] = found
        return found

    def _pool_by_target(self, method: Method, account: str) -> dict[str, Candidate]:
        key = (method.id, account)
        found = self._pool_index.get(key)
        if found is None:
            found = {c.target: c for c in self._pool(method, account)}
            self._pool_index[key] = found
        return found

    def _trusting(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> Iterator[Candidate]:
        """Roles whose trust may let the source in, narrowed by the method's resource patterns (bisect), lazily.

        A trust naming the source comes first, then trusts of anyone, then of its account (those also need
        sts:AssumeRole on the role, checked as they are reached). Lazy, because the methods that need a trust want
        one witness: the first certain one ends the search.
        """
        account = source.identity.scope
        by_target = self._pool_by_target(method, account)
        narrowed = self._by_policy_prefix(method, source, groups)
        if narrowed is not None:  # only roles holding a policy the source can change (a set test, not a decision)
            by_target = {c.target: c for c in narrowed}
        constraints = self._constraints(method, source, groups)
        named = [by_target[r] for r in self.index.roles_trusting.get(source.id, []) if r in by_target]
        yield from self._narrow(method, source, groups, named)
        mine = {source.id, *source.identity.groups}
        for target in self._trusting_under("*", constraints):
            if target in by_target and target not in mine:
                yield by_target[target]
        if "sts:assumerole" not in source.held:
            return
        assume = source.prefixes("sts:assumerole")
        kind = "user" if source.identity.kind is IdentityKind.USER else "role"
        for target in self._trusting_under(account, [*constraints, *([assume] if assume is not None else [])]):
            if (
                target in by_target
                and target not in mine
                and self._trust_may_hold(target, account, kind, source)
                and source.decide("sts:assumerole", target).possible
            ):
                yield by_target[target]

    def _trust_may_hold(self, role: str, account: str, kind: str, source: Source) -> bool:
        """False when the role's trust of the account can never hold for this kind of caller (e.g. MFA for keys)."""
        key = (role, kind)
        found = self._trust_kind.get(key)
        if found is None:
            context = kind_context(kind, source.permissions.context.now)
            shared = shared_account_trust(self.index.trusts.get(role, []), account, context, self.cache)
            found = self._trust_kind[key] = shared is None or shared.possible
        return found

    def _trusting_under(self, key: str, constraints: list[tuple[str, ...]]) -> list[str]:
        """Roles trusting ``key`` (an account id, or "*") whose ARN fits every prefix constraint."""
        ordered = self._account_trusting.get(key)
        if ordered is None:
            ordered = self._account_trusting[key] = SortedArns(self.index.roles_trusting.get(key, []))
        if not constraints:
            return list(ordered)
        first = dict.fromkeys(t for prefix in constraints[0] for t in ordered.with_prefix(prefix))
        return [t for t in first if all(t.startswith(c) for c in constraints[1:])]

    def _narrowed(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> list[Candidate]:
        """Pool members the source's resource patterns can match: found by literal prefix (bisect), not by a scan."""
        account = source.identity.scope
        constraints = self._constraints(method, source, groups)
        by_policy = self._by_policy_prefix(method, source, groups)
        if by_policy is not None:
            return self._not_own(source, [c for c in by_policy if all(c.target.startswith(x) for x in constraints)])
        if not constraints:
            return self._not_own(source, self._pool(method, account))
        first, rest = constraints[0], constraints[1:]
        key = (method.id, account)
        ordered = self._sorted.get(key)
        if ordered is None:
            ordered = self._sorted[key] = SortedArns(c.target for c in self._pool(method, account))
        by_target = self._pool_by_target(method, account)
        targets = dict.fromkeys(t for prefix in first for t in ordered.with_prefix(prefix))
        found = [by_target[t] for t in targets if all(t.startswith(c) for c in rest)]
        return self._not_own(source, found)

    def _by_policy_prefix(
        self, method: Method, source: Source, groups: Sequence[Sequence[str]]
    ) -> list[Candidate] | None:
        """Pool members with an attached policy the source's patterns for a one-action ``target-policy`` group can
        match (bisect on the pool's policy ARNs), in pool order; None when no such group narrows anything."""
        layers: list[tuple[str, ...]] = []
        for group, actions in zip(method.required, groups, strict=True):
            if group.resource is ResourceScope.TARGET_POLICY and len(actions) == 1:
                layers += source.layer_prefixes(actions[0])
        if not layers:
            return None
        layers.sort(key=_selectivity)
        ordered, holders = self._policies(method, source.identity.scope)
        policies = dict.fromkeys(p for prefix in layers[0] for p in ordered.with_prefix(prefix))
        chosen = {
            position
            for policy in policies
            if all(policy.startswith(layer) for layer in layers[1:])
            for position in holders[policy]
        }
        pool_members = self._pool(method, source.identity.scope)
        return [pool_members[position] for position in sorted(chosen)]

    def _policies(self, method: Method, account: str) -> tuple[SortedArns, dict[str, list[int]]]:
        """The pool's attached policy ARNs, sorted, and the pool positions of the members holding each."""
        key = (method.id, account)
        found = self._policy_index.get(key)
        if found is None:
            holders: dict[str, list[int]] = {}
            for position, candidate in enumerate(self._pool(method, account)):
                for policy in candidate.resources.get("target-policy", ()):
                    holders.setdefault(policy, []).append(position)
            found = self._policy_index[key] = (SortedArns(holders), holders)
        return found

    def _narrow(
        self, method: Method, source: Source, groups: Sequence[Sequence[str]], candidates: list[Candidate]
    ) -> list[Candidate]:
        """Candidates the source's resource patterns can match (by literal prefix), itself and its groups out."""
        for constraint in self._constraints(method, source, groups):
            candidates = [c for c in candidates if c.target.startswith(constraint)]
        return self._not_own(source, candidates)

    @staticmethod
    def _constraints(method: Method, source: Source, groups: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
        """Literal prefixes each target must start with: one tuple per target-scoped group, and for iam:PassRole."""
        result: list[tuple[str, ...]] = []
        # Candidates are principals (or groups, for group targets): patterns on those ARNs narrow them.
        on_candidate = {ResourceScope.TARGET}
        if method.target in (TargetKind.GROUP, TargetKind.SELF_GROUP):
            on_candidate.add(ResourceScope.TARGET_GROUP)
        for group, actions in zip(method.required, groups, strict=True):
            if group.resource not in on_candidate:
                continue
            if len(actions) == 1:  # one action: every layer of its policies narrows (a boundary too)
                result.extend(source.layer_prefixes(actions[0]))
                continue
            prefixes: list[str] = []
            for action in actions:
                found = source.prefixes(action)
                if found is None:
                    break
                prefixes.extend(found)
            else:
                result.append(tuple(prefixes))
        if method.passrole:
            result.extend(source.layer_prefixes("iam:passrole", method.passed_to_service))
        result.sort(key=_selectivity)
        return result

    @staticmethod
    def _not_own(source: Source, candidates: list[Candidate]) -> list[Candidate]:
        mine = {source.id, *source.identity.groups}
        return [c for c in candidates if c.target not in mine]

    # --- deciding and explaining one target -------------------------------------------------------------------

    def _decide(
        self, method: Method, source: Source, groups: Sequence[Sequence[str]], candidate: Candidate
    ) -> Decision:
        """Cheap: compiled resource patterns only (no explanation)."""
        parts: list[Decision] = []
        for group, actions in zip(method.required, groups, strict=True):
            if group.resource is ResourceScope.ANY:
                parts.append(best(source.held[a] for a in actions))
                continue
            targets = candidate.resources.get(group.resource.value, ())
            if group.resource is ResourceScope.EXISTING_RESOURCE and not targets:
                parts.append(worst([best(source.held[a] for a in actions), Decision.CONDITIONAL]))
                continue
            parts.append(best(source.decide(a, t) for a in actions for t in targets))
            if not parts[-1].possible:
                return NO
        if method.passrole:
            parts.append(source.decide("iam:passrole", candidate.target, method.passed_to_service))
        return worst(parts)

    def _explain(
        self, method: Method, source: Source, groups: Sequence[Sequence[str]], candidate: Candidate
    ) -> list[str]:
        """The policies behind a decided edge (full evaluations: only for edges actually created)."""
        reasons: list[str] = []
        for group, actions in zip(method.required, groups, strict=True):
            chosen = max(actions, key=lambda a: source.held[a] is Decision.ALLOW)
            targets = candidate.resources.get(group.resource.value, ())
            if group.resource is ResourceScope.ANY or not targets:
                reasons.append(f"{chosen} (on a resource it creates)")
                continue
            for action in actions:
                hit = next((t for t in targets if source.decide(action, t).possible), None)
                if hit is not None:
                    reasons.append(source.reason(action, hit))
                    break
        if method.passrole:
            reasons.append(source.reason("iam:PassRole", candidate.target, method.passed_to_service))
        if Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
            reasons.append(self._assume(source, candidate.target).reason())
        if candidate.note:
            reasons.append(candidate.note.replace("{principal}", source.identity.name))
        return reasons

    def _assume(self, source: Source, role: str) -> AssumeEvaluation:
        """Memoised per role for the current source: several of its methods (modify a role, then assume it) ask
        the same question. Kept for one source only, so memory does not grow with the estate."""
        if self._assumed_by != source.id:
            self._assumed.clear()
            self._assumed_by = source.id
        found = self._assumed.get(role)
        if found is None:
            trusts = self.index.trusts.get(role, [])
            found = self._assumed[role] = can_assume(trusts, source.permissions, role_arn=role, cache=self.cache)
        return found

    # --- effects ----------------------------------------------------------------------------------------------

    def _effect(
        self, method: Method, source: Source, candidate: Candidate, decision: Decision, reasons: list[str]
    ) -> None:
        account = source.identity.scope
        label = self.graph.label(candidate.target) if candidate.target != source.id else "itself"
        if method.effect in _PER_TARGET:
            self._edge(source.id, candidate.target, method, decision, f"{method.name} on {label}", reasons)
            return
        if method.effect is Effect.ADMIN:
            if candidate.target == source.id or method.target in (
                TargetKind.SELF_GROUP,
                TargetKind.SELF_POLICY,
                TargetKind.NEW_ROLE,
            ):
                capped = self._boundary_caps(source)
                if capped is not None:
                    return
            text = f"{method.name}: can grant {'itself' if label == 'itself' else label} any permission"
            self._edge(source.id, admin_node(account), method, decision, text, reasons)
            return
        if method.effect is Effect.LIFT_BOUNDARY:
            unbounded = self._without(source, lambda g: g.policy_kind is PolicyKind.BOUNDARY)
            admin = unbounded.admin_equivalence()
            if admin.possible:
                text = f"{method.name}: removing its permissions boundary leaves it admin-equivalent"
                self._edge(source.id, admin_node(account), method, worst([decision, admin]), text, reasons)
            return
        if method.effect is Effect.SWITCH_POLICY_VERSION:
            self._switch_version(method, source, candidate, decision, reasons)

    def _switch_version(
        self, method: Method, source: Source, candidate: Candidate, decision: Decision, reasons: list[str]
    ) -> None:
        policy = self.index.policies.get(candidate.target)
        if policy is None:
            return
        grants = self.index.grants.get(source.id, [])
        for version in policy.versions:
            if version.is_default:
                continue
            swapped = [
                dataclasses.replace(g, document=version.document) if g.policy_id == policy.id else g for g in grants
            ]
            permissions = PrincipalPermissions.from_grants(
                swapped, context=source.permissions.context, cache=self.cache
            )
            admin = permissions.admin_equivalence()
            if admin.possible:
                text = f"{method.name}: version {version.version_id} of {policy.name} grants every action"
                self._edge(
                    source.id, admin_node(source.identity.scope), method, worst([decision, admin]), text, reasons
                )
                return

    def _without(self, source: Source, drop: Callable[[Grant], bool]) -> PrincipalPermissions:
        grants = [g for g in self.index.grants.get(source.id, []) if not drop(g)]
        return PrincipalPermissions.from_grants(grants, context=source.permissions.context, cache=self.cache)

    def _boundary_caps(self, source: Source) -> str | None:
        """A permissions boundary that is not itself admin-equivalent caps what self-modification can gain."""
        if not source.permissions.has_boundary or self._can_lift_boundary(source):
            return None
        grants = self.index.grants.get(source.id, [])
        capped = boundary_caps(grants, self.cache, source.permissions.context)
        return "capped by its permissions boundary" if capped else None

    def _can_lift_boundary(self, source: Source) -> bool:
        """It may delete or replace its own permissions boundary (then its identity policies apply in full)."""
        kind = "role" if source.identity.kind.value == "role" else "user"
        actions = (f"iam:delete{kind}permissionsboundary", f"iam:put{kind}permissionsboundary")
        return any(source.decide(action, source.id).possible for action in actions)

    def _edge(
        self, source: str, target: str, method: Method, decision: Decision, text: str, reasons: list[str]
    ) -> None:
        detail = "; ".join(r for r in reasons if r)
        self.log.add_edge(
            Edge(
                source=source,
                target=target,
                kind=method.edge,
                reason=f"{text} ({detail})" if detail else text,
                method=method.id,
                conditional=decision is not Decision.ALLOW,
                # Granting another principal permissions is not acting as it (see grant_then_become.py).
                traversable=method.effect is not Effect.GRANT,
            )
        )

    # --- hubs -------------------------------------------------------------------------------------------------

    def _uniform(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> Decision | None:
        """The decision shared by every target of the method's kind in the account, or None when it varies."""
        account = source.identity.scope
        parts: list[Decision] = []
        key = (method.id, account)
        listed = self._listed.get(key)
        if listed is None:
            listed = any(c.resources.get("existing-resource") for c in self._pool(method, account))
            self._listed[key] = listed
        for group, actions in zip(method.required, groups, strict=True):
            if group.resource is ResourceScope.ANY or (
                group.resource is ResourceScope.EXISTING_RESOURCE and not listed
            ):
                parts.append(best(source.held[a] for a in actions))
                continue
            if group.resource is ResourceScope.EXISTING_RESOURCE:
                # Listed resources: shared only when the action covers every resource.
                if not any(source.covers_everything(a) for a in actions):
                    return None
                parts.append(Decision.ALLOW)
                continue
            prefix = probe_prefix(method, account, group.resource.value)
            covered = [source.covers(a, prefix) for a in actions] if prefix else []
            decision = best(d for d in covered if d is not None)
            if not decision.possible:
                return None
            parts.append(decision)
        if method.passrole:
            passing = source.covers("iam:passrole", f"arn:aws:iam::{account}:role/", method.passed_to_service)
            if passing is None or not passing.possible:
                return None
            parts.append(passing)
        return worst(parts)

    def _try_uniform(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> bool:
        """Permissions covering every target alike: one hub edge (or, for admin effects, one witness edge)."""
        members = self._pool(method, source.identity.scope)
        if not members:
            return True
        uniform = self._uniform(method, source, groups)
        if uniform is None:
            return False
        if method.effect not in _PER_TARGET:
            mine = {source.id, *source.identity.groups}
            witness = next((c for c in members if c.facts is Decision.ALLOW and c.target not in mine), None) or next(
                (c for c in members if c.facts.possible and c.target not in mine), None
            )
            if witness is not None:
                decision = worst([uniform, witness.facts])
                self._effect(method, source, witness, decision, self._explain(method, source, groups, witness))
            return True
        if len(members) < HUB_MIN_TARGETS:
            return False
        self._via_hub(method, source, groups, members, uniform)
        return True

    def _via_hub(
        self,
        method: Method,
        source: Source,
        groups: Sequence[Sequence[str]],
        members: list[Candidate],
        decision: Decision,
    ) -> None:
        account = source.identity.scope
        hub = f"hub:aws:{account}:{method.id}"
        what = method.service or method.resource_kind or ""
        kind = f"{str(method.target).replace('-', ' ')} {what}".strip()
        if method.effect is Effect.GRANT:
            # Grant methods on the same kind of target have the same members: one hub for all of them.
            with_policy = any(g.resource is ResourceScope.TARGET_POLICY for g in method.required)
            hub = f"hub:aws:{account}:grantable-{method.target}" + ("-with-customer-policy" if with_policy else "")
            kind += " with a customer-managed policy" if with_policy else ""
        if hub not in self.hubs:
            self.hubs.add(hub)
            self.log.add_hub(hub, f"every {kind} of account {account}")
            for candidate in members:
                if not candidate.facts.possible:
                    continue  # the export rules this target out (e.g. a user known to have no password)
                self.log.add_edge(
                    Edge(
                        source=hub,
                        target=candidate.target,
                        kind=EdgeKind.INCLUDES,
                        reason=candidate.note or f"a {kind}",
                        conditional=candidate.facts is not Decision.ALLOW,
                    )
                )
        # Explain on the wildcard that stands for every member, not on one of them.
        account_wide: dict[str, tuple[str, ...]] = {
            kind: (f"{prefix}*",)
            for kind in ("target", "target-policy", "target-group")
            if (prefix := probe_prefix(method, account, kind)) is not None
        }
        reasons = self._explain(
            method, source, groups, Candidate(account_wide["target"][0], account_wide, Decision.ALLOW)
        )
        self._edge(source.id, hub, method, decision, f"{method.name} on any of them", reasons)
