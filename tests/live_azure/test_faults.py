"""The Azure collector when Graph or ARM misbehaves, through azure-core's pipeline: throttling, 5xx, answers slower
than the read timeout, paging that repeats its next link, answers that are not JSON. Each is retried within the
time budget or reported as one line naming the tenant or subscription and the call; the rest is still collected,
and `--strict` exits 2."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.azure.fetch_http import RetryPolicy
from nhi_scan.connectors.live_limits import CallLimits
from tests.live_azure import estate_graph as g
from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.helpers import errors, files, run

#: Short waits, so that a fault costs these tests a fraction of a second.
LIMITS = CallLimits(connect_timeout=0.5, read_timeout=0.5, retry_budget=1.0)
USERS = r"^/v1\.0/users\?"
DEV_RESOURCES = rf"^/subscriptions/{g.SUB_DEV}/resources\?"
#: A credential-shaped value (nothing's credential) an error message echoes.
ECHOED_SECRET = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
SCOPES = (f"tenant {g.TENANT}", f"/subscriptions/{g.SUB_PROD}", f"/subscriptions/{g.SUB_DEV}")


def _collect(fake: FakeAzure, out: Path, **options: Any) -> dict[str, dict[str, Any]]:
    """Collect the tenant; the error records by phase, each checked to be one line naming its scope and call."""
    options.setdefault("limits", LIMITS)
    run(fake, out, **options)
    found = {str(r["Phase"]): r for r in errors(out)}
    for record in found.values():
        assert record["Account"] in SCOPES and str(record["Call"]).startswith("GET /")
        assert "\n" not in record["Error"] and "Traceback" not in record["Error"]
    return found


def _calls(fake: FakeAzure, path: str) -> list[float]:
    return [c.at for c in fake.calls if c.path == path]


def test_throttling_waits_as_retry_after_asks(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_next(DEV_RESOURCES, 429, times=2, retry_after="0.4")
    assert _collect(fake, tmp_path / "out") == {}
    asked = _calls(fake, f"/subscriptions/{g.SUB_DEV}/resources")
    assert len(asked) == 3 and all(b - a >= 0.38 for a, b in itertools.pairwise(asked))


def test_throttling_that_persists_is_reported_within_the_time_budget(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_next(DEV_RESOURCES, 429, times=1000, retry_after="0.2")
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out", retry=RetryPolicy(attempts=100, base_delay=0.1, max_delay=0.2))
    assert time.monotonic() - started < 4
    [record] = found.values()
    assert (record["Account"], record["Phase"]) == (f"/subscriptions/{g.SUB_DEV}", "resources")
    assert "retry budget" in record["Error"] or "HTTP 429" in record["Error"]
    asked = _calls(fake, f"/subscriptions/{g.SUB_DEV}/resources")
    assert len(asked) >= 3 and asked[-1] - asked[0] <= LIMITS.retry_budget + 0.3  # retried, given up at the budget
    assert f"arm/subscriptions/{g.SUB_PROD}/resources.json" in files(tmp_path / "out")


def test_server_errors_are_retried_then_reported(fake: FakeAzure, tmp_path: Path) -> None:
    fake.fail_next(r"^/v1\.0/groups\?", 503, times=1)
    echoed = f"backend failed for token {ECHOED_SECRET}"  # an API's message may echo what it was sent
    fake.inject(r"^/v1\.0/directory/administrativeUnits(?:\?|$)", "status", status=500, message=echoed)
    found = _collect(fake, tmp_path / "out")
    [record] = found.values()
    assert ECHOED_SECRET not in record["Error"] and "[redacted]" in record["Error"]
    assert record["Account"] == f"tenant {g.TENANT}" and record["Error"].startswith("HTTP 500")
    assert len(_calls(fake, "/v1.0/directory/administrativeUnits")) == 4  # FAST_RETRY: four attempts
    assert "graph/groups.json" in files(tmp_path / "out")  # the one 503 was retried


def test_a_connection_closed_without_an_answer_is_retried_then_reported(fake: FakeAzure, tmp_path: Path) -> None:
    fake.inject(r"^/v1\.0/groups\?", "drop", times=1)
    fake.inject(DEV_RESOURCES, "drop")
    [record] = _collect(fake, tmp_path / "out").values()
    assert (record["Account"], record["Phase"]) == (f"/subscriptions/{g.SUB_DEV}", "resources")
    assert "Connection aborted" in record["Error"]
    assert "graph/groups.json" in files(tmp_path / "out")  # the one drop was retried


def test_an_answer_slower_than_the_read_timeout_is_reported_not_waited_for(fake: FakeAzure, tmp_path: Path) -> None:
    fake.inject(DEV_RESOURCES, "slow", seconds=6)
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out")
    assert time.monotonic() - started < 5  # one answer would have taken 6 s
    [record] = found.values()
    assert (record["Account"], record["Phase"]) == (f"/subscriptions/{g.SUB_DEV}", "resources")
    assert "timed out" in record["Error"].lower() or "timeout" in record["Error"].lower()
    assert "graph/users.json" in files(tmp_path / "out")


def test_an_answer_that_trickles_in_is_cut_off_within_the_call_budget(fake: FakeAzure, tmp_path: Path) -> None:
    """A byte every 0.2 s never trips the 0.5 s read timeout (it bounds each socket read, and azure-core's
    pipeline would wait on such a body for ever): given up after the call's budget, the subscription reported."""
    fake.inject(DEV_RESOURCES, "trickle", seconds=0.2)
    started = time.monotonic()
    found = _collect(fake, tmp_path / "out")
    assert time.monotonic() - started < 8  # the answer alone would take minutes
    [record] = found.values()
    assert (record["Account"], record["Phase"]) == (f"/subscriptions/{g.SUB_DEV}", "resources")
    assert "still arriving after" in record["Error"]
    assert "graph/users.json" in files(tmp_path / "out")


