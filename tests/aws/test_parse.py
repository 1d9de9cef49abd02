"""The AWS parser reads exports as the CLI writes them, and as the raw API and emulators do."""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import parse_documents
from nhi_scan.model import CredentialKind, IdentityKind, Inventory, PolicyKind, SourceStatus
from nhi_scan.settings import Settings
from tests.aws.builders import (
    ACCOUNT,
    ALLOW_ALL,
    credential_report,
    gaad,
    group,
    managed_policy,
    report_row,
    role,
    user,
    write_export,
)

POLICY_ARN = f"arn:aws:iam::{ACCOUNT}:policy/deploy"


def inventory_of(directory: Path) -> Inventory:
    loaded = load_inputs([directory])
    assert all(s.status is SourceStatus.USED for s in loaded.sources), loaded.sources
    return parse_documents(loaded.documents, Settings())


def by_name(inventory: Inventory, name: str):  # type: ignore[no-untyped-def]
    return next(i for i in inventory.identities if i.name == name)


def test_gaad_users_roles_groups_and_grants(tmp_path: Path) -> None:
    authz = gaad(
        users=[user("ci-deploy", groups=["deployers"], inline={"own": ALLOW_ALL}, tags={"Owner": "team-a"})],
        groups=[group("deployers", attached=[POLICY_ARN])],
        roles=[role("app", last_used="2026-11-01T00:00:00Z")],
        policies=[managed_policy(POLICY_ARN, ALLOW_ALL)],
    )
    inventory = inventory_of(write_export(tmp_path, authz=authz))
    ci = by_name(inventory, "ci-deploy")
    assert ci.kind is IdentityKind.USER and ci.machine and ci.owner == "team-a"
    assert ci.groups == (f"arn:aws:iam::{ACCOUNT}:group/deployers",)
    grants = [g for g in inventory.grants if g.principal_id == ci.id]
    assert {(g.policy_kind, g.policy_name, g.via) for g in grants} == {
        (PolicyKind.INLINE, "own", None),
        (PolicyKind.MANAGED, "deploy", f"arn:aws:iam::{ACCOUNT}:group/deployers"),
    }
    app = by_name(inventory, "app")
    assert app.kind is IdentityKind.ROLE and app.last_used == datetime(2026, 11, 1, tzinfo=UTC)
    assert inventory.scopes == (("aws", ACCOUNT),)
    assert [t.principal for t in inventory.trusts] == ["lambda.amazonaws.com"]


def test_url_encoded_documents_and_missing_policy_name(tmp_path: Path) -> None:
    encoded = urllib.parse.quote(json.dumps(ALLOW_ALL))
    policy = managed_policy(POLICY_ARN, ALLOW_ALL)
    del policy["PolicyName"]
    policy["PolicyVersionList"][0]["Document"] = encoded
    entry = user("bot", attached=[POLICY_ARN])
    del entry["AttachedManagedPolicies"][0]["PolicyName"]
    entry["UserPolicyList"] = [{"PolicyName": "x", "PolicyDocument": encoded}]
    trust_role = role("r")
    trust_role["AssumeRolePolicyDocument"] = urllib.parse.quote(json.dumps(trust_role["AssumeRolePolicyDocument"]))
    inventory = inventory_of(write_export(tmp_path, authz=gaad(users=[entry], roles=[trust_role], policies=[policy])))
    assert inventory.policies[0].name == "deploy"
    docs = {g.policy_name: g.document for g in inventory.grants}
    assert docs == {"x": ALLOW_ALL, "deploy": ALLOW_ALL}
    assert inventory.trusts[0].principal == "lambda.amazonaws.com"


def test_role_last_used_absent_is_unknown_and_empty_is_never(tmp_path: Path) -> None:
    authz = gaad(roles=[role("never", last_used=None), role("unknown", last_used=False)])
    inventory = inventory_of(write_export(tmp_path, authz=authz))
    assert by_name(inventory, "never").last_used_known is True
    assert by_name(inventory, "unknown").last_used_known is False


