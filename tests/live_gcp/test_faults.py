"""The GCP collector when the APIs misbehave, through both of its transports (google-auth's AuthorizedSession and
the resource-manager library): throttling, 5xx, answers slower than the read timeout, paging that repeats its
token, answers that are not JSON. Each is retried within the time budget or reported as one line naming the
project and the call; the other projects and phases are still collected, and `--strict` exits 2."""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.gcp.fetch_http import RetryPolicy
from nhi_scan.connectors.live_limits import CallLimits
from nhi_scan.errors import NhiScanError
from tests.live_gcp import estate as e
from tests.live_gcp.fake_gcp import FakeGcp
from tests.live_gcp.helpers import errors, files, run

#: Short waits, so that a fault costs these tests a fraction of a second.
LIMITS = CallLimits(connect_timeout=0.5, read_timeout=0.5, retry_budget=1.0)
ALPHA_SAS = rf"^/v1/projects/{e.ALPHA}/serviceAccounts$"
ALPHA_POLICY = rf"^/v3/projects/{e.ALPHA}:getIamPolicy$"
#: A credential-shaped value (nothing's credential) an error message echoes.
ECHOED_SECRET = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _collect(fake: FakeGcp, out: Path, **options: Any) -> dict[str, dict[str, Any]]:
    """Collect alpha and beta; the error records by call, each checked to be one line naming its project."""
    options.setdefault("limits", LIMITS)
    run(fake, out, projects=(e.ALPHA, e.BETA), **options)
    found = {str(r["Call"]): r for r in errors(out)}
    for record in found.values():
        assert record["Account"] in (f"projects/{e.ALPHA}", f"projects/{e.BETA}")
        assert "\n" not in record["Error"] and "Traceback" not in record["Error"]
    return found


def _calls(fake: FakeGcp, path: str) -> list[float]:
    return [c.at for c in fake.calls if c.path == path]


def test_throttling_waits_as_retry_after_asks(fake: FakeGcp, tmp_path: Path) -> None:
    fake.inject(ALPHA_SAS, "status", status=429, times=2, retry_after="0.4")
    assert _collect(fake, tmp_path / "out", retry=RetryPolicy(attempts=4, base_delay=0.001, max_delay=1.0)) == {}
    asked = _calls(fake, f"/v1/projects/{e.ALPHA}/serviceAccounts")
    assert len(asked) == 5  # twice throttled, then the three pages
    assert [round(b - a, 1) >= 0.4 for a, b in itertools.pairwise(asked[:3])] == [True, True]


@pytest.mark.parametrize("where", ["AuthorizedSession", "resource-manager library"])
def test_throttling_that_persists_is_reported_within_the_time_budget(fake: FakeGcp, tmp_path: Path, where: str) -> None:
    pattern = ALPHA_SAS if where == "AuthorizedSession" else ALPHA_POLICY
    fake.inject(pattern, "status", status=429, retry_after="0.2")
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out", retry=RetryPolicy(attempts=100, base_delay=0.1, max_delay=0.2))
    assert time.monotonic() - started < 4
    call = "iam.serviceAccounts.list" if where == "AuthorizedSession" else "resourcemanager.projects.getIamPolicy"
    assert list(found) == [call] and found[call]["Account"] == f"projects/{e.ALPHA}"
    assert "429" in found[call]["Error"] or "gave up retrying" in found[call]["Error"]
    path = f"/v1/projects/{e.ALPHA}/serviceAccounts" if where == "AuthorizedSession" else pattern[1:-1]
    asked = _calls(fake, path)
    assert len(asked) >= 3 and asked[-1] - asked[0] <= LIMITS.retry_budget + 0.3  # retried, given up at the budget
    assert f"projects/{e.BETA}/iam-policy.json" in files(tmp_path / "out")


def test_server_errors_are_retried_then_reported(fake: FakeGcp, tmp_path: Path) -> None:
    fake.inject(r"/locations/-/functions$", "status", status=503, times=1)
    echoed = f"backend failed for token {ECHOED_SECRET}"  # an API's message may echo what it was sent
    fake.inject(rf"^/v1/projects/{e.BETA}/roles$", "status", status=500, message=echoed)
    found = _collect(fake, tmp_path / "out")
    assert ECHOED_SECRET not in found["iam.roles.list"]["Error"] and "[redacted]" in found["iam.roles.list"]["Error"]
    assert list(found) == ["iam.roles.list"] and found["iam.roles.list"]["Account"] == f"projects/{e.BETA}"
    assert found["iam.roles.list"]["Error"].startswith("HTTP 500")
    assert len(_calls(fake, f"/v1/projects/{e.BETA}/roles")) == 4  # FAST_RETRY: four attempts
    assert f"projects/{e.ALPHA}/functions.json" in files(tmp_path / "out")  # the one 503 was retried


