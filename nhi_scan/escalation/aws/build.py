"""Build the AWS escalation graph: per principal, its effective permissions, then the methods it can use.

Cost grows with principals x methods they hold, not with pairs of principals: principals are first indexed by
the ~100 actions escalation methods need (``actions_allowed_somewhere``), targets are looked up by kind and
resource pattern, and permissions that cover every target go through shared hub nodes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from nhi_scan.escalation.aws.apply import Applier, admin_node
from nhi_scan.escalation.aws.assume import add_trust_edges
from nhi_scan.escalation.aws.catalog import (
    Category,
    Method,
    grant_methods,
    interesting_actions,
    methods_by_action,
    methods_by_id,
)
from nhi_scan.escalation.aws.grant_then_become import add_grant_then_become_edges
from nhi_scan.escalation.aws.index import InventoryIndex, build_index
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.graph import ADMIN_EQUIVALENT, Edge, EdgeKind, EdgeLog, HubNode, IdentityGraph, MethodFacts, replay
from nhi_scan.model import Identity, IdentityKind, Inventory
from nhi_scan.parallel import can_fork, run_parts
from nhi_scan.plugin import Verdict
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.context import KeyValue, RequestContext
from nhi_scan.policy.aws.permissions import ActionQuery, PrincipalPermissions, context_for_identity
from nhi_scan.policy.aws.tri import Decision

_PRINCIPAL_KINDS = (IdentityKind.USER, IdentityKind.ROLE, IdentityKind.GROUP)


@dataclass(slots=True)
class AwsAnalysis:
    """What the AWS checks read besides the graph: each principal's permissions and admin-equivalence."""

    index: InventoryIndex
    cache: PolicyCache
    sources: dict[str, Source] = field(default_factory=dict)
    admin: dict[str, Decision] = field(default_factory=dict)

    def permissions(self, identity_id: str) -> PrincipalPermissions | None:
        source = self.sources.get(identity_id)
        return source.permissions if source else None

    # The provider seam (``nhi_scan.plugin.ProviderAnalysis``): what neutral code may ask of any cloud.

    def analysed(self, identity_id: str) -> bool:
        return identity_id in self.sources

    def warnings(self) -> list[str]:
        return []  # what AWS cannot judge is said by the parser (missing managed policies...)

    def admin_equivalent(self, identity_id: str) -> Verdict:
        return _VERDICTS[self.admin.get(identity_id, Decision.IMPLICIT_DENY)]

    def allows(self, identity_id: str, action: str, resource: str = "*") -> Verdict:
        permissions = self.permissions(identity_id)
        if permissions is None:
            return Verdict.DENIED
        return _VERDICTS[permissions.allows(action, resource).decision]


_VERDICTS = {
    Decision.ALLOW: Verdict.ALLOWED,
    Decision.CONDITIONAL: Verdict.CONDITIONAL,
    Decision.DENY: Verdict.DENIED,
    Decision.IMPLICIT_DENY: Verdict.DENIED,
}


def method_facts() -> list[MethodFacts]:
    """What the neutral path checks read of each catalogue method (its name; whether it grants itself anything)."""
    return [
        MethodFacts(id=method.id, label=method.name, grants_self=method.category is Category.SELF_MODIFICATION)
        for method in methods_by_id().values()
    ]


def _context(identity: Identity, now: datetime | None) -> RequestContext:
    """What is known of a request made with the identity's credentials.

    Users are judged as their long-term access keys act: no session token (aws:TokenIssueTime absent) and no MFA
    (aws:MultiFactorAuthPresent absent). Roles act through sessions issued about now; whether MFA was used to
    get them is unknown.
    """
    if identity.kind is IdentityKind.GROUP:
        return RequestContext(now=now)  # a group is judged as what an unknown new member would hold
    keys: dict[str, KeyValue] = {}
    if identity.kind is IdentityKind.USER:
        keys = {"aws:TokenIssueTime": None, "aws:MultiFactorAuthPresent": None}
    elif now is not None:
        keys = {"aws:TokenIssueTime": now}
    return context_for_identity(identity, now=now, keys=keys)


class UsableMethods:
    """Which methods a principal may use, memoised by what it holds: many principals hold the same actions."""

    def __init__(self, by_action: Mapping[str, Sequence[Method]]) -> None:
        self._by_action = by_action
        self._memo: dict[tuple[bool, frozenset[tuple[str, Decision]]], list[Method]] = {}
        self._shared: dict[frozenset[tuple[str, Decision]], dict[str, Decision]] = {}

    def __call__(self, held: dict[str, Decision], *, certain_only: bool = False) -> list[Method]:
        key = (certain_only, frozenset(held.items()))
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = _usable(held, self._by_action, certain_only=certain_only)
        return found

    def shared(self, held: dict[str, Decision]) -> dict[str, Decision]:
        """One read-only dict per distinct held map: 100k principals then share a few thousand."""
        return self._shared.setdefault(frozenset(held.items()), held)


