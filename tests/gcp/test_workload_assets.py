"""Cloud Asset workloads of every kind the escalation methods take over name the service accounts they run as; and
holders of a basic role on a project get what buckets grant to its projectOwner: / projectEditor: members."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan

NOW = datetime(2026, 11, 29, tzinfo=UTC)
SA = "runner@p1.iam.gserviceaccount.com"
ANCESTORS = ["projects/111", "organizations/9"]

ASSETS = [
    (
        "run.googleapis.com/Job",
        {"name": "projects/p1/locations/us-central1/jobs/j", "template": {"template": {"serviceAccount": SA}}},
        "cloud-run-job",
    ),
    (
        "cloudscheduler.googleapis.com/Job",
        {"name": "projects/p1/locations/us-central1/jobs/s", "httpTarget": {"oauthToken": {"serviceAccountEmail": SA}}},
        "cloud-scheduler-job",
    ),
    (
        "cloudbuild.googleapis.com/BuildTrigger",
        {"name": "projects/p1/locations/global/triggers/t", "serviceAccount": f"projects/p1/serviceAccounts/{SA}"},
        "cloud-build-trigger",
    ),
    (
        "composer.googleapis.com/Environment",
        {"name": "projects/p1/locations/us-central1/environments/c", "config": {"nodeConfig": {"serviceAccount": SA}}},
        "composer-environment",
    ),
    (
        "dataflow.googleapis.com/Job",
        {"name": "projects/p1/locations/us-central1/jobs/d", "environment": {"serviceAccountEmail": SA}},
        "dataflow-job",
    ),
    (
        "dataproc.googleapis.com/Cluster",
        {"name": "projects/p1/regions/us-central1/clusters/x", "config": {"gceClusterConfig": {"serviceAccount": SA}}},
        "dataproc-cluster",
    ),
    (
        "container.googleapis.com/Cluster",
        {"name": "projects/p1/locations/us-central1/clusters/g", "nodePools": [{"config": {"serviceAccount": SA}}]},
        "gke-cluster",
    ),
    (
        "compute.googleapis.com/InstanceTemplate",
        {"name": "t1", "properties": {"serviceAccounts": [{"email": SA}]}},
        "compute-instance-template",
    ),
]


@pytest.mark.parametrize(("asset_type", "data", "kind"), ASSETS, ids=[a[2] for a in ASSETS])
def test_each_workload_asset_names_its_service_account(
    asset_type: str, data: dict[str, object], kind: str, tmp_path: Path
) -> None:
    lines = [
        {
            "name": "//cloudresourcemanager.googleapis.com/projects/111",
            "asset_type": "cloudresourcemanager.googleapis.com/Project",
            "ancestors": ANCESTORS,
            "resource": {
                "data": {"projectId": "p1", "projectNumber": "111", "parent": {"type": "organization", "id": "9"}}
            },
        },
        {
            "name": f"//x.googleapis.com/{data['name']}",
            "asset_type": asset_type,
            "ancestors": ANCESTORS,
            "resource": {"data": data},
        },
    ]
    export = tmp_path / "assets.ndjson"
    export.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    workloads = run_scan([export], now=NOW).inventory.workloads
    assert [(w.kind, w.identity_id, w.scope) for w in workloads] == [(kind, f"serviceAccount:{SA}", "p1")]


def test_project_owners_get_what_a_bucket_grants_to_project_owner_members(tmp_path: Path) -> None:
    owner = "serviceAccount:boss@p1.iam.gserviceaccount.com"
    viewer = "serviceAccount:reader@p1.iam.gserviceaccount.com"
    (tmp_path / "projects" / "p1" / "buckets" / "b").mkdir(parents=True)
    (tmp_path / "projects" / "p1" / "iam-policy.json").write_text(
        json.dumps(
            {
                "bindings": [
                    {"role": "roles/owner", "members": [owner]},
                    {"role": "roles/viewer", "members": [viewer]},
                ],
                "etag": "x",
            }
        ),
        encoding="utf-8",
    )
    (tmp_path / "projects" / "p1" / "buckets" / "b" / "iam-policy.json").write_text(
        json.dumps({"bindings": [{"role": "roles/storage.admin", "members": ["projectOwner:p1"]}], "etag": "y"}),
        encoding="utf-8",
    )
    from nhi_scan.engine import analyse
    from nhi_scan.plugin import Verdict
    from nhi_scan.settings import Settings

    analysis = analyse([tmp_path], settings=Settings(), now=NOW).analyses["gcp"]  # type: ignore[index]
    bucket = "projects/p1/buckets/b"
    assert analysis.allows(owner, "storage.buckets.setIamPolicy", bucket) is Verdict.ALLOWED
    assert analysis.allows(viewer, "storage.buckets.setIamPolicy", bucket) is Verdict.DENIED
