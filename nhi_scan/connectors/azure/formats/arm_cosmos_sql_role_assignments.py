"""``az cosmosdb sql role assignment list --account-name A --resource-group G`` (or ``GET {account}/
sqlRoleAssignments``): who holds which Cosmos DB SQL (data-plane) role on the account, one of its databases or
one of its containers. Each ``id`` names its account, so no directory convention is needed."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import cosmos_sql_role_assignment
from nhi_scan.connectors.azure.formats._common import is_page, items, sniff_items, type_is
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.unreadable import note_unreadable

ARM_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"


def is_assignment(item: dict[str, object]) -> bool:
    return type_is(item, ARM_TYPE) or "/sqlroleassignments/" in str(item.get("id", "")).lower()


def sniff(value: object) -> bool:
    return sniff_items(value, is_assignment)


def load(source: str, value: object) -> Records:
    found = Records(tuple(cosmos_sql_role_assignment(entry) for entry in items(source, value)))
    cut_short(source, value, "assignments")
    return found


def cut_short(source: str, value: object, what: str) -> None:
    """A REST page (or the last of an array of pages) that names a ``nextLink``: the file holds part of the
    listing, and who holds a role on the rest would be lost in silence. The source is marked partial."""
    pages = value if isinstance(value, list) and value and all(is_page(v) for v in value) else [value]
    last = pages[-1]
    if is_page(last) and isinstance(last, dict) and last.get("nextLink"):
        where = f"[{len(pages) - 1}].nextLink" if isinstance(value, list) else "nextLink"
        note_unreadable(
            source, where, f"the listing goes on at its nextLink, not in this file: the {what} there are not read"
        )


FORMAT = InputFormat(
    name="azure-arm-cosmos-sql-role-assignments",
    provider=AZURE,
    description="az cosmosdb sql role assignment list (Cosmos DB data-plane roles)",
    sniff_json=sniff,
    load=load,
    file_names=("sqlRoleAssignments.json",),
)
