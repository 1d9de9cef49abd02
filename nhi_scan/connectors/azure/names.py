"""Canonical Azure ids, so that Graph, az CLI and AzureHound exports of the same tenant name things one way.

Identities are Graph collection paths with lower-case object ids (``servicePrincipals/ID``, ``applications/ID``,
``users/ID``, ``groups/ID``); a principal of unknown kind is ``principals/ID``. Scopes are lower-case ARM ids
(``/subscriptions/S/resourcegroups/RG``, ``/providers/microsoft.management/managementgroups/NAME``), the tenant is
``tenants/TID``. ``Directory`` resolves what exports leave implicit: the kind of a bare principal id, the service
principal of an appId, a managed identity's principal from its ARM id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from nhi_scan.connectors.azure.records import (
    ApplicationRecord,
    Collected,
    GroupRecord,
    ServicePrincipalRecord,
    SubscriptionRecord,
    TenantRecord,
    UserAssignedIdentityRecord,
    UserRecord,
)

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SERVICE_PRINCIPALS, APPLICATIONS, USERS, GROUPS, PRINCIPALS = (
    "servicePrincipals",
    "applications",
    "users",
    "groups",
    "principals",
)
#: Microsoft's own tenants: service principals of apps registered there are first-party (Microsoft Graph...).
MICROSOFT_TENANTS = frozenset({"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"})
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_PRINCIPAL_TYPES = {"serviceprincipal": SERVICE_PRINCIPALS, "user": USERS, "group": GROUPS}
_ODATA_TYPES = {
    "#microsoft.graph.user": USERS,
    "#microsoft.graph.agentuser": USERS,
    "#microsoft.graph.group": GROUPS,
    "#microsoft.graph.serviceprincipal": SERVICE_PRINCIPALS,
    "#microsoft.graph.agentidentity": SERVICE_PRINCIPALS,
    "#microsoft.graph.agentidentityblueprintprincipal": SERVICE_PRINCIPALS,
    "#microsoft.graph.application": APPLICATIONS,
    "#microsoft.graph.agentidentityblueprint": APPLICATIONS,
    "#microsoft.graph.device": "devices",
    "#microsoft.graph.orgcontact": "contacts",
}
_SUBSCRIPTION = re.compile(r"^/subscriptions/([^/]+)")
_RESOURCE_GROUP = re.compile(r"^(/subscriptions/[^/]+/resourcegroups/[^/]+)")
_MG = "/providers/microsoft.management/managementgroups/"


def identity_id(collection: str, object_id: str) -> str:
    return f"{collection}/{object_id.lower()}"


def collection_of_principal_type(principal_type: str | None) -> str | None:
    """``ServicePrincipal`` / ``User`` / ``Group`` (Graph and ARM spellings) -> the collection; others None."""
    return _PRINCIPAL_TYPES.get((principal_type or "").lower())


def collection_of_odata_type(odata_type: str | None) -> str | None:
    return _ODATA_TYPES.get((odata_type or "").lower())


def arm_id(raw: str) -> str:
    """ARM ids are case-insensitive: one spelling, lower-case, without a trailing slash."""
    return raw.strip().rstrip("/").lower() or "/"


def tenant_scope(tenant_id: str) -> str:
    return f"tenants/{tenant_id}"


def management_group_id(name: str) -> str:
    return f"{_MG}{name.lower()}"


def subscription_scope(subscription_id: str) -> str:
    return f"/subscriptions/{subscription_id.lower()}"


def subscription_of(resource_id: str) -> str | None:
    match = _SUBSCRIPTION.match(resource_id.lower())
    return match.group(1) if match else None


def resource_group_of(resource_id: str) -> str | None:
    """The resource group id an ARM id lies in (itself for a resource group), or None."""
    match = _RESOURCE_GROUP.match(resource_id.lower())
    return match.group(1) if match else None


def is_management_group(scope: str) -> bool:
    return scope.lower().startswith(_MG)


def role_definition_guid(role_definition_id: str) -> str:
    """``/subscriptions/S/providers/Microsoft.Authorization/roleDefinitions/GUID`` (or a bare GUID) -> GUID."""
    return role_definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


def issuer_host(issuer: str) -> str:
    """``https://token.actions.githubusercontent.com/`` -> ``token.actions.githubusercontent.com``."""
    return re.sub(r"^[a-z]+://", "", issuer.strip(), flags=re.IGNORECASE).rstrip("/")


