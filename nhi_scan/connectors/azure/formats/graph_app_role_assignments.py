"""Microsoft Graph app role assignments (application permissions): ``servicePrincipals/{id}/appRoleAssignments``
of each client, or ``servicePrincipals/{resource}/appRoleAssignedTo`` of a resource such as Microsoft Graph."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import app_role_assignment
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_COLLECTIONS = collection_is("appRoleAssignments", "appRoleAssignedTo")


def is_assignment(item: dict[str, object]) -> bool:
    return has(item, "appRoleId", "principalId", "resourceId")


def sniff(value: object) -> bool:
    return sniff_items(value, is_assignment, collection=_COLLECTIONS)


def load(source: str, value: object) -> Records:
    return Records(tuple(app_role_assignment(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-app-role-assignments",
    provider=AZURE,
    description="Microsoft Graph app role assignments (application permissions)",
    sniff_json=sniff,
    load=load,
    file_names=("appRoleAssignments.json", "appRoleAssignedTo.json"),
)
