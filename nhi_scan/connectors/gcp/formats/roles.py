"""`gcloud iam roles describe` / `roles list --project|--organization` of custom roles (with includedPermissions)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import role


def _is_role(item: dict[str, object]) -> bool:
    return name_has(item, "roles/") and ("includedPermissions" in item or "stage" in item) and "bindings" not in item


def sniff(value: object) -> bool:
    return sniff_items(value, _is_role, page_key="roles", single=True)


def load(source: str, value: object) -> Records:
    found = [role(entry) for entry in items(source, value, page_key="roles")]
    notes = tuple(
        f"{source}: role {r.name} lists no includedPermissions (use `gcloud iam roles describe`): it grants nothing "
        "known"
        for r in found
        if not r.permissions and not r.deleted and not r.name.startswith("roles/")
    )
    return Records(tuple(found), notes)


FORMAT = InputFormat(
    name="gcp-roles",
    provider=GCP,
    description="gcloud iam roles describe / list (custom roles)",
    sniff_json=sniff,
    load=load,
    file_names=("roles.json",),
)
