"""Entra PIM eligibility: ``roleManagement/directory/roleEligibilitySchedules`` (or their instances). An eligible
principal holds the role only after activating it."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.formats._common import any_of, collection_is, has, items, sniff_items
from nhi_scan.connectors.azure.graph import role_assignment
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_COLLECTIONS = collection_is(
    "roleManagement/directory/roleEligibilitySchedules", "roleManagement/directory/roleEligibilityScheduleInstances"
)


def is_eligibility(item: dict[str, object]) -> bool:
    return (
        has(item, "principalId", "roleDefinitionId")
        and any_of(item, "scheduleInfo", "memberType")
        and "assignmentType" not in item
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_eligibility, collection=_COLLECTIONS)


def load(source: str, value: object) -> Records:
    return Records(tuple(role_assignment(entry, eligible=True) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-graph-role-eligibility",
    provider=AZURE,
    description="Entra PIM role eligibility schedules",
    sniff_json=sniff,
    load=load,
    file_names=("roleEligibilitySchedules.json", "roleEligibilityScheduleInstances.json"),
)
