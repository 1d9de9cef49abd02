"""Workload identity federation bindings as neutral trusts: a ``principal://`` / ``principalSet://`` member of a
service account's policy admits the tokens of each provider of its pool whose mapped attributes give that member
(``subject/S``: ``google.subject`` = S; ``attribute.A/V``: ``attribute.A`` = V; ``*``: any token of the pool), and
which pass the provider's ``attributeCondition``. Attributes mapped straight from a claim (``assertion.sub``)
become claim tests; a CEL expression this reader does not follow is left to judge (the trust is conditional)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.records import PoolProviderRecord
from nhi_scan.model import ClaimMatch, ClaimTest, Trust, TrustKind

#: Google's documented default mapping of ``attribute.aws_role`` for AWS providers: the caller's ARN with an
#: assumed role's session name cut off (the ``aws_role`` claim of connectors/aws/tokens.py).
_AWS_ROLE_EXPRESSION = (
    "assertion.arn.contains('assumed-role') ? assertion.arn.extract('{account_arn}assumed-role/') + 'assumed-role/' "
    "+ assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn"
)
_AWS_ROLE_DEFAULT = re.sub(r"\s+", "", _AWS_ROLE_EXPRESSION)
#: The mapping GCP applies to an AWS provider that names none.
_AWS_DEFAULT = {
    "google.subject": "assertion.arn",
    "attribute.aws_role": _AWS_ROLE_EXPRESSION,
    "attribute.aws_account": "assertion.account",
}
_CLAIM = re.compile(r"^\s*assertion\.([A-Za-z_][A-Za-z0-9_]*)\s*$|^\s*assertion\[\s*'([^']+)'\s*\]\s*$")
_TERM = re.compile(
    r"^\s*(?P<left>(?:assertion|attribute)\.[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"(?:(?P<op>==|!=)\s*(?P<quote>['\"])(?P<value>[^'\"]*)(?P=quote)|\.startsWith\(\s*(?P<q2>['\"])(?P<prefix>[^'\"]*)(?P=q2)\s*\))\s*$"
)


def issuer_of(provider: PoolProviderRecord) -> str | None:
    if provider.aws_account:
        return f"aws-account/{provider.aws_account}"
    if provider.issuer:
        return re.sub(r"^https?://", "", provider.issuer).rstrip("/")
    return None


def federated_trusts(
    member: str,
    selector: str,
    role: str,
    target: str,
    pool: str,
    providers: Sequence[PoolProviderRecord],
    *,
    unjudged: str | None = None,
) -> list[Trust]:
    """One trust per enabled provider of the pool (a member admitted by none of them is still listed, issuerless,
    so the binding is not lost)."""
    exact = member.startswith("principal://") and selector.startswith("subject/")
    binding = Trust(
        target_id=target,
        principal_type=TrustKind.FEDERATED,
        principal=member,
        actions=(role,),
        conditions={"pool": pool, "selector": selector},
        provider=GCP,
        subjects=(selector.split("/", 1)[1],) if exact else (),
    )
    short = member.split("/workloadIdentityPools/", 1)[-1]
    found = []
    for provider in providers:
        if provider.disabled:
            continue
        mapping = dict(provider.attribute_mapping) or (_AWS_DEFAULT if provider.aws_account else {})
        tests, left = _member_tests(selector, mapping)
        condition_tests, condition_left = _condition(provider.attribute_condition, mapping)
        audiences = provider.allowed_audiences or (f"//iam.googleapis.com/{provider.name}",)
        found.append(
            replace(
                binding,
                conditions={**binding.conditions, "provider": provider.name},
                issuer=issuer_of(provider),
                claims=(
                    *tests,
                    *condition_tests,
                    *(() if provider.aws_account else (ClaimTest(claim="aud", values=audiences),)),
                ),
                unjudged="; ".join(x for x in (unjudged, left, condition_left) if x) or None,
                description=(
                    (
                        f"the roles bound to {short}"
                        if target == member
                        else f"{role} on the service account for {short}"
                    )
                    + f" (provider {provider.name.rsplit('/', 1)[-1]})"
                ),
            )
        )
    return found or [binding]


def _claim_of(attribute: str, mapping: Mapping[str, str]) -> str | None:
    expression = mapping.get(attribute)
    if expression is None:
        return None
    if re.sub(r"\s+", "", expression).replace('"', "'") == _AWS_ROLE_DEFAULT:
        return "aws_role"
    match = _CLAIM.match(expression)
    return (match.group(1) or match.group(2)) if match else None


def _unwrap(text: str) -> str:
    """``(x == 'a')`` -> ``x == 'a'``: outer parentheses that enclose the whole term, never a call's own."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for position, char in enumerate(text):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0 and position < len(text) - 1:
                return text  # the first parenthesis closes before the end: not one outer pair
        text = text[1:-1].strip()
    return text


def _member_tests(selector: str, mapping: Mapping[str, str]) -> tuple[tuple[ClaimTest, ...], str | None]:
    if selector == "*":
        return (), None
    kind, _, value = selector.partition("/")
    attribute = "google.subject" if kind == "subject" else kind if kind.startswith("attribute.") else None
    if attribute is None:
        return (), f"the token maps to {selector}"
    claim = _claim_of(attribute, mapping)
    if claim is None:
        return (), f"{attribute} (mapped as {mapping.get(attribute, 'nothing')!r}) is {value}"
    return (ClaimTest(claim=claim, values=(value,)),), None


def _condition(condition: str | None, mapping: Mapping[str, str]) -> tuple[tuple[ClaimTest, ...], str | None]:
    """``&&`` of ``x == 'v'``, ``x != 'v'`` and ``x.startsWith('v')`` over claims or mapped attributes."""
    if not condition:
        return (), None
    tests: list[ClaimTest] = []
    for part in condition.split("&&"):
        term = _TERM.match(_unwrap(part))
        if term is None or "||" in part:
            return (), f"attributeCondition {condition!r}"
        left = term["left"]
        claim = left.split(".", 1)[1] if left.startswith("assertion.") else _claim_of(left, mapping)
        if claim is None:
            return (), f"attributeCondition {condition!r}"
        if term["prefix"] is not None:
            tests.append(ClaimTest(claim=claim, values=(term["prefix"],), match=ClaimMatch.PREFIX))
        else:
            tests.append(ClaimTest(claim=claim, values=(term["value"],), negated=term["op"] == "!="))
    return tuple(tests), None
