"""One source principal during the build: its permissions and cached resource scopes, asked per target."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from nhi_scan.escalation.aws.index import literal_prefix
from nhi_scan.model import Grant, Identity, IdentityKind, PolicyKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.context import KeyValue, RequestContext
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.scope import ResourceScope
from nhi_scan.policy.aws.tri import Decision, Tri, decide


def _covers_prefix(pattern: str, prefix: str) -> bool:
    """``*``, or ``<literal>*`` whose literal part is a prefix of ``prefix`` (so it matches all beneath it)."""
    if pattern and set(pattern) == {"*"}:
        return True
    if not pattern.endswith("*"):
        return False
    literal = pattern.rstrip("*")
    return not any(marker in literal for marker in ("*", "?", "${")) and prefix.startswith(literal)


def boundary_caps(grants: Iterable[Grant], cache: PolicyCache, context: RequestContext | None = None) -> bool:
    """The principal has a permissions boundary that is not itself admin-equivalent: whatever it is granted (by
    itself or by someone else) stays within it."""
    boundaries = [
        dataclasses.replace(g, policy_kind=PolicyKind.INLINE) for g in grants if g.policy_kind is PolicyKind.BOUNDARY
    ]
    if not boundaries:
        return False
    alone = PrincipalPermissions.from_grants(boundaries, context=context, cache=cache)
    return not alone.admin_equivalence().possible


#: Attaching a managed policy: the attacker would attach AdministratorAccess, so iam:PolicyARN is known.
ATTACH_ACTIONS = frozenset({"iam:attachuserpolicy", "iam:attachrolepolicy", "iam:attachgrouppolicy"})
ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


@dataclass(slots=True)
class Source:
    identity: Identity
    permissions: PrincipalPermissions
    #: Interesting actions (lowercase) it may perform somewhere: ALLOW or CONDITIONAL.
    held: dict[str, Decision]
    _scopes: dict[tuple[str, str | None], ResourceScope] = field(default_factory=dict)
    _prefixes: dict[tuple[str, str | None], tuple[str, ...] | None] = field(default_factory=dict)
    _covers: dict[tuple[str, str, str | None], Decision | None] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.identity.id

    @property
    def is_group(self) -> bool:
        return self.identity.kind is IdentityKind.GROUP

    def forget(self) -> None:
        """Drop the cached scopes once the source's methods are applied: kept for 100k principals until the checks
        run, they would be most of a large scan's memory. They are rebuilt if asked for again."""
        self._scopes.clear()
        self._prefixes.clear()
        self._covers.clear()

    def scope(self, action: str, passed_to: str | None = None) -> ResourceScope:
        key = (action, passed_to)
        found = self._scopes.get(key)
        if found is None:
            found = self.permissions.resource_patterns(action, self._context(action, passed_to))
            self._scopes[key] = found
        return found

    def decide(self, action: str, resource: str, passed_to: str | None = None) -> Decision:
        if action not in self.held:
            return Decision.IMPLICIT_DENY
        return self.scope(action, passed_to).decide(resource)

    def covers_everything(self, action: str, passed_to: str | None = None) -> bool:
        """The action is certainly allowed on every resource (so a hub edge can stand for all targets)."""
        if self.held.get(action) is not Decision.ALLOW:
            return False
        scope = self.scope(action, passed_to)
        deny = scope.deny
        return (
            not deny.entries and not deny.excepts and all(layer.certainly_covers_everything() for layer in scope.layers)
        )

    def covers(self, action: str, prefix: str, passed_to: str | None = None) -> Decision | None:
        """A decision every resource under ``prefix`` gets at least, or None when targets must be judged one by one.

        Read from the patterns' shape, not by testing names: each layer needs an Allow pattern that is ``*`` or
        a literal prefix of ``prefix`` followed by one trailing ``*``; every Deny must apply to ``*``; no
        NotResource. Narrower certain Allows may make some targets more certain than the shared decision, never
        less, so the shared decision only errs on the cautious side.
        """
        key = (action, prefix, passed_to)
        if key not in self._covers:
            self._covers[key] = self._covers_uncached(action, prefix, passed_to)
        return self._covers[key]

    def _covers_uncached(self, action: str, prefix: str, passed_to: str | None) -> Decision | None:
        if action not in self.held:
            return None
        scope = self.scope(action, passed_to)
        if scope.has_exceptions or not all(entry.matches_everything for entry in scope.deny.entries):
            return None
        allowed = Tri.TRUE
        for layer in scope.layers:
            covering = [e.certainty for e in layer.entries if _covers_prefix(e.pattern, prefix)]
            if not covering:
                return None
            allowed = min(allowed, max(covering))
        denied = max((e.certainty for e in scope.deny.entries), default=Tri.FALSE)
        return decide(allowed, denied)

    def prefixes(self, action: str, passed_to: str | None = None) -> tuple[str, ...] | None:
        """Literal prefixes of the identity-layer Allow patterns; None when they cannot narrow targets."""
        key = (action, passed_to)
        if key in self._prefixes:
            return self._prefixes[key]
        scope = self.scope(action, passed_to)
        found = None if scope.has_exceptions else tuple(literal_prefix(e.pattern) for e in scope.allow_patterns)
        self._prefixes[key] = found
        return found

    def layer_prefixes(self, action: str, passed_to: str | None = None) -> list[tuple[str, ...]]:
        """Per layer (identity, boundary, SCP levels), the literal prefixes of its Allow patterns: a target must
        start with one prefix of every tuple. Layers that cannot narrow (NotResource, or a pattern that starts with
        a wildcard) are left out, so an empty list means no narrowing at all."""
        found: list[tuple[str, ...]] = []
        for layer in self.scope(action, passed_to).layers:
            prefixes = tuple(literal_prefix(e.pattern) for e in layer.entries)
            if not layer.excepts and all(prefixes):
                found.append(prefixes)
        return found

    def reason(self, action: str, resource: str, passed_to: str | None = None) -> str:
        return self.permissions.allows(action, resource, self._context(action, passed_to)).reason()

    def _context(self, action: str, passed_to: str | None) -> RequestContext:
        """The request an attacker would make: the service it passes a role to, the policy it would attach."""
        keys: dict[str, KeyValue] = {}
        if passed_to is not None:
            keys["iam:PassedToService"] = passed_to
        if action.lower() in ATTACH_ACTIONS:
            keys["iam:PolicyARN"] = ADMIN_POLICY_ARN
        return self.permissions.context.with_keys(keys) if keys else self.permissions.context