def tenant_of(
    collected: Collected, sps: Iterable[ServicePrincipalRecord], apps: Mapping[str, str]
) -> tuple[str, list[str]]:
    """The tenant: from organization / AzureHound's tenant, the subscriptions, the objects' tenantId, or the
    owner organisation of the tenant's own apps; "unknown" when nothing says."""
    candidates: list[str | None] = [t.tenant_id for t in collected.of(TenantRecord)]
    candidates += [s.tenant_id for s in collected.of(SubscriptionRecord)]
    candidates += [r.tenant_id for r in collected.of(ServicePrincipalRecord)]
    candidates += [r.tenant_id for r in collected.of(ApplicationRecord)]
    candidates += [r.tenant_id for r in collected.of(UserRecord)]
    candidates += [r.tenant_id for r in collected.of(GroupRecord)]
    candidates += [sp.app_owner_organization_id for sp in sps if sp.app_id in apps and sp.app_owner_organization_id]
    distinct = list(dict.fromkeys(c for c in candidates if c))
    notes = (
        [f"the inputs name several tenants ({', '.join(distinct)}): {distinct[0]} is used"] if len(distinct) > 1 else []
    )
    return (distinct[0] if distinct else "unknown"), notes


class Directory:
    """Every directory object the inputs list, by object id; apps and managed identities by their other ids."""

    def __init__(
        self,
        tenant: str,
        service_principals: Iterable[ServicePrincipalRecord],
        applications: Iterable[ApplicationRecord],
        users: Iterable[UserRecord],
        groups: Iterable[GroupRecord],
        identities: Iterable[UserAssignedIdentityRecord],
    ) -> None:
        #: The tenant id, or "unknown" when no input names it.
        self.tenant = tenant
        self.service_principals = {sp.object_id: sp for sp in service_principals}
        self.applications = {app.object_id: app for app in applications}
        self.collections: dict[str, str] = {}
        self.sp_by_app_id: dict[str, str] = {}
        self.app_by_app_id: dict[str, str] = {}
        self.app_id_by_app: dict[str, str] = {}
        self.principal_by_resource: dict[str, str] = {}
        for sp in self.service_principals.values():
            self.collections[sp.object_id] = SERVICE_PRINCIPALS
            if sp.app_id:
                self.sp_by_app_id.setdefault(sp.app_id, sp.object_id)
            for name in sp.alternative_names:
                if name.startswith("/subscriptions/"):
                    self.principal_by_resource.setdefault(arm_id(name), sp.object_id)
        for app in self.applications.values():
            self.collections[app.object_id] = APPLICATIONS
            if app.app_id:
                self.app_by_app_id.setdefault(app.app_id, app.object_id)
                self.app_id_by_app[app.object_id] = app.app_id
        for user in users:
            self.collections[user.object_id] = USERS
        for group in groups:
            self.collections[group.object_id] = GROUPS
        for identity in identities:
            if identity.principal_id:
                self.principal_by_resource[identity.id] = identity.principal_id

    def principal(self, object_id: str, principal_type: str | None = None) -> str:
        """The identity id of a principal named by object id, from its type or from the listings."""
        object_id = object_id.lower()
        collection = collection_of_principal_type(principal_type) or self.collections.get(object_id)
        return identity_id(collection or PRINCIPALS, object_id)

    def service_principal_of_app(self, app_id: str | None) -> str | None:
        """The identity id of the service principal of an appId, when listed."""
        found = self.sp_by_app_id.get(app_id or "")
        return identity_id(SERVICE_PRINCIPALS, found) if found else None

    def ref(self, ref_id: str, collection: str | None) -> str:
        return identity_id(collection or self.collections.get(ref_id.lower()) or PRINCIPALS, ref_id)

    def directory_scope(self, raw: str) -> str:
        """``/``, ``/administrativeUnits/ID`` or ``/APP_OBJECT_ID``; AzureHound's ``/APP_ID`` of an app-scoped
        assignment becomes the application's object id, its upper case the Graph spelling."""
        text = raw.strip() or "/"
        lower = text.lower()
        if lower == "/":
            return "/"
        if lower.startswith("/administrativeunits/"):
            return "/administrativeUnits/" + lower.split("/", 2)[2]
        bare = lower.lstrip("/")
        if GUID.match(bare) and bare not in self.collections and bare in self.app_by_app_id:
            return "/" + self.app_by_app_id[bare]
        return "/" + bare if GUID.match(bare) else text
