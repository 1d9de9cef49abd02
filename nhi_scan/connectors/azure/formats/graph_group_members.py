"""The members of one group: ``GET /groups/{id}/members`` (``$metadata#directoryObjects``) or
``az ad group member list``. A members page does not name its group, so the directory convention does: the nearest
enclosing ``groups/GROUP_ID/`` directory (``graph/groups/GROUP_ID/members.json``). A page anywhere else is an error.

Without a context, a listing of directory objects each carrying ``@odata.type`` is a members page, unless every
one is a service principal (then it is read as a service principal listing)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import collection_is, context, enclosing, items, listed, typed
from nhi_scan.connectors.azure.graph import ref
from nhi_scan.connectors.azure.names import GUID
from nhi_scan.connectors.azure.records import MembershipRecord, Records
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError

_COLLECTIONS = collection_is("directoryObjects", "members", "transitiveMembers")


def sniff(value: object) -> bool:
    named = context(value)
    if named is not None:
        return _COLLECTIONS(named)
    return typed(value) and not all(isinstance(i, dict) and "servicePrincipalType" in i for i in listed(value) or ())


def load_at(source: str, relative: str, value: object) -> Records:
    group = (enclosing(relative, "groups") or "").lower()
    if not GUID.match(group):
        raise InputError(
            source, "group unknown: put it at graph/groups/ID/members.json (a members page does not name its group)"
        )
    return Records(
        tuple(MembershipRecord(group_id=group, member=ref(entry), source=source) for entry in items(source, value))
    )


FORMAT = InputFormat(
    name="azure-graph-group-members",
    provider=AZURE,
    description="Microsoft Graph group members (group from the directory)",
    sniff_json=sniff,
    load=lambda source, value: load_at(source, source, value),
    load_at=load_at,
    file_names=("members.json",),
)
