"""``az identity federated-credential list --identity-name N -g RG``: who outside Azure may sign in as a
user-assigned managed identity. Each credential's ``id`` names its identity."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import identity_federated_credential
from nhi_scan.connectors.azure.formats._common import items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_credential(item: dict[str, object]) -> bool:
    """Known by its id alone: one without its issuer is this format's to refuse (named), not a resource's to read
    (``az resource list``'s test accepts it, and the credential would vanish unsaid)."""
    identifier = str(item.get("id", "")).lower()
    return "/userassignedidentities/" in identifier and "/federatedidentitycredentials/" in identifier


def sniff(value: object) -> bool:
    return sniff_items(value, is_credential)


def load(source: str, value: object) -> Records:
    return Records(tuple(identity_federated_credential(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-identity-federated-credentials",
    provider=AZURE,
    description="az identity federated-credential list",
    sniff_json=sniff,
    load=load,
    file_names=("federatedCredentials.json",),
)
