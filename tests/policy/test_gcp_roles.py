"""The bundled GCP predefined roles load lazily, hold the real permissions, and rebuild byte for byte."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.policy.gcp import roles
from nhi_scan.policy.gcp.roles import RoleDefinition

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
SOURCE = SHARED_DATA / "gcp-predefined-roles.json"
SCRIPT = REPO / "scripts" / "build_gcp_roles.py"
BUNDLE = REPO / "nhi_scan" / "policy" / "gcp" / "data" / "predefined-roles.json.gz"


def _run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.fixture
def source_roles() -> list[dict[str, Any]]:
    if not SOURCE.is_file():
        pytest.skip(f"{SOURCE} is absent (a user's clone has no shared/ directory)")
    document: list[dict[str, Any]] = json.loads(SOURCE.read_text(encoding="utf-8"))
    return document


def test_bundle_is_not_read_at_import() -> None:
    code = "import nhi_scan.policy.gcp.roles as r; print(r._bundle.cache_info().currsize)"
    assert _python(code).strip() == "0"


def test_first_load_is_fast_and_small() -> None:
    """Measured in a fresh interpreter so another test's cached load cannot hide the cost."""
    code = (
        "import time, tracemalloc, nhi_scan.policy.gcp.roles as r\n"
        "start = time.perf_counter(); r.predefined_roles(); elapsed = time.perf_counter() - start\n"
        "r._bundle.cache_clear(); tracemalloc.start(); r.predefined_roles()\n"
        "print(elapsed, tracemalloc.get_traced_memory()[1])"
    )
    elapsed, peak = _python(code).split()
    assert float(elapsed) < 2.0
    assert int(peak) < 60 * 2**20


def test_every_predefined_role_is_loaded() -> None:
    every = roles.predefined_roles()
    assert len(every) == 2461
    assert all(name.startswith("roles/") and role.name == name for name, role in every.items())
    assert all(role.predefined for role in every.values())
    assert len(roles.known_permissions()) == 13790
    assert roles.known_permissions() == frozenset().union(*(role.permissions for role in every.values()))
    with pytest.raises(TypeError):
        every["roles/mine"] = RoleDefinition(name="roles/mine", title="", stage=None, permissions=frozenset())  # type: ignore[index]


def test_owner_can_change_iam_and_act_as_service_accounts() -> None:
    owner = roles.predefined_role("roles/owner")
    assert owner is not None
    assert owner.title == "Owner"
    assert owner.stage == "GA"
    assert {"resourcemanager.projects.setIamPolicy", "iam.serviceAccounts.actAs"} <= owner.permissions


def test_token_creator_can_mint_access_tokens() -> None:
    creator = roles.predefined_role("roles/iam.serviceAccountTokenCreator")
    assert creator is not None
    assert "iam.serviceAccounts.getAccessToken" in creator.permissions


def test_viewer_reads_but_cannot_set_iam_policy() -> None:
    viewer = roles.predefined_role("roles/viewer")
    assert viewer is not None
    assert "resourcemanager.projects.get" in viewer.permissions
    assert "resourcemanager.projects.setIamPolicy" not in viewer.permissions


def test_names_are_case_exact() -> None:
    assert roles.predefined_role("roles/Owner") is None
    assert roles.predefined_role("roles/iam.serviceaccounttokencreator") is None
    assert "iam.serviceAccounts.actAs" in roles.known_permissions()
    assert "iam.serviceaccounts.actas" not in roles.known_permissions()
    # GCP itself publishes both spellings; lower-casing would merge two distinct permissions.
    network_admin = roles.predefined_role("roles/compute.networkAdmin")
    assert network_admin is not None
    assert {"networkservices.httpFilters.get", "networkservices.httpfilters.get"} <= network_admin.permissions


