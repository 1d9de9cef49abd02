"""IAM wildcard patterns (``*`` and ``?``) compiled once into regular expressions.

Evaluation runs millions of matches, so every distinct pattern (or alternation of patterns) is compiled once and
cached. Three flavours:

- ACTION: case-insensitive (the pattern is lowercased; callers pass lowercase actions); ``*`` spans anything.
- ARN: case-sensitive. A pattern with at least five colons is matched segment by segment, as AWS does: in the
  first five segments (``arn:partition:service:region:account``) a wildcard never crosses a ``:``; in the
  resource part (everything after the fifth colon) it matches anything. Other patterns (``*``, short
  ``arn:aws:iam::*``) are plain globs where ``*`` spans anything.
- STRING: case-sensitive plain glob (``StringLike``).

A pattern may be given as *segments*: ``(text, literal)`` pairs, where literal text (e.g. the value substituted
for a policy variable, or ``${*}``) keeps its ``*``/``?`` as ordinary characters.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache

Segments = tuple[tuple[str, bool], ...]

_ARN_FIXED_SEGMENTS = 5


class Kind(enum.Enum):
    ACTION = "action"
    ARN = "arn"
    STRING = "string"


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def segments_of(pattern: str) -> Segments:
    """A whole pattern whose ``*``/``?`` are wildcards."""
    return ((pattern, False),)


def segments_text(segments: Segments) -> str:
    """The pattern written back as text (literal wildcards are not distinguishable here)."""
    return "".join(text for text, _ in segments)


def segments_literal(segments: Segments) -> bool:
    """True when the pattern has no wildcard at all (an exact value)."""
    return all(literal or not has_wildcard(text) for text, literal in segments)


def regex_source(segments: Segments, kind: Kind) -> str:
    """Regex source (without anchors) for a pattern, following the rules of ``kind``."""
    if kind is Kind.ACTION:
        segments = tuple((text.lower(), literal) for text, literal in segments)
    colons = sum(text.count(":") for text, _ in segments)
    segmented = kind is Kind.ARN and colons >= _ARN_FIXED_SEGMENTS
    seen = 0
    out: list[str] = []
    for text, literal in segments:
        for char in text:
            fixed = segmented and seen < _ARN_FIXED_SEGMENTS
            if char == ":":
                seen += 1
                out.append(":")
            elif literal or char not in "*?":
                out.append(re.escape(char))
            elif char == "*":
                out.append("[^:]*" if fixed else ".*")
            else:
                out.append("[^:]" if fixed else ".")
    return "".join(out)


@lru_cache(maxsize=65536)
def compile_segments(segments: Segments, kind: Kind) -> re.Pattern[str]:
    """Compile one pattern given as segments; use ``fullmatch`` on the result."""
    return re.compile(regex_source(segments, kind), re.DOTALL)


def compile_glob(pattern: str, kind: Kind) -> re.Pattern[str]:
    """Compile one plain pattern; use ``fullmatch`` on the result."""
    return compile_segments(segments_of(pattern), kind)


@lru_cache(maxsize=16384)
def compile_alternation(patterns: tuple[Segments, ...], kind: Kind) -> re.Pattern[str]:
    """One regex matching any of several patterns, so a target is tested once, not once per pattern."""
    if not patterns:
        return re.compile(r"(?!)")
    source = "|".join(f"(?:{regex_source(p, kind)})" for p in patterns)
    return re.compile(source, re.DOTALL)


def match_action(pattern: str, action: str) -> bool:
    """Case-insensitive IAM action match (``iam:Create*`` matches ``IAM:CreateUser``)."""
    return compile_glob(pattern, Kind.ACTION).fullmatch(action.lower()) is not None


def match_arn(pattern: str, arn: str) -> bool:
    """Case-sensitive ARN match with per-segment wildcards."""
    return compile_glob(pattern, Kind.ARN).fullmatch(arn) is not None