def test_credential_report_values_root_row_and_keys(tmp_path: Path) -> None:
    report = credential_report(
        report_row("<root_account>", key1=(True, "2020-05-01T10:00:00+00:00", "2021-01-02T00:00:00+00:00")),
        report_row(
            "etl-loader",
            key1=(True, "2024-02-03T04:05:06+00:00", "N/A"),
            key2=(False, "2023-01-01T00:00:00+00:00", "2023-06-01T00:00:00+00:00"),
        ),
        report_row("jane.doe", password=True, password_last_used="no_information", mfa=True),
    )
    inventory = inventory_of(write_export(tmp_path, report=report))
    root = by_name(inventory, "root")
    assert root.kind is IdentityKind.ROOT and root.id == f"arn:aws:iam::{ACCOUNT}:root"
    assert root.credentials[0].created == datetime(2020, 5, 1, 10, tzinfo=UTC)
    etl = by_name(inventory, "etl-loader")
    first, second = etl.credentials
    assert first.active and first.never_used and first.last_used is None
    assert first.last_rotated == datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    assert not second.active and second.last_used == datetime(2023, 6, 1, tzinfo=UTC)
    jane = by_name(inventory, "jane.doe")
    assert not jane.machine and "person" in jane.machine_reason
    password = jane.active_credentials(CredentialKind.PASSWORD)[0]
    assert password.last_used is None and password.never_used


def test_report_only_user_is_inventoried_without_gaad(tmp_path: Path) -> None:
    inventory = inventory_of(write_export(tmp_path, report=credential_report(report_row("svc-backup"))))
    assert [i.name for i in inventory.identities] == ["svc-backup"]


def test_list_access_keys_gives_ids_and_last_used_file_matches_by_name(tmp_path: Path) -> None:
    report = credential_report(
        report_row(
            "deploy-bot",
            key1=(True, "2024-01-01T00:00:00+00:00", "N/A"),
            key2=(True, "2025-01-01T00:00:00+00:00", "N/A"),
        )
    )
    keys = {
        "AccessKeyMetadata": [
            {
                "UserName": "deploy-bot",
                "AccessKeyId": "AKIAAAAAAAAAAAAAAAA2",
                "Status": "Active",
                "CreateDate": "2025-01-01T00:00:00Z",
            },
            {
                "UserName": "deploy-bot",
                "AccessKeyId": "AKIAAAAAAAAAAAAAAAA1",
                "Status": "Active",
                "CreateDate": "2024-01-01T00:00:00Z",
            },
        ],
        "IsTruncated": False,
    }
    last_used = {
        "UserName": "deploy-bot",
        "AccessKeyLastUsed": {"LastUsedDate": "2026-11-20T00:00:00Z", "ServiceName": "s3", "Region": "us-east-1"},
    }
    directory = write_export(
        tmp_path,
        report=report,
        extra={"keys.json": keys, "last-used-AKIAAAAAAAAAAAAAAAA2.json": last_used},
    )
    credentials = by_name(inventory_of(directory), "deploy-bot").credentials
    assert [(c.id, c.label) for c in credentials] == [
        ("AKIAAAAAAAAAAAAAAAA1", "access key 1"),
        ("AKIAAAAAAAAAAAAAAAA2", "access key 2"),
    ]
    assert credentials[0].never_used
    assert credentials[1].last_used == datetime(2026, 11, 20, tzinfo=UTC)
    assert not credentials[1].never_used


def test_credential_report_in_cli_json_form(tmp_path: Path) -> None:
    import base64

    csv_text = credential_report(report_row("svc-a", key1=(True, "2024-01-01T00:00:00+00:00", "N/A")))
    wrapped = {
        "Content": base64.b64encode(csv_text.encode()).decode(),
        "ReportFormat": "text/csv",
        "GeneratedTime": "2026-11-28T00:00:00Z",
    }
    inventory = inventory_of(write_export(tmp_path, extra={"report.json": wrapped}))
    assert by_name(inventory, "svc-a").credentials[0].active


def test_attached_policy_missing_from_export_is_a_warning(tmp_path: Path) -> None:
    authz = gaad(users=[user("bot", attached=["arn:aws:iam::aws:policy/AdministratorAccess"])])
    inventory = inventory_of(write_export(tmp_path, authz=authz))
    assert any("AdministratorAccess" in w for w in inventory.warnings)
