"""The bundled Azure and Entra role data loads lazily, holds Microsoft's real definitions and rebuilds byte for byte.

Also checks that nhi-scan's tier-0 classification only names roles and permissions that exist, each with a reason,
and that it does not miss a built-in Azure role the data shows can hand over roles or credentials.
"""

from __future__ import annotations

import fnmatch
import gzip
import json
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.policy.azure import roles
from nhi_scan.policy.azure.roles import BundleError, RbacPermission, RbacRole, Tier0

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO.parent / "shared" / "data"
SCRIPT = REPO / "scripts" / "build_azure_roles.py"
DATA = REPO / "nhi_scan" / "policy" / "azure" / "data"
OUTPUTS = ("built-in-roles.json.gz", "entra-roles.json", "graph-app-roles.json")
SOURCES = {
    "rbac": SHARED_DATA / "azure-built-in-roles.json",
    "entra": SHARED_DATA / "entra-built-in-roles.json",
    "graph": SHARED_DATA / "msgraph-app-roles.json",
}
GRAPH = "00000003-0000-0000-c000-000000000000"
OWNER_ID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def _run_script(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout


def _role(name: str) -> RbacRole:
    role = roles.built_in_role_by_name(name)
    assert role is not None, name
    return role


def _load(path: Path) -> list[dict[str, Any]]:
    document: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return document


@pytest.fixture
def shared_sources() -> dict[str, Path]:
    missing = [path for path in SOURCES.values() if not path.is_file()]
    if missing:
        pytest.skip(f"{missing[0]} is absent (a user's clone has no shared/ directory)")
    return SOURCES


# --- loading ---------------------------------------------------------------------------------------------------


def test_nothing_is_read_at_import() -> None:
    code = (
        "import nhi_scan.policy.azure.roles as r\n"
        "print(*(f.cache_info().currsize for f in (r._rbac_bundle, r._directory_bundle, r._graph_bundle, r._tier0)))"
    )
    assert _python(code).split() == ["0", "0", "0", "0"]


def test_first_load_is_fast_and_small() -> None:
    """Measured in a fresh interpreter so another test's cached load cannot hide the cost."""
    code = (
        "import time, tracemalloc, nhi_scan.policy.azure.roles as r\n"
        "def every(): r.built_in_roles(); r.directory_roles(); r.graph_app_roles(); r.tier0_rbac_roles()\n"
        "start = time.perf_counter(); every(); elapsed = time.perf_counter() - start\n"
        "for f in (r._rbac_bundle, r._directory_bundle, r._graph_bundle, r._tier0): f.cache_clear()\n"
        "tracemalloc.start(); every(); print(elapsed, tracemalloc.get_traced_memory()[1])"
    )
    elapsed, peak = _python(code).split()
    assert float(elapsed) < 1.0
    assert int(peak) < 30 * 2**20


def test_every_role_and_permission_is_loaded() -> None:
    assert len(roles.built_in_roles()) == 928
    assert len(roles.directory_roles()) == 141
    assert len(roles.graph_app_roles()) == 719
    assert all(role.id == key and role.id == role.id.lower() for key, role in roles.built_in_roles().items())
    assert all(role.built_in for role in roles.built_in_roles().values())
    assert all(role.template_id == key for key, role in roles.directory_roles().items())
    assert all(role.id == key for key, role in roles.graph_app_roles().items())


def test_mappings_are_read_only() -> None:
    mine = RbacRole(id="x", name="Mine", permissions=(), built_in=False)
    for mapping in (roles.built_in_roles(), roles.tier0_rbac_roles(), roles.bundle_sources()):
        with pytest.raises(TypeError):
            mapping["x"] = mine  # type: ignore[index]


# --- Azure RBAC ------------------------------------------------------------------------------------------------


def test_owner_holds_every_action() -> None:
    owner = _role("Owner")
    assert owner.id == OWNER_ID
    assert owner.permissions == (RbacPermission(actions=("*",), not_actions=(), data_actions=(), not_data_actions=()),)


def test_reader_has_no_write_action() -> None:
    (block,) = _role("Reader").permissions
    assert block.actions == ("*/read",)
    every_action = block.actions + block.data_actions
    assert not any(action.lower().endswith(("/write", "/delete", "/action", "/*")) for action in every_action)


def test_user_access_administrator_holds_authorization_wildcard() -> None:
    (block,) = _role("User Access Administrator").permissions
    assert "Microsoft.Authorization/*" in block.actions
    assert block.condition is None


def test_lookups_by_name_and_by_id() -> None:
    assert roles.built_in_role_by_name("owner") is roles.built_in_roles()[OWNER_ID]
    assert roles.built_in_role_by_name("USER ACCESS ADMINISTRATOR") is _role("User Access Administrator")
    assert roles.built_in_role_by_name("Owner (custom)") is None
    arm_id = f"/subscriptions/0000/providers/Microsoft.Authorization/roleDefinitions/{OWNER_ID.upper()}"
    assert roles.built_in_role(arm_id) is roles.built_in_roles()[OWNER_ID]
    assert roles.built_in_role(OWNER_ID) is roles.built_in_roles()[OWNER_ID]
    assert roles.built_in_role("00000000-0000-0000-0000-000000000000") is None


def test_actions_keep_azure_case_order_and_duplicates() -> None:
    (contributor,) = _role("Contributor").permissions
    assert contributor.actions == ("*",)
    assert contributor.not_actions[:2] == ("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write")
    sphere = _role("Azure Sphere Owner").permissions
    assert len(sphere) == 3
    assert sphere[0].actions.count("Microsoft.Authorization/*/read") == 2


def test_abac_conditions_are_kept_on_their_block() -> None:
    blocks = _role("Key Vault Data Access Administrator").permissions
    (assigning,) = [block for block in blocks if "Microsoft.Authorization/roleAssignments/write" in block.actions]
    assert assigning.condition is not None
    assert "roleAssignments" in assigning.condition
    assert assigning.condition_version == "2.0"
    conditioned = [block for role in roles.built_in_roles().values() for block in role.permissions if block.condition]
    assert len(conditioned) == 31


# --- Entra and Microsoft Graph ---------------------------------------------------------------------------------


def test_global_administrator_template_id() -> None:
    role = roles.directory_roles()["62e90394-69f5-4237-9190-012177145e10"]
    assert role.name == "Global Administrator"


def test_role_management_permission_id() -> None:
    permission = roles.graph_app_role_by_value("RoleManagement.ReadWrite.Directory")
    assert permission is not None
    assert permission.id == "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"
    assert roles.graph_app_roles()[permission.id] is permission
    assert roles.graph_app_role_by_value("rolemanagement.readwrite.directory") is None
    assert roles.MICROSOFT_GRAPH_APP_ID == GRAPH


def test_bundle_sources_record_provenance() -> None:
    sources = roles.bundle_sources()
    assert set(sources) == {"rbac_roles", "directory_roles", "graph_app_roles"}
    rbac = sources["rbac_roles"]
    assert rbac["repository"] == "iann0036/iam-dataset"
    assert rbac["path"] == "azure/built-in-roles-raw.json"
    assert rbac["commit"] == "2073fa52ac008a45477aa0b1b4580cd99135bf60"
    assert rbac["licence"] == "MIT License, Copyright (c) 2021 Ian Mckay"
    assert rbac["role_count"] == "928"
    for key, count in (("directory_roles", ("role_count", "141")), ("graph_app_roles", ("app_role_count", "719"))):
        assert sources[key]["repository"] == "emiliensocchi/azure-tiering"
        assert sources[key]["commit"] == "5edc6755652990f08680f5a9f54b82c0b838877e"
        assert sources[key][count[0]] == count[1]


# --- tier 0 ----------------------------------------------------------------------------------------------------


def _directory_name(template_id: str) -> str | None:
    role = roles.directory_roles().get(template_id)
    return role.name if role else None


def _graph_value(app_role_id: str) -> str | None:
    role = roles.graph_app_roles().get(app_role_id)
    return role.value if role else None


def _rbac_name(role_id: str) -> str | None:
    role = roles.built_in_roles().get(role_id)
    return role.name if role else None


TIER0_SECTIONS: dict[str, tuple[Callable[[], Mapping[str, Tier0]], Callable[[str], str | None]]] = {
    "directory_role": (roles.tier0_directory_roles, _directory_name),
    "graph_permission": (roles.tier0_graph_permissions, _graph_value),
    "rbac_role": (roles.tier0_rbac_roles, _rbac_name),
}


@pytest.mark.parametrize("section", TIER0_SECTIONS)
def test_every_tier0_entry_names_a_bundled_id(section: str) -> None:
    tier0, name_of = TIER0_SECTIONS[section]
    assert tier0()
    for key, entry in tier0().items():
        assert key == entry.id
        assert name_of(entry.id) == entry.name, f"{section} {entry.name}: id {entry.id} names {name_of(entry.id)!r}"


@pytest.mark.parametrize("section", TIER0_SECTIONS)
def test_every_tier0_entry_has_a_one_sentence_reason_and_a_kind(section: str) -> None:
    for entry in TIER0_SECTIONS[section][0]().values():
        assert entry.reason.strip(), entry.name
        assert entry.reason[0].isupper() and entry.reason.endswith("."), entry.name
        assert ". " not in entry.reason, f"{entry.name}: more than one sentence"
        assert entry.kind in {"direct", "indirect"}, entry.name


def test_tier0_starts_from_the_reference_lists() -> None:
    """Every role and permission reference/azure.md calls tier 0 is classified (Reservations Administrator is not
    in the built-in role data: it is assigned at /providers/Microsoft.Capacity)."""
    graph = {entry.name for entry in roles.tier0_graph_permissions().values()}
    directory = {entry.name for entry in roles.tier0_directory_roles().values()}
    rbac = {entry.name for entry in roles.tier0_rbac_roles().values()}
    assert {
        "RoleManagement.ReadWrite.Directory",
        "AppRoleAssignment.ReadWrite.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "Policy.ReadWrite.PermissionGrant",
        "Policy.ReadWrite.ConditionalAccess",
        "Policy.ReadWrite.AuthenticationMethod",
        "UserAuthenticationMethod.ReadWrite.All",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "PrivilegedAccess.ReadWrite.AzureADGroup",
        "Domain.ReadWrite.All",
        "Organization.ReadWrite.All",
        "EntitlementManagement.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementRBAC.ReadWrite.All",
        "DeviceManagementScripts.ReadWrite.All",
        "User.ReadWrite.All",
    } <= graph
    assert {
        "Global Administrator",
        "Privileged Role Administrator",
        "Privileged Authentication Administrator",
        "Application Administrator",
        "Cloud Application Administrator",
        "Agent ID Administrator",
        "User Administrator",
        "Authentication Administrator",
        "Conditional Access Administrator",
        "Hybrid Identity Administrator",
        "Intune Administrator",
        "Security Administrator",
        "Directory Synchronization Accounts",
        "Partner Tier2 Support",
    } <= directory
    assert {
        "Owner",
        "User Access Administrator",
        "Role Based Access Control Administrator",
        "Contributor",
        "Managed Identity Operator",
        "Managed Identity Contributor",
        "Managed Identity Federated Identity Credential Contributor",
        "Virtual Machine Contributor",
        "Virtual Machine Administrator Login",
        "Website Contributor",
    } <= rbac
    assert roles.built_in_role_by_name("Reservations Administrator") is None


def test_direct_takeovers_are_marked_direct() -> None:
    permission = roles.tier0_graph_permissions()["9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"]
    assert permission.kind == "direct"
    assert "Global Administrator" in permission.reason
    assert roles.tier0_directory_roles()["62e90394-69f5-4237-9190-012177145e10"].kind == "direct"
    assert roles.tier0_rbac_roles()[OWNER_ID].kind == "direct"
    assert roles.tier0_graph_permissions()["19dbc75e-c2e2-444c-a770-ec69d8559fc7"].kind == "indirect"  # Directory.RW


def _allows(block: RbacPermission, action: str) -> bool:
    """Azure's wildcard match, case-insensitive; enough to find candidates, not a policy evaluator."""

    def matches(patterns: tuple[str, ...]) -> bool:
        return any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in patterns)

    return block.condition is None and matches(block.actions) and not matches(block.not_actions)


