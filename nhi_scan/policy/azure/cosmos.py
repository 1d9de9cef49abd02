"""Cosmos DB for NoSQL data-plane RBAC (SQL role definitions and assignments): a role allows a data action when one
of its ``dataActions`` patterns covers it and none of its ``notDataActions`` does, matched as Azure RBAC matches
them (case-insensitive, ``*`` across "/").

This is the account's own permission system, not Azure RBAC: its assignments live under the account
(``sqlRoleAssignments``), its two built-in roles exist on every account, and Azure deny assignments do not apply to
it (they block Azure RBAC actions and data actions only), so nothing here consults them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nhi_scan.policy.azure.rbac import covers

#: Reading the items of a container: what a reader of the account's data needs.
ITEMS_READ = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read"


@dataclass(frozen=True, slots=True)
class SqlRole:
    name: str
    #: (dataActions, notDataActions) per permission block.
    blocks: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]

    def allows(self, action: str) -> bool:
        return any(covers(allowed, action) and not covers(denied, action) for allowed, denied in self.blocks)


#: The built-in SQL roles of every account, by definition GUID (Microsoft Learn, "Azure Cosmos DB for NoSQL data
#: plane built-in roles reference").
BUILT_IN: Mapping[str, SqlRole] = {
    "00000000-0000-0000-0000-000000000001": SqlRole(
        "Cosmos DB Built-in Data Reader",
        (
            (
                (
                    "Microsoft.DocumentDB/databaseAccounts/readMetadata",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/readChangeFeed",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read",
                ),
                (),
            ),
        ),
    ),
    "00000000-0000-0000-0000-000000000002": SqlRole(
        "Cosmos DB Built-in Data Contributor",
        (
            (
                (
                    "Microsoft.DocumentDB/databaseAccounts/readMetadata",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*",
                    "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*",
                ),
                (),
            ),
        ),
    ),
}


def custom_role(name: str, permissions: Iterable[Mapping[str, Any]]) -> SqlRole:
    """A role from an export's ``permissions`` blocks (``dataActions``, ``notDataActions``)."""
    blocks = tuple(
        (tuple(str(a) for a in p.get("dataActions") or ()), tuple(str(a) for a in p.get("notDataActions") or ()))
        for p in permissions
    )
    return SqlRole(name, blocks)


def sql_role(definition_id: str, custom: Mapping[str, SqlRole]) -> SqlRole | None:
    """The role a ``roleDefinitionId`` names: an exported definition of that id, else a built-in one by its GUID;
    None when neither is known (a custom role whose definition is not in the export)."""
    definition_id = definition_id.lower()
    found = custom.get(definition_id)
    if found is not None:
        return found
    return BUILT_IN.get(definition_id.rsplit("/", 1)[-1])
