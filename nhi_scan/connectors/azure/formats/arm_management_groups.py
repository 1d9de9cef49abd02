"""``az account management-group show --expand --recurse`` (one group, or an array of them) or
``management-group list``: the groups, their parents (``properties.details.parent``) and the groups and
subscriptions below them (``properties.children``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import management_group
from nhi_scan.connectors.azure.formats._common import items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Record, Records
from nhi_scan.connectors.formats import InputFormat


def is_management_group(item: dict[str, object]) -> bool:
    identifier = str(item.get("id", "")).lower()
    return type_is(item, "Microsoft.Management/managementGroups") or (
        identifier.startswith("/providers/microsoft.management/managementgroups/")
        and "/providers/microsoft.authorization/" not in identifier
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_management_group, single=True)


def load(source: str, value: object) -> Records:
    found: list[Record] = []
    for entry in items(source, value):
        found.extend(management_group(entry))
    return Records(tuple(found))


FORMAT = InputFormat(
    name="azure-arm-management-groups",
    provider=AZURE,
    description="az account management-group show / list",
    sniff_json=sniff,
    load=load,
    file_names=("managementGroups.json",),
)
