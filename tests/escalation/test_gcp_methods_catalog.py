"""The packaged GCP escalation catalogue: every file loads, values are consistent, permission names are real."""

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
from nhi_scan.escalation.gcp.catalog import (
    CatalogError,
    Category,
    Effect,
    Method,
    TargetKind,
    Where,
    interesting_permissions,
    load_method_file,
    load_methods,
    load_methods_from,
    methods_by_id,
    methods_by_permission,
)
from nhi_scan.graph import EdgeKind

METHODS_DIR = resources.files("nhi_scan.escalation.gcp") / "methods"
SHARED_DATA = Path(__file__).parents[2].parent / "shared" / "data"
PREDEFINED_ROLES = SHARED_DATA / "gcp-predefined-roles.json"

#: Methods the catalogue must cover (the public catalogues' core); more may exist.
EXPECTED = (
    "gcp-resourcemanager-organizations-set-iam-policy",
    "gcp-resourcemanager-folders-set-iam-policy",
    "gcp-resourcemanager-projects-set-iam-policy",
    "gcp-iam-service-accounts-set-iam-policy",
    "gcp-iam-roles-update",
    "gcp-storage-buckets-set-iam-policy",
    "gcp-secretmanager-secrets-set-iam-policy",
    "gcp-pubsub-topics-set-iam-policy",
    "gcp-pubsub-subscriptions-set-iam-policy",
    "gcp-bigquery-datasets-set-iam-policy",
    "gcp-cloudfunctions-functions-set-iam-policy",
    "gcp-run-services-set-iam-policy",
    "gcp-iam-service-accounts-get-access-token",
    "gcp-iam-service-accounts-sign-blob",
    "gcp-iam-service-accounts-sign-jwt",
    "gcp-iam-service-accounts-get-open-id-token",
    "gcp-iam-service-accounts-implicit-delegation",
    "gcp-iam-service-account-keys-create",
    "gcp-iam-service-account-keys-upload",
    "gcp-compute-instances-create",
    "gcp-compute-instances-set-service-account",
    "gcp-compute-instances-set-metadata",
    "gcp-compute-projects-set-common-instance-metadata",
    "gcp-compute-instances-os-login",
    "gcp-compute-instance-templates-create-instance-group-managers-create",
    "gcp-cloudfunctions-functions-create",
    "gcp-cloudfunctions-functions-update",
    "gcp-run-services-create",
    "gcp-run-services-update",
    "gcp-run-jobs-create",
    "gcp-run-jobs-update",
    "gcp-cloudscheduler-jobs-create",
    "gcp-cloudscheduler-jobs-update",
    "gcp-cloudbuild-builds-create",
    "gcp-cloudbuild-builds-create-service-account",
    "gcp-deploymentmanager-deployments-create",
    "gcp-composer-environments-create",
    "gcp-composer-environments-update",
    "gcp-dataflow-jobs-create",
    "gcp-dataproc-clusters-create",
    "gcp-container-clusters-create",
    "gcp-container-node-pools-create",
    "gcp-aiplatform-custom-jobs-create",
    "gcp-aiplatform-pipeline-jobs-create",
    "gcp-aiplatform-reasoning-engines-create",
    "gcp-iam-workload-identity-pool-providers-create",
    "gcp-iam-workload-identity-pool-providers-update",
    "gcp-storage-hmac-keys-create",
    "gcp-apikeys-keys-create-service-account",
    "gcp-secretmanager-versions-access",
)


@cache
def _predefined_permissions() -> frozenset[str]:
    roles = json.loads(PREDEFINED_ROLES.read_text(encoding="utf-8"))
    return frozenset(permission for role in roles for permission in role.get("includedPermissions", ()))


def _method_files() -> list[str]:
    return sorted(entry.name for entry in METHODS_DIR.iterdir() if entry.name.endswith(".toml"))


def test_at_least_40_methods() -> None:
    assert len(load_methods()) >= 40


def test_every_file_loads_and_id_equals_file_name() -> None:
    files = _method_files()
    assert len(files) == len(load_methods())
    for name in files:
        assert load_method_file(METHODS_DIR / name).id == name.removesuffix(".toml")


def test_ids_are_unique_sorted_and_prefixed() -> None:
    ids = [method.id for method in load_methods()]
    assert ids == sorted(set(ids))
    assert all(method_id.startswith("gcp-") for method_id in ids)
    assert set(methods_by_id()) == set(ids)


def test_expected_methods_are_present() -> None:
    missing = sorted(set(EXPECTED) - set(methods_by_id()))
    assert not missing


def test_every_category_target_effect_and_place_is_used() -> None:
    methods = load_methods()
    assert {method.category for method in methods} == set(Category)
    assert {method.target for method in methods} == set(TargetKind)
    assert {method.effect for method in methods} == set(Effect)
    assert {group.on for method in methods for group in method.required} == set(Where)


