"""Azure RBAC: an assignment at a management group, subscription, resource group or resource applies to it and to
everything below; a role allows an action when one of its ``actions`` patterns covers it and none of its
``notActions`` does (case-insensitive, ``*`` across "/"). Data actions are matched the same way, separately.

A condition (ABAC) on an assignment makes what it grants conditional. A deny assignment blocks the actions it names
at its scope (and below, unless ``doNotApplyToChildScopes``) for its principals (or everyone, the all-zero id) except
those it excludes, whatever any role allows: Azure evaluates denies first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Grant, Policy, PolicyKind, Scope
from nhi_scan.policy.azure.roles import built_in_role
from nhi_scan.tri import Tri


@lru_cache(maxsize=8192)
def _pattern(text: str) -> re.Pattern[str]:
    """``*`` matches any text; a ``/*/`` segment also matches none, as Azure reads Managed Identity Operator's
    ``userAssignedIdentities/*/assign/action`` to allow ``userAssignedIdentities/assign/action``."""
    regex = ".*".join(re.escape(part) for part in text.lower().split("*"))
    return re.compile(regex.replace("/.*/", "/(?:.*/)?"))


def covers(patterns: Iterable[str], action: str) -> bool:
    lowered = action.lower()
    return any(_pattern(p).fullmatch(lowered) for p in patterns)


@dataclass(frozen=True, slots=True)
class RoleGrant:
    """One block of a role's permissions."""

    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    data_actions: tuple[str, ...]
    not_data_actions: tuple[str, ...]
    #: The block holds only under a condition of the role itself (constrained delegation of role assignments).
    conditional: bool = False

    def allows(self, action: str, *, data: bool = False) -> bool:
        allowed, denied = (self.data_actions, self.not_data_actions) if data else (self.actions, self.not_actions)
        return covers(allowed, action) and not covers(denied, action)


#: The principal id of a deny assignment that applies to every principal (type SystemDefined).
EVERYONE = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, slots=True)
class Deny:
    """One deny assignment (Azure creates them: Blueprints, managed applications, deployment stacks)."""

    name: str
    scope: str
    blocks: tuple[RoleGrant, ...]
    #: Object ids (lower case); EVERYONE for all.
    principals: frozenset[str]
    excluded: frozenset[str]
    children: bool

    def applies_to(self, object_ids: set[str]) -> bool:
        if object_ids & self.excluded:
            return False
        return EVERYONE in self.principals or bool(object_ids & self.principals)

    def blocks_action(self, action: str, *, data: bool = False) -> bool:
        return any(block.allows(action, data=data) for block in self.blocks)

    def describe(self) -> str:
        return f"deny assignment {self.name} on {self.scope}"


def _object_ids(principals: Sequence[str]) -> set[str]:
    """``servicePrincipals/ID``, ``groups/ID``... -> the object ids a deny assignment names."""
    return {p.rsplit("/", 1)[-1].lower() for p in principals}


