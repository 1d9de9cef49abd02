"""The documents of a live collection, read offline: formats, workloads, agents, credentials, organisations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import CredentialKind, IdentityKind, PolicyKind, ScanResult, SourceStatus
from tests.aws.builders import ACCOUNT, credential_report, gaad, report_row, role, user, write_export
from tests.conftest import RunCli
from tests.live.documents import (
    access_advisor,
    bedrock_agent,
    functions,
    instances,
    role_arn,
    service,
    task_definition,
    trust_policy,
    write_files,
)

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _profile_role(name: str, profile: str) -> dict[str, object]:
    entry = role(name, trust=trust_policy("ec2.amazonaws.com"), last_used="2026-11-01T00:00:00Z")
    entry["InstanceProfileList"] = [{"Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{profile}", "Roles": []}]
    return entry


def _export(directory: Path, *, extra: dict[str, object], **kwargs: object) -> Path:
    write_export(directory, **kwargs)  # type: ignore[arg-type]
    return write_files(directory, extra)


def _scan(directory: Path) -> ScanResult:
    return run_scan([directory], now=NOW)


def test_workloads_join_their_roles_and_agents_are_marked(tmp_path: Path) -> None:
    roles = [
        _profile_role("web", "web-profile"),
        role("support-agent-role", trust=trust_policy("bedrock.amazonaws.com")),
        role("runtime-role", trust=trust_policy("bedrock-agentcore.amazonaws.com")),
        role("worker"),
    ]
    directory = _export(
        tmp_path,
        authz=gaad(roles=roles),
        extra={
            "eu-west-1/ec2-instances.json": instances(("i-1", "web-profile", {"Name": "web-1"}), ("i-2", None, {})),
            "eu-west-1/lambda-functions.json": functions(("resize", "web"), ("gone", "deleted-role")),
            "eu-west-1/ecs-task-definitions.json": [task_definition("jobs", "worker", "worker")],
            "eu-west-1/bedrock-agents.json": [bedrock_agent("support", "support-agent-role")],
        },
    )
    result = _scan(directory)
    runs = {(w.kind, w.name): w.identity_id for w in result.inventory.workloads}
    assert runs[("ec2-instance", "web-1")] == role_arn("web")
    assert runs[("lambda-function", "resize")] == role_arn("web")
    assert runs[("ecs-task", "jobs:3")] == runs[("ecs-task-execution", "jobs:3")] == role_arn("worker")
    assert ("lambda-function", "gone") not in runs
    assert any("not in the export" in w and "lambda-function gone" in w for w in result.warnings)
    reasons = {i.name: i.agent_reason for i in result.inventory.identities}
    assert reasons["support-agent-role"] == "bedrock-agent support runs as it"
    assert "bedrock-agentcore.amazonaws.com" in (reasons["runtime-role"] or "")
    assert reasons["web"] is None
    web = next(i for i in result.inventory.identities if i.name == "web")
    assert list(web.attributes["instance_profiles"]) == [f"arn:aws:iam::{ACCOUNT}:instance-profile/web-profile"]


def test_agentcore_workload_identities_are_agent_identities(tmp_path: Path) -> None:
    arn = f"arn:aws:bedrock-agentcore:eu-west-1:{ACCOUNT}:workload-identity-directory/default/workload-identity/bot"
    directory = _export(
        tmp_path,
        authz=gaad(roles=[role("r")]),
        extra={
            "agentcore-workload-identities.json": {
                "workloadIdentities": [{"name": "bot", "workloadIdentityArn": arn, "tags": {"owner": "ml-team"}}]
            }
        },
    )
    identity = next(i for i in _scan(directory).inventory.identities if i.id == arn)
    assert identity.kind is IdentityKind.AGENT_IDENTITY and identity.owner == "ml-team" and identity.agent_reason


def test_user_credentials_from_listings(tmp_path: Path) -> None:
    directory = _export(
        tmp_path,
        authz=gaad(users=[user("ci-bot")]),
        report=credential_report(report_row("ci-bot")).replace(
            "false,N/A,false,N/A\n", "true,2024-01-01T00:00:00+00:00,false,N/A\n"
        ),
        extra={
            "service-specific-credentials.json": {
                "ServiceSpecificCredentials": [
                    {
                        "UserName": "ci-bot",
                        "Status": "Active",
                        "ServiceName": "bedrock.amazonaws.com",
                        "ServiceSpecificCredentialId": "ACCA1234567890EXAMPLE",
                        "CreateDate": "2024-01-01T00:00:00Z",
                        "ServiceUserName": "ci-bot-at-111122223333",
                    }
                ]
            },
            "ssh-public-keys.json": {
                "SSHPublicKeys": [
                    {
                        "UserName": "ci-bot",
                        "SSHPublicKeyId": "APKA1234567890EXAMPLE",
                        "Status": "Active",
                        "UploadDate": "2025-01-01T00:00:00Z",
                    }
                ]
            },
            "signing-certificates.json": {
                "Certificates": [
                    {
                        "UserName": "ci-bot",
                        "CertificateId": "CERT1234",
                        "Status": "Active",
                        "UploadDate": "2024-01-01T00:00:00Z",
                    }
                ]
            },
        },
    )
    result = _scan(directory)
    bot = next(i for i in result.inventory.identities if i.name == "ci-bot")
    kinds = {c.id: (c.kind, c.label) for c in bot.credentials}
    assert kinds["ACCA1234567890EXAMPLE"] == (CredentialKind.SERVICE_SPECIFIC, "Bedrock API key")
    assert kinds["APKA1234567890EXAMPLE"][0] is CredentialKind.SSH_KEY
    certificates = [c.id for c in bot.credentials if c.kind is CredentialKind.CERTIFICATE]
    assert certificates == ["CERT1234"]  # the listing replaces the report's anonymous slot
    assert any(f.check_id == "credential-not-rotated" and f.subject == "ACCA1234567890EXAMPLE" for f in result.findings)


def test_access_advisor_becomes_service_usage(tmp_path: Path) -> None:
    arn = role_arn("etl")
    advisor = access_advisor(
        arn,
        service("s3", "2026-11-20T00:00:00Z", CreateBucket="2026-11-20T00:00:00Z", DeleteBucket=None),
        service("ec2", None),
    )
    directory = _export(tmp_path, authz=gaad(roles=[role("etl")]), extra={"access-advisor/role-etl.json": advisor})
    usage = {u.service: u for u in _scan(directory).inventory.usage}
    assert usage["s3"].identity_id == arn and usage["s3"].actions["s3:DeleteBucket"] is None
    assert usage["ec2"].last_used is None


@pytest.mark.parametrize(
    ("name", "document", "detail"),
    [
        ("advisor.json", {"ServicesLastAccessed": [], "JobStatus": "COMPLETED"}, "field Arn: missing"),
        ("advisor.json", {**access_advisor("arn:aws:iam::1:role/r"), "JobStatus": "IN_PROGRESS"}, "not COMPLETED"),
        ("fn.json", {"Functions": [{"FunctionArn": "arn:aws:lambda:x:1:function:f"}]}, "Functions[0].Role"),
        ("ssh.json", {"SSHPublicKeys": [{"UserName": "u", "Status": "Active"}]}, "SSHPublicKeyId: missing"),
        ("units.json", {"OrganizationalUnits": []}, "ParentId: missing"),
    ],
)
def test_broken_documents_name_the_field(tmp_path: Path, name: str, document: object, detail: str) -> None:
    directory = _export(tmp_path, authz=gaad(users=[user("u")]), extra={name: document})
    errors = [s.detail for s in _scan(directory).sources if s.status is SourceStatus.ERROR]
    assert len(errors) == 1 and detail in errors[0]


def test_collection_errors_mark_the_scan_incomplete(tmp_path: Path, run_cli: RunCli) -> None:
    record = {
        "NhiScanCollectionError": {
            "Account": "222233334444",
            "Phase": "account",
            "Call": "sts:AssumeRole",
            "Error": "AccessDenied: no",
            "Impact": "account not scanned",
        }
    }
    directory = _export(tmp_path, authz=gaad(users=[user("u")]), extra={"222233334444/errors/account.json": record})
    result = _scan(directory)
    assert not result.complete
    assert any("account 222233334444: account not collected: sts:AssumeRole failed" in s.detail for s in result.sources)
    assert run_cli("scan", directory, "--strict", "-q").returncode == 2


def test_organization_paths_and_scp_grants(tmp_path: Path) -> None:
    scp = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}'
    organization = {
        "organization.json": {"Organization": {"Id": "o-abc", "MasterAccountId": "999999999999"}},
        "roots.json": {"Roots": [{"Id": "r-ab12", "Name": "Root"}]},
        "units-for-parent-r-ab12.json": {"OrganizationalUnits": [{"Id": "ou-ab12-11111111", "Name": "prod"}]},
        "accounts-for-parent-ou-ab12-11111111.json": {"Accounts": [{"Id": ACCOUNT, "Email": "a@x", "Name": "a"}]},
        "accounts.json": {"Accounts": [{"Id": ACCOUNT, "Email": "a@x"}, {"Id": "999999999999", "Email": "m@x"}]},
        "scp-p-abcd1234.json": {
            "Policy": {
                "PolicySummary": {
                    "Id": "p-abcd1234",
                    "Arn": "arn:aws:organizations::9:policy/p",
                    "Name": "no-users",
                    "Type": "SERVICE_CONTROL_POLICY",
                },
                "Content": scp,
            }
        },
        "scp-targets-p-abcd1234.json": {"Targets": [{"TargetId": "ou-ab12-11111111", "Type": "ORGANIZATIONAL_UNIT"}]},
    }
    directory = write_export(tmp_path / ACCOUNT, authz=gaad(users=[user("u")]))
    _export(tmp_path / "organization", extra=organization)
    inventory = _scan(tmp_path).inventory
    assert inventory.organization is not None
    assert inventory.organization.management_account == "999999999999"
    assert inventory.organization.account_paths[ACCOUNT] == ("r-ab12", "ou-ab12-11111111", ACCOUNT)
    scps = [g for g in inventory.grants if g.policy_kind is PolicyKind.SCP]
    assert [(g.principal_id, g.policy_name) for g in scps] == [("ou-ab12-11111111", "no-users")]
    assert directory.is_dir()


def test_accounts_in_their_own_directories_keep_their_keys_apart(tmp_path: Path) -> None:
    for account, key in (("111111111111", "AKIAAAAAAAAAAAAAAAAA"), ("222222222222", "AKIABBBBBBBBBBBBBBBB")):
        _export(
            tmp_path / account,
            authz=gaad(users=[user("deploy", account=account)]),
            extra={
                "access-keys/deploy.json": {
                    "AccessKeyMetadata": [
                        {
                            "UserName": "deploy",
                            "AccessKeyId": key,
                            "Status": "Active",
                            "CreateDate": "2026-01-01T00:00:00Z",
                        }
                    ]
                }
            },
        )
    users = {i.scope: [c.id for c in i.credentials] for i in _scan(tmp_path).inventory.identities}
    assert users == {"111111111111": ["AKIAAAAAAAAAAAAAAAAA"], "222222222222": ["AKIABBBBBBBBBBBBBBBB"]}


def test_workload_listings_count_only_when_every_region_was_listed(tmp_path: Path) -> None:
    def listing(all_regions: bool) -> dict[str, object]:
        return {
            "NhiScanWorkloadListing": {
                "Account": ACCOUNT,
                "Regions": ["eu-west-1"],
                "AllRegions": all_regions,
                "Kinds": ["ec2-instance", "lambda-function"],
            }
        }

    complete = _export(tmp_path / "a", authz=gaad(roles=[role("r")]), extra={"workload-listing.json": listing(True)})
    partial = _export(tmp_path / "b", authz=gaad(roles=[role("r")]), extra={"workload-listing.json": listing(False)})
    assert _scan(complete).inventory.workload_listings == (("ec2-instance", ACCOUNT), ("lambda-function", ACCOUNT))
    assert _scan(partial).inventory.workload_listings == ()
