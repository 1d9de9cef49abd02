"""Split an AWS role trust policy into one Trust record per principal of each statement."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import ClaimMatch, ClaimTest, Trust, TrustKind

_TYPES = {"AWS": TrustKind.PRINCIPAL, "Service": TrustKind.SERVICE, "Federated": TrustKind.FEDERATED}
#: Condition operators that pin a claim to exact values (a pattern or a negation pins nothing exactly).
_EXACT = ("stringequals", "forallvalues:stringequals", "forAnyValue:stringequals".lower())


def _as_list(value: object) -> list[str]:
    """A string or an array as strings. IAM takes numbers and booleans as condition values and compares them as
    text (``true``, ``7``): read as nothing, ``"aud": 7`` would become a condition no token could meet."""
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, (str, bool, int, float)):
        return [_text(value)]
    return []


def _text(value: object) -> str:
    """A condition value as IAM compares it: JSON's spelling of a boolean (``true``), a number as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement")
    if isinstance(raw, dict):
        return [raw]
    if isinstance(raw, list):
        return [s for s in raw if isinstance(s, dict)]
    return []


def trusts_from_document(role_arn: str, document: Mapping[str, Any]) -> Iterator[Trust]:
    for index, statement in enumerate(statements(document)):
        effect = str(statement.get("Effect", "Allow"))
        actions = tuple(_as_list(statement.get("Action")))
        conditions = statement.get("Condition")
        conditions = conditions if isinstance(conditions, dict) else {}
        principal = statement.get("Principal")
        if principal == "*":
            yield Trust(
                target_id=role_arn,
                principal_type=TrustKind.ANY,
                principal="*",
                actions=actions,
                conditions=conditions,
                provider=AWS,
                effect=effect,
                statement_index=index,
            )
            continue
        if not isinstance(principal, dict):
            continue
        for key, values in principal.items():
            kind = _TYPES.get(key, TrustKind.OTHER)
            for value in _as_list(values):
                issuer = _issuer(value) if kind is TrustKind.FEDERATED else None
                if issuer and not _usable(role_arn, value):
                    issuer = None  # an OIDC provider of another account: AWS accepts only the role's own account's
                if issuer and not _federating(actions, saml=":saml-provider/" in value):
                    issuer = None  # the statement allows no web-identity / SAML sign-in (sts:TagSession alone...)
                tests, unjudged = (
                    _claims(issuer, conditions) if issuer and ":saml-provider/" not in value else ((), None)
                )
                yield Trust(
                    target_id=role_arn,
                    principal_type=TrustKind.ANY if value == "*" and kind is TrustKind.PRINCIPAL else kind,
                    principal=value,
                    actions=actions,
                    conditions=conditions,
                    provider=AWS,
                    effect=effect,
                    statement_index=index,
                    issuer=issuer,
                    subjects=_pinned(conditions, f"{issuer}:sub") if issuer else (),
                    audiences=_pinned(conditions, f"{issuer}:aud") if issuer else (),
                    claims=tests,
                    unjudged=unjudged,
                    description=f"trust policy statement {index} of role {role_arn.rsplit('/', 1)[-1]}",
                )


def _issuer(principal: str) -> str:
    """The OIDC issuer (host and path) of a web identity provider ARN, or the principal itself (a SAML provider
    ARN; ``cognito-identity.amazonaws.com``; ``accounts.google.com``)."""
    return principal.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in principal else principal


#: Condition operators on a claim, as the neutral claim tests read them (value: (match, negated)).
_OPERATORS = {
    "stringequals": (ClaimMatch.EQUALS, False),
    "stringlike": (ClaimMatch.LIKE, False),
    "stringnotequals": (ClaimMatch.EQUALS, True),
    "stringnotlike": (ClaimMatch.LIKE, True),
}
#: Condition keys of Google that name another claim than their suffix: AWS matches ``accounts.google.com:aud``
#: against the token's authorised party (``azp``, a service account's unique id) and ``:oaud`` against ``aud``.
_RENAMED = {"accounts.google.com": {"aud": "azp", "oaud": "aud"}}


def _federating(actions: tuple[str, ...], *, saml: bool) -> bool:
    """Whether the statement's actions include the sign-in federation needs (wildcards as IAM reads them)."""
    wanted = "sts:assumerolewithsaml" if saml else "sts:assumerolewithwebidentity"
    return any(fnmatch.fnmatchcase(wanted, action.lower()) for action in actions)


def _usable(role_arn: str, provider_arn: str) -> bool:
    """A web-identity trust works only with an OIDC provider registered in the role's own account."""
    if ":oidc-provider/" not in provider_arn:
        return True
    role_account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else ""
    provider_account = provider_arn.split(":")[4] if provider_arn.count(":") >= 5 else ""
    return not role_account or not provider_account or role_account == provider_account


def _claims(issuer: str, conditions: Mapping[str, Any]) -> tuple[tuple[ClaimTest, ...], str | None]:
    """The statement's conditions on the issuer's claims as neutral tests, and the conditions left to judge."""
    tests: list[ClaimTest] = []
    left: list[str] = []
    prefix = f"{issuer.lower()}:"
    renamed = _RENAMED.get(issuer.lower(), {})
    for operator, block in conditions.items():
        if not isinstance(block, Mapping):
            continue
        name = str(operator).lower()
        quantifier, _, bare = name.rpartition(":")
        known = _OPERATORS.get(bare)
        for key, values in block.items():
            lowered = str(key).lower()
            if known is None or quantifier not in ("", "forallvalues", "foranyvalue") or not lowered.startswith(prefix):
                left.append(f"{operator} {key}")
                continue
            claim = lowered[len(prefix) :]
            match, negated = known
            tests.append(
                ClaimTest(claim=renamed.get(claim, claim), values=tuple(_as_list(values)), match=match, negated=negated)
            )
    return tuple(tests), ("conditions " + ", ".join(left)) if left else None


def _pinned(conditions: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """Values a claim must equal exactly under the statement's conditions (empty: not pinned exactly)."""
    found: list[str] = []
    wanted = key.lower()
    for operator, block in conditions.items():
        if str(operator).lower() not in _EXACT or not isinstance(block, Mapping):
            continue
        for name, values in block.items():
            if str(name).lower() == wanted:
                found.extend(_as_list(values))
    return tuple(dict.fromkeys(found))
