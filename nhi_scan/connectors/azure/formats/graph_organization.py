"""Microsoft Graph ``GET /organization``: the tenant id (every identity's scope) and its name. A Graph page always
has its ``@odata.context``, so no file name claims it (``organization.json`` is GCP's ``organizations describe``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import organization
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_organization(item: dict[str, object]) -> bool:
    return has(item, "id") and any_of(item, "verifiedDomains", "tenantType")


def sniff(value: object) -> bool:
    return sniff_items(value, is_organization, collection=collection_is("organization"), single=True)


def load(source: str, value: object) -> Records:
    return Records(tuple(organization(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-organization",
    provider=AZURE,
    description="Microsoft Graph organization (the tenant)",
    sniff_json=sniff,
    load=load,
)
