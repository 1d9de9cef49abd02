"""Values quoted in messages: never a secret, never a flood. An export may carry secret material a user did not
mean to give (a secret access key pasted into a date field, a token in a tag); a message that names the value it
could not use shows a bounded, redacted form of it, and every error line passes through :func:`redact_text`."""

from __future__ import annotations

import re

#: What credentials look like (key ids such as AKIA... are not secrets and stay readable).
_SECRET = re.compile(
    r"-----BEGIN[A-Z ]*PRIVATE KEY-----"
    r"|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}"
    r"|\bgithub_pat_[A-Za-z0-9_]{20,}"
    r"|\bxox[abprs]-[A-Za-z0-9-]{10,}"
    r"|\bAIza[0-9A-Za-z_-]{30,}"
    r"|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*"
    r"|\bglpat-[A-Za-z0-9_-]{20,}"
    r"|(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"  # an AWS secret access key's shape
    r"|[A-Za-z0-9_~.-]{3}Q~[A-Za-z0-9_~.-]{31,34}"  # an Entra client secret
)
#: At most this many characters of a value are quoted.
LIMIT = 40


def looks_secret(text: str) -> bool:
    return _SECRET.search(text) is not None


def redact_text(text: str) -> str:
    """``text`` with anything credential-shaped replaced by ``[redacted]``."""
    return _SECRET.sub("[redacted]", text) if _SECRET.search(text) else text


def quote(value: object, limit: int = LIMIT) -> str:
    """A value for a message: repr-quoted, redacted if it looks like a credential, cut to ``limit`` characters."""
    text = str(value)
    if looks_secret(text):
        return f"[a value that looks like a secret, {len(text)} characters, not shown]"
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text):,} characters)"
    return repr(text)
