"""The REST routes the fake server answers, each with the permission the real API checks for it (stated from
Google's REST reference, independently of the collector's own list)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.live_gcp import estate as e

Answer = tuple[int, dict[str, Any]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Call:
    """One recorded request."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]
    #: The permission the real API checks for it (None: no route; answered 404).
    permission: str | None = None
    #: When it came (time.monotonic()).
    at: float = 0.0

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Handler = Callable[[Call, re.Match[str]], Answer]


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    permission: str
    handler: Handler


ROUTES: list[Route] = []


def route(method: str, pattern: str, permission: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, re.compile(pattern), permission, handler))
        return handler

    return register


def error(status: int, state: str, message: str, reason: str | None = None) -> Answer:
    found: dict[str, Any] = {"code": status, "message": message, "status": state}
    if reason:
        found["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
        found["errors"] = [{"reason": "accessNotConfigured" if reason == "SERVICE_DISABLED" else reason}]
    return status, {"error": found}


def not_found(call: Call) -> Answer:
    return error(404, "NOT_FOUND", f"not found: {call.path}")


def page(call: Call, items: list[Any], key: str, token: str = "pageToken", next_key: str = "nextPageToken") -> Answer:
    """One item per page, whatever the page size asked: the collector must follow the tokens."""
    given = call.param(token) or "0"
    start = int(given) if given.isdigit() else 0  # a token this server never handed out: the first page
    answer: dict[str, Any] = {key: copy.deepcopy(items[start : start + 1])} if items else {}
    if start + 1 < len(items):
        answer[next_key] = str(start + 1)
    return 200, answer


def project_id(ref: str) -> str | None:
    """A project's id from its id or number."""
    for project in e.PROJECTS:
        if ref in (project["projectId"], project["name"].partition("/")[2]):
            return str(project["projectId"])
    return None


def _under(parent: str | None, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [item for item in items if item["parent"] == parent]


# --- Resource Manager v3 (the google-cloud-resource-manager REST transport) ----------------------------------


@route("GET", r"/v3/projects:search", "resourcemanager.projects.get")
def _search_projects(call: Call, match: re.Match[str]) -> Answer:
    query = call.param("query") or ""
    found = [p for p in e.PROJECTS if "state:ACTIVE" not in query or p["state"] == "ACTIVE"]
    return page(call, found, "projects")


@route("GET", r"/v3/projects", "resourcemanager.projects.list")
def _list_projects(call: Call, match: re.Match[str]) -> Answer:
    return page(call, _under(call.param("parent"), e.PROJECTS), "projects")


@route("GET", r"/v3/projects/([^/:]+)", "resourcemanager.projects.get")
def _get_project(call: Call, match: re.Match[str]) -> Answer:
    found = [p for p in e.PROJECTS if p["projectId"] == project_id(match[1])]
    return (200, copy.deepcopy(found[0])) if found else error(403, "PERMISSION_DENIED", "no access or no project")


@route("POST", r"/v3/projects/([^/:]+):getIamPolicy", "resourcemanager.projects.getIamPolicy")
@route("POST", r"/v3/(folders/[^/:]+):getIamPolicy", "resourcemanager.folders.getIamPolicy")
@route("POST", r"/v3/(organizations/[^/:]+):getIamPolicy", "resourcemanager.organizations.getIamPolicy")
def _hierarchy_policy(call: Call, match: re.Match[str]) -> Answer:
    resource = match[1] if "/" in match[1] else f"projects/{project_id(match[1])}"
    found = e.POLICIES.get(resource)
    return (200, copy.deepcopy(found)) if found else not_found(call)


@route("GET", r"/v3/folders", "resourcemanager.folders.list")
def _list_folders(call: Call, match: re.Match[str]) -> Answer:
    return page(call, _under(call.param("parent"), e.FOLDERS), "folders")


@route("GET", r"/v3/organizations/(\d+)", "resourcemanager.organizations.get")
def _get_organization(call: Call, match: re.Match[str]) -> Answer:
    return (200, copy.deepcopy(e.ORGANIZATION)) if match[1] == e.ORG else not_found(call)


# --- IAM v1 / v2 --------------------------------------------------------------------------------------------


@route("GET", r"/v1/projects/([^/]+)/serviceAccounts", "iam.serviceAccounts.list")
def _accounts(call: Call, match: re.Match[str]) -> Answer:
    return page(call, e.SERVICE_ACCOUNTS.get(project_id(match[1]) or "", []), "accounts")


@route("GET", r"/v1/projects/([^/]+)/serviceAccounts/([^/:]+)/keys", "iam.serviceAccountKeys.list")
def _keys(call: Call, match: re.Match[str]) -> Answer:
    email = unquote(match[2])
    if email not in e.KEYS:
        return not_found(call)
    wanted = call.query.get("keyTypes") or ["USER_MANAGED", "SYSTEM_MANAGED"]
    return 200, {"keys": [copy.deepcopy(k) for k in e.KEYS[email] if k["keyType"] in wanted]}


@route("POST", r"/v1/projects/([^/]+)/serviceAccounts/([^/:]+):getIamPolicy", "iam.serviceAccounts.getIamPolicy")
def _account_policy(call: Call, match: re.Match[str]) -> Answer:
    found = e.ACCOUNT_POLICIES.get(unquote(match[2]))
    return (200, copy.deepcopy(found)) if found else not_found(call)


@route("GET", r"/v1/(projects|organizations)/([^/]+)/roles", "iam.roles.list")
def _roles(call: Call, match: re.Match[str]) -> Answer:
    parent = f"organizations/{match[2]}" if match[1] == "organizations" else f"projects/{project_id(match[2])}"
    roles = copy.deepcopy(e.ROLES.get(parent, []))
    if call.param("view") != "FULL":
        for role in roles:
            role.pop("includedPermissions", None)
    return page(call, roles, "roles")


def _attachment(encoded: str) -> str:
    resource = unquote(encoded).removeprefix("cloudresourcemanager.googleapis.com/")
    kind, _, ref = resource.partition("/")
    return f"projects/{project_id(ref)}" if kind == "projects" else resource


@route("GET", r"/v2/policies/([^/]+)/denypolicies", "iam.denypolicies.list")
def _deny_list(call: Call, match: re.Match[str]) -> Answer:
    found = copy.deepcopy(e.DENY_POLICIES.get(_attachment(match[1]), []))
    for policy in found:
        policy.pop("rules")  # as the real listing: metadata only
    return page(call, found, "policies")


@route("GET", r"/v2/policies/([^/]+)/denypolicies/([^/]+)", "iam.denypolicies.get")
def _deny_get(call: Call, match: re.Match[str]) -> Answer:
    found = [p for p in e.DENY_POLICIES.get(_attachment(match[1]), []) if p["name"].endswith(f"/{match[2]}")]
    return (200, copy.deepcopy(found[0])) if found else not_found(call)


@route(
    "GET",
    r"/v1/projects/([^/]+)/locations/global/workloadIdentityPools",
    "iam.googleapis.com/workloadIdentityPools.list",
)
def _pools(call: Call, match: re.Match[str]) -> Answer:
    return page(call, e.POOLS.get(project_id(match[1]) or "", []), "workloadIdentityPools")


@route(
    "GET",
    r"/v1/(projects/[^/]+/locations/global/workloadIdentityPools/[^/]+)/providers",
    "iam.googleapis.com/workloadIdentityPoolProviders.list",
)
def _providers(call: Call, match: re.Match[str]) -> Answer:
    return page(call, e.PROVIDERS.get(match[1], []), "workloadIdentityPoolProviders")


@route("POST", r"/v1/projects/-/serviceAccounts/([^/:]+):generateAccessToken", "iam.serviceAccounts.getAccessToken")
def _token(call: Call, match: re.Match[str]) -> Answer:
    return 200, {"accessToken": f"impersonated-{unquote(match[1])}", "expireTime": "2099-01-01T00:00:00Z"}


# --- Workloads and usage ------------------------------------------------------------------------------------


@route("GET", r"/compute/v1/projects/([^/]+)/aggregated/instances", "compute.instances.list")
def _instances(call: Call, match: re.Match[str]) -> Answer:
    project = project_id(match[1])
    if project == e.BETA:
        return error(403, "PERMISSION_DENIED", "Compute Engine API has not been used in project", "SERVICE_DISABLED")
    scopes = sorted(e.INSTANCES.get(project or "", {}).items())
    start = int(call.param("pageToken") or 0)
    items: dict[str, Any] = {"regions/us-east4": {"warning": {"code": "NO_RESULTS_ON_PAGE"}}}
    for scope, instances in scopes[start : start + 1]:
        items[scope] = {"instances": copy.deepcopy(instances)}
    answer: dict[str, Any] = {"kind": "compute#instanceAggregatedList", "items": items}
    if start + 1 < len(scopes):
        answer["nextPageToken"] = str(start + 1)
    return 200, answer


@route("GET", r"/v2/projects/([^/]+)/locations/-/functions", "cloudfunctions.functions.list")
def _functions(call: Call, match: re.Match[str]) -> Answer:
    return page(call, e.FUNCTIONS.get(project_id(match[1]) or "", []), "functions")


@route("GET", r"/apis/serving\.knative\.dev/v1/namespaces/([^/]+)/services", "run.services.list")
def _run_services(call: Call, match: re.Match[str]) -> Answer:
    found = e.RUN_SERVICES.get(project_id(match[1]) or "", [])
    start = int(call.param("continue") or 0)
    answer: dict[str, Any] = {"apiVersion": "v1", "kind": "ServiceList", "metadata": {}}
    answer["items"] = copy.deepcopy(found[start : start + 1])
    if start + 1 < len(found):
        answer["metadata"]["continue"] = str(start + 1)
    return 200, answer


@route(
    "GET",
    r"/v1/projects/([^/]+)/locations/global/activityTypes/(serviceAccountKeyLastAuthentication)/activities:query",
    "policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query",
)
@route(
    "GET",
    r"/v1/projects/([^/]+)/locations/global/activityTypes/(serviceAccountLastAuthentication)/activities:query",
    "policyanalyzer.serviceAccountLastAuthenticationActivities.query",
)
def _activities(call: Call, match: re.Match[str]) -> Answer:
    return page(call, e.ACTIVITIES.get((project_id(match[1]) or "", match[2]), []), "activities")


@route("GET", r"/v1/projects/([^/]+)/locations/([a-z0-9-]+)/reasoningEngines", "aiplatform.reasoningEngines.list")
def _reasoning_engines(call: Call, match: re.Match[str]) -> Answer:
    project = project_id(match[1])
    if project == e.BETA:
        return error(403, "PERMISSION_DENIED", "Vertex AI API has not been used in project", "SERVICE_DISABLED")
    if match[2] in e.UNSERVED_REGIONS:
        return not_found(call)
    return page(call, e.REASONING_ENGINES.get((project or "", match[2]), []), "reasoningEngines")


@route("POST", r"/token", "none (OAuth token endpoint)")
def _oauth_token(call: Call, match: re.Match[str]) -> Answer:
    return 200, {"access_token": "adc-token", "expires_in": 3600, "token_type": "Bearer"}
