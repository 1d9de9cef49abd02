"""Secret material an input file holds: each cloud's declared shapes (``ProviderPlugin.secret_shapes``), a PEM
private key block anywhere, and, in files no cloud recognises, any token shape ``redact`` knows. What is kept is the
place (file, JSON path or line) and what the value looks like, never the value.

A file is first tested with substring searches on its raw text (a field's quoted key, a shape's marker): the JSON
value is walked only when one of them is there, so the exports of a large estate cost a few memchr-speed passes.
A recognised file is searched for PEM blocks and its own cloud's shapes that its listings can carry
(``SecretField.listed``) only (tags and descriptions, the other places a token turns up in a recognised file, are
judged on the parsed identities by ``secret-in-export``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from nhi_scan.connectors.secret_shapes import PEM_PRIVATE_KEY, SecretField, SecretLine
from nhi_scan.model import Provider, SecretAtRest
from nhi_scan.redact import holds_marker, looks_secret, secret_digest, token_kind_of

#: Records kept per file at most (a file of thousands of secrets says so in the first ones).
MAX_PER_FILE = 200
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PEM = re.compile(PEM_PRIVATE_KEY.pattern)
_PEM_MARKER = PEM_PRIVATE_KEY.markers[0]
_OWNER_LIMIT = 200
#: A newline-delimited export is searched this many bytes at a time (bounded memory whatever its size).
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Declared:
    provider: Provider
    field: SecretField


def _shapes(provider: Provider | None) -> list[tuple[Provider, SecretField | SecretLine]]:
    """Every cloud's declared shapes (``provider``'s only, when a cloud recognised the file), with their cloud."""
    from nhi_scan.providers import all_providers

    found: list[tuple[Provider, SecretField | SecretLine]] = []
    for plugin in all_providers():
        if provider is None or plugin.id == provider:
            shapes = plugin.secret_shapes
            found.extend((plugin.id, shape) for shape in shapes.fields)
            found.extend((plugin.id, shape) for shape in shapes.lines)
    return found


def find_in_json(source: str, text: str, value: object, provider: Provider | None) -> list[SecretAtRest]:
    """The secrets of a JSON file (``text`` decoded into ``value``); ``provider``: the cloud that recognised it."""
    wanted: dict[str, list[_Declared]] = {}
    for owner, shape in _fields(provider):
        if (shape.listed or provider is None) and f'"{shape.key}"' in text:
            wanted.setdefault(shape.key, []).append(_Declared(owner, shape))
    pem = _PEM_MARKER in text and _PEM.search(text) is not None
    tokens = provider is None and holds_marker(text) and token_kind_of(text) is not None
    if not wanted and not pem and not tokens:
        return []
    found: list[SecretAtRest] = []
    for where, key, item, holder in _strings(value):
        declared = _declared(wanted.get(key, ()), holder) if key is not None and holder is not None else None
        if declared is not None:
            found.append(
                SecretAtRest(
                    source=source,
                    field=where,
                    looks_like=declared.field.looks_like,
                    export=declared.field.export,
                    provider=declared.provider,
                    belongs_to=_belongs_to(holder or {}, declared.field.owner_keys),
                )
            )
        elif (tokens or pem) and (kind := _neutral_kind(item, tokens)) is not None:
            found.append(
                SecretAtRest(source=source, field=where, looks_like=kind, provider=provider, digest=secret_digest(item))
            )
        if len(found) >= MAX_PER_FILE:
            break
    return found


def find_in_lines_file(source: str, path: Path, provider: Provider | None) -> list[SecretAtRest]:
    """The secrets of a newline-delimited JSON export (many GB, read by its format line by line): one chunked
    substring pass over the file, then only the lines holding a needle are decoded and walked."""
    needles = [f'"{shape.key}"'.encode() for _, shape in _fields(provider) if shape.listed or provider is None]
    needles.append(_PEM_MARKER.encode())
    if not _file_holds(path, needles):
        return []
    found: list[SecretAtRest] = []
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not any(needle in raw for needle in needles):
                continue
            text = raw.decode("utf-8-sig", errors="replace")
            try:
                value = json.loads(text)
            except (ValueError, RecursionError):
                continue  # the format names unreadable lines
            found.extend(
                replace(r, field=f"line {number}: {r.field}") for r in find_in_json(source, text, value, provider)
            )
            if len(found) >= MAX_PER_FILE:
                break
    return found


def _fields(provider: Provider | None) -> list[tuple[Provider, SecretField]]:
    return [(owner, shape) for owner, shape in _shapes(provider) if isinstance(shape, SecretField)]


def _file_holds(path: Path, needles: list[bytes]) -> bool:
    """Whether the file holds one of ``needles``, read a chunk at a time (a needle across two chunks is seen)."""
    overlap = max(map(len, needles)) - 1
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            window = tail + chunk
            if any(needle in window for needle in needles):
                return True
            tail = window[-overlap:]
    return False


def find_in_text(source: str, text: str, provider: Provider | None) -> list[SecretAtRest]:
    """The secrets of a text file (a CSV, a credentials file, a PEM file), by line."""
    shapes: list[tuple[Provider | None, SecretLine]] = [
        (owner, s) for owner, s in _shapes(provider) if isinstance(s, SecretLine)
    ]
    shapes.append((provider, PEM_PRIVATE_KEY))  # a PEM block is no one cloud's: the file's, if a cloud claims it
    present = [(owner, s, re.compile(s.pattern)) for owner, s in shapes if any(m in text for m in s.markers)]
    tokens = provider is None and holds_marker(text)
    if not present and not tokens:
        return []
    found: list[SecretAtRest] = []
    for number, line in enumerate(text.splitlines(), 1):
        before = len(found)
        for owner, shape, pattern in present:
            if any(m in line for m in shape.markers) and (match := pattern.search(line)) is not None:
                who = match.groupdict().get("owner")
                found.append(
                    SecretAtRest(
                        source=source,
                        field=f"line {number}",
                        looks_like=shape.looks_like,
                        export=shape.export,
                        provider=owner,
                        belongs_to=(("access key id", who),) if who else (),
                        digest="" if shape.export else secret_digest(line.strip()),
                    )
                )
                break
        if tokens and len(found) == before and (kind := token_kind_of(line)) is not None:
            found.append(
                SecretAtRest(
                    source=source,
                    field=f"line {number}",
                    looks_like=kind,
                    provider=provider,
                    digest=secret_digest(line),
                )
            )
        if len(found) >= MAX_PER_FILE:
            break
    return found


def _declared(candidates: list[_Declared] | tuple[()], holder: dict[str, object]) -> _Declared | None:
    return next((d for d in candidates if all(k in holder for k in d.field.beside)), None)


def _neutral_kind(text: str, tokens: bool) -> str | None:
    if tokens:
        return token_kind_of(text)
    return PEM_PRIVATE_KEY.looks_like if _PEM_MARKER in text and _PEM.search(text) else None


def _belongs_to(holder: dict[str, object], keys: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Who the secret is of, from its object's own fields (never a value that itself looks like a secret)."""
    found = []
    for key in keys:
        value = holder.get(key)
        if isinstance(value, str) and value and len(value) <= _OWNER_LIMIT and not looks_secret(value):
            found.append((key, value))
    return tuple(found)


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _PLAIN_KEY.match(key) else f"{path}[{json.dumps(key)}]"


def _strings(value: object) -> Iterator[tuple[str, str | None, str, dict[str, object] | None]]:
    """Every non-empty string of a JSON value: (its JSON path, its key, the string, the object holding it)."""
    stack: list[tuple[str, object]] = [("$", value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                if isinstance(item, str):
                    if item:
                        yield _step(path, key), key, item, node
                elif isinstance(item, dict | list):
                    stack.append((_step(path, key), item))
        elif isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    if item:
                        yield _step(path, index), None, item, None
                elif isinstance(item, dict | list):
                    stack.append((_step(path, index), item))
