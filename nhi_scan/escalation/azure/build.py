"""Build the Azure / Entra part of the graph: admin targets (Global Administrator of the tenant, Owner of each
management group and subscription, nested), admin-equivalence, the methods of ``methods/*.toml`` (credentials,
ownership, app roles, directory roles, groups, RBAC, resources running as managed identities, Agent ID), and
federation from the issuers of federated identity credentials (issuer nodes shared with the other clouds).

A grantor held tenant-wide reaches its targets through one hub node per target kind, so the graph grows with
principals, not with their pairs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from nhi_scan.escalation.azure.analysis import GLOBAL_ADMINISTRATOR, AzureAnalysis, admin_node
from nhi_scan.escalation.azure.catalog import (
    Category,
    Effect,
    Grantor,
    GrantorKind,
    Method,
    RoleScope,
    TargetKind,
    load_methods,
)
from nhi_scan.escalation.azure.holders import Holders
from nhi_scan.escalation.azure.stores import link_stores
from nhi_scan.escalation.azure.targets import ScopeIndex, TargetIndex
from nhi_scan.graph import ADMIN_EQUIVALENT, Edge, EdgeKind, IdentityGraph, MethodFacts
from nhi_scan.model import Identity, IdentityKind, Inventory, ScopeKind, Workload
from nhi_scan.policy.azure.directory import Directory, DirectoryRoleHeld
from nhi_scan.policy.azure.rbac import Assignment, Rbac
from nhi_scan.tri import Tri

_PRINCIPAL_KINDS = (
    IdentityKind.SERVICE_PRINCIPAL,
    IdentityKind.MANAGED_IDENTITY,
    IdentityKind.AGENT_IDENTITY,
    IdentityKind.USER,
    IdentityKind.GROUP,
)
_SCOPE_WORDS = {ScopeKind.MANAGEMENT_GROUP: "management group", ScopeKind.SUBSCRIPTION: "subscription"}
_ADMIN_KINDS = {
    TargetKind.MANAGEMENT_GROUP: ScopeKind.MANAGEMENT_GROUP,
    TargetKind.SUBSCRIPTION: ScopeKind.SUBSCRIPTION,
}
#: Methods that lead to stores, not identities: applied by ``stores.py`` (a vault's secrets may be other identities'
#: credentials; storage and Cosmos DB account keys open what the account holds).
_DATA_TARGETS = (TargetKind.KEY_VAULT, TargetKind.STORAGE_ACCOUNT, TargetKind.COSMOS_ACCOUNT)
_TENANT_WIDE = frozenset({GrantorKind.GRAPH_PERMISSION})
_RBAC = (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION)
#: Principals that sign in app-only: ownership alone gives them no right to change what they own.
_APP_ONLY = (IdentityKind.SERVICE_PRINCIPAL, IdentityKind.MANAGED_IDENTITY, IdentityKind.AGENT_IDENTITY)

Held = tuple[Tri, str]


def _scope_fits(wanted: RoleScope, held: DirectoryRoleHeld, target: Identity | None) -> Tri:
    """Whether a role assignment at ``held.scope`` (directoryScopeId) suffices on ``target`` where the method needs
    ``wanted`` (``target`` None: on some target)."""
    scope = held.scope
    if scope == "/" or wanted is RoleScope.ANY:
        return Tri.TRUE
    if wanted is RoleScope.APPLICATION and target is not None:
        return Tri.TRUE if scope.lower() == f"/{target.attributes.get('object_id')}".lower() else Tri.FALSE
    if wanted is RoleScope.ADMINISTRATIVE_UNIT and scope.startswith("/administrativeUnits/"):
        if held.unit_members is None:
            return Tri.UNKNOWN  # the unit's members are not in the export
        if target is None:
            return Tri.TRUE if held.unit_members else Tri.FALSE
        return Tri.TRUE if target.id in held.unit_members else Tri.FALSE
    return Tri.FALSE


def _candidate_key(method: Method) -> str:
    """Methods with the same target kind and exclusions end at the same candidates."""
    return f"{method.target.value}:{','.join(sorted(method.excludes))}"


#: Edges that come from the tenant's structure rather than a catalogue method.
STRUCTURAL = (
    MethodFacts(id="azure-agent-blueprint-acts-for-agent", label="agent identity blueprint acts for its agent"),
)


def method_facts(methods: Iterable[Method]) -> list[MethodFacts]:
    """A method that makes its user admin by granting itself a role or permission "grants itself anything"."""
    granting = (Category.DIRECTORY_ROLE, Category.APP_ROLE, Category.RBAC)
    facts = [
        MethodFacts(id=m.id, label=m.name, grants_self=m.effect is Effect.ADMIN and m.category in granting)
        for m in methods
    ]
    return [*STRUCTURAL, *facts]


def _tenant_of(inventory: Inventory) -> str:
    tenants = [s.id.split("/", 1)[1] for s in inventory.hierarchy if s.kind is ScopeKind.TENANT]
    if tenants:
        return tenants[0]
    return next((i.scope for i in inventory.identities if i.scope != "unknown"), "unknown")


@dataclass(frozen=True, slots=True)
class _Grants:
    """What one principal holds, directly or through its groups: asked by every method planned for it, so
    gathered once per principal (the builder works principal by principal)."""

    id: str
    principals: list[str]
    assignments: list[Assignment]
    #: The distinct scopes of its assignments, sorted.
    scopes: list[str]
    roles: list[DirectoryRoleHeld]
    permissions: dict[str, str]


@cache
def _resource_words(types: tuple[str, ...]) -> tuple[list[str], str]:
    """A method's resource types (lower case, sorted) and their short names joined by "or"."""
    kinds = sorted({t.lower() for t in types})
    return kinds, " or ".join(t.rsplit("/", 1)[-1] for t in kinds)


