"""Typed, field-naming access to one decoded TOML table (used by the method catalogue loader)."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from nhi_scan.errors import InputError

E = TypeVar("E", bound=enum.StrEnum)

ErrorFactory = Callable[..., InputError]


class Reader:
    """Reads keys of one table; every error names ``source`` and the dotted field. :meth:`finish` rejects the rest."""

    def __init__(self, data: Mapping[str, object], *, source: str, error: ErrorFactory, prefix: str = "") -> None:
        self._data = data
        self._seen: set[str] = set()
        self._source = source
        self._error = error
        self._prefix = prefix

    def error(self, key: str, detail: str) -> InputError:
        return self._error(self._source, detail, field=f"{self._prefix}{key}")

    def _get(self, key: str) -> object:
        self._seen.add(key)
        return self._data.get(key)

    def text(self, key: str, *, pattern: re.Pattern[str] | None = None) -> str:
        value = self.optional_text(key, pattern=pattern)
        if value is None:
            raise self.error(key, "is missing")
        return value

    def optional_text(self, key: str, *, pattern: re.Pattern[str] | None = None) -> str | None:
        value = self._get(key)
        if value is None:
            return None
        return self._check_text(key, value, pattern)

    def _check_text(self, key: str, value: object, pattern: re.Pattern[str] | None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, f"must be a non-empty string, got {value!r}")
        if pattern is not None and not pattern.match(value):
            raise self.error(key, f"{value!r} does not match {pattern.pattern}")
        return value

    def texts(self, key: str, *, pattern: re.Pattern[str] | None = None, required: bool = True) -> tuple[str, ...]:
        value = self._get(key)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or (required and not value):
            raise self.error(key, "must be a non-empty list of strings")
        items = tuple(self._check_text(f"{key}[{index}]", item, pattern) for index, item in enumerate(value))
        if len(set(items)) != len(items):
            raise self.error(key, "lists a value twice")
        return items

    def choice(self, key: str, kind: type[E], *, default: E | None = None) -> E:
        value = self._get(key)
        if value is None:
            if default is None:
                raise self.error(key, "is missing")
            return default
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, got {value!r}")
        return self._member(key, value, kind)

    def choices(self, key: str, kind: type[E]) -> tuple[E, ...]:
        values = self.texts(key, required=False)
        return tuple(self._member(f"{key}[{index}]", value, kind) for index, value in enumerate(values))

    def _member(self, key: str, value: str, kind: type[E]) -> E:
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise self.error(key, f"{value!r} is not one of: {allowed}") from None

    def flag(self, key: str, *, default: bool) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"must be true or false, got {value!r}")
        return value

    def tables(self, key: str) -> list[Reader]:
        value = self._get(key)
        if not isinstance(value, list) or not value or not all(isinstance(item, Mapping) for item in value):
            raise self.error(key, "must be one or more [[tables]]")
        return [
            Reader(item, source=self._source, error=self._error, prefix=f"{self._prefix}{key}[{index}].")
            for index, item in enumerate(value)
        ]

    def finish(self) -> None:
        unknown = sorted(set(self._data) - self._seen)
        if unknown:
            raise self.error(unknown[0], "unknown field")
