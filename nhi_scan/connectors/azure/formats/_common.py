"""Helpers shared by the Azure format modules (private: not a format itself).

The same listing comes in three shapes: a Graph page ``{"@odata.context": ..., "value": [...], "@odata.nextLink"}``
(or an ARM page ``{"value": [...], "nextLink"}``), a JSON array of such pages (what ``collect azure`` writes for a
paged listing), and a bare array (``az ad sp list``, ``az role assignment list``). A page's ``@odata.context`` names
its collection; without one, the objects' own fields do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.errors import InputError

Predicate = Callable[[dict[str, object]], bool]
_PAGE_KEYS = frozenset({"value", "nextLink", "@nextLink"})
_KEYED = re.compile(r"\('([^']*)'\)")
_SELECTION = re.compile(r"\([^()]*\)")


def is_page(value: object) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("value"), list)
        and all(k in _PAGE_KEYS or str(k).startswith("@odata.") for k in value)
    )


def _pages(value: object) -> list[dict[str, object]] | None:
    if is_page(value):
        return [value]  # type: ignore[list-item]
    if isinstance(value, list) and value and all(is_page(v) for v in value):
        return value
    return None


def raw_context(value: object) -> str | None:
    """The ``@odata.context`` URL of a page (or of the first page of an array of pages)."""
    pages = _pages(value)
    context = pages[0].get("@odata.context") if pages else None
    return context if isinstance(context, str) else None


def context(value: object) -> str | None:
    """The collection a Graph page names, without keys and selections: ``...$metadata#servicePrincipals('X')/
    appRoleAssignedTo`` -> ``servicePrincipals/appRoleAssignedTo``, ``users(id,displayName)`` -> ``users``."""
    text = raw_context(value)
    if text is None or "#" not in text:
        return None
    path = text.split("#", 1)[1]
    previous = None
    while previous != path:
        previous, path = path, _SELECTION.sub("", path)
    return path.removesuffix("/$entity")


def context_key(value: object, collection: str) -> str | None:
    """The key a page's context gives its parent: ``applications('ID')/federatedIdentityCredentials`` -> ID."""
    text = raw_context(value) or ""
    match = re.search(re.escape(collection) + _KEYED.pattern, text)
    return match.group(1) if match else None


def implied_type(value: object) -> str | None:
    """The ``@odata.type`` a cast collection implies for its objects (``applications/microsoft.graph.
    agentIdentityBlueprint`` -> ``#microsoft.graph.agentIdentityBlueprint``), which Graph need not repeat on each."""
    named = context(value)
    last = named.rsplit("/", 1)[-1] if named and "/" in named else ""
    return f"#{last}" if last.lower().startswith("microsoft.graph.") else None


def is_beta(value: object) -> bool:
    return "/beta/" in (raw_context(value) or "")


def listed(value: object, *, single: bool = False) -> list[object] | None:
    """The objects of a page, an array of pages or a bare array (``single``: one object too); None otherwise."""
    pages = _pages(value)
    if pages is not None:
        return [item for page in pages for item in page["value"]]  # type: ignore[attr-defined]
    if isinstance(value, list):
        return value
    if single and isinstance(value, dict) and "value" not in value:
        return [value]
    return None


def sniff_items(
    value: object, predicate: Predicate, *, collection: Callable[[str], bool] | None = None, single: bool = False
) -> bool:
    """A Graph page whose context ``collection`` accepts; or, without a context, a non-empty listing whose every
    object satisfies ``predicate``. A page with a context is never an ARM listing (``collection`` None)."""
    named = context(value)
    if named is not None:
        return collection is not None and collection(named)
    found = listed(value, single=single)
    return bool(found) and all(isinstance(item, dict) and predicate(item) for item in found or ())


def items(source: str, value: object) -> list[Fields]:
    """Each object as Fields named by where it lies (``value[3]``, ``[1].value[3]``, ``[3]``)."""
    pages = _pages(value)
    if pages is not None:
        found: list[Fields] = []
        for number, page in enumerate(pages):
            prefix = f"[{number}].value" if isinstance(value, list) else "value"
            entries: list[object] = page["value"]  # type: ignore[assignment]
            found.extend(Fields(item, source, f"{prefix}[{index}]") for index, item in enumerate(entries))
        return found
    if isinstance(value, list):
        return [Fields(item, source, f"[{index}]") for index, item in enumerate(value)]
    if isinstance(value, dict) and not isinstance(value.get("value", []), list):
        raise InputError(source, "expected an array of objects", field="value")
    if isinstance(value, dict) and "value" not in value:
        return [Fields(value, source)]
    raise InputError(source, 'expected a Graph page {"value": [...]}, an array of pages or an array of objects')


def expanded_alike(entries: list[Fields], *keys: str) -> list[Fields]:
    """The entries, each one without a navigation (``owners``, ``federatedIdentityCredentials``) that another entry
    of the file holds named in a note (the source partial). One query lists the whole file, and Graph writes an
    expanded navigation on every object (``[]`` when empty): an object without it was damaged, and read as holding
    none unsaid its owners or credentials would vanish. The object itself is still read."""
    for key in keys:
        if any(entry.has(key) for entry in entries):
            for entry in entries:
                if not entry.has(key):
                    note_unreadable(
                        entry.source,
                        entry.path_of(key),
                        "missing, though the file's other objects have it: read as none",
                    )
    return entries


def no_null_lists(entries: list[Fields], *keys: str) -> list[Fields]:
    """The entries, each checked to hold no ``null`` for the collections ``keys`` (Graph writes ``[]`` when there
    are none; AzureHound writes Go's nil, so its reader does not check): a null one was damaged, and read as empty
    the secrets, owners or credentials it held would vanish unsaid."""
    for entry in entries:
        for key in keys:
            if entry.has(key) and entry.raw[key] is None:
                raise entry.error(key, "null (Graph writes [] when there are none)")
    return entries


def collection_is(*names: str) -> Callable[[str], bool]:
    """A context test: the collection path is one of ``names`` (``servicePrincipals``,
    ``roleManagement/directory/roleAssignments``) or ends with ``/NAME`` (a navigation: ``.../appRoleAssignedTo``)."""
    lowered = tuple(n.lower() for n in names)
    return lambda path: path.lower() in lowered or path.lower().endswith(tuple(f"/{n}" for n in lowered))


def has(item: dict[str, object], *keys: str) -> bool:
    return all(key in item for key in keys)


def any_of(item: dict[str, object], *keys: str) -> bool:
    return any(key in item for key in keys)


def field_of(item: dict[str, object], key: str) -> object:
    """A field at the top (az flattens) or under ``properties`` (REST)."""
    if key in item:
        return item[key]
    props = item.get("properties")
    return props.get(key) if isinstance(props, dict) else None


def type_is(item: dict[str, object], arm_type: str) -> bool:
    return str(item.get("type", "")).lower() == arm_type.lower()


def enclosing(relative: str, collection: str) -> str | None:
    """The ID of the nearest ``COLLECTION/ID/`` directories enclosing a file (relative to the directory scanned)."""
    parts = PurePath(relative).parts[:-1]
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] == collection:
            return parts[index + 1]
    return None


def typed(value: object) -> bool:
    """A non-empty listing whose every object carries ``@odata.type`` (directory objects of mixed kinds, as a
    group's members are listed)."""
    found = listed(value)
    return bool(found) and all(isinstance(i, dict) and "@odata.type" in i and "id" in i for i in found or ())
