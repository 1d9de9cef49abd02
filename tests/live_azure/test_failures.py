"""What the Azure collector does when the APIs refuse, throttle or lack a feature: each failure is one error
record (the shared ``NhiScanCollectionError`` shape) and everything else is still collected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.live_azure import estate_arm as a
from tests.live_azure import estate_graph as g
from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.helpers import RecordingUi, errors, files, items, read, run
from tests.live_azure.test_collect import SUBSCRIPTION_FILES


@pytest.mark.parametrize("mode", ["listed", "named"])
def test_a_denied_subscription_is_recorded_and_the_other_collected(fake: FakeAzure, tmp_path: Path, mode: str) -> None:
    fake.denied.add(g.SUB_DEV)
    ui = RecordingUi()
    out = tmp_path / "out"
    result = run(fake, out, ui=ui, **({"subscriptions": (g.SUB_PROD, g.SUB_DEV)} if mode == "named" else {}))
    assert result.failed_subscriptions == (g.SUB_DEV,) and not result.complete
    [record] = errors(out)
    assert set(record) == {"Provider", "Account", "Region", "Phase", "Call", "Error", "Impact"}
    assert (record["Provider"], record["Account"], record["Region"]) == ("azure", f"/subscriptions/{g.SUB_DEV}", None)
    assert (record["Phase"], record["Impact"]) == ("subscription", "subscription not scanned")
    assert record["Error"].startswith("HTTP 403 AuthorizationFailed")
    assert not [f for f in files(out) if f.startswith(f"arm/subscriptions/{g.SUB_DEV}/")]
    assert {f"arm/subscriptions/{g.SUB_PROD}/{n}.json" for n in SUBSCRIPTION_FILES} <= files(out)
    assert ui.finished_scopes[f"subscription {g.SUB_DEV}"] == ("not scanned", False)
    assert ui.finished_scopes[f"subscription {g.SUB_PROD}"] == ("done", True)
    assert ui.finished_scopes[f"tenant {g.TENANT}"] == ("14 Graph listings", True) and not ui.late
    from nhi_scan.engine import run_scan

    scanned = run_scan([out])
    assert not scanned.complete and any(g.SUB_DEV in s.detail for s in scanned.sources if s.status.value == "error")


def test_a_cosmos_account_that_refuses_its_sql_roles_is_one_failure_naming_it(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_always(r"/databaseAccounts/cosmos-orders/sqlRoleAssignments", 403, "AuthorizationFailed")
    ui = RecordingUi()
    out = tmp_path / "out"
    result = run(fake, out, ui=ui)
    assert not result.complete and not result.failed_subscriptions
    [record] = errors(out)
    assert (record["Account"], record["Phase"]) == (a.COSMOS, "cosmos db sqlRoleAssignments")
    assert record["Call"] == (
        "GET {account id}/sqlRoleAssignments (Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read)"
    )
    assert record["Error"].startswith("HTTP 403 AuthorizationFailed")
    assert record["Impact"] == "who may read the data of Cosmos DB account cosmos-orders unknown"
    assert any(a.COSMOS in line and "cosmos-orders unknown" in line for line in ui.warnings)
    prod = f"arm/subscriptions/{g.SUB_PROD}"
    assert f"{prod}/cosmosAccounts/cosmos-audit/sqlRoleAssignments.json" in files(out)  # the other account
    assert not [f for f in files(out) if f.startswith(f"{prod}/cosmosAccounts/cosmos-orders/")]
    assert {f"{prod}/{n}.json" for n in SUBSCRIPTION_FILES} | {f"{prod}/cosmosAccounts.json"} <= files(out)
    assert ui.finished_scopes[f"subscription {g.SUB_PROD}"] == ("done", True)
    from nhi_scan.engine import run_scan

    scanned = run_scan([out])
    assert not scanned.complete and any(a.COSMOS in s.detail for s in scanned.sources if s.status.value == "error")


def test_throttling_is_retried_honouring_retry_after(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_next(r"^/v1\.0/servicePrincipals\?", 429, retry_after="1")
    fake.fail_next(rf"^/subscriptions/{g.SUB_DEV}/resources\?", 503, times=2, retry_after=None)
    result = run(fake, tmp_path / "out")
    assert result.complete, [f.line() for f in result.failures]
    sps = [c for c in fake.calls if c.path == "/v1.0/servicePrincipals"]
    assert [c.param("$skiptoken") for c in sps] == [None, None, "2", "4", "6"]  # 429, then the four pages
    assert sps[1].at - sps[0].at >= 0.95  # Retry-After: 1 was waited for
    assert [c.path for c in fake.calls].count(f"/subscriptions/{g.SUB_DEV}/resources") == 3
    assert len(items(read(tmp_path / "out", "graph/servicePrincipals.json"))) == len(g.SERVICE_PRINCIPALS)


def test_throttling_that_persists_is_one_failure(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_next(r"^/v1\.0/oauth2PermissionGrants", 429, times=100)
    out = tmp_path / "out"
    result = run(fake, out)
    [record] = errors(out)
    assert (record["Account"], record["Phase"]) == (f"tenant {g.TENANT}", "delegated permission grants")
    assert record["Call"] == "GET /v1.0/oauth2PermissionGrants (Directory.Read.All)"
    assert record["Error"].startswith("HTTP 429") and not result.failed_subscriptions
    assert "graph/oauth2PermissionGrants.json" not in files(out) and "graph/users.json" in files(out)


def test_sign_in_activity_denied_is_recorded_and_users_still_listed(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_always(r"^/v1\.0/users\?.*signInActivity", 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
    out = tmp_path / "out"
    run(fake, out)
    [record] = errors(out)
    assert record["Phase"] == "user sign-in activity" and "AuditLog.Read.All" in record["Impact"]
    assert record["Error"].startswith("HTTP 403 Authentication_RequestFromNonPremiumTenantOrB2CTenant")
    users = items(read(out, "graph/users.json"))
    assert len(users) == 3 and not [u for u in users if "signInActivity" in u]


def test_missing_licences_and_preview_apis_are_recorded(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_always(r"^/v1\.0/roleManagement/directory/roleEligibilitySchedules", 403, "AadPremiumLicenseRequired")
    fake.fail_always(r"^/beta/applications/microsoft\.graph\.agentIdentityBlueprint", 400, "BadRequest")
    fake.fail_always(r"^/beta/servicePrincipals/microsoft\.graph\.agentIdentity", 404, "Request_ResourceNotFound")
    out = tmp_path / "out"
    result = run(fake, out)
    assert sorted(r["Phase"] for r in errors(out)) == [
        "PIM role eligibility",
        "agent identities",
        "agent identity blueprints",
    ]
    assert {"graph/roleEligibilitySchedules.json", "graph/agentIdentities.json"}.isdisjoint(files(out))
    assert f"arm/subscriptions/{g.SUB_DEV}/resources.json" in files(out) and len(result.failures) == 3
    assert json.loads((out / ".nhi-scan-collect.json").read_text())["failures"][0].startswith(f"tenant {g.TENANT}")


@pytest.mark.parametrize("refused", ["both expansions", "the credentials listing too"])
def test_applications_when_graph_expands_one_relationship_only(fake: FakeAzure, tmp_path: Path, refused: str) -> None:
    fake.fail_always(r"^/v1\.0/applications\?.*owners,federatedIdentityCredentials", 400, "Request_BadRequest")
    if refused == "the credentials listing too":
        fake.fail_always(r"^/v1\.0/applications\?.*\$select=id", 400, "Request_BadRequest")
    out = tmp_path / "out"
    assert run(fake, out).complete
    apps = {x["displayName"]: x for x in items(read(out, "graph/applications.json"))}
    assert [c["id"] for c in apps["ci-runner"]["federatedIdentityCredentials"]] == [
        g.CI_FIC["id"],
        g.FLEXIBLE_FIC["id"],
    ]
    assert apps["ci-runner"]["owners"][0]["id"] == g.ALICE and apps["reporting"]["federatedIdentityCredentials"] == []
    one_by_one = [c.path for c in fake.calls if c.path.startswith("/v1.0/applications/")]
    assert len(one_by_one) == (len(g.APPLICATIONS) if refused == "the credentials listing too" else 0)
    from nhi_scan.engine import run_scan

    result = run_scan([out])
    names = {i.id: i.name for i in result.inventory.identities}
    assert ("azure-federation-broad", "ci-runner") in {(f.check_id, names.get(f.subject)) for f in result.findings}


def test_subscriptions_not_listed_is_recorded_and_entra_still_collected(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_always(r"^/subscriptions\?", 403, "AuthorizationFailed")
    out = tmp_path / "out"
    result = run(fake, out)
    [record] = errors(out)
    assert (record["Account"], record["Phase"]) == (f"tenant {g.TENANT}", "subscriptions")
    assert "arm/subscriptions.json" not in files(out) and "graph/servicePrincipals.json" in files(out)
    assert result.subscriptions == () and result.graph_listings == 14


def test_no_visible_subscription_is_a_warning_not_a_failure(fake: FakeAzure, tmp_path: Path) -> None:
    ui = RecordingUi()
    saved = list(a.SUBSCRIPTIONS)
    a.SUBSCRIPTIONS.clear()
    try:
        result = run(fake, tmp_path / "out", ui=ui)
    finally:
        a.SUBSCRIPTIONS.extend(saved)
    assert result.complete and read(tmp_path / "out", "arm/subscriptions.json") == []
    assert ui.warnings == ["no Azure subscription is visible to the credentials: only Microsoft Entra is scanned"]


def test_management_groups_shown_one_by_one_when_the_root_tree_is_denied(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_always(rf"managementGroups/{g.TENANT}\?.*\$recurse=true", 403, "AuthorizationFailed")
    out = tmp_path / "out"
    assert run(fake, out).complete
    shown = read(out, "arm/managementGroups.json")
    assert [group["name"] for group in shown] == [g.TENANT, "platform"]
    shows = [c for c in fake.calls if c.path.startswith("/providers/Microsoft.Management/managementGroups/")]
    assert [(c.param("$expand"), c.param("$recurse")) for c in shows] == [
        ("children", "true"),
        ("children", None),
        ("children", None),
    ]


def test_a_provider_not_registered_means_none_of_its_resources(fake: FakeAzure, tmp_path: Path) -> None:
    path = rf"^/subscriptions/{g.SUB_DEV}/providers/Microsoft\.ManagedIdentity/userAssignedIdentities\?"
    fake.fail_always(path, 409, "MissingSubscriptionRegistration")
    out = tmp_path / "out"
    assert run(fake, out).complete
    assert read(out, f"arm/subscriptions/{g.SUB_DEV}/identities.json") == []
