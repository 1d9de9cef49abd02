"""`gcloud asset list --content-type=resource|iam-policy --format=json`: a JSON array of assets (camelCase)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.cai import records_of
from nhi_scan.connectors.gcp.formats._common import items, sniff_items
from nhi_scan.connectors.gcp.records import Record, Records


def _is_asset(item: dict[str, object]) -> bool:
    return str(item.get("name", "")).startswith("//") and ("assetType" in item or "asset_type" in item)


def sniff(value: object) -> bool:
    return sniff_items(value, _is_asset, page_key="assets")


def load(source: str, value: object) -> Records:
    found: list[Record] = []
    for entry in items(source, value, page_key="assets"):
        found.extend(records_of(entry)[0])
    return Records(tuple(found))


FORMAT = InputFormat(name="gcp-asset-list", provider=GCP, description="gcloud asset list", sniff_json=sniff, load=load)
