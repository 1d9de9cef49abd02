"""Microsoft Graph ``directory/administrativeUnits``, with the members of each unit where the listing expands them
(``$expand=members``): a directory role scoped to a unit (``/administrativeUnits/ID``) reaches its members only.
Without them, what such a role reaches stays conditional."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import guid, ref
from nhi_scan.connectors.azure.records import Records, UnitMembersRecord
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
    found: list[UnitMembersRecord] = []
    for entry in items(source, value):
        unit = guid(entry, "id")  # a unit that is not one is named, as in every other listing
        if entry.has("members"):
            members = tuple(ref(member) for member in entry.objects("members"))
            found.append(UnitMembersRecord(unit_id=unit, members=members, source=source))
    return Records(tuple(found))


FORMAT = InputFormat(
    name="azure-graph-administrative-units",
    provider=AZURE,
    description="Microsoft Graph administrative units",
    sniff_json=sniff,
    load=load,
    file_names=("administrativeUnits.json",),
)