def test_a_connection_closed_without_an_answer_is_retried_then_reported(fake: FakeGcp, tmp_path: Path) -> None:
    fake.inject(ALPHA_SAS, "drop", times=1)
    fake.inject(rf"^/v1/projects/{e.BETA}/serviceAccounts/[^/]+/keys$", "drop")
    found = _collect(fake, tmp_path / "out")
    assert list(found) == ["iam.serviceAccountKeys.list"] and found["iam.serviceAccountKeys.list"]["Account"] == (
        f"projects/{e.BETA}"
    )
    assert "Connection aborted" in found["iam.serviceAccountKeys.list"]["Error"]
    assert f"projects/{e.ALPHA}/service-accounts.json" in files(tmp_path / "out")  # the one drop was retried


@pytest.mark.parametrize("where", ["AuthorizedSession", "resource-manager library"])
def test_an_answer_slower_than_the_read_timeout_is_reported_not_waited_for(
    fake: FakeGcp, tmp_path: Path, where: str
) -> None:
    fake.inject(ALPHA_SAS if where == "AuthorizedSession" else ALPHA_POLICY, "slow", seconds=6)
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out")
    assert time.monotonic() - started < 5  # one answer would have taken 6 s
    [record] = found.values()
    assert record["Account"] == f"projects/{e.ALPHA}" and "timed out" in record["Error"].lower()
    expected = "service accounts" if where == "AuthorizedSession" else "project"
    assert record["Phase"] == expected
    assert f"projects/{e.BETA}/service-accounts.json" in files(tmp_path / "out")


@pytest.mark.parametrize("where", ["AuthorizedSession", "resource-manager library"])
def test_an_answer_that_trickles_in_is_cut_off_within_the_call_budget(
    fake: FakeGcp, tmp_path: Path, where: str
) -> None:
    """A byte every 0.2 s never trips the 0.5 s read timeout (it bounds each socket read): the body is given up
    when the call's budget is spent, the project reported, the other one collected."""
    fake.inject(ALPHA_SAS if where == "AuthorizedSession" else ALPHA_POLICY, "trickle", seconds=0.2, times=100)
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out")
    assert time.monotonic() - started < 8  # the answer alone would take a minute
    [record] = found.values()
    assert record["Account"] == f"projects/{e.ALPHA}" and "still arriving after" in record["Error"]
    assert f"projects/{e.BETA}/service-accounts.json" in files(tmp_path / "out")


def test_paging_that_repeats_its_token_is_stopped_and_reported(fake: FakeGcp, tmp_path: Path) -> None:
    fake.inject(ALPHA_SAS, "repeat")
    found = _collect(fake, tmp_path / "out")
    assert list(found) == ["iam.serviceAccounts.list"]
    assert "paging repeats a page token" in found["iam.serviceAccounts.list"]["Error"]
    assert len(_calls(fake, f"/v1/projects/{e.ALPHA}/serviceAccounts")) == 2


