"""Values quoted in messages: never a secret, never a flood. An export may carry secret material a user did not
mean to give (a secret access key pasted into a date field, a token in a tag); a message that names the value it
could not use shows a bounded, redacted form of it, and every error line passes through :func:`redact_text`."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from functools import cache, lru_cache

#: No credential shape is shorter (a Slack token's prefix and ten characters).
_SHORTEST = 15
#: What credentials look like, by kind (key ids such as AKIA... are not secrets and stay readable).
KINDS = (
    # The whole block: up to its footer; without one, the body (whitespace, escaped newlines and base64 runs of 16
    # or more, so that prose after it stays).
    (
        "a PEM private key",
        r"-----BEGIN[A-Z ]*PRIVATE KEY-----(?:(?s:.){0,20000}?-----END[A-Z ]*PRIVATE KEY-----"
        r"|(?:\s|\\[rn]|[A-Za-z0-9+/=]{16,})*)",
    ),
    # A block's tail cut from its head (a field that kept what followed a slash): the body runs before its footer.
    (
        "a PEM private key",
        r"(?<![A-Za-z0-9+/=\s])(?:[A-Za-z0-9+/=]|\s|\\[rn])*+-----END[A-Z ]*PRIVATE KEY-----",
    ),
    # No word boundary before a prefix: a token glued to what precedes it (``xghp_...`` in a damaged date) is one.
    ("a GitHub token", r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"),
    ("a GitLab token", r"glpat-[A-Za-z0-9_-]{20,}"),
    ("a Slack token", r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    ("a Google API key", r"AIza[0-9A-Za-z_-]{30,}"),
    ("a JSON web token", r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*"),
    ("an Entra client secret", r"[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}"),
)
#: A value of exactly an AWS secret access key's shape (40 of [A-Za-z0-9/+], not a hex digest): recognised in a
#: field's whole value or an error's quoted value, not inside free text, where names of that length occur.
#: An ``=`` before it is an assignment (``AWS_SECRET_ACCESS_KEY=...``), not base64 padding (which only ends a run).
_AWS_SECRET = ("an AWS secret access key", r"(?<![A-Za-z0-9/+])(?![0-9a-fA-F]{40})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_SECRET = re.compile("|".join(f"(?:{pattern})" for _, pattern in KINDS))
#: Every shape of KINDS holds one of these: text with none of them needs no regex.
_MARKERS = (
    "-----BEGIN",
    "-----END",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "glpat-",
    "xox",
    "AIza",
    "eyJ",
    "Q~",
)
#: The same markers as six searches, by first character: over a long text (a report batch, a whole file) one
#: regex search with a literal first character runs faster than a substring test, and six beat thirteen (measured
#: on a 64 MB report: 0.44 s for the thirteen substring tests, 0.2 s for these).
_MARKED = tuple(
    re.compile(pattern)
    for pattern in ("-----(?:BEGIN|END)", "g(?:h[oprsu]_|ithub_pat_|lpat-)", "xox", "AIza", "eyJ", "Q~")
)
#: Below this length the substring tests are cheaper (a regex call has its own cost).
_LONG = 2048
_LOOSE = re.compile("|".join(f"(?:{pattern})" for _, pattern in (*KINDS, _AWS_SECRET)))
_BY_KIND = tuple((kind, re.compile(pattern)) for kind, pattern in (*KINDS, _AWS_SECRET))


def token_kind_of(text: str) -> str | None:
    """What credential ``text`` holds by one of the marked shapes (not the bare AWS secret key shape), or None: for
    any string of a file, where 40-character names abound."""
    if len(text) < _SHORTEST or not holds_marker(text) or not _SECRET.search(text):
        return None
    return next(kind for kind, pattern in _BY_KIND if pattern.search(text))


def holds_marker(text: str) -> bool:
    """Whether ``text`` holds a marker of some credential shape (the cheap test before any regex)."""
    if len(text) >= _LONG:
        return any(pattern.search(text) for pattern in _MARKED)
    return any(marker in text for marker in _MARKERS)


@cache
def _digest_key() -> bytes:
    return secrets.token_bytes(32)


def secret_digest(text: str) -> str:
    """A digest of a secret keyed by a key that never leaves this process: two places holding the same secret are
    told apart from two holding different ones, and nothing kept or printed can be checked against a guess."""
    return hmac.new(_digest_key(), text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]


def kind_of(text: str) -> str | None:
    """What credential a field's value holds, in words, or None."""
    if len(text) < _SHORTEST or not _LOOSE.search(text):
        return None
    return next(kind for kind, pattern in _BY_KIND if pattern.search(text))


