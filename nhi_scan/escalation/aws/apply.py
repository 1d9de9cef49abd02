"""Apply one escalation method for one source principal: judge each target, add explained edges.

Decisions per target: every action group must be allowed on its resource (any action of the group suffices),
iam:PassRole on the role when the method passes one (with iam:PassedToService set), and the target's facts.
The weakest part decides: ALLOW makes a certain edge, CONDITIONAL a conditional one that says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nhi_scan.escalation.aws.catalog import Condition, Effect, Method, ResourceScope, TargetKind
from nhi_scan.escalation.aws.decisions import NO, worst
from nhi_scan.escalation.aws.index import InventoryIndex
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.escalation.aws.targets import Candidate, candidates, principal_kind_fits
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.model import Grant, PolicyKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.tri import Decision
from nhi_scan.policy.aws.trust import can_assume

#: Above this many targets a method whose permissions cover every resource goes through one shared hub node.
HUB_MIN_TARGETS = 16


def admin_node(account: str) -> str:
    return f"admin:aws:{account}"


@dataclass(slots=True)
class Applier:
    graph: IdentityGraph
    index: InventoryIndex
    cache: PolicyCache
    hubs: set[str] = dataclasses.field(default_factory=set)

    def apply(self, method: Method, source: Source) -> None:
        if not principal_kind_fits(method, source):
            return
        groups = [[a for a in group.lowercase if a in source.held] for group in method.required]
        if any(not actions for actions in groups) or (method.passrole and "iam:passrole" not in source.held):
            return
        found = list(candidates(method, self.index, source))
        if len(found) >= HUB_MIN_TARGETS and self._hub_eligible(method, source, groups):
            self._via_hub(method, source, groups)
            return
        for candidate in found:
            decision, reasons = self.judge(method, source, groups, candidate)
            if decision.possible:
                self._effect(method, source, candidate, decision, reasons)

    # --- judging one target ----------------------------------------------------------------------------------

    def judge(
        self, method: Method, source: Source, groups: Sequence[Sequence[str]], candidate: Candidate
    ) -> tuple[Decision, list[str]]:
        parts = [candidate.facts]
        reasons: list[str] = []
        for group, actions in zip(method.required, groups, strict=True):
            decision, reason = self._group(source, group.resource, actions, candidate)
            if not decision.possible:
                return NO, []
            parts.append(decision)
            reasons.append(reason)
        if method.passrole:
            decision = source.decide("iam:passrole", candidate.target, method.passed_to_service)
            if not decision.possible:
                return NO, []
            parts.append(decision)
            reasons.append(source.reason("iam:PassRole", candidate.target, method.passed_to_service))
        if Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
            trusts = self.index.trusts.get(candidate.target, [])
            assume = can_assume(trusts, source.permissions, role_arn=candidate.target, cache=self.cache)
            if not assume.decision.possible:
                return NO, []
            parts.append(assume.decision)
            reasons.append(assume.reason())
        if candidate.note:
            reasons.append(candidate.note)
        return worst(parts), reasons

    def _group(
        self, source: Source, resource: ResourceScope, actions: Sequence[str], candidate: Candidate
    ) -> tuple[Decision, str]:
        if resource is ResourceScope.ANY:
            action = max(actions, key=lambda a: source.held[a] is Decision.ALLOW)
            return source.held[action], f"{action} (on a resource it creates)"
        targets = candidate.resources.get(resource.value, ())
        if resource is ResourceScope.EXISTING_RESOURCE and not targets:
            action = max(actions, key=lambda a: source.held[a] is Decision.ALLOW)
            return worst([source.held[action], Decision.CONDITIONAL]), f"{action} (allowed on some resource)"
        chosen, where = NO, ""
        for action in actions:
            for target in targets:
                decision = source.decide(action, target)
                if decision.possible and (not chosen.possible or decision is Decision.ALLOW):
                    chosen, where = decision, source.reason(action, target)
                    if decision is Decision.ALLOW:
                        return chosen, where
        return chosen, where

    # --- effects ----------------------------------------------------------------------------------------------

    def _effect(
        self, method: Method, source: Source, candidate: Candidate, decision: Decision, reasons: list[str]
    ) -> None:
        account = source.identity.scope
        label = self.graph.label(candidate.target) if candidate.target != source.id else "itself"
        if method.effect is Effect.BECOME_TARGET:
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
        if not source.permissions.has_boundary:
            return None
        boundaries = [
            dataclasses.replace(g, policy_kind=PolicyKind.INLINE)
            for g in self.index.grants.get(source.id, [])
            if g.policy_kind is PolicyKind.BOUNDARY
        ]
        alone = PrincipalPermissions.from_grants(boundaries, context=source.permissions.context, cache=self.cache)
        return None if alone.admin_equivalence().possible else "capped by its permissions boundary"

    def _edge(
        self, source: str, target: str, method: Method, decision: Decision, text: str, reasons: list[str]
    ) -> None:
        detail = "; ".join(r for r in reasons if r)
        self.graph.add_edge(
            Edge(
                source=source,
                target=target,
                kind=method.edge,
                reason=f"{text} ({detail})" if detail else text,
                method=method.id,
                conditional=decision is not Decision.ALLOW,
            )
        )

    # --- hubs -------------------------------------------------------------------------------------------------

    def _hub_eligible(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> bool:
        if method.effect is not Effect.BECOME_TARGET or Condition.TRUST_ALLOWS_PRINCIPAL in method.conditions:
            return False
        for group, actions in zip(method.required, groups, strict=True):
            if group.resource in (ResourceScope.ANY, ResourceScope.EXISTING_RESOURCE):
                continue
            if not any(source.covers_everything(a) for a in actions):
                return False
        return not method.passrole or source.covers_everything("iam:passrole", method.passed_to_service)

    def _via_hub(self, method: Method, source: Source, groups: Sequence[Sequence[str]]) -> None:
        account = source.identity.scope
        hub = f"hub:aws:{account}:{method.target}:{method.service or method.resource_kind or ''}:" + ",".join(
            sorted(method.conditions)
        )
        if hub not in self.hubs:
            self.hubs.add(hub)
            label = f"every {str(method.target).replace('-', ' ')} {method.service or method.resource_kind or ''}"
            self.graph.add_hub(hub, f"{label.strip()} of account {account}")
            for candidate in candidates(method, self.index, source, include_self=True):
                self.graph.add_edge(
                    Edge(
                        source=hub,
                        target=candidate.target,
                        kind=EdgeKind.INCLUDES,
                        reason=candidate.note or "matches",
                        conditional=candidate.facts is not Decision.ALLOW,
                    )
                )
        reasons = []
        parts: list[Decision] = []
        for group, actions in zip(method.required, groups, strict=True):
            action = max(actions, key=lambda a: source.held[a] is Decision.ALLOW)
            parts.append(source.held[action])
            reasons.append(source.reason(action, "*") if group.resource is not ResourceScope.ANY else action)
        if method.passrole:
            reasons.append(source.reason("iam:PassRole", "*", method.passed_to_service))
        decision = worst(parts)
        self._edge(source.id, hub, method, decision, f"{method.name} on any of them", reasons)
