"""Entra directory role definitions: ``roleManagement/directory/roleDefinitions`` (id -> templateId and name).

``roleDefinitions.json`` is also the name of ``az role definition list`` in the convention: an empty ARM answer
is claimed by the ARM format, an empty Graph page by its ``@odata.context``."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import role_definition
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_definition(item: dict[str, object]) -> bool:
    return has(item, "id", "templateId", "displayName") and any_of(item, "isBuiltIn", "rolePermissions")


def sniff(value: object) -> bool:
    return sniff_items(value, is_definition, collection=collection_is("roleManagement/directory/roleDefinitions"))


def load(source: str, value: object) -> Records:
    return Records(tuple(role_definition(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-role-definitions",
    provider=AZURE,
    description="Entra directory role definitions",
    sniff_json=sniff,
    load=load,
)
