"""Helpers shared by the GCP format modules (private: not a format itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.unreadable import readable, refuse_if_nothing_read
from nhi_scan.errors import InputError

Predicate = Callable[[dict[str, object]], bool]
R = TypeVar("R")


def _list_of(value: object, key: str | None) -> list[object] | None:
    """The items of a JSON array (gcloud) or of a REST page ``{key: [...]}`` (the API's own answer)."""
    if isinstance(value, list):
        return value
    if key is not None and isinstance(value, dict) and isinstance(value.get(key), list):
        return list(value[key])
    return None


def sniff_items(value: object, predicate: Predicate, *, page_key: str | None = None, single: bool = False) -> bool:
    """A non-empty array (or REST page) whose every item satisfies ``predicate``; ``single``: one object also."""
    if single and isinstance(value, dict) and predicate(value):
        return True
    items = _list_of(value, page_key)
    return bool(items) and all(isinstance(item, dict) and predicate(item) for item in items or ())


def items(source: str, value: object, *, page_key: str | None = None) -> list[Fields]:
    """Each item as Fields named by its index (``[3].email``); a single object is one item."""
    found = _list_of(value, page_key)
    if found is None:
        if isinstance(value, dict):
            return [Fields(value, source)]
        raise InputError(source, "expected a JSON array of objects")
    prefix = f"{page_key}" if not isinstance(value, list) and page_key else ""
    return [Fields(item, source, f"{prefix}[{index}]") for index, item in enumerate(found)]


def name_has(item: dict[str, object], *parts: str) -> bool:
    name = item.get("name")
    return isinstance(name, str) and all(part in name for part in parts)


def read_each(items_: list[Fields], read: Callable[[Fields], R]) -> tuple[R, ...]:
    """``read`` of each item; one that cannot be read is left out with a note naming it (the rest of the file is
    still read, the source partial), and a file of which no item reads is an error as before."""
    errors: list[InputError] = []
    found = readable(items_, read, errors)
    refuse_if_nothing_read(errors, len(found))
    return found