@pytest.mark.parametrize(
    "action",
    [
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
        "Microsoft.Compute/virtualMachines/runCommand/action",
    ],
)
def test_no_built_in_role_that_hands_over_identities_is_missed(action: str) -> None:
    """A role that may, unconditionally, assign roles, mint identity credentials or run code on VMs is tier 0."""
    holders = {
        role.name for role in roles.built_in_roles().values() if any(_allows(b, action) for b in role.permissions)
    }
    assert holders
    assert holders <= {entry.name for entry in roles.tier0_rbac_roles().values()}


def _tier0_document(**section: list[dict[str, Any]]) -> dict[str, Any]:
    entry = {"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000001", "reason": "Takes over.", "kind": "direct"}
    document: dict[str, Any] = {name: [dict(entry)] for name in TIER0_SECTIONS}
    document.update(section)
    return document


@pytest.mark.parametrize(
    ("bad_entries", "message"),
    [
        ([{"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000001", "reason": "", "kind": "direct"}], "non-empty"),
        ([{"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000001", "kind": "direct"}], "exactly name, id"),
        ([{"name": "X", "id": "AAAAAAAA-0000-0000-0000-000000000001", "reason": "R.", "kind": "direct"}], "lower-case"),
        ([{"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000001", "reason": "R.", "kind": "maybe"}], "kind must"),
        (
            [
                {"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000001", "reason": "R.", "kind": "direct"},
                {"name": "X", "id": "aaaaaaaa-0000-0000-0000-000000000002", "reason": "R.", "kind": "direct"},
            ],
            "listed twice",
        ),
        ("not a list", "missing or not a list"),
    ],
)
def test_malformed_tier0_is_a_bundle_error(bad_entries: Any, message: str) -> None:
    assert roles._parse_tier0(_tier0_document()).rbac_roles  # the template itself is valid
    with pytest.raises(BundleError, match=message):
        roles._parse_tier0(_tier0_document(rbac_role=bad_entries))


