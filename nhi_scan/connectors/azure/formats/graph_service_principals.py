"""Microsoft Graph service principals: ``GET /servicePrincipals?$expand=owners`` (page or array of pages),
``az ad sp list --all``, and the beta Agent ID identities (``/servicePrincipals/microsoft.graph.agentIdentity``)."""

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
from nhi_scan.connectors.azure.graph import service_principal
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_COLLECTIONS = collection_is(
    "servicePrincipals",
    "servicePrincipals/microsoft.graph.agentIdentity",
    "servicePrincipals/microsoft.graph.agentIdentityBlueprintPrincipal",
)


#: The collections read from a service principal.
_LISTS = ("passwordCredentials", "keyCredentials", "owners", "alternativeNames", "appRoles", "servicePrincipalNames")


def is_service_principal(item: dict[str, object]) -> bool:
    return has(item, "id", "appId") and any_of(item, "servicePrincipalType", "servicePrincipalNames")


def sniff(value: object) -> bool:
    return sniff_items(value, is_service_principal, collection=_COLLECTIONS, single=True)


def load(source: str, value: object) -> Records:
    notes: list[str] = []
    implied = implied_type(value)
    entries = expanded_alike(no_null_lists(items(source, value), *_LISTS), "owners")
    found = tuple(service_principal(entry, notes, implied_type=implied) for entry in entries)
    return Records(found, tuple(notes))


FORMAT = InputFormat(
    name="azure-graph-service-principals",
    provider=AZURE,
    description="Microsoft Graph service principals (az ad sp list)",
    sniff_json=sniff,
    load=load,
    file_names=("servicePrincipals.json", "agentIdentities.json"),
)
