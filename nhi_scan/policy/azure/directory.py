"""Entra directory facts a principal's powers come from: directory roles (active or PIM-eligible, tenant-wide or
scoped), Microsoft Graph application permissions, ownership, and the groups it is a member of (a role-assignable
group's members hold its roles)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from nhi_scan.model import Grant, Identity, PolicyKind
from nhi_scan.policy.azure.roles import MICROSOFT_GRAPH_APP_ID, graph_app_roles


@dataclass(frozen=True, slots=True)
class DirectoryRoleHeld:
    template_id: str
    name: str
    #: directoryScopeId: "/" tenant-wide, "/administrativeUnits/ID", "/APP_OBJECT_ID".
    scope: str
    eligible: bool
    #: The group it comes through, when it does.
    via: str | None = None
    #: Identity ids of the members of the administrative unit it is scoped to, when the inputs list them (None:
    #: not listed, or not scoped to a unit).
    unit_members: frozenset[str] | None = None

    def describe(self) -> str:
        where = "tenant-wide" if self.scope == "/" else f"scoped to {self.scope}"
        how = "eligible (PIM: needs activation)" if self.eligible else "assigned"
        through = f" through group {self.via}" if self.via else ""
        return f"{self.name} {how} {where}{through}"


class Directory:
    """Who holds which directory role and Graph permission, and who owns what."""

    def __init__(self, identities: Iterable[Identity], grants: Iterable[Grant]) -> None:
        self.identities = {i.id: i for i in identities}
        self.roles: dict[str, list[DirectoryRoleHeld]] = defaultdict(list)
        self.graph_permissions: dict[str, dict[str, str]] = defaultdict(dict)
        graph_roles = graph_app_roles()
        for grant in grants:
            if grant.policy_kind is PolicyKind.DIRECTORY_ROLE:
                members = grant.document.get("unit_members")
                self.roles[grant.principal_id].append(
                    DirectoryRoleHeld(
                        grant.policy_id.lower(),
                        grant.policy_name,
                        grant.resource_scope or "/",
                        grant.eligible,
                        unit_members=frozenset(members) if isinstance(members, list) else None,
                    )
                )
            elif grant.policy_kind is PolicyKind.APP_ROLE:
                resource_app = str(grant.document.get("resource_app_id") or "")
                value = str(grant.document.get("value") or "")
                if not value and grant.policy_id in graph_roles:
                    value = graph_roles[grant.policy_id].value
                graph = resource_app == MICROSOFT_GRAPH_APP_ID or (not resource_app and grant.policy_id in graph_roles)
                if value and graph:
                    self.graph_permissions[grant.principal_id][value] = grant.policy_id
        self.owned: dict[str, set[str]] = defaultdict(set)
        for identity in self.identities.values():
            for owner in identity.owners:
                self.owned[owner].add(identity.id)

    def principals_of(self, identity: Identity) -> list[str]:
        """The identity and the groups it is a member of (whose grants it holds)."""
        return [identity.id, *identity.groups]

    def roles_of(self, identity: Identity) -> list[DirectoryRoleHeld]:
        found = list(self.roles.get(identity.id, ()))
        for group in identity.groups:
            found.extend(
                DirectoryRoleHeld(r.template_id, r.name, r.scope, r.eligible, via=group, unit_members=r.unit_members)
                for r in self.roles.get(group, ())
            )
        return found

    def permissions_of(self, identity: Identity) -> dict[str, str]:
        """Graph application permissions (value -> app role id) the identity holds."""
        return dict(self.graph_permissions.get(identity.id, {}))

    def owns(self, owner: str, target: Identity) -> bool:
        """Owner of the target, or of the application behind a service principal."""
        if owner in target.owners:
            return True
        application = target.attributes.get("application_id")
        app = self.identities.get(str(application)) if application else None
        return app is not None and owner in app.owners
