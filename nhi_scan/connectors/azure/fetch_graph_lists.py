"""The tenant-wide Microsoft Graph listings of the directory convention (``graph/NAME.json``): most are one listing
each; users and applications need more care.

Users are asked with their sign-in activity; without AuditLog.Read.All (or Entra ID P1) Graph refuses the whole
listing, so it is taken again without it and the loss recorded. Applications are asked with their owners and
federated credentials expanded; Graph may refuse two expansions in one request, or leave one out, so the
credentials are then listed on their own (one listing, or one call per application) and put back inline: the file
is the same either way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nhi_scan.connectors.azure import fetch_permissions as perm
from nhi_scan.connectors.azure.fetch_context import Context, each, write_pages
from nhi_scan.connectors.azure.fetch_http import ApiError

USER_FIELDS = "id,displayName,userPrincipalName,mail,userType,accountEnabled,createdDateTime,externalUserState"
_USERS_IMPACT = "users (owners, guests, agent users) unknown"
_SIGN_IN_IMPACT = "when users last signed in unknown (needs AuditLog.Read.All and Microsoft Entra ID P1)"


@dataclass(frozen=True, slots=True)
class Listing:
    name: str
    phase: str
    path: str
    call: str
    impact: str
    params: tuple[tuple[str, str], ...] = ()


LISTINGS = (
    Listing("organization", "organization", "v1.0/organization", perm.ORGANIZATION, "the tenant's name unknown"),
    Listing(
        "servicePrincipals",
        "service principals",
        "v1.0/servicePrincipals",
        perm.SERVICE_PRINCIPALS,
        "service principals and managed identities unknown",
        (("$expand", "owners"),),
    ),
    Listing(
        "oauth2PermissionGrants",
        "delegated permission grants",
        "v1.0/oauth2PermissionGrants",
        perm.GRANTS,
        "delegated permissions consented to applications unknown",
    ),
    Listing(
        "roleDefinitions",
        "directory role definitions",
        "v1.0/roleManagement/directory/roleDefinitions",
        perm.ROLE_DEFINITIONS,
        "names of custom directory roles unknown",
    ),
    Listing(
        "roleAssignments",
        "directory role assignments",
        "v1.0/roleManagement/directory/roleAssignments",
        perm.ROLE_ASSIGNMENTS,
        "directory roles held (Global Administrator...) unknown",
    ),
    Listing(
        "roleEligibilitySchedules",
        "PIM role eligibility",
        "v1.0/roleManagement/directory/roleEligibilitySchedules",
        perm.ROLE_ELIGIBILITY,
        "directory roles eligible through PIM unknown (PIM needs Microsoft Entra ID P2)",
    ),
    Listing(
        "groups", "groups", "v1.0/groups", perm.GROUPS, "groups and their owners unknown", (("$expand", "owners"),)
    ),
    Listing(
        "administrativeUnits",
        "administrative units",
        "v1.0/directory/administrativeUnits",
        perm.ADMINISTRATIVE_UNITS,
        "names of administrative units unknown",
    ),
    Listing(
        "servicePrincipalSignInActivities",
        "service principal sign-in activity",
        "beta/reports/servicePrincipalSignInActivities",
        perm.SIGN_IN_ACTIVITY,
        "when service principals last signed in unknown (needs AuditLog.Read.All and Microsoft Entra ID P1)",
    ),
    Listing(
        "agentIdentityBlueprints",
        "agent identity blueprints",
        "beta/applications/microsoft.graph.agentIdentityBlueprint",
        perm.BLUEPRINTS,
        "Agent ID blueprints unknown (Agent ID not in the tenant, or AgentIdentityBlueprint.Read.All not granted)",
    ),
    Listing(
        "agentIdentities",
        "agent identities",
        "beta/servicePrincipals/microsoft.graph.agentIdentity",
        perm.AGENT_IDENTITIES,
        "Agent ID agent identities unknown (Agent ID not in the tenant, or AgentIdentity.Read.All not granted)",
        (("$expand", "sponsors"),),
    ),
)


APPLICATIONS_IMPACT = "applications, their credentials, owners and federated credentials unknown"
_FICS = "federatedIdentityCredentials"
_FICS_IMPACT = "federated credentials of applications unknown (who outside Entra may sign in as them)"


def users(ctx: Context, scope: str) -> list[dict[str, Any]] | None:
    """Users with their sign-in activity, or without it (recorded); None when they could not be listed."""
    params = {"$select": f"{USER_FIELDS},signInActivity"}  # no $top: its limit is lower with signInActivity
    ctx.progress.phase(scope, "users")
    try:
        return ctx.graph_pages("graph/users.json", "v1.0/users", perm.USERS_SIGN_IN, params)
    except ApiError as exc:
        if not exc.denied and exc.status != 400:
            ctx.failed(scope, "users", exc, _USERS_IMPACT)
            return None
        ctx.failed(scope, "user sign-in activity", exc, _SIGN_IN_IMPACT)
    params["$select"] = USER_FIELDS
    try:
        return ctx.graph_pages("graph/users.json", "v1.0/users", perm.USERS, params)
    except ApiError as exc:
        ctx.failed(scope, "users", exc, _USERS_IMPACT)
        return None


def applications(ctx: Context, scope: str) -> list[dict[str, Any]]:
    """``graph/applications.json`` with owners and federated credentials inline; its objects."""
    url = ctx.graph.url("v1.0/applications")
    try:
        pages = list(ctx.graph.pages(url, perm.APPLICATIONS, {"$expand": f"owners,{_FICS}"}))
    except ApiError as exc:
        if exc.status != 400:
            raise
        pages = list(ctx.graph.pages(url, perm.APPLICATIONS, {"$expand": "owners"}))  # one expansion a request
    found = [app for page in pages for app in page.get("value") or () if isinstance(app, dict)]
    missing = [app for app in found if _FICS not in app and app.get("id")]
    if missing:
        ctx.optional(scope, "application federated credentials", _FICS_IMPACT, lambda: _credentials(ctx, missing))
    write_pages(ctx.snapshot, "graph/applications.json", pages)
    return found


def _credentials(ctx: Context, apps: list[dict[str, Any]]) -> None:
    """Put each application's federated credentials inline: from one listing, else one call per application."""
    url = ctx.graph.url("v1.0/applications")
    try:
        listed = ctx.graph.listed(url, perm.APPLICATIONS, {"$select": "id", "$expand": _FICS})
    except ApiError as exc:
        if exc.status != 400:
            raise
    else:
        by_id = {str(app.get("id")): app.get(_FICS) for app in listed}
        if all(isinstance(by_id.get(str(app["id"])), list) for app in apps):
            for app in apps:
                app[_FICS] = by_id[str(app["id"])]
            return

    def one(app: dict[str, Any]) -> None:
        path = ctx.graph.url(f"v1.0/applications/{app['id']}/{_FICS}")
        try:
            app[_FICS] = ctx.graph.listed(path, perm.APPLICATION_FICS_V1)
        except ApiError as exc:
            if not exc.missing:  # deleted since it was listed
                raise

    each(one, apps, ctx.call_workers)