def test_every_method_has_a_reference_url_and_an_owasp_id() -> None:
    for method in load_methods():
        assert method.references, method.id
        assert all(url.startswith("https://") for url in method.references), method.id
        assert method.owasp_nhi, method.id


def test_every_required_permission_is_a_real_predefined_permission_case_exact() -> None:
    if not PREDEFINED_ROLES.is_file():
        pytest.skip(f"public role dataset not available at {PREDEFINED_ROLES}")
    known = _predefined_permissions()
    unknown = sorted(
        f"{method.id}: {permission}"
        for method in load_methods()
        for permission in method.permissions
        if permission not in known
    )
    assert not unknown


def test_methods_by_permission_is_case_exact() -> None:
    index = methods_by_permission()
    token = methods_by_id()["gcp-iam-service-accounts-get-access-token"]
    assert token in index["iam.serviceAccounts.getAccessToken"]
    assert "iam.serviceaccounts.getaccesstoken" not in index
    act_as = {method.id for method in index["iam.serviceAccounts.actAs"]}
    assert {"gcp-compute-instances-create", "gcp-run-services-create", "gcp-cloudfunctions-functions-create"} <= act_as
    assert "gcp-cloudbuild-builds-create" not in act_as  # the legacy Cloud Build service account needs no actAs


def test_permission_index_lists_each_method_under_each_of_its_permissions() -> None:
    index = methods_by_permission()
    for method in load_methods():
        for permission in method.permissions:
            assert method in index[permission]
    for found in index.values():
        assert [method.id for method in found] == sorted(method.id for method in found)
    assert interesting_permissions() == frozenset(index)


def test_policy_changes_on_scopes_are_admin_edges() -> None:
    for scope, target in (
        ("organizations", TargetKind.ORGANIZATION),
        ("folders", TargetKind.FOLDER),
        ("projects", TargetKind.PROJECT),
    ):
        method = methods_by_id()[f"gcp-resourcemanager-{scope}-set-iam-policy"]
        assert method.target is target
        assert method.effect is Effect.ADMIN
        assert method.edge is EdgeKind.CAN_MODIFY_POLICY
        assert method.permissions == {f"resourcemanager.{scope}.setIamPolicy"}


def test_custom_role_update_and_service_account_grant() -> None:
    role = methods_by_id()["gcp-iam-roles-update"]
    assert (role.target, role.effect) == (TargetKind.CUSTOM_ROLE, Effect.ADMIN)
    grant = methods_by_id()["gcp-iam-service-accounts-set-iam-policy"]
    assert (grant.target, grant.effect) == (TargetKind.SERVICE_ACCOUNT, Effect.GRANT)


def test_keys_are_credentials_and_upload_uses_the_create_permission() -> None:
    for method_id in ("gcp-iam-service-account-keys-create", "gcp-iam-service-account-keys-upload"):
        method = methods_by_id()[method_id]
        assert method.effect is Effect.CREDENTIAL
        assert method.edge is EdgeKind.CAN_CREATE_CREDENTIAL
        assert method.permissions == {"iam.serviceAccountKeys.create"}
    hmac = methods_by_id()["gcp-storage-hmac-keys-create"]
    assert (hmac.category, hmac.effect) == (Category.CREDENTIAL, Effect.CREDENTIAL)


def test_service_agent_methods_name_their_agent() -> None:
    build = methods_by_id()["gcp-cloudbuild-builds-create"]
    assert build.target is TargetKind.SERVICE_AGENT
    assert build.service_agent_email(project_number="123") == "123@cloudbuild.gserviceaccount.com"
    deployments = methods_by_id()["gcp-deploymentmanager-deployments-create"]
    assert deployments.service_agent == "{project_number}@cloudservices.gserviceaccount.com"
    assert methods_by_id()["gcp-compute-instances-create"].service_agent_email(project_number="123") is None
    for method in load_methods():
        assert (method.service_agent is not None) == (method.target is TargetKind.SERVICE_AGENT), method.id


def test_resource_targets_name_their_type_and_secrets_are_read() -> None:
    for method in load_methods():
        assert (method.resource_type is not None) == (method.target is TargetKind.RESOURCE), method.id
    secret = methods_by_id()["gcp-secretmanager-versions-access"]
    assert (secret.category, secret.effect, secret.resource_type) == (
        Category.DATA_ACCESS,
        Effect.READ,
        "secretmanager.secrets",
    )


def test_existing_resource_methods_name_the_workload_and_explain_the_condition() -> None:
    kinds = set()
    for method in load_methods():
        on_existing = bool(method.groups_on(Where.EXISTING_RESOURCE))
        assert (method.resource_kind is not None) == on_existing, method.id
        if on_existing:
            assert method.offline_note is not None, method.id
            kinds.add(method.resource_kind)
    assert {"compute-instance", "cloud-function", "cloud-run-service", "gke-cluster"} <= kinds


