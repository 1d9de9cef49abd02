"""The federation pass, after every cloud's analysis: each federated trust of any cloud is joined with the tokens
identities of every cloud can obtain (a GCP service account's Google ID token, an Entra service principal's access
token, an AWS role's caller identity), by issuer and claims. A trust that one identity's token satisfies becomes an
edge from that identity; one that several satisfy, an edge from a set of them that says so; one that someone
outside the scanned estate can satisfy, an edge from an entry point labelled by what that outsider must control.
Nothing here knows a cloud: the claims were mapped to the tokens' own names by each cloud's connector."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from nhi_scan.federation.claims import issuer_key, pinned, satisfies
from nhi_scan.federation.entry import EntryPoint, describe, family_of
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph, MethodFacts
from nhi_scan.model import ClaimTest, Inventory, IssuedToken, Trust, TrustKind

FEDERATION = "federation"
TOKEN = "federation-token"
METHODS = (
    MethodFacts(id=FEDERATION, label="federated sign-in with a token the trust admits"),
    MethodFacts(id=TOKEN, label="obtains a token the trust admits"),
)
#: Claims that name who holds a token (not what it is for).
_WHO = ("sub", "azp", "oid", "email", "appid", "arn", "aws_role", "account")


class _Tokens:
    """Tokens by issuer, and by (issuer, claim, value) for the claims that name their holder: only the tokens of
    ``issuers``, those some trust admits (20,000 service principals issue 40,000 tokens, mostly from issuers no
    trust names)."""

    def __init__(self, tokens: Iterable[IssuedToken], issuers: set[str]) -> None:
        self.by_issuer: dict[str, list[IssuedToken]] = {}
        self.by_claim: dict[tuple[str, str, str], list[IssuedToken]] = {}
        claims_of: dict[str, list[set[str]]] = {}
        keys: dict[str, str] = {}  # the few spellings of issuers, each normalised once
        for token in tokens:
            issuer = keys.get(token.issuer)
            if issuer is None:
                issuer = keys[token.issuer] = issuer_key(token.issuer)
            if issuer not in issuers:
                continue
            self.by_issuer.setdefault(issuer, []).append(token)
            claims_of.setdefault(issuer, []).append(set(token.claims))
            for claim, value in token.claims.items():
                if claim in _WHO:
                    self.by_claim.setdefault((issuer, claim, value), []).append(token)
        #: (issuer, claim) pairs every token of the issuer carries as a fixed value.
        self.fixed = {(issuer, c) for issuer, sets in claims_of.items() for c in set.intersection(*sets)}

    def candidates(self, issuer: str, tests: Sequence[ClaimTest]) -> list[IssuedToken]:
        """The issuer's tokens that may pass: looked up by a pinned value where the trust pins a claim every token
        of the issuer carries as a fixed value (a Google unique id), else all of them."""
        for claim, values in pinned(tests, _WHO).items():
            if (issuer, claim) not in self.fixed:
                continue
            found: list[IssuedToken] = []
            for value in values:
                found.extend(self.by_claim.get((issuer, claim, value), ()))
            return found
        return self.by_issuer.get(issuer, [])


def link_federation(graph: IdentityGraph, inventory: Inventory, tokens: Iterable[IssuedToken]) -> None:
    graph.register_methods(METHODS)
    federated = [
        (issuer_key(t.issuer), t) for t in inventory.trusts if t.principal_type is TrustKind.FEDERATED and t.issuer
    ]
    index = _Tokens(tokens, {issuer for issuer, _ in federated})
    denies: dict[tuple[str, str], list[Trust]] = {}
    for issuer, trust in federated:
        if trust.effect.lower() == "deny" and trust.unjudged is None:  # a deny on what a token cannot show: kept out
            denies.setdefault((trust.target_id, issuer), []).append(trust)
    for issuer, trust in federated:
        target = graph.identity(trust.target_id)
        if trust.effect.lower() != "allow" or target is None or target.enabled is False:
            continue  # a disabled identity cannot be signed in to, by federation or otherwise
        _link(graph, index, issuer, trust, denies.get((trust.target_id, issuer), []))


def entry_node(issuer: str, entry: EntryPoint) -> str:
    """One node per meaning: trusts of any cloud that admit the same outsiders share it; a broad entry (every
    holder of the issuer's tokens) is the bare ``issuer:`` node."""
    return f"issuer:{issuer}" if entry.broad else f"issuer:{issuer}#{_digest_of(entry.label)}"


def broad_entry(node: str) -> bool:
    """Whether an entry node of :func:`entry_node` admits every holder of its issuer's tokens."""
    return node.startswith("issuer:") and "#" not in node


def _shown(tests: Sequence[ClaimTest]) -> str:
    return "; ".join(t.describe() for t in tests) or "any claims"


def _link(graph: IdentityGraph, index: _Tokens, issuer: str, trust: Trust, denies: Sequence[Trust]) -> None:
    tests = trust.claims
    reason = f"{trust.description or trust.principal} admits tokens of {issuer} with {_shown(tests)}"
    if trust.unjudged:
        reason += f"; if {trust.unjudged} holds"
    conditional = trust.unjudged is not None
    holders = [
        t
        for t in index.candidates(issuer, tests)
        if t.identity_id != trust.target_id
        and graph.identity(t.identity_id) is not None
        and satisfies(tests, t)
        and not any(satisfies(deny.claims, t) for deny in denies)  # an explicit deny of its claims wins
    ]
    holders = list({t.identity_id: t for t in holders}.values())
    if len(holders) == 1:
        token = holders[0]
        _edge(graph, token.identity_id, trust.target_id, f"{_holds(graph, token)}; {reason}", conditional)
    elif holders:
        _edge(graph, _set_node(graph, issuer, tests, holders), trust.target_id, reason, conditional)
    if any(not deny.claims for deny in denies):
        return  # every token of the issuer is denied
    if _outsiders_may(issuer, tests, index.by_issuer.get(issuer, []), holders):
        entry = describe(issuer, tests)
        if entry is None:
            return
        node = entry_node(issuer, entry)
        graph.add_issuer(node, entry.label, human=entry.human)
        _edge(graph, node, trust.target_id, f"{entry.label}: {reason}", conditional)


def _outsiders_may(
    issuer: str, tests: Sequence[ClaimTest], estate: Sequence[IssuedToken], holders: list[IssuedToken]
) -> bool:
    """Whether someone outside the scanned estate may hold an admitted token: always for an issuer the estate
    does not issue from; for a public one (Google) unless the trust pins its holder to identities of the estate;
    never for a closed issuer of the estate (a scanned Entra tenant, a scanned AWS account)."""
    if not estate:
        return True
    known = family_of(issuer)
    if known is None or not known[0].public:
        return False
    pins = pinned(tests, (known[0].claim, *known[0].also))
    if not pins:
        return True
    owned = {value for token in holders for value in token.claims.values()}
    return any(value not in owned for values in pins.values() for value in values)


def _holds(graph: IdentityGraph, token: IssuedToken) -> str:
    claims = ", ".join(f"{k}={v}" for k, v in token.claims.items() if k in _WHO)
    return f"{graph.label(token.identity_id)} obtains {token.how or 'a token'} ({claims})"


def _set_node(graph: IdentityGraph, issuer: str, tests: Sequence[ClaimTest], holders: list[IssuedToken]) -> str:
    node = f"hub:federation:{issuer}#{_digest(tests)}"
    if graph.node_kind(node) is None:
        graph.add_hub(node, f"any of the {len(holders)} identities whose tokens from {issuer} carry {_shown(tests)}")
        for token in holders:
            _edge(graph, token.identity_id, node, _holds(graph, token), False, method=TOKEN)
    return node


def _edge(
    graph: IdentityGraph, source: str, target: str, reason: str, conditional: bool, *, method: str = FEDERATION
) -> None:
    graph.add_edge(
        Edge(
            source=source, target=target, kind=EdgeKind.FEDERATES, reason=reason, method=method, conditional=conditional
        )
    )


def _digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _digest(tests: Sequence[ClaimTest]) -> str:
    return _digest_of("|".join(sorted(f"{t.claim}{t.match}{t.negated}{','.join(sorted(t.values))}" for t in tests)))
