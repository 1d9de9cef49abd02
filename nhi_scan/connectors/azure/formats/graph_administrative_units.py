"""Microsoft Graph ``directory/administrativeUnits``: recognised so that it is not reported as unknown. A scoped
directory role names its unit by id (``/administrativeUnits/ID``), which is all the analysis needs."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import guid
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_unit(item: dict[str, object]) -> bool:
    return (
        has(item, "id", "displayName")
        and any_of(item, "isMemberManagementRestricted", "membershipType")
        and ("groupTypes" not in item)
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_unit, collection=collection_is("directory/administrativeUnits", "administrativeUnits"))


def load(source: str, value: object) -> Records:
    for entry in items(source, value):
        guid(entry, "id")  # a unit that is not one is named, as in every other listing
    return Records(())


FORMAT = InputFormat(
    name="azure-graph-administrative-units",
    provider=AZURE,
    description="Microsoft Graph administrative units",
    sniff_json=sniff,
    load=load,
    file_names=("administrativeUnits.json",),
)
