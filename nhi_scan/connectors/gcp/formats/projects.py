"""`gcloud projects list --format=json` (v1: parent {type, id}; v3: parent "folders/N")."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import project


def _is_project(item: dict[str, object]) -> bool:
    return isinstance(item.get("projectId"), str) and any(
        k in item for k in ("projectNumber", "lifecycleState", "state", "parent", "createTime")
    )


def sniff(value: object) -> bool:
    return sniff_items(value, _is_project, page_key="projects", single=True)


def load(source: str, value: object) -> Records:
    return Records(read_each(items(source, value, page_key="projects"), project))


FORMAT = InputFormat(
    name="gcp-projects",
    provider=GCP,
    description="gcloud projects list",
    sniff_json=sniff,
    load=load,
    file_names=("projects.json",),
)
