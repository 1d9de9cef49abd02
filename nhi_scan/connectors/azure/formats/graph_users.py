"""Microsoft Graph users: ``GET /users?$select=id,userPrincipalName,userType,accountEnabled,signInActivity,...``
or ``az ad user list``; agent users (``#microsoft.graph.agentUser``) are machine identities."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import (
    collection_is,
    context,
    has,
    implied_type,
    items,
    sniff_items,
    typed,
)
from nhi_scan.connectors.azure.graph import graph_user_type, user
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_COLLECTIONS = collection_is("users", "users/microsoft.graph.agentUser")


def is_user(item: dict[str, object]) -> bool:
    return has(item, "id", "userPrincipalName")


def sniff(value: object) -> bool:
    if context(value) is None and typed(value):
        return False  # a group's members (directory objects), not a user listing
    return sniff_items(value, is_user, collection=_COLLECTIONS, single=True)


def load(source: str, value: object) -> Records:
    implied = implied_type(value)
    entries = items(source, value)
    return Records(tuple(user(e, implied_type=graph_user_type(e, implied)) for e in entries))


FORMAT = InputFormat(
    name="azure-graph-users",
    provider=AZURE,
    description="Microsoft Graph users (az ad user list)",
    sniff_json=sniff,
    load=load,
    file_names=("users.json",),
)
