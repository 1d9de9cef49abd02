"""Trust-based edges: who may assume each role (sts:AssumeRole), and which outside parties are trusted.

Callers are looked up from the trust policy (named ARNs, trusted accounts, anyone) among principals that may
call sts:AssumeRole somewhere — never all pairs of principals. A caller whose sts:AssumeRole covers every
resource reaches roles that trust its account unconditionally through one shared hub per (role account,
trusted account), keeping the edge count linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from nhi_scan.escalation.aws.index import InventoryIndex
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.model import Trust
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.tri import Decision
from nhi_scan.policy.aws.trust import can_assume, trusted_parties

ASSUME = "sts:assumerole"


def _account_of(principal: str) -> str:
    if principal.isdigit():
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 4 else ""


def _unconditional_account_trust(trusts: Iterable[Trust], account: str) -> bool:
    """The role trusts ``account`` (root) for sts:AssumeRole with no condition and no Deny statement at all."""
    trust_list = list(trusts)
    if any(t.effect == "Deny" for t in trust_list):
        return False
    return any(
        t.principal_type == "aws"
        and _account_of(t.principal) == account
        and (t.principal.isdigit() or t.principal.endswith(":root"))
        and not t.conditions
        and any(a.lower() in ("sts:assumerole", "sts:*", "*") for a in t.actions)
        for t in trust_list
    )


def add_trust_edges(
    graph: IdentityGraph, index: InventoryIndex, sources: dict[str, Source], cache: PolicyCache
) -> None:
    callers: dict[str, list[Source]] = defaultdict(list)
    for source in sources.values():
        if not source.is_group and ASSUME in source.held:
            callers[source.identity.scope].append(source)
    hubs: set[str] = set()
    for account in index.accounts.values():
        for role in account.roles:
            trusts = index.trusts.get(role, [])
            if trusts:
                _role_edges(graph, index, role, trusts, sources, callers, cache, hubs)


def _role_edges(
    graph: IdentityGraph,
    index: InventoryIndex,
    role: str,
    trusts: list[Trust],
    sources: dict[str, Source],
    callers: dict[str, list[Source]],
    cache: PolicyCache,
    hubs: set[str],
) -> None:
    parties = trusted_parties(trusts)
    candidates: dict[str, Source] = {}
    for principal in parties.principals:
        if principal in sources and not sources[principal].is_group:
            candidates[principal] = sources[principal]
    accounts = set(parties.accounts) | (set(callers) if parties.anyone else set())
    for account in accounts:
        if account not in index.accounts:
            _external(graph, role, f"aws-account:{account}", f"any principal of AWS account {account}", "")
            continue
        hub_ok = _unconditional_account_trust(trusts, account)
        for caller in callers.get(account, []):
            if hub_ok and caller.covers_everything(ASSUME):
                _via_hub(graph, role, account, caller, hubs)
            else:
                prefixes = caller.prefixes(ASSUME)
                if prefixes is None or role.startswith(prefixes):
                    candidates.setdefault(caller.id, caller)
    for caller_id, caller in candidates.items():
        if caller_id == role:
            continue
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
    for issuer in (*parties.web_identity, *parties.saml):
        name = issuer.split(":oidc-provider/", 1)[-1].split(":saml-provider/", 1)[-1]
        _external(graph, role, f"federated:{name}", f"holders of tokens from {name}", "web identity / SAML")


def _via_hub(graph: IdentityGraph, role: str, account: str, caller: Source, hubs: set[str]) -> None:
    role_account = role.split(":")[4]
    hub = f"hub:aws:{role_account}:roles-trusting-account:{account}"
    if hub not in hubs:
        hubs.add(hub)
        graph.add_hub(hub, f"roles of account {role_account} trusting account {account} without conditions")
    graph.add_edge(
        Edge(source=hub, target=role, kind=EdgeKind.INCLUDES, reason=f"trust policy allows account {account}")
    )
    graph.add_edge(
        Edge(
            source=caller.id,
            target=hub,
            kind=EdgeKind.CAN_ASSUME,
            reason=f"sts:AssumeRole: {caller.reason('sts:AssumeRole', '*')}",
            method="sts-assume-role",
        )
    )


def _external(graph: IdentityGraph, role: str, node: str, label: str, how: str) -> None:
    graph.add_target(node, label)
    graph.add_edge(
        Edge(
            source=node,
            target=role,
            kind=EdgeKind.FEDERATES if how else EdgeKind.CAN_ASSUME,
            reason=f"trust policy of the role allows {label}",
        )
    )
