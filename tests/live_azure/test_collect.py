"""The Azure collector against the fake server: the files of the directory convention, in Graph's and the az CLI's
JSON shapes, collected with GETs only, read back by the parser; failures recorded and the rest still collected."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhi_scan.connectors.azure.fetch_permissions import ARM_ACTIONS, GRAPH_PERMISSIONS, OPTIONAL_GRAPH_PERMISSIONS
from tests.live_azure import estate_arm as a
from tests.live_azure import estate_directory as d
from tests.live_azure import estate_graph as g
from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.helpers import StaticCredential, files, items, jwt, read, run

GRAPH_FILES = [
    *("organization", "applications", "servicePrincipals", "appRoleAssignments", "oauth2PermissionGrants"),
    *("roleDefinitions", "roleAssignments", "roleEligibilitySchedules", "users", "groups", "administrativeUnits"),
    *("servicePrincipalSignInActivities", "agentIdentityBlueprints", "agentIdentities"),
]
SUBSCRIPTION_FILES = [
    *("roleAssignments", "roleDefinitions", "denyAssignments", "resourceGroups", "resources", "identities"),
    "keyVaults",
]


def expected_files() -> set[str]:
    found = {".nhi-scan-collect.json", "arm/subscriptions.json", "arm/managementGroups.json"}
    found |= {f"graph/{name}.json" for name in GRAPH_FILES}
    found |= {f"graph/groups/{group}/members.json" for group in (g.TIER0, g.NESTED, g.READERS)}  # not all-staff
    found.add(f"graph/applications/{g.CI_APP}/federatedIdentityCredentials.json")  # its flexible credential
    found.add(f"graph/administrativeUnits/{d.CONTRACTORS}/members.json")  # a role is scoped to it
    for subscription in (g.SUB_PROD, g.SUB_DEV):
        found |= {f"arm/subscriptions/{subscription}/{name}.json" for name in SUBSCRIPTION_FILES}
    found.add(f"arm/subscriptions/{g.SUB_PROD}/keyVaults/kv-ops/secrets.json")
    # Cosmos DB accounts only where the resource listing shows some; every account's SQL role listings, even empty
    found.add(f"arm/subscriptions/{g.SUB_PROD}/cosmosAccounts.json")
    for account in ("cosmos-orders", "cosmos-audit"):
        for listing in ("sqlRoleAssignments", "sqlRoleDefinitions"):
            found.add(f"arm/subscriptions/{g.SUB_PROD}/cosmosAccounts/{account}/{listing}.json")
    found.add(f"arm/subscriptions/{g.SUB_DEV}/identities/id-deploy/federatedCredentials.json")
    return found


@pytest.fixture
def collection(fake: FakeAzure, tmp_path: Path) -> Path:
    out = tmp_path / "tenant"
    result = run(fake, out)
    assert result.complete, [f.line() for f in result.failures]
    assert (result.tenant, result.caller) == (g.TENANT, "app 5ca11e70-0000-4000-8000-000000000001 (nhi-scan)")
    assert set(result.subscriptions) == {g.SUB_PROD, g.SUB_DEV}
    return out


def test_writes_exactly_the_convention(collection: Path) -> None:
    assert files(collection) == expected_files()
    manifest = read(collection, ".nhi-scan-collect.json")
    assert (manifest["provider"], manifest["tenant"], manifest["failures"]) == ("azure", g.TENANT, [])


def test_the_parser_reads_it_all_and_finds_the_paths(collection: Path) -> None:
    from nhi_scan.engine import run_scan

    result = run_scan([collection])
    assert result.complete and not result.warnings, result.warnings
    assert {s.status.value for s in result.sources} == {"used"}
    kinds = {(i.name, i.kind.value) for i in result.inventory.identities}
    assert {
        ("deploy-bot", "service-principal"),
        ("deploy-bot", "application"),
        ("support-agent", "agent-identity"),
    } <= kinds
    assert {
        ("vm-ops", "managed-identity"),
        ("id-deploy", "managed-identity"),
        ("alice@contoso.example", "user"),
    } <= kinds
    names = {i.id: i.name for i in result.inventory.identities}
    found = {(f.check_id, names.get(f.subject, f.subject)) for f in result.findings}
    # deploy-bot holds RoleManagement.ReadWrite.Directory; vm-ops's identity is Owner of prod (read from ARM).
    assert {n for c, n in found if c == "admin-identity"} == {"deploy-bot", "vm-ops"}
    # ci-runner owns deploy-bot's app (Graph owners + Application.ReadWrite.OwnedBy); id-deploy is VM Contributor
    # on the group of vm-ops (ARM, across subscriptions); reporting only reads.
    assert {n for c, n in found if c == "privilege-escalation"} == {"ci-runner", "id-deploy"}


def test_cosmos_db_sql_roles_are_read_back(collection: Path) -> None:
    from nhi_scan.engine import run_scan
    from nhi_scan.escalation.azure.stores import store_node

    result = run_scan([collection])
    [scope] = [s for s in result.inventory.hierarchy if s.id == a.COSMOS.lower()]
    assert scope.attributes["key_auth_disabled"] is True
    assert [x["object_id"] for x in scope.attributes["sql_role_assignments"]] == [g.REPORTING, g.READERS]
    [finding] = [
        f
        for f in result.findings
        if f.check_id == "secret-store-access" and f.subject == f"servicePrincipals/{g.REPORTING}"
    ]
    [store] = [e for e in finding.evidence["stores"] if e["store"] == store_node(a.COSMOS)]
    assert store["method"] == "azure-cosmos-db-sql-data-read" and not store["conditional"]
    assert "data of Cosmos DB account cosmos-orders" in finding.message


def test_graph_pages_as_graph_gives_them(collection: Path) -> None:
    sps = read(collection, "graph/servicePrincipals.json")
    assert isinstance(sps, list) and len(sps) == 4  # seven objects, two a page: the array of pages
    assert all(page["@odata.context"].endswith("#servicePrincipals(owners())") for page in sps)
    assert {sp["displayName"] for sp in items(sps)} == {sp["displayName"] for sp in g.SERVICE_PRINCIPALS}
    organization = read(collection, "graph/organization.json")
    assert isinstance(organization, dict) and organization["value"][0]["id"] == g.TENANT  # one page: the page
    users = items(read(collection, "graph/users.json"))
    assert all("signInActivity" in u for u in users) and len(users) == 3
    assigned = items(read(collection, "graph/appRoleAssignments.json"))
    assert {(x["principalId"], x["resourceId"]) for x in assigned} == {
        (x["principalId"], x["resourceId"]) for xs in g.ASSIGNED_TO.values() for x in xs
    }
    flexible = read(collection, f"graph/applications/{g.CI_APP}/federatedIdentityCredentials.json")
    assert "/beta/" in flexible["@odata.context"]
    assert [c.get("claimsMatchingExpression", {}).get("value") for c in flexible["value"]] == [
        None,
        "claims['sub'] matches 'repo:contoso/*'",
    ]
    members = read(collection, f"graph/groups/{g.TIER0}/members.json")
    assert [m["@odata.type"] for m in members["value"]] == ["#microsoft.graph.user", "#microsoft.graph.group"]


def test_arm_listings_as_the_az_cli_prints_them(collection: Path) -> None:
    prod = f"arm/subscriptions/{g.SUB_PROD}"
    assignments = read(collection, f"{prod}/roleAssignments.json")
    assert len(assignments) == 5 and not [x for x in assignments if "properties" in x]
    assert {x["scope"] for x in assignments} >= {a.ROOT_GROUP, a.PROD}  # inherited ones too
    assert [x["principalType"] for x in assignments][:2] == ["User", "ServicePrincipal"]
    [custom] = read(collection, f"{prod}/roleDefinitions.json")  # custom only: built-in roles are bundled
    assert (custom["roleName"], custom["roleType"], custom["type"]) == (
        "Secret Lister",
        "CustomRole",
        "Microsoft.Authorization/roleDefinitions",
    )
    dev = f"arm/subscriptions/{g.SUB_DEV}"
    [identity] = read(collection, f"{dev}/identities.json")
    assert (identity["principalId"], identity["resourceGroup"]) == (g.ID_DEPLOY, "rg-dev")
    [credential] = read(collection, f"{dev}/identities/id-deploy/federatedCredentials.json")
    assert credential["subject"] == "repo:contoso/infra:environment:dev" and "properties" not in credential
    resources = {r["name"]: r for r in read(collection, f"{dev}/resources.json")}
    assert resources["fn-deploy"]["identity"]["type"] == "UserAssigned"
    [vault] = read(collection, f"{prod}/keyVaults.json")
    assert vault["properties"]["enableRbacAuthorization"] is False and len(vault["properties"]["accessPolicies"]) == 2
    secrets = read(collection, f"{prod}/keyVaults/kv-ops/secrets.json")
    assert secrets[0]["id"] == "https://kv-ops.vault.azure.net/secrets/db-password"
    assert secrets[0]["attributes"]["expires"] == "2027-01-01T00:00:00+00:00"
    assert secrets[1]["attributes"]["expires"] is None
    assert read(collection, f"{prod}/denyAssignments.json") == {"value": []}
    accounts = {x["name"]: x for x in read(collection, f"{prod}/cosmosAccounts.json")}
    assert accounts["cosmos-orders"]["properties"]["disableLocalAuth"] is True
    assert accounts["cosmos-orders"]["resourceGroup"] == "rg-data"
    sql = read(collection, f"{prod}/cosmosAccounts/cosmos-orders/sqlRoleAssignments.json")
    assert [(x["principalId"], x["scope"]) for x in sql] == [
        (g.REPORTING, a.COSMOS),
        (g.READERS, f"{a.COSMOS}/dbs/orders"),
    ]
    assert not [x for x in sql if "properties" in x]  # flattened, as az cosmosdb sql role assignment list prints it
    roles = read(collection, f"{prod}/cosmosAccounts/cosmos-orders/sqlRoleDefinitions.json")
    assert [(x["roleName"], x["type"]) for x in roles] == [
        ("Cosmos DB Built-in Data Reader", "BuiltInRole"),
        ("orders-reader", "CustomRole"),
    ]
    assert read(collection, f"{prod}/cosmosAccounts/cosmos-audit/sqlRoleAssignments.json") == []
    [tree] = read(collection, "arm/managementGroups.json")
    assert tree["name"] == g.TENANT and tree["properties"]["children"][0]["children"][0]["id"] == a.PROD
    assert [s["subscriptionId"] for s in read(collection, "arm/subscriptions.json")] == [g.SUB_PROD, g.SUB_DEV]


def test_no_secret_material_is_written(collection: Path) -> None:
    for path in collection.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [s for s in g.SECRETS if s in text], path
            assert '"secretText"' not in text and '"passwordProfile"' not in text, path
            assert jwt("x").split(".")[0] not in text, path  # no bearer token either (the manifest names the app)
    [deploy] = [x for x in items(read(collection, "graph/applications.json")) if x["displayName"] == "deploy-bot"]
    assert deploy["keyCredentials"][0]["customKeyIdentifier"] == "QUJDRA==" and "key" not in deploy["keyCredentials"][0]
    assert deploy["passwordCredentials"][0]["hint"] == "Pla"


def test_only_gets_each_covered_by_the_printed_permissions(fake: FakeAzure, tmp_path: Path) -> None:
    credential = StaticCredential()
    run(fake, tmp_path / "out", credential=credential)
    calls = list(fake.calls)
    assert calls and {c.method for c in calls} == {"GET"}
    assert not [c.path for c in calls if c.api is None]  # every call has a route (a known API)
    assert {c.permission for c in calls if c.api == "graph"} <= {*GRAPH_PERMISSIONS, *OPTIONAL_GRAPH_PERMISSIONS}
    assert {c.permission for c in calls if c.api == "arm"} <= set(ARM_ACTIONS)
    assert not [c.path for c in calls if "/secrets/" in c.path]  # a secret is never read, only listed
    assert all(c.param("api-version") for c in calls if c.api == "arm")
    # One token per API up front, then one per pipeline: the first call of each API runs alone, so the parallel
    # ones reuse its token (with az login, each token is an az subprocess).
    graph, arm = ("https://graph.microsoft.com/.default",), ("https://management.azure.com/.default",)
    assert sorted(credential.scopes) == [graph, graph, arm, arm]


def test_pages_are_followed(fake: FakeAzure, collection: Path) -> None:
    sps = [c.param("$skiptoken") for c in fake.calls if c.path == "/v1.0/servicePrincipals"]
    assert sps == [None, "2", "4", "6"]
    path = f"/subscriptions/{g.SUB_PROD}/providers/Microsoft.Authorization/roleAssignments"
    assert [c.param("$skipToken") for c in fake.calls if c.path == path] == [None, "2", "4"]
    first = next(c for c in fake.calls if c.path == "/v1.0/applications")
    assert first.param("$expand") == "owners,federatedIdentityCredentials"
