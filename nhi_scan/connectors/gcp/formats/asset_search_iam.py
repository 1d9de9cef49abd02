"""`gcloud asset search-all-iam-policies --scope=organizations/ORG --format=json`: every IAM policy of an
organisation in one answer, each naming its resource, project, folders and organization."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.cai import search_result
from nhi_scan.connectors.gcp.formats._common import items, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import short_name
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.redact import quote


def _is_result(item: dict[str, object]) -> bool:
    return isinstance(item.get("resource"), str) and isinstance(item.get("policy"), dict)


def sniff(value: object) -> bool:
    return sniff_items(value, _is_result, page_key="results")


def load(source: str, value: object) -> Records:
    """A resource listed twice is said: the search answers one policy per resource, so a repeat was damaged (and
    stands where another resource's policy was)."""
    entries = items(source, value, page_key="results")
    seen: dict[object, str] = {}
    for entry in entries:
        resource = entry.raw.get("resource")
        if isinstance(resource, str) and resource in seen:
            note_unreadable(source, entry.where, f"resource {quote(short_name(resource))} also at {seen[resource]}")
        elif isinstance(resource, str):
            seen[resource] = entry.where
    return Records(read_each(entries, search_result))


FORMAT = InputFormat(
    name="gcp-asset-iam-search",
    provider=GCP,
    description="gcloud asset search-all-iam-policies",
    sniff_json=sniff,
    load=load,
)
