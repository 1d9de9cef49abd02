"""Combining per-action decisions: a method needs all its groups (min), any action within a group (max)."""

from __future__ import annotations

from collections.abc import Iterable

from nhi_scan.policy.aws.tri import Decision

_RANK = {Decision.ALLOW: 2, Decision.CONDITIONAL: 1, Decision.DENY: 0, Decision.IMPLICIT_DENY: 0}
NO = Decision.IMPLICIT_DENY


def rank(decision: Decision | None) -> int:
    return 0 if decision is None else _RANK[decision]


def best(decisions: Iterable[Decision | None]) -> Decision:
    chosen = NO
    for decision in decisions:
        if decision is not None and _RANK[decision] > _RANK[chosen]:
            chosen = decision
            if chosen is Decision.ALLOW:
                break
    return chosen


def worst(decisions: Iterable[Decision]) -> Decision:
    chosen = Decision.ALLOW
    for decision in decisions:
        if _RANK[decision] < _RANK[chosen]:
            chosen = decision
            if not chosen.possible:
                break
    return chosen


def from_flag(value: bool | None) -> Decision:
    """A fact about the target: True holds, None is unknown offline (conditional), False rules it out."""
    if value is None:
        return Decision.CONDITIONAL
    return Decision.ALLOW if value else NO
