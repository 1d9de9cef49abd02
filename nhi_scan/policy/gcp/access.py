"""Who holds which permission where: role bindings expanded to permissions (predefined roles from the bundled
dataset, custom roles from the inventory), with their conditions decided at the scan time.

Members: a binding applies to the member it names, to everyone for ``allUsers`` / ``allAuthenticatedUsers``, and
to people of a ``domain:``. A ``group:`` binding is the group's own: its members are unknown offline (the group is a
node of the graph holding its grants, never silently dropped, never spread to every principal).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from nhi_scan.model import Grant, Identity, Inventory, Policy, PolicyKind
from nhi_scan.policy.gcp.conditions import decide
from nhi_scan.policy.gcp.roles import predefined_role
from nhi_scan.redact import redact_name
from nhi_scan.tri import Tri

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
#: Basic role on a project -> the convenience member (on buckets) that its holders are.
CONVENIENCE = {"roles/owner": "projectOwner", "roles/editor": "projectEditor", "roles/viewer": "projectViewer"}


@dataclass(frozen=True, slots=True)
class Binding:
    """One member's binding: a role at a resource, and whether its condition holds (TRUE or UNKNOWN)."""

    resource: str
    role: str
    outcome: Tri
    member: str

    def describe(self, permission: str) -> str:
        via = "" if self.member.partition(":")[0] in ("serviceAccount", "user", "group") else f" (to {self.member})"
        condition = " if its condition holds" if self.outcome is not Tri.TRUE else ""
        # the resource's path is the export's text: a secret key pasted into a project id is not quoted on
        return f"{permission} from {self.role} bound on {redact_name(self.resource)}{via}{condition}"


class Roles:
    """Role name -> permissions; roles neither bundled nor exported are reported once and grant nothing known."""

    def __init__(self, policies: Iterable[Policy]) -> None:
        self.custom: dict[str, frozenset[str]] = {}
        for policy in policies:
            document = policy.default_document or {}
            if not document.get("deleted"):
                self.custom[policy.id] = frozenset(document.get("includedPermissions", ()))
        self.unknown: set[str] = set()

    def permissions(self, role: str) -> frozenset[str]:
        if role in self.custom:
            return self.custom[role]
        found = predefined_role(role)
        if found is None:
            self.unknown.add(role)
            return frozenset()
        return found.permissions


class Access:
    """Each principal's bindings, and the interesting permissions they hold at each scope."""

    def __init__(self, inventory: Inventory, now: datetime | None, interesting: frozenset[str]) -> None:
        self.roles = Roles(inventory.policies)
        self.interesting = interesting
        self._role_perms: dict[str, frozenset[str]] = {}
        self.by_member: Mapping[str, list[Binding]] = _index(inventory.grants, now)
        self.by_domain: dict[str, list[Binding]] = defaultdict(list)
        for member, bindings in self.by_member.items():
            if member.startswith("domain:"):
                self.by_domain[member.split(":", 1)[1].lower()].extend(bindings)
        self.public = [b for member in PUBLIC_MEMBERS for b in self.by_member.get(member, ())]

    def role_permissions(self, role: str) -> frozenset[str]:
        """The role's permissions that some method or admin test asks about (cached: roles repeat)."""
        found = self._role_perms.get(role)
        if found is None:
            found = self._role_perms[role] = self.roles.permissions(role) & self.interesting
        return found

    def bindings_of(self, identity: Identity) -> list[Binding]:
        own = list(self.by_member.get(identity.id, ()))
        found = list(own)
        kind, _, email = identity.id.partition(":")
        if kind == "user" and "@" in email:
            found.extend(self.by_domain.get(email.rsplit("@", 1)[1].lower(), ()))
        for binding in own:  # holders of a basic role on a project are its projectOwner: / projectEditor: members
            member = CONVENIENCE.get(binding.role)
            if member and binding.resource.count("/") == 1 and binding.resource.startswith("projects/"):
                project = binding.resource.split("/", 1)[1]
                found.extend(
                    Binding(b.resource, b.role, min(b.outcome, binding.outcome), b.member)
                    for b in self.by_member.get(f"{member}:{project}", ())
                )
        found.extend(self.public)
        return found

    def held(self, bindings: Iterable[Binding]) -> dict[str, dict[str, Tri]]:
        """Scope -> interesting permission -> TRUE (a certain binding) or UNKNOWN (only conditional ones)."""
        held: dict[str, dict[str, Tri]] = {}
        for binding in bindings:
            permissions = self.role_permissions(binding.role)
            if not permissions:
                continue
            at = held.setdefault(binding.resource, {})
            for permission in permissions:
                if at.get(permission, Tri.FALSE) < binding.outcome:
                    at[permission] = binding.outcome
        return held

    def granting(self, bindings: Iterable[Binding], resource: str, permission: str) -> Binding | None:
        """The binding at ``resource`` that grants ``permission`` (a certain one first), for explanations."""
        found = [b for b in bindings if b.resource == resource and permission in self.role_permissions(b.role)]
        return max(found, key=lambda b: b.outcome, default=None)


def _index(grants: Iterable[Grant], now: datetime | None) -> dict[str, list[Binding]]:
    by_member: dict[str, list[Binding]] = defaultdict(list)
    for grant in grants:
        if grant.policy_kind is not PolicyKind.ROLE_BINDING or grant.resource_scope is None:
            continue
        expression = (grant.condition or {}).get("expression")
        outcome = decide(expression, now) if expression else Tri.TRUE
        if outcome is Tri.FALSE:
            continue  # an expired or never-true condition: the binding grants nothing
        by_member[grant.principal_id].append(
            Binding(grant.resource_scope, grant.policy_id, outcome, grant.principal_id)
        )
    return by_member
