"""An application's federated identity credentials listed on their own: ``applications/{id}/
federatedIdentityCredentials`` (beta adds ``claimsMatchingExpression``, the flexible kind). The application is
the key of the page's context, or else the nearest enclosing ``applications/APP_OBJECT_ID/`` directory."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import (
    collection_is,
    context_key,
    enclosing,
    has,
    is_beta,
    items,
    sniff_items,
)
from nhi_scan.connectors.azure.graph import federated_credential, subject_or_expression
from nhi_scan.connectors.azure.names import GUID
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError


def is_credential(item: dict[str, object]) -> bool:
    return has(item, "id", "issuer", "audiences") and GUID.match(str(item["id"]).lower()) is not None


def sniff(value: object) -> bool:
    return sniff_items(value, is_credential, collection=collection_is("applications/federatedIdentityCredentials"))


def load_at(source: str, relative: str, value: object) -> Records:
    app = (context_key(value, "applications") or enclosing(relative, "applications") or "").lower()
    if not GUID.match(app):
        raise InputError(
            source,
            "application unknown: put it at graph/applications/APP_OBJECT_ID/federatedIdentityCredentials.json",
        )
    entries = items(source, value)
    if is_beta(value):
        entries = [subject_or_expression(entry) for entry in entries]
    return Records(tuple(federated_credential(entry, app_object_id=app) for entry in entries))


FORMAT = InputFormat(
    name="azure-graph-federated-credentials",
    provider=AZURE,
    description="Microsoft Graph application federated identity credentials",
    sniff_json=sniff,
    load=lambda source, value: load_at(source, source, value),
    load_at=load_at,
    file_names=("federatedIdentityCredentials.json",),
)
