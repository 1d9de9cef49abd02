"""Build the GCP part of the graph: admin targets of every organization, folder and project (nested), each
principal's admin-equivalence (it can set a scope's IAM policy), the methods it can use, custom roles it can
rewrite, and federation from workload identity pools (issuer nodes shared with the other clouds)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from nhi_scan.escalation.gcp.analysis import ADMIN_PERMISSION, GcpAnalysis, Principal, admin_node
from nhi_scan.escalation.gcp.apply import Applier
from nhi_scan.escalation.gcp.catalog import Method, TargetKind, interesting_permissions, load_methods
from nhi_scan.graph import ADMIN_EQUIVALENT, Edge, EdgeKind, IdentityGraph, MethodFacts
from nhi_scan.model import IdentityKind, Inventory, ScopeKind
from nhi_scan.policy.gcp.access import Access
from nhi_scan.policy.gcp.deny import DenyPolicies
from nhi_scan.policy.gcp.hierarchy import Hierarchy
from nhi_scan.tri import Tri

_PRINCIPAL_KINDS = (IdentityKind.SERVICE_ACCOUNT, IdentityKind.USER, IdentityKind.GROUP)
_ROLE_UPDATE = "iam.roles.update"
_SCOPE_WORDS = {ScopeKind.ORGANIZATION: "organization", ScopeKind.FOLDER: "folder", ScopeKind.PROJECT: "project"}


def method_facts(methods: tuple[Method, ...]) -> list[MethodFacts]:
    return [MethodFacts(id=m.id, label=m.name, grants_self=m.target is TargetKind.CUSTOM_ROLE) for m in methods]


class _Usable:
    """Which methods a principal may use, memoised by the permissions it holds anywhere."""

    def __init__(self, methods: tuple[Method, ...]) -> None:
        self.methods = methods
        self.memo: dict[frozenset[str], list[Method]] = {}

    def __call__(self, held: frozenset[str]) -> list[Method]:
        found = self.memo.get(held)
        if found is None:
            found = self.memo[held] = [
                m for m in self.methods if all(held.intersection(g.permissions) for g in m.required)
            ]
        return found


def build_gcp(
    graph: IdentityGraph,
    inventory: Inventory,
    now: datetime | None,
    *,
    permissions_known: Callable[[GcpAnalysis], None] | None = None,
) -> GcpAnalysis:
    methods = load_methods()
    interesting = interesting_permissions() | frozenset(ADMIN_PERMISSION.values()) | {_ROLE_UPDATE}
    hierarchy = Hierarchy(inventory.hierarchy, inventory.identities)
    analysis = GcpAnalysis(
        access=Access(inventory, now, frozenset(interesting)),
        hierarchy=hierarchy,
        deny=DenyPolicies(inventory.grants, now),
    )
    graph.register_methods(method_facts(methods))
    _admin_targets(graph, hierarchy)
    for identity in inventory.identities:
        if identity.kind not in _PRINCIPAL_KINDS:
            continue
        bindings = analysis.access.bindings_of(identity)
        principal = Principal(identity.id, identity.aliases, bindings, analysis.access.held(bindings))
        analysis.principals[identity.id] = principal
        analysis.admin[identity.id] = _admin_edges(graph, analysis, principal)
    if permissions_known is not None:
        permissions_known(analysis)
    applier = Applier(graph=graph, analysis=analysis)
    for workload in inventory.workloads:
        applier.workloads[(workload.kind, workload.scope)].append(workload)
    usable = _Usable(tuple(m for m in methods if m.target is not TargetKind.CUSTOM_ROLE))
    for principal in analysis.principals.values():
        if analysis.admin.get(principal.id) is Tri.TRUE:
            continue  # certainly admin already: every account of its scope is its own
        applier.apply(principal, usable(principal.permissions()))
        _custom_roles(graph, analysis, principal)
    applier.delegate(analysis.principals, {m.id: m for m in methods})
    return analysis


def _admin_targets(graph: IdentityGraph, hierarchy: Hierarchy) -> None:
    """One target per organization, folder and project; admin of a scope controls every scope below it."""
    for scope in hierarchy.administrable():
        kind = hierarchy.kind(scope)
        graph.add_target(
            admin_node(scope), f"admin of GCP {_SCOPE_WORDS.get(kind, 'scope')} {scope.split('/', 1)[1]}", admin=True
        )
    for scope in hierarchy.administrable():
        parent = hierarchy.parents.get(scope)
        if parent is not None and admin_node(parent) in graph.nx:
            graph.add_edge(
                Edge(
                    source=admin_node(parent),
                    target=admin_node(scope),
                    kind=EdgeKind.INCLUDES,
                    reason=f"{scope} is inside {parent}: its IAM policy is controlled from there",
                )
            )


def _reached(hierarchy: Hierarchy, scope: str, held: dict[str, Tri]) -> list[tuple[str, str]]:
    """(admin target, permission) a principal holding ``held`` on ``scope`` reaches: the scope itself when it holds
    the scope's own setIamPolicy (admin of everything below through the nested targets), else the folders and
    projects below whose setIamPolicy it holds there (Folder IAM Admin on an organization...)."""
    kind = hierarchy.kind(scope)
    own = ADMIN_PERMISSION.get(kind)
    if own is not None and own in held:
        return [(scope, own)]
    found: list[tuple[str, str]] = []
    if kind in (ScopeKind.ORGANIZATION, ScopeKind.FOLDER):
        folders = ADMIN_PERMISSION[ScopeKind.FOLDER]
        if folders in held:
            below = hierarchy.folders_below.get(scope, [])
            top = [
                f for f in below if hierarchy.parents.get(f) not in below
            ]  # admin of a folder reaches its subfolders
            found.extend((folder, folders) for folder in top)
        projects = ADMIN_PERMISSION[ScopeKind.PROJECT]
        if projects in held:
            covered = {f for f, _ in found}
            found.extend(
                (project, projects)
                for project in hierarchy.projects_below.get(scope, [])
                if not covered.intersection(hierarchy.chain(project))
            )
    return found


def _admin_edges(graph: IdentityGraph, analysis: GcpAnalysis, principal: Principal) -> Tri:
    """ADMIN_OF edges where the principal can set a scope's IAM policy (roles/owner, securityAdmin...)."""
    hierarchy = analysis.hierarchy
    strongest = Tri.FALSE
    for scope, held in principal.held.items():
        for target, permission in _reached(hierarchy, scope, held):
            outcome = held.get(permission, Tri.FALSE)
            denied, rule = analysis.deny.denied(principal.id, principal.aliases, permission, hierarchy.chain(target))
            outcome = min(outcome, denied.negate())
            if outcome is Tri.FALSE:
                continue
            binding = analysis.access.granting(principal.bindings, scope, permission)
            why = binding.describe(permission) if binding else permission
            if rule is not None and denied is Tri.UNKNOWN:
                why += f"; unless {rule.describe()} applies"
            graph.add_edge(
                Edge(
                    source=principal.id,
                    target=admin_node(target),
                    kind=EdgeKind.ADMIN_OF,
                    reason=f"admin-equivalent: can set the IAM policy of {target} ({why})",
                    method=ADMIN_EQUIVALENT,
                    conditional=outcome is not Tri.TRUE,
                )
            )
            strongest = max(strongest, outcome)
    return strongest


