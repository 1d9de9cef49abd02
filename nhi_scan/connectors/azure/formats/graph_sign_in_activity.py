"""Beta ``reports/servicePrincipalSignInActivities``: when each application last signed in (by appId). The answer
covers the tenant: a service principal it does not list has no recorded sign-in."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import sign_in
from nhi_scan.connectors.azure.records import Record, Records, SignInCoverage
from nhi_scan.connectors.formats import InputFormat


def is_activity(item: dict[str, object]) -> bool:
    return has(item, "appId") and any_of(item, "lastSignInActivity", "applicationAuthenticationClientSignInActivity")


def sniff(value: object) -> bool:
    return sniff_items(value, is_activity, collection=collection_is("reports/servicePrincipalSignInActivities"))


def load(source: str, value: object) -> Records:
    found: list[Record] = [sign_in(entry) for entry in items(source, value)]
    return Records((*found, SignInCoverage(source=source)))


FORMAT = InputFormat(
    name="azure-graph-sign-in-activity",
    provider=AZURE,
    description="Microsoft Graph servicePrincipalSignInActivities (beta)",
    sniff_json=sniff,
    load=load,
    file_names=("servicePrincipalSignInActivities.json",),
)
