"""`gcloud iam service-accounts keys list --iam-account=EMAIL --format=json` (metadata only: never key material)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import key


def _is_key(item: dict[str, object]) -> bool:
    return name_has(item, "/serviceAccounts/", "/keys/") and ("keyType" in item or "validAfterTime" in item)


def sniff(value: object) -> bool:
    return sniff_items(value, _is_key, page_key="keys")


def load(source: str, value: object) -> Records:
    return Records(read_each(items(source, value, page_key="keys"), key))


FORMAT = InputFormat(
    name="gcp-service-account-keys",
    provider=GCP,
    description="gcloud iam service-accounts keys list",
    sniff_json=sniff,
    load=load,
    file_names=("keys.json",),
)
