"""The live connector's guard rails, without a server: read-only calls only, bounded work, safe file names."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nhi_scan.connectors.aws.fetch_api import READ_ONLY_OPERATIONS, Api, ApiError, map_bounded
from nhi_scan.connectors.aws.fetch_policy import scanner_policy
from nhi_scan.connectors.aws.fetch_snapshot import Snapshot, safe_name
from tests.conftest import RunCli

README = Path(__file__).resolve().parents[2] / "README.md"
ALLOWED_GENERATE = {"GenerateCredentialReport", "GenerateServiceLastAccessedDetails"}


def _api() -> Api:
    boto3 = pytest.importorskip("boto3")
    session = boto3.Session(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x")
    return Api(session, account="111122223333", region="us-east-1")


def test_every_operation_is_a_real_read_only_operation() -> None:
    botocore_session = pytest.importorskip("botocore.session").get_session()
    for service, operations in READ_ONLY_OPERATIONS.items():
        model = botocore_session.get_service_model(service)
        for operation in operations:
            assert operation in model.operation_names, f"{service}:{operation}"
            assert operation.startswith(("Get", "List", "Describe", "BatchGet")) or operation in (
                ALLOWED_GENERATE | {"AssumeRole"}
            ), f"{service}:{operation} is not a read"
            assert "Secret" not in operation and "Password" not in operation


def test_a_write_call_is_refused_before_it_leaves_the_process() -> None:
    with pytest.raises(PermissionError, match="iam:CreateAccessKey"):
        _api().call("iam", "create_access_key", UserName="victim")
    with pytest.raises(PermissionError, match="secretsmanager:GetSecretValue"):
        _api().call("secretsmanager", "get_secret_value", SecretId="x")


def test_map_bounded_stops_at_the_first_failure() -> None:
    calls: list[int] = []

    def work(item: int) -> int:
        calls.append(item)
        if item == 0:
            raise ValueError("denied")
        return item * 2

    assert map_bounded(lambda i: i * 2, [1, 2, 3], workers=2) == [2, 4, 6]
    with pytest.raises(ValueError, match="denied"):
        map_bounded(work, list(range(200)), workers=1)
    assert calls == [0]


@pytest.mark.parametrize(
    ("name", "expected"), [(".hidden", "_.hidden"), ("a/b", "a_b"), ("ci+bot@x.com", "ci+bot@x.com")]
)
def test_file_names_are_never_hidden_or_paths(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_readme_documents_the_policy_the_scanner_needs() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(\{.*?\})\n```", text, flags=re.S)
    documented = [json.loads(b) for b in blocks if "NhiScanReadOnly" in b]
    assert documented == [scanner_policy()], "README policy differs: nhi-scan collect aws --print-policy"


def test_print_policy_needs_no_credentials(run_cli: RunCli) -> None:
    result = run_cli("collect", "aws", "--print-policy", "--role-name", "nhi-scan-reader")
    assert result.returncode == 0 and json.loads(result.stdout) == scanner_policy("nhi-scan-reader")


def test_an_answer_missing_a_required_field_names_the_account_and_the_call(tmp_path: Path) -> None:
    snapshot = Snapshot(tmp_path)
    broken = {"UserDetailList": [{"UserName": "no-arn"}], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    with pytest.raises(ApiError, match=r"iam:GetAccountAuthorizationDetails: unusable answer: .*Arn: missing"):
        snapshot.document(
            "authz.json", broken, account="111122223333", call="iam:GetAccountAuthorizationDetails", required=True
        )
    listing = {"Functions": [{"FunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}]}
    assert not snapshot.document("eu-west-1/lambda.json", listing, account="111122223333", call="lambda:ListFunctions")
    [failure] = snapshot.failures
    assert failure.call == "lambda:ListFunctions" and "Role: missing" in failure.error
    assert not (tmp_path / "eu-west-1/lambda.json").exists() and (tmp_path / "errors").is_dir()
    assert not snapshot.document("empty.json", [], account="1", call="x")  # an empty answer is not written


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_a_bad_time_limit_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from nhi_scan.connectors.live_limits import BUDGET_VARIABLE, TIMEOUT_VARIABLE, CallLimits
    from nhi_scan.errors import UsageError

    monkeypatch.setenv(BUDGET_VARIABLE, value)
    with pytest.raises(UsageError, match=f"{BUDGET_VARIABLE}=.*not a number of seconds"):
        CallLimits.from_env()
    monkeypatch.setenv(BUDGET_VARIABLE, "7.5")
    monkeypatch.setenv(TIMEOUT_VARIABLE, "2")
    assert CallLimits.from_env() == CallLimits(connect_timeout=2, read_timeout=2, retry_budget=7.5)


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    from email.utils import format_datetime

    from nhi_scan.connectors.live_limits import retry_after_seconds

    assert retry_after_seconds("3") == 3.0 and retry_after_seconds(" 0.5 ") == 0.5
    assert retry_after_seconds("-4") == 0.0 and retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None and retry_after_seconds("nan") is None
    from datetime import UTC, datetime, timedelta

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after_seconds(later) or 0) <= 30
