"""``az keyvault secret list --vault-name V``: secret names, content types, tags and dates (never values; the list
does not print them). Each ``id`` names its vault. ARM's own listing of them (``az rest --url {vault id}/secrets``,
what ``collect azure`` calls) is read too: read as ``az resource list`` its secrets' tags would be lost."""

from __future__ import annotations

import re

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import ARM_SECRET_ID, vault_secret
from nhi_scan.connectors.azure.formats._common import items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_SECRET = re.compile(r"^https://[^./]+\.vault\.[^/]+/secrets/", re.IGNORECASE)


def is_secret(item: dict[str, object]) -> bool:
    identifier = str(item.get("id", ""))
    if ARM_SECRET_ID.match(identifier) is not None:
        return "properties" in item
    return _SECRET.match(identifier) is not None and "attributes" in item


def sniff(value: object) -> bool:
    return sniff_items(value, is_secret)


def load(source: str, value: object) -> Records:
    return Records(tuple(vault_secret(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-key-vault-secrets",
    provider=AZURE,
    description="az keyvault secret list, or ARM's list of a vault's secrets (names and dates only)",
    sniff_json=sniff,
    load=load,
    file_names=("secrets.json",),
)
