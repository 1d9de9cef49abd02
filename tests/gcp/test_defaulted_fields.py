"""Fields whose absence changes what the estate means (issue 13, from fuzz runs): a parent, an agent's account, a
search result's type or project. Each is read as the API means it when it can be, otherwise said, never guessed
in silence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import run_scan
from nhi_scan.model import ScanResult, SourceStatus

NOW = datetime(2026, 11, 29, tzinfo=UTC)
AGENT = "service-123456789@gcp-sa-aiplatform-re.iam.gserviceaccount.com"


def write(root: Path, relative: str, value: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def engine(project: str) -> dict[str, Any]:
    """A reasoning engine without spec.serviceAccount (it runs as its project's service agent)."""
    return {"name": f"projects/{project}/locations/us-central1/reasoningEngines/42", "displayName": "bot", "spec": {}}


def project(project_id: str, number: str, parent: dict[str, str] | None) -> dict[str, Any]:
    found: dict[str, Any] = {"projectId": project_id, "projectNumber": number, "lifecycleState": "ACTIVE"}
    if parent is not None:
        found["parent"] = parent
    return found


def scan(root: Path) -> ScanResult:
    return run_scan([root], now=NOW)


def test_agent_named_by_project_id_runs_as_the_service_agent_of_its_number(tmp_path: Path) -> None:
    write(tmp_path, "projects.json", [project("p1", "123456789", {"type": "organization", "id": "9"})])
    write(tmp_path, "projects/p1/reasoning-engines.json", {"reasoningEngines": [engine("p1")]})
    result = scan(tmp_path)
    (workload,) = result.inventory.workloads
    assert workload.identity_id == f"serviceAccount:{AGENT}"
    assert not [w for w in result.warnings if "reasoning engine" in w]


def test_agent_whose_project_number_is_unknown_is_said(tmp_path: Path) -> None:
    path = write(tmp_path, "projects/p1/reasoning-engines.json", {"reasoningEngines": [engine("p1")]})
    result = scan(tmp_path)
    assert result.inventory.workloads == ()
    (said,) = [w for w in result.warnings if "reasoning engine" in w]
    assert str(path) in said and "cannot be named" in said


def test_agent_named_by_project_number_runs_as_its_service_agent(tmp_path: Path) -> None:
    write(tmp_path, "projects/p1/reasoning-engines.json", {"reasoningEngines": [engine("123456789")]})
    (workload,) = scan(tmp_path).inventory.workloads
    assert workload.identity_id == f"serviceAccount:{AGENT}"


def test_project_without_parent_beside_an_organization_is_said(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "projects.json",
        [project("p1", "111", {"type": "organization", "id": "9"}), project("p2", "222", None)],
    )
    write(
        tmp_path,
        "organizations/9/iam-policy.json",
        {"bindings": [{"role": "roles/owner", "members": ["user:a@x.com"]}]},
    )
    result = scan(tmp_path)
    (said,) = [w for w in result.warnings if "has no parent" in w]
    assert str(path) in said and "project 'p2'" in said


def test_project_without_parent_alone_is_not_an_orphan(tmp_path: Path) -> None:
    """Outside any organization (a personal project) there is nothing it could inherit from: nothing to say."""
    write(tmp_path, "projects.json", [project("p2", "222", None)])
    assert not [w for w in scan(tmp_path).warnings if "has no parent" in w]


def test_empty_parent_is_an_error_naming_the_field(tmp_path: Path) -> None:
    write(tmp_path, "projects.json", [{**project("p1", "111", None), "parent": ""}])
    (source,) = load_inputs([tmp_path]).sources
    assert source.status is SourceStatus.ERROR
    assert "[0].parent" in (source.detail or "")


def test_folder_without_parent_is_read_and_said(tmp_path: Path) -> None:
    write(tmp_path, "folders.json", [{"name": "folders/5", "displayName": "prod", "lifecycleState": "ACTIVE"}])
    result = scan(tmp_path)
    (source,) = result.sources
    assert source.status is SourceStatus.PARTIAL
    assert any("[0].parent" in w for w in result.warnings)
    assert [s.id for s in result.inventory.hierarchy] == ["folders/5"]


def test_cai_project_without_data_parent_takes_it_from_its_ancestors(tmp_path: Path) -> None:
    asset = {
        "name": "//cloudresourcemanager.googleapis.com/projects/111",
        "asset_type": "cloudresourcemanager.googleapis.com/Project",
        "resource": {"data": {"projectId": "p1", "projectNumber": "111"}},
        "ancestors": ["projects/111", "folders/5", "organizations/9"],
    }
    org = {
        "name": "//cloudresourcemanager.googleapis.com/organizations/9",
        "asset_type": "cloudresourcemanager.googleapis.com/Organization",
        "resource": {"data": {"name": "organizations/9", "displayName": "example.com"}},
        "ancestors": ["organizations/9"],
    }
    (tmp_path / "export.ndjson").write_text(f"{json.dumps(org)}\n{json.dumps(asset)}\n", encoding="utf-8")
    result = scan(tmp_path)
    scopes = {s.id: s for s in result.inventory.hierarchy}
    assert scopes["projects/p1"].parent == "folders/5"
    assert not [w for w in result.warnings if "has no parent" in w]


BUCKET = {
    "resource": "//storage.googleapis.com/reports",
    "assetType": "storage.googleapis.com/Bucket",
    "project": "projects/111",
    "policy": {"bindings": [{"role": "roles/storage.admin", "members": ["user:a@x.com"]}]},
}


def test_search_result_of_a_bucket_without_type_or_project_is_an_error(tmp_path: Path) -> None:
    for missing in ("assetType", "project"):
        path = write(tmp_path / missing, "search.json", [{k: v for k, v in BUCKET.items() if k != missing}])
        (source,) = load_inputs([path]).sources
        assert source.status is SourceStatus.ERROR, missing
        assert f"[0].{missing}" in (source.detail or "")


def test_search_result_of_a_project_without_type_is_read(tmp_path: Path) -> None:
    """A project's name is canonical without its type (a missing type there changes nothing)."""
    result = {"resource": "//cloudresourcemanager.googleapis.com/projects/p1", "policy": BUCKET["policy"]}
    path = write(tmp_path, "search.json", [result])
    (source,) = scan(path).sources
    assert source.status is SourceStatus.USED


FUNCTION = {"name": "projects/p1/locations/us-central1/functions/f", "runtime": "python312", "entryPoint": "main"}
RUN_V2 = {"name": "projects/p1/locations/us-central1/services/s", "template": {"containers": []}}
RUN_KNATIVE = {
    "apiVersion": "serving.knative.dev/v1",
    "kind": "Service",
    "metadata": {"name": "s", "namespace": "p1"},
    "spec": {"template": {"spec": {"containers": []}}},
}


def test_function_or_service_without_its_account_is_said(tmp_path: Path) -> None:
    """Their APIs always write the account they run as (the project's default when none was chosen)."""
    cases = [
        ("functions.json", [FUNCTION], "[0].serviceAccountEmail"),
        ("functions.json", [{**FUNCTION, "serviceConfig": {}}], "[0].serviceConfig.serviceAccountEmail"),
        ("run-services.json", [RUN_V2], "[0].template.serviceAccount"),
        ("run-services.json", [RUN_KNATIVE], "[0].spec.template.spec.serviceAccountName"),
    ]
    for index, (name, value, field) in enumerate(cases):
        path = write(tmp_path / str(index), f"projects/p1/{name}", value)
        loaded = load_inputs([path])
        (source,) = loaded.sources
        assert source.status is SourceStatus.PARTIAL, (field, source.detail)
        assert any(f"field {field}: missing" in w for w in loaded.warnings), (field, loaded.warnings)


def test_an_empty_account_is_an_error_naming_it(tmp_path: Path) -> None:
    zone = "https://www.googleapis.com/compute/v1/projects/p1/zones/us-central1-a"
    cases = [
        (
            "compute-instances.json",
            [{"name": "vm", "zone": zone, "machineType": "e2", "serviceAccounts": [{"email": ""}]}],
            "[0].serviceAccounts[0].email",
        ),
        ("functions.json", [{**FUNCTION, "serviceAccountEmail": ""}], "[0].serviceAccountEmail"),
        (
            "reasoning-engines.json",
            {"reasoningEngines": [{**engine("p1"), "spec": {"serviceAccount": ""}}]},
            "reasoningEngines[0].spec.serviceAccount",
        ),
    ]
    for index, (name, value, field) in enumerate(cases):
        path = write(tmp_path / str(index), f"projects/p1/{name}", value)
        (source,) = load_inputs([path]).sources
        assert source.status is SourceStatus.ERROR, field
        assert f"field {field}: an empty service account" in (source.detail or ""), source.detail
