"""Microsoft Graph groups: ``GET /groups?$expand=owners`` or ``az ad group list`` (role-assignable groups are
``isAssignableToRole``). Their members come one group per file (``graph_group_members``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import (
    any_of,
    collection_is,
    context,
    expanded_alike,
    has,
    items,
    no_null_lists,
    sniff_items,
    typed,
)
from nhi_scan.connectors.azure.graph import group
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_group(item: dict[str, object]) -> bool:
    return (
        has(item, "id", "displayName")
        and any_of(item, "securityEnabled", "groupTypes", "mailEnabled", "isAssignableToRole")
        and not any_of(item, "userPrincipalName", "appId")
    )


def sniff(value: object) -> bool:
    if context(value) is None and typed(value):
        return False  # a group's members (directory objects), not a group listing
    return sniff_items(value, is_group, collection=collection_is("groups"), single=True)


def load(source: str, value: object) -> Records:
    return Records(
        tuple(group(entry) for entry in expanded_alike(no_null_lists(items(source, value), "owners"), "owners"))
    )


FORMAT = InputFormat(
    name="azure-graph-groups",
    provider=AZURE,
    description="Microsoft Graph groups (az ad group list)",
    sniff_json=sniff,
    load=load,
    file_names=("groups.json",),
)