@pytest.mark.parametrize("api", ["graph", "arm"])
def test_paging_that_repeats_its_link_is_stopped_and_reported(fake: FakeAzure, tmp_path: Path, api: str) -> None:
    fake.inject(USERS if api == "graph" else DEV_RESOURCES, "repeat")
    found = _collect(fake, tmp_path / "out")
    assert len(found) == 1
    [record] = found.values()
    assert "paging repeats a next-page link" in record["Error"]
    path = "/v1.0/users" if api == "graph" else f"/subscriptions/{g.SUB_DEV}/resources"
    assert len(_calls(fake, path)) == 2


def test_paging_without_end_is_stopped_and_reported(
    fake: FakeAzure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors import live_limits

    monkeypatch.setattr(live_limits, "MAX_PAGES", 5)
    fake.inject(USERS, "repeat", endless=True)  # a new next link each time
    [record] = _collect(fake, tmp_path / "out").values()
    assert "paging did not end after 5 pages" in record["Error"]
    assert len(_calls(fake, "/v1.0/users")) == 6  # the first page and the five links followed


@pytest.mark.parametrize("kind", ["html", "truncated", "gzip"])
def test_answers_that_are_not_json_are_retried_then_reported(fake: FakeAzure, tmp_path: Path, kind: str) -> None:
    fake.inject(r"^/v1\.0/oauth2PermissionGrants", kind)
    found = _collect(fake, tmp_path / "out")
    [record] = found.values()
    assert (record["Account"], record["Phase"]) == (f"tenant {g.TENANT}", "delegated permission grants")
    assert any(sign in record["Error"] for sign in ("unreadable answer", "IncompleteRead", "failed to decode"))
    assert len(_calls(fake, "/v1.0/oauth2PermissionGrants")) >= 2  # asked again before giving up
    assert f"arm/subscriptions/{g.SUB_DEV}/resources.json" in files(tmp_path / "out")


def test_strict_live_scan_exits_2_with_one_line_errors(
    fake: FakeAzure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import azure.identity
    from typer.testing import CliRunner

    from tests.live_azure.helpers import StaticCredential
    from tests.live_azure.test_cli import _main_app

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **_: StaticCredential())
    monkeypatch.setenv("NHI_SCAN_AZURE_GRAPH_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_AZURE_ARM_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_RETRY_BUDGET", "0.2")
    fake.fail_next(DEV_RESOURCES, 503, times=1000, retry_after=None)
    report = tmp_path / "report.json"
    args = ["scan", "--azure", "--strict", "-q", "-f", "json", "-o", str(report)]
    result = CliRunner().invoke(_main_app(), args)
    assert result.exit_code == 2, result.output
    scan = json.loads(report.read_text())["scan"]
    assert scan["complete"] is False, result.output
    [error] = [x for x in scan["errors"] if f"/subscriptions/{g.SUB_DEV}: resources not collected" in x]
    assert "GET /subscriptions/{id}/resources" in error and "retry budget" in error and "\n" not in error


def test_answers_of_an_unexpected_shape_cost_their_phase_only(
    fake: FakeAzure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nhi_scan.connectors.azure import fetch_shapes

    fake.inject(r"^/v1\.0/oauth2PermissionGrants", "json", document={"value": "not a list"})  # it was silent
    real = fetch_shapes.role_definition

    def a_reading_bug(item: Any) -> Any:
        real(item)
        raise KeyError("roleName")  # as reading an answer that lacks a field would

    monkeypatch.setattr(fetch_shapes, "role_definition", a_reading_bug)
    found = _collect(fake, tmp_path / "out")
    assert sorted(found) == ["custom role definitions", "delegated permission grants"]
    assert "value is not a list" in found["delegated permission grants"]["Error"]
    assert "unexpected answer (KeyError" in found["custom role definitions"]["Error"]
    assert found["custom role definitions"]["Call"].startswith("GET /subscriptions/{id}/providers/")
    assert f"arm/subscriptions/{g.SUB_DEV}/resources.json" in files(tmp_path / "out")
