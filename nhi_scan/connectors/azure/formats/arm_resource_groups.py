"""``az group list``: the resource groups of a subscription."""

from __future__ import annotations

import re

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import resource_group
from nhi_scan.connectors.azure.formats._common import items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_RESOURCE_GROUP = re.compile(r"^/subscriptions/[^/]+/resourcegroups/[^/]+$", re.IGNORECASE)


def is_resource_group(item: dict[str, object]) -> bool:
    return _RESOURCE_GROUP.match(str(item.get("id", ""))) is not None and (
        type_is(item, "Microsoft.Resources/resourceGroups") or "managedBy" in item
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_resource_group)


def load(source: str, value: object) -> Records:
    return Records(tuple(resource_group(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-resource-groups",
    provider=AZURE,
    description="az group list (resource groups)",
    sniff_json=sniff,
    load=load,
    file_names=("resourceGroups.json",),
)
