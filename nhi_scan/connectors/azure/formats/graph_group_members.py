"""The members of one group: ``GET /groups/{id}/members`` (``$metadata#directoryObjects``) or
``az ad group member list``, or of one administrative unit (``GET /directory/administrativeUnits/{id}/members``). A
members page does not name its group or unit, so the directory convention does: the nearest enclosing
``groups/GROUP_ID/`` or ``administrativeUnits/UNIT_ID/`` directory (``graph/groups/GROUP_ID/members.json``). A page
anywhere else is an error.

Without a context, a listing of directory objects each carrying ``@odata.type`` is a members page, unless every
one is a service principal (then it is read as a service principal listing)."""

from __future__ import annotations

from pathlib import PurePath

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import collection_is, context, items, listed, typed
from nhi_scan.connectors.azure.graph import ref
from nhi_scan.connectors.azure.names import GUID
from nhi_scan.connectors.azure.records import MembershipRecord, Records, UnitMembersRecord
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError

_COLLECTIONS = collection_is("directoryObjects", "members", "transitiveMembers")


def sniff(value: object) -> bool:
    named = context(value)
    if named is not None:
        return _COLLECTIONS(named)
    return typed(value) and not all(isinstance(i, dict) and "servicePrincipalType" in i for i in listed(value) or ())


def _owner_of_page(relative: str) -> tuple[str, str] | None:
    """(collection, id) of the nearest ``groups/ID/`` or ``administrativeUnits/ID/`` directory enclosing the file."""
    parts = PurePath(relative).parts[:-1]
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in ("groups", "administrativeUnits"):
            return parts[index], parts[index + 1].lower()
    return None


def load_at(source: str, relative: str, value: object) -> Records:
    owner = _owner_of_page(relative)
    if owner is None or not GUID.match(owner[1]):
        raise InputError(
            source,
            "group unknown: put it at graph/groups/ID/members.json or graph/administrativeUnits/ID/members.json "
            "(a members page does not name its group or unit)",
        )
    collection, owner_id = owner
    members = tuple(ref(entry) for entry in items(source, value))
    if collection == "administrativeUnits":
        return Records((UnitMembersRecord(unit_id=owner_id, members=members, source=source),))
    return Records(tuple(MembershipRecord(group_id=owner_id, member=m, source=source) for m in members))


FORMAT = InputFormat(
    name="azure-graph-group-members",
    provider=AZURE,
    description="Microsoft Graph group or administrative unit members (which one from the directory)",
    sniff_json=sniff,
    load=lambda source, value: load_at(source, source, value),
    load_at=load_at,
    file_names=("members.json",),
)
