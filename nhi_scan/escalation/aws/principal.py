"""One source principal during the build: its permissions and cached resource scopes, asked per target."""

from __future__ import annotations

from dataclasses import dataclass, field

from nhi_scan.escalation.aws.index import literal_prefix
from nhi_scan.model import Identity, IdentityKind
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.scope import ResourceScope
from nhi_scan.policy.aws.tri import Decision


@dataclass(slots=True)
class Source:
    identity: Identity
    permissions: PrincipalPermissions
    #: Interesting actions (lowercase) it may perform somewhere: ALLOW or CONDITIONAL.
    held: dict[str, Decision]
    _scopes: dict[tuple[str, str | None], ResourceScope] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.identity.id

    @property
    def is_group(self) -> bool:
        return self.identity.kind is IdentityKind.GROUP

    def scope(self, action: str, passed_to: str | None = None) -> ResourceScope:
        key = (action, passed_to)
        found = self._scopes.get(key)
        if found is None:
            context = self.permissions.context
            if passed_to is not None:
                context = context.with_keys({"iam:PassedToService": passed_to})
            found = self.permissions.resource_patterns(action, context)
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

    def prefixes(self, action: str, passed_to: str | None = None) -> tuple[str, ...] | None:
        """Literal prefixes of the identity-layer Allow patterns; None when they cannot narrow targets."""
        scope = self.scope(action, passed_to)
        if scope.has_exceptions:
            return None
        return tuple(literal_prefix(entry.pattern) for entry in scope.allow_patterns)

    def reason(self, action: str, resource: str, passed_to: str | None = None) -> str:
        context = self.permissions.context
        if passed_to is not None:
            context = context.with_keys({"iam:PassedToService": passed_to})
        return self.permissions.allows(action, resource, context).reason()