class _Builder:
    def __init__(self, graph: IdentityGraph, inventory: Inventory, analysis: AzureAnalysis) -> None:
        self.graph = graph
        self.inventory = inventory
        self.analysis = analysis
        self.directory = analysis.directory
        self.rbac = analysis.rbac
        self.tenant_node = admin_node(f"tenants/{analysis.tenant}")
        self.hubs: set[str] = set()
        self._grants: _Grants | None = None
        self._shared_of: dict[str, bool] = {}
        self._texts: dict[str, str] = {}
        self._candidates_of: dict[str, list[Identity]] = {}
        self._target_indexes: dict[str, TargetIndex] = {}
        self.holders = Holders(inventory.identities, self.directory, self.rbac)
        self._plan: dict[str, list[int]] = {}
        self._methods: list[Method] = []
        self._universal: list[int] = []
        self._workload_indexes: dict[str, ScopeIndex[Workload]] = {}
        self.workloads_by_type: dict[str, list[Workload]] = {}
        self.workload_order = {w.id: n for n, w in enumerate(inventory.workloads)}
        for workload in inventory.workloads:
            kind = str(workload.attributes.get("type", "")).lower()
            self.workloads_by_type.setdefault(kind, []).append(workload)
        by_kind: dict[IdentityKind, list[Identity]] = {}
        for identity in inventory.identities:
            by_kind.setdefault(identity.kind, []).append(identity)
        self.by_kind = by_kind
        self.admin_scopes = {
            s.id.lower(): s.kind
            for s in inventory.hierarchy
            if s.kind in (ScopeKind.MANAGEMENT_GROUP, ScopeKind.SUBSCRIPTION)
        }

    # -- targets ---------------------------------------------------------------------------------------------------

    def admin_targets(self) -> None:
        self.graph.add_target(
            self.tenant_node, f"Global Administrator of Entra tenant {self.analysis.tenant}", admin=True
        )
        for scope in self.inventory.hierarchy:
            kind = self.admin_scopes.get(scope.id.lower())
            if kind is None:
                continue
            name = scope.name or scope.id.rsplit("/", 1)[-1]
            self.graph.add_target(
                admin_node(scope.id.lower()), f"Owner of Azure {_SCOPE_WORDS[kind]} {name}", admin=True
            )
        for scope in self.inventory.hierarchy:
            parent = (scope.parent or "").lower()
            if scope.id.lower() in self.admin_scopes and parent in self.admin_scopes:
                self.graph.add_edge(
                    Edge(
                        source=admin_node(parent),
                        target=admin_node(scope.id.lower()),
                        kind=EdgeKind.INCLUDES,
                        reason=f"{scope.id} is inside {parent}: Owner there is Owner here",
                    )
                )

    def candidates(self, method: Method) -> list[Identity]:
        """Identities the method may end at (disabled ones cannot sign in, Microsoft's own are not the tenant's;
        for an application, its service principal decides); once per method, not once per principal."""
        key = _candidate_key(method)
        cached = self._candidates_of.get(key)
        if cached is None:
            cached = self._candidates_of[key] = self._enabled_candidates(method)
        return cached

    def _enabled_candidates(self, method: Method) -> list[Identity]:
        found = []
        for candidate in self._candidates(method):
            end = self.graph.identity(self.end(candidate)) or candidate
            if candidate.enabled is not False and end.enabled is not False and not end.provider_managed:
                found.append(candidate)
        return found

    def _candidates(self, method: Method) -> list[Identity]:
        target = method.target
        if target is TargetKind.APPLICATION:
            return [
                a for a in self.by_kind.get(IdentityKind.APPLICATION, []) if not a.attributes.get("agent_blueprint")
            ]
        if target is TargetKind.AGENT_IDENTITY_BLUEPRINT:
            return [a for a in self.by_kind.get(IdentityKind.APPLICATION, []) if a.attributes.get("agent_blueprint")]
        if target is TargetKind.SERVICE_PRINCIPAL:
            return [s for s in self.by_kind.get(IdentityKind.SERVICE_PRINCIPAL, []) if not s.provider_managed]
        if target is TargetKind.AGENT_IDENTITY:
            return self.by_kind.get(IdentityKind.AGENT_IDENTITY, [])
        if target is TargetKind.MANAGED_IDENTITY:
            found = self.by_kind.get(IdentityKind.MANAGED_IDENTITY, [])
            if "system-assigned" in method.excludes:
                found = [m for m in found if m.attributes.get("user_assigned")]
            return found
        if target in (TargetKind.GROUP, TargetKind.ROLE_ASSIGNABLE_GROUP):
            assignable = target is TargetKind.ROLE_ASSIGNABLE_GROUP
            return [
                g
                for g in self.by_kind.get(IdentityKind.GROUP, [])
                if bool(g.attributes.get("is_assignable_to_role")) is assignable
            ]
        return []

    def end(self, target: Identity) -> str:
        """Where an edge to an application ends: its service principal (which holds its permissions)."""
        if target.kind is IdentityKind.APPLICATION:
            return str(target.attributes.get("service_principal_id") or target.id)
        return target.id

    # -- grantors --------------------------------------------------------------------------------------------------

    def grants(self, principal: Identity) -> _Grants:
        """The principal's grants (the last principal's, kept)."""
        found = self._grants
        if found is None or found.id != principal.id:
            principals = self.directory.principals_of(principal)
            assignments = self.rbac.assignments(principals)
            found = self._grants = _Grants(
                id=principal.id,
                principals=principals,
                assignments=assignments,
                scopes=sorted({a.scope for a in assignments}),
                roles=self.directory.roles_of(principal),
                permissions=self.directory.permissions_of(principal),
            )
        return found

    def holds(
        self,
        grantor: Grantor,
        principal: Identity,
        target: Identity | None,
        resource: str | None,
        *,
        custom_only: bool = False,
        eligible_only: bool = False,
    ) -> Held:
        """(outcome, why) of one grantor for ``principal`` against ``target`` (an identity) or ``resource`` (ARM)."""
        kind = grantor.kind
        if kind is GrantorKind.DIRECTORY_ROLE:
            return self._role(grantor, principal, target, eligible_only=eligible_only)
        if kind is GrantorKind.GRAPH_PERMISSION:
            permissions = self.grants(principal).permissions
            return (Tri.TRUE, f"Microsoft Graph {grantor.name}") if grantor.name in permissions else (Tri.FALSE, "")
        if kind is GrantorKind.OWNER:
            if target is not None and self.directory.owns(principal.id, target):
                return Tri.TRUE, f"owner of {target.kind.value} {target.name}"
            return Tri.FALSE, ""
        if kind in _RBAC:
            where = resource or (str(target.attributes.get("resource_id") or "") if target is not None else "")
            if not where:
                return Tri.FALSE, ""
            grants = self.grants(principal)
            outcome, assignment = self.rbac.allows(
                grants.principals,
                grantor.name,
                where,
                data=kind is GrantorKind.RBAC_DATA_ACTION,
                custom_only=custom_only,
                assignments=grants.assignments,
            )
            return outcome, (f"{grantor.name} from {assignment.describe()}" if assignment else "")
        return Tri.FALSE, ""  # access policies lead to data, not identities

    def _role(
        self, grantor: Grantor, principal: Identity, target: Identity | None, *, eligible_only: bool = False
    ) -> Held:
        best: Held = (Tri.FALSE, "")
        wanted = (grantor.id or "").lower()
        for held in self.grants(principal).roles:
            if held.template_id != wanted and held.name != grantor.name:
                continue
            if eligible_only and not held.eligible:
                continue  # activating an eligible assignment: an active one is another method
            outcome = _scope_fits(grantor.scope or RoleScope.TENANT, held, target)
            if outcome is Tri.FALSE:
                continue
            if held.eligible:
                outcome = min(outcome, Tri.UNKNOWN)
            if outcome > best[0]:
                best = (outcome, held.describe())
        return best

    def meets(self, method: Method, principal: Identity, target: Identity | None, resource: str | None) -> Held:
        """ANY grantor and ALL required ones."""
        best: Held = (Tri.FALSE, "")
        custom_only = "built-in-role" in method.excludes
        eligible_only = "active-assignment" in method.excludes
        for grantor in method.grantors:
            held = self.holds(
                grantor, principal, target, resource, custom_only=custom_only, eligible_only=eligible_only
            )
            if held[0] > best[0]:
                best = held
        if best[0] is Tri.FALSE:
            return best
        reasons = [best[1]]
        outcome = best[0]
        elsewhere = method.target is TargetKind.MANAGED_IDENTITY and bool(method.resource_types)
        for grantor in method.requires:
            if elsewhere and grantor.kind in _RBAC:
                held = self._somewhere(grantor, principal, method.resource_types)
            else:
                held = self.holds(grantor, principal, target, resource)
            if held[0] is Tri.FALSE:
                return Tri.FALSE, ""
            outcome = min(outcome, held[0])
            reasons.append(held[1])
        locked = "app-instance-lock" in method.excludes
        if method.offline_note and method.target is not TargetKind.RESOURCE and not locked:
            outcome = min(outcome, Tri.UNKNOWN)
        if target is not None and target.attributes.get("foreign") and locked:
            outcome = min(outcome, Tri.UNKNOWN)  # the publisher's app instance lock cannot be seen from here
        return outcome, "; ".join(r for r in reasons if r)

    def _somewhere(self, grantor: Grantor, principal: Identity, types: Sequence[str]) -> Held:
        """A required action on *a* resource of ``types`` (the VM the identity gets attached to), not on the
        identity: held at any scope of the principal's assignments, where it may create or change such a resource."""
        data = grantor.kind is GrantorKind.RBAC_DATA_ACTION
        best: Held = (Tri.FALSE, "")
        for assignment in self.grants(principal).assignments:
            blocks = self.rbac.allowing(assignment.role_id, grantor.name, data=data)
            if not blocks or assignment.outcome <= best[0]:
                continue
            certain = Tri.TRUE if any(not b.conditional for b in blocks) else Tri.UNKNOWN
            kinds = " or ".join(t.rsplit("/", 1)[-1] for t in types)
            best = (min(assignment.outcome, certain), f"{grantor.name} from {assignment.describe()} (on {kinds} there)")
        return best

    # -- edges -----------------------------------------------------------------------------------------------------

    def text(self, reason: str) -> str:
        """One copy of each reason: the same member of many hubs, the same grant of many principals (half the
        reasons of a 10,000-SP tenant repeat another, about 80 MB of a 100,000-SP one)."""
        return self._texts.setdefault(reason, reason)

    def edge(self, principal: Identity, target: str, method: Method, held: Held, label: str) -> None:
        if target == principal.id:
            return
        outcome, why = held
        note = method.offline_message(target=label, principal=principal.name) if outcome is not Tri.TRUE else None
        self.graph.add_edge(
            Edge(
                source=principal.id,
                target=target,
                kind=method.edge,
                reason=self.text(f"{method.name}: {why}" + (f"; {note}" if note else "")),
                method=method.id,
                conditional=outcome is not Tri.TRUE,
            )
        )

    def hub(
        self, method: Method, members: Iterable[Identity], *, scope: str | None = None, foreign: bool = False
    ) -> str:
        """Every candidate of the method in the tenant (of other tenants with ``foreign``), or under an ARM
        ``scope``: one node, so a grant there is one edge, not one per target."""
        what = method.target.value.replace("-", " ")
        tenant = self.analysis.tenant
        where = f"under {scope}" if scope else f"of {'other tenants than' if foreign else 'tenant'} {tenant}"
        node = (
            f"hub:azure:{scope or tenant}:{method.target.value}:"
            f"{','.join(sorted(method.excludes)) or 'all'}{':foreign' if foreign else ''}"
        )
        return self._hub(node, f"every {what} {where}", ((self.end(m), f"{m.kind.value} {m.name}") for m in members))

    def _hub(self, node: str, label: str, members: Iterable[tuple[str, str]]) -> str:
        if node not in self.hubs:
            self.hubs.add(node)
            self.graph.add_hub(node, label)
            for target, reason in members:
                self.graph.add_edge(Edge(source=node, target=target, kind=EdgeKind.INCLUDES, reason=self.text(reason)))
        return node

    def plan(self, methods: Sequence[Method]) -> None:
        """For each principal, the methods it holds a grantor of somewhere, in catalogue order: most principals
        hold none of most methods, and are never evaluated for them."""
        universal: list[int] = []
        self._plan.clear()
        for position, method in enumerate(methods):
            if method.target in _DATA_TARGETS:
                continue
            holders = self.holders.of(method)
            if holders is None:
                universal.append(position)
                continue
            for holder in holders:
                self._plan.setdefault(holder, []).append(position)
        self._methods = list(methods)
        self._universal = universal

    def apply(self, principal: Identity) -> None:
        """Every edge of the planned methods that ``principal`` holds."""
        positions = self._plan.get(principal.id, [])
        if self._universal:
            positions = sorted({*positions, *self._universal})
        for position in positions:
            method = self._methods[position]
            if "app-only-caller" in method.excludes and principal.kind in _APP_ONLY:
                continue
            if method.target is TargetKind.TENANT:
                held = self.meets(method, principal, None, None)
                if held[0] is not Tri.FALSE:
                    self.edge(principal, self.tenant_node, method, held, "the tenant")
            elif method.target in _ADMIN_KINDS:
                for scope, kind in self.admin_scopes.items():
                    if kind is _ADMIN_KINDS[method.target]:
                        held = self.meets(method, principal, None, scope)
                        if held[0] is not Tri.FALSE:
                            self.edge(principal, admin_node(scope), method, held, scope)
            elif method.target is TargetKind.RESOURCE:
                self._resources(principal, method)
            else:
                self._identities(principal, method)

    def _identities(self, principal: Identity, method: Method) -> None:
        index = self.target_index(method)
        if not index.candidates:
            return
        # Unless ownership or a role scoped to the object decides, what the principal holds on a target depends
        # only on which of its RBAC assignments are above it and on the app instance lock: judged once per
        # scope or once for every foreign target, reached through a hub.
        shared = self._shared(method)
        tenant_wide = self._tenant_wide(method, principal)
        if tenant_wide[0] is not Tri.FALSE:
            if index.home:
                self.edge(principal, self.hub(method, index.home), method, tenant_wide, f"every {method.target.value}")
            if not index.foreign:
                return
            held = None
            if shared and not index.foreign_located:
                held = self.meets(method, principal, index.foreign[0], None)
            elif tenant_wide[0] is Tri.TRUE and not index.foreign_located and self._target_free(method):
                held = self._on_foreign(method, tenant_wide)
            if held is not None:
                if held[0] is not Tri.FALSE:
                    hub = self.hub(method, index.foreign, foreign=True)
                    self.edge(principal, hub, method, held, f"every {method.target.value} of other tenants")
                return
            targets = index.foreign  # one by one: a grant that is not tenant-wide may hold on some of them
        elif shared and all(g.kind in _RBAC for g in method.grantors):
            self._under_scopes(principal, method, index)
            return
        else:
            targets = self._narrow(principal, method, index)
        for target in targets:
            held = self.meets(method, principal, target, None)
            if held[0] is not Tri.FALSE:
                self.edge(principal, self.end(target), method, held, target.name)

    def _shared(self, method: Method) -> bool:
        """What the method gives on a target depends on no grant held on that target itself (once per method)."""
        found = self._shared_of.get(method.id)
        if found is None:
            found = self._shared_of[method.id] = not any(
                g.kind is GrantorKind.OWNER
                or (g.kind is GrantorKind.DIRECTORY_ROLE and g.scope is RoleScope.APPLICATION)
                for g in (*method.grantors, *method.requires)
            )
        return found

    @staticmethod
    def _target_free(method: Method) -> bool:
        """No required grantor depends on the target (a Graph permission, a tenant-wide role)."""
        return all(
            g.kind is GrantorKind.GRAPH_PERMISSION
            or (g.kind is GrantorKind.DIRECTORY_ROLE and (g.scope or RoleScope.TENANT) is RoleScope.TENANT)
            for g in method.requires
        )

    @staticmethod
    def _on_foreign(method: Method, tenant_wide: Held) -> Held:
        """What a certain tenant-wide grant gives on every target of another tenant, as ``meets`` judges each one:
        nothing held on one of them (ownership, a role scoped to it) can exceed it, so they share one hub edge
        instead of one edge per principal and foreign target (168,042 edges of a 100,000-SP tenant, now 76,065)."""
        outcome = tenant_wide[0]
        locked = "app-instance-lock" in method.excludes
        if locked or (method.offline_note and method.target is not TargetKind.RESOURCE):
            outcome = min(outcome, Tri.UNKNOWN)
        return outcome, tenant_wide[1]

    def _under_scopes(self, principal: Identity, method: Method, index: TargetIndex) -> None:
        """RBAC alone decides: at each scope of the principal's assignments, judged there (an assignment applies
        to everything below), one edge to the candidate on that scope or to a hub of those below it."""
        for scope in self.grants(principal).scopes:
            below = index.scopes.under([scope])
            if not below:
                continue
            held = self.meets(method, principal, None, scope)
            if held[0] is Tri.FALSE:
                continue
            if self._denied_below(principal, method, scope):
                for candidate in below:  # judged one by one: a deny assignment protects some of them
                    where = str(candidate.attributes.get("resource_id") or "")
                    held_here = self.meets(method, principal, None, where) if where else held
                    if held_here[0] is not Tri.FALSE:
                        self.edge(principal, self.end(candidate), method, held_here, candidate.name)
                continue
            only = below[0]
            if len(below) == 1 and str(only.attributes.get("resource_id") or "").lower().rstrip("/") == scope:
                self.edge(principal, self.end(only), method, held, only.name)
            else:
                hub = self.hub(method, below, scope=scope)
                self.edge(principal, hub, method, held, f"every {method.target.value} under {scope}")

    def target_index(self, method: Method) -> TargetIndex:
        """Shared by the methods with the same candidates (target kind and exclusions)."""
        key = _candidate_key(method)
        found = self._target_indexes.get(key)
        if found is None:
            found = self._target_indexes[key] = TargetIndex(self.candidates(method), self.rbac.chain)
        return found

    def _tenant_wide(self, method: Method, principal: Identity) -> Held:
        """A grantor that reaches every candidate (Graph permissions, tenant-wide roles), with no required grantor
        that depends on the target."""
        if any(
            g.kind in (GrantorKind.OWNER, GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION)
            for g in method.requires
        ):
            return Tri.FALSE, ""
        best: Held = (Tri.FALSE, "")
        for grantor in method.grantors:
            if grantor.kind in _TENANT_WIDE or grantor.kind is GrantorKind.DIRECTORY_ROLE:
                held = self.holds(grantor, principal, None, None, eligible_only="active-assignment" in method.excludes)
                if grantor.kind is GrantorKind.DIRECTORY_ROLE and " tenant-wide" not in held[1]:
                    continue
                if held[0] > best[0]:
                    best = held
        if best[0] is Tri.FALSE:
            return best
        return self.meets(method, principal, None, None) if method.requires else best

    def _narrow(self, principal: Identity, method: Method, index: TargetIndex) -> list[Identity]:
        """Candidates the principal may reach one by one: those it owns, those a scoped role names, those under
        its RBAC assignments (never a scan of every candidate for a principal whose grants reach a few)."""
        eligible_only = "active-assignment" in method.excludes
        picked: set[int] | None = set()
        for grantor in method.grantors:
            reach = self._reach(grantor, principal, index, eligible_only=eligible_only)
            if reach is None or picked is None:
                picked = None
                break
            picked |= reach
        elsewhere = bool(method.resource_types)  # required actions on the resource an identity is attached to
        for grantor in method.requires:
            reach = self._reach(grantor, principal, index, elsewhere=elsewhere)
            if reach is not None:
                picked = reach if picked is None else picked & reach
        return list(index.candidates) if picked is None else index.pick(picked)

    def _reach(
        self,
        grantor: Grantor,
        principal: Identity,
        index: TargetIndex,
        *,
        eligible_only: bool = False,
        elsewhere: bool = False,
    ) -> set[int] | None:
        """Positions of the candidates where ``grantor`` may hold for ``principal`` (``None``: every one)."""
        kind = grantor.kind
        if kind is GrantorKind.DIRECTORY_ROLE:
            wanted_scope = grantor.scope or RoleScope.TENANT
            wanted = (grantor.id or "").lower()
            found: set[int] = set()
            for held in self.grants(principal).roles:
                if (held.template_id != wanted and held.name != grantor.name) or (eligible_only and not held.eligible):
                    continue
                if wanted_scope is RoleScope.ADMINISTRATIVE_UNIT and held.scope != "/" and held.unit_members:
                    found |= index.owned(held.unit_members)  # the unit's members, listed
                elif _scope_fits(wanted_scope, held, None) is not Tri.FALSE:
                    return None  # tenant-wide, any scope, or an administrative unit (members not in the export)
                elif wanted_scope is RoleScope.APPLICATION:
                    found |= index.object_scoped(held.scope)
            return found
        if kind is GrantorKind.GRAPH_PERMISSION:
            return None if grantor.name in self.grants(principal).permissions else set()
        if kind is GrantorKind.OWNER:
            return index.owned(self.directory.owned.get(principal.id, ()))
        if kind in _RBAC:
            if elsewhere:
                return None
            data = kind is GrantorKind.RBAC_DATA_ACTION
            scopes = [
                a.scope
                for a in self.grants(principal).assignments
                if self.rbac.allowing(a.role_id, grantor.name, data=data)
            ]
            return index.scopes.positions(scopes)
        return set()

    def _resources(self, principal: Identity, method: Method) -> None:
        """At each scope of the principal's assignments, judged there (an assignment applies to everything
        below): edges to the identities of the one resource on that scope, or to a hub of every identity that
        the method's resources under it run as."""
        index = self.workload_index(method)
        kinds, words = _resource_words(method.resource_types)
        for scope in self.grants(principal).scopes:
            below = index.under([scope])
            if not below:
                continue
            held = self.meets(method, principal, None, scope)
            if held[0] is Tri.FALSE:
                continue
            if self._denied_below(principal, method, scope):
                below_scope = [(w, self.meets(method, principal, None, w.id)) for w in below]  # judged one by one
                for workload, held_here in below_scope:
                    if held_here[0] is not Tri.FALSE:
                        for identity in workload.identity_ids:
                            self.edge(principal, identity, method, held_here, f"{workload.kind} {workload.name}")
                continue
            if len(below) == 1 and below[0].id.lower().rstrip("/") == scope:
                for identity in below[0].identity_ids:
                    self.edge(principal, identity, method, held, f"{below[0].kind} {below[0].name}")
                continue
            members = (
                (identity, f"{workload.kind} {workload.name} runs as it")
                for workload in below
                for identity in workload.identity_ids
            )
            label = f"every identity {words} under {scope} run as"
            hub = self._hub(f"hub:azure:{scope}:{','.join(kinds)}", label, members)
            self.edge(principal, hub, method, held, f"every {words} under {scope}")

    def _denied_below(self, principal: Identity, method: Method, scope: str) -> bool:
        """A deny assignment under ``scope`` blocks one of the method's RBAC grantors for the principal: one hub
        for everything under the scope would reach what the deny protects."""
        principals = self.grants(principal).principals
        return any(
            self.rbac.denied_below(principals, g.name, scope, data=g.kind is GrantorKind.RBAC_DATA_ACTION)
            for g in method.grantors
            if g.kind in _RBAC
        )

    def workload_index(self, method: Method) -> ScopeIndex[Workload]:
        """The method's workloads by scope, in the inventory's order (which decides which edge is kept)."""
        found = self._workload_indexes.get(method.id)
        if found is None:
            workloads = [w for t in method.resource_types for w in self.workloads_by_type.get(t.lower(), ())]
            workloads.sort(key=lambda w: self.workload_order[w.id])
            found = self._workload_indexes[method.id] = ScopeIndex(workloads, lambda w: w.id, self.rbac.chain)
        return found

    # -- admin-equivalence -----------------------------------------------------------------------------------------

    def admin_edges(self, principal: Identity) -> Tri:
        strongest = Tri.FALSE
        for held in self.directory.roles_of(principal):
            if held.template_id == GLOBAL_ADMINISTRATOR and held.scope == "/":
                outcome = Tri.UNKNOWN if held.eligible else Tri.TRUE
                self._admin(principal, self.tenant_node, f"admin-equivalent: {held.describe()}", outcome)
                strongest = max(strongest, outcome)
        principals = self.directory.principals_of(principal)
        for assignment in self.rbac.assignments(principals):
            if assignment.scope not in self.admin_scopes:
                continue
            if self.rbac.restricting(principals, assignment.scope) is not None:
                continue  # a deny assignment there blocks something: not everything is in its hands
            if any("*" in block.actions and not block.not_actions for block in self.rbac.role(assignment.role_id)):
                self._admin(
                    principal,
                    admin_node(assignment.scope),
                    f"admin-equivalent: {assignment.describe()}",
                    assignment.outcome,
                )
                strongest = max(strongest, assignment.outcome)
        return strongest

    def _admin(self, principal: Identity, target: str, reason: str, outcome: Tri) -> None:
        self.graph.add_edge(
            Edge(
                source=principal.id,
                target=target,
                kind=EdgeKind.ADMIN_OF,
                reason=reason,
                method=ADMIN_EQUIVALENT,
                conditional=outcome is not Tri.TRUE,
            )
        )

    # -- structure -------------------------------------------------------------------------------------------------

    def agents(self) -> None:
        """A blueprint obtains the tokens of its agent identities: whoever controls it acts as each of them."""
        blueprints = {
            str(a.attributes.get("app_id")): a
            for a in self.by_kind.get(IdentityKind.APPLICATION, [])
            if a.attributes.get("agent_blueprint")
        }
        for agent in self.by_kind.get(IdentityKind.AGENT_IDENTITY, []):
            blueprint = blueprints.get(str(agent.attributes.get("agent_blueprint_id")))
            if blueprint is None:
                continue
            self.graph.add_edge(
                Edge(
                    source=self.end(blueprint),
                    target=agent.id,
                    kind=EdgeKind.CAN_IMPERSONATE,
                    reason=f"agent identity blueprint {blueprint.name} obtains the tokens of agent {agent.name}",
                    method="azure-agent-blueprint-acts-for-agent",
                )
            )


def build_azure(
    graph: IdentityGraph,
    inventory: Inventory,
    now: datetime | None,
    *,
    permissions_known: Callable[[AzureAnalysis], None] | None = None,
) -> AzureAnalysis:
    methods = load_methods()
    analysis = AzureAnalysis(
        directory=Directory(inventory.identities, inventory.grants),
        rbac=Rbac(inventory.grants, inventory.policies, inventory.hierarchy),
        tenant=_tenant_of(inventory),
    )
    graph.register_methods(method_facts(methods))
    builder = _Builder(graph, inventory, analysis)
    builder.admin_targets()
    sources = [
        i
        for i in inventory.identities
        if i.kind in _PRINCIPAL_KINDS and i.enabled is not False and not i.provider_managed
    ]
    for identity in sources:
        analysis.principals[identity.id] = identity
        analysis.admin[identity.id] = builder.admin_edges(identity)
    if permissions_known is not None:
        permissions_known(analysis)
    builder.plan(methods)
    for identity in sources:
        if analysis.admin.get(identity.id) is not Tri.TRUE:
            builder.apply(identity)
    link_stores(builder, methods, [i for i in sources if analysis.admin.get(i.id) is not Tri.TRUE])
    builder.agents()
    return analysis
