"""Typed access to untrusted provider JSON, naming the exact field when a value is wrong."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from nhi_scan.connectors import json_text
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.errors import InputError
from nhi_scan.redact import quote
from nhi_scan.timeutil import parse_timestamp


def _type_name(value: object) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


class Fields:
    """A JSON object read field by field; ``where`` is the dotted path used in error messages."""

    __slots__ = ("raw", "source", "where")

    def __init__(self, raw: object, source: str, where: str = "") -> None:
        if not isinstance(raw, dict):
            raise InputError(source, f"expected an object, got {_type_name(raw)}", field=where or None)
        self.raw: dict[str, Any] = raw
        self.source = source
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def path_of(self, key: str) -> str:
        """The dotted path of ``key`` in the file (for notes about it)."""
        return self._path(key)

    def error(self, key: str, detail: str) -> InputError:
        return InputError(self.source, detail, field=self._path(key))

    def has(self, key: str) -> bool:
        return key in self.raw

    def string(self, key: str) -> str:
        value = self.raw.get(key)
        if value is None:
            raise self.error(key, "missing required field")
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {_type_name(value)}")
        return value

    def opt_str(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.error(key, f"expected a string, got {_type_name(value)}")
        return value

    def opt_bool(self, key: str) -> bool | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_type_name(value)}")
        return value

    def opt_int(self, key: str) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected an integer, got {_type_name(value)}")
        return value

    def timestamp(self, key: str) -> datetime | None:
        value = self.raw.get(key)
        if value == "":
            raise self.error(key, "an empty timestamp")
        try:
            return parse_timestamp(value)
        except ValueError:
            raise self.error(key, f"not a timestamp: {quote(str(value))}") from None

    def obj(self, key: str) -> Fields | None:
        value = self.raw.get(key)
        if value is None:
            return None
        return Fields(value, self.source, self._path(key))

    def objects(self, key: str) -> Iterator[Fields]:
        """Yield each element of an optional array of objects."""
        for index, item in enumerate(self.array(key)):
            yield Fields(item, self.source, f"{self._path(key)}[{index}]")

    def array(self, key: str) -> list[Any]:
        value = self.raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected an array, got {_type_name(value)}")
        return value

    def strings(self, key: str) -> list[str]:
        values = self.array(key)
        for index, item in enumerate(values):
            if not isinstance(item, str):
                raise self.error(f"{key}[{index}]", f"expected a string, got {_type_name(item)}")
        return values

    def tags(self, key: str = "Tags") -> dict[str, str]:
        """AWS-style ``[{"Key": k, "Value": v}]`` tags as a dict. A tag whose Value is missing or null (AWS writes a
        string, ``""`` at least) is left out and said: read as empty, an owner tag naming nobody would pass for one."""
        result: dict[str, str] = {}
        if self.has(key) and self.raw[key] is None:
            # AWS writes the list (empty, or left out, when there is none): a null one was damaged, and read as none
            # an owner tag would vanish unsaid
            note_unreadable(self.source, self._path(key), "null: AWS writes tags as a list; read as no tags")
        for tag in self.objects(key):
            name = tag.string("Key")
            if not name or tag.raw.get("Value") is None:
                detail = "empty tag key" if not name else "tag without a Value (missing or null)"
                note_unreadable(self.source, tag.where, f"{detail}: the tag is left out")
                continue
            if name in result:
                note_unreadable(self.source, tag.where, f"tag {quote(name)} given twice: the last one is read")
            result[name] = tag.opt_str("Value") or ""
        return result

    def policy_document(self, key: str) -> Mapping[str, Any]:
        """A policy document given decoded (object) or raw (JSON text, possibly URL-encoded)."""
        value = self.raw.get(key)
        if value is None:
            raise self.error(key, "missing policy document")
        return decode_policy_document(value, self.source, self._path(key))


def decode_policy_document(value: object, source: str, where: str) -> Mapping[str, Any]:
    """The policy document at ``where``; one given as JSON text (GAAD's URL-encoded form) is decoded as strictly as
    a file is (:mod:`nhi_scan.connectors.json_text`), so nesting, huge numbers or a key given twice inside the text
    is said the same way as in a decoded document, never an internal error or a silent last-one-wins."""
    document: object = value
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("{"):
            text = urllib.parse.unquote(text)
        try:
            document = json_text.decode(source, text, where=where)
        except json.JSONDecodeError as exc:
            raise InputError(source, f"policy document is not valid JSON ({exc.msg})", field=where) from None
        except InputError as exc:
            raise InputError(source, f"policy document: {exc.detail}", field=where) from None
    if not isinstance(document, dict):
        raise InputError(source, f"policy document must be an object, got {_type_name(document)}", field=where)
    statements = document.get("Statement")
    if statements is None:
        raise InputError(source, "policy document has no Statement", field=where)
    if not isinstance(statements, (list, dict)):
        raise InputError(source, "policy Statement must be an object or an array", field=where)
    return document
