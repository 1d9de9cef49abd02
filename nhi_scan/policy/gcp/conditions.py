"""IAM conditions (a subset of CEL) decided offline where they can be: ``request.time`` comparisons are decided
against the scan time; anything else (``resource.name.startsWith``, tags, ``request.path``...) depends on the
request, so the grant holds only conditionally, which the finding says.

Three-valued like the AWS engine: TRUE, FALSE (never holds: an expired grant), UNKNOWN.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from nhi_scan.timeutil import parse_timestamp
from nhi_scan.tri import Tri

_TOKEN = re.compile(
    r"""\s*(?:(?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\))|(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<word>[A-Za-z_][\w.]*(?:\([^()]*\))?)|(?P<num>-?\d+(?:\.\d+)?))"""
)
_TIME = re.compile(r"""^request\.time$""")
_TIMESTAMP = re.compile(r"""^timestamp\(\s*["']([^"']+)["']\s*\)$""")
#: Parentheses and negations nested deeper than this are not read (UNKNOWN), so that no condition of GCP's 12,800
#: characters exhausts the stack of the recursive descent; IAM's own conditions nest a handful deep.
MAX_NESTING = 100


class _Parser:
    """Recursive descent over ``a || b``, ``a && b``, ``!a``, ``(a)`` and comparisons; unknown atoms are UNKNOWN."""

    def __init__(self, text: str, now: datetime | None) -> None:
        self.tokens = self._tokens(text)
        self.index = 0
        self.now = now
        self.depth = 0

    @staticmethod
    def _tokens(text: str) -> list[str]:
        tokens: list[str] = []
        position = 0
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                if text[position:].strip() == "":
                    break
                raise ValueError(f"cannot read the condition at {text[position : position + 20]!r}")
            tokens.append(match.group(0).strip())
            position = match.end()
        return [t for t in tokens if t]

    def _peek(self) -> str | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            raise ValueError("the condition ends too early")
        self.index += 1
        return token

    def parse(self) -> Tri:
        value = self._or()
        if self._peek() is not None:
            raise ValueError(f"unexpected {self._peek()!r} in the condition")
        return value

    def _or(self) -> Tri:
        value = self._and()
        while self._peek() == "||":
            self._take()
            value = max(value, self._and())
        return value

    def _and(self) -> Tri:
        value = self._not()
        while self._peek() == "&&":
            self._take()
            value = min(value, self._not())
        return value

    def _deeper(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise ValueError("the condition is nested too deeply to read")

    def _not(self) -> Tri:
        if self._peek() == "!":
            self._take()
            self._deeper()
            value = self._not()
            self.depth -= 1
            return {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE}.get(value, Tri.UNKNOWN)
        return self._comparison()

    def _comparison(self) -> Tri:
        if self._peek() == "(":
            self._take()
            self._deeper()
            value = self._or()
            self.depth -= 1
            if self._take() != ")":
                raise ValueError("a parenthesis is not closed")
            return value
        left = self._take()
        if self._peek() in ("==", "!=", "<", "<=", ">", ">="):
            operator = self._take()
            right = self._take()
            return self._compare(left, operator, right)
        return Tri.UNKNOWN  # a function call or a value: depends on the request

    def _compare(self, left: str, operator: str, right: str) -> Tri:
        moment = self._time(left, right)
        if moment is None:
            return Tri.UNKNOWN
        when, flipped = moment
        if self.now is None:
            return Tri.UNKNOWN
        if flipped:
            operator = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(operator, operator)
        outcome = {
            "<": self.now < when,
            "<=": self.now <= when,
            ">": self.now > when,
            ">=": self.now >= when,
            "==": self.now == when,
            "!=": self.now != when,
        }[operator]
        return Tri.of(outcome)  # exact at this instant; ``decide`` combines the instants

    @staticmethod
    def _time(left: str, right: str) -> tuple[datetime, bool] | None:
        """(timestamp, whether request.time is on the right) for ``request.time OP timestamp("...")``."""
        for time_side, value_side, flipped in ((left, right, False), (right, left, True)):
            match = _TIMESTAMP.match(value_side)
            if _TIME.match(time_side) and match:
                parsed = parse_timestamp(match.group(1))
                return (parsed, flipped) if parsed else None
        return None


#: The instant "later" is judged at: a condition false now but true then starts to hold some day.
_LATER = datetime(9999, 12, 31, tzinfo=UTC)


@lru_cache(maxsize=4096)
def decide(expression: str, now: datetime | None) -> Tri:
    """Whether a condition holds for every request now (TRUE), never now nor later (FALSE: an expired grant), or
    depending on the request or the time (UNKNOWN)."""
    try:
        if now is None:
            return max(_Parser(expression, None).parse(), Tri.UNKNOWN)
        current = _Parser(expression, now).parse()
        if current is not Tri.FALSE:
            return current
        return Tri.FALSE if _Parser(expression, _LATER).parse() is Tri.FALSE else Tri.UNKNOWN
    except ValueError:
        return Tri.UNKNOWN
