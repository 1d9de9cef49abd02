"""`gcloud resource-manager folders list` and `gcloud organizations list|describe` (the resource hierarchy)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import folder_or_organization


def _is_scope(item: dict[str, object]) -> bool:
    name = item.get("name")
    return (
        isinstance(name, str)
        and name.startswith(("folders/", "organizations/"))
        and name.count("/") == 1
        and any(k in item for k in ("displayName", "parent", "lifecycleState", "state", "owner", "directoryCustomerId"))
    )


def sniff(value: object) -> bool:
    return sniff_items(value, _is_scope, page_key="folders", single=True) or sniff_items(
        value, _is_scope, page_key="organizations"
    )


def load(source: str, value: object) -> Records:
    key = "organizations" if isinstance(value, dict) and "organizations" in value else "folders"
    return Records(read_each(items(source, value, page_key=key), folder_or_organization))


FORMAT = InputFormat(
    name="gcp-folders",
    provider=GCP,
    description="gcloud resource-manager folders list / organizations describe",
    sniff_json=sniff,
    load=load,
    file_names=("folders.json", "organization.json"),
)
