"""The tenant's Microsoft Graph collection: every listing of the directory convention (``graph/*.json``), each
failing on its own into an error record; then what depends on them: app role assignments of Microsoft Graph and of
every API whose app roles applications can hold, the beta view of flexible federated credentials, and the members
of the groups that matter (role-assignable ones and every group holding a role), nested groups included."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from nhi_scan.connectors.azure import fetch_permissions as perm
from nhi_scan.connectors.azure.fetch_context import Context, each, write_pages
from nhi_scan.connectors.azure.fetch_graph_lists import APPLICATIONS_IMPACT, LISTINGS, Listing, applications, users
from nhi_scan.connectors.azure.fetch_http import ApiError
from nhi_scan.connectors.azure.fetch_snapshot import safe_name

MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


@dataclass(slots=True)
class GraphFacts:
    """What later phases need of the Graph listings (by listing name; a failed listing is absent)."""

    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def of(self, name: str) -> list[dict[str, Any]]:
        return self.found.get(name, [])

    @property
    def tenant_id(self) -> str | None:
        organization = self.of("organization")
        value = organization[0].get("id") if organization else None
        return value.lower() if isinstance(value, str) else None

    def role_holders(self) -> set[str]:
        """Principals holding a directory role (active or eligible) or an app role."""
        names = ("roleAssignments", "roleEligibilitySchedules", "appRoleAssignments")
        return {str(item.get("principalId", "")).lower() for name in names for item in self.of(name)}


class GraphCollector:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.scope = ctx.tenant_scope
        self.facts = GraphFacts()

    def optional(self, phase: str, impact: str, work: Callable[[], object]) -> bool:
        return self.ctx.optional(self.scope, phase, impact, work)

    def _listing(self, listing: Listing) -> None:
        def work() -> None:
            relative = f"graph/{listing.name}.json"
            self.facts.found[listing.name] = self.ctx.graph_pages(
                relative, listing.path, listing.call, dict(listing.params)
            )

        self.optional(listing.phase, listing.impact, work)

    def _users(self) -> None:
        found = users(self.ctx, self.scope)
        if found is not None:
            self.facts.found["users"] = found

    def _applications(self) -> None:
        self.optional(
            "applications",
            APPLICATIONS_IMPACT,
            lambda: self.facts.found.__setitem__("applications", applications(self.ctx, self.scope)),
        )

    def run(self) -> GraphFacts:
        first, *rest = LISTINGS  # alone: its call gets the token every parallel call then reuses
        self._listing(first)
        work: list[Callable[[], None]] = [partial(self._listing, listing) for listing in rest]
        work += [self._applications, self._users]
        with ThreadPoolExecutor(max_workers=self.ctx.call_workers, thread_name_prefix="nhi-scan-graph") as pool:
            list(pool.map(lambda job: job(), work))
        if "servicePrincipals" in self.facts.found:
            self.app_role_assignments(self.facts.of("servicePrincipals"))
        flexible = [a for a in self.facts.of("applications") if _has_flexible_credential(a)]
        if flexible:
            self.optional(
                "flexible federated credentials",
                "claims-matching expressions of flexible federated credentials unknown",
                lambda: each(self._flexible, flexible, self.ctx.call_workers),
            )
        return self.facts

    def _assigned_to(self, sp: dict[str, Any]) -> list[dict[str, Any]]:
        path = f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignedTo"
        try:
            return list(self.ctx.graph.pages(self.ctx.graph.url(path), perm.APP_ROLE_ASSIGNED_TO))
        except ApiError as exc:
            if exc.missing:  # deleted since it was listed
                return []
            raise

    def app_role_assignments(self, sps: Sequence[dict[str, Any]]) -> None:
        """``appRoleAssignedTo`` of Microsoft Graph, then of every other API with app roles applications may hold,
        written together as one array of pages."""
        graph = [sp for sp in sps if sp.get("appId") == MICROSOFT_GRAPH_APP_ID and sp.get("id")]
        others = [
            sp for sp in sps if sp.get("id") and sp.get("appId") != MICROSOFT_GRAPH_APP_ID and _grants_app_roles(sp)
        ]
        found: dict[str, list[dict[str, Any]]] = {}
        lock = threading.Lock()

        def one(sp: dict[str, Any]) -> None:
            pages = self._assigned_to(sp)
            with lock:
                found[str(sp["id"])] = pages

        self.optional(
            "app role assignments", "application permissions on Microsoft Graph unknown", lambda: each(one, graph, 1)
        )
        if others:
            self.optional(
                "app role assignments on other APIs",
                "app roles held on the tenant's other APIs unknown",
                lambda: each(one, others, self.ctx.call_workers),
            )
        pages = [page for sp in (*graph, *others) for page in found.get(str(sp["id"]), [])]
        kept = [page for page in pages if page.get("value")] or pages[:1]
        if kept:
            write_pages(self.ctx.snapshot, "graph/appRoleAssignments.json", kept)
        else:
            self.ctx.snapshot.json("graph/appRoleAssignments.json", [])
        self.facts.found["appRoleAssignments"] = [item for page in kept for item in page.get("value") or ()]

    def _flexible(self, app: dict[str, Any]) -> None:
        path = f"beta/applications/{app['id']}/federatedIdentityCredentials"
        relative = f"graph/applications/{safe_name(str(app['id']))}/federatedIdentityCredentials.json"
        try:
            self.ctx.graph_pages(relative, path, perm.APPLICATION_FICS)
        except ApiError as exc:
            if not exc.missing:
                raise

    def members(self, groups: Iterable[str]) -> None:
        """``graph/groups/ID/members.json`` of each group, and of the groups nested in them."""
        queue = list(dict.fromkeys(g.lower() for g in groups))
        seen = set(queue)
        lock = threading.Lock()

        def one(group: str) -> None:
            path = f"v1.0/groups/{group}/members"
            relative = f"graph/groups/{safe_name(group)}/members.json"
            try:
                found = self.ctx.graph_pages(relative, path, perm.GROUP_MEMBERS, {"$top": "999"})
            except ApiError as exc:
                if exc.missing:
                    return
                raise
            with lock:
                for member in found:
                    nested = str(member.get("id", "")).lower()
                    if member.get("@odata.type") == "#microsoft.graph.group" and nested and nested not in seen:
                        seen.add(nested)
                        queue.append(nested)

        def waves() -> None:
            done = 0
            while done < len(queue):
                wave, done = queue[done:], len(queue)
                each(one, wave, self.ctx.call_workers)

        if queue:
            self.optional("group members", "members of groups holding roles unknown", waves)

    def unit_members(self, units: Iterable[str]) -> None:
        """``graph/administrativeUnits/ID/members.json`` of each unit a directory role is scoped to: what such a
        role reaches (without them it stays conditional)."""

        def one(unit: str) -> None:
            path = f"v1.0/directory/administrativeUnits/{unit}/members"
            relative = f"graph/administrativeUnits/{safe_name(unit)}/members.json"
            try:
                self.ctx.graph_pages(relative, path, perm.UNIT_MEMBERS, {"$top": "999"})
            except ApiError as exc:
                if not exc.missing:
                    raise

        wanted = list(dict.fromkeys(u.lower() for u in units))
        if wanted:
            self.optional(
                "administrative unit members",
                "what roles scoped to administrative units reach stays conditional",
                lambda: each(one, wanted, self.ctx.call_workers),
            )


def scoped_units(facts: GraphFacts) -> list[str]:
    """Administrative units a directory role (active or eligible) is scoped to."""
    prefix = "/administrativeunits/"
    scopes = (
        str(item.get("directoryScopeId") or "").lower()
        for name in ("roleAssignments", "roleEligibilitySchedules")
        for item in facts.of(name)
    )
    return sorted({scope[len(prefix) :] for scope in scopes if scope.startswith(prefix) and len(scope) > len(prefix)})


def _grants_app_roles(sp: dict[str, Any]) -> bool:
    return any("Application" in (role.get("allowedMemberTypes") or ()) for role in sp.get("appRoles") or ())


def _has_flexible_credential(app: dict[str, Any]) -> bool:
    """A federated credential without a subject: flexible, its expression only in the beta listing."""
    credentials = app.get("federatedIdentityCredentials") or ()
    return bool(app.get("id")) and any(isinstance(c, dict) and not c.get("subject") for c in credentials)
