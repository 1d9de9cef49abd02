"""Who holds some grantor of a method anywhere (directly or through a group it is a member of): computed once per
method from the tenant's role holders, permission holders, owners and RBAC assignments, so the many principals
that hold none of a method's grantors are never evaluated for it (a superset: the builder still judges each one)."""

from __future__ import annotations

from collections.abc import Iterable

from nhi_scan.escalation.azure.catalog import GrantorKind, Method
from nhi_scan.model import Identity
from nhi_scan.policy.azure.directory import Directory
from nhi_scan.policy.azure.rbac import Rbac


class Holders:
    def __init__(self, identities: Iterable[Identity], directory: Directory, rbac: Rbac) -> None:
        self.rbac = rbac
        self.members: dict[str, set[str]] = {}
        for identity in identities:
            for group in identity.groups:
                self.members.setdefault(group, set()).add(identity.id)
        self.roles: dict[str, set[str]] = {}
        for principal, held in directory.roles.items():
            for role in held:
                self.roles.setdefault(role.template_id, set()).add(principal)
                self.roles.setdefault(f"name:{role.name}", set()).add(principal)
        self.permissions: dict[str, set[str]] = {}
        for principal, permissions in directory.graph_permissions.items():
            for value in permissions:
                self.permissions.setdefault(value, set()).add(principal)
        self.owners = {owner for owner, owned in directory.owned.items() if owned}
        self.by_role: dict[str, set[str]] = {}
        for principal, assignments in rbac.by_principal.items():
            for assignment in assignments:
                self.by_role.setdefault(assignment.role_id, set()).add(principal)
        self._of: dict[str, frozenset[str] | None] = {}

    def of(self, method: Method) -> frozenset[str] | None:
        """The principals that may hold the method (``None``: a grantor this index cannot tell about)."""
        if method.id not in self._of:
            self._of[method.id] = self._compute(method)
        return self._of[method.id]

    def _compute(self, method: Method) -> frozenset[str] | None:
        direct: set[str] = set()
        for grantor in method.grantors:
            kind = grantor.kind
            if kind is GrantorKind.DIRECTORY_ROLE:
                direct |= self.roles.get((grantor.id or "").lower(), set())
                direct |= self.roles.get(f"name:{grantor.name}", set())
            elif kind is GrantorKind.GRAPH_PERMISSION:
                direct |= self.permissions.get(grantor.name, set())
            elif kind is GrantorKind.OWNER:
                direct |= self.owners
            elif kind in (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION):
                data = kind is GrantorKind.RBAC_DATA_ACTION
                for role_id, principals in self.by_role.items():
                    if self.rbac.allowing(role_id, grantor.name, data=data):
                        direct |= principals
            else:
                return None
        through_groups = [self.members[g] for g in direct if g in self.members]
        return frozenset(direct.union(*through_groups))
