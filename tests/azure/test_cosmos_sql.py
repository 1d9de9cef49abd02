"""Cosmos DB SQL (data-plane) role assignments: the export is recognised by its content, read onto the account's
scope, and a principal (or a group it is in) whose SQL role allows reading items reaches the account's store node;
a database- or container-scoped assignment says so, a custom role not in the export is conditional, a role without
items/read is no edge, and writing oneself an assignment (ARM sqlRoleAssignments/write) reaches the account even
where disableLocalAuth makes listKeys useless. Bad input is one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.parse import parse
from nhi_scan.engine import run_checks
from nhi_scan.escalation.azure.build import build_azure
from nhi_scan.escalation.azure.stores import store_node
from nhi_scan.graph import Edge, IdentityGraph, StoreKind
from nhi_scan.model import Finding, Inventory, PolicyKind, SourceStatus
from nhi_scan.settings import Settings
from tests.azure import (
    SUB,
    arm_assignment,
    arm_resource,
    claimed_by,
    group,
    inventory,
    load_inputs,
    oid,
    page,
    ref,
    write,
)
from tests.azure import sp as graph_sp
from tests.azure.test_escalation import NOW

RG = f"/subscriptions/{SUB}/resourceGroups/rg-data"
ACCOUNT = f"{RG}/providers/Microsoft.DocumentDB/databaseAccounts/orders-db"
READER = "00000000-0000-0000-0000-000000000001"
CONTRIBUTOR = "00000000-0000-0000-0000-000000000002"
CUSTOM = oid(0xD01)
DOCUMENTDB_ACCOUNT_CONTRIBUTOR = "5bd9cd88-fe45-4216-938b-f97437e15450"
READ_METHOD = "azure-cosmos-db-sql-data-read"
WRITE_METHOD = "azure-cosmos-db-sql-role-assignment-write"
LIST_KEYS = "azure-cosmos-db-list-keys"


def sql_assignment(number: int, principal: str, role: str, scope: str = ACCOUNT, **fields: Any) -> dict[str, Any]:
    """One item of ``az cosmosdb sql role assignment list``."""
    name = oid(0xE00 + number)
    return {
        "id": f"{ACCOUNT}/sqlRoleAssignments/{name}",
        "name": name,
        "principalId": principal,
        "resourceGroup": "rg-data",
        "roleDefinitionId": f"{ACCOUNT}/sqlRoleDefinitions/{role}",
        "scope": scope,
        "type": "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
        **fields,
    }


def sql_definition(role: str, name: str, data_actions: list[str], not_data_actions: list[str]) -> dict[str, Any]:
    """One item of ``az cosmosdb sql role definition list``."""
    return {
        "assignableScopes": [ACCOUNT],
        "id": f"{ACCOUNT}/sqlRoleDefinitions/{role}",
        "name": role,
        "permissions": [{"dataActions": data_actions, "notDataActions": not_data_actions}],
        "resourceGroup": "rg-data",
        "roleName": name,
        "type": "CustomRole",
    }


def account(**properties: Any) -> dict[str, Any]:
    """``az cosmosdb show`` (flattened properties) of the account."""
    return arm_resource(ACCOUNT, "Microsoft.DocumentDB/databaseAccounts", None, **properties)


def tenant(root: Path, assignments: list[dict[str, Any]], **extra: Any) -> Path:
    """Six service principals, one group (sp 3 is its member), the account, and the given SQL role assignments."""
    names = ("reader", "writer", "member", "custom", "metadata", "scoped")
    sps = [graph_sp(n, oid(100 + n), name) for n, name in enumerate(names, start=1)]
    write(root, "graph/servicePrincipals.json", page("servicePrincipals", *sps))
    write(root, "graph/groups.json", page("groups", group(10, "data-readers")))
    write(root, f"graph/groups/{oid(10)}/members.json", page("directoryObjects", ref("servicePrincipal", 3)))
    write(root, "arm/resources.json", [extra.pop("account", account())])
    write(root, "arm/cosmos/orders-db/sqlRoleAssignments.json", assignments)
    for relative, value in extra.items():
        write(root, relative, value)
    return root


def analyse(root: Path) -> tuple[Inventory, IdentityGraph, list[Finding]]:
    found = inventory(root)
    graph = IdentityGraph.from_inventory(found)
    analysis = build_azure(graph, found, NOW)
    return found, graph, run_checks(found, graph, Settings(), NOW, {AZURE: analysis})


def edges_to_account(graph: IdentityGraph, number: int) -> dict[str, Edge]:
    node = store_node(ACCOUNT)
    return {e.method or "": e for e in graph.edges_from(f"servicePrincipals/{oid(number)}") if e.target == node}


# ------------------------------------------------------------------------------------------------------ the format


def test_the_listing_is_recognised_by_its_content_and_by_no_other_format() -> None:
    assert claimed_by([sql_assignment(1, oid(1), READER)]) == ["azure-arm-cosmos-sql-role-assignments"]
    definition = sql_definition(CUSTOM, "reader-ish", ["Microsoft.DocumentDB/databaseAccounts/readMetadata"], [])
    assert claimed_by([definition]) == ["azure-arm-cosmos-sql-role-definitions"]


def test_the_assignments_are_read_onto_the_account_scope_and_as_grants(tmp_path: Path) -> None:
    nested = f"{ACCOUNT}/dbs/orders"
    found = inventory(
        tenant(tmp_path, [sql_assignment(1, oid(1).upper(), READER), sql_assignment(2, oid(6), CONTRIBUTOR, nested)])
    )
    [scope] = [s for s in found.hierarchy if s.id == ACCOUNT.lower()]
    assert scope.attributes["type"] == "Microsoft.DocumentDB/databaseAccounts"
    assert [
        (a["object_id"], a["role_definition_id"].rsplit("/", 1)[-1], a["scope"])
        for a in scope.attributes["sql_role_assignments"]
    ] == [
        (oid(1), READER, ACCOUNT.lower()),
        (oid(6), CONTRIBUTOR, nested.lower()),
    ]
    grants = {g.principal_id: g for g in found.grants if g.policy_kind is PolicyKind.ACCESS_POLICY}
    assert (
        grants[f"servicePrincipals/{oid(1)}"].policy_name
        == "Cosmos DB SQL role Cosmos DB Built-in Data Reader on orders-db"
    )
    assert grants[f"servicePrincipals/{oid(6)}"].resource_scope == ACCOUNT.lower()


def test_an_account_named_only_by_its_assignments_is_still_a_store(tmp_path: Path) -> None:
    root = tenant(
        tmp_path,
        [sql_assignment(1, oid(1), READER)],
        account=arm_resource(f"{RG}/providers/Microsoft.Web/sites/x", "Microsoft.Web/sites", None, kind="app"),
    )
    _, graph, _ = analyse(root)
    assert READ_METHOD in edges_to_account(graph, 1)
    assert graph.store_kind(store_node(ACCOUNT)) is StoreKind.KEYS


def test_the_relative_scope_the_cli_accepts_is_read_against_the_account(tmp_path: Path) -> None:
    found = inventory(
        tenant(tmp_path, [sql_assignment(1, oid(1), READER, "/"), sql_assignment(2, oid(6), READER, "/dbs/orders")])
    )
    [scope] = [s for s in found.hierarchy if s.id == ACCOUNT.lower()]
    assert [a["scope"] for a in scope.attributes["sql_role_assignments"]] == [
        ACCOUNT.lower(),
        f"{ACCOUNT}/dbs/orders".lower(),
    ]


def test_the_rest_shape_reads_the_same(tmp_path: Path) -> None:
    flat = sql_assignment(1, oid(1), READER, f"{ACCOUNT}/dbs/orders")
    rest = {k: v for k, v in flat.items() if k not in ("principalId", "roleDefinitionId", "scope", "resourceGroup")}
    rest["properties"] = {k: flat[k] for k in ("principalId", "roleDefinitionId", "scope")}
    found = inventory(tenant(tmp_path, [], **{"arm/rest.json": {"value": [rest]}}))
    [scope] = [s for s in found.hierarchy if s.id == ACCOUNT.lower()]
    assert [(a["object_id"], a["scope"]) for a in scope.attributes["sql_role_assignments"]] == [
        (oid(1), f"{ACCOUNT}/dbs/orders".lower())
    ]


BAD: list[tuple[object, tuple[str, ...]]] = [
    (
        [{k: v for k, v in sql_assignment(1, oid(1), READER).items() if k != "principalId"}],
        ("[0].principalId", "missing"),
    ),
    ([sql_assignment(1, oid(1), READER, scope=5)], ("[0].scope", "expected a string")),  # type: ignore[arg-type]
    (
        [sql_assignment(1, oid(1), READER, f"{RG}/providers/Microsoft.DocumentDB/databaseAccounts/other")],
        ("[0].scope", "not the assignment's account"),
    ),
    (
        [sql_assignment(1, oid(1), READER, roleDefinitionId="reader")],
        ("[0].roleDefinitionId", "not a SQL role definition id"),
    ),
    (
        [sql_assignment(1, oid(1), READER, id=f"{RG}/providers/Microsoft.DocumentDB/databaseAccounts/x")],
        ("[0].id", "not a Cosmos DB sqlroleassignments id"),
    ),
]


@pytest.mark.parametrize(("content", "needles"), BAD, ids=[str(n) for n in range(len(BAD))])
def test_bad_input_is_one_line_naming_the_file_and_field(
    tmp_path: Path, content: object, needles: tuple[str, ...]
) -> None:
    path = write(tmp_path, "arm/sqlRoleAssignments.json", content)
    (source,) = load_inputs(path).sources
    assert source.status is SourceStatus.ERROR, source
    assert "\n" not in source.detail and "Traceback" not in source.detail
    for needle in (str(path), *needles):
        assert needle in source.detail, source.detail


def test_a_truncated_listing_is_an_error_or_a_partial_source(tmp_path: Path) -> None:
    # cut inside the JSON: one line naming the file; a REST page whose nextLink was not followed: partial, named
    cut = write(
        tmp_path, "a/sqlRoleAssignments.json", '[{"id": "' + ACCOUNT + '/sqlRoleAssignments/x", "principalId": "'
    )
    (source,) = load_inputs(cut).sources
    assert source.status is SourceStatus.ERROR and "invalid JSON" in source.detail and str(cut) in source.detail
    page = {"value": [sql_assignment(1, oid(1), READER)], "nextLink": "https://management.azure.com/next?$skipToken=2"}
    path = write(tmp_path, "b/x.json", page)
    loaded = load_inputs(path)
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL, source
    assert "field nextLink" in source.detail and "the assignments there are not read" in source.detail
    assert "\n" not in source.detail
    assert any("nextLink" in w for w in loaded.warnings)
    found = parse(loaded.documents, owner_tag_keys=())
    assert [g.policy_id for g in found.grants] == [f"{ACCOUNT}/sqlRoleAssignments/{oid(0xE01)}".lower()]


# --------------------------------------------------------------------------------------------------- the semantics


def test_a_data_reader_on_the_account_reaches_its_store_node(tmp_path: Path) -> None:
    _, graph, findings = analyse(tenant(tmp_path, [sql_assignment(1, oid(1), READER)]))
    edge = edges_to_account(graph, 1)[READ_METHOD]
    assert not edge.conditional
    assert edge.reason == (
        "Read Cosmos DB data (SQL role assignment): SQL role Cosmos DB Built-in Data Reader assigned on Cosmos DB "
        "account orders-db"
    )
    assert graph.label(store_node(ACCOUNT)) == "data of Cosmos DB account orders-db"
    [finding] = [f for f in findings if f.check_id == "secret-store-access"]
    assert finding.subject == f"servicePrincipals/{oid(1)}" and finding.severity.label == "low"
    assert finding.message == "Service-principal reader can read the data of Cosmos DB account orders-db."


def test_a_member_of_an_assigned_group_reaches_it_too(tmp_path: Path) -> None:
    _, graph, _ = analyse(tenant(tmp_path, [sql_assignment(1, oid(10), CONTRIBUTOR)]))
    edge = edges_to_account(graph, 3)[READ_METHOD]
    assert (
        f"Cosmos DB Built-in Data Contributor assigned to group {oid(10)} on Cosmos DB account orders-db" in edge.reason
    )
    assert not edge.conditional


def test_a_database_scoped_assignment_says_it_is_partial(tmp_path: Path) -> None:
    assignments = [
        sql_assignment(1, oid(6), READER, f"{ACCOUNT}/dbs/orders"),
        sql_assignment(2, oid(1), READER, f"{ACCOUNT}/dbs/orders/colls/lines"),
    ]
    _, graph, _ = analyse(tenant(tmp_path, assignments))
    assert "on database orders of orders-db only (partial" in edges_to_account(graph, 6)[READ_METHOD].reason
    assert (
        "on container lines of database orders of orders-db only (partial"
        in edges_to_account(graph, 1)[READ_METHOD].reason
    )


def test_the_widest_assignment_is_the_reason(tmp_path: Path) -> None:
    assignments = [sql_assignment(1, oid(1), READER, f"{ACCOUNT}/dbs/orders"), sql_assignment(2, oid(1), READER)]
    _, graph, _ = analyse(tenant(tmp_path, assignments))
    assert edges_to_account(graph, 1)[READ_METHOD].reason.endswith("assigned on Cosmos DB account orders-db")


def test_a_custom_role_not_in_the_export_is_conditional(tmp_path: Path) -> None:
    _, graph, findings = analyse(tenant(tmp_path, [sql_assignment(1, oid(4), CUSTOM)]))
    edge = edges_to_account(graph, 4)[READ_METHOD]
    assert edge.conditional
    assert (
        f"custom SQL role {CUSTOM} assigned on Cosmos DB account orders-db, whose definition is not in the export"
        in edge.reason
    )
    [finding] = [f for f in findings if f.check_id == "secret-store-access"]
    assert finding.message.endswith("if what cannot be seen offline holds.") and finding.severity.label == "low"


def test_an_exported_custom_role_is_judged_by_its_data_actions(tmp_path: Path) -> None:
    items = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items"
    definitions = [
        sql_definition(CUSTOM, "item-reader", [f"{items}/*"], [f"{items}/delete"]),
        sql_definition(
            oid(0xD02),
            "no-read",
            ["Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*"],
            [f"{items}/read"],
        ),
    ]
    assignments = [sql_assignment(1, oid(4), CUSTOM), sql_assignment(2, oid(5), oid(0xD02))]
    root = tenant(tmp_path, assignments, **{"arm/cosmos/orders-db/sqlRoleDefinitions.json": definitions})
    _, graph, _ = analyse(root)
    edge = edges_to_account(graph, 4)[READ_METHOD]
    assert not edge.conditional and "SQL role item-reader assigned on" in edge.reason
    assert READ_METHOD not in edges_to_account(graph, 5)  # notDataActions subtracts items/read


def test_no_edge_for_a_role_without_items_read(tmp_path: Path) -> None:
    metadata = sql_definition(CUSTOM, "metadata-only", ["Microsoft.DocumentDB/databaseAccounts/readMetadata"], [])
    assignments = [sql_assignment(1, oid(5), CUSTOM), sql_assignment(2, oid(1), READER)]
    root = tenant(tmp_path, assignments, **{"arm/sqlRoleDefinitions.json": [metadata]})
    _, graph, findings = analyse(root)
    assert edges_to_account(graph, 5) == {}  # its assignment is read, and its role reads no item
    assert READ_METHOD in edges_to_account(graph, 1)  # the same account, a role that does
    assert [f.subject for f in findings if f.check_id == "secret-store-access"] == [f"servicePrincipals/{oid(1)}"]


def test_writing_oneself_an_assignment_reaches_an_account_whose_keys_are_disabled(tmp_path: Path) -> None:
    rbac = [arm_assignment(1, oid(2), DOCUMENTDB_ACCOUNT_CONTRIBUTOR, ACCOUNT)]
    root = tenant(tmp_path, [], account=account(disableLocalAuth=True), **{"arm/roleAssignments.json": rbac})
    _, graph, _ = analyse(root)
    edges = edges_to_account(graph, 2)
    assert set(edges) == {WRITE_METHOD}  # listKeys would give keys that authenticate nothing
    assert not edges[WRITE_METHOD].conditional
    assert "sqlRoleAssignments/write from DocumentDB Account Contributor assigned on" in edges[WRITE_METHOD].reason


def test_with_keys_enabled_the_same_contributor_lists_them_too(tmp_path: Path) -> None:
    rbac = [arm_assignment(1, oid(2), DOCUMENTDB_ACCOUNT_CONTRIBUTOR, ACCOUNT)]
    root = tenant(tmp_path, [], account=account(disableLocalAuth=False), **{"arm/roleAssignments.json": rbac})
    _, graph, _ = analyse(root)
    assert set(edges_to_account(graph, 2)) == {LIST_KEYS, WRITE_METHOD}
