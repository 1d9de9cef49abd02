"""`gcloud iam policies list|get --kind=denypolicies --attachment-point=... --format=json`: IAM deny policies (the
name carries the attachment point)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import deny_policy


def _is_deny(item: dict[str, object]) -> bool:
    return name_has(item, "policies/", "/denypolicies/")


def sniff(value: object) -> bool:
    return sniff_items(value, _is_deny, page_key="policies", single=True)


def load(source: str, value: object) -> Records:
    found = [deny_policy(entry) for entry in items(source, value, page_key="policies")]
    notes = tuple(
        f"{source}: deny policy {p.name} has no rules (list does not print them: use `gcloud iam policies get`)"
        for p in found
        if not p.rules
    )
    return Records(tuple(found), notes)


FORMAT = InputFormat(
    name="gcp-deny-policies",
    provider=GCP,
    description="gcloud iam policies list --kind=denypolicies",
    sniff_json=sniff,
    load=load,
    file_names=("deny-policies.json",),
)