def _usable(
    held: dict[str, Decision], by_action: Mapping[str, Sequence[Method]], *, certain_only: bool = False
) -> list[Method]:
    """Methods every action group of which the principal may perform somewhere (iam:PassRole too, if needed).

    ``certain_only`` keeps the methods whose every group has an action certainly allowed somewhere.
    """
    usable = {Decision.ALLOW} if certain_only else {Decision.ALLOW, Decision.CONDITIONAL}
    seen: dict[str, Method] = {}
    for action in held:
        for method in by_action.get(action, ()):
            seen.setdefault(method.id, method)
    return [
        m
        for m in sorted(seen.values(), key=lambda m: m.id)
        # Assuming roles (and federated token holders) come from the trust policies: see assume.py.
        if m.category is not Category.ASSUME
        and all(any(held.get(a) in usable for a in group.lowercase) for group in m.required)
        and (not m.passrole or held.get("iam:passrole") in usable)
    ]


#: Principals with methods to apply below which the work is not shared with worker processes (fork costs more).
MIN_PARALLEL_PRINCIPALS = 2000

#: One principal's work: its position (the order its edges are added in), itself, the methods it may use.
Work = tuple[int, Source, list[Method]]


def build_aws(
    graph: IdentityGraph,
    inventory: Inventory,
    now: datetime | None,
    *,
    jobs: int = 1,
    permissions_known: Callable[[AwsAnalysis], None] | None = None,
) -> AwsAnalysis:
    """Add the AWS escalation edges to ``graph``; ``jobs`` > 1 shares method application between processes.

    The graph comes out the same for any ``jobs``: each principal's edges are logged apart and replayed in the
    principals' order. ``permissions_known`` is called once every principal's effective permissions are known,
    before any escalation edge is added (the engine starts the permission-only checks there).
    """
    index = build_index(inventory)
    analysis = AwsAnalysis(index=index, cache=PolicyCache())
    if not index.accounts:
        return analysis
    graph.register_methods(method_facts())
    for account in index.accounts:
        graph.add_target(admin_node(account), f"admin of AWS account {account}", admin=True)
    work = _judge_principals(graph, inventory, analysis, now)
    if permissions_known is not None:
        permissions_known(analysis)
    applier = Applier(graph=graph, index=index, cache=analysis.cache)
    if jobs > 1 and len(work) >= MIN_PARALLEL_PRINCIPALS and can_fork():
        applier.prepare({(method, source.identity.scope) for _, source, methods in work for method in methods})
        parts = [partial(_apply_all, applier, work[number::jobs]) for number in range(jobs)]
        logged = sorted((entry for part in run_parts(parts, jobs=jobs) for entry in part), key=lambda e: e[0])
    else:
        logged = _apply_all(applier, work)
    granting = grant_methods()
    grants: list[Edge] = []
    for _, ops in logged:
        replay(graph, ops)
        grants.extend(op for op in ops if isinstance(op, Edge) and op.method in granting)
    add_trust_edges(graph, index, analysis.sources, analysis.cache, now)
    admins = {account: admin_node(account) for account in index.accounts}
    add_grant_then_become_edges(graph, index, analysis.cache, grants, admins)
    return analysis


def _judge_principals(
    graph: IdentityGraph, inventory: Inventory, analysis: AwsAnalysis, now: datetime | None
) -> list[Work]:
    """Each principal's effective permissions and admin-equivalence (an ADMIN_OF edge when possible), and the
    methods left to try for those not certainly admin already."""
    index = analysis.index
    query = ActionQuery.of(sorted(interesting_actions()))
    usable = UsableMethods(methods_by_action())
    organization = inventory.organization
    management = organization.management_account if organization else None
    paths = dict(organization.account_paths) if organization else {}
    work: list[Work] = []
    for identity in index.identities.values():
        if identity.provider_managed or identity.kind not in _PRINCIPAL_KINDS:
            continue
        permissions = PrincipalPermissions.from_grants(
            index.grants.get(identity.id, []),
            context=_context(identity, now),
            cache=analysis.cache,
            scp_levels=index.scp_levels(identity, management, paths),
        )
        held = usable.shared(permissions.actions_allowed_somewhere(query))  # the query's actions are lowercase
        source = Source(identity=identity, permissions=permissions, held=held)
        analysis.sources[identity.id] = source
        admin = permissions.admin_equivalence()
        analysis.admin[identity.id] = admin
        if admin.possible:
            graph.add_edge(
                Edge(
                    source=identity.id,
                    target=admin_node(identity.scope),
                    kind=EdgeKind.ADMIN_OF,
                    reason="admin-equivalent: effectively allowed every action on * ("
                    + permissions.allows("iam:PutRolePolicy", "*").reason()
                    + ")",
                    method=ADMIN_EQUIVALENT,
                    conditional=admin is not Decision.ALLOW,
                )
            )
            if admin is Decision.ALLOW:
                continue
        # Already possibly admin: only edges that could be certain add anything to what it can reach.
        methods = usable(held, certain_only=admin.possible)
        if methods:
            work.append((len(work), source, methods))
    return work


def _apply_all(applier: Applier, work: Sequence[Work]) -> list[tuple[int, list[Edge | HubNode]]]:
    """Apply each principal's methods; its edges and hubs, logged apart, keyed by its position."""
    logged: list[tuple[int, list[Edge | HubNode]]] = []
    for number, source, methods in work:
        applier.log = EdgeLog()
        for method in methods:
            applier.apply(method, source)
        source.forget()
        if applier.log.ops:
            logged.append((number, applier.log.ops))
    return logged
