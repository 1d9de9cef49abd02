"""``az keyvault secret list --vault-name V``: secret names, content types, tags and dates (never values; the list
does not print them). Each ``id`` names its vault."""

from __future__ import annotations

import re

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import vault_secret
from nhi_scan.connectors.azure.formats._common import items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_SECRET = re.compile(r"^https://[^./]+\.vault\.[^/]+/secrets/", re.IGNORECASE)


def is_secret(item: dict[str, object]) -> bool:
    return _SECRET.match(str(item.get("id", ""))) is not None and "attributes" in item


def sniff(value: object) -> bool:
    return sniff_items(value, is_secret)


def load(source: str, value: object) -> Records:
    return Records(tuple(vault_secret(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-key-vault-secrets",
    provider=AZURE,
    description="az keyvault secret list (names and dates only)",
    sniff_json=sniff,
    load=load,
    file_names=("secrets.json",),
)