#: At most this many characters of a value are quoted.
LIMIT = 40


def looks_secret(text: str) -> bool:
    return len(text) >= _SHORTEST and _LOOSE.search(text) is not None


def redact_text(text: str, *, loose: bool = False) -> str:
    """``text`` with anything credential-shaped replaced by ``[redacted]``; ``loose`` also takes a bare AWS secret
    key's shape (a 40-character run of its alphabet that is no hex digest): for a field's own value (a tag, an
    owner) or an error line, not for free text, where names and actions of that length occur."""
    if len(text) < _SHORTEST:
        return text
    if not holds_marker(text) and (not loose or len(text) < 40):
        return text  # the common case, decided by substring tests (a regex over megabytes of report is slow)
    pattern = _LOOSE if loose else _SECRET
    return pattern.sub("[redacted]", text) if pattern.search(text) else text


#: A run after a dot is part of a dotted name (``Microsoft.AwsConnector/ec2NetworkInterfaces/delete``, a GCP
#: permission), not a key pasted in.
_AWS_RUN = re.compile(r"(?<![A-Za-z0-9/+.])[A-Za-z0-9/+]{40,}")


def _random(key: str) -> bool:
    """Whether a 40-character run reads as a random key, not as words. A random key mixes cases and holds a digit
    or a ``+``, but for about one in 1,800; nearly all of those still have a dozen upper-case letters and a lower-case
    one alone between two of them (``KaB``), where 40 letters of CamelCase words have one capital per word. About one
    key in 100,000 is taken for a name (the digit rule alone let one in 1,800 through) and one 40-letter
    CamelCase name in 700 for a key (measured on names built from the bundled roles' words)."""
    if all(c in "0123456789abcdefABCDEF" for c in key):
        return False
    if not any(c.islower() for c in key) or not any(c.isupper() for c in key):
        return False
    if any(c.isdigit() or c == "+" for c in key):
        return True
    upper = sum(1 for c in key if c.isupper())
    return upper >= 12 and any(key[i].islower() and key[i - 1].isupper() and key[i + 1].isupper() for i in range(1, 39))


def aws_keys_in(text: str) -> list[str]:
    """The runs of ``text`` shaped like an AWS secret access key that also mix digits, upper and lower case (as a
    random key does; a 40-letter name of words such as an AWS managed policy's does not), alone or as segments of
    a path (``projects/<key>/buckets/x``): for the whole value of a name-like field (a Sid, a policy or service
    name, a scope, a resource path), where the bare shape alone would take real names."""
    return list(_keys_of(text)) if len(text) >= 40 else []


@lru_cache(maxsize=1 << 16)
def _keys_of(text: str) -> tuple[str, ...]:
    """(Cached: the same ids, scopes and reasons recur in thousands of findings.)"""
    found: list[str] = []
    for run in _AWS_RUN.findall(text):
        starts = [0, *(i + 1 for i, c in enumerate(run) if c == "/")]
        ends = {len(run), *(i for i, c in enumerate(run) if c == "/")}
        found += [run[i : i + 40] for i in starts if i + 40 in ends and _random(run[i : i + 40])]
    return tuple(found)


@lru_cache(maxsize=1 << 16)
def redact_name(text: str) -> str:
    """A name-like field's value with credential shapes redacted, a bare AWS secret key's among them."""
    text = redact_text(text)
    for key in aws_keys_in(text):
        text = text.replace(key, "[redacted]")
    return text


def redact_value(value: object) -> object:
    """Every string inside a JSON-like value redacted (evidence of a finding)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(v) for v in value]
    return value


def quote(value: object, limit: int = LIMIT) -> str:
    """A value for a message: repr-quoted, redacted if it looks like a credential, cut to ``limit`` characters."""
    text = str(value)
    if looks_secret(text):
        return f"[a value that looks like a secret, {len(text)} characters, not shown]"
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text):,} characters)"
    return repr(text)
