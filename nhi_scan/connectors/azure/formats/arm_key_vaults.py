"""``az keyvault show`` (one vault, or an array of them): whether the vault uses Azure RBAC
(``enableRbacAuthorization``) or access policies, and who its access policies let read secrets, keys and
certificates. ``az keyvault list`` omits ``properties``: it is read as a resource listing."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import arm_written_vault, key_vault
from nhi_scan.connectors.azure.formats._common import items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Record, Records
from nhi_scan.connectors.formats import InputFormat


def is_vault(item: dict[str, object]) -> bool:
    return type_is(item, "Microsoft.KeyVault/vaults") and isinstance(item.get("properties"), dict)


def sniff(value: object) -> bool:
    return sniff_items(value, is_vault, single=True)


def load(source: str, value: object) -> Records:
    found: list[Record] = []
    for entry in items(source, value):
        found.extend(key_vault(arm_written_vault(entry)))
    return Records(tuple(found))


FORMAT = InputFormat(
    name="azure-arm-key-vaults",
    provider=AZURE,
    description="az keyvault show (access policies)",
    sniff_json=sniff,
    load=load,
    file_names=("keyVaults.json",),
)
