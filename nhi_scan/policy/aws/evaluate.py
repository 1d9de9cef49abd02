"""Deciding one request (action, resource, context) against a principal's layered policies.

Rules (AWS identity-based evaluation, offline, three-valued):

1. Every statement of every applicable policy (identity, permissions boundary, SCPs) is checked. A statement
   applies when its Action/NotAction matches the action (case-insensitive), its Resource/NotResource matches the
   resource ARN (case-sensitive) and its Condition holds: each of these is TRUE, FALSE or UNKNOWN and the
   statement's outcome is their AND. ``NotAction: X`` applies to every action except X; ``NotResource: Y`` to
   every resource except Y (both still need the other elements to match).
2. ``denied`` = OR of the outcomes of all Deny statements of all layers.
3. Each layer allows with the OR of its Allow statements. The layers are: the identity policies (inline and
   managed, directly or via groups: they pool into one layer), the permissions boundary (if any) and each SCP
   level (root, OUs, account: each level must allow). ``allowed`` = AND over the layers.
4. Decision: ``denied`` TRUE -> DENY; ``allowed`` FALSE -> IMPLICIT_DENY; ``allowed`` TRUE and ``denied`` FALSE
   -> ALLOW; otherwise CONDITIONAL. So an Allow under an unknown condition is CONDITIONAL (never dropped, never
   ALLOW) and a Deny under an unknown condition never counts as a definite deny: it turns ALLOW into CONDITIONAL.

Resource-based policies, session policies and RCPs are out of scope here (trust policies: see ``trust``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from nhi_scan.policy.aws.compiled import CompiledPolicy, CompiledStatement, PolicySource
from nhi_scan.policy.aws.context import RequestContext, variable_keys
from nhi_scan.policy.aws.tri import Decision, Tri, decide
from nhi_scan.redact import redact_name


class LayerKind(enum.StrEnum):
    IDENTITY = "identity"
    BOUNDARY = "permissions-boundary"
    SCP = "scp"


@dataclass(frozen=True, slots=True)
class Layer:
    """A set of policies that must allow as a whole (one OR of Allow statements)."""

    kind: LayerKind
    label: str
    policies: tuple[CompiledPolicy, ...]

    def entries(self) -> list[tuple[PolicySource, CompiledStatement]]:
        return [(p.source, s) for p in self.policies for s in p.statements]


_Entry = tuple[int, PolicySource, CompiledStatement]


class PolicySet:
    """The layers of one principal; shared by every principal holding exactly the same compiled policies.

    Layer 0 is always the identity layer (possibly empty: then nothing is allowed).
    """

    __slots__ = ("_by_action", "context_free", "entries", "layers", "memo")

    def __init__(self, layers: tuple[Layer, ...]) -> None:
        if not layers or layers[0].kind is not LayerKind.IDENTITY:
            layers = (Layer(LayerKind.IDENTITY, "identity policies", ()), *layers)
        self.layers = layers
        self.entries: tuple[_Entry, ...] = tuple(
            (index, source, statement) for index, layer in enumerate(layers) for source, statement in layer.entries()
        )
        self.context_free = all(statement.context_free for _, _, statement in self.entries)
        self._by_action: dict[str, tuple[_Entry, ...]] = {}
        #: Free memo space for query helpers (keyed by their own tuples); only used when context_free.
        self.memo: dict[object, object] = {}

    def statements_for(self, action: str) -> tuple[_Entry, ...]:
        """Statements (with layer index and source) whose Action/NotAction matches a lowercase action."""
        hit = self._by_action.get(action)
        if hit is None:
            hit = tuple(entry for entry in self.entries if entry[2].matches_action(action))
            self._by_action[action] = hit
        return hit

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(
            f"{policy.source.describe()}: {note}"
            for layer in self.layers
            for policy in layer.policies
            for note in policy.notes
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class StatementMatch:
    """A statement that applied (certainly or under unknown conditions) to the request."""

    source: PolicySource
    layer: LayerKind
    statement_index: int
    sid: str | None
    allow: bool
    outcome: Tri
    unknown_keys: tuple[str, ...] = ()

    def describe(self) -> str:
        """E.g. 'Allow statement 0 ("Keys") of inline policy ci-admin (if aws:SourceIp)'."""
        sid = f' ("{redact_name(self.sid)}")' if self.sid else ""
        text = f"{'Allow' if self.allow else 'Deny'} statement {self.statement_index}{sid} of {self.source.describe()}"
        if self.outcome is Tri.UNKNOWN:
            text += f" (if {', '.join(self.unknown_keys) or 'unknown conditions'})"
        return text


@dataclass(frozen=True, slots=True, kw_only=True)
class Evaluation:
    """The decision and everything needed to explain it."""

    action: str
    resource: str
    decision: Decision
    identity: Tri
    boundaries: tuple[Tri, ...]
    scp_levels: tuple[Tri, ...]
    denied: Tri
    matches: tuple[StatementMatch, ...]
    #: Labels of the layers that do not allow (e.g. "permissions boundary dev-boundary").
    missing_layers: tuple[str, ...] = ()

    @property
    def allowed_by(self) -> tuple[StatementMatch, ...]:
        """Identity-policy Allow statements that applied."""
        return tuple(m for m in self.matches if m.allow and m.layer is LayerKind.IDENTITY)

    @property
    def denied_by(self) -> tuple[StatementMatch, ...]:
        return tuple(m for m in self.matches if not m.allow)

    @property
    def unknown_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(k for m in self.matches if m.outcome is Tri.UNKNOWN for k in m.unknown_keys))

    def reason(self) -> str:
        """One line for a finding: which policy allowed or denied ``action`` and what stayed unknown."""
        if self.decision is Decision.DENY:
            deny = next(m for m in self.denied_by if m.outcome is Tri.TRUE)
            return f"{self.action} on {self.resource} denied by {deny.describe()}"
        if self.decision is Decision.IMPLICIT_DENY:
            missing = ", ".join(self.missing_layers) or "any policy"
            return f"{self.action} on {self.resource} not allowed by {missing}"
        allows = "; ".join(m.describe() for m in self.allowed_by)
        text = f"{self.action} on {self.resource} from {allows}"
        conditional_denies = [m.describe() for m in self.denied_by]
        if conditional_denies:
            text += f"; unless {'; '.join(conditional_denies)}"
        return text


def evaluate(policy_set: PolicySet, action: str, resource: str, context: RequestContext) -> Evaluation:
    """Decide one request; see the module docstring for the exact rules."""
    lowered = action.lower()
    layer_values = [Tri.FALSE] * len(policy_set.layers)
    denied = Tri.FALSE
    matches: list[StatementMatch] = []
    for index, source, statement in policy_set.statements_for(lowered):
        on_resource = statement.resource_match(resource, context)
        if on_resource is Tri.FALSE:
            continue
        condition, keys = statement.conditions_result(context)
        outcome = min(on_resource, condition)
        if outcome is Tri.FALSE:
            continue
        if on_resource is Tri.UNKNOWN:
            keys = (*keys, *(k for r in statement.resources for k in variable_keys(r)))
        matches.append(
            StatementMatch(
                source=source,
                layer=policy_set.layers[index].kind,
                statement_index=statement.index,
                sid=statement.sid,
                allow=statement.allow,
                outcome=outcome,
                unknown_keys=tuple(dict.fromkeys(keys)),
            )
        )
        if statement.allow:
            layer_values[index] = max(layer_values[index], outcome)
        else:
            denied = max(denied, outcome)
    allowed = min(layer_values)
    kinds = [layer.kind for layer in policy_set.layers]
    return Evaluation(
        action=action,
        resource=resource,
        decision=decide(allowed, denied),
        identity=layer_values[0],
        boundaries=tuple(v for v, k in zip(layer_values, kinds, strict=True) if k is LayerKind.BOUNDARY),
        scp_levels=tuple(v for v, k in zip(layer_values, kinds, strict=True) if k is LayerKind.SCP),
        denied=denied,
        matches=tuple(matches),
        missing_layers=tuple(
            layer.label for layer, value in zip(policy_set.layers, layer_values, strict=True) if value is Tri.FALSE
        ),
    )
