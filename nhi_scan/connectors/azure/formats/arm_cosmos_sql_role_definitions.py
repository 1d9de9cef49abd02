"""``az cosmosdb sql role definition list --account-name A --resource-group G``: the account's SQL (data-plane)
role definitions and their data actions. The two built-in ones are known without it; a custom one is needed to
judge what its assignments allow."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import cosmos_sql_role_definition
from nhi_scan.connectors.azure.formats._common import items, sniff_items, type_is
from nhi_scan.connectors.azure.formats.arm_cosmos_sql_role_assignments import cut_short
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

ARM_TYPE = "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions"


def is_definition(item: dict[str, object]) -> bool:
    return type_is(item, ARM_TYPE) or "/sqlroledefinitions/" in str(item.get("id", "")).lower()


def sniff(value: object) -> bool:
    return sniff_items(value, is_definition)


def load(source: str, value: object) -> Records:
    found = Records(tuple(cosmos_sql_role_definition(entry) for entry in items(source, value)))
    cut_short(source, value, "definitions")
    return found


FORMAT = InputFormat(
    name="azure-arm-cosmos-sql-role-definitions",
    provider=AZURE,
    description="az cosmosdb sql role definition list (Cosmos DB data-plane roles)",
    sniff_json=sniff,
    load=load,
    file_names=("sqlRoleDefinitions.json",),
)
