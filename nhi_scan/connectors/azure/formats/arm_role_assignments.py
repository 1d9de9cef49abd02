"""Azure RBAC role assignments: ``az role assignment list --all --include-inherited`` (flattened, with
principalType and roleDefinitionName) or the REST shape (``properties``), per subscription."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import rbac_assignment
from nhi_scan.connectors.azure.formats import arm_cosmos_sql_role_assignments as cosmos
from nhi_scan.connectors.azure.formats._common import field_of, items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat


def is_assignment(item: dict[str, object]) -> bool:
    """An Azure RBAC assignment; a Cosmos DB SQL role assignment has the same fields and a format of its own
    (read as RBAC, its data-plane role would be an unknown Azure role)."""
    return (
        all(field_of(item, k) is not None for k in ("roleDefinitionId", "principalId", "scope"))
        and "directoryScopeId" not in item
        and not cosmos.is_assignment(item)
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_assignment)


def load(source: str, value: object) -> Records:
    return Records(tuple(rbac_assignment(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-role-assignments",
    provider=AZURE,
    description="az role assignment list (Azure RBAC)",
    sniff_json=sniff,
    load=load,
    file_names=("roleAssignments.json",),
)
