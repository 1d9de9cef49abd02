"""Text an export held, made harmless for a human reader: control characters (a terminal escape that clears the
screen or renames the window, a carriage return that overwrites a line) and bidirectional overrides (which make
``gnp.exe`` read as ``exe.png``) are shown as their escapes (``\\x1b``, ``\\u202e``), never passed through raw.
Newlines and tabs stay (report text uses them); JSON keeps values exact (its encoder escapes them already).
Anything shaped like a credential is redacted in every format."""

from __future__ import annotations

import re

from rich.markup import escape as _markup_escape

from nhi_scan.redact import redact_text

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Control characters shown as escapes, credential-shaped values (a token kept in a tag) redacted."""
    text = redact_text(text)
    return _UNSAFE.sub(_shown, text) if _UNSAFE.search(text) else text


def escape(text: str) -> str:
    """For rich output: markup escaped and control characters shown."""
    return _markup_escape(visible(text))