def test_act_as_compute_methods_need_act_as_on_the_target_unless_documented_otherwise() -> None:
    #: Google documents that these run code as the workload's account without the caller's actAs.
    without_act_as = {
        "gcp-compute-instances-set-metadata",
        "gcp-compute-instance-templates-create-instance-group-managers-create",
        "gcp-osconfig-patch-jobs-exec",
        "gcp-composer-environments-update",
        "gcp-dataproc-jobs-create",
        "gcp-container-pods-create",
    }
    for method in load_methods():
        if method.category is not Category.ACT_AS_COMPUTE:
            continue
        act_as = [group for group in method.required if "iam.serviceAccounts.actAs" in group.permissions]
        assert bool(act_as) == (method.id not in without_act_as), method.id


def test_federation_targets_pools_with_the_real_permission_names() -> None:
    create = methods_by_id()["gcp-iam-workload-identity-pool-providers-create"]
    assert create.target is TargetKind.WORKLOAD_IDENTITY_POOL
    assert create.permissions == {"iam.googleapis.com/workloadIdentityPoolProviders.create"}


def test_offline_message_fills_placeholders() -> None:
    method = methods_by_id()["gcp-compute-instances-set-metadata"]
    message = method.offline_message(target="sa@p.iam.gserviceaccount.com", principal="user:a@example.com")
    assert message is not None
    assert "sa@p.iam.gserviceaccount.com" in message
    assert "{" not in message
    assert methods_by_id()["gcp-iam-service-accounts-get-access-token"].offline_message(target="x") is None


def test_methods_are_frozen() -> None:
    method = load_methods()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        method.id = "gcp-other"  # type: ignore[misc]


def test_nothing_is_read_at_import_time() -> None:
    code = "import nhi_scan.escalation.gcp.catalog as c; print(c.load_methods.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


# ------------------------------------------------------------------------------------------------ validation

VALID = """\
id = "@ID@"
name = "iam.serviceAccounts.actAs + run.services.update"
description = "Deploys a new revision of a Cloud Run service that runs as the target service account."
category = "act-as-compute"
target = "service-account"
resource_kind = "cloud-run-service"
edge = "CAN_RUN_AS"
effect = "become-target"
offline_note = "possible if a Cloud Run service running as {target} exists"
owasp_nhi = ["NHI5:2025"]
references = ["https://cloud.google.com/run/docs/securing/service-identity"]

[[required]]
permissions = ["iam.serviceAccounts.actAs"]
on = "target"

[[required]]
permissions = ["run.services.update"]
on = "existing-resource"
"""

SAMPLE_ID = "gcp-sample-method"


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
    _write(tmp_path, VALID, name="gcp-another-method")
    methods = load_methods_from(tmp_path)
    assert [method.id for method in methods] == ["gcp-another-method", SAMPLE_ID]
    method = methods[1]
    assert isinstance(method, Method)
    assert method.effect is Effect.BECOME_TARGET
    assert method.edge is EdgeKind.CAN_RUN_AS
    assert method.permissions == {"iam.serviceAccounts.actAs", "run.services.update"}
    assert [group.permissions for group in method.groups_on(Where.EXISTING_RESOURCE)] == [("run.services.update",)]
    assert method.source == str(tmp_path / f"{SAMPLE_ID}.toml")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        # unknown keys and wrong types
        ('edge = "CAN_RUN_AS"', 'edge = "CAN_RUN_AS"\ncolour = "red"', "colour"),
        ('on = "target"', 'on = "target"\nresource = "any"', "required[0].resource"),
        ('name = "iam.serviceAccounts.actAs + run.services.update"', "name = 5", "name"),
        ('owasp_nhi = ["NHI5:2025"]', 'owasp_nhi = "NHI5:2025"', "owasp_nhi"),
        ('permissions = ["run.services.update"]', 'permissions = "run.services.update"', "required[1].permissions"),
        ('name = "iam.serviceAccounts.actAs + run.services.update"\n', "", "name"),
        # values
        ('id = "@ID@"', 'id = "gcp-other-method"', "id"),
        ('id = "@ID@"', 'id = "sample-method"', "id"),
        ('category = "act-as-compute"', 'category = "escalate"', "category"),
        ('target = "service-account"', 'target = "robot"', "target"),
        ('edge = "CAN_RUN_AS"', 'edge = "CAN_FLY"', "edge"),
        ('effect = "become-target"', 'effect = "everything"', "effect"),
        ('on = "existing-resource"', 'on = "somewhere"', "required[1].on"),
        ('["run.services.update"]', '["run.services"]', "required[1].permissions[0]"),
        ('["run.services.update"]', '["run.Services.update"]', "required[1].permissions[0]"),
        ('["run.services.update"]', "[]", "required[1].permissions"),
        ('["run.services.update"]', '["iam.serviceAccounts.actAs"]', "required[1].permissions"),
        ("{target} exists", "{victim} exists", "offline_note"),
        ("service account.", "service account", "description"),
        ('["NHI5:2025"]', '["NHI11:2025"]', "owasp_nhi[0]"),
        ('["https://cloud.google.com/run/docs/securing/service-identity"]', '["ftp://x"]', "references[0]"),
        ("[[required]]", "[[needed]]", "needed"),
        # fields that go together
        ('resource_kind = "cloud-run-service"\n', "", "resource_kind"),
        ('on = "existing-resource"', 'on = "target-project"', "resource_kind"),
        ('offline_note = "possible if a Cloud Run service running as {target} exists"\n', "", "offline_note"),
        (
            'target = "service-account"',
            'target = "service-account"\nresource_type = "storage.buckets"',
            "resource_type",
        ),
        (
            'target = "service-account"',
            'target = "service-account"\nservice_agent = "{project_number}@cloudbuild.gserviceaccount.com"',
            "service_agent",
        ),
        ('target = "service-account"', 'target = "service-agent"', "service_agent"),
        ('effect = "become-target"', 'effect = "admin"', "effect"),
        ('effect = "become-target"', 'effect = "read"', "effect"),
        ('category = "act-as-compute"', 'category = "federation"', "category"),
        ('category = "act-as-compute"', 'category = "credential"', "category"),
    ],
)
def test_malformed_file_is_refused_naming_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in VALID
    path = _write(tmp_path, VALID.replace(old, new, 1))
    error = _load_error(tmp_path)
    assert error.field == field
    assert error.source == str(path)
    assert str(path) in str(error)
    assert isinstance(error, ValueError)
    assert isinstance(error, InputError)


