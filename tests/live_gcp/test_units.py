"""The collector's small rules, without a collection: option checks, the read-only guard, error lines, retries."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from nhi_scan.connectors.gcp import live
from nhi_scan.connectors.gcp.fetch_http import ApiError, GcpEndpoints, Rest, RetryPolicy, error_detail
from nhi_scan.connectors.gcp.fetch_snapshot import CollectionFailure, Snapshot
from nhi_scan.errors import UsageError
from tests.live_gcp.fake_gcp import FakeGcp


def test_options_need_gcp() -> None:
    with pytest.raises(UsageError, match="--project needs --gcp"):
        live.validate({"gcp_projects": ["my-project"]}, False)
    live.validate({"gcp_projects": ["my-project"], "gcp_organization": "organizations/123"}, True)
    live.validate({}, False)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"gcp_projects": ["Not A Project"]}, "not a GCP project ID"),
        ({"gcp_projects": ["../etc"]}, "not a GCP project ID"),
        ({"gcp_organization": "example.com"}, "not an organization ID"),
        ({"gcp_impersonate": "projects/x"}, "not a service account email"),
    ],
)
def test_bad_option_values(values: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        live.validate(values, True)


def test_option_values_are_normalised() -> None:
    assert live.check_projects(["a-project, b-project", "a-project", "example.com:c-project"]) == (
        "a-project",
        "b-project",
        "example.com:c-project",
    )
    assert live.check_organization(" organizations/123456 ") == "123456"
    assert {o.name for o in live.COLLECTOR.options} == {"gcp_projects", "gcp_organization", "gcp_impersonate"}


def test_rest_refuses_anything_but_reads_before_the_network(fake: FakeGcp) -> None:
    from tests.live_gcp.helpers import anonymous

    rest = Rest(anonymous(), retry=RetryPolicy())
    with pytest.raises(PermissionError, match="refuses"):
        rest._request("DELETE", f"{fake.base}/v1/projects/p/serviceAccounts/x", "x", None)
    with pytest.raises(PermissionError, match="refuses"):
        rest._request("POST", f"{fake.base}/v1/projects/p/serviceAccounts/x:setIamPolicy", "x", None)
    assert not fake.calls


def test_error_lines_say_status_and_whether_the_api_is_off() -> None:
    disabled = {
        "error": {
            "code": 403,
            "status": "PERMISSION_DENIED",
            "message": "Compute Engine API has not been used",
            "errors": [{"reason": "accessNotConfigured"}],
        }
    }
    assert error_detail(403, disabled, "") == ("HTTP 403 PERMISSION_DENIED: Compute Engine API has not been used", True)
    assert error_detail(502, None, "<html>Bad gateway</html>") == ("HTTP 502: <html>Bad gateway</html>", False)
    assert ApiError("iam.roles.list", "x", status=404).missing


def test_retry_waits_grow_and_honour_retry_after() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=20.0)
    assert policy.delay(0, "3") == 3.0
    assert policy.delay(0, "120") == 20.0
    assert 4.0 <= policy.delay(3) <= 8.0


def test_endpoints_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not GcpEndpoints.from_env().overridden
    monkeypatch.setenv("NHI_SCAN_GCP_ENDPOINT", "http://127.0.0.1:9/")
    endpoints = GcpEndpoints.from_env()
    assert endpoints.overridden and endpoints.iam == endpoints.compute == "http://127.0.0.1:9"
    assert endpoints.aiplatform.format(location="us-central1") == "http://127.0.0.1:9"
    assert GcpEndpoints().aiplatform.format(location="us-central1") == "https://us-central1-aiplatform.googleapis.com"


def test_failures_are_numbered_error_records(tmp_path: Path) -> None:
    snapshot = Snapshot(tmp_path)
    failure = CollectionFailure(scope="projects/p", phase="service account keys", error="HTTP 403", impact="unknown")
    snapshot.fail(failure)
    snapshot.fail(failure)
    assert sorted(p.name for p in (tmp_path / "errors").iterdir()) == [
        "projects_p-service-account-keys-2.json",
        "projects_p-service-account-keys.json",
    ]
    assert failure.line() == "projects/p: service account keys not collected: HTTP 403 (unknown)"


def test_the_guard_refuses_leaving_this_machine(local_only: list[str]) -> None:
    with pytest.raises(OSError, match="test guard"):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with pytest.raises(OSError, match="test guard"):
        socket.getaddrinfo("iam.googleapis.com", 443)
    assert len(local_only) == 2
    local_only.clear()


def test_adc_warnings_become_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    import google.auth

    from nhi_scan.connectors.gcp.fetch_auth import NO_QUOTA_PROJECT, application_default
    from tests.live_gcp.helpers import anonymous

    def default(scopes: object = None, **_: object) -> tuple[object, None]:
        warnings.warn(
            "Your application has authenticated using end user credentials from Google Cloud SDK without "
            'a quota project. You might receive a "quota exceeded" error.',
            UserWarning,
            stacklevel=1,
        )
        return anonymous(), None

    monkeypatch.setattr(google.auth, "default", default)
    seen: list[str] = []
    application_default(seen.append)
    assert seen == [NO_QUOTA_PROJECT]
