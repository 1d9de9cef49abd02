"""How a role's trust of a whole account applies to every caller of one kind (users with keys, role sessions)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from nhi_scan.escalation.aws.decisions import rank
from nhi_scan.model import Trust, TrustKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.conditions import evaluate_conditions
from nhi_scan.policy.aws.context import RequestContext
from nhi_scan.policy.aws.tri import Decision, Tri


def principal_account(principal: str) -> str:
    """Account id of an ARN or of a bare 12-digit account principal."""
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


def shared_account_trust(
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
        names_account = trust.principal_type == TrustKind.ANY or (
            trust.principal_type == TrustKind.PRINCIPAL
            and principal_account(trust.principal) == account
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
