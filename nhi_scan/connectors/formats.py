"""Input formats: one module per recognised document kind, found by discovery under each provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nhi_scan.discovery import iter_modules
from nhi_scan.model import Provider


@dataclass(frozen=True, slots=True, kw_only=True)
class InputFormat:
    """How to recognise one kind of document and load it into a typed payload.

    ``sniff_json`` sees the decoded JSON value, ``sniff_text`` the text of a non-JSON file. ``load`` receives
    the source name and the same value, validates it and returns a provider-specific payload, raising
    :class:`~nhi_scan.errors.InputError` (naming the field) when it cannot.
    """

    name: str
    provider: Provider
    description: str
    load: Callable[[str, object], object]
    sniff_json: Callable[[object], bool] | None = None
    sniff_text: Callable[[str], bool] | None = None
    #: For text formats: file suffixes that claim this format even when sniffing fails (to report why).
    suffixes: tuple[str, ...] = ()
    #: File names that claim this format when the content alone cannot tell (an empty ``[]`` answer).
    file_names: tuple[str, ...] = ()
    #: Streamed formats (newline-delimited exports of many GB): recognised from the file's first 64 KiB of text and
    #: loaded from the path, line by line, instead of from a decoded value.
    sniff_head: Callable[[str], bool] | None = None
    load_path: Callable[[str, Path], object] | None = None
    #: Formats whose documents are named by where they lie (a bare GCP policy): loaded with the path relative to
    #: the directory scanned (the path as given for a file named on the command line) instead of ``load``.
    load_at: Callable[[str, str, object], object] | None = None

    def load_value(self, source: str, relative: str, value: object) -> object:
        return self.load_at(source, relative, value) if self.load_at is not None else self.load(source, value)


def formats_in(package: str) -> tuple[InputFormat, ...]:
    """The ``FORMAT`` of every module of ``package`` (a provider's formats package), by module name."""
    found: list[InputFormat] = []
    for module in iter_modules(package):
        fmt = getattr(module, "FORMAT", None)
        if not isinstance(fmt, InputFormat):
            raise TypeError(f"{module.__name__} has no FORMAT of type InputFormat")
        found.append(fmt)
    return tuple(found)


@cache
def all_formats() -> tuple[InputFormat, ...]:
    """Every registered provider's formats, providers in id order (the order files are sniffed in)."""
    from nhi_scan.providers import all_providers

    found: list[InputFormat] = []
    for plugin in all_providers():
        for fmt in plugin.formats():
            if fmt.provider != plugin.id:
                raise ValueError(f"format {fmt.name!r} of provider {plugin.id!r} says it is of {fmt.provider!r}")
            found.append(fmt)
    return tuple(found)
