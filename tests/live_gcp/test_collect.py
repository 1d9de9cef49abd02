"""The GCP collector against the fake server: the files of the directory convention, in gcloud's JSON shapes,
collected with read-only calls only; failures recorded and the rest still collected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.gcp.fetch_permissions import PERMISSIONS
from tests.live_gcp import estate as e
from tests.live_gcp.fake_gcp import FakeGcp
from tests.live_gcp.helpers import RecordingUi, errors, files, read, run

PROJECT_FILES = (
    "iam-policy.json",
    "deny-policies.json",
    "roles.json",
    "service-accounts.json",
    "workload-identity-pools.json",
    "workload-identity-providers.json",
    "compute-instances.json",
    "functions.json",
    "run-services.json",
    "reasoning-engines.json",
    "activity-key-authentication.json",
    "activity-sa-authentication.json",
)


def _expected_project(project: str) -> set[str]:
    found = {f"projects/{project}/{name}" for name in PROJECT_FILES}
    for account in e.SERVICE_ACCOUNTS[project]:
        found |= {
            f"projects/{project}/service-accounts/{account['email']}/{n}" for n in ("keys.json", "iam-policy.json")
        }
    return found


def _expected_org() -> set[str]:
    org = f"organizations/{e.ORG}"
    found = {f"{org}/{n}" for n in ("organization.json", "iam-policy.json", "folders.json", "roles.json")}
    found.add(f"{org}/deny-policies.json")
    for folder in (e.FOLDER, e.SUBFOLDER):
        found |= {f"{folder}/iam-policy.json", f"{folder}/deny-policies.json"}
    return found


@pytest.fixture
def org_collection(fake: FakeGcp, tmp_path: Path) -> Path:
    out = tmp_path / "org"
    result = run(fake, out, organization=e.ORG)
    assert result.complete, [f.line() for f in result.failures]
    assert result.projects == (e.ALPHA, e.BETA) or set(result.projects) == {e.ALPHA, e.BETA}
    return out


def test_organization_writes_exactly_the_convention(org_collection: Path) -> None:
    expected = {"projects.json", ".nhi-scan-collect.json"} | _expected_org()
    expected |= _expected_project(e.ALPHA) | _expected_project(e.BETA)
    assert files(org_collection) == expected


def test_hierarchy_in_gcloud_shapes(org_collection: Path) -> None:
    projects = {p["projectId"]: p for p in read(org_collection, "projects.json")}
    assert projects[e.ALPHA] == {
        "projectId": e.ALPHA,
        "projectNumber": e.ALPHA_NUMBER,
        "name": "Alpha prod",
        "lifecycleState": "ACTIVE",
        "parent": {"type": "folder", "id": "333333333333"},
        "createTime": "2023-01-05T10:00:00.123000Z",
        "labels": {"env": "prod"},
    }
    assert projects[e.BETA]["parent"] == {"type": "organization", "id": e.ORG}
    organization = read(org_collection, f"organizations/{e.ORG}/organization.json")
    assert organization["owner"] == {"directoryCustomerId": "C0abc1234"}
    assert (organization["name"], organization["lifecycleState"]) == (f"organizations/{e.ORG}", "ACTIVE")
    assert organization["creationTime"] == "2019-03-01T09:00:00Z"
    folders = read(org_collection, f"organizations/{e.ORG}/folders.json")
    assert [(f["name"], f["parent"], f["lifecycleState"]) for f in folders] == [
        (e.FOLDER, f"organizations/{e.ORG}", "ACTIVE"),
        (e.SUBFOLDER, e.FOLDER, "ACTIVE"),
    ]


def test_policies_roles_and_deny_rules(org_collection: Path) -> None:
    for resource in (f"organizations/{e.ORG}", e.FOLDER, e.SUBFOLDER, f"projects/{e.ALPHA}", f"projects/{e.BETA}"):
        assert read(org_collection, f"{resource}/iam-policy.json") == e.POLICIES[resource]
    org_policy = read(org_collection, f"organizations/{e.ORG}/iam-policy.json")
    assert org_policy["bindings"][1]["condition"]["title"] == "business hours"
    roles = read(org_collection, f"projects/{e.ALPHA}/roles.json")
    assert roles[0]["includedPermissions"] == ["iam.serviceAccountKeys.create", "iam.serviceAccounts.get"]
    assert read(org_collection, f"organizations/{e.ORG}/roles.json")[0]["name"].endswith("/roles/orgAuditor")
    deny = read(org_collection, f"projects/{e.ALPHA}/deny-policies.json")
    assert deny[0]["rules"][0]["denyRule"]["deniedPermissions"] == ["iam.googleapis.com/serviceAccountKeys.create"]
    assert deny[0]["kind"] == "DenyPolicy"
    assert read(org_collection, f"projects/{e.BETA}/deny-policies.json") == []


def test_service_accounts_keys_and_their_policies(org_collection: Path) -> None:
    base = f"projects/{e.ALPHA}"
    accounts = read(org_collection, f"{base}/service-accounts.json")
    assert [(a["email"], a["uniqueId"]) for a in accounts] == [
        (a["email"], a["uniqueId"]) for a in e.SERVICE_ACCOUNTS[e.ALPHA]
    ]
    assert next(a for a in accounts if a["email"] == e.RUNNER)["disabled"] is True
    keys = read(org_collection, f"{base}/service-accounts/{e.DEPLOYER}/keys.json")
    assert [(k["keyType"], k["validAfterTime"]) for k in keys] == [
        ("USER_MANAGED", "2023-02-01T00:00:00Z"),
        ("SYSTEM_MANAGED", "2024-12-01T00:00:00Z"),
    ]
    assert keys[0]["validBeforeTime"] == "9999-12-31T23:59:59Z"
    assert all("privateKeyData" not in k for k in keys)
    exposed = read(org_collection, f"{base}/service-accounts/{e.RUNNER}/keys.json")[0]
    assert exposed["disableReason"] == "SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED"
    assert exposed["extendedStatus"][0]["key"] == "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED"
    policy = read(org_collection, f"{base}/service-accounts/{e.DEPLOYER}/iam-policy.json")
    assert policy["bindings"] == e.ACCOUNT_POLICIES[e.DEPLOYER]["bindings"]
    assert read(org_collection, f"{base}/service-accounts/{e.COMPUTE_SA}/iam-policy.json") == {"etag": "ACAB"}


def test_federation_workloads_and_activity(org_collection: Path) -> None:
    base = f"projects/{e.ALPHA}"
    assert [p["name"] for p in read(org_collection, f"{base}/workload-identity-pools.json")] == [e.POOL]
    provider = read(org_collection, f"{base}/workload-identity-providers.json")[0]
    assert provider["name"].startswith(f"{e.POOL}/providers/")
    assert provider["oidc"]["issuerUri"] == "https://token.actions.githubusercontent.com"
    instances = read(org_collection, f"{base}/compute-instances.json")
    assert sorted(i["name"] for i in instances) == ["batch-1", "web-1"]  # two pages of the aggregated list
    assert instances[0]["serviceAccounts"][0]["email"] == e.COMPUTE_SA
    assert {"key": "startup-script"} in instances[0]["metadata"]["items"]
    assert {"key": "enable-oslogin", "value": "TRUE"} in instances[0]["metadata"]["items"]
    functions = read(org_collection, f"{base}/functions.json")
    assert [f["environment"] for f in functions] == ["GEN_2", "GEN_1"]
    assert functions[0]["serviceConfig"] == {"serviceAccountEmail": e.DEPLOYER}
    engines = read(org_collection, f"{base}/reasoning-engines.json")
    assert [(g["displayName"], g["spec"]["serviceAccount"]) for g in engines] == [("support-agent", e.DEPLOYER)]
    assert engines[0]["spec"]["deploymentSpec"]["env"] == [{"name": "MODEL_KEY"}]
    run_service = read(org_collection, f"projects/{e.BETA}/run-services.json")[0]
    spec = run_service["spec"]["template"]["spec"]
    assert spec["serviceAccountName"] == e.CI
    assert spec["containers"][0]["env"][0] == {"name": "DB_PASSWORD"}
    assert "valueFrom" in spec["containers"][0]["env"][1]
    key_use = read(org_collection, f"{base}/activity-key-authentication.json")
    assert key_use[0]["activity"]["lastAuthenticatedTime"] == "2025-01-01T07:00:00Z"
    assert read(org_collection, f"{base}/activity-sa-authentication.json")[0]["activityType"] == (
        "serviceAccountLastAuthentication"
    )
    # The API is off in beta-dev (Compute Engine, Vertex AI): nothing of it can run there, which is not a failure.
    assert read(org_collection, f"projects/{e.BETA}/compute-instances.json") == []
    assert read(org_collection, f"projects/{e.BETA}/reasoning-engines.json") == []


def test_no_secret_value_is_written(org_collection: Path) -> None:
    for path in org_collection.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [secret for secret in e.SECRETS if secret in text], path


def test_only_reads_each_needing_a_permission_of_the_role(fake: FakeGcp, org_collection: Path) -> None:
    calls = list(fake.calls)
    assert calls
    writes = [
        (c.method, c.path)
        for c in calls
        if c.method != "GET" and not (c.method == "POST" and c.path.endswith(":getIamPolicy"))
    ]
    assert not writes
    assert not [c.path for c in calls if c.path.endswith(":testIamPermissions")]
    assert {c.permission for c in calls} <= set(PERMISSIONS)  # also: no call without a route (None)
    policy_posts = [c for c in calls if c.method == "POST" and c.path.startswith("/v3/")]
    assert policy_posts and all(c.json() == {"options": {"requestedPolicyVersion": 3}} for c in policy_posts)
    account_posts = [c for c in calls if c.method == "POST" and c.path.startswith("/v1/")]
    assert account_posts and all(c.query["options.requestedPolicyVersion"] == ["3"] for c in account_posts)
    key_lists = [c for c in calls if c.path.endswith("/keys")]
    assert all(c.query["keyTypes"] == ["USER_MANAGED", "SYSTEM_MANAGED"] for c in key_lists)
    assert any("/denypolicies/" in c.path for c in calls)  # each policy read again for its rules
    assert all(c.param("view") == "FULL" for c in calls if c.path.endswith("/roles"))


def test_pages_are_followed(fake: FakeGcp, org_collection: Path) -> None:
    tokens = [c.param("pageToken") for c in fake.calls if c.path == f"/v1/projects/{e.ALPHA}/serviceAccounts"]
    assert tokens == [None, "1", "2"]


@pytest.mark.parametrize("mode", ["organization", "projects"])
def test_a_denied_project_is_recorded_and_the_other_collected(fake: FakeGcp, tmp_path: Path, mode: str) -> None:
    fake.denied.add(e.BETA)
    options = {"organization": e.ORG} if mode == "organization" else {"projects": (e.ALPHA, e.BETA)}
    ui = RecordingUi()
    result = run(fake, tmp_path / "out", ui=ui, **options)
    out = tmp_path / "out"
    assert result.failed_projects == (e.BETA,)
    assert not result.complete
    [record] = errors(out)
    assert record["Provider"] == "gcp"
    assert record["Account"] == f"projects/{e.BETA}"
    assert (record["Phase"], record["Impact"]) == ("project", "project not scanned")
    assert record["Call"] in ("resourcemanager.projects.getIamPolicy", "resourcemanager.projects.get")
    assert record["Error"].startswith("HTTP 403")
    assert set(record) == {"Provider", "Account", "Region", "Phase", "Call", "Error", "Impact"}
    assert not [f for f in files(out) if f.startswith(f"projects/{e.BETA}/")]
    assert _expected_project(e.ALPHA) <= files(out)
    assert ui.finished_scopes[f"project {e.BETA}"] == ("not scanned", False)
    assert ui.finished_scopes[f"project {e.ALPHA}"] == ("done", True)
    assert any(f"projects/{e.BETA}" in w for w in ui.warnings)


def test_throttling_and_server_errors_are_retried(fake: FakeGcp, tmp_path: Path) -> None:
    fake.fail_next(rf"^/v3/projects/{e.ALPHA}:getIamPolicy$", 429)  # through the resource-manager library
    fake.fail_next(rf"^/v1/projects/{e.ALPHA}/serviceAccounts$", 429)
    fake.fail_next(r"/aggregated/instances$", 503, times=2)
    result = run(fake, tmp_path / "out", projects=(e.ALPHA,))
    assert result.complete, [f.line() for f in result.failures]
    paths = [c.path for c in fake.calls]
    assert paths.count(f"/v3/projects/{e.ALPHA}:getIamPolicy") == 2
    assert paths.count(f"/v1/projects/{e.ALPHA}/serviceAccounts") == 4  # 429, then the three pages
    assert paths.count(f"/compute/v1/projects/{e.ALPHA}/aggregated/instances") == 4  # 503 twice, then two pages
    assert len(read(tmp_path / "out", f"projects/{e.ALPHA}/compute-instances.json")) == 2


def test_throttling_that_persists_is_one_failure_and_the_rest_is_collected(fake: FakeGcp, tmp_path: Path) -> None:
    fake.fail_next(r"/locations/-/functions$", 429, times=100)
    out = tmp_path / "out"
    result = run(fake, out, projects=(e.ALPHA,))
    [record] = errors(out)
    assert (record["Phase"], record["Call"]) == ("cloud functions", "cloudfunctions.functions.list")
    assert record["Error"].startswith("HTTP 429")
    assert result.failed_projects == ()
    assert f"projects/{e.ALPHA}/functions.json" not in files(out)
    assert f"projects/{e.ALPHA}/run-services.json" in files(out)


def test_visible_projects_without_options(fake: FakeGcp, tmp_path: Path) -> None:
    result = run(fake, tmp_path / "out")
    assert set(result.projects) == {e.ALPHA, e.BETA}
    searches = [c for c in fake.calls if c.path == "/v3/projects:search"]
    assert all(c.param("query") == "state:ACTIVE" for c in searches)
    assert [c.param("pageToken") for c in searches] == [None, "1"]  # the library's pager follows the pages
    assert not [f for f in files(tmp_path / "out") if f.startswith(("organizations/", "folders/"))]


def test_impersonation_mints_a_token_and_uses_it(fake: FakeGcp, tmp_path: Path) -> None:
    from google.oauth2 import credentials

    source: Any = credentials.Credentials  # not annotated by google-auth
    target = "scanner@audit-prj.iam.gserviceaccount.com"
    result = run(fake, tmp_path / "out", projects=(e.ALPHA,), impersonate=target, credentials=source("source"))
    assert result.complete and result.caller == target
    first, *rest = fake.calls
    assert first.path == f"/v1/projects/-/serviceAccounts/{target}:generateAccessToken"
    assert first.headers["authorization"] == "Bearer source"
    assert first.json()["scope"] == ["https://www.googleapis.com/auth/cloud-platform"]
    assert {c.headers.get("authorization") for c in rest} == {f"Bearer impersonated-{target}"}
    manifest = json.loads((tmp_path / "out" / ".nhi-scan-collect.json").read_text())
    assert manifest["caller"] == target and "impersonated-" not in json.dumps(manifest)


def test_application_default_credentials_from_a_key_file(
    fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real ADC lookup (GOOGLE_APPLICATION_CREDENTIALS) and token refresh, against the fake token endpoint.

    The key is generated here for the fake server only; it is nothing's credential."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from nhi_scan.connectors.gcp.fetch import FetchOptions, collect
    from nhi_scan.connectors.gcp.fetch_http import GcpEndpoints
    from tests.live_gcp.helpers import FAST_RETRY

    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    info = {
        "type": "service_account",
        "project_id": "audit-prj",
        "private_key_id": "0" * 40,
        "private_key": pem.decode(),
        "client_email": "scanner@audit-prj.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": f"{fake.base}/token",
    }
    path = tmp_path / "throwaway-test-key.json"
    path.write_text(json.dumps(info))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(path))
    options = FetchOptions(projects=(e.ALPHA,), endpoints=GcpEndpoints.single(fake.base), retry=FAST_RETRY)
    result = collect(tmp_path / "out", options)
    assert result.complete and result.caller == "scanner@audit-prj.iam.gserviceaccount.com"
    assert [c.path for c in fake.calls].count("/token") == 1
    iam_calls = [c for c in fake.calls if c.path.startswith("/v1/projects/")]
    assert iam_calls and {c.headers["authorization"] for c in iam_calls} == {"Bearer adc-token"}
    assert "throwaway" not in (tmp_path / "out" / ".nhi-scan-collect.json").read_text()