# --- the bundle against its sources ----------------------------------------------------------------------------


def test_every_role_equals_the_source_dataset(shared_sources: dict[str, Path]) -> None:
    def block(raw: dict[str, Any]) -> RbacPermission:
        return RbacPermission(
            actions=tuple(raw["actions"]),
            not_actions=tuple(raw["notActions"]),
            data_actions=tuple(raw["dataActions"]),
            not_data_actions=tuple(raw["notDataActions"]),
            condition=raw["condition"],
            condition_version=raw["conditionVersion"],
        )

    expected_rbac = {
        raw["name"]: RbacRole(id=raw["name"], name=raw["roleName"], permissions=tuple(map(block, raw["permissions"])))
        for raw in _load(shared_sources["rbac"])
    }
    assert dict(roles.built_in_roles()) == expected_rbac
    expected_entra = {raw["templateId"]: raw["displayName"] for raw in _load(shared_sources["entra"])}
    assert {key: role.name for key, role in roles.directory_roles().items()} == expected_entra
    expected_graph = {raw["id"]: raw["value"] for raw in _load(shared_sources["graph"])}
    assert {key: role.value for key, role in roles.graph_app_roles().items()} == expected_graph


def test_rebuild_gives_the_committed_bytes(shared_sources: dict[str, Path], tmp_path: Path) -> None:
    result = _run_script("--out-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} is stale: run the script"


# --- the build script ------------------------------------------------------------------------------------------

_TIER0_TOML = """
[[directory_role]]
name = "Test Admin"
id = "cccccccc-0000-0000-0000-000000000003"
kind = "direct"
reason = "Takes over."

[[graph_permission]]
name = "Test.ReadWrite.All"
id = "dddddddd-0000-0000-0000-000000000004"
kind = "direct"
reason = "Takes over."

[[rbac_role]]
name = "Alpha Owner"
id = "aaaaaaaa-0000-0000-0000-000000000001"
kind = "direct"
reason = "Takes over."
"""


def _synthetic_sources(directory: Path, **override: str | None) -> list[str | Path]:
    """Small valid sources (any of which ``override`` replaces, None meaning absent) and the script arguments."""
    content: dict[str, str | None] = {
        "rbac": json.dumps(
            [
                {
                    "roleName": "Zeta Writer",
                    "name": "BBBBBBBB-0000-0000-0000-000000000002",
                    "description": "dropped",
                    "assignableScopes": ["/"],
                    "roleType": "BuiltInRole",
                    "type": "Microsoft.Authorization/roleDefinitions",
                    "permissions": [
                        {
                            "actions": ["Microsoft.Foo/*/Write", "Microsoft.Foo/*/Write"],
                            "notActions": ["Microsoft.Foo/bar/Delete"],
                            "dataActions": [],
                            "notDataActions": [],
                            "condition": None,
                            "conditionVersion": None,
                        }
                    ],
                },
                {
                    "roleName": "Alpha Owner",
                    "name": "aaaaaaaa-0000-0000-0000-000000000001",
                    "permissions": [
                        {"actions": ["*"]},
                        {
                            "actions": ["Microsoft.Authorization/roleAssignments/write"],
                            "condition": "@Request[x] GuidEquals{y}",
                            "conditionVersion": "2.0",
                        },
                    ],
                },
            ]
        ),
        "entra": json.dumps([{"templateId": "cccccccc-0000-0000-0000-000000000003", "displayName": "Test Admin"}]),
        "graph": json.dumps(
            [{"id": "dddddddd-0000-0000-0000-000000000004", "value": "Test.ReadWrite.All", "resourceAppId": GRAPH}]
        ),
        "tier0": _TIER0_TOML,
    }
    content.update(override)
    args: list[str | Path] = []
    for key, text in content.items():
        path = directory / f"{key}.src"
        if text is not None:
            path.write_text(text, encoding="utf-8")
        args += [f"--{key}" if key == "tier0" else f"--{key}-source", path]
    return args


def test_build_is_deterministic_and_compact(tmp_path: Path) -> None:
    sources = _synthetic_sources(tmp_path)
    first, second = tmp_path / "1", tmp_path / "2"
    assert _run_script(*sources, "--out-dir", first).returncode == 0
    assert _run_script(*sources, "--out-dir", second).returncode == 0
    for name in OUTPUTS:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    bundle = json.loads(gzip.decompress((first / OUTPUTS[0]).read_bytes()))
    empty: dict[str, list[str]] = {"notActions": [], "dataActions": [], "notDataActions": []}
    assert bundle["roles"] == [
        {
            "id": "aaaaaaaa-0000-0000-0000-000000000001",
            "name": "Alpha Owner",
            "permissions": [
                {"actions": ["*"], **empty, "condition": None, "conditionVersion": None},
                {
                    "actions": ["Microsoft.Authorization/roleAssignments/write"],
                    **empty,
                    "condition": "@Request[x] GuidEquals{y}",
                    "conditionVersion": "2.0",
                },
            ],
        },
        {
            "id": "bbbbbbbb-0000-0000-0000-000000000002",
            "name": "Zeta Writer",
            "permissions": [
                {
                    "actions": ["Microsoft.Foo/*/Write", "Microsoft.Foo/*/Write"],
                    "notActions": ["Microsoft.Foo/bar/Delete"],
                    "dataActions": [],
                    "notDataActions": [],
                    "condition": None,
                    "conditionVersion": None,
                }
            ],
        },
    ]
    assert bundle["source"]["role_count"] == 2
    entra = json.loads((first / OUTPUTS[1]).read_text(encoding="utf-8"))
    assert entra["roles"] == [{"templateId": "cccccccc-0000-0000-0000-000000000003", "displayName": "Test Admin"}]
    graph = json.loads((first / OUTPUTS[2]).read_text(encoding="utf-8"))
    assert graph["resource_app_id"] == GRAPH
    assert graph["app_roles"] == [{"id": "dddddddd-0000-0000-0000-000000000004", "value": "Test.ReadWrite.All"}]
    assert graph["source"]["app_role_count"] == 1


_ROLE = '{"roleName": "A", "name": "aaaaaaaa-0000-0000-0000-000000000001", "permissions": %s}'


@pytest.mark.parametrize(
    ("source", "content", "message"),
    [
        ("rbac", None, "file not found"),
        ("rbac", "[{", "not valid JSON"),
        ("rbac", '{"roles": []}', "expected a JSON array of roles"),
        ("rbac", "[]", "is empty"),
        ("rbac", '[{"roleName": "A", "permissions": []}]', "field name"),
        ("rbac", '[{"roleName": "A", "name": "not-a-guid", "permissions": []}]', "field name"),
        ("rbac", '[{"name": "aaaaaaaa-0000-0000-0000-000000000001", "permissions": []}]', "field roleName"),
        ("rbac", '[{"roleName": "A", "name": "aaaaaaaa-0000-0000-0000-000000000001"}]', "field permissions"),
        ("rbac", "[" + _ROLE % '[{"actions": "*"}]' + "]", "field actions"),
        ("rbac", "[" + _ROLE % '[{"notDataActions": ["a", ""]}]' + "]", "field notDataActions"),
        ("rbac", "[" + _ROLE % '[{"actions": [], "condition": 5}]' + "]", "field condition"),
        ("rbac", "[" + _ROLE % "[]" + "," + _ROLE % "[]" + "]", "duplicate role id"),
        (
            "rbac",
            '[{"roleName": "Reader", "name": "aaaaaaaa-0000-0000-0000-000000000001", "permissions": []},'
            ' {"roleName": "reader", "name": "aaaaaaaa-0000-0000-0000-000000000002", "permissions": []}]',
            "duplicate roleName",
        ),
        (
            "rbac",
            '[{"roleName": "A", "name": "aaaaaaaa-0000-0000-0000-000000000001", "permissions": [],'
            ' "roleType": "CustomRole"}]',
            "not BuiltInRole",
        ),
        ("entra", '[{"templateId": "cccccccc-0000-0000-0000-000000000003"}]', "field displayName"),
        (
            "entra",
            '[{"templateId": "cccccccc-0000-0000-0000-000000000003", "displayName": "A"},'
            ' {"templateId": "cccccccc-0000-0000-0000-000000000003", "displayName": "B"}]',
            "duplicate templateId",
        ),
        ("graph", '[{"id": "dddddddd-0000-0000-0000-000000000004", "value": "X", "resourceAppId": "y"}]', "Graph's"),
        (
            "graph",
            f'[{{"id": "dddddddd-0000-0000-0000-000000000004", "value": "X", "resourceAppId": "{GRAPH}"}},'
            f' {{"id": "dddddddd-0000-0000-0000-000000000005", "value": "X", "resourceAppId": "{GRAPH}"}}]',
            "duplicate value",
        ),
        ("tier0", "[[rbac_role]", "not valid TOML"),
        ("tier0", _TIER0_TOML.replace('name = "Alpha Owner"', 'name = "Alpha"'), "is named 'Alpha Owner'"),
        ("tier0", _TIER0_TOML.replace("dddddddd-0000", "eeeeeeee-0000"), "is not in the data"),
        ("tier0", _TIER0_TOML.split("[[rbac_role]]")[0], "[[rbac_role]] is missing or empty"),
    ],
)
def test_malformed_source_is_one_line_and_exit_2(
    source: str, content: str | None, message: str, tmp_path: Path
) -> None:
    args = _synthetic_sources(tmp_path, **{source: content})
    out = tmp_path / "out"
    result = _run_script(*args, "--out-dir", out)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(tmp_path / f"{source}.src") in lines[0]
    assert message in lines[0]
    assert not out.exists()
