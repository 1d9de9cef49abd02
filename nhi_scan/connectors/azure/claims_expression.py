"""Flexible federated identity credentials: the claims expression Entra matches tokens against (``languageVersion``
1: terms ``claims['NAME'] OPERATOR 'VALUE'`` joined by ``and`` / ``or``; ``eq`` compares exactly, ``matches`` takes
``*`` and ``?`` wildcards), read into the neutral claim tests of a trust."""

from __future__ import annotations

import re
from dataclasses import dataclass

from nhi_scan.model import ClaimMatch, ClaimTest

_TERM = re.compile(r"claims\[\s*'(?P<claim>[^']+)'\s*\]\s+(?P<op>[a-z]+)\s+'(?P<value>[^']*)'", re.IGNORECASE)
OR = re.compile(r"'\s+or\s+claims", re.IGNORECASE)
_OPERATORS = {"eq": ClaimMatch.EQUALS, "matches": ClaimMatch.LIKE}


@dataclass(frozen=True, slots=True)
class Term:
    claim: str
    operator: str
    value: str

    @property
    def wildcard(self) -> bool:
        return self.operator.lower() == "matches" and ("*" in self.value or "?" in self.value)

    def text(self) -> str:
        return f"claims['{self.claim}'] {self.operator} '{self.value}'"


def malformed(expression: str) -> str | None:
    """Why the expression cannot be one Entra stored (it refuses them on write), or None: an unterminated quote or
    unbalanced brackets. Read on, such an expression would only be "unjudged" and its breadth would go unseen."""
    quoted = False
    depth = {"[": 0, "(": 0}
    closing = {"]": "[", ")": "("}
    for char in expression:
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char in depth:
            depth[char] += 1
        elif char in closing:
            depth[closing[char]] -= 1
            if depth[closing[char]] < 0:
                return f"a {char!r} without its opening"
    if quoted:
        return "an unterminated quote"
    if any(depth.values()):
        return "a bracket not closed"
    return None


def terms(expression: str) -> tuple[Term, ...]:
    return tuple(Term(m["claim"], m["op"], m["value"]) for m in _TERM.finditer(expression))


def claim_tests(expression: str) -> tuple[tuple[ClaimTest, ...], str | None]:
    """(tests, what is left unjudged): terms joined by ``and`` are one test each; ``or`` over one claim and one
    operator is one test with several values; anything else is left to judge (the trust is conditional)."""
    found = terms(expression)
    if not found or any(t.operator.lower() not in _OPERATORS for t in found):
        return (), f"claims expression {expression!r}"
    if OR.search(expression):
        claims = {(t.claim, t.operator.lower()) for t in found}
        if len(claims) != 1 or re.search(r"\band\b", expression, re.IGNORECASE):
            return (), f"claims expression {expression!r}"
        claim, operator = next(iter(claims))
        return (ClaimTest(claim=claim, values=tuple(t.value for t in found), match=_OPERATORS[operator]),), None
    return tuple(ClaimTest(claim=t.claim, values=(t.value,), match=_OPERATORS[t.operator.lower()]) for t in found), None
