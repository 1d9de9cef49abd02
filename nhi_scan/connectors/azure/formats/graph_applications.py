"""Microsoft Graph applications: ``GET /applications?$expand=owners,federatedIdentityCredentials`` (a page, or the
array of pages ``collect azure`` writes), ``az ad app list --all``, and the beta Agent ID blueprints
(``/applications/microsoft.graph.agentIdentityBlueprint``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import (
    any_of,
    collection_is,
    expanded_alike,
    has,
    implied_type,
    items,
    no_null_lists,
    sniff_items,
)
from nhi_scan.connectors.azure.graph import application
from nhi_scan.connectors.azure.records import Record, Records
from nhi_scan.connectors.formats import InputFormat

_COLLECTIONS = collection_is("applications", "applications/microsoft.graph.agentIdentityBlueprint")
_APP_KEYS = ("signInAudience", "requiredResourceAccess", "identifierUris", "publisherDomain", "web", "api")


#: The collections read from an application.
_LISTS = ("passwordCredentials", "keyCredentials", "owners", "federatedIdentityCredentials")


def is_application(item: dict[str, object]) -> bool:
    return (
        has(item, "id", "appId")
        and any_of(item, *_APP_KEYS)
        and not any_of(item, "servicePrincipalType", "servicePrincipalNames", "appOwnerOrganizationId")
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_application, collection=_COLLECTIONS, single=True)


def load(source: str, value: object) -> Records:
    found: list[Record] = []
    notes: list[str] = []
    implied = implied_type(value)
    entries = no_null_lists(items(source, value), *_LISTS)
    for entry in expanded_alike(entries, "owners", "federatedIdentityCredentials"):
        record, fics = application(entry, notes, implied_type=implied)
        found.extend((record, *fics))
    return Records(tuple(found), tuple(notes))


FORMAT = InputFormat(
    name="azure-graph-applications",
    provider=AZURE,
    description="Microsoft Graph applications (az ad app list)",
    sniff_json=sniff,
    load=load,
    file_names=("applications.json", "agentIdentityBlueprints.json"),
)
