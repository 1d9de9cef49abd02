"""Sets of catalogue actions that may be "everything except a few" (from ``NotAction``), kept symbolic.

``NotAction: iam:*`` covers ~22,000 actions; storing the complement keeps unions and intersections cheap when
judging admin-equivalence for 100k principals.
"""

from __future__ import annotations

from dataclasses import dataclass

from nhi_scan.policy.aws import catalog


@dataclass(frozen=True, slots=True)
class ActionSet:
    """``names`` when ``complement`` is False; every catalogue action except ``names`` when True."""

    names: frozenset[str]
    complement: bool = False

    @staticmethod
    def empty() -> ActionSet:
        return ActionSet(frozenset())

    @staticmethod
    def everything() -> ActionSet:
        return ActionSet(frozenset(), complement=True)

    def __contains__(self, action: object) -> bool:
        return (action in self.names) != self.complement

    def union(self, other: ActionSet) -> ActionSet:
        if self.complement and other.complement:
            return ActionSet(self.names & other.names, True)
        if self.complement:
            return ActionSet(self.names - other.names, True)
        if other.complement:
            return ActionSet(other.names - self.names, True)
        return ActionSet(self.names | other.names)

    def intersection(self, other: ActionSet) -> ActionSet:
        if self.complement and other.complement:
            return ActionSet(self.names | other.names, True)
        if self.complement:
            return ActionSet(other.names - self.names)
        if other.complement:
            return ActionSet(self.names - other.names)
        return ActionSet(self.names & other.names)

    def difference(self, other: ActionSet) -> ActionSet:
        return self.intersection(ActionSet(other.names, not other.complement))

    def includes_all(self, actions: frozenset[str]) -> bool:
        if self.complement:
            return self.names.isdisjoint(actions)
        return actions <= self.names

    def catalogue_count(self) -> int:
        """How many catalogue actions the set holds."""
        every = catalog.all_actions()
        if self.complement:
            return len(every) - len(self.names & every)
        return len(self.names & every)

    def missing(self, actions: frozenset[str]) -> frozenset[str]:
        """Which of ``actions`` the set lacks."""
        return frozenset(a for a in actions if a not in self)
