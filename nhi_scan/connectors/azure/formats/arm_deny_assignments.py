"""Deny assignments (``az rest --url .../providers/Microsoft.Authorization/denyAssignments``): actions denied to
principals at a scope, whatever their role assignments allow."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import deny_assignment
from nhi_scan.connectors.azure.formats._common import field_of, items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_deny(item: dict[str, object]) -> bool:
    return type_is(item, "Microsoft.Authorization/denyAssignments") or field_of(item, "denyAssignmentName") is not None


def sniff(value: object) -> bool:
    return sniff_items(value, is_deny)


def load(source: str, value: object) -> Records:
    return Records(tuple(deny_assignment(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-deny-assignments",
    provider=AZURE,
    description="ARM deny assignments",
    sniff_json=sniff,
    load=load,
    file_names=("denyAssignments.json",),
)
