"""Trust-based edges: who may assume each role (sts:AssumeRole), and which outside parties are trusted.

Callers are looked up from the trust policy (named ARNs, trusted accounts, anyone) among principals that may
call sts:AssumeRole somewhere — never all pairs of principals. A caller whose sts:AssumeRole covers every
resource reaches roles that trust its account unconditionally through one shared hub per (role account,
trusted account), keeping the edge count linear.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from nhi_scan.escalation.aws.decisions import rank
from nhi_scan.escalation.aws.index import InventoryIndex
from nhi_scan.escalation.aws.principal import Source
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph
from nhi_scan.model import IdentityKind, Trust
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.conditions import evaluate_conditions
from nhi_scan.policy.aws.context import RequestContext
from nhi_scan.policy.aws.tri import Decision, Tri
from nhi_scan.policy.aws.trust import can_assume, trusted_parties

ASSUME = "sts:assumerole"
#: From this many callers of one account on, roles trusting that account are reached through a shared hub.
HUB_MIN_CALLERS = 16


def _account_of(principal: str) -> str:
    if principal.isdigit():
        return principal
    parts = principal.split(":")
    return parts[4] if len(parts) > 4 else ""


#: Condition keys whose value depends on who calls: a trust using them must be judged caller by caller...
_CALLER_KEYS = ("aws:principal", "aws:username", "aws:userid", "aws:sourceidentity", "aws:federatedprovider")
#: ...except these, known alike for every caller of one kind (users act with long-term keys, roles with sessions),
#: and the organisation, which an IAM export does not show for any caller.
_KIND_KEYS = (
    "aws:multifactorauthpresent",
    "aws:tokenissuetime",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principaltype",
)


def kind_context(kind: str, now: datetime | None) -> RequestContext:
    """What every caller of a kind shares: users (access keys) have no session, roles a session of about now."""
    if kind == "user":
        return RequestContext(
            now=now, keys={"aws:TokenIssueTime": None, "aws:MultiFactorAuthPresent": None, "aws:PrincipalType": "User"}
        )
    return RequestContext(now=now, keys={"aws:TokenIssueTime": now, "aws:PrincipalType": "AssumedRole"})


def _shared_account_trust(
    trusts: Iterable[Trust], account: str, context: RequestContext, cache: PolicyCache
) -> Decision | None:
    """How the role's trust of ``account`` applies to every caller of one kind alike, or None if it depends on them.

    ALLOW: an Allow whose conditions certainly hold. CONDITIONAL: they cannot be known offline (an external id,
    a source IP...). IMPLICIT_DENY: they never hold for this kind. None: a Deny statement, or conditions on the
    individual caller (its ARN, tags, name).
    """
    trust_list = list(trusts)
    if any(t.effect == "Deny" for t in trust_list):
        return None
    found = Decision.IMPLICIT_DENY
    for trust in trust_list:
        names_account = trust.principal_type == "any" or (
            trust.principal_type == "aws"
            and _account_of(trust.principal) == account
            and (trust.principal.isdigit() or trust.principal.endswith(":root"))
        )
        if not names_account or not any(a.lower() in ("sts:assumerole", "sts:*", "*") for a in trust.actions):
            continue
        keys = [str(k).lower() for block in trust.conditions.values() if isinstance(block, dict) for k in block]
        if any(k.startswith(_CALLER_KEYS) and not k.startswith(_KIND_KEYS) for k in keys):
            return None
        outcome, _ = evaluate_conditions(cache.trust_conditions(trust)[0], context)
        decision = {Tri.TRUE: Decision.ALLOW, Tri.UNKNOWN: Decision.CONDITIONAL}.get(outcome, Decision.IMPLICIT_DENY)
        if rank(decision) > rank(found):
            found = decision
    return found


def add_trust_edges(
    graph: IdentityGraph,
    index: InventoryIndex,
    sources: dict[str, Source],
    cache: PolicyCache,
    now: datetime | None = None,
) -> None:
    callers: dict[str, list[Source]] = defaultdict(list)
    for source in sources.values():
        if not source.is_group and ASSUME in source.held:
            callers[source.identity.scope].append(source)
    hubs: set[str] = set()
    linked: set[tuple[str, str]] = set()
    contexts = {kind: kind_context(kind, now) for kind in ("user", "role")}
    for account in index.accounts.values():
        for role in account.roles:
            trusts = index.trusts.get(role, [])
            if trusts:
                _role_edges(graph, index, role, trusts, sources, callers, cache, hubs, linked, contexts)


def _role_edges(
    graph: IdentityGraph,
    index: InventoryIndex,
    role: str,
    trusts: list[Trust],
    sources: dict[str, Source],
    callers: dict[str, list[Source]],
    cache: PolicyCache,
    hubs: set[str],
    linked: set[tuple[str, str]],
    contexts: dict[str, RequestContext],
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
        shared = {kind: _shared_account_trust(trusts, account, ctx, cache) for kind, ctx in contexts.items()}
        role_prefix = f"arn:aws:iam::{_account_of(role)}:role/"
        many = len(callers.get(account, [])) >= HUB_MIN_CALLERS  # few callers: direct edges read better
        for caller in callers.get(account, []):
            kind = "user" if caller.identity.kind is IdentityKind.USER else "role"
            trust = shared[kind]
            if trust is not None and not trust.possible:
                continue  # the trust's conditions never hold for this kind of caller
            reach = caller.covers(ASSUME, role_prefix) if trust is not None else None
            if many and trust is not None and reach is not None and reach.possible:
                _via_hub(graph, role, f"{account}:{kind}", caller, hubs, trust, reach, linked)
            elif reach is None or reach.possible:
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


def _via_hub(
    graph: IdentityGraph,
    role: str,
    account: str,
    caller: Source,
    hubs: set[str],
    trust: Decision,
    reach: Decision,
    linked: set[tuple[str, str]],
) -> None:
    role_account = _account_of(role)
    hub = f"hub:aws:{role_account}:roles-trusting-account:{account}"
    if hub not in hubs:
        hubs.add(hub)
        trusted, kind = account.split(":")
        graph.add_hub(hub, f"roles of account {role_account} that {kind}s of account {trusted} may assume")
    if (hub, role) not in linked:
        linked.add((hub, role))
        graph.add_edge(
            Edge(
                source=hub,
                target=role,
                kind=EdgeKind.INCLUDES,
                reason=f"trust policy allows account {account.split(':')[0]}"
                + ("" if trust is Decision.ALLOW else " under conditions unknown offline (e.g. sts:ExternalId)"),
                conditional=trust is not Decision.ALLOW,
            )
        )
    if (caller.id, hub) in linked:
        return
    linked.add((caller.id, hub))
    graph.add_edge(
        Edge(
            source=caller.id,
            target=hub,
            kind=EdgeKind.CAN_ASSUME,
            reason=f"sts:AssumeRole: {caller.reason('sts:AssumeRole', role)}",
            method="sts-assume-role",
            conditional=reach is not Decision.ALLOW,
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
