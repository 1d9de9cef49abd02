"""Malformed method files are refused with an error that names the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhi_scan.errors import InputError
from nhi_scan.escalation.aws.catalog import CatalogError, Effect, load_method_file, load_methods_from

VALID = """\
id = "{id}"
name = "lambda:UpdateFunctionCode"
description = "Replaces the code of a Lambda function that runs as the target role."
category = "existing-compute"
target = "role-with-existing-resource"
resource_kind = "lambda-function"
edge = "CAN_RUN_AS"
effect = "become-target"
offline_note = "possible if a Lambda function running as {{target}} exists"
owasp_nhi = ["NHI5:2025"]
references = ["https://pathfinding.cloud/paths/lambda-003"]

[[required]]
actions = ["lambda:UpdateFunctionCode"]
resource = "existing-resource"
"""


def _write(tmp_path: Path, text: str, name: str = "sample-method") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_method_file(path)
    return caught.value


def test_valid_sample_loads(tmp_path: Path) -> None:
    method = load_method_file(_write(tmp_path, VALID.format(id="sample-method")))
    assert method.id == "sample-method"
    assert method.effect is Effect.BECOME_TARGET
    assert method.actions == frozenset({"lambda:updatefunctioncode"})


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('category = "existing-compute"', 'category = "escalate"', "category"),
        ('edge = "CAN_RUN_AS"', 'edge = "CAN_FLY"', "edge"),
        ('effect = "become-target"', 'effect = "everything"', "effect"),
        ('target = "role-with-existing-resource"', 'target = "robot"', "target"),
        ('resource = "existing-resource"', 'resource = "somewhere"', "required[0].resource"),
        ('actions = ["lambda:UpdateFunctionCode"]', 'actions = ["UpdateFunctionCode"]', "required[0].actions[0]"),
        ('actions = ["lambda:UpdateFunctionCode"]', "actions = []", "required[0].actions"),
        ('owasp_nhi = ["NHI5:2025"]', 'owasp_nhi = ["NHI11:2025"]', "owasp_nhi[0]"),
        ('references = ["https://pathfinding.cloud/paths/lambda-003"]', 'references = ["ftp://x"]', "references[0]"),
        ('resource_kind = "lambda-function"\n', "", "resource_kind"),
        ("{target} exists", "{victim} exists", "offline_note"),
        ('name = "lambda:UpdateFunctionCode"\n', "", "name"),
        ('edge = "CAN_RUN_AS"', 'edge = "CAN_RUN_AS"\ncolour = "red"', "colour"),
        (
            'target = "role-with-existing-resource"',
            'target = "role-with-existing-resource"\npassrole = "yes"',
            "passrole",
        ),
        ("role.", "role", "description"),
    ],
)
def test_malformed_entry_names_file_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = VALID.format(id="sample-method")
    assert old in text
    path = _write(tmp_path, text.replace(old, new, 1))
    error = _error(path)
    assert error.field == field
    assert error.source == str(path)
    assert str(path) in str(error) and f"field {field}" in str(error)
    assert isinstance(error, InputError)


def test_id_must_equal_file_name(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.format(id="other-name")))
    assert error.field == "id"
    assert "sample-method" in str(error)


def test_invalid_toml_names_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "id = \n")
    error = _error(path)
    assert str(path) in str(error)
    assert "TOML" in str(error)


def test_category_rules_are_enforced(tmp_path: Path) -> None:
    text = VALID.format(id="sample-method").replace('"existing-compute"', '"pass-role-new-compute"')
    assert _error(_write(tmp_path, text)).field == "passrole"


def test_passed_to_service_requires_passrole(tmp_path: Path) -> None:
    text = VALID.format(id="sample-method").replace(
        'edge = "CAN_RUN_AS"', 'passed_to_service = "lambda.amazonaws.com"\nedge = "CAN_RUN_AS"'
    )
    assert _error(_write(tmp_path, text)).field == "passed_to_service"


def test_directory_discovery_adds_a_method_by_adding_a_file(tmp_path: Path) -> None:
    _write(tmp_path, VALID.format(id="first-method"), name="first-method")
    _write(tmp_path, VALID.format(id="second-method"), name="second-method")
    (tmp_path / "README.md").write_text("not a method", encoding="utf-8")
    assert [method.id for method in load_methods_from(tmp_path)] == ["first-method", "second-method"]
