"""The AWS collector when the API misbehaves (faults injected by tests/live/fault_proxy.py in front of moto):
throttling, 5xx, answers slower than the read timeout, access denied, paging that repeats its token, answers that
are not AWS answers. Each is retried within the time budget or reported as one line naming the account and the
call; everything else is still collected, and `--strict` turns the partial scan into exit 2."""

from __future__ import annotations

import itertools
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.aws.fetch import CollectResult, FetchOptions, collect
from nhi_scan.connectors.live_limits import BUDGET_VARIABLE, TIMEOUT_VARIABLE
from tests.live.fault_proxy import FaultProxy, fault_proxy
from tests.live.moto_world import MANAGEMENT, REGION, World

#: What moto cannot answer (HTTP 500): failures of every collection here, whatever the faults.
MOTO_GAPS = frozenset({"iam:ListServiceSpecificCredentials", "bedrock-agentcore:ListWorkloadIdentities"})
LAMBDA_PATH = r"^/2015-03-31/functions/?$"
#: A credential-shaped value (nothing's credential) an error message echoes.
ECHOED_SECRET = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


@pytest.fixture(scope="module")
def warm(world: World, tmp_path_factory: pytest.TempPathFactory) -> None:
    """One collection without faults first: moto builds each service's backend on first use (seconds), which
    must not count against the short read timeouts of these tests."""
    collect(tmp_path_factory.mktemp("warm") / "out", FetchOptions(regions=(REGION,), access_advisor=False))


@pytest.fixture
def proxy(warm: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultProxy]:
    with fault_proxy(os.environ["AWS_ENDPOINT_URL"]) as faults:
        monkeypatch.setenv("AWS_ENDPOINT_URL", faults.url)
        monkeypatch.setenv(TIMEOUT_VARIABLE, "2")
        monkeypatch.setenv(BUDGET_VARIABLE, "3")
        yield faults


def _collect(out: Path) -> tuple[CollectResult, dict[str, str]]:
    """Collect the management account; the failures beyond moto's gaps, by call, as their one-line messages."""
    result = collect(out, FetchOptions(regions=(REGION,), access_advisor=False, poll_interval=0.05, job_timeout=5))
    lines = {f.call or f.phase: f.line() for f in result.failures if f.call not in MOTO_GAPS}
    for line in lines.values():
        assert "\n" not in line and f"account {MANAGEMENT}" in line and "Traceback" not in line
    return result, lines


def test_throttling_is_retried_honouring_retry_after(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    proxy.add("iam", "ListInstanceProfiles", "status", times=2, code="Throttling", retry_after="0.6")
    proxy.add(
        "lambda", "ListFunctions", "status", times=1, status=429, code="TooManyRequestsException", path=LAMBDA_PATH
    )
    _, lines = _collect(tmp_path / "out")
    assert lines == {}
    asked = proxy.times("iam", "ListInstanceProfiles")
    assert len(asked) == 3 and all(b - a >= 0.55 for a, b in itertools.pairwise(asked))
    assert len(proxy.times("lambda", "/2015-03-31/functions")) == 2
    assert json.loads((tmp_path / "out/instance-profiles.json").read_text())["InstanceProfiles"]


def test_throttling_that_persists_is_reported_within_the_time_budget(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "50")
    monkeypatch.setenv(BUDGET_VARIABLE, "1")
    proxy.add("iam", "ListInstanceProfiles", "status", code="Throttling", retry_after="0.2")
    _, lines = _collect(tmp_path / "out")
    assert list(lines) == ["iam:ListInstanceProfiles"]
    assert (
        "Throttling" in lines["iam:ListInstanceProfiles"]
        and "instance profiles not collected" in lines["iam:ListInstanceProfiles"]
    )
    asked = proxy.times("iam", "ListInstanceProfiles")
    assert 3 <= len(asked) <= 7 and asked[-1] - asked[0] < 1.5  # retried, then given up at the budget
    assert (tmp_path / "out/authz.json").is_file() and (tmp_path / "out/credential-report.csv").is_file()


def test_botocore_back_off_is_capped_at_the_time_budget(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Throttling without Retry-After is left to botocore's back-off (up to 20 s a wait): its wait is cut to what
    is left of the call's budget, so no attempt starts after it (botocore asked for 5 s here; the budget is 1.5)."""
    from botocore.retries import standard

    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "10")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    monkeypatch.setenv(BUDGET_VARIABLE, "1.5")
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 5.0)
    proxy.add("iam", "ListInstanceProfiles", "status", code="Throttling")
    started = time.monotonic()
    _, lines = _collect(tmp_path / "out")
    assert list(lines) == ["iam:ListInstanceProfiles"] and "Throttling" in lines["iam:ListInstanceProfiles"]
    asked = proxy.times("iam", "ListInstanceProfiles")
    assert 2 <= len(asked) <= 3 and asked[-1] - asked[0] < 1.5 + 0.3
    assert time.monotonic() - started < 30


