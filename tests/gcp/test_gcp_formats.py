"""Every GCP input format of nhi_scan/connectors/gcp/README.md is recognised by its content (whatever the file is
called) and read into the right inventory facts; bare get-iam-policy answers take their resource from the
directory convention, and nowhere else. Tests marked xfail(strict) record a bug: they state what a correct scanner
does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import IdentityKind, Inventory, PolicyKind, ScanResult, ScopeKind, SourceStatus

NOW = datetime(2026, 11, 29, tzinfo=UTC)
NOW_TEXT = "2026-11-29T00:00:00Z"


def email(name: str, project: str = "p1") -> str:
    return f"{name}@{project}.iam.gserviceaccount.com"


def sa(name: str, project: str = "p1") -> str:
    return f"serviceAccount:{email(name, project)}"


A, B, C = sa("a"), sa("b"), sa("c")
AGENT = "serviceAccount:service-111@gcp-sa-aiplatform-re.iam.gserviceaccount.com"


def account(name: str, project: str = "p1", unique_id: str | None = None) -> dict[str, Any]:
    return {
        "email": email(name, project),
        "name": f"projects/{project}/serviceAccounts/{email(name, project)}",
        "projectId": project,
        "uniqueId": unique_id or f"10{sum(map(ord, name + project)):019d}",
        "displayName": name,
    }


def key(name: str, key_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "name": f"projects/p1/serviceAccounts/{email(name)}/keys/{key_id}",
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": "USER_MANAGED",
        **fields,
    }


def policy(*bindings: tuple[str, list[str]]) -> dict[str, Any]:
    return {"version": 1, "etag": "BwX1", "bindings": [{"role": r, "members": m} for r, m in bindings]}


def write(root: Path, relative: str, value: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NHI_SCAN_DEBUG"}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def instance(name: str, zone: str, *emails: str, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "compute#instance",
        "name": name,
        "zone": f"https://www.googleapis.com/compute/v1/projects/p1/zones/{zone}",
        "machineType": f"https://www.googleapis.com/compute/v1/projects/p1/zones/{zone}/machineTypes/e2-small",
        "serviceAccounts": [{"email": e, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]} for e in emails],
        **fields,
    }


def activity(kind: str, resource: str, last: str, start: str = "2025-06-01T07:00:00Z") -> dict[str, Any]:
    inner = "serviceAccountKey" if kind == "serviceAccountKeyLastAuthentication" else "serviceAccount"
    return {
        "activity": {"lastAuthenticatedTime": last, inner: {"fullResourceName": resource}},
        "activityType": kind,
        "fullResourceName": resource,
        "observationPeriod": {"startTime": start, "endTime": "2026-11-28T08:00:00Z"},
    }


SA_RESOURCE = f"//iam.googleapis.com/projects/p1/serviceAccounts/{email('a')}"

#: name -> (document, the format that must recognise it). Each is written under an unrelated file name.
DOCUMENTS: dict[str, tuple[object, str]] = {
    "service-accounts-gcloud": ([account("a"), account("b")], "gcp-service-accounts"),
    "service-accounts-rest-page": ({"accounts": [account("c")], "nextPageToken": "tok"}, "gcp-service-accounts"),
    "keys-gcloud": (
        [
            key("a", "k-old", validAfterTime="2025-10-25T09:14:27.123456789Z", validBeforeTime="9999-12-31T23:59:59Z"),
            key("a", "k-sys", keyType="SYSTEM_MANAGED", validAfterTime="2026-11-21T03:17:40Z"),
        ],
        "gcp-service-account-keys",
    ),
    "keys-rest-page": (
        {"keys": [key("a", "k-new", validAfterTime="2026-10-30T16:02:51Z", validBeforeTime="2027-01-28T16:02:51Z")]},
        "gcp-service-account-keys",
    ),
    "role-describe": (
        {"name": "projects/p1/roles/r1", "title": "R1", "includedPermissions": ["storage.objects.get"], "stage": "GA"},
        "gcp-roles",
    ),
    "roles-list": (
        [
            {
                "name": "organizations/333/roles/r2",
                "title": "R2",
                "includedPermissions": ["iam.roles.get"],
                "stage": "GA",
            }
        ],
        "gcp-roles",
    ),
    "predefined-role-describe": (
        {"name": "roles/viewer", "title": "Viewer", "includedPermissions": ["storage.buckets.list"], "stage": "GA"},
        "gcp-roles",
    ),
    "projects-v1": (
        [
            {
                "projectId": "p1",
                "projectNumber": "111",
                "name": "Project One",
                "lifecycleState": "ACTIVE",
                "parent": {"type": "folder", "id": "222"},
                "createTime": "2021-09-06T12:03:27.640Z",
            }
        ],
        "gcp-projects",
    ),
    "projects-v3": (
        {
            "projects": [
                {
                    "name": "projects/112",
                    "projectId": "p2",
                    "parent": "organizations/333",
                    "state": "ACTIVE",
                    "displayName": "Project Two",
                }
            ]
        },
        "gcp-projects",
    ),
    "folders-list": (
        [{"name": "folders/222", "displayName": "prod", "parent": "organizations/333", "lifecycleState": "ACTIVE"}],
        "gcp-folders",
    ),
    "folders-v3-page": (
        {"folders": [{"name": "folders/223", "displayName": "team", "parent": "folders/222", "state": "ACTIVE"}]},
        "gcp-folders",
    ),
    "organization-describe": (
        {
            "name": "organizations/333",
            "displayName": "ex.com",
            "lifecycleState": "ACTIVE",
            "owner": {"directoryCustomerId": "C0x"},
        },
        "gcp-folders",
    ),
    "deny-policies-list": (
        [
            {
                "name": "policies/cloudresourcemanager.googleapis.com%2Fprojects%2F111/denypolicies/no-keys",
                "kind": "DenyPolicy",
                "rules": [
                    {
                        "denyRule": {
                            "deniedPrincipals": ["principalSet://goog/public:all"],
                            "deniedPermissions": ["iam.googleapis.com/serviceAccountKeys.create"],
                        }
                    }
                ],
            }
        ],
        "gcp-deny-policies",
    ),
    "deny-policy-get": (
        {
            "name": "policies/cloudresourcemanager.googleapis.com%2Ffolders%2F222/denypolicies/no-owner",
            "kind": "DenyPolicy",
            "rules": [
                {
                    "denyRule": {
                        "deniedPrincipals": [f"principal://iam.googleapis.com/projects/-/serviceAccounts/{email('b')}"],
                        "deniedPermissions": ["cloudresourcemanager.googleapis.com/projects.setIamPolicy"],
                        "denialCondition": {"expression": "resource.matchTag('333/env', 'prod')"},
                    }
                }
            ],
        },
        "gcp-deny-policies",
    ),
    "pool-providers": (
        [
            {
                "name": "projects/111/locations/global/workloadIdentityPools/gh/providers/gh-actions",
                "oidc": {"issuerUri": "https://token.actions.githubusercontent.com"},
                "attributeMapping": {"google.subject": "assertion.sub"},
                "attributeCondition": "assertion.repository_owner == 'ex'",
                "state": "ACTIVE",
            }
        ],
        "gcp-workload-identity",
    ),
    "pools": (
        [{"name": "projects/111/locations/global/workloadIdentityPools/gh", "state": "ACTIVE"}],
        "gcp-workload-identity",
    ),
    "compute-instances": ([instance("vm1", "us-central1-a", email("a"), labels={"app": "web"})], "gcp-workloads"),
    "compute-aggregated": (
        {
            "kind": "compute#instanceAggregatedList",
            "items": {
                "zones/europe-west1-b": {"instances": [instance("vm2", "europe-west1-b", email("a"))]},
                "zones/us-east1-b": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "no instances"}},
            },
        },
        "gcp-workloads",
    ),
    "functions-v1": (
        [
            {
                "name": "projects/p1/locations/us-central1/functions/f1",
                "serviceAccountEmail": email("a"),
                "runtime": "python312",
                "entryPoint": "main",
            }
        ],
        "gcp-workloads",
    ),
    "functions-v2": (
        [
            {
                "name": "projects/p1/locations/europe-west1/functions/f2",
                "environment": "GEN_2",
                "buildConfig": {"runtime": "python312", "entryPoint": "main"},
                "serviceConfig": {"serviceAccountEmail": email("b")},
            }
        ],
        "gcp-workloads",
    ),
    "run-knative": (
        [
            {
                "apiVersion": "serving.knative.dev/v1",
                "kind": "Service",
                "metadata": {
                    "name": "svc1",
                    "namespace": "111",
                    "labels": {"cloud.googleapis.com/location": "us-central1"},
                },
                "spec": {"template": {"spec": {"serviceAccountName": email("a")}}},
            }
        ],
        "gcp-workloads",
    ),
    "run-v2": (
        {
            "services": [
                {"name": "projects/p1/locations/us-east1/services/svc2", "template": {"serviceAccount": email("b")}}
            ]
        },
        "gcp-workloads",
    ),
    "reasoning-engines": (
        {
            "reasoningEngines": [
                {
                    "name": "projects/111/locations/us-central1/reasoningEngines/42",
                    "displayName": "support-agent",
                    "spec": {"serviceAccount": email("b"), "agentFramework": "google-adk"},
                },
                {"name": "projects/111/locations/us-central1/reasoningEngines/43", "displayName": "default-agent"},
            ]
        },
        "gcp-workloads",
    ),
    "activity-accounts": (
        [activity("serviceAccountLastAuthentication", SA_RESOURCE, "2026-11-20T08:00:00.123456789Z")],
        "gcp-activity",
    ),
    "activity-keys-page": (
        {
            "activities": [
                activity("serviceAccountKeyLastAuthentication", f"{SA_RESOURCE}/keys/k-old", "2026-11-21T08:00:00Z")
            ]
        },
        "gcp-activity",
    ),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_format_is_recognised_by_its_content(tmp_path: Path, name: str) -> None:
    document, kind = DOCUMENTS[name]
    path = write(tmp_path, "export-0042.json", document)
    result = run_scan([path], now=NOW)
    assert [(s.status, s.kind) for s in result.sources] == [(SourceStatus.USED, kind)], result.sources


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """All the documents above, each under a meaningless name, and the project policy (a bare policy: by path)."""
    root = tmp_path_factory.mktemp("gcp-formats")
    for index, (document, _) in enumerate(DOCUMENTS.values()):
        write(root, f"dump/{index:03d}.json", document)
    write(root, "projects/p1/iam-policy.json", policy(("roles/aiplatform.serviceAgent", [AGENT])))
    result = run_scan([root], now=NOW)
    assert result.complete and all(s.status is SourceStatus.USED for s in result.sources), result.sources
    return result


def identities(inventory: Inventory) -> dict[str, Any]:
    return {i.id: i for i in inventory.identities}


def test_service_account_list_and_rest_page(estate: ScanResult) -> None:
    found = identities(estate.inventory)
    for member in (A, B, C):
        identity = found[member]
        assert identity.kind is IdentityKind.SERVICE_ACCOUNT and identity.scope == "p1" and identity.machine
        assert identity.attributes["unique_id"]


def test_keys_user_managed_only_with_nanosecond_times(estate: ScanResult) -> None:
    keys = {c.id: c for c in identities(estate.inventory)[A].credentials}
    assert set(keys) == {"k-old", "k-new"}  # the system-managed key is Google's
    old = keys["k-old"]
    assert old.created == datetime(2025, 10, 25, 9, 14, 27, 123456, tzinfo=UTC)
    assert old.expires is None and old.attributes["never_expires"] is True
    assert keys["k-new"].expires == datetime(2027, 1, 28, 16, 2, 51, tzinfo=UTC)
    assert old.last_used == datetime(2026, 11, 21, 8, tzinfo=UTC)
    assert keys["k-new"].never_used  # the key answer covers p1 and does not list it


def test_roles_describe_and_list(estate: ScanResult) -> None:
    roles = {p.id: p for p in estate.inventory.policies}
    assert set(roles) == {"projects/p1/roles/r1", "organizations/333/roles/r2"}  # roles/viewer is bundled
    document = roles["projects/p1/roles/r1"].default_document
    assert document is not None and document["includedPermissions"] == ["storage.objects.get"]


def test_projects_v1_and_v3_folders_and_organization(estate: ScanResult) -> None:
    scopes = {s.id: s for s in estate.inventory.hierarchy}
    assert scopes["organizations/333"].kind is ScopeKind.ORGANIZATION
    assert (scopes["folders/222"].kind, scopes["folders/222"].parent) == (ScopeKind.FOLDER, "organizations/333")
    assert scopes["folders/223"].parent == "folders/222"
    assert (scopes["projects/p1"].parent, scopes["projects/p1"].attributes["project_number"]) == ("folders/222", "111")
    assert (scopes["projects/p2"].parent, scopes["projects/p2"].attributes["project_number"]) == (
        "organizations/333",
        "112",
    )
    assert {s for p, s in estate.inventory.scopes if p == "gcp"} >= {"p1", "p2"}


def test_deny_policies_list_and_get(estate: ScanResult) -> None:
    deny = {g.policy_name: g for g in estate.inventory.grants if g.policy_kind is PolicyKind.DENY_POLICY}
    assert deny["no-keys"].resource_scope == "projects/p1"  # attached by project number
    assert deny["no-keys"].document["deniedPermissions"] == ["iam.googleapis.com/serviceAccountKeys.create"]
    assert deny["no-owner"].resource_scope == "folders/222"
    assert deny["no-owner"].condition == {"expression": "resource.matchTag('333/env', 'prod')"}


def test_pool_providers_and_pools(estate: ScanResult) -> None:
    (provider,) = estate.inventory.identity_providers
    assert provider.issuer == "token.actions.githubusercontent.com"
    assert provider.condition == "assertion.repository_owner == 'ex'" and provider.enabled
    assert provider.attributes["pool"] == "projects/p1/locations/global/workloadIdentityPools/gh"


def test_workloads_of_every_shape(estate: ScanResult) -> None:
    found = {(w.id, w.kind, w.scope, w.identity_id, w.attributes["region"]) for w in estate.inventory.workloads}
    assert found == {
        ("projects/p1/zones/us-central1-a/instances/vm1", "compute-instance", "p1", A, "us-central1"),
        ("projects/p1/zones/europe-west1-b/instances/vm2", "compute-instance", "p1", A, "europe-west1"),
        ("projects/p1/locations/us-central1/functions/f1", "cloud-function", "p1", A, "us-central1"),
        ("projects/p1/locations/europe-west1/functions/f2", "cloud-function", "p1", B, "europe-west1"),
        ("projects/p1/locations/us-central1/services/svc1", "cloud-run-service", "p1", A, "us-central1"),
        ("projects/p1/locations/us-east1/services/svc2", "cloud-run-service", "p1", B, "us-east1"),
        ("projects/p1/locations/us-central1/reasoningEngines/42", "reasoning-engine", "p1", B, "us-central1"),
        ("projects/p1/locations/us-central1/reasoningEngines/43", "reasoning-engine", "p1", AGENT, "us-central1"),
    }
    vm1 = next(w for w in estate.inventory.workloads if w.name == "vm1")
    assert vm1.application == "web"


def test_reasoning_engines_mark_their_identities_as_agents(estate: ScanResult) -> None:
    found = identities(estate.inventory)
    assert "support-agent" in (found[B].agent_reason or "")
    assert "default-agent" in (found[AGENT].agent_reason or "") and found[AGENT].provider_managed
    assert found[A].agent_reason is None


def test_activity_answers_with_nanoseconds(estate: ScanResult) -> None:
    found = identities(estate.inventory)
    assert found[A].last_used == datetime(2026, 11, 20, 8, 0, 0, 123456, tzinfo=UTC)
    assert found[A].usage_tracked_since == datetime(2025, 6, 1, 7, tzinfo=UTC)
    assert found[B].last_used is None and found[B].last_used_known  # covered by the answer, not listed in it


def test_empty_activity_answer_is_named_by_its_file(tmp_path: Path) -> None:
    write(tmp_path, "projects.json", [{"projectId": "p1", "projectNumber": "111"}, {"projectId": "p2"}])
    write(tmp_path, "projects/p1/service-accounts.json", [account("a")])
    write(tmp_path, "projects/p2/service-accounts.json", [account("d", "p2")])
    write(tmp_path, f"projects/p1/service-accounts/{email('a')}/keys.json", [key("a", "k1", validAfterTime=NOW_TEXT)])
    write(tmp_path, "projects/p1/activity-sa-authentication.json", [])
    write(tmp_path, "projects/p1/activity-key-authentication.json", [])
    result = run_scan([tmp_path], now=NOW)
    kinds = {Path(s.path).name: (s.status, s.kind) for s in result.sources}
    assert kinds["activity-sa-authentication.json"] == (SourceStatus.USED, "gcp-activity")
    assert kinds["activity-key-authentication.json"] == (SourceStatus.USED, "gcp-activity")
    found = identities(result.inventory)
    assert found[A].last_used_known and found[A].last_used is None
    assert found[A].credentials[0].never_used
    assert not found[sa("d", "p2")].last_used_known  # the answers cover p1 only


# -- bare policies and the directory convention --------------------------------------------------------------------


def _convention_estate(root: Path) -> None:
    write(root, "projects.json", [{"projectId": "p1", "projectNumber": "111", "lifecycleState": "ACTIVE"}])
    write(root, "projects/p1/service-accounts.json", [account("a"), account("b")])


@pytest.mark.parametrize(
    ("relative", "resource"),
    [
        ("projects/p1/iam-policy.json", "projects/p1"),
        ("projects/111/iam-policy.json", "projects/p1"),
        ("folders/222/iam-policy.json", "folders/222"),
        ("organizations/333/iam-policy.json", "organizations/333"),
        (f"projects/p1/service-accounts/{email('b')}/iam-policy.json", f"projects/p1/serviceAccounts/{email('b')}"),
        (f"projects/p1/serviceAccounts/{email('b')}/iam-policy.json", f"projects/p1/serviceAccounts/{email('b')}"),
        ("projects/p1/buckets/reports/iam-policy.json", "projects/p1/buckets/reports"),
        ("projects/p1/secrets/api-token/iam-policy.json", "projects/p1/secrets/api-token"),
        ("projects/p1/topics/events/iam-policy.json", "projects/p1/topics/events"),
        ("projects/p1/datasets/sales/iam-policy.json", "projects/p1/datasets/sales"),
    ],
)
def test_bare_policy_takes_its_resource_from_the_convention(tmp_path: Path, relative: str, resource: str) -> None:
    _convention_estate(tmp_path)
    write(tmp_path, relative, policy(("roles/viewer", [A])))
    result = run_scan([tmp_path], now=NOW)
    assert result.complete
    grants = [(g.principal_id, g.policy_id, g.resource_scope) for g in result.inventory.grants]
    assert grants == [(A, "roles/viewer", resource)]
    source = next(s for s in result.sources if s.path.endswith(relative))
    assert source.kind == "gcp-iam-policy"


@pytest.mark.parametrize("relative", ["policy.json", "exports/iam-policy.json", "buckets/reports/iam-policy.json"])
def test_bare_policy_outside_the_convention_is_an_error_naming_the_file(tmp_path: Path, relative: str) -> None:
    _convention_estate(tmp_path)
    path = write(tmp_path, relative, policy(("roles/owner", [A])))
    result = run_scan([tmp_path], now=NOW)
    (source,) = [s for s in result.sources if s.path == str(path)]
    assert source.status is SourceStatus.ERROR
    assert source.detail.startswith(str(path)) and "projects/ID/iam-policy.json" in source.detail
    assert not result.complete and not result.inventory.grants
    assert {i.id for i in result.inventory.identities} == {A, B}  # the rest is read

    single = run_cli(path, "--now", NOW_TEXT)
    assert single.returncode == 2 and "Traceback" not in single.stderr
    lines = [line for line in single.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(path) in lines[0] and "resource" in lines[0]


def test_policy_below_an_unknown_collection_is_not_the_projects(tmp_path: Path) -> None:
    _convention_estate(tmp_path)
    path = write(tmp_path, "projects/p1/instances/vm1/iam-policy.json", policy(("roles/owner", [A])))
    result = run_scan([tmp_path], now=NOW)
    assert not [g for g in result.inventory.grants if g.resource_scope == "projects/p1"]
    assert not any(f.check_id == "admin-identity" for f in result.findings)
    source = next(s for s in result.sources if s.path == str(path))
    assert source.status is SourceStatus.ERROR or all(
        g.resource_scope == "projects/p1/instances/vm1" for g in result.inventory.grants
    )


def test_convention_is_read_below_the_scanned_directory(tmp_path: Path) -> None:
    root = tmp_path / "projects" / "export"  # e.g. ~/projects/gcp-export, a common place for a checkout
    _convention_estate(root)
    path = write(root, "iam-policy.json", policy(("roles/owner", [A])))
    result = run_scan([root], now=NOW)
    assert [g.resource_scope for g in result.inventory.grants] == []
    assert next(s for s in result.sources if s.path == str(path)).status is SourceStatus.ERROR


def test_unrelated_object_with_an_items_map_is_not_a_compute_list(tmp_path: Path) -> None:
    write(tmp_path, "projects.json", [{"projectId": "p1", "projectNumber": "111"}])
    path = write(tmp_path, "inventory.json", {"items": {"alpha": 1, "beta": {"colour": "red"}}})
    result = run_scan([tmp_path], now=NOW)
    assert next(s for s in result.sources if s.path == str(path)).status is SourceStatus.SKIPPED


# -- whole-organisation forms ------------------------------------------------------------------------------------


ANCESTORS = ["projects/111", "folders/222", "organizations/333"]


def _assets(camel: bool) -> list[dict[str, Any]]:
    kind, policy_key = ("assetType", "iamPolicy") if camel else ("asset_type", "iam_policy")
    project = "//cloudresourcemanager.googleapis.com/projects/111"

    def asset(name: str, asset_type: str, **fields: Any) -> dict[str, Any]:
        return {"name": name, kind: asset_type, "ancestors": ANCESTORS, **fields}

    def resource(data: dict[str, Any]) -> dict[str, Any]:
        return {"resource": {"version": "v1", "parent": project, "data": data}}

    b_uid = "105000000000000000002"
    return [
        asset(
            "//cloudresourcemanager.googleapis.com/folders/222",
            "cloudresourcemanager.googleapis.com/Folder",
            **resource({"name": "folders/222", "displayName": "prod", "parent": "organizations/333"}),
            ancestors=ANCESTORS[1:],
        ),
        asset(
            project,
            "cloudresourcemanager.googleapis.com/Project",
            **resource(
                {"projectId": "p1", "projectNumber": "111", "parent": {"type": "folder", "id": "222"}, "name": "One"}
            ),
        ),
        asset(
            f"//iam.googleapis.com/projects/p1/serviceAccounts/{email('a')}",
            "iam.googleapis.com/ServiceAccount",
            **resource(account("a", unique_id="105000000000000000001")),
        ),
        asset(
            f"//iam.googleapis.com/projects/p1/serviceAccounts/{b_uid}",
            "iam.googleapis.com/ServiceAccount",
            **resource(account("b", unique_id=b_uid)),
        ),
        asset(
            f"//iam.googleapis.com/projects/p1/serviceAccounts/{b_uid}/keys/k9",
            "iam.googleapis.com/ServiceAccountKey",
            **resource(key("b", "k9", validAfterTime="2024-01-01T00:00:00.5Z", validBeforeTime="9999-12-31T23:59:59Z")),
        ),
        asset(
            "//storage.googleapis.com/reports",
            "storage.googleapis.com/Bucket",
            **resource({"name": "reports", "projectNumber": "111"}),
        ),
        asset(  # a type nhi-scan does not read: counted (with its content, as every line of a resource export)
            "//compute.googleapis.com/projects/p1/global/networks/default",
            "compute.googleapis.com/Network",
            **resource({"name": "default"}),
        ),
        asset(project, "cloudresourcemanager.googleapis.com/Project", **{policy_key: policy(("roles/owner", [B]))}),
        asset(
            "//storage.googleapis.com/reports",
            "storage.googleapis.com/Bucket",
            **{policy_key: policy(("roles/storage.objectViewer", ["allUsers"]))},
        ),
        asset(
            f"//iam.googleapis.com/projects/p1/serviceAccounts/{b_uid}",
            "iam.googleapis.com/ServiceAccount",
            **{policy_key: policy(("roles/iam.serviceAccountTokenCreator", [A]))},
        ),
    ]


EXPECTED_GRANTS = {
    (B, "roles/owner", "projects/p1"),
    ("allUsers", "roles/storage.objectViewer", "projects/p1/buckets/reports"),
    (A, "roles/iam.serviceAccountTokenCreator", f"projects/p1/serviceAccounts/{email('b')}"),
}


def _check_whole_organisation(result: ScanResult) -> None:
    assert result.complete
    grants = {
        (g.principal_id, g.policy_id, g.resource_scope)
        for g in result.inventory.grants
        if g.policy_kind is PolicyKind.ROLE_BINDING
    }
    assert grants == EXPECTED_GRANTS
    found = identities(result.inventory)
    assert {A, B} <= set(found)
    assert [c.id for c in found[B].credentials] == ["k9"]
    scopes = {s.id: s.parent for s in result.inventory.hierarchy}
    assert scopes["projects/p1"] == "folders/222"
    escalation = {f.subject: f for f in result.findings if f.check_id == "privilege-escalation"}
    assert [h.target for h in escalation[A].path] == [B, "admin:gcp:projects/p1"]


def test_cloud_asset_export_ndjson(tmp_path: Path) -> None:
    path = write(tmp_path, "assets-2026-11-28", "\n".join(json.dumps(a) for a in _assets(camel=False)) + "\n")
    result = run_scan([path], now=NOW)
    assert [s.kind for s in result.sources] == ["gcp-asset-export"]
    _check_whole_organisation(result)


def test_asset_list(tmp_path: Path) -> None:
    path = write(tmp_path, "assets.json", _assets(camel=True))
    result = run_scan([path], now=NOW)
    assert [s.kind for s in result.sources] == ["gcp-asset-list"]
    _check_whole_organisation(result)


def test_search_all_iam_policies(tmp_path: Path) -> None:
    b_uid = "105000000000000000002"
    results = [
        {
            "resource": "//cloudresourcemanager.googleapis.com/projects/111",
            "assetType": "cloudresourcemanager.googleapis.com/Project",
            "project": "projects/111",
            "folders": ["folders/222"],
            "organization": "organizations/333",
            "policy": policy(("roles/owner", [B])),
        },
        {
            "resource": "//storage.googleapis.com/reports",
            "assetType": "storage.googleapis.com/Bucket",
            "project": "projects/111",
            "policy": policy(("roles/storage.objectViewer", ["allUsers"])),
        },
        {
            "resource": f"//iam.googleapis.com/projects/p1/serviceAccounts/{b_uid}",
            "assetType": "iam.googleapis.com/ServiceAccount",
            "project": "projects/111",
            "policy": policy(("roles/iam.serviceAccountTokenCreator", [A])),
        },
    ]
    search = write(tmp_path, "search.json", results)
    projects = write(tmp_path, "projects.json", [{"projectId": "p1", "projectNumber": "111"}])
    accounts = write(tmp_path, "sas.json", [account("a"), account("b", unique_id=b_uid)])
    result = run_scan([search, projects, accounts], now=NOW)
    assert result.sources[0].kind == "gcp-asset-iam-search"
    grants = {(g.principal_id, g.policy_id, g.resource_scope) for g in result.inventory.grants}
    assert grants == EXPECTED_GRANTS
