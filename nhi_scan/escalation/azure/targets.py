"""Indexes of a method's candidate targets, so that a principal is tested only against the targets one of its
grants can reach (what it owns, the object a scoped role names, what lies under its RBAC assignments) instead of
every target of the tenant: the builder's work grows with grants, not with principals times targets.

Every lookup returns a superset of the targets where the grant holds (the builder still judges each one), in the
order of the candidate list, so the edges and their order are those of a full scan."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

from nhi_scan.model import Identity

T = TypeVar("T")

Chain = Callable[[str], tuple[str, ...]]


class ScopeIndex(Generic[T]):
    """Items (identities or workloads with an ARM id) by every scope an assignment may be at to apply to them."""

    def __init__(self, items: Sequence[T], resource_of: Callable[[T], str], chain: Chain) -> None:
        self.items = items
        self._under: dict[str, list[int]] = {}
        for position, item in enumerate(items):
            resource = resource_of(item)
            if not resource:
                continue
            for scope in chain(resource):
                self._under.setdefault(scope, []).append(position)

    def positions(self, scopes: Iterable[str]) -> set[int]:
        found: set[int] = set()
        for scope in scopes:
            found.update(self._under.get(scope, ()))
        return found

    def under(self, scopes: Iterable[str]) -> list[T]:
        """The items at or below any of ``scopes`` (lower-case ARM ids), in their original order."""
        return [self.items[p] for p in sorted(self.positions(scopes))]


class TargetIndex:
    """One method's candidates by id, by the application behind them, by their directory object scope
    ("/" + object id, the scope of a role assigned on one application) and by ARM scope."""

    def __init__(self, candidates: Sequence[Identity], chain: Chain) -> None:
        self.candidates = candidates
        self.foreign = [c for c in candidates if c.attributes.get("foreign")]
        self.home = [c for c in candidates if not c.attributes.get("foreign")]
        #: Some foreign candidate sits on an ARM scope (then RBAC may tell them apart): asked once per principal.
        self.foreign_located = any(c.attributes.get("resource_id") for c in self.foreign)
        self._by_key: dict[str, list[int]] = {}
        self._by_object: dict[str, list[int]] = {}
        for position, candidate in enumerate(candidates):
            self._by_key.setdefault(candidate.id, []).append(position)
            application = candidate.attributes.get("application_id")
            if application:
                self._by_key.setdefault(str(application), []).append(position)
            object_id = candidate.attributes.get("object_id")
            if object_id:
                self._by_object.setdefault(f"/{object_id}".lower(), []).append(position)
        self.scopes = ScopeIndex(candidates, lambda c: str(c.attributes.get("resource_id") or ""), chain)

    def owned(self, ids: Iterable[str]) -> set[int]:
        """Candidates that are, or whose application is, one of ``ids``."""
        found: set[int] = set()
        for key in ids:
            found.update(self._by_key.get(key, ()))
        return found

    def object_scoped(self, scope: str) -> set[int]:
        return set(self._by_object.get(scope.lower(), ()))

    def pick(self, positions: Iterable[int]) -> list[Identity]:
        return [self.candidates[p] for p in sorted(positions)]
