"""`gcloud iam service-accounts list --format=json` (or the REST page ``{"accounts": [...]}``)."""

from __future__ import annotations

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, sniff_items
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import service_account
from nhi_scan.connectors.unreadable import readable, refuse_if_nothing_read
from nhi_scan.errors import InputError


def _is_account(item: dict[str, object]) -> bool:
    return isinstance(item.get("email"), str) and (
        "uniqueId" in item or "projectId" in item or "oauth2ClientId" in item
    )


def sniff(value: object) -> bool:
    return sniff_items(value, _is_account, page_key="accounts")


def load(source: str, value: object) -> Records:
    errors: list[InputError] = []
    accounts = readable(items(source, value, page_key="accounts"), service_account, errors)
    refuse_if_nothing_read(errors, len(accounts))
    return Records(accounts)


FORMAT = InputFormat(
    name="gcp-service-accounts",
    provider=GCP,
    description="gcloud iam service-accounts list",
    sniff_json=sniff,
    load=load,
    file_names=("service-accounts.json",),
)
