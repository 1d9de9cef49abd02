"""Bad GCP input, as for AWS (tests/test_bad_input.py): every unusable file is one line naming the file and the
field or line, exit code 2 when nothing is usable, never a traceback (nor exit code 3), the other files still
scanned and the report marked incomplete. Tests marked xfail(strict) record a bug: they state what a correct
scanner does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.errors import short_path
from nhi_scan.model import ScanResult, SourceStatus

ROOT = Path(__file__).resolve().parents[2]
AWS_SAMPLE = ROOT / "sample_data" / "aws"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
NOW_TEXT = "2026-11-29T00:00:00Z"


def email(name: str, project: str = "p1") -> str:
    return f"{name}@{project}.iam.gserviceaccount.com"


def sa(name: str, project: str = "p1") -> str:
    return f"serviceAccount:{email(name, project)}"


A, B = sa("a"), sa("b")
KEYS = f"projects/p1/service-accounts/{email('a')}/keys.json"


def account(name: str, project: str = "p1") -> dict[str, Any]:
    return {
        "email": email(name, project),
        "name": f"projects/{project}/serviceAccounts/{email(name, project)}",
        "projectId": project,
        "uniqueId": f"10{sum(map(ord, name + project)):019d}",
    }


def key(**fields: Any) -> dict[str, Any]:
    return {
        "name": f"projects/p1/serviceAccounts/{email('a')}/keys/0a1b2c",
        "keyType": "USER_MANAGED",
        "validAfterTime": "2026-01-01T00:00:00Z",
        "validBeforeTime": "9999-12-31T23:59:59Z",
        **fields,
    }


DENY_NAME = "policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp1/denypolicies/d"


def deny(name: str = DENY_NAME, **fields: Any) -> list[dict[str, Any]]:
    return [{"name": name, "kind": "DenyPolicy", **fields}]


def activity(**fields: Any) -> list[dict[str, Any]]:
    resource = f"//iam.googleapis.com/projects/p1/serviceAccounts/{email('a')}"
    entry = {
        "activityType": "serviceAccountLastAuthentication",
        "fullResourceName": resource,
        "activity": {"lastAuthenticatedTime": "2026-11-20T08:00:00Z", "serviceAccount": {"fullResourceName": resource}},
    }
    entry.update(fields)
    return [entry]


def write(root: Path, relative: str, value: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(value, bytes):
        path.write_bytes(value)
    else:
        path.write_text(value if isinstance(value, str) else json.dumps(value), encoding="utf-8")
    return path


def good_estate(root: Path) -> Path:
    """b is owner of p1, a holds Token Creator on p1: admin-identity for b, privilege-escalation for a."""
    write(root, "organizations/333/organization.json", {"name": "organizations/333", "displayName": "ex.com"})
    write(root, "projects.json", [{"projectId": "p1", "projectNumber": "111", "lifecycleState": "ACTIVE"}])
    write(root, "projects/p1/service-accounts.json", [account("a"), account("b")])
    write(
        root,
        "projects/p1/iam-policy.json",
        {
            "etag": "BwX1",
            "bindings": [
                {"role": "roles/owner", "members": [B]},
                {"role": "roles/iam.serviceAccountTokenCreator", "members": [A]},
            ],
        },
    )
    return root


def assert_rest_of_the_estate_was_scanned(result: ScanResult) -> None:
    assert {A, B} <= {i.id for i in result.inventory.identities}
    checks = {(f.check_id, f.subject) for f in result.findings}
    assert ("admin-identity", B) in checks and ("privilege-escalation", A) in checks


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NHI_SCAN_DEBUG"}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode != 3, result.stderr


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    no_traceback(result)
    assert result.returncode == 2, (result.stdout[:500], result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def bug(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=f"BUG: {reason}")


#: (relative path, content, what the one-line error must name). Paths do not collide with the good estate's files.
CASES = [
    pytest.param(
        "projects/p2/iam-policy.json",
        '{"bindings": [{"role": "roles/owner", "members": ["user:x@ex.com"',
        ("projects/p2/iam-policy.json", "invalid JSON", "truncated"),
        id="truncated-json",
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        '{"bindings": [}',
        ("projects/p2/iam-policy.json:1", "invalid JSON", "line 1"),
        id="malformed-json",
    ),
    pytest.param("projects/p2/iam-policy.json", "", ("projects/p2/iam-policy.json", "empty"), id="empty-file"),
    pytest.param("assets.ndjson", "", ("assets.ndjson", "empty"), id="empty-ndjson"),
    pytest.param("assets.ndjson", "  \n\t\n\n", ("assets.ndjson", "only blank lines"), id="blank-ndjson"),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"v": {"bindings": [{"role": "roles/owner", "members": ["user:a@example.com"]}]}},
        ("projects/p2/iam-policy.json", "not an IAM policy"),
        id="policy-wrapped",
    ),
    pytest.param(
        "projects/p2/activity-sa-authentication.json", {}, ("activity-sa-authentication.json", "[]"), id="activity-{}"
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"bindings": "roles/owner", "etag": "BwX1"},
        ("projects/p2/iam-policy.json", "bindings", "array"),
        id="bindings-not-a-list",
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"bindings": ["roles/owner"]},
        ("projects/p2/iam-policy.json", "bindings[0]", "object"),
        id="binding-not-an-object",
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"bindings": [{"role": "roles/owner", "members": "user:x@ex.com"}]},
        ("projects/p2/iam-policy.json", "bindings[0].members", "array"),
        id="members-a-string",
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"bindings": [{"role": 7, "members": ["user:x@ex.com"]}]},
        ("bindings[0].role", "string"),
        id="role-a-number",
    ),
    pytest.param(
        "projects/p2/iam-policy.json",
        {"bindings": [{"role": "roles/owner", "members": ["user:x@ex.com"], "condition": "request.time < x"}]},
        ("bindings[0].condition", "object"),
        id="condition-a-string",
    ),
    pytest.param(
        "projects/p2/service-accounts.json",
        [{"email": 5, "uniqueId": "1", "projectId": "p2"}],
        ("projects/p2/service-accounts.json", "[0].email", "string"),
        id="email-a-number",
    ),
    pytest.param(
        "projects/p2/service-accounts.json",
        [{"email": email("x", "p2"), "uniqueId": "1", "projectId": "p2", "disabled": "no"}],
        ("projects/p2/service-accounts.json", "[0].disabled", "true or false"),
        id="disabled-a-string",
    ),
    pytest.param(
        "org/projects-v3.json",
        [{"projectId": "p3", "projectNumber": {"value": 3}, "lifecycleState": "ACTIVE"}],
        ("projects-v3.json", "[0].projectNumber"),
        id="project-number-an-object",
    ),
    pytest.param(
        "org/projects-v1.json",
        [{"projectId": "p3", "projectNumber": "3", "parent": {"type": "galaxy", "id": "1"}}],
        ("projects-v1.json", "[0].parent.type", "galaxy"),
        id="project-parent-type",
    ),
    pytest.param(
        "organizations/444/folders.json",
        [{"name": "folders/9", "displayName": "x", "parent": 5}],
        ("folders.json", "[0].parent", "object"),
        id="folder-parent-a-number",
    ),
    pytest.param(KEYS, [key(keyType="HSM_BACKED")], (KEYS, "[0].keyType", "HSM_BACKED"), id="key-type-unknown"),
    pytest.param(
        KEYS, [key(validAfterTime="yesterday")], (KEYS, "[0].validAfterTime", "timestamp"), id="valid-after-text"
    ),
    pytest.param(
        KEYS, [key(validAfterTime=1767225600)], (KEYS, "[0].validAfterTime", "timestamp"), id="valid-after-a-number"
    ),
    pytest.param(KEYS, {"keys": [key(disabled="yes")]}, (KEYS, "keys[0].disabled"), id="key-disabled-a-string"),
    pytest.param(
        "projects/p1/roles.json",
        [{"name": "projects/p1/roles/r", "includedPermissions": "iam.roles.update", "stage": "GA"}],
        ("roles.json", "[0].includedPermissions", "array"),
        id="role-permissions-a-string",
    ),
    pytest.param(
        "projects/p1/deny-policies.json",
        deny(name="policies/denypolicies/d", rules=[]),
        ("deny-policies.json", "[0].name", "attachment point"),
        id="deny-name-without-attachment",
    ),
    pytest.param(
        "projects/p1/deny-policies.json",
        deny(name="policies/cloudresourcemanager.googleapis.com%2Fbuckets%2Fb/denypolicies/d", rules=[]),
        ("deny-policies.json", "[0].name", "attachment point"),
        id="deny-attached-to-a-bucket",
    ),
    pytest.param(
        "projects/p1/deny-policies.json",
        deny(rules="none"),
        ("deny-policies.json", "[0].rules", "array"),
        id="deny-rules-a-string",
    ),
    pytest.param(
        "projects/p1/deny-policies.json",
        deny(rules=[{"denyRule": {"deniedPrincipals": "principalSet://goog/public:all"}}]),
        ("deny-policies.json", "[0].rules[0].denyRule.deniedPrincipals", "array"),
        id="denied-principals-a-string",
    ),
    pytest.param(
        "projects/p1/workload-identity-providers.json",
        [{"name": "locations/global/workloadIdentityPools/gh/providers/x", "oidc": {"issuerUri": "https://x.example"}}],
        ("workload-identity-providers.json", "[0].name", "provider name"),
        id="provider-name-without-project",
    ),
    pytest.param(
        "projects/p1/workload-identity-providers.json",
        [
            {
                "name": "projects/111/locations/global/workloadIdentityPools/gh/provider/x",
                "oidc": {"issuerUri": "https://token.actions.githubusercontent.com"},
            }
        ],
        ("workload-identity-providers.json", "[0].name"),
        id="provider-name-misspelt",
    ),
    pytest.param(
        "projects/p1/workload-identity-providers.json",
        [{"name": "projects/111/locations/global/workloadIdentityPools/gh/providers/x", "oidc": "https://x.example"}],
        ("workload-identity-providers.json", "[0].oidc", "object"),
        id="provider-oidc-a-string",
    ),
    pytest.param(
        "projects/p1/workload-identity-providers.json",
        [
            {
                "name": "projects/111/locations/global/workloadIdentityPools/gh/providers/x",
                "oidc": {"issuerUri": "abc8Q~Zx9Kq2LmN4pR6sT8vW0yB3dF5hJ7kM9nP1qS"},
                "attributeMapping": {"google.subject": "assertion.sub"},
            }
        ],
        ("workload-identity-providers.json", "[0].oidc.issuerUri", "not an HTTPS issuer URL", "not shown"),
        id="provider-issuer-not-https",
    ),
    pytest.param(
        "projects/p1/compute-instances.json",
        [{"kind": "compute#instance", "name": "vm", "serviceAccounts": [{"email": email("a")}]}],
        ("compute-instances.json", "[0].selfLink", "project"),
        id="instance-without-project",
    ),
    pytest.param(
        "projects/p1/compute-instances.json",
        {"kind": "compute#instanceAggregatedList", "items": {"zones/us-east1-b": {"instances": None}}},
        ("compute-instances.json", "instances"),
        id="aggregated-instances-null",
    ),
    pytest.param(
        "projects/p1/functions.json",
        [{"name": "projects/p1/functions/f", "runtime": "python312"}],
        ("functions.json", "[0].name", "function name"),
        id="function-name-without-location",
    ),
    pytest.param(
        "projects/p1/run-services.json",
        [{"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": "svc"}, "spec": {}}],
        ("run-services.json", "[0].metadata.namespace"),
        id="knative-without-namespace",
    ),
    pytest.param(
        "projects/p1/reasoning-engines.json",
        {"reasoningEngines": [{"name": "projects/111/reasoningEngines/1"}]},
        ("reasoning-engines.json", "reasoningEngines[0].name"),
        id="reasoning-engine-name",
    ),
    pytest.param(
        "projects/p1/activity-sa-authentication.json",
        activity(activity={"lastAuthenticatedTime": "soon"}),
        ("activity-sa-authentication.json", "[0].activity.lastAuthenticatedTime", "timestamp"),
        id="activity-time-text",
    ),
    pytest.param(
        "projects/p1/activity-sa-authentication.json",
        activity(activityType=["serviceAccountLastAuthentication"]),
        ("activity-sa-authentication.json", "activityType"),
        id="activity-type-a-list",
    ),
    pytest.param(
        "search.json",
        [{"resource": "//cloudresourcemanager.googleapis.com/projects/p1", "policy": {"bindings": "x"}}],
        ("search.json", "[0].policy.bindings", "array"),
        id="search-bindings-a-string",
    ),
    pytest.param(
        "assets.json",
        [
            {
                "name": "//cloudresourcemanager.googleapis.com/projects/p1",
                "assetType": "cloudresourcemanager.googleapis.com/Project",
                "iamPolicy": {"bindings": [{"role": "roles/owner", "members": "user:x@ex.com"}]},
            }
        ],
        ("assets.json", "[0].iamPolicy.bindings[0].members", "array"),
        id="asset-list-members-a-string",
    ),
]


@pytest.mark.parametrize(("relative", "content", "needles"), CASES)
def test_bad_file_alone_is_one_line_and_exit_code_2(
    tmp_path: Path, relative: str, content: object, needles: tuple[str, ...]
) -> None:
    path = write(tmp_path, relative, content)
    assert_one_line_error(run_cli(path, "--now", NOW_TEXT), short_path(str(path)), *needles)


@pytest.mark.parametrize(("relative", "content", "needles"), CASES)
def test_bad_file_in_an_estate_is_reported_and_the_rest_scanned(
    tmp_path: Path, relative: str, content: object, needles: tuple[str, ...]
) -> None:
    path = write(good_estate(tmp_path), relative, content)
    result = run_scan([tmp_path], now=NOW)
    (source,) = [s for s in result.sources if s.path == str(path)]
    assert source.status is SourceStatus.ERROR, source
    # a path longer than a message allows is shortened in its middle (tmp_path is deep)
    assert source.detail.startswith(short_path(str(path))) and "\n" not in source.detail
    for needle in needles:
        assert needle in source.detail, source.detail
    assert not result.complete
    assert all(s.status is SourceStatus.USED for s in result.sources if s.path != str(path))
    assert_rest_of_the_estate_was_scanned(result)


def test_cli_lists_each_bad_file_and_marks_the_report_incomplete(tmp_path: Path) -> None:
    good_estate(tmp_path)
    bad = [
        write(tmp_path, "projects/p2/iam-policy.json", '{"bindings": ['),
        write(tmp_path, KEYS, [key(keyType="HSM_BACKED")]),
        write(tmp_path, "projects/p1/deny-policies.json", deny(name="policies/x/denypolicies/d")),
    ]
    result = run_cli(tmp_path, "-f", "json", "--now", NOW_TEXT)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["scan"]["complete"] is False
    assert sorted(e.split(":", 1)[0] for e in report["scan"]["errors"]) == sorted(short_path(str(p)) for p in bad)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == len(bad) and all(any(short_path(str(p)) in line for line in lines) for p in bad)
    checks = {(f["check_id"], f["subject"]) for f in report["findings"]}
    assert ("admin-identity", B) in checks and ("privilege-escalation", A) in checks
    strict = run_cli(tmp_path, "-f", "json", "--strict", "--now", NOW_TEXT)
    assert strict.returncode == 2 and "Traceback" not in strict.stderr


def test_directory_of_only_bad_gcp_files_is_exit_code_2(tmp_path: Path) -> None:
    write(tmp_path, "projects/p1/iam-policy.json", '{"bindings": [')
    write(tmp_path, KEYS, [key(validAfterTime="soon")])
    result = run_cli(tmp_path, "--now", NOW_TEXT)
    no_traceback(result)
    assert result.returncode == 2
    assert "no usable export" in result.stderr


# -- Cloud Asset Inventory exports (newline-delimited) -----------------------------------------------------------


def _asset_lines() -> list[str]:
    def account_asset(name: str) -> str:
        return json.dumps(
            {
                "name": f"//iam.googleapis.com/projects/p1/serviceAccounts/{email(name)}",
                "asset_type": "iam.googleapis.com/ServiceAccount",
                "resource": {"version": "v1", "data": account(name)},
                "ancestors": ["projects/111", "organizations/333"],
            }
        )

    return [
        json.dumps(
            {
                "name": "//cloudresourcemanager.googleapis.com/projects/111",
                "asset_type": "cloudresourcemanager.googleapis.com/Project",
                "resource": {"version": "v1", "data": {"projectId": "p1", "projectNumber": "111"}},
                "ancestors": ["projects/111", "organizations/333"],
            }
        ),
        account_asset("a"),
        account_asset("b"),
        account_asset("c"),
        json.dumps(
            {
                "name": "//cloudresourcemanager.googleapis.com/projects/111",
                "asset_type": "cloudresourcemanager.googleapis.com/Project",
                "iam_policy": {"bindings": [{"role": "roles/owner", "members": [sa("c")]}]},
                "ancestors": ["projects/111", "organizations/333"],
            }
        ),
    ]


def _export(tmp_path: Path, broken: int | None, *, truncate: bool = False) -> Path:
    lines = _asset_lines()
    if broken is not None:
        lines[broken - 1] = lines[broken - 1][:70]  # cut in the middle of a string
    text = "\n".join(lines) + ("" if truncate else "\n")
    return write(tmp_path, "assets.ndjson", text)


def _ids(report: dict[str, Any]) -> set[str]:
    return {i["id"] for i in report["identities"]}


def test_ndjson_broken_line_is_named_and_the_other_lines_read(tmp_path: Path) -> None:
    path = _export(tmp_path, broken=3)
    result = run_cli(path, "-f", "json", "--now", NOW_TEXT)
    no_traceback(result)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert any(w.startswith(f"{path}:3: ") for w in report["scan"]["warnings"]), report["scan"]["warnings"]
    assert _ids(report) >= {A, sa("c")} and sa("b") not in _ids(report)
    assert any(f["check_id"] == "admin-identity" and f["subject"] == sa("c") for f in report["findings"])


def test_ndjson_broken_line_marks_the_report_incomplete(tmp_path: Path) -> None:
    path = _export(tmp_path, broken=3)
    result = run_cli(path, "-f", "json", "--now", NOW_TEXT)
    assert json.loads(result.stdout)["scan"]["complete"] is False
    assert f"{path}:3" in result.stderr
    assert run_cli(path, "-f", "json", "--strict", "--now", NOW_TEXT).returncode == 2


def test_ndjson_truncated_last_line_is_named_and_the_rest_read(tmp_path: Path) -> None:
    path = _export(tmp_path, broken=5, truncate=True)
    result = run_scan([path], now=NOW)
    assert any(w.startswith(f"{path}:5: ") for w in result.warnings), result.warnings
    assert {A, sa("b"), sa("c")} <= {i.id for i in result.inventory.identities}
    assert not result.inventory.grants  # the policy was on the cut line


def test_ndjson_broken_first_line_is_named_and_the_rest_read(tmp_path: Path) -> None:
    path = _export(tmp_path, broken=1)
    result = run_scan([path], now=NOW)
    assert result.sources[0].status is SourceStatus.PARTIAL, result.sources[0].detail  # read, but not all of it
    assert {A, sa("b"), sa("c")} <= {i.id for i in result.inventory.identities}
    assert any(w.startswith(f"{path}:1: ") for w in result.warnings)


def test_ndjson_line_with_a_wrong_type_is_named_with_its_field(tmp_path: Path) -> None:
    lines = _asset_lines()
    bad = json.loads(lines[2])
    bad["resource"]["data"]["email"] = 42
    lines[2] = json.dumps(bad)
    path = write(tmp_path, "assets.jsonl", "\n".join(lines) + "\n")
    result = run_scan([path], now=NOW)
    (warning,) = [w for w in result.warnings if w.startswith(f"{path}:3: ")]
    assert "resource.data.email" in warning
    assert {A, sa("c")} <= {i.id for i in result.inventory.identities}


# -- encodings -----------------------------------------------------------------------------------------------------


def test_files_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    good_estate(tmp_path)
    bom = "\ufeff".encode()
    for relative in ("projects.json", "projects/p1/service-accounts.json", "projects/p1/iam-policy.json"):
        path = tmp_path / relative
        path.write_bytes(bom + path.read_bytes())
    export = write(tmp_path, "more/assets.ndjson", bom + ("\n".join(_asset_lines()[:4]) + "\n").encode())
    result = run_scan([tmp_path], now=NOW)
    assert result.complete and all(s.status is SourceStatus.USED for s in result.sources), result.sources
    assert next(s for s in result.sources if s.path == str(export)).kind == "gcp-asset-export"
    assert_rest_of_the_estate_was_scanned(result)
    assert sa("c") in {i.id for i in result.inventory.identities}


def test_binary_file_named_like_a_gcp_export_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "projects/p1/iam-policy.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    assert_one_line_error(run_cli(path), str(path))


# -- beside the AWS sample -----------------------------------------------------------------------------------------


def _aws_view(result: ScanResult) -> tuple[list[tuple[str, str, int]], set[str]]:
    findings = sorted((f.check_id, f.subject, int(f.severity)) for f in result.findings if str(f.provider) == "aws")
    identities = {i.id for i in result.inventory.identities if str(i.provider) == "aws"}
    return findings, identities


def test_gcp_files_beside_the_aws_sample_leave_it_fully_scanned(tmp_path: Path) -> None:
    shutil.copytree(AWS_SAMPLE, tmp_path / "aws")
    good_estate(tmp_path / "gcp")
    broken = write(tmp_path, "gcp/projects/p2/iam-policy.json", '{"bindings": [{"role": ')
    alone = run_scan([AWS_SAMPLE], now=NOW)
    mixed = run_scan([tmp_path], now=NOW)

    assert _aws_view(mixed) == _aws_view(alone) and _aws_view(alone)[0]
    aws_sources = [s for s in mixed.sources if "/aws/" in s.path]
    assert [s.status for s in aws_sources] == [s.status for s in alone.sources]
    assert_rest_of_the_estate_was_scanned(mixed)
    assert [s.path for s in mixed.sources if s.status is SourceStatus.ERROR] == [str(broken)]
    assert not mixed.complete

    cli = run_cli(tmp_path, "-f", "json", "--now", NOW_TEXT)
    no_traceback(cli)
    assert cli.returncode == 0
    report = json.loads(cli.stdout)
    assert {s["provider"] for s in report["scan"]["scopes"]} == {"aws", "gcp"}
    assert report["scan"]["errors"] == [next(s.detail for s in mixed.sources if s.path == str(broken))]
    lines = [line for line in cli.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(broken) in lines[0]


@pytest.mark.parametrize(
    "member",
    [
        "user:alice@example.com",
        "serviceAccount:ci@p-1.iam.gserviceaccount.com",
        "group:ops+oncall@example.co.uk",
        "domain:example.com",
        "deleted:serviceAccount:old@p.iam.gserviceaccount.com?uid=123",
        "deleted:user:bob@example.com",
        "principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/subject/s",
        "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*",
        "allUsers",
        "allAuthenticatedUsers",
        "projectOwner:p-1",
    ],
)
def test_every_member_form_iam_writes_is_read(member: str) -> None:
    """The member check refuses damaged e-mail addresses, never a form real policies hold."""
    from nhi_scan.connectors.gcp.rest import _MEMBER

    assert _MEMBER.match(member)


@pytest.mark.parametrize(
    "member",
    ["serviceAccount:ci@", "serviceAccount:ci.iam.gserviceaccount.com", "user:a@@b.com", "domain:", "user:a@b"],
)
def test_a_damaged_member_email_is_refused(member: str) -> None:
    from nhi_scan.connectors.gcp.rest import _MEMBER

    assert not _MEMBER.match(member)
