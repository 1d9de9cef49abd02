"""Where a principal may perform one action: its resource patterns, compiled for testing many targets fast.

``ResourceScope.decide(arn)`` gives the same answer as a full evaluation of (action, arn) under the same context,
but costs a few regex tests per target: the Resource patterns of each layer are merged into one alternation
(one for certain statements, one for conditional ones) and NotResource statements are kept as exceptions.
Conditions are evaluated once, when the scope is built, so keys that depend on the target (``aws:ResourceTag``)
stay UNKNOWN: build a scope per context if the target changes the context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nhi_scan.policy.aws.compiled import PolicySource
from nhi_scan.policy.aws.context import RequestContext
from nhi_scan.policy.aws.evaluate import PolicySet
from nhi_scan.policy.aws.patterns import Kind, Segments, compile_alternation, compile_segments, segments_literal
from nhi_scan.policy.aws.tri import Decision, Tri, decide


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternEntry:
    """One Resource pattern of one statement, with variables substituted (unknown ones read as ``*``)."""

    pattern: str
    segments: Segments
    certainty: Tri
    source: PolicySource
    statement_index: int

    @property
    def matches_everything(self) -> bool:
        return bool(self.pattern) and set(self.pattern) == {"*"}


@dataclass(frozen=True, slots=True, kw_only=True)
class ExceptEntry:
    """One NotResource statement: it applies to every resource except its patterns."""

    patterns: tuple[tuple[Segments, Tri], ...]
    certainty: Tri
    source: PolicySource
    statement_index: int

    def applies(self, arn: str) -> Tri:
        hit = Tri.FALSE
        for segments, certainty in self.patterns:
            if compile_segments(segments, Kind.ARN).fullmatch(arn) is not None:
                hit = max(hit, certainty)
        return min(self.certainty, hit.negate())


class LayerScope:
    """The resources one layer (or all Deny statements) applies to."""

    __slots__ = ("_certain", "_compiled", "_everything", "_possible", "entries", "excepts", "label")

    def __init__(self, label: str, entries: tuple[PatternEntry, ...], excepts: tuple[ExceptEntry, ...]) -> None:
        self.label = label
        self.entries = entries
        self.excepts = excepts
        self._everything = any(e.matches_everything and e.certainty is Tri.TRUE for e in entries)
        # Compiled on the first match: many scopes are only read for their patterns' shape.
        self._compiled = False
        self._certain: re.Pattern[str] | None = None
        self._possible: re.Pattern[str] | None = None

    def _compile(self) -> None:
        certain = tuple(e.segments for e in self.entries if e.certainty is Tri.TRUE)
        possible = tuple(e.segments for e in self.entries if e.certainty is Tri.UNKNOWN)
        self._certain = compile_alternation(certain, Kind.ARN) if certain else None
        self._possible = compile_alternation(possible, Kind.ARN) if possible else None
        self._compiled = True

    @property
    def empty(self) -> bool:
        return not self.entries and not self.excepts

    def match(self, arn: str) -> Tri:
        if self._everything:
            return Tri.TRUE
        if not self._compiled:
            self._compile()
        if self._certain is not None and self._certain.fullmatch(arn) is not None:
            return Tri.TRUE
        result = Tri.FALSE
        for entry in self.excepts:
            result = max(result, entry.applies(arn))
            if result is Tri.TRUE:
                return result
        if self._possible is not None and self._possible.fullmatch(arn) is not None:
            result = max(result, Tri.UNKNOWN)
        return result

    def certainly_covers_everything(self) -> bool:
        return self._everything

    def certainly_covers(self, entry: PatternEntry) -> bool:
        """True when a certain pattern of this (Deny) scope surely matches every resource of ``entry``."""
        if self._everything:
            return True
        if any(e.certainty is Tri.TRUE and e.pattern == entry.pattern for e in self.entries):
            return True
        literal = segments_literal(entry.segments) and entry.certainty is not Tri.UNKNOWN
        if literal and not self._compiled:
            self._compile()
        return literal and self._certain is not None and self._certain.fullmatch(entry.pattern) is not None


@dataclass(frozen=True, slots=True)
class ResourceScope:
    """Allow patterns per layer (identity first) and Deny patterns for one action."""

    action: str
    layers: tuple[LayerScope, ...]
    deny: LayerScope

    def decide(self, arn: str) -> Decision:
        """Same decision as a full evaluation of (action, arn), with a few compiled-regex tests."""
        denied = self.deny.match(arn)
        allowed = Tri.TRUE
        for layer in self.layers:
            allowed = min(allowed, layer.match(arn))
            if allowed is Tri.FALSE:
                break
        return decide(allowed, denied)

    @property
    def allow_patterns(self) -> tuple[PatternEntry, ...]:
        """Resource patterns of the identity-policy Allow statements (NotResource ones are in ``layers[0]``)."""
        return self.layers[0].entries

    @property
    def deny_patterns(self) -> tuple[PatternEntry, ...]:
        return self.deny.entries

    @property
    def has_exceptions(self) -> bool:
        """Some NotResource statement is involved (the patterns alone do not tell the whole story)."""
        return any(layer.excepts for layer in (*self.layers, self.deny))

    def possibly_allows_something(self) -> bool:
        """False only when certainly nothing is allowed: a layer is empty or certain Denies cover every Allow.

        Approximate on the safe side: Allow patterns that are wildcards are not checked against narrower Denies.
        """
        if any(layer.empty for layer in self.layers):
            return False
        identity = self.layers[0]
        if identity.excepts:
            return not self.deny.certainly_covers_everything()
        return not all(self.deny.certainly_covers(entry) for entry in identity.entries)


def resource_scope(policy_set: PolicySet, action: str, context: RequestContext) -> ResourceScope:
    """Build the scope of ``action`` for one principal's policy set under ``context``."""
    lowered = action.lower()
    entries: list[list[PatternEntry]] = [[] for _ in policy_set.layers]
    excepts: list[list[ExceptEntry]] = [[] for _ in policy_set.layers]
    deny_entries: list[PatternEntry] = []
    deny_excepts: list[ExceptEntry] = []
    for index, source, statement in policy_set.statements_for(lowered):
        condition, _ = statement.conditions_result(context)
        if condition is Tri.FALSE:
            continue
        patterns = statement.resource_patterns(context)
        target_entries = entries[index] if statement.allow else deny_entries
        target_excepts = excepts[index] if statement.allow else deny_excepts
        if statement.not_resource:
            target_excepts.append(
                ExceptEntry(
                    patterns=tuple(patterns), certainty=condition, source=source, statement_index=statement.index
                )
            )
            continue
        for segments, certainty in patterns:
            target_entries.append(
                PatternEntry(
                    pattern="".join(text for text, _ in segments),
                    segments=segments,
                    certainty=min(condition, certainty),
                    source=source,
                    statement_index=statement.index,
                )
            )
    layers = tuple(
        LayerScope(layer.label, tuple(entries[i]), tuple(excepts[i])) for i, layer in enumerate(policy_set.layers)
    )
    return ResourceScope(action, layers, LayerScope("Deny statements", tuple(deny_entries), tuple(deny_excepts)))
