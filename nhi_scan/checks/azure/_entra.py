"""Reading the Entra directory for the Azure checks: an application and its service principal taken as one, the
tier-0 grants a principal holds (directly, through its groups, or through the agent identities of a blueprint), its
owners, and which identities are the customer's to judge.

Tier 0 is nhi-scan's own list (``nhi_scan.policy.azure.roles``): Microsoft Graph application permissions, directory
roles assigned tenant-wide (a role scoped to an administrative unit or one application reaches only that), and Azure
roles assigned on a subscription, a management group or the root. Everything is computed once per inventory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from nhi_scan.checks._base import CheckContext
from nhi_scan.model import Grant, Identity, IdentityKind, Inventory, PolicyKind
from nhi_scan.policy.azure.roles import (
    MICROSOFT_GRAPH_APP_ID,
    Tier0,
    tier0_directory_roles,
    tier0_graph_permissions,
    tier0_rbac_roles,
)

#: Microsoft's own tenants: service principals of apps registered there are first-party (Microsoft Graph...).
MICROSOFT_TENANTS = frozenset({"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"})
#: signInAudience values that let other organisations sign in to an application.
MULTI_TENANT_AUDIENCES = frozenset({"azureadmultipleorgs", "azureadandpersonalmicrosoftaccount"})
SERVICE_PRINCIPAL_KINDS = (IdentityKind.SERVICE_PRINCIPAL, IdentityKind.MANAGED_IDENTITY, IdentityKind.AGENT_IDENTITY)
_MANAGEMENT_GROUPS = "/providers/microsoft.management/managementgroups/"
_MEMO = "azure-checks-directory"


def arm_level(scope: str) -> str:
    """``root``, ``management group``, ``subscription``, ``resource group`` or ``resource`` of a lower-cased ARM
    scope."""
    parts = [p for p in scope.lower().split("/") if p]
    if not parts:
        return "root"
    if scope.lower().startswith(_MANAGEMENT_GROUPS):
        return "management group"
    if parts[0] == "subscriptions":
        if len(parts) == 2:
            return "subscription"
        if len(parts) == 4 and parts[2] == "resourcegroups":
            return "resource group"
    return "resource"


#: ARM levels a tier-0 Azure role hands over a whole subscription (or more) from.
SUBSCRIPTION_OR_ABOVE = frozenset({"root", "management group", "subscription"})

_AREAS = {
    PolicyKind.APP_ROLE: "Microsoft Graph application permission",
    PolicyKind.DIRECTORY_ROLE: "directory role",
    PolicyKind.RBAC_ASSIGNMENT: "Azure role",
}


@dataclass(frozen=True, slots=True)
class Privilege:
    """One tier-0 grant a principal holds, with how it comes to it."""

    grant: Grant
    tier0: Tier0
    #: The group or agent identity it comes through ("group Tier0 Admins"), None when held directly.
    via: str | None = None

    @property
    def eligible(self) -> bool:
        return self.grant.eligible

    @property
    def certain(self) -> bool:
        """Active now (not only PIM-eligible) and without an ABAC condition."""
        return not self.grant.eligible and not self.grant.condition

    @property
    def direct(self) -> bool:
        """Hands over a role or a credential by itself (tier0.toml's ``direct``)."""
        return self.tier0.kind == "direct"

    @property
    def name(self) -> str:
        return self.tier0.name

    def describe(self) -> str:
        area = _AREAS.get(self.grant.policy_kind, str(self.grant.policy_kind))
        text = f"{area} {self.tier0.name}"
        if self.grant.policy_kind is PolicyKind.DIRECTORY_ROLE:
            text += " (tenant-wide)"
        elif self.grant.policy_kind is PolicyKind.RBAC_ASSIGNMENT and self.grant.resource_scope:
            text += f" on {arm_level(self.grant.resource_scope)} {self.grant.resource_scope}"
        if self.grant.eligible:
            text += ", eligible only (PIM: needs activation)"
        if self.grant.condition:
            text += ", under an ABAC condition"
        if self.via:
            text += f", through {self.via}"
        return text

    def key(self) -> str:
        return f"{self.grant.policy_kind}#{self.tier0.id}#{self.grant.resource_scope or ''}"

    def evidence(self) -> dict[str, object]:
        return {
            "grant_kind": str(self.grant.policy_kind),
            "name": self.tier0.name,
            "id": self.tier0.id,
            "scope": self.grant.resource_scope,
            "eligible": self.grant.eligible,
            "condition": dict(self.grant.condition) if self.grant.condition else None,
            "via": self.via,
            "tier0": self.tier0.kind,
            "why_tier0": self.tier0.reason,
        }


def _tier0_of(grant: Grant) -> Tier0 | None:
    role = grant.policy_id.rstrip("/").rsplit("/", 1)[-1].lower()
    if grant.policy_kind is PolicyKind.APP_ROLE:
        resource_app = str(grant.document.get("resource_app_id") or "").lower()
        return tier0_graph_permissions().get(role) if resource_app in ("", MICROSOFT_GRAPH_APP_ID) else None
    if grant.policy_kind is PolicyKind.DIRECTORY_ROLE:
        return tier0_directory_roles().get(role) if (grant.resource_scope or "/") == "/" else None
    if grant.policy_kind is PolicyKind.RBAC_ASSIGNMENT and grant.resource_scope is not None:
        return tier0_rbac_roles().get(role) if arm_level(grant.resource_scope) in SUBSCRIPTION_OR_ABOVE else None
    return None


@dataclass(slots=True)
class _Directory:
    inventory: Inventory
    by_id: dict[str, Identity] = field(default_factory=dict)
    by_object_id: dict[str, Identity] = field(default_factory=dict)
    apps_by_app_id: dict[str, Identity] = field(default_factory=dict)
    sps_by_app_id: dict[str, Identity] = field(default_factory=dict)
    grants: dict[str, list[Grant]] = field(default_factory=dict)
    tier0: dict[str, list[tuple[Grant, Tier0]]] = field(default_factory=dict)
    agents: dict[str, list[Identity]] = field(default_factory=dict)


def _build(inventory: Inventory) -> _Directory:
    found = _Directory(inventory=inventory)
    for identity in inventory.identities:
        found.by_id[identity.id] = identity
        for alias in (str(identity.attributes.get("object_id") or ""), identity.id.rsplit("/", 1)[-1]):
            if alias:
                found.by_object_id.setdefault(alias.lower(), identity)
        app_id = str(identity.attributes.get("app_id") or "").lower()
        if app_id and identity.kind is IdentityKind.APPLICATION:
            found.apps_by_app_id.setdefault(app_id, identity)
        elif app_id and identity.kind in SERVICE_PRINCIPAL_KINDS and not identity.attributes.get("foreign"):
            found.sps_by_app_id.setdefault(app_id, identity)
        blueprint = str(identity.attributes.get("agent_blueprint_id") or "").lower()
        if blueprint and identity.kind is IdentityKind.AGENT_IDENTITY:
            found.agents.setdefault(blueprint, []).append(identity)
    for grant in inventory.grants:
        found.grants.setdefault(grant.principal_id, []).append(grant)
        tier0 = _tier0_of(grant)
        if tier0 is not None:
            found.tier0.setdefault(grant.principal_id, []).append((grant, tier0))
    return found


def _directory(context: CheckContext) -> _Directory:
    memo = context.graph.memo.get(_MEMO)
    if isinstance(memo, _Directory) and memo.inventory is context.inventory:
        return memo
    built = _build(context.inventory)
    context.graph.memo[_MEMO] = built
    return built


def resolve(context: CheckContext, reference: object) -> Identity | None:
    """The identity an id names: an identity id (``servicePrincipals/ID``) or a bare object id."""
    if not reference:
        return None
    text = str(reference)
    directory = _directory(context)
    return directory.by_id.get(text) or directory.by_object_id.get(text.rsplit("/", 1)[-1].lower())


def application_of(context: CheckContext, identity: Identity) -> Identity | None:
    """The application object behind an identity (itself for an application), when the inventory holds it."""
    if identity.kind is IdentityKind.APPLICATION:
        return identity
    if identity.kind is IdentityKind.MANAGED_IDENTITY or identity.attributes.get("foreign"):
        return None
    found = resolve(context, identity.attributes.get("application_id"))
    if found is not None and found.kind is IdentityKind.APPLICATION:
        return found
    return _directory(context).apps_by_app_id.get(str(identity.attributes.get("app_id") or "").lower())


def service_principal_of(context: CheckContext, identity: Identity) -> Identity | None:
    """The service principal that holds an identity's grants in this tenant (itself for a service principal)."""
    if identity.kind in SERVICE_PRINCIPAL_KINDS:
        return identity
    if identity.kind is not IdentityKind.APPLICATION:
        return None
    found = resolve(context, identity.attributes.get("service_principal_id"))
    if found is not None and found.kind in SERVICE_PRINCIPAL_KINDS:
        return found
    return _directory(context).sps_by_app_id.get(str(identity.attributes.get("app_id") or "").lower())


def _groups(context: CheckContext, identity: Identity) -> list[Identity]:
    """The groups the identity is a member of, directly or through other groups."""
    directory = _directory(context)
    seen: dict[str, Identity] = {}
    pending = list(identity.groups)
    while pending:
        group_id = pending.pop(0)
        group = directory.by_id.get(group_id)
        if group_id in seen or group is None:
            continue
        seen[group_id] = group
        pending.extend(group.groups)
    return list(seen.values())


def grants_of(context: CheckContext, identity: Identity) -> Iterator[tuple[Grant, str | None]]:
    """Every grant the identity holds, with the group it comes through (None when held directly)."""
    grants = _directory(context).grants
    for grant in grants.get(identity.id, ()):
        yield grant, None
    for group in _groups(context, identity):
        for grant in grants.get(group.id, ()):
            yield grant, f"group {group.name}"


def _held(context: CheckContext, principal: Identity, via: str | None) -> Iterator[Privilege]:
    tier0 = _directory(context).tier0
    for grant, entry in tier0.get(principal.id, ()):
        yield Privilege(grant=grant, tier0=entry, via=via)
    for group in _groups(context, principal):
        for grant, entry in tier0.get(group.id, ()):
            yield Privilege(grant=grant, tier0=entry, via=f"group {group.name}")


def privileges(context: CheckContext, identity: Identity) -> tuple[Privilege, ...]:
    """Tier-0 grants of the identity's service principal (of an application: of its service principal), through
    groups too; of an Agent ID blueprint, also those of its agent identities (it obtains their tokens)."""
    principal = service_principal_of(context, identity)
    found: list[Privilege] = list(_held(context, principal, None)) if principal is not None else []
    if _blueprint(context, identity):
        app = application_of(context, identity)
        app_id = str((app or identity).attributes.get("app_id") or "").lower()
        for agent in _directory(context).agents.get(app_id, ()):
            found.extend(_held(context, agent, f"its agent identity {agent.name}"))
    unique: dict[tuple[str, str | None], Privilege] = {}
    for privilege in found:
        unique.setdefault((privilege.key(), privilege.via), privilege)
    return tuple(sorted(unique.values(), key=_rank))


def _rank(privilege: Privilege) -> tuple[int, int, int, str]:
    """Strongest first: active and unconditional, direct, held by the principal itself."""
    return (not privilege.certain, not privilege.direct, privilege.via is not None, privilege.name)


def strongest(found: Iterable[Privilege]) -> Privilege:
    return min(found, key=_rank)


def summary(found: tuple[Privilege, ...]) -> str:
    """The strongest grant in words, and how many more there are."""
    first = strongest(found).describe()
    return first + (
        f" (and {len(found) - 1} more tier-0 grant{'s' if len(found) > 2 else ''})" if len(found) > 1 else ""
    )


def _blueprint(context: CheckContext, identity: Identity) -> bool:
    app = application_of(context, identity)
    return bool(
        identity.attributes.get("agent_blueprint") or (app is not None and app.attributes.get("agent_blueprint"))
    )


def blueprint(context: CheckContext, identity: Identity) -> bool:
    """An Agent ID blueprint (or its principal): it obtains the tokens of every agent identity it parents."""
    return _blueprint(context, identity)


def first_party(identity: Identity) -> bool:
    """Provider-managed (Microsoft first-party apps): never the customer's to fix. Managed identities are the
    customer's, although their appOwnerOrganizationId is Microsoft's."""
    if identity.provider_managed:
        return True
    if identity.kind is IdentityKind.MANAGED_IDENTITY:
        return False
    return str(identity.attributes.get("app_owner_organization_id") or "").lower() in MICROSOFT_TENANTS


def foreign(identity: Identity) -> bool:
    """The service principal of an application registered in another organisation's tenant."""
    return bool(identity.attributes.get("foreign")) and identity.kind is not IdentityKind.MANAGED_IDENTITY


def multi_tenant(context: CheckContext, identity: Identity) -> bool:
    """Other organisations may sign in to (and consent) the application."""
    app = application_of(context, identity)
    candidates = (identity, app, service_principal_of(context, identity))
    return any(
        str(c.attributes.get("sign_in_audience") or "").lower() in MULTI_TENANT_AUDIENCES
        for c in candidates
        if c is not None and not foreign(c)
    )


def disabled(context: CheckContext, identity: Identity) -> bool:
    """The identity, or the service principal it signs in as, is disabled (accountEnabled false): no tokens."""
    principal = service_principal_of(context, identity)
    return identity.enabled is False or (principal is not None and principal.enabled is False)


def owners(context: CheckContext, identity: Identity) -> tuple[str, ...]:
    """Owner ids of the application and of its service principal together (either may add a credential)."""
    found: dict[str, None] = {}
    for part in (application_of(context, identity), service_principal_of(context, identity), identity):
        if part is not None:
            found.update(dict.fromkeys(part.owners))
    return tuple(found)


def owned_parts(context: CheckContext, identity: Identity) -> tuple[Identity, ...]:
    """The application and the service principal of an identity, those the inventory holds, without repeats."""
    parts: dict[str, Identity] = {}
    for part in (application_of(context, identity), service_principal_of(context, identity)):
        if part is not None:
            parts.setdefault(part.id, part)
    return tuple(parts.values())


def guest(identity: Identity) -> bool:
    """A B2B guest user (userType Guest, or an #EXT# user principal name)."""
    if identity.kind is not IdentityKind.USER:
        return False
    user_type = str(identity.attributes.get("user_type") or "").lower()
    return user_type == "guest" or (not user_type and "#ext#" in identity.name.lower())


def describe(identity: Identity) -> str:
    """``application deploy-bot``, ``managed identity ops-vm-01``..."""
    words = {
        IdentityKind.APPLICATION: "application",
        IdentityKind.SERVICE_PRINCIPAL: "service principal",
        IdentityKind.MANAGED_IDENTITY: "managed identity",
        IdentityKind.AGENT_IDENTITY: "agent identity",
        IdentityKind.USER: "user",
        IdentityKind.GROUP: "group",
    }
    return f"{words.get(identity.kind, identity.kind.value)} {identity.name}"


def identities(context: CheckContext, kinds: Iterable[IdentityKind]) -> Iterator[Identity]:
    """Identities of these kinds that are the customer's (first-party ones left out)."""
    wanted = frozenset(kinds)
    for identity in context.inventory.identities:
        if identity.kind in wanted and not first_party(identity):
            yield identity


def privilege_evidence(found: Iterable[Privilege]) -> list[dict[str, object]]:
    return [p.evidence() for p in found]


def attribute_text(attributes: Mapping[str, object], *keys: str) -> str | None:
    """The first non-empty string among these attributes."""
    for key in keys:
        value = attributes.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def capital(text: str) -> str:
    """The text with its first letter upper-cased (names keep their case)."""
    return text[:1].upper() + text[1:]
