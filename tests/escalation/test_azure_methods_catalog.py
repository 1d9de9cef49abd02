"""The packaged Azure / Entra escalation catalogue: every file loads, values are consistent, names and ids are real."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from nhi_scan.errors import InputError
from nhi_scan.escalation.azure.catalog import (
    EXCLUSIONS,
    CatalogError,
    Category,
    Effect,
    Grantor,
    GrantorKind,
    Method,
    RoleScope,
    TargetKind,
    action_matches,
    grantor_key,
    load_method_file,
    load_methods,
    load_methods_from,
    methods_by_grantor,
    methods_by_id,
)
from nhi_scan.graph import EdgeKind

METHODS_DIR = resources.files("nhi_scan.escalation.azure") / "methods"
SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"
ENTRA_ROLES = SHARED_DATA / "entra-built-in-roles.json"
GRAPH_APP_ROLES = SHARED_DATA / "msgraph-app-roles.json"
AZURE_ROLES = SHARED_DATA / "azure-built-in-roles.json"

#: Documented actions that no built-in role grants except through Owner's or Contributor's bare "*".
ONLY_THROUGH_STAR = frozenset({"microsoft.app/containerapps/write"})

#: Methods the catalogue must cover (the public catalogues' core); more may exist.
EXPECTED = (
    "azure-application-add-credential-owner",
    "azure-application-add-credential-directory-role",
    "azure-application-add-credential-graph",
    "azure-application-add-credential-owned-by",
    "azure-service-principal-add-credential-owner",
    "azure-service-principal-add-credential-directory-role",
    "azure-service-principal-add-credential-graph",
    "azure-application-add-federated-credential",
    "azure-managed-identity-add-federated-credential",
    "azure-application-add-owner-graph",
    "azure-service-principal-add-owner-graph",
    "azure-app-role-assignment-grant",
    "azure-directory-role-assign-graph",
    "azure-directory-role-assign-privileged-role-administrator",
    "azure-directory-role-assignment-schedule",
    "azure-pim-activate-eligible-role",
    "azure-global-administrator",
    "azure-group-add-member-owner",
    "azure-group-add-member-graph",
    "azure-group-add-member-directory-role",
    "azure-role-assignable-group-add-member-owner",
    "azure-role-assignable-group-add-member-privileged-role-administrator",
    "azure-rbac-role-assignment-management-group",
    "azure-rbac-role-assignment-subscription",
    "azure-rbac-role-assignment-resource-group",
    "azure-rbac-role-definition-write",
    "azure-vm-run-command",
    "azure-vm-extension-write",
    "azure-app-service-deploy-code",
    "azure-automation-runbook",
    "azure-logic-app-workflow-write",
    "azure-container-app-update",
    "azure-container-instance-exec",
    "azure-aks-run-command",
    "azure-managed-identity-assign-vm",
    "azure-key-vault-secret-read-rbac",
    "azure-key-vault-secret-read-access-policy",
    "azure-key-vault-access-policy-write",
    "azure-storage-account-list-keys",
    "azure-cosmos-db-list-keys",
    "azure-agent-blueprint-add-credential",
    "azure-intune-device-script",
)


def _method_files() -> list[str]:
    return sorted(entry.name for entry in METHODS_DIR.iterdir() if entry.name.endswith(".toml"))


def _all_grantors() -> list[tuple[Method, Grantor]]:
    return [(method, grantor) for method in load_methods() for grantor in (*method.grantors, *method.requires)]


def _data(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        pytest.skip(f"public dataset not available at {path}")
    loaded: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@cache
def _azure_role_permissions() -> tuple[dict[str, list[str]], ...]:
    return tuple(block for role in _data(AZURE_ROLES) for block in role["permissions"])  # type: ignore[attr-defined]


def _granted_by_some_role(action: str, *, data: bool) -> bool:
    """A built-in role grants ``action`` through a pattern other than a bare "*", and its not-patterns keep it."""
    allowed, denied = ("dataActions", "notDataActions") if data else ("actions", "notActions")
    for block in _azure_role_permissions():
        patterns = [pattern for pattern in block.get(allowed) or () if pattern != "*"]
        if any(action_matches(pattern, action) for pattern in patterns) and not any(
            action_matches(pattern, action) for pattern in block.get(denied) or ()
        ):
            return True
    return False


# ------------------------------------------------------------------------------------------------- the catalogue


def test_at_least_35_methods() -> None:
    assert len(load_methods()) >= 35


def test_every_file_loads_and_id_equals_file_name() -> None:
    files = _method_files()
    assert len(files) == len(load_methods())
    for name in files:
        assert load_method_file(METHODS_DIR / name).id == name.removesuffix(".toml")


def test_ids_are_unique_sorted_and_prefixed() -> None:
    ids = [method.id for method in load_methods()]
    assert ids == sorted(set(ids))
    assert all(method_id.startswith("azure-") for method_id in ids)
    assert set(methods_by_id()) == set(ids)


def test_expected_methods_are_present() -> None:
    assert not sorted(set(EXPECTED) - set(methods_by_id()))


def test_every_category_effect_and_grantor_kind_is_used() -> None:
    methods = load_methods()
    assert {method.category for method in methods} == set(Category)
    assert {method.effect for method in methods} == set(Effect)
    assert {grantor.kind for _, grantor in _all_grantors()} == set(GrantorKind)
    assert {grantor.scope for _, grantor in _all_grantors()} >= {
        RoleScope.TENANT,
        RoleScope.ADMINISTRATIVE_UNIT,
        RoleScope.APPLICATION,
    }


def test_every_method_has_https_references_and_an_owasp_id() -> None:
    for method in load_methods():
        assert method.references, method.id
        assert all(url.startswith("https://") for url in method.references), method.id
        assert method.owasp_nhi, method.id


def test_every_exclusion_token_is_known_and_explained() -> None:
    used = {token for method in load_methods() for token in method.excludes}
    assert used <= set(EXCLUSIONS)
    assert all(meaning for meaning in EXCLUSIONS.values())


# ------------------------------------------------------------------------------------------ facts against data


def test_every_entra_role_grantor_has_its_real_name_and_template_id() -> None:
    known = {(role["displayName"], role["templateId"]) for role in _data(ENTRA_ROLES)}
    wrong = sorted(
        f"{method.id}: {grantor.name} {grantor.id}"
        for method, grantor in _all_grantors()
        if grantor.kind is GrantorKind.DIRECTORY_ROLE and (grantor.name, grantor.id) not in known
    )
    assert not wrong


def test_every_graph_permission_grantor_has_its_real_value_and_app_role_id() -> None:
    known = {(role["value"], role["id"]) for role in _data(GRAPH_APP_ROLES)}
    wrong = sorted(
        f"{method.id}: {grantor.name} {grantor.id}"
        for method, grantor in _all_grantors()
        if grantor.kind is GrantorKind.GRAPH_PERMISSION and (grantor.name, grantor.id) not in known
    )
    assert not wrong


def test_every_rbac_action_is_granted_by_some_built_in_role() -> None:
    _data(AZURE_ROLES)
    missing = sorted(
        f"{method.id}: {grantor.name}"
        for method, grantor in _all_grantors()
        if grantor.kind in (GrantorKind.RBAC_ACTION, GrantorKind.RBAC_DATA_ACTION)
        and grantor.name.lower() not in ONLY_THROUGH_STAR
        and not _granted_by_some_role(grantor.name, data=grantor.kind is GrantorKind.RBAC_DATA_ACTION)
    )
    assert not missing


def test_actions_only_star_grants_are_still_used() -> None:
    used = {grantor.name.lower() for _, grantor in _all_grantors() if grantor.kind is GrantorKind.RBAC_ACTION}
    assert used >= ONLY_THROUGH_STAR


def test_agent_id_administrator_is_the_documented_role() -> None:
    blueprint = methods_by_id()["azure-agent-blueprint-add-credential"]
    role = next(grantor for grantor in blueprint.grantors if grantor.kind is GrantorKind.DIRECTORY_ROLE)
    assert (role.name, role.id) == ("Agent ID Administrator", "db506228-d27e-4b7d-95e5-295956d6615f")


# ---------------------------------------------------------------------------------------------------- semantics


def test_service_principal_credentials_exclude_managed_and_agent_identities() -> None:
    for method in load_methods():
        if method.category is Category.CREDENTIAL and method.target is TargetKind.SERVICE_PRINCIPAL:
            assert {"managed-identity", "agent-identity", "app-instance-lock"} <= set(method.excludes), method.id
            assert method.offline_note is not None, method.id


def test_ownership_alone_needs_a_user_and_owned_by_needs_ownership() -> None:
    for method_id in ("azure-application-add-credential-owner", "azure-service-principal-add-credential-owner"):
        assert "app-only-caller" in methods_by_id()[method_id].excludes
    for target in ("application", "service-principal"):
        owned_by = methods_by_id()[f"azure-{target}-add-credential-owned-by"]
        assert [grantor.name for grantor in owned_by.grantors] == ["Application.ReadWrite.OwnedBy"]
        assert owned_by.requires == (Grantor(kind=GrantorKind.OWNER, name=target),)


def test_role_assignable_groups_need_privileged_role_or_ownership() -> None:
    #: What makes a change to a role-assignable group's members possible (PIM for Groups aside).
    enough = {"Privileged Role Administrator", "role-assignable-group", "RoleManagement.ReadWrite.Directory"}
    for method in load_methods():
        if method.target is TargetKind.ROLE_ASSIGNABLE_GROUP and not method.id.startswith("azure-pim-group-"):
            assert enough & {grantor.name for grantor in (*method.grantors, *method.requires)}, method.id
    group_roles = methods_by_id()["azure-group-add-member-directory-role"]
    assert group_roles.target is TargetKind.GROUP
    scopes = {grantor.name: grantor.scope for grantor in group_roles.grantors}
    assert scopes["Groups Administrator"] is scopes["User Administrator"] is RoleScope.ADMINISTRATIVE_UNIT


def test_directory_roles_are_admin_of_the_tenant() -> None:
    global_admin = methods_by_id()["azure-global-administrator"]
    assert (global_admin.target, global_admin.effect, global_admin.edge) == (
        TargetKind.TENANT,
        Effect.ADMIN,
        EdgeKind.ADMIN_OF,
    )
    pim = methods_by_id()["azure-pim-activate-eligible-role"]
    assert "active-assignment" in pim.excludes and pim.offline_note is not None
    grant = methods_by_id()["azure-app-role-assignment-grant"]
    assert (grant.category, grant.target, grant.effect) == (Category.APP_ROLE, TargetKind.TENANT, Effect.ADMIN)


def test_rbac_role_assignment_methods_cover_every_scope() -> None:
    targets = {
        method.target
        for method in methods_by_grantor()[(GrantorKind.RBAC_ACTION, "microsoft.authorization/roleassignments/write")]
    }
    assert {
        TargetKind.MANAGEMENT_GROUP,
        TargetKind.SUBSCRIPTION,
        TargetKind.RESOURCE_GROUP,
        TargetKind.RESOURCE,
        TargetKind.KEY_VAULT,
    } <= targets


def test_resource_methods_name_their_types_and_assignments_their_resource() -> None:
    for method in load_methods():
        if method.target is TargetKind.RESOURCE:
            assert method.resource_types, method.id
            assert method.edge in (EdgeKind.CAN_RUN_AS, EdgeKind.CAN_MODIFY_POLICY), method.id
        if method.resource_types and method.target is TargetKind.MANAGED_IDENTITY:
            assert method.requires, method.id
            assert "system-assigned" in method.excludes, method.id
    vm = methods_by_id()["azure-managed-identity-assign-vm"]
    assert vm.grantors[0].name == "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"
    assert "Microsoft.Compute/virtualMachines/write" in {grantor.name for grantor in vm.requires}


def test_key_vault_permission_models_exclude_each_other() -> None:
    assert "access-policy-vault" in methods_by_id()["azure-key-vault-secret-read-rbac"].excludes
    assert "rbac-vault" in methods_by_id()["azure-key-vault-secret-read-access-policy"].excludes
    assert "rbac-vault" in methods_by_id()["azure-key-vault-access-policy-write"].excludes
    for method in load_methods():
        if method.category is Category.SECRET_READ:
            assert method.effect is Effect.READ, method.id


def test_methods_by_grantor_indexes_grantors_case_insensitively_for_azure_actions() -> None:
    index = methods_by_grantor()
    assert set(index) == {grantor.key for method in load_methods() for grantor in method.grantors}
    for method in load_methods():
        for grantor in method.grantors:
            assert method in index[grantor.key]
    for found in index.values():
        assert [method.id for method in found] == sorted(method.id for method in found)
    run = index[grantor_key(GrantorKind.RBAC_ACTION, "Microsoft.Compute/virtualMachines/runCommand/action")]
    assert methods_by_id()["azure-vm-run-command"] in run
    assert (GrantorKind.RBAC_ACTION, "microsoft.compute/virtualmachines/runcommand/action") in index
    graph = index[(GrantorKind.GRAPH_PERMISSION, "Application.ReadWrite.All")]
    assert methods_by_id()["azure-application-add-credential-graph"] in graph
    assert (GrantorKind.GRAPH_PERMISSION, "application.readwrite.all") not in index
    owned_by = index[(GrantorKind.GRAPH_PERMISSION, "Application.ReadWrite.OwnedBy")]
    assert methods_by_id()["azure-application-add-credential-owned-by"] in owned_by
    assert methods_by_id()["azure-application-add-credential-owned-by"] not in index[(GrantorKind.OWNER, "application")]


def test_action_patterns_match_like_azure() -> None:
    action = "Microsoft.Compute/virtualMachines/runCommand/action"
    assert action_matches("Microsoft.Compute/virtualMachines/*", action)
    assert action_matches("microsoft.compute/*/runcommand/action", action)
    assert action_matches("*", action)
    assert not action_matches("Microsoft.Compute/virtualMachines/read", action)
    assert not action_matches("Microsoft.Compute/disks/*", action)
    grantor = Grantor(kind=GrantorKind.RBAC_ACTION, name=action)
    assert grantor.granted_by("Microsoft.Compute/*") and not grantor.granted_by("Microsoft.Web/*")
    assert Grantor(kind=GrantorKind.ACCESS_POLICY, name="secrets/get").granted_by("Secrets/Get")
    assert not Grantor(kind=GrantorKind.OWNER, name="group").granted_by("application")


def test_offline_message_fills_placeholders() -> None:
    method = methods_by_id()["azure-vm-entra-login"]
    message = method.offline_message(target="vm-1", principal="alice@example.com")
    assert message is not None and "alice@example.com" in message and "{" not in message
    assert methods_by_id()["azure-global-administrator"].offline_message(target="x") is None


def test_methods_are_frozen() -> None:
    method = load_methods()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        method.id = "azure-other"  # type: ignore[misc]


def test_nothing_is_read_at_import_time() -> None:
    code = "import nhi_scan.escalation.azure.catalog as c; print(c.load_methods.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


# ------------------------------------------------------------------------------------------------- validation

VALID = """\
id = "@ID@"
name = "Add a secret to an owned application"
description = "A service principal that owns an application adds a client secret to it."
category = "credential"
target = "application"
edge = "CAN_CREATE_CREDENTIAL"
effect = "become-target"
owasp_nhi = ["NHI5:2025"]
references = ["https://learn.microsoft.com/en-us/graph/api/application-addpassword"]

