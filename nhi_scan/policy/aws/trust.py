"""Role trust policies: may principal P assume this role, and which outside parties does it trust?

Rules for ``can_assume`` (an IAM user or role calling ``sts:AssumeRole`` on a role):

- A trust statement counts when one of its actions matches (wildcards allowed), its principal matches the caller
  and its Condition is not FALSE (evaluated with the caller's context; ``sts:ExternalId`` and other request keys
  are unknown offline -> CONDITIONAL). Principal forms: the caller's exact ARN ("named"); ``*`` ("anyone"); a
  role-session ARN of the caller's role (named, but only for that session -> UNKNOWN); the caller's account root
  ``arn:aws:iam::ACCT:root`` or bare ``ACCT`` ("account": delegates to the caller's identity policy).
  Service, federated and other (CanonicalUser) principals never match an IAM caller (see ``trusted_parties``).
- Same account, named or anyone: the trust policy is enough by itself; the caller's SCPs must still allow, and
  for a role caller its permissions boundary too (a resource policy cannot lift a role's boundary).
- Account principal, or any cross-account call: the caller's identity policy must also allow ``sts:AssumeRole``
  on the role ARN (full evaluation: identity AND boundary AND SCP levels).
- A Deny in the trust policy that matches the caller, or in any of the caller's policies, denies (or makes the
  result CONDITIONAL when its condition is unknown). The result is ALLOW / CONDITIONAL / DENY / IMPLICIT_DENY.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nhi_scan.model import Trust, TrustKind
from nhi_scan.policy.aws.cache import PolicyCache
from nhi_scan.policy.aws.conditions import evaluate_conditions
from nhi_scan.policy.aws.context import RequestContext, account_of
from nhi_scan.policy.aws.evaluate import Evaluation, LayerKind
from nhi_scan.policy.aws.patterns import match_action
from nhi_scan.policy.aws.permissions import PrincipalPermissions
from nhi_scan.policy.aws.tri import Decision, Tri, decide

ASSUME_ROLE = "sts:AssumeRole"
_ACCOUNT_ID = re.compile(r"\d{12}")
_WEB_IDENTITY_ACTION = "sts:assumerolewithwebidentity"
_SAML_ACTION = "sts:assumerolewithsaml"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustedParties:
    """Who an Allow trust statement names, by kind (values as written in the policy)."""

    anyone: tuple[Trust, ...] = ()
    accounts: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    web_identity: tuple[str, ...] = ()
    saml: tuple[str, ...] = ()
    #: Principals of other kinds (CanonicalUser...): they never match an IAM caller.
    others: tuple[str, ...] = ()


def _is_account(principal: str) -> bool:
    return _ACCOUNT_ID.fullmatch(principal) is not None or (
        principal.startswith("arn:") and principal.endswith(":root")
    )


def _principal_account(principal: str) -> str | None:
    return principal if _ACCOUNT_ID.fullmatch(principal) else account_of(principal)


def trusted_parties(trusts: Iterable[Trust]) -> TrustedParties:
    """Sort the Allow statements of a trust policy by whom they trust (for hygiene checks and reports)."""
    found: dict[str, list[str]] = {
        k: [] for k in ("accounts", "principals", "services", "web_identity", "saml", "others")
    }
    anyone: list[Trust] = []
    for trust in trusts:
        if trust.effect != "Allow":
            continue
        kind, value = trust.principal_type, trust.principal
        actions = {a.lower() for a in trust.actions}
        if kind == TrustKind.ANY or (kind == TrustKind.PRINCIPAL and value == "*"):
            anyone.append(trust)
        elif kind == TrustKind.PRINCIPAL and _is_account(value):
            found["accounts"].append(_principal_account(value) or value)
        elif kind == TrustKind.PRINCIPAL:
            found["principals"].append(value)
        elif kind == TrustKind.SERVICE:
            found["services"].append(value)
        elif kind == TrustKind.FEDERATED:
            saml = ":saml-provider/" in value or _SAML_ACTION in actions
            found["saml" if saml else "web_identity"].append(value)
        elif kind == TrustKind.OTHER:
            found["others"].append(value)
    return TrustedParties(anyone=tuple(anyone), **{k: tuple(dict.fromkeys(v)) for k, v in found.items()})


@dataclass(frozen=True, slots=True, kw_only=True)
class AssumeEvaluation:
    """Whether a caller may assume a role, and why."""

    decision: Decision
    role_arn: str
    caller_arn: str | None
    same_account: bool
    #: Trust statements (Allow) naming the caller, its account or anyone, whose conditions are not FALSE.
    trusted_by: tuple[Trust, ...]
    denied_by: tuple[Trust, ...]
    #: True when the caller's identity policy had to allow sts:AssumeRole (account principal or cross-account).
    needs_identity_policy: bool
    identity: Evaluation
    unknown_keys: tuple[str, ...] = ()

    def reason(self) -> str:
        names = ", ".join(f"statement {t.statement_index} ({t.principal})" for t in self.trusted_by) or "nothing"
        text = f"trust policy of {self.role_arn} trusts {self.caller_arn} via {names}"
        if self.needs_identity_policy:
            text += f"; caller: {self.identity.reason()}"
        if self.unknown_keys:
            text += f"; if {', '.join(self.unknown_keys)}"
        return text


def _match_principal(trust: Trust, caller_arn: str | None, caller_account: str | None) -> tuple[Tri, str]:
    """(match, kind) with kind "named", "anyone" or "account"."""
    kind, value = trust.principal_type, trust.principal
    if kind == TrustKind.ANY or (kind == TrustKind.PRINCIPAL and value == "*"):
        return Tri.TRUE, "anyone"
    if kind != TrustKind.PRINCIPAL:
        return Tri.FALSE, ""
    if _is_account(value):
        account = _principal_account(value)
        return Tri.of(account is not None and account == caller_account), "account"
    if caller_arn and value == caller_arn:
        return Tri.TRUE, "named"
    if caller_arn and value.startswith("arn:") and ":assumed-role/" in value and ":role/" in caller_arn:
        role_name = value.split(":assumed-role/", 1)[1].split("/", 1)[0]
        same = account_of(value) == caller_account and caller_arn.rsplit("/", 1)[-1] == role_name
        return (Tri.UNKNOWN if same else Tri.FALSE), "named"
    return Tri.FALSE, ""


def can_assume(
    trusts: Iterable[Trust],
    caller: PrincipalPermissions,
    *,
    role_arn: str | None = None,
    action: str = ASSUME_ROLE,
    context: RequestContext | None = None,
    cache: PolicyCache | None = None,
) -> AssumeEvaluation:
    """Decide whether ``caller`` may call ``action`` on the role; see the module docstring for the rules.

    ``trusts`` are the role's Trust records (others, for a different ``target_id``, are ignored when
    ``role_arn`` is given). Pass the scan's ``PolicyCache`` to compile each trust condition once.
    """
    trust_list = list(trusts)
    target = role_arn or (trust_list[0].target_id if trust_list else "")
    trust_list = [t for t in trust_list if t.target_id == target]
    ctx = context or caller.context
    caller_arn, caller_account = ctx.principal_arn, ctx.account
    cache = cache or PolicyCache()
    named = account = denied = Tri.FALSE
    trusted_by: list[Trust] = []
    denied_by: list[Trust] = []
    unknown: list[str] = []
    for trust in trust_list:
        if not any(match_action(pattern, action) for pattern in trust.actions):
            continue
        matched, kind = _match_principal(trust, caller_arn, caller_account)
        if matched is Tri.FALSE:
            continue
        condition, keys = evaluate_conditions(cache.trust_conditions(trust)[0], ctx)
        outcome = min(matched, condition)
        if outcome is Tri.FALSE:
            continue
        unknown.extend(keys)
        if trust.effect == "Deny":
            denied = max(denied, outcome)
            denied_by.append(trust)
        elif trust.effect == "Allow":
            trusted_by.append(trust)
            if kind == "account":
                account = max(account, outcome)
            else:
                named = max(named, outcome)
    identity = caller.allows(action, target, ctx)
    role_account = account_of(target)
    same_account = caller_account is not None and caller_account == role_account
    scps = min(identity.scp_levels, default=Tri.TRUE)
    boundary = min(identity.boundaries, default=Tri.TRUE)
    caller_is_role = caller_arn is not None and ":role/" in caller_arn
    by_trust_alone = min(named, scps, boundary if caller_is_role else Tri.TRUE) if same_account else Tri.FALSE
    with_identity = min(max(named, account), identity.identity, boundary, scps)
    allowed = max(by_trust_alone, with_identity)
    needs_identity = by_trust_alone is Tri.FALSE
    relevant = [m for m in identity.matches if needs_identity or not m.allow or m.layer is not LayerKind.IDENTITY]
    unknown.extend(k for m in relevant if m.outcome is Tri.UNKNOWN for k in m.unknown_keys)
    return AssumeEvaluation(
        decision=decide(allowed, max(denied, identity.denied)),
        role_arn=target,
        caller_arn=caller_arn,
        same_account=same_account,
        trusted_by=tuple(trusted_by),
        denied_by=tuple(denied_by),
        needs_identity_policy=needs_identity,
        identity=identity,
        unknown_keys=tuple(dict.fromkeys(unknown)),
    )
