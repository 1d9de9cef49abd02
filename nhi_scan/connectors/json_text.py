"""Decode an export's JSON text strictly: what a provider never writes (NaN, Infinity, a number past float range,
nesting past Python's stack, an integer of thousands of digits) is an error naming the line, and a key given twice
with different values is read as the last one (as every JSON reader does) but said, with the path to it.

Duplicate keys are found by an ``object_pairs_hook`` that costs about a third more than plain ``json.loads`` on
the decode alone (22 ms on a 17.5 MB authorization-details export, of a 5-8 s scan).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.errors import InputError

_NON_FINITE = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")
#: An escaped control or bidirectional-override character (``\u001b``, ``\u202e``, ``\b``): one search with a
#: literal first character (18 ms on 24 MB of JSON); raw ones (C1 controls, overrides) only in non-ASCII text.
_ESCAPED_CONTROL = re.compile(r"\\(?:u00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|u20(?:2[a-eA-E]|6[6-9])|[bf])")
_RAW_CONTROL = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: What no cloud writes in a name, an id or a date (tab, newline and carriage return are left to descriptions).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: At most this many fields of a file are named; the rest are counted.
_NAMED_CONTROLS = 10
_BIG_EXPONENT = re.compile(r"(?<![\w\"])-?\d+(?:\.\d+)?[eE][+-]?\d{3,}")


class _Refused(ValueError):
    def __init__(self, what: str, pattern: re.Pattern[str]) -> None:
        super().__init__(what)
        self.what = what
        self.pattern = pattern


def _constant(name: str) -> object:
    raise _Refused(f"{name} is not a JSON number", _NON_FINITE)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused("a number past the range of a double", _BIG_EXPONENT)
    return value


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def decode(source: str, text: str, *, where: str = "", line: int | None = None) -> Any:
    """The JSON value of ``text`` (one file, or one line of a newline-delimited export at ``line``).

    Raises :class:`InputError` naming the line for what a provider never writes; duplicate keys with different
    values become notes (:mod:`nhi_scan.connectors.unreadable`) naming the path, prefixed by ``where``.
    """
    duplicated: dict[int, list[str]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(items)
        if len(result) != len(items):
            differing = [key for key, value in items if result[key] is not value and result[key] != value]
            if differing:
                duplicated[id(result)] = sorted(set(differing))
        return result

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=_constant, parse_float=_float)
    except _Refused as exc:
        found = _line_of(text, exc.pattern)
        at = line if line is not None else found
        raise InputError(source, f"invalid JSON: {exc.what}", line=at) from None
    except RecursionError:
        raise InputError(source, "invalid JSON: nested too deeply to read", line=line) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # an integer of more digits than Python converts
        detail = str(exc).split(";")[0][:80]
        raise InputError(source, f"invalid JSON: {detail}", line=line) from None
    if _ESCAPED_CONTROL.search(text) or (not text.isascii() and _RAW_CONTROL.search(text)):
        _said_controls(source, value, where)
    if duplicated:
        for path, keys in _paths(value, duplicated, where):
            for key in keys:
                field = f"{path}.{key}" if path else key
                note_unreadable(source, field, "key given more than once with different values: the last one is read")
    return value


def _paths(value: Any, marked: dict[int, list[str]], root: str) -> list[tuple[str, list[str]]]:
    """(path, keys) of each object marked as holding duplicate keys, found by walking the decoded value."""
    found: list[tuple[str, list[str]]] = []
    stack: list[tuple[Any, str]] = [(value, root)]
    while stack and len(found) < len(marked):
        node, path = stack.pop()
        if isinstance(node, dict):
            if id(node) in marked:
                found.append((path, marked[id(node)]))
            stack.extend((child, f"{path}.{key}" if path else str(key)) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(node))
    return sorted(found)


def _said_controls(source: str, value: Any, root: str) -> None:
    """Name the fields holding control or bidirectional-override characters: no cloud writes them, a value holding
    one is no longer the name or id it was (and would spoof a terminal), so what it changes is not unsaid. The
    value is still read; every report escapes it."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, root)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if _CONTROL.search(node):
                found.append(path)
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                if _CONTROL.search(key):
                    found.append(child_path)
                stack.append((child, child_path))
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(node))
    found.sort()
    for path in found[:_NAMED_CONTROLS]:
        shown = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", path)  # a key may hold one too
        note_unreadable(source, shown or None, "holds control or bidirectional characters no export writes: read as is")
    if len(found) > _NAMED_CONTROLS:
        more = len(found) - _NAMED_CONTROLS
        note_unreadable(source, None, f"{more} more fields hold control or bidirectional characters: read as is")
