"""The Graph and ARM routes the fake server answers, each with the Graph application permission or the ARM action
the real API checks for it (stated from Microsoft's REST reference, independently of the collector's own list).

Listings are paged two objects a page, with absolute page links (``@odata.nextLink``, ``nextLink``) as the real
APIs give them, so that page-following is exercised."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.live_azure import estate_arm as a
from tests.live_azure import estate_directory as d
from tests.live_azure import estate_graph as g

Answer = tuple[int, dict[str, Any]]
PAGE = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One recorded request."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    base: str
    at: float
    #: "graph" or "arm" (None: no route; answered 404).
    api: str | None = None
    permission: str | None = None

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


Handler = Callable[[Call, re.Match[str]], Answer]


@dataclass(frozen=True, slots=True)
class Route:
    api: str
    pattern: re.Pattern[str]
    permission: str
    handler: Handler


ROUTES: list[Route] = []


def route(api: str, pattern: str, permission: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(api, re.compile(pattern), permission, handler))
        return handler

    return register


def error(status: int, code: str, message: str) -> Answer:
    return status, {"error": {"code": code, "message": message}}


def _paged(call: Call, items: list[Any], token: str, next_key: str, extra: dict[str, Any]) -> Answer:
    start = int(call.param(token) or 0)
    answer: dict[str, Any] = {**extra, "value": copy.deepcopy(items[start : start + PAGE])}
    if start + PAGE < len(items):
        query = {k: v[0] for k, v in call.query.items() if k != token}
        answer[next_key] = f"{call.base}{call.path}?{urlencode({**query, token: start + PAGE})}"
    return 200, answer


def graph_page(call: Call, items: list[Any], collection: str) -> Answer:
    version = call.path.split("/")[1]
    context = {"@odata.context": f"https://graph.microsoft.com/{version}/$metadata#{collection}"}
    return _paged(call, items, "$skiptoken", "@odata.nextLink", context)


def arm_page(call: Call, items: list[Any]) -> Answer:
    if not call.param("api-version"):
        return error(400, "MissingApiVersionParameter", "The api-version query parameter is required")
    return _paged(call, items, "$skipToken", "nextLink", {})


GUID = "[0-9a-f-]{36}"
READ_APPS, READ_DIR, READ_ROLES, READ_AUDIT = (
    "Application.Read.All",
    "Directory.Read.All",
    "RoleManagement.Read.Directory",
    "AuditLog.Read.All",
)
SIMPLE_GRAPH = {
    "/v1.0/organization": (READ_DIR, d.ORGANIZATION, "organization"),
    "/v1.0/servicePrincipals": (READ_APPS, g.SERVICE_PRINCIPALS, "servicePrincipals(owners())"),
    "/v1.0/oauth2PermissionGrants": (READ_DIR, d.GRANTS, "oauth2PermissionGrants"),
    "/v1.0/roleManagement/directory/roleDefinitions": (
        READ_ROLES,
        d.ROLE_DEFINITIONS,
        "roleManagement/directory/roleDefinitions",
    ),
    "/v1.0/roleManagement/directory/roleAssignments": (
        READ_ROLES,
        d.ROLE_ASSIGNMENTS,
        "roleManagement/directory/roleAssignments",
    ),
    "/v1.0/roleManagement/directory/roleEligibilitySchedules": (
        READ_ROLES,
        d.ELIGIBILITY,
        "roleManagement/directory/roleEligibilitySchedules",
    ),
    "/v1.0/groups": (READ_DIR, d.GROUPS, "groups(owners())"),
    "/v1.0/directory/administrativeUnits": (READ_DIR, d.ADMINISTRATIVE_UNITS, "directory/administrativeUnits"),
    "/beta/reports/servicePrincipalSignInActivities": (
        READ_AUDIT,
        d.SIGN_INS,
        "reports/servicePrincipalSignInActivities",
    ),
    "/beta/applications/microsoft.graph.agentIdentityBlueprint": (
        "AgentIdentityBlueprint.Read.All",
        g.BLUEPRINTS,
        "applications/microsoft.graph.agentIdentityBlueprint",
    ),
    "/beta/servicePrincipals/microsoft.graph.agentIdentity": (
        "AgentIdentity.Read.All",
        g.AGENT_IDENTITIES,
        "servicePrincipals/microsoft.graph.agentIdentity(sponsors())",
    ),
}


def _simple(items: list[Any], collection: str) -> Handler:
    return lambda call, match: graph_page(call, items, collection)


for _path, (_permission, _items, _collection) in SIMPLE_GRAPH.items():
    route("graph", re.escape(_path), _permission)(_simple(_items, _collection))


@route("graph", r"/v1\.0/users", READ_DIR)
def users(call: Call, match: re.Match[str]) -> Answer:
    select = call.param("$select") or ""
    found = [
        u if "signInActivity" in select else {k: v for k, v in u.items() if k != "signInActivity"} for u in d.USERS
    ]
    return graph_page(call, found, f"users({select})")


@route("graph", rf"/v1\.0/servicePrincipals/({GUID})/appRoleAssignedTo", READ_APPS)
def assigned_to(call: Call, match: re.Match[str]) -> Answer:
    if match.group(1) not in {sp["id"] for sp in g.SERVICE_PRINCIPALS}:
        return error(404, "Request_ResourceNotFound", f"Resource '{match.group(1)}' does not exist")
    found = g.ASSIGNED_TO.get(match.group(1), [])
    return graph_page(call, found, f"servicePrincipals('{match.group(1)}')/appRoleAssignedTo")


@route("graph", r"/v1\.0/applications", READ_APPS)
def applications(call: Call, match: re.Match[str]) -> Answer:
    """Honours $expand (owners, federatedIdentityCredentials) and $select=id, as Graph does."""
    expand = set((call.param("$expand") or "").split(","))
    only_id = call.param("$select") == "id"
    found = []
    for app in g.APPLICATIONS:
        kept = {k: v for k, v in app.items() if k == "id" or not only_id}
        for navigation in ("owners", "federatedIdentityCredentials"):
            if navigation in expand:
                kept[navigation] = app[navigation]
            else:
                kept.pop(navigation, None)
        found.append(kept)
    expanded = ",".join(f"{n}()" for n in sorted(expand) if n)
    return graph_page(call, found, f"applications({'id,' if only_id else ''}{expanded})")


@route("graph", rf"/(?:v1\.0|beta)/applications/({GUID})/federatedIdentityCredentials", READ_APPS)
def app_credentials(call: Call, match: re.Match[str]) -> Answer:
    app = next((x for x in g.APPLICATIONS if x["id"] == match.group(1)), None)
    if app is None:
        return error(404, "Request_ResourceNotFound", "no such application")
    beta = call.path.startswith("/beta/")
    fics = app["federatedIdentityCredentials"]
    found = [g.FLEXIBLE_BETA if beta and c["id"] == g.FLEXIBLE_FIC["id"] else c for c in fics]
    return graph_page(call, found, f"applications('{match.group(1)}')/federatedIdentityCredentials")


@route("graph", rf"/v1\.0/groups/({GUID})/members", READ_DIR)
def members(call: Call, match: re.Match[str]) -> Answer:
    return graph_page(call, d.MEMBERS.get(match.group(1), []), "directoryObjects")


@route("graph", rf"/v1\.0/directory/administrativeUnits/({GUID})/members", READ_DIR)
def unit_members(call: Call, match: re.Match[str]) -> Answer:
    return graph_page(call, d.UNIT_MEMBERS.get(match.group(1), []), "directoryObjects")


SUB = rf"/subscriptions/({GUID})"
RG = r"/resourceGroups/([^/]+)"


@route("arm", r"/subscriptions", "Microsoft.Resources/subscriptions/read")
def subscriptions(call: Call, match: re.Match[str]) -> Answer:
    return arm_page(call, a.SUBSCRIPTIONS)


@route("arm", SUB, "Microsoft.Resources/subscriptions/read")
def subscription(call: Call, match: re.Match[str]) -> Answer:
    found = next((s for s in a.SUBSCRIPTIONS if s["subscriptionId"] == match.group(1)), None)
    return (200, copy.deepcopy(found)) if found else error(404, "SubscriptionNotFound", "not found")


@route("arm", r"/providers/Microsoft\.Management/managementGroups", "Microsoft.Management/managementGroups/read")
def management_groups(call: Call, match: re.Match[str]) -> Answer:
    return arm_page(call, a.MANAGEMENT_GROUPS)


@route(
    "arm", r"/providers/Microsoft\.Management/managementGroups/([^/]+)", "Microsoft.Management/managementGroups/read"
)
def management_group(call: Call, match: re.Match[str]) -> Answer:
    if match.group(1) == g.TENANT and call.param("$recurse") == "true":
        return 200, copy.deepcopy(a.ROOT_TREE)
    listed = next((m for m in a.MANAGEMENT_GROUPS if m["name"] == match.group(1)), None)
    return (200, copy.deepcopy(listed)) if listed else error(404, "NotFound", "no such group")


def _per_subscription(table: dict[str, list[dict[str, Any]]]) -> Handler:
    return lambda call, match: arm_page(call, table.get(match.group(1), []))


for _suffix, _action, _table in (
    (
        "/providers/Microsoft.Authorization/roleAssignments",
        "Microsoft.Authorization/roleAssignments/read",
        a.ROLE_ASSIGNMENTS,
    ),
    ("/providers/Microsoft.Authorization/denyAssignments", "Microsoft.Authorization/denyAssignments/read", {}),
    ("/resourcegroups", "Microsoft.Resources/subscriptions/resourceGroups/read", a.RESOURCE_GROUPS),
    ("/resources", "Microsoft.Resources/subscriptions/resources/read", a.RESOURCES),
    (
        "/providers/Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.ManagedIdentity/userAssignedIdentities/read",
        a.IDENTITIES,
    ),
    ("/providers/Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/read", a.VAULTS),
    (
        "/providers/Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.DocumentDB/databaseAccounts/read",
        a.COSMOS_ACCOUNTS,
    ),
):
    route("arm", SUB + re.escape(_suffix), _action)(_per_subscription(_table))


@route(
    "arm", SUB + r"/providers/Microsoft\.Authorization/roleDefinitions", "Microsoft.Authorization/roleDefinitions/read"
)
def role_definitions(call: Call, match: re.Match[str]) -> Answer:
    found = a.ROLE_DEFINITIONS.get(match.group(1), [])
    wanted = re.fullmatch(r"type eq '(\w+)'", call.param("$filter") or "")
    return arm_page(call, [d for d in found if not wanted or d["properties"]["type"] == wanted.group(1)])


@route(
    "arm",
    SUB + RG + r"/providers/Microsoft\.ManagedIdentity/userAssignedIdentities/([^/]+)/federatedIdentityCredentials",
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
)
def identity_credentials(call: Call, match: re.Match[str]) -> Answer:
    return arm_page(call, a.IDENTITY_CREDENTIALS.get(call.path.rsplit("/", 1)[0], []))


@route(
    "arm", SUB + RG + r"/providers/Microsoft\.KeyVault/vaults/([^/]+)/secrets", "Microsoft.KeyVault/vaults/secrets/read"
)
def vault_secrets(call: Call, match: re.Match[str]) -> Answer:
    return arm_page(call, a.SECRETS_OF.get(call.path.rsplit("/", 1)[0], []))


@route(
    "arm",
    SUB + RG + r"/providers/Microsoft\.DocumentDB/databaseAccounts/([^/]+)/sqlRoleAssignments",
    "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read",
)
def cosmos_sql_role_assignments(call: Call, match: re.Match[str]) -> Answer:
    return _cosmos(call, a.SQL_ROLE_ASSIGNMENTS)


@route(
    "arm",
    SUB + RG + r"/providers/Microsoft\.DocumentDB/databaseAccounts/([^/]+)/sqlRoleDefinitions",
    "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions/read",
)
def cosmos_sql_role_definitions(call: Call, match: re.Match[str]) -> Answer:
    return _cosmos(call, a.SQL_ROLE_DEFINITIONS)


def _cosmos(call: Call, table: dict[str, list[dict[str, Any]]]) -> Answer:
    """An account's SQL role listing: one ``{"value": [...]}`` answer, not paged, as the Cosmos DB provider gives it."""
    account = next((k for k in table if k.lower() == call.path.rsplit("/", 1)[0].lower()), None)
    if account is None:
        return error(404, "NotFound", "no such database account")
    if not call.param("api-version"):
        return error(400, "MissingApiVersionParameter", "The api-version query parameter is required")
    return 200, {"value": copy.deepcopy(table[account])}


def token_audience(headers: dict[str, str]) -> str | None:
    """The ``aud`` of the bearer token (the static test credential makes unsigned JWTs)."""
    import base64

    token = headers.get("authorization", "").removeprefix("Bearer ")
    parts = token.split(".")
    if len(parts) != 3:
        return None
    body = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    return str(body.get("aud"))