[[grantors]]
kind = "graph-permission"
name = "Application.ReadWrite.OwnedBy"
id = "18a4783c-866b-4cc7-a460-3d5e5662c884"

[[grantors]]
kind = "directory-role"
name = "Application Administrator"
id = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
scope = "application"

[[requires]]
kind = "owner"
name = "application"
"""

SAMPLE_ID = "azure-sample-method"


def _write(directory: Path, text: str, name: str = SAMPLE_ID) -> Path:
    path = directory / f"{name}.toml"
    path.write_text(text.replace("@ID@", name), encoding="utf-8")
    return path


def _load_error(directory: Path) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_methods_from(directory)
    return caught.value


def test_valid_sample_loads(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    _write(tmp_path, VALID, name="azure-another-method")
    methods = load_methods_from(tmp_path)
    assert [method.id for method in methods] == ["azure-another-method", SAMPLE_ID]
    method = methods[1]
    assert method.edge is EdgeKind.CAN_CREATE_CREDENTIAL
    assert method.grantors[1] == Grantor(
        kind=GrantorKind.DIRECTORY_ROLE,
        name="Application Administrator",
        id="9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
        scope=RoleScope.APPLICATION,
    )
    assert method.requires == (Grantor(kind=GrantorKind.OWNER, name="application"),)
    assert (method.resource_types, method.excludes, method.offline_note) == ((), (), None)
    assert method.source == str(tmp_path / f"{SAMPLE_ID}.toml")


_ROLE_TABLE = 'kind = "directory-role"\nname = "Application Administrator"'
_ROLE_ID = 'id = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"'


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # unknown keys, wrong types, missing keys
        ('edge = "CAN_CREATE_CREDENTIAL"', 'edge = "CAN_CREATE_CREDENTIAL"\ncolour = "red"', "colour"),
        ('scope = "application"', 'scope = "application"\nwhen = "always"', "grantors[1].when"),
        ('name = "Add a secret to an owned application"', "name = 5", "name"),
        ('owasp_nhi = ["NHI5:2025"]', 'owasp_nhi = "NHI5:2025"', "owasp_nhi"),
        ('name = "Add a secret to an owned application"\n', "", "name"),
        ("[[grantors]]", "[[grantor]]", "grantor"),
        # values
        ('id = "@ID@"', 'id = "azure-other-method"', "id"),
        ('id = "@ID@"', 'id = "gcp-sample-method"', "id"),
        ('category = "credential"', 'category = "escalate"', "category"),
        ('target = "application"', 'target = "robot"', "target"),
        ('edge = "CAN_CREATE_CREDENTIAL"', 'edge = "CAN_FLY"', "edge"),
        ('effect = "become-target"', 'effect = "everything"', "effect"),
        ("adds a client secret to it.", "adds a client secret to it", "description"),
        ('["NHI5:2025"]', '["NHI11:2025"]', "owasp_nhi[0]"),
        ('["https://learn.microsoft.com/en-us/graph/api/application-addpassword"]', '["http://x"]', "references[0]"),
        ('kind = "graph-permission"', 'kind = "magic"', "grantors[0].kind"),
        ('name = "Application.ReadWrite.OwnedBy"', 'name = "application.readwrite"', "grantors[0].name"),
        ('id = "18a4783c-866b-4cc7-a460-3d5e5662c884"', 'id = "not-a-guid"', "grantors[0].id"),
        ('id = "18a4783c-866b-4cc7-a460-3d5e5662c884"\n', "", "grantors[0].id"),
        ('scope = "application"', 'scope = "galaxy"', "grantors[1].scope"),
        ('scope = "application"\n', "", "grantors[1].scope"),
        (f"{_ROLE_TABLE}\n{_ROLE_ID}", f"{_ROLE_TABLE}\n{_ROLE_ID}\nid2 = 1", "grantors[1].id2"),
        ('kind = "owner"\nname = "application"', 'kind = "owner"\nname = "application"\nid = "x"', "requires[0].id"),
        (
            'kind = "owner"\nname = "application"',
            'kind = "owner"\nname = "application"\nscope = "tenant"',
            "requires[0].scope",
        ),
        ('kind = "owner"\nname = "application"', 'kind = "owner"\nname = "group"', "requires[0].name"),
        (
            'kind = "owner"\nname = "application"',
            'kind = "graph-permission"\nname = "Application.ReadWrite.OwnedBy"\n'
            'id = "18a4783c-866b-4cc7-a460-3d5e5662c884"',
            "requires[0].name",
        ),
        (
            'kind = "owner"\nname = "application"',
            'kind = "rbac-action"\nname = "Microsoft.Web/sites/*"',
            "requires[0].name",
        ),
        (
            'kind = "owner"\nname = "application"',
            'kind = "access-policy"\nname = "secrets/read all"',
            "requires[0].name",
        ),
        # fields that go together
        ('effect = "become-target"', 'effect = "read"', "effect"),
        ('effect = "become-target"', 'effect = "grant"', "category"),
        ('category = "credential"', 'category = "rbac"', "category"),
        ('edge = "CAN_CREATE_CREDENTIAL"', 'edge = "CAN_RUN_AS"', "edge"),
        ('effect = "become-target"', 'effect = "become-target"\nexcludes = ["space-station"]', "excludes[0]"),
        ('effect = "become-target"', 'effect = "become-target"\nexcludes = ["rbac-vault"]', "excludes[0]"),
        (
            'effect = "become-target"',
            'effect = "become-target"\nresource_types = ["Microsoft.Compute/virtualMachines"]',
            "resource_types",
        ),
        ('effect = "become-target"', 'effect = "become-target"\noffline_note = "if {victim} sleeps"', "offline_note"),
        (
            'effect = "become-target"',
            'effect = "become-target"\nexcludes = ["active-assignment"]\n'
            'offline_note = "possible if {target} is eligible"',
            "grantors",
        ),
    ],
)
def test_malformed_file_is_refused_naming_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new, 1))
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), field)
    assert str(path) in str(error)
    assert isinstance(error, ValueError)
    assert isinstance(error, InputError)


def _resource_method(extra: str = "") -> str:
    return (
        VALID.replace('category = "credential"', 'category = "resource-control"')
        .replace('target = "application"', f'target = "resource"{extra}')
        .replace('edge = "CAN_CREATE_CREDENTIAL"', 'edge = "CAN_RUN_AS"')
        .split("\n[[grantors]]")[0]
        + '\n[[grantors]]\nkind = "rbac-action"\nname = "Microsoft.Compute/virtualMachines/runCommand/action"\n'
    )


def test_resource_target_needs_its_types(tmp_path: Path) -> None:
    _write(tmp_path, _resource_method('\nresource_types = ["Microsoft.Compute/virtualMachines"]'))
    assert load_methods_from(tmp_path)[0].resource_types == ("Microsoft.Compute/virtualMachines",)
    path = _write(tmp_path, _resource_method())
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "resource_types")
    path = _write(tmp_path, _resource_method('\nresource_types = ["compute/vms"]'))
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "resource_types[0]")


def test_managed_identity_resource_types_need_requires(tmp_path: Path) -> None:
    text = _resource_method('\nresource_types = ["Microsoft.Compute/virtualMachines"]').replace(
        'target = "resource"', 'target = "managed-identity"'
    )
    path = _write(tmp_path, text)
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "resource_types")
    with_requires = text + '\n[[requires]]\nkind = "rbac-action"\nname = "Microsoft.Compute/virtualMachines/write"\n'
    _write(tmp_path, with_requires)
    assert load_methods_from(tmp_path)[0].target is TargetKind.MANAGED_IDENTITY


def test_a_grantor_listed_twice_is_refused(tmp_path: Path) -> None:
    twice = VALID + '\n[[requires]]\nkind = "owner"\nname = "application"\n'
    path = _write(tmp_path, twice)
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "requires[1].name")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / f"{SAMPLE_ID}.toml"
    path.write_text('id = "unterminated\n', encoding="utf-8")
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), None)
    assert "not valid TOML" in str(error)


def test_files_other_than_toml_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    (tmp_path / "README.md").write_text("not a method", encoding="utf-8")
    assert [method.id for method in load_methods_from(tmp_path)] == [SAMPLE_ID]