def _resource_method(**changes: str) -> str:
    text = (
        VALID.replace('category = "act-as-compute"', 'category = "policy-change"')
        .replace('target = "service-account"', 'target = "resource"\nresource_type = "run.services"')
        .replace('resource_kind = "cloud-run-service"\n', "")
        .replace('effect = "become-target"', 'effect = "grant"')
        .replace('on = "existing-resource"', 'on = "target"')
        .replace('offline_note = "possible if a Cloud Run service running as {target} exists"\n', "")
    )
    for old, new in changes.items():
        text = text.replace(old, new)
    return text


def test_resource_target_needs_its_type(tmp_path: Path) -> None:
    _write(tmp_path, _resource_method())
    assert load_methods_from(tmp_path)[0].resource_type == "run.services"
    path = _write(tmp_path, _resource_method(**{'resource_type = "run.services"\n': ""}))
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "resource_type")


def test_existing_resource_needs_a_service_account_target(tmp_path: Path) -> None:
    text = (
        VALID.replace('category = "act-as-compute"', 'category = "policy-change"')
        .replace('target = "service-account"', 'target = "resource"\nresource_type = "run.services"')
        .replace('effect = "become-target"', 'effect = "grant"')
    )
    path = _write(tmp_path, text)
    error = _load_error(tmp_path)
    assert (error.source, error.field) == (str(path), "required[1].on")


def test_service_agent_template_must_name_the_project(tmp_path: Path) -> None:
    agent = (
        VALID.replace('category = "act-as-compute"', 'category = "service-agent"')
        .replace('target = "service-account"', 'target = "service-agent"\nservice_agent = "@AGENT@"')
        .replace('resource_kind = "cloud-run-service"\n', "")
        .replace('on = "existing-resource"', 'on = "target-project"')
        .replace('offline_note = "possible if a Cloud Run service running as {target} exists"\n', "")
    )
    _write(tmp_path, agent.replace("@AGENT@", "{project_number}@cloudbuild.gserviceaccount.com"))
    method = load_methods_from(tmp_path)[0]
    assert method.service_agent_email(project_number="42") == "42@cloudbuild.gserviceaccount.com"
    bad = ("builder@cloudbuild.gserviceaccount.com", "{region}@cloudbuild.gserviceaccount.com", "x@gmail.com")
    for template in bad:
        path = _write(tmp_path, agent.replace("@AGENT@", template))
        error = _load_error(tmp_path)
        assert (error.source, error.field) == (str(path), "service_agent"), template


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / f"{SAMPLE_ID}.toml"
    path.write_text('id = "unterminated\n', encoding="utf-8")
    error = _load_error(tmp_path)
    assert error.source == str(path)
    assert error.field is None
    assert "not valid TOML" in str(error)


def test_files_other_than_toml_are_ignored(tmp_path: Path) -> None:
    _write(tmp_path, VALID)
    (tmp_path / "README.md").write_text("not a method", encoding="utf-8")
    assert [method.id for method in load_methods_from(tmp_path)] == [SAMPLE_ID]
