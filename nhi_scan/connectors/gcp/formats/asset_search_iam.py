"""`gcloud asset search-all-iam-policies --scope=organizations/ORG --format=json`: every IAM policy of an
organisation in one answer, each naming its resource, project, folders and organization."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.cai import search_result
from nhi_scan.connectors.gcp.formats._common import items, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records


def _is_result(item: dict[str, object]) -> bool:
    return isinstance(item.get("resource"), str) and isinstance(item.get("policy"), dict)


def sniff(value: object) -> bool:
    return sniff_items(value, _is_result, page_key="results")


def load(source: str, value: object) -> Records:
    return Records(read_each(items(source, value, page_key="results"), search_result))


FORMAT = InputFormat(
    name="gcp-asset-iam-search",
    provider=GCP,
    description="gcloud asset search-all-iam-policies",
    sniff_json=sniff,
    load=load,
)
