"""Parts of an export that cannot be read as written are named (file, JSON path) in the report's warnings, the
file's source is partial and the scan incomplete; what a provider never writes is a one-line error naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhi_scan.connectors import json_text, unreadable
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.errors import InputError
from nhi_scan.model import SourceStatus
from tests.aws.builders import gaad, role, user


def test_duplicate_key_with_another_value_is_named_by_its_path() -> None:
    text = '{"RoleDetailList": [{"Arn": "a", "Path": "/"}, {"Arn": "b", "Path": "/x/", "Path": "/"}]}'
    with unreadable.collecting() as notes:
        value = json_text.decode("f.json", text)
    assert value["RoleDetailList"][1]["Path"] == "/"  # the last one, as every JSON reader
    assert notes == [
        "f.json: field RoleDetailList[1].Path: key given more than once with different values: the last one is read"
    ]


def test_duplicate_key_with_the_same_value_is_harmless() -> None:
    with unreadable.collecting() as notes:
        json_text.decode("f.json", '{"a": 1, "a": 1}')
    assert notes == []


@pytest.mark.parametrize(
    ("text", "needle", "line"),
    [
        ('{\n "a":\n NaN}', "NaN is not a JSON number", 3),
        ('{"a": -Infinity}', "Infinity is not a JSON number", 1),
        ('{"a":\n 1e999}', "past the range of a double", 2),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply", None),
        ('{"a": ' + "9" * 5000 + "}", "invalid JSON", None),
    ],
)
def test_what_no_provider_writes_is_an_error_naming_the_line(text: str, needle: str, line: int | None) -> None:
    with pytest.raises(InputError) as caught:
        json_text.decode("f.json", text)
    assert needle in caught.value.one_line() and len(caught.value.one_line()) < 200
    assert caught.value.line == line


def test_outside_a_loader_a_note_is_an_error() -> None:
    with pytest.raises(InputError, match="field x"):
        unreadable.note_unreadable("f.json", "x", "left out")


def _policy_with(statement: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [statement]}


def test_a_statement_iam_would_refuse_is_left_out_and_named(tmp_path: Path) -> None:
    trust = _policy_with({"Effect": "Allow", "Principal": 7, "Action": "sts:AssumeRole"})
    document = gaad(users=[user("ci-bot")], roles=[role("app", trust=trust)])
    (tmp_path / "authz.json").write_text(json.dumps(document))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    (warning,) = loaded.warnings
    assert "RoleDetailList[0].AssumeRolePolicyDocument.Statement[0].Principal" in warning
    assert "the statement is left out" in warning and warning in source.detail


def test_an_identity_that_cannot_be_read_is_left_out_the_rest_read(tmp_path: Path) -> None:
    bad = role("app") | {"Arn": "arn:aws:iam::1111222233334444:role/app"}
    document = gaad(users=[user("ci-bot")], roles=[bad])
    (tmp_path / "authz.json").write_text(json.dumps(document))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    assert len(loaded.documents[0].payload.users) == 1 and not loaded.documents[0].payload.roles  # type: ignore[attr-defined]
    assert "RoleDetailList[0].Arn: not the ARN of an IAM role" in loaded.warnings[0]


def _instances(tags: list[dict[str, object]]) -> dict[str, object]:
    instance = {
        "InstanceId": "i-0abc",
        "State": {"Name": "running"},
        "IamInstanceProfile": {"Arn": "arn:aws:iam::111122223333:instance-profile/web"},
        "Placement": {"AvailabilityZone": "eu-west-1a"},
        "Tags": tags,
    }
    return {"Reservations": [{"OwnerId": "111122223333", "Instances": [instance]}]}


@pytest.mark.parametrize("document", ["gaad", "ec2"])
def test_a_tag_with_a_null_value_is_left_out_and_named(tmp_path: Path, document: str) -> None:
    """AWS writes a tag's Value as a string (``""`` at least): read as empty, an owner tag naming nobody would pass
    for one, so a null one is left out and said, in every AWS format holding tags."""
    tags = [{"Key": "owner", "Value": None}, {"Key": "team", "Value": "data"}]
    if document == "gaad":
        body: dict[str, object] = gaad(users=[user("ci-bot") | {"Tags": tags}])
        where = "UserDetailList[0].Tags[0]"
    else:
        body = _instances(tags)
        where = "Reservations[0].Instances[0].Tags[0]"
    (tmp_path / "in.json").write_text(json.dumps(body))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    (warning,) = loaded.warnings
    assert where in warning and "the tag is left out" in warning
    payload = loaded.documents[0].payload
    found = payload.users[0].tags if document == "gaad" else payload.workloads[0].tags  # type: ignore[attr-defined]
    assert found == {"team": "data"}


@pytest.mark.parametrize(
    ("change", "said"), [("rename", "UserDetailLis: not a key of"), ("delete", "UserDetailList: missing")]
)
def test_a_renamed_or_missing_list_of_authorization_details_is_said(tmp_path: Path, change: str, said: str) -> None:
    """Every page the API answers holds the four lists: a user list renamed or deleted would lose every user (and
    their keys' findings) with the scan complete, so it is named and the file partial."""
    document = gaad(users=[user("ci-bot")], roles=[role("app")])
    users = document.pop("UserDetailList")
    if change == "rename":
        document["UserDetailLis"] = users
    (tmp_path / "authz.json").write_text(json.dumps(document))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    assert any(said in warning for warning in loaded.warnings)
    assert len(loaded.documents[0].payload.roles) == 1  # type: ignore[attr-defined]


def test_control_characters_in_a_field_are_named_and_ordinary_text_is_not() -> None:
    """A name holding a terminal escape is no longer the name it was (a service namespace that matches nothing made
    a used service look unused): the field is named. Accents, scripts, tabs and newlines are ordinary text."""
    text = json.dumps(
        {
            "ServicesLastAccessed": [
                {"ServiceNamespace": "s3\x1b]0;PWNED\x07", "ServiceName": "Amazon S3"},
                {"ServiceNamespace": "iam\u202e", "ServiceName": "Zoë's IAM 東京\tline\nbreak"},
                {"ServiceNamespace": "sts", "ServiceName": "AWS STS \x9b31m"},
            ]
        },
        ensure_ascii=False,
    )
    with unreadable.collecting() as notes:
        json_text.decode("advisor.json", text)
    fields = [note.split(": ")[1] for note in notes]
    assert fields == [
        "field ServicesLastAccessed[0].ServiceNamespace",
        "field ServicesLastAccessed[1].ServiceNamespace",
        "field ServicesLastAccessed[2].ServiceName",
    ]
    with unreadable.collecting() as clean:
        json_text.decode("ok.json", json.dumps({"name": "Zoë 東京\tx\ny", "path": "C:\\bin\\far"}))
    assert clean == []


@pytest.mark.parametrize(
    ("change", "where", "said"),
    [
        ("null-tags", "RoleDetailList[0].Tags", "null: AWS writes tags as a list"),
        ("region-alone", "RoleDetailList[0].RoleLastUsed.LastUsedDate", "missing beside Region"),
    ],
)
def test_a_damaged_role_is_read_and_said(tmp_path: Path, change: str, where: str, said: str) -> None:
    """AWS never writes null tags, nor a RoleLastUsed Region without its date: read as none, a missing owner or an
    unused role would be invented without a word."""
    app = role("app")
    if change == "null-tags":
        app["Tags"] = None
    else:
        app["RoleLastUsed"] = {"Region": "eu-west-1"}
    (tmp_path / "authz.json").write_text(json.dumps(gaad(roles=[app])))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    (warning,) = loaded.warnings
    assert where in warning and said in warning
    assert len(loaded.documents[0].payload.roles) == 1  # type: ignore[attr-defined]


def test_a_damaged_project_id_of_a_service_account_is_said_and_taken_from_its_email(tmp_path: Path) -> None:
    email = "deployer@nw-prod-apps.iam.gserviceaccount.com"
    account = {
        "email": email,
        "name": f"projects/nw-prod-apps/serviceAccounts/{email}",
        "projectId": "nw-prod-apps" + "x" * 1_000_000,
        "uniqueId": "112233445566778899001",
    }
    (tmp_path / "service-accounts.json").write_text(json.dumps([account]))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    (warning,) = loaded.warnings
    assert "[0].projectId: not a project id" in warning and len(warning) < 300
    (record,) = loaded.documents[0].payload.items  # type: ignore[attr-defined]
    assert record.project == "nw-prod-apps"


def test_a_user_listed_twice_in_one_page_with_other_contents_is_said(tmp_path: Path) -> None:
    """The second copy holding AdministratorAccess became a critical finding with the file used and no warning."""
    admin = {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    twin = user("acme-auditor") | {"AttachedManagedPolicies": [admin]}
    (tmp_path / "authz.json").write_text(json.dumps(gaad(users=[user("acme-auditor"), twin, user("ci-bot")])))
    loaded = load_inputs([tmp_path])
    (source,) = loaded.sources
    assert source.status is SourceStatus.PARTIAL
    (warning,) = loaded.warnings
    assert "UserDetailList" in warning and "user/acme-auditor is twice in this page" in warning
    same = gaad(users=[user("ci-bot"), user("ci-bot")])  # the same entry twice changes nothing: nothing to say
    (tmp_path / "authz.json").write_text(json.dumps(same))
    assert not load_inputs([tmp_path]).warnings


def test_a_user_in_two_files_with_other_contents_is_warned_about(tmp_path: Path) -> None:
    from nhi_scan.engine import run_scan

    admin = {"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    (tmp_path / "a.json").write_text(json.dumps(gaad(users=[user("acme-auditor")])))
    (tmp_path / "b.json").write_text(
        json.dumps(gaad(users=[user("acme-auditor") | {"AttachedManagedPolicies": [admin]}]))
    )
    result = run_scan([tmp_path])
    assert [w for w in result.warnings if "user/acme-auditor is also in another" in w]
