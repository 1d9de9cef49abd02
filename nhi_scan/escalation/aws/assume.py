"""Trust-based edges: who may assume each role (sts:AssumeRole), and which outside parties are trusted.

Callers are looked up from the trust policy (named ARNs, trusted accounts, anyone) among principals that may
call sts:AssumeRole somewhere — never all pairs of principals. A caller whose sts:AssumeRole covers every
resource reaches roles that trust its account unconditionally through one shared hub per (role account,
trusted account), keeping the edge count linear. A caller whose sts:AssumeRole covers a name prefix alike
(``role/orders-*``) reaches the roles under it through one hub per prefix, shared by every caller with that
prefix: otherwise callers times matching roles would grow with the square of the account.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from nhi_scan.escalation.aws.index import InventoryIndex, SortedArns
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.escalation.aws.trusts import kind_context, principal_account, shared_account_trust
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.model import IdentityKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.tri import Decision
from nhi_scan.policy.aws.trust import can_assume, trusted_parties

ASSUME = "sts:assumerole"
#: From this many callers of one account on, roles trusting that account are reached through a shared hub.
HUB_MIN_CALLERS = 16
#: From this many roles under one name prefix on, callers covering the prefix reach them through a prefix hub.
PREFIX_HUB_MIN_ROLES = 8


@dataclass(slots=True)
class _Hub:
    """Roles of one account that every caller of one kind from one account may assume alike."""

    node: str
    role_account: str
    callers: list[Source]
    roles: list[str] = field(default_factory=list)
    #: The member edge of each role (the trust decision shared by every caller of the hub's kind).
    members: dict[str, Edge] = field(default_factory=dict)


def add_trust_edges(
    graph: IdentityGraph,
    index: InventoryIndex,
    sources: dict[str, Source],
    cache: PolicyCache,
    now: datetime | None = None,
) -> None:
    callers: dict[tuple[str, str], list[Source]] = defaultdict(list)
    for source in sources.values():
        if not source.is_group and ASSUME in source.held:
            kind = "user" if source.identity.kind is IdentityKind.USER else "role"
            callers[(source.identity.scope, kind)].append(source)
    caller_accounts = sorted({account for account, _ in callers})
    contexts = {kind: kind_context(kind, now) for kind in ("user", "role")}
    hubs: dict[str, _Hub] = {}
    pairs: dict[str, dict[str, Source]] = defaultdict(dict)
    for account in index.accounts.values():
        for role in account.roles:
            trusts = index.trusts.get(role, [])
            if not trusts:
                continue
            parties = trusted_parties(trusts)
            for principal in parties.principals:
                if principal in sources and not sources[principal].is_group and principal != role:
                    pairs[role][principal] = sources[principal]
            trusted = set(parties.accounts) | (set(caller_accounts) if parties.anyone else set())
            for trusted_account in sorted(trusted):
                if trusted_account not in index.accounts:
                    label = f"any principal of AWS account {trusted_account}"
                    _external(graph, role, f"aws-account:{trusted_account}", label)
                    continue
                for kind, context in contexts.items():
                    group = callers.get((trusted_account, kind), [])
                    if not group:
                        continue
                    shared = shared_account_trust(trusts, trusted_account, context, cache)
                    if shared is not None and not shared.possible:
                        continue  # the trust's conditions never hold for this kind of caller
                    if shared is not None and len(group) >= HUB_MIN_CALLERS:
                        hub = _hub(graph, hubs, role, f"{trusted_account}:{kind}", group)
                        hub.roles.append(role)
                        hub.members[role] = _member(graph, hub.node, role, trusted_account, shared)
                        continue
                    for caller in group:  # few callers, or a trust that depends on who calls
                        prefixes = caller.prefixes(ASSUME)
                        if caller.id != role and (prefixes is None or role.startswith(prefixes)):
                            pairs[role][caller.id] = caller
    for hub in hubs.values():
        _link_callers(graph, hub, pairs)
    for role, candidates in pairs.items():
        trusts = index.trusts.get(role, [])
        for caller_id, caller in candidates.items():
            evaluation = can_assume(trusts, caller.permissions, role_arn=role, cache=cache)
            if evaluation.decision.possible:
                graph.add_edge(
                    Edge(
                        source=caller_id,
                        target=role,
                        kind=EdgeKind.CAN_ASSUME,
                        reason=f"sts:AssumeRole: {evaluation.reason()}",
                        method="sts-assume-role",
                        conditional=evaluation.decision is not Decision.ALLOW,
                    )
                )


def _hub(graph: IdentityGraph, hubs: dict[str, _Hub], role: str, trusted: str, group: list[Source]) -> _Hub:
    role_account = principal_account(role)
    node = f"hub:aws:{role_account}:roles-trusting-account:{trusted}"
    found = hubs.get(node)
    if found is None:
        account, kind = trusted.split(":")
        graph.add_hub(node, f"roles of account {role_account} that {kind}s of account {account} may assume")
        found = hubs[node] = _Hub(node=node, role_account=role_account, callers=group)
    return found


def _member(graph: IdentityGraph, hub: str, role: str, trusted_account: str, shared: Decision) -> Edge:
    edge = Edge(
        source=hub,
        target=role,
        kind=EdgeKind.INCLUDES,
        reason=f"trust policy allows account {trusted_account}"
        + ("" if shared is Decision.ALLOW else " under conditions unknown offline (e.g. sts:ExternalId)"),
        conditional=shared is not Decision.ALLOW,
    )
    graph.add_edge(edge)
    return edge


def _link_callers(graph: IdentityGraph, hub: _Hub, pairs: dict[str, dict[str, Source]]) -> None:
    """Callers whose sts:AssumeRole covers every role of the account get one edge to the hub; the others are
    judged role by role, on the roles their resource patterns can match (bisect on the sorted members)."""
    roles = SortedArns(hub.roles)
    hubs_made: set[str] = set()
    prefix = f"arn:aws:iam::{hub.role_account}:role/"
    for caller in hub.callers:
        reach = caller.covers(ASSUME, prefix)
        if reach is not None:
            if reach.possible:
                graph.add_edge(
                    Edge(
                        source=caller.id,
                        target=hub.node,
                        kind=EdgeKind.CAN_ASSUME,
                        reason=f"sts:AssumeRole: {caller.reason('sts:AssumeRole', prefix + '*')}",
                        method="sts-assume-role",
                        conditional=reach is not Decision.ALLOW,
                    )
                )
            continue
        prefixes = caller.prefixes(ASSUME)
        if prefixes is None:
            matching = list(roles)
        else:
            # Ordered (not a set): the graph's edge order, and so exports, must not vary between runs.
            left = _prefix_hubs(graph, hub, roles, caller, prefixes, hubs_made)  # roles under too narrow prefixes
            matching = list(dict.fromkeys(r for p in prefixes for r in roles.with_prefix(p))) if left is None else left
        for role in matching:
            if role != caller.id:
                pairs[role][caller.id] = caller


def _prefix_hubs(
    graph: IdentityGraph, hub: _Hub, roles: SortedArns, caller: Source, prefixes: tuple[str, ...], made: set[str]
) -> list[str] | None:
    """Link the caller to one hub per prefix its sts:AssumeRole covers alike; the roles left to judge one by one
    (under prefixes with few roles). None when some prefix is not covered alike (then every role is judged)."""
    shared = [(p, caller.covers(ASSUME, p)) for p in dict.fromkeys(prefixes)]
    if not all(decision is not None for _, decision in shared):
        return None
    left: list[str] = []
    for prefix, decision in shared:
        members = list(roles.with_prefix(prefix))
        if len(members) < PREFIX_HUB_MIN_ROLES:
            left.extend(members)
            continue
        if decision is None or not decision.possible:
            continue
        node = f"{hub.node}:prefix:{prefix}"
        if node not in made:
            made.add(node)
            graph.add_hub(node, f"roles named {prefix}* among {graph.label(hub.node)}")
            for role in members:
                graph.add_edge(dataclasses.replace(hub.members[role], source=node))
        graph.add_edge(
            Edge(
                source=caller.id,
                target=node,
                kind=EdgeKind.CAN_ASSUME,
                reason=f"sts:AssumeRole: {caller.reason('sts:AssumeRole', prefix + '*')}",
                method="sts-assume-role",
                conditional=decision is not Decision.ALLOW,
            )
        )
    return list(dict.fromkeys(left))


def _external(graph: IdentityGraph, role: str, node: str, label: str) -> None:
    graph.add_target(node, label)
    graph.add_edge(
        Edge(source=node, target=role, kind=EdgeKind.CAN_ASSUME, reason=f"trust policy of the role allows {label}")
    )
