"""Entra directory role assignments (active): ``roleManagement/directory/roleAssignments``, each with its
``directoryScopeId`` (``/`` tenant-wide, ``/administrativeUnits/ID``, ``/APP_OBJECT_ID``)."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import role_assignment
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_assignment(item: dict[str, object]) -> bool:
    return has(item, "principalId", "roleDefinitionId", "directoryScopeId") and not any_of(
        item, "scheduleInfo", "memberType", "assignmentType", "scope"
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_assignment, collection=collection_is("roleManagement/directory/roleAssignments"))


def load(source: str, value: object) -> Records:
    return Records(tuple(role_assignment(entry, eligible=False) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-role-assignments",
    provider=AZURE,
    description="Entra directory role assignments",
    sniff_json=sniff,
    load=load,
)