def _deny(grant: Grant) -> Deny:
    document = grant.document

    def ids(key: str) -> frozenset[str]:
        raw = document.get(key) or ()
        return frozenset(str(p.get("id", "")).lower() for p in raw if isinstance(p, Mapping))

    blocks = document.get("permissions") or ()
    return Deny(
        name=grant.policy_name,
        scope=(grant.resource_scope or "/").lower().rstrip("/") or "/",
        blocks=tuple(_block(b) for b in blocks if isinstance(b, Mapping)),
        principals=ids("principals"),
        excluded=ids("exclude_principals"),
        children=bool(document.get("applies_to_children", True)),
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    principal: str
    role_id: str
    role_name: str
    scope: str
    outcome: Tri

    def describe(self) -> str:
        condition = " under an ABAC condition" if self.outcome is not Tri.TRUE else ""
        return f"{self.role_name} assigned on {self.scope}{condition}"


class Rbac:
    """Role definitions (bundled built-in ones, custom ones from the inputs) and each principal's assignments."""

    def __init__(self, grants: Iterable[Grant], policies: Iterable[Policy], hierarchy: Iterable[Scope]) -> None:
        self.custom: dict[str, tuple[RoleGrant, ...]] = {}
        for policy in policies:
            document = policy.default_document or {}
            blocks = document.get("permissions") or ()
            self.custom[policy.id.lower()] = tuple(_block(b) for b in blocks if isinstance(b, Mapping))
        self.by_principal: dict[str, list[Assignment]] = defaultdict(list)
        self.unknown_roles: set[str] = set()
        self.denies_at: dict[str, list[Deny]] = defaultdict(list)
        for grant in grants:
            if grant.policy_kind is PolicyKind.DENY_POLICY and grant.provider == AZURE:
                deny = _deny(grant)
                self.denies_at[deny.scope].append(deny)
                continue
            if grant.policy_kind is not PolicyKind.RBAC_ASSIGNMENT or grant.resource_scope is None:
                continue
            outcome = Tri.UNKNOWN if grant.condition else Tri.TRUE
            role = grant.policy_id.lower()
            self.by_principal[grant.principal_id].append(
                Assignment(grant.principal_id, role, grant.policy_name, grant.resource_scope.lower(), outcome)
            )
        self.parents: dict[str, str | None] = {
            s.id.lower(): (s.parent.lower() if s.parent else None) for s in hierarchy
        }
        self._roles: dict[str, tuple[RoleGrant, ...]] = {}
        self._chains: dict[str, tuple[str, ...]] = {}
        self._chain_sets: dict[str, frozenset[str]] = {}
        self._allowing: dict[tuple[str, str, bool], tuple[RoleGrant, ...]] = {}
        for assignments in self.by_principal.values():
            for assignment in assignments:
                self.role(assignment.role_id)  # an unknown role is a warning even where nothing asks about it

    def role(self, role_id: str) -> tuple[RoleGrant, ...]:
        found = self._roles.get(role_id)
        if found is None:
            custom = self.custom.get(role_id)
            if custom is not None:
                found = custom
            else:
                built_in = built_in_role(role_id)
                if built_in is None:
                    self.unknown_roles.add(role_id)
                    found = ()
                else:
                    found = tuple(
                        RoleGrant(p.actions, p.not_actions, p.data_actions, p.not_data_actions, p.condition is not None)
                        for p in built_in.permissions
                    )
            self._roles[role_id] = found
        return found

    def allowing(self, role_id: str, action: str, *, data: bool = False) -> tuple[RoleGrant, ...]:
        """The blocks of a role that allow ``action``: asked for the same few roles and actions once per principal
        and target, so matched once."""
        key = (role_id, action, data)
        found = self._allowing.get(key)
        if found is None:
            found = self._allowing[key] = tuple(b for b in self.role(role_id) if b.allows(action, data=data))
        return found

    def chain(self, resource: str) -> tuple[str, ...]:
        """The scopes an assignment may be at to apply to ``resource``: itself, its ARM ancestors, then the
        management groups above its subscription."""
        resource = resource.lower().rstrip("/")
        found = self._chains.get(resource)
        if found is not None:
            return found
        chain: list[str] = []
        parts = resource.split("/")
        for end in range(len(parts), 1, -1):
            prefix = "/".join(parts[:end])
            if prefix and prefix not in chain:
                chain.append(prefix)
        cursor = self.parents.get(chain[-1]) if chain else None
        while cursor is not None and cursor not in chain:
            chain.append(cursor)
            cursor = self.parents.get(cursor)
        chain.append("/")
        result = tuple(chain)
        self._chains[resource] = result
        return result

    def _chain_set(self, resource: str) -> frozenset[str]:
        found = self._chain_sets.get(resource)
        if found is None:
            found = self._chain_sets[resource] = frozenset(self.chain(resource))
        return found

    def assignments(self, principals: Sequence[str]) -> list[Assignment]:
        return [a for p in principals for a in self.by_principal.get(p, ())]

    def allows(
        self,
        principals: Sequence[str],
        action: str,
        resource: str,
        *,
        data: bool = False,
        custom_only: bool = False,
        assignments: Sequence[Assignment] | None = None,
    ) -> tuple[Tri, Assignment | None]:
        """Whether one of ``principals`` (an identity and its groups) may perform ``action`` on ``resource``, and
        through which assignment (``custom_only``: through a custom role, the only kind one can change).
        ``assignments``: the principals' assignments, when the caller has them already."""
        applicable = self._chain_set(resource)
        best: tuple[Tri, Assignment | None] = (Tri.FALSE, None)
        for assignment in self.assignments(principals) if assignments is None else assignments:
            if assignment.scope not in applicable or assignment.outcome <= best[0]:
                continue
            if custom_only and assignment.role_id not in self.custom:
                continue
            blocks = self.allowing(assignment.role_id, action, data=data)
            if blocks:
                certain = Tri.TRUE if any(not b.conditional for b in blocks) else Tri.UNKNOWN
                best = (min(assignment.outcome, certain), assignment)
        if best[0] is not Tri.FALSE and self.denying(principals, action, resource, data=data) is not None:
            return Tri.FALSE, None
        return best

    def _applying(self, principals: Sequence[str], resource: str) -> Iterator[Deny]:
        """The deny assignments that apply to ``principals`` on ``resource`` (at it, or above and inherited)."""
        if not self.denies_at:
            return
        here = resource.lower().rstrip("/") or "/"
        ids = _object_ids(principals)
        for scope in self.chain(resource):
            for deny in self.denies_at.get(scope, ()):
                if (deny.children or scope == here) and deny.applies_to(ids):
                    yield deny

    def denying(self, principals: Sequence[str], action: str, resource: str, *, data: bool = False) -> Deny | None:
        """The deny assignment that blocks ``action`` on ``resource`` for ``principals``, if any."""
        return next((d for d in self._applying(principals, resource) if d.blocks_action(action, data=data)), None)

    def denied_below(self, principals: Sequence[str], action: str, scope: str, *, data: bool = False) -> bool:
        """Whether a deny assignment for ``principals`` blocks ``action`` somewhere strictly below ``scope``: what
        an assignment there allows then holds for only part of what lies under it."""
        if not self.denies_at:
            return False
        top = scope.lower().rstrip("/") or "/"
        ids = _object_ids(principals)
        return any(
            at != top and top in self.chain(at) and deny.applies_to(ids) and deny.blocks_action(action, data=data)
            for at, denies in self.denies_at.items()
            for deny in denies
        )

    def restricting(self, principals: Sequence[str], scope: str) -> Deny | None:
        """A deny assignment that blocks some action at ``scope`` for ``principals``: they cannot do everything
        there, whatever role they hold (so they are not admin-equivalent of it)."""
        return next((d for d in self._applying(principals, scope) if any(b.actions for b in d.blocks)), None)

    def scopes_allowing(self, principals: Sequence[str], action: str) -> list[Assignment]:
        """The assignments that allow ``action`` somewhere (at their scope and below)."""
        return [a for a in self.assignments(principals) if self.allowing(a.role_id, action)]


def _block(raw: Mapping[str, object]) -> RoleGrant:
    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key) or ()
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

    return RoleGrant(
        strings("actions"),
        strings("notActions"),
        strings("dataActions"),
        strings("notDataActions"),
        bool(raw.get("condition")),
    )
