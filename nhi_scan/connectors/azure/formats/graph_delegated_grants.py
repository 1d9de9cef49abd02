"""Microsoft Graph ``oauth2PermissionGrants``: delegated permissions consented for one user (``Principal``) or for
every user of the tenant (``AllPrincipals``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import delegated_grant
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_grant(item: dict[str, object]) -> bool:
    return has(item, "clientId", "consentType", "resourceId")


def sniff(value: object) -> bool:
    return sniff_items(value, is_grant, collection=collection_is("oauth2PermissionGrants"))


def load(source: str, value: object) -> Records:
    return Records(tuple(delegated_grant(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-delegated-grants",
    provider=AZURE,
    description="Microsoft Graph oauth2PermissionGrants (delegated consent)",
    sniff_json=sniff,
    load=load,
    file_names=("oauth2PermissionGrants.json",),
)
