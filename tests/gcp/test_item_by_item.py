"""One item of a GCP listing that cannot be read (a project, folder, key, workload, search result) is left out and
named, and the rest of the file is still read (issue 13): it used to fail the whole file, every other project or
key of it lost with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhi_scan.connectors.loader import load_inputs
from nhi_scan.errors import short_path
from nhi_scan.model import SourceStatus

SA = "ci@p1.iam.gserviceaccount.com"
KEY = f"projects/p1/serviceAccounts/{SA}/keys/"

CASES = [
    pytest.param(
        "projects.json",
        [
            {"projectId": "p1", "projectNumber": "111", "lifecycleState": "ACTIVE"},
            {"projectId": "p2", "projectNumber": "222", "lifecycleState": "ACTIVE", "parent": ""},
        ],
        "[1].parent",
        id="project",
    ),
    pytest.param(
        "folders.json",
        [
            {"name": "folders/5", "displayName": "a", "parent": "organizations/9"},
            {"name": "folders/6", "displayName": "b", "parent": {"type": "folder", "id": ""}},
        ],
        "[1].parent.id",
        id="folder",
    ),
    pytest.param(
        f"projects/p1/service-accounts/{SA}/keys.json",
        [
            {"name": f"{KEY}k1", "keyType": "USER_MANAGED", "validAfterTime": "2025-01-01T00:00:00Z"},
            {"name": f"{KEY}k2", "keyType": "USER_MANAGED", "validAfterTime": "soon"},
        ],
        "[1].validAfterTime",
        id="key",
    ),
    pytest.param(
        "projects/p1/compute-instances.json",
        [
            {"name": "vm1", "zone": "https://x/projects/p1/zones/us-central1-a", "machineType": "e2", "kind": "x"},
            {
                "name": "vm2",
                "zone": "https://x/projects/p1/zones/us-central1-a",
                "machineType": "e2",
                "kind": "x",
                "serviceAccounts": [{"scopes": []}],
            },
        ],
        "[1].serviceAccounts[0].email",
        id="instance",
    ),
    pytest.param(
        "search.json",
        [
            {"resource": "//cloudresourcemanager.googleapis.com/projects/p1", "policy": {}},
            {"resource": "//storage.googleapis.com/b", "project": "projects/111", "policy": {}},
        ],
        "[1].assetType",
        id="search-result",
    ),
]


@pytest.mark.parametrize(("relative", "value", "field"), CASES)
def test_a_bad_item_is_left_out_and_named(tmp_path: Path, relative: str, value: object, field: str) -> None:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), encoding="utf-8")
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL, source.detail
    (warning,) = loaded.warnings
    assert warning.startswith(f"{short_path(str(path))}: ") and f"field {field}:" in warning, warning
    (document,) = loaded.documents
    assert len(document.payload.items) == 1  # type: ignore[union-attr]


DENY = "policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp1/denypolicies/d"
RULE = {
    "deniedPrincipals": ["principalSet://goog/public:all"],
    "deniedPermissions": ["iam.googleapis.com/roles.create"],
}


@pytest.mark.parametrize("expression", ["", "  "])
def test_a_condition_with_an_empty_expression_is_left_out(tmp_path: Path, expression: str) -> None:
    """IAM refuses such a condition: read as none, a conditional grant (or deny) held always (fuzz, gcp seed 41)."""
    conditional = {"role": "roles/owner", "members": ["user:a@x.com"], "condition": {"expression": expression}}
    policy = {"bindings": [{"role": "roles/viewer", "members": ["user:a@x.com"]}, conditional]}
    deny = {
        "name": DENY,
        "rules": [{"denyRule": RULE}, {"denyRule": {**RULE, "denialCondition": {"expression": expression}}}],
    }
    paths = [
        (tmp_path / "projects/p1/iam-policy.json", policy, "bindings[1].condition.expression"),
        (tmp_path / "projects/p1/deny-policies.json", [deny], "[0].rules[1].denyRule.denialCondition.expression"),
    ]
    for path, value, _ in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")
    loaded = load_inputs([tmp_path])
    assert [s.status for s in loaded.sources] == [SourceStatus.PARTIAL] * 2, [s.detail for s in loaded.sources]
    for _, _, field in paths:
        assert any(f"field {field}: an empty expression" in w for w in loaded.warnings), (field, loaded.warnings)
