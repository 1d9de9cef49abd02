"""Whether a token an identity can obtain satisfies a trust's claim tests, in the token's own claim names."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from nhi_scan.model import ClaimMatch, ClaimTest, IssuedToken


def issuer_key(issuer: str) -> str:
    """One spelling per issuer: no scheme, no trailing slash, host in lower case (``sts.windows.net/T``)."""
    text = issuer.strip()
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    text = text.rstrip("/")
    host, slash, path = text.partition("/")
    return host.lower() + slash + path


@lru_cache(maxsize=4096)
def _like(pattern: str) -> re.Pattern[str]:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, re.DOTALL)


def _compares(value: str, wanted: str, match: ClaimMatch) -> bool:
    if match is ClaimMatch.EQUALS:
        return value == wanted
    if match is ClaimMatch.PREFIX:
        return value.startswith(wanted)
    return _like(wanted).fullmatch(value) is not None


def _prefix_may_match(prefix: str, wanted: str, match: ClaimMatch) -> bool:
    """Whether some value ``prefix + chosen`` passes (the holder picks the end, as an AWS session name)."""
    if match is ClaimMatch.EQUALS:
        return wanted.startswith(prefix) and len(wanted) > len(prefix)
    if match is ClaimMatch.PREFIX:
        return wanted.startswith(prefix) or prefix.startswith(wanted)
    literal = re.split(r"[*?]", wanted, maxsplit=1)[0]
    return prefix.startswith(literal) or literal.startswith(prefix)


def passes(test: ClaimTest, token: IssuedToken) -> bool:
    choices = token.choices.get(test.claim)
    if choices is not None:  # the holder picks one of these: one that passes, if there is one
        if test.negated:
            return any(not any(_compares(c, v, test.match) for v in test.values) for c in choices)
        return any(_compares(c, v, test.match) for c in choices for v in test.values)
    if test.claim in token.chosen:
        return True  # the holder asks for a value that passes (or one the negation does not name)
    prefix = token.prefixed.get(test.claim)
    if prefix is not None:
        found = any(_prefix_may_match(prefix, v, test.match) for v in test.values)
        return found or test.negated
    value = token.claims.get(test.claim)
    if value is None:
        return test.negated  # a token without the claim fails a positive test and passes a negated one
    found = any(_compares(value, v, test.match) for v in test.values)
    return found != test.negated


def satisfies(tests: Iterable[ClaimTest], token: IssuedToken) -> bool:
    return all(passes(test, token) for test in tests)


def pinned(tests: Iterable[ClaimTest], claims: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Exact values the tests require of ``claims`` (a positive equality test): who the trust names."""
    wanted = set(claims)
    found: dict[str, tuple[str, ...]] = {}
    for test in tests:
        if test.claim in wanted and test.match is ClaimMatch.EQUALS and not test.negated:
            found[test.claim] = test.values
    return found
