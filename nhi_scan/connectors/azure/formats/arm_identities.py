"""``az identity list``: user-assigned managed identities with their principal ids, so that a resource naming one
by ARM id can be tied to its service principal."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import user_assigned_identity
from nhi_scan.connectors.azure.formats._common import field_of, items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

TYPE = "Microsoft.ManagedIdentity/userAssignedIdentities"


def is_identity(item: dict[str, object]) -> bool:
    return type_is(item, TYPE) and field_of(item, "principalId") is not None


def sniff(value: object) -> bool:
    return sniff_items(value, is_identity, single=True)


def load(source: str, value: object) -> Records:
    return Records(tuple(user_assigned_identity(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-identities",
    provider=AZURE,
    description="az identity list (user-assigned managed identities)",
    sniff_json=sniff,
    load=load,
    file_names=("identities.json",),
)