def test_role_printed_without_permissions_grants_none() -> None:
    """gcloud omits an empty includedPermissions; such a role still exists and grants nothing."""
    viewer = roles.predefined_role("roles/agentcommunicationadmin.viewer")
    assert viewer is not None
    assert viewer.permissions == frozenset()


def test_identical_permission_sets_are_shared() -> None:
    every = roles.predefined_roles().values()
    assert len({id(role.permissions) for role in every}) == len({role.permissions for role in every})


def test_bundle_source_records_provenance() -> None:
    source = roles.bundle_source()
    assert source["repository"] == "iann0036/iam-dataset"
    assert source["path"] == "gcp/roles/*.json"
    assert source["commit"] == "2073fa52ac008a45477aa0b1b4580cd99135bf60"
    assert source["date"] == "2026-08-22"
    assert source["licence"] == "MIT License, Copyright (c) 2021 Ian Mckay"
    assert source["role_count"] == "2461"


def test_every_role_equals_the_source_dataset(source_roles: list[dict[str, Any]]) -> None:
    expected = {
        raw["name"]: (raw["title"], raw.get("stage"), frozenset(raw.get("includedPermissions", [])))
        for raw in source_roles
    }
    loaded = {name: (role.title, role.stage, role.permissions) for name, role in roles.predefined_roles().items()}
    assert loaded == expected
    assert roles.known_permissions() == {p for raw in source_roles for p in raw.get("includedPermissions", [])}


def test_rebuild_gives_the_committed_bytes(source_roles: list[dict[str, Any]], tmp_path: Path) -> None:
    out = tmp_path / "roles.json.gz"
    result = _run_script("--source", SOURCE, "--out", out)
    assert result.returncode == 0, result.stderr
    fresh, committed = out.read_bytes(), BUNDLE.read_bytes()
    assert gzip.decompress(fresh) == gzip.decompress(committed), "bundle is stale: run scripts/build_gcp_roles.py"
    assert fresh == committed, "same JSON but different gzip bytes: a different zlib build?"


def test_build_is_deterministic_and_compact(tmp_path: Path) -> None:
    source = tmp_path / "roles.json"
    source.write_text(
        json.dumps(
            [
                {
                    "name": "roles/b",
                    "title": "B",
                    "stage": "GA",
                    "etag": "x",
                    "includedPermissions": ["z.y.x", "a.B.c"],
                },
                {"name": "roles/a", "title": "A", "stage": "BETA", "description": "dropped"},
            ]
        ),
        encoding="utf-8",
    )
    first, second = tmp_path / "1.json.gz", tmp_path / "2.json.gz"
    assert _run_script("--source", source, "--out", first).returncode == 0
    assert _run_script("--source", source, "--out", second).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    bundle = json.loads(gzip.decompress(first.read_bytes()))
    assert bundle["permissions"] == ["a.B.c", "z.y.x"]
    assert bundle["roles"] == [
        {"name": "roles/a", "title": "A", "stage": "BETA", "permissions": []},
        {"name": "roles/b", "title": "B", "stage": "GA", "permissions": [0, 1]},
    ]
    assert bundle["source"]["role_count"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("[{", "not valid JSON"),
        ('{"roles": []}', "expected a JSON array of roles"),
        ('[{"title": "no name", "includedPermissions": []}]', "field name"),
        ('[{"name": "roles/a", "includedPermissions": "a.b.c"}]', "includedPermissions is not a list"),
        ('[{"name": "roles/a", "includedPermissions": ["a.b.c", 7]}]', "includedPermissions[1]"),
        ('[{"name": "roles/a", "stage": 1}]', "field stage"),
        ('[{"name": "roles/a"}, {"name": "roles/a"}]', "duplicate role name"),
    ],
)
def test_malformed_source_is_one_line_and_exit_2(content: str | None, message: str, tmp_path: Path) -> None:
    source = tmp_path / "roles.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.json.gz"
    result = _run_script("--source", source, "--out", out)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(source) in lines[0]
    assert message in lines[0]
    assert not out.exists()
