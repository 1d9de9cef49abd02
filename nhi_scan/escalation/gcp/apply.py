"""Apply the GCP methods (``methods/*.toml``) of one principal: which service accounts it can become, and how.

Cost grows with principals x the scopes they hold permissions at, never with pairs of principals: a permission held
on a project (folder, organization) reaches every service account there through one hub node; only resource-level
bindings and workloads name single accounts. Deny rules that may concern the principal are checked per project.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from nhi_scan.escalation.gcp.analysis import GcpAnalysis, Principal
from nhi_scan.escalation.gcp.catalog import Category, Method, PermissionGroup, TargetKind, Where
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.model import Workload
from nhi_scan.tri import Tri

#: Target kinds whose edges end at service accounts (policy-change targets are admin, handled by the builder).
_ACCOUNT_TARGETS = (TargetKind.SERVICE_ACCOUNT,)
_ACCOUNT_RESOURCE_TYPES = {"iam.serviceAccounts"}
#: Methods that give a token or credential of the target without its full power (OIDC ID tokens; Cloud Storage HMAC
#: and API keys): their edges are recorded, never followed by a path.
_ID_TOKEN = "gcp-iam-service-accounts-get-open-id-token"
#: Delegation: the caller reaches what the delegate can mint tokens for, not the delegate's own permissions.
DELEGATION = "gcp-iam-service-accounts-implicit-delegation"
#: What a delegate in a chain must hold on the next account (IAM Credentials generateAccessToken / signBlob / signJwt).
TOKEN_METHODS = (
    "gcp-iam-service-accounts-get-access-token",
    "gcp-iam-service-accounts-sign-blob",
    "gcp-iam-service-accounts-sign-jwt",
)


def partial(method: Method) -> bool:
    return method.category is Category.CREDENTIAL or method.id == _ID_TOKEN


@dataclass(slots=True)
class Met:
    """A method usable against a target: how certain, and the permission and place behind each group."""

    outcome: Tri
    why: list[tuple[str, str]]
    #: Deny rules that apply only under conditions unknown offline (they make the hop conditional).
    unless: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Applier:
    graph: IdentityGraph
    analysis: GcpAnalysis
    #: Workloads by (kind, project id): for methods that take over something already running as the target.
    workloads: dict[tuple[str, str], list[Workload]] = field(default_factory=lambda: defaultdict(list))
    hubs: set[str] = field(default_factory=set)
    _groups: dict[tuple[str, Where], tuple[PermissionGroup, ...]] = field(default_factory=dict)

    def groups(self, method: Method, where: Where) -> tuple[PermissionGroup, ...]:
        """``method.groups_on(where)``, memoised (asked for every principal)."""
        key = (method.id, where)
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = method.groups_on(where)
        return found

    #: Principal -> the delegates it holds implicitDelegation on (resolved by ``delegate``).
    delegations: dict[str, list[tuple[str, Met]]] = field(default_factory=lambda: defaultdict(list))

    def apply(self, principal: Principal, methods: Sequence[Method]) -> None:
        """One edge per target the principal can become: the most certain method (the others are named in it);
        a target reached only by partial methods gets a non-traversable edge."""
        best: dict[str, tuple[Met, Method]] = {}
        weak: dict[str, tuple[Met, Method]] = {}
        others: dict[str, list[str]] = defaultdict(list)
        for method in methods:
            chosen = weak if partial(method) else best
            for target, met in self._targets(principal, method):
                if target == principal.id:
                    continue
                if method.id == DELEGATION:
                    self.delegations[principal.id].append((target, met))
                    continue
                known = chosen.get(target)
                if known is None or met.outcome > known[0].outcome:
                    if known is not None:
                        others[target].append(known[1].id)
                    chosen[target] = (met, method)
                else:
                    others[target].append(method.id)
        for target, (met, method) in best.items():
            self.graph.add_edge(self._edge(principal, target, met, method, others.get(target, ())))
        for target, (met, method) in weak.items():
            if target not in best:
                self.graph.add_edge(self._edge(principal, target, met, method, (), traversable=False))

    def delegate(self, principals: dict[str, Principal], methods: dict[str, Method]) -> None:
        """implicitDelegation edges: the caller reaches every account a delegate in its chain can mint tokens for
        (never the delegates' own permissions)."""
        token_methods = [methods[m] for m in TOKEN_METHODS if m in methods]
        minted: dict[str, dict[str, tuple[Met, Method]]] = {}

        def mints(delegate: str) -> dict[str, tuple[Met, Method]]:
            found = minted.get(delegate)
            if found is None:
                found = minted[delegate] = {}
                principal = principals.get(delegate)
                for method in token_methods if principal is not None else ():
                    assert principal is not None
                    for target, met in self._accounts(principal, method):
                        if target != delegate and (target not in found or met.outcome > found[target][0].outcome):
                            found[target] = (met, method)
            return found

        for caller, first in self.delegations.items():
            reached: dict[str, Edge] = {}
            queue = [(delegate, met.outcome, [delegate]) for delegate, met in first]
            seen = {caller}
            while queue:
                delegate, outcome, chain = queue.pop(0)
                if delegate in seen:
                    continue
                seen.add(delegate)
                for target, (met, method) in mints(delegate).items():
                    certain = min(outcome, met.outcome)
                    if target == caller or (target in reached and not reached[target].conditional):
                        continue
                    reached[target] = Edge(
                        source=caller,
                        target=target,
                        kind=EdgeKind.CAN_IMPERSONATE,
                        reason=(
                            f"iam.serviceAccounts.implicitDelegation through {' → '.join(chain)}, which may "
                            f"{method.name} on it"
                        ),
                        method=DELEGATION,
                        conditional=certain is not Tri.TRUE,
                    )
                for onward, met in self.delegations.get(delegate, ()):
                    queue.append((onward, min(outcome, met.outcome), [*chain, onward]))
            for edge in reached.values():
                self.graph.add_edge(edge)

    def _edge(
        self,
        principal: Principal,
        target: str,
        met: Met,
        method: Method,
        others: Iterable[str],
        *,
        traversable: bool = True,
    ) -> Edge:
        label = self.graph.label(target) if target.startswith("hub:") else target
        note = method.offline_message(target=label, principal=principal.id)
        reasons = [self._explain(principal, permission, scope) for permission, scope in met.why]
        text = "; ".join(reasons)
        if len(met.why) > 1 or (met.why and met.why[0][0] != method.name):
            text = f"{method.name}: {text}"  # a single permission already says which method it is
        if met.outcome is not Tri.TRUE and note:
            text += f"; {note}"
        for rule in dict.fromkeys(met.unless):
            text += f"; unless {rule} applies"
        alternatives = sorted(set(others))
        if alternatives:
            text += f" (also: {', '.join(alternatives[:5])}{'…' if len(alternatives) > 5 else ''})"
        return Edge(
            source=principal.id,
            target=target,
            kind=method.edge if method.edge is not EdgeKind.ADMIN_OF else EdgeKind.CAN_IMPERSONATE,
            reason=text,
            method=method.id,
            conditional=met.outcome is not Tri.TRUE,
            traversable=traversable,
        )

    def _explain(self, principal: Principal, permission: str, scope: str) -> str:
        binding = self.analysis.access.granting(principal.bindings, scope, permission)
        return binding.describe(permission) if binding else f"{permission} on {scope}"

    # -- targets ---------------------------------------------------------------------------------------------------

    def _targets(self, principal: Principal, method: Method) -> Iterable[tuple[str, Met]]:
        if method.target in _ACCOUNT_TARGETS or (
            method.target is TargetKind.RESOURCE and method.resource_type in _ACCOUNT_RESOURCE_TYPES
        ):
            if self.groups(method, Where.EXISTING_RESOURCE):
                yield from self._existing(principal, method)
            else:
                yield from self._accounts(principal, method)
        elif method.target is TargetKind.SERVICE_AGENT:
            yield from self._service_agents(principal, method)

    def _group(
        self, principal: Principal, group: PermissionGroup, chain: tuple[str, ...]
    ) -> tuple[Tri, str, str, str | None]:
        """The best permission of a group at ``chain`` once deny rules are applied: (outcome, permission, scope, the
        deny rule that may still apply)."""
        best: tuple[Tri, str, str, str | None] = (Tri.FALSE, "", "", None)
        deny = self.analysis.deny
        for permission in group.permissions:
            held, scope = principal.at(chain, permission)
            if held is Tri.FALSE or scope is None:
                continue
            unless = None
            if deny:
                denied, rule = deny.denied(principal.id, principal.aliases, permission, chain)
                held = min(held, denied.negate())
                unless = rule.describe() if rule is not None and denied is Tri.UNKNOWN else None
            if held > best[0]:
                best = (held, permission, scope, unless)
        return best

    def _meets(
        self, principal: Principal, method: Method, target_chain: tuple[str, ...], project_chain: tuple[str, ...]
    ) -> Met | None:
        outcome = Tri.TRUE
        why: list[tuple[str, str]] = []
        denials: list[str] = []
        for group in method.required:
            if group.on is Where.TARGET:
                chain = target_chain
            elif group.on is Where.TARGET_PROJECT:
                chain = project_chain
            elif group.on is Where.ANY_PROJECT:
                chain = tuple(principal.held)  # anywhere the principal holds something
            else:
                continue  # existing-resource groups are checked by _existing
            held, permission, scope, unless = self._group(principal, group, chain)
            if held is Tri.FALSE:
                return None
            outcome = min(outcome, held)
            why.append((permission, scope))
            if unless:
                denials.append(unless)
        if method.offline_note and not self.groups(method, Where.EXISTING_RESOURCE):
            outcome = min(outcome, Tri.UNKNOWN)
        return Met(outcome=outcome, why=why, unless=denials)

    def _accounts(self, principal: Principal, method: Method) -> Iterable[tuple[str, Met]]:
        """Every service account the method reaches: one hub per project / folder / organization where the
        permissions are held there or above, single accounts where they are held on the account itself."""
        hierarchy = self.analysis.hierarchy
        base = (self.groups(method, Where.TARGET) or self.groups(method, Where.TARGET_PROJECT))[0]
        scopes = {scope for scope, at in principal.held.items() if any(p in at for p in base.permissions)}
        for scope in sorted(scopes):
            if "/serviceAccounts/" in scope:
                account = f"serviceAccount:{scope.rsplit('/', 1)[1]}"
                project = hierarchy.project_of(scope)
                met = self._meets(
                    principal, method, hierarchy.chain(scope), hierarchy.chain(project) if project else ()
                )
                if met is not None:
                    yield account, met
                continue
            if scope.count("/") != 1:
                continue  # a bucket, secret...: no account below it
            yield from self._covered(principal, method, scope)

    def _covered(self, principal: Principal, method: Method, scope: str) -> Iterable[tuple[str, Met]]:
        """The accounts of every project at or below ``scope``: through one hub when no deny rule may concern the
        principal, else project by project (a deny on one project must not be hidden by a hub)."""
        hierarchy = self.analysis.hierarchy
        projects = [scope] if scope.startswith("projects/") else hierarchy.projects_below.get(scope, [])
        deny = self.analysis.deny
        if not scope.startswith("projects/") and not (deny and deny.concerns(principal.id, principal.aliases)):
            chain = hierarchy.chain(scope)
            met = self._meets(principal, method, chain, chain)
            if met is not None and any(hierarchy.accounts_by_project.get(p.split("/", 1)[1]) for p in projects):
                yield self._hub(scope, projects), met
            return
        for project in projects:
            if not hierarchy.accounts_by_project.get(project.split("/", 1)[1]):
                continue
            chain = hierarchy.chain(project)
            met = self._meets(principal, method, chain, chain)
            if met is not None:
                yield self._hub(project, [project]), met

    def _hub(self, scope: str, projects: Sequence[str]) -> str:
        node = f"hub:gcp:{scope}:service-accounts"
        if node not in self.hubs:
            self.hubs.add(node)
            self.graph.add_hub(node, f"every service account of {scope}")
            accounts = self.analysis.hierarchy.accounts_by_project
            for project in projects:
                for account in accounts.get(project.split("/", 1)[1], ()):
                    self.graph.add_edge(
                        Edge(
                            source=node,
                            target=account,
                            kind=EdgeKind.INCLUDES,
                            reason=f"a service account of {project}",
                        )
                    )
        return node

    def _projects_holding(self, principal: Principal, group: PermissionGroup) -> list[str]:
        """Projects at or below the scopes where the principal holds one of the group's permissions."""
        projects_below = self.analysis.hierarchy.projects_below
        found: list[str] = []
        for scope, held in principal.held.items():
            if scope.count("/") != 1 or not any(p in held for p in group.permissions):
                continue
            found.extend([scope] if scope.startswith("projects/") else projects_below.get(scope, []))
        return sorted(set(found))

    def _existing(self, principal: Principal, method: Method) -> Iterable[tuple[str, Met]]:
        """Take over a workload that already runs as the target (an instance, a function...): only workloads of the
        projects where the principal holds the needed permissions are looked at."""
        hierarchy = self.analysis.hierarchy
        groups = self.groups(method, Where.EXISTING_RESOURCE)
        for project in self._projects_holding(principal, groups[0]):
            workloads = self.workloads.get((method.resource_kind or "", project.split("/", 1)[1]), ())
            if not workloads:
                continue
            project_chain = hierarchy.chain(project)
            outcome = Tri.TRUE
            why: list[tuple[str, str]] = []
            denials: list[str] = []
            for group in groups:
                held, permission, scope, unless = self._group(principal, group, project_chain)
                if held is Tri.FALSE:
                    break
                outcome = min(outcome, held)
                why.append((permission, scope))
                if unless:
                    denials.append(unless)
            else:
                yield from self._workload_accounts(
                    principal, method, workloads, project_chain, Met(outcome, why, denials)
                )

    def _workload_accounts(
        self,
        principal: Principal,
        method: Method,
        workloads: Iterable[Workload],
        project_chain: tuple[str, ...],
        taken: Met,
    ) -> Iterable[tuple[str, Met]]:
        """The accounts the workloads run as that the method's other groups reach too."""
        hierarchy = self.analysis.hierarchy
        for account in dict.fromkeys(a for w in workloads for a in w.identity_ids):
            resource = hierarchy.account_resource.get(account)
            chain = hierarchy.chain(resource) if resource else project_chain
            met = self._meets(principal, method, chain, project_chain)
            if met is not None:
                outcome = min(taken.outcome, met.outcome)
                yield account, Met(outcome=outcome, why=[*taken.why, *met.why], unless=[*taken.unless, *met.unless])

    def _service_agents(self, principal: Principal, method: Method) -> Iterable[tuple[str, Met]]:
        """Google-managed accounts a service runs as without actAs (Cloud Build, Deployment Manager)."""
        hierarchy = self.analysis.hierarchy
        scopes = {s for s, at in principal.held.items() if at.keys() & method.permissions}
        projects = {
            p for s in scopes for p in ([s] if s.startswith("projects/") else hierarchy.projects_below.get(s, []))
        }
        for project in sorted(projects):
            number = hierarchy.number(project)
            if number is None:
                continue
            email = method.service_agent_email(project_number=number, project_id=project.split("/", 1)[1])
            account = f"serviceAccount:{email}"
            if self.graph.identity(account) is None:
                continue
            chain = hierarchy.chain(project)
            met = self._meets(principal, method, chain, chain)
            if met is not None:
                yield account, met