def _custom_roles(graph: IdentityGraph, analysis: GcpAnalysis, principal: Principal) -> None:
    """A custom role bound to the principal that it may update: it can add any permission to it, so it is admin
    wherever the role is bound (or can become the account it is bound on)."""
    hierarchy = analysis.hierarchy
    custom = analysis.access.roles.custom
    for binding in principal.bindings:
        if binding.role not in custom:
            continue
        owner = binding.role.split("/roles/", 1)[0]
        held, scope = principal.at(hierarchy.chain(owner), _ROLE_UPDATE)
        if held is Tri.FALSE or scope is None:
            continue
        denied, _ = analysis.deny.denied(principal.id, principal.aliases, _ROLE_UPDATE, hierarchy.chain(owner))
        outcome = min(held, binding.outcome, denied.negate())
        if outcome is Tri.FALSE:
            continue
        where = binding.resource
        if "/serviceAccounts/" in where:
            target, kind = f"serviceAccount:{where.rsplit('/', 1)[1]}", EdgeKind.CAN_MODIFY_POLICY
        elif admin_node(where) in graph.nx:
            target, kind = admin_node(where), EdgeKind.ADMIN_OF
        else:
            continue
        granting = analysis.access.granting(principal.bindings, scope, _ROLE_UPDATE)
        graph.add_edge(
            Edge(
                source=principal.id,
                target=target,
                kind=kind,
                reason=(
                    f"iam.roles.update on its own custom role {binding.role} (bound to it on {where}): "
                    f"{granting.describe(_ROLE_UPDATE) if granting else _ROLE_UPDATE}"
                ),
                method="gcp-iam-roles-update",
                conditional=outcome is not Tri.TRUE,
            )
        )
