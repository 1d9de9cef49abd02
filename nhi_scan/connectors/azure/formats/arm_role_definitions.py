"""``az role definition list`` (custom and built-in): custom roles become policies; built-in roles come from the
bundled data (nhi_scan.policy.azure.roles), so a listing of them adds nothing."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import role_definition
from nhi_scan.connectors.azure.formats import arm_cosmos_sql_role_definitions as cosmos
from nhi_scan.connectors.azure.formats._common import field_of, items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_definition(item: dict[str, object]) -> bool:
    """An Azure RBAC role; a Cosmos DB SQL role definition has the same fields and a format of its own."""
    return (
        field_of(item, "roleName") is not None
        and field_of(item, "permissions") is not None
        and not cosmos.is_definition(item)
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_definition, single=True)


def load(source: str, value: object) -> Records:
    return Records(tuple(role_definition(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-role-definitions",
    provider=AZURE,
    description="az role definition list (custom roles)",
    sniff_json=sniff,
    load=load,
    file_names=("roleDefinitions.json",),
)