def test_paging_without_end_is_stopped_and_reported(
    fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors import live_limits

    monkeypatch.setattr(live_limits, "MAX_PAGES", 5)
    fake.inject(ALPHA_SAS, "repeat", token="")  # a new token each time
    fake.inject(r"^/v3/folders$", "repeat", token="")  # through the library's pager
    found = _collect(fake, tmp_path / "out")
    assert "paging did not end after 5 pages" in found["iam.serviceAccounts.list"]["Error"]
    assert len(_calls(fake, f"/v1/projects/{e.ALPHA}/serviceAccounts")) == 5
    with pytest.raises(NhiScanError, match="paging did not end after 5 pages"):
        run(fake, tmp_path / "org", organization=e.ORG, limits=LIMITS)


def test_the_library_pager_repeating_its_token_is_one_line_not_a_loop(fake: FakeGcp, tmp_path: Path) -> None:
    fake.inject(r"^/v3/projects:search$", "repeat")
    with pytest.raises(NhiScanError, match=r"resourcemanager.projects.get: paging repeats a page token"):
        run(fake, tmp_path / "out", limits=LIMITS)
    assert len(_calls(fake, "/v3/projects:search")) == 2


@pytest.mark.parametrize("kind", ["html", "truncated", "gzip"])
@pytest.mark.parametrize("where", ["AuthorizedSession", "resource-manager library"])
def test_answers_that_are_not_json_are_retried_then_reported(
    fake: FakeGcp, tmp_path: Path, kind: str, where: str
) -> None:
    pattern = rf"^/v1/projects/{e.ALPHA}/serviceAccounts/[^/]+/keys$" if where == "AuthorizedSession" else ALPHA_POLICY
    fake.inject(pattern, kind)
    found = _collect(fake, tmp_path / "out")
    call = "iam.serviceAccountKeys.list" if where == "AuthorizedSession" else "resourcemanager.projects.getIamPolicy"
    assert list(found) == [call] and found[call]["Account"] == f"projects/{e.ALPHA}"
    assert any(sign in found[call]["Error"] for sign in ("unreadable answer", "IncompleteRead", "failed to decode"))
    if kind == "html" and where == "AuthorizedSession":  # a 200 that is not JSON: asked once more, not eight times
        asked = Counter(c.path for c in fake.calls if re.fullmatch(pattern, c.path))
        assert max(asked.values()) == 2
    assert f"projects/{e.BETA}/iam-policy.json" in files(tmp_path / "out")


def test_strict_live_scan_exits_2_with_one_line_errors(
    fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from tests.live_gcp.test_cli import _main_app

    app = _main_app()
    import google.auth

    from tests.live_gcp.helpers import anonymous

    monkeypatch.setattr(google.auth, "default", lambda scopes=None, **_: (anonymous(), None))
    monkeypatch.setenv("NHI_SCAN_GCP_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_RETRY_BUDGET", "0.2")
    fake.inject(r"/locations/-/functions$", "status", status=503)
    report = tmp_path / "report.json"
    args = ["scan", "--gcp", "--project", e.ALPHA, "--strict", "-q", "-f", "json", "-o", str(report)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    import json

    scan = json.loads(report.read_text())["scan"]
    assert scan["complete"] is False
    [error] = [x for x in scan["errors"] if "cloudfunctions.functions.list" in x]
    assert f"projects/{e.ALPHA}" in error and "HTTP 503" in error and "\n" not in error


def test_answers_of_an_unexpected_shape_cost_their_phase_only(
    fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors.gcp import fetch_iam

    fake.inject(ALPHA_SAS, "json", document={"accounts": "not a list"})  # read as no account, it was silent
    real_pools = fetch_iam.pools

    def pools_then_a_reading_bug(rest: Any, endpoints: Any, project: str) -> Any:
        real_pools(rest, endpoints, project)
        raise KeyError("name")  # as reading an answer that lacks a field would

    monkeypatch.setattr(fetch_iam, "pools", pools_then_a_reading_bug)
    found = _collect(fake, tmp_path / "out")
    assert sorted(found) == ["iam.googleapis.com/workloadIdentityPools.list", "iam.serviceAccounts.list"]
    assert "accounts is not a list" in found["iam.serviceAccounts.list"]["Error"]
    assert "unexpected answer (KeyError" in found["iam.googleapis.com/workloadIdentityPools.list"]["Error"]
    assert f"projects/{e.BETA}/workload-identity-pools.json" not in files(tmp_path / "out")
    assert f"projects/{e.ALPHA}/iam-policy.json" in files(tmp_path / "out")


@pytest.mark.parametrize("kind", ["status", "html", "truncated"])
def test_a_failing_token_exchange_is_one_line_before_any_call(fake: FakeGcp, tmp_path: Path, kind: str) -> None:
    from google.oauth2 import credentials

    source: Any = credentials.Credentials  # not annotated by google-auth
    fake.inject(r":generateAccessToken$", kind, status=503 if kind == "status" else 200)
    target = "scanner@audit-prj.iam.gserviceaccount.com"
    with pytest.raises(NhiScanError, match=f"^cannot impersonate {target}: ") as raised:
        run(fake, tmp_path / "out", projects=(e.ALPHA,), impersonate=target, credentials=source("source"))
    assert "\n" not in str(raised.value)
    assert [c.path for c in fake.calls] == [f"/v1/projects/-/serviceAccounts/{target}:generateAccessToken"]
