"""Method catalogues are directories of TOML files, one method each, named by its id: reading them, with errors
that name the file and the field (shared by every cloud's catalogue)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Protocol, TypeVar

from nhi_scan.errors import InputError


class _Method(Protocol):
    @property
    def id(self) -> str: ...


M = TypeVar("M", bound=_Method)
#: (decoded table, source) -> the validated method.
Parse = Callable[[Mapping[str, object], str], M]


def read_method_file(path: Traversable | Path, parse: Parse[M], error: type[InputError]) -> M:
    """Read and validate one method file; ``error`` (the catalogue's error type) names the file and the field."""
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise error(source, f"not valid TOML: {exc}") from None
    method = parse(data, source)
    stem = path.name.removesuffix(".toml")
    if method.id != stem:
        raise error(source, f"id {method.id!r} must equal the file name {stem!r}", field="id")
    return method


def read_method_files(directory: Traversable | Path, parse: Parse[M], error: type[InputError]) -> tuple[M, ...]:
    """Every ``*.toml`` file of ``directory``, sorted by id; ids must be unique."""
    files = sorted((entry for entry in directory.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    methods: dict[str, M] = {}
    for entry in files:
        method = read_method_file(entry, parse, error)
        if method.id in methods:
            raise error(str(entry), f"duplicate id {method.id!r}", field="id")
        methods[method.id] = method
    return tuple(methods[key] for key in sorted(methods))