def test_server_errors_are_retried_then_reported(proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.add("ec2", "DescribeInstances", "status", times=1, status=503, code="Unavailable")
    proxy.add("lambda", "ListFunctions", "drop", times=1, path=LAMBDA_PATH)  # a connection closed unanswered
    proxy.add("ecs", "ListTaskDefinitions", "status", status=500, code="ServerException")
    _, lines = _collect(tmp_path / "out")
    assert len(proxy.times("lambda", "/2015-03-31/functions")) == 2
    assert json.loads((tmp_path / f"out/{REGION}/lambda-functions.json").read_text())["Functions"]
    assert list(lines) == ["ecs:ListTaskDefinitions"]
    assert f"account {MANAGEMENT} ({REGION}): ECS task definitions not collected" in lines["ecs:ListTaskDefinitions"]
    assert len(proxy.times("ecs", "ListTaskDefinitions")) == 2  # AWS_MAX_ATTEMPTS=2 in these tests
    instances = json.loads((tmp_path / f"out/{REGION}/ec2-instances.json").read_text())
    assert instances["Reservations"]  # the 503 was retried


def test_an_answer_slower_than_the_read_timeout_is_reported_not_waited_for(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(TIMEOUT_VARIABLE, "0.8")
    proxy.add("cloudformation", "DescribeStacks", "slow", seconds=2.5)
    started = time.monotonic()
    _, lines = _collect(tmp_path / "out")
    assert time.monotonic() - started < 10
    assert list(lines) == ["cloudformation:DescribeStacks"]
    assert "timeout" in lines["cloudformation:DescribeStacks"].lower()
    assert (tmp_path / f"out/{REGION}/lambda-functions.json").is_file()


def test_an_answer_that_trickles_in_is_cut_off_within_the_call_budget(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte every 0.2 s never trips the 0.8 s read timeout (botocore bounds each socket read): the body is given
    up when the call's budget is spent, the call reported, the rest collected."""
    monkeypatch.setenv(TIMEOUT_VARIABLE, "0.8")
    monkeypatch.setenv(BUDGET_VARIABLE, "1.5")
    proxy.add("cloudformation", "DescribeStacks", "trickle", seconds=0.2)
    started = time.monotonic()
    _, lines = _collect(tmp_path / "out")
    assert time.monotonic() - started < 20  # the answer alone would take minutes
    assert list(lines) == ["cloudformation:DescribeStacks"]
    assert "timeout" in lines["cloudformation:DescribeStacks"].lower()
    assert (tmp_path / f"out/{REGION}/lambda-functions.json").is_file()


def test_access_denied_on_one_call_names_it_and_the_rest_is_collected(proxy: FaultProxy, tmp_path: Path) -> None:
    echoed = f"not authorized with token {ECHOED_SECRET}"  # an API's message may echo what it was sent
    proxy.add("iam", "ListAccessKeys", "status", status=403, code="AccessDenied", message=echoed)
    result, lines = _collect(tmp_path / "out")
    assert ECHOED_SECRET not in lines["iam:ListAccessKeys"] and "[redacted]" in lines["iam:ListAccessKeys"]
    assert ECHOED_SECRET not in "".join(p.read_text() for p in (tmp_path / "out").rglob("*.json"))
    assert list(lines) == ["iam:ListAccessKeys"] and not result.complete
    assert (
        "AccessDenied" in lines["iam:ListAccessKeys"]
        and "access key ids and last use unknown" in lines["iam:ListAccessKeys"]
    )
    assert (tmp_path / "out/instance-profiles.json").is_file()


def test_paging_that_repeats_its_token_is_stopped_and_reported(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors import live_limits

    monkeypatch.setattr(live_limits, "MAX_PAGES", 5)
    # Two tokens in turn: botocore only notices one token given twice in a row.
    proxy.add("lambda", "ListFunctions", "repeat", tokens=("A", "B"), path=LAMBDA_PATH)
    proxy.add("ecs", "ListTaskDefinitions", "repeat", tokens=(), token_key="nextToken")  # a new token each time
    _, lines = _collect(tmp_path / "out")
    assert sorted(lines) == ["ecs:ListTaskDefinitions", "lambda:ListFunctions"]
    assert "paging repeats a continuation token" in lines["lambda:ListFunctions"]
    assert len(proxy.times("lambda", "/2015-03-31/functions")) == 3  # A, B, then A again: stopped
    assert "paging did not end after 5 pages" in lines["ecs:ListTaskDefinitions"]
    assert len(proxy.times("ecs", "ListTaskDefinitions")) == 5


def test_authorization_details_paging_forever_leaves_the_account_unscanned(proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.add("iam", "GetAccountAuthorizationDetails", "repeat")
    result, lines = _collect(tmp_path / "out")
    assert result.failed_accounts == (MANAGEMENT,)
    assert (
        "paging repeats" in lines["iam:GetAccountAuthorizationDetails"]
        and "account not scanned" in lines["iam:GetAccountAuthorizationDetails"]
    )


def test_answers_that_are_not_aws_answers_are_reported(proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.add("iam", "ListInstanceProfiles", "html", status=200)  # XML API: the parser trips on the page
    proxy.add("codebuild", "ListProjects", "html", status=200)  # JSON API: botocore would read an empty listing
    proxy.add("ecs", "ListTaskDefinitions", "truncated")
    proxy.add("ec2", "DescribeInstances", "truncated")
    proxy.add("glue", "GetJobs", "body", body=b"")  # botocore would read no job
    proxy.add("sagemaker", "ListNotebookInstances", "gzip")
    _, lines = _collect(tmp_path / "out")
    calls = ["codebuild:ListProjects", "ec2:DescribeInstances", "ecs:ListTaskDefinitions", "glue:GetJobs"]
    calls += ["iam:ListInstanceProfiles", "sagemaker:ListNotebookInstances"]
    assert sorted(lines) == calls
    assert all("unreadable answer" in line for line in lines.values())
    assert len(proxy.times("codebuild", "ListProjects")) == 2  # retried once: it might have been a passing fault
    assert not (tmp_path / f"out/{REGION}/codebuild-projects.json").exists()


def test_strict_live_scan_exits_2_with_one_line_errors(proxy: FaultProxy, tmp_path: Path, world: World) -> None:
    from tests.conftest import _run as run_cli

    proxy.add("lambda", "ListFunctions", "status", status=503, code="ServiceUnavailable", path=LAMBDA_PATH)
    report = tmp_path / "report.json"
    result = run_cli("scan", "--aws", "--region", REGION, "--strict", "-q", "-f", "json", "-o", report)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and world.scanner_secret not in result.stderr + report.read_text()
    scan = json.loads(report.read_text())["scan"]
    assert scan["complete"] is False
    [error] = [e for e in scan["errors"] if "lambda:ListFunctions" in e]
    assert f"account {MANAGEMENT} ({REGION})" in error and "ServiceUnavailable" in error and "\n" not in error
    assert {s["scope"] for s in scan["scopes"]} == {MANAGEMENT}  # the rest of the account was scanned


def test_answers_of_an_unexpected_shape_cost_their_phase_only(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors.aws import fetch_iam

    proxy.add("lambda", "ListFunctions", "body", body=b'{"Functions": "not a list"}', path=LAMBDA_PATH)

    def profiles_then_a_reading_bug(api: Any) -> dict[str, Any]:
        api.merged("iam", "list_instance_profiles", ["InstanceProfiles"])
        raise KeyError("Roles")  # as reading an answer that lacks a field would

    monkeypatch.setattr(fetch_iam, "instance_profiles", profiles_then_a_reading_bug)
    result, lines = _collect(tmp_path / "out")
    assert sorted(lines) == ["iam:ListInstanceProfiles", "lambda:ListFunctions"]
    assert "unexpected answer (KeyError reading it)" in lines["iam:ListInstanceProfiles"]
    assert "unreadable answer" in lines["lambda:ListFunctions"]
    assert result.failed_accounts == () and (tmp_path / "out/authz.json").is_file()


def test_a_refused_connection_is_reported_not_taken_for_a_missing_service(
    proxy: FaultProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", f"http://127.0.0.1:{port}")
    _, lines = _collect(tmp_path / "out")
    assert list(lines) == ["lambda:ListFunctions"] and "EndpointConnectionError" in lines["lambda:ListFunctions"]
    listing = json.loads((tmp_path / "out/workload-listing.json").read_text())["NhiScanWorkloadListing"]
    assert "lambda-function" not in listing["Kinds"]  # so no role is said to run nothing
