"""The collector's small rules, without a full collection: option checks, the read-only guard, page links that
leave the API, endpoint rules, retry caps, error lines, scrubbing, shapes, credentials."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nhi_scan.connectors.azure import live
from nhi_scan.connectors.azure.fetch_auth import NO_CREDENTIALS, TenantCredential, _refused, caller
from nhi_scan.connectors.azure.fetch_http import ApiError, AzureEndpoints, Rest, RetryPolicy, error_detail, with_query
from nhi_scan.connectors.azure.fetch_shapes import role_definition, vault_secret
from nhi_scan.connectors.azure.fetch_snapshot import CollectionFailure, Snapshot, scrub
from nhi_scan.errors import UsageError
from tests.live_azure import estate_graph as g
from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.helpers import StaticCredential, jwt


def test_options_need_azure() -> None:
    with pytest.raises(UsageError, match="--subscription needs --azure"):
        live.validate({"azure_subscriptions": [g.SUB_PROD]}, False)
    with pytest.raises(UsageError, match="--tenant needs --azure"):
        live.validate({"azure_tenant": g.TENANT}, False)
    live.validate({"azure_subscriptions": [g.SUB_PROD], "azure_tenant": "contoso.onmicrosoft.com"}, True)
    live.validate({}, False)
    assert {o.name for o in live.COLLECTOR.options} == {"azure_tenant", "azure_subscriptions"}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"azure_subscriptions": ["prod"]}, "not a subscription ID"),
        ({"azure_subscriptions": ["../etc"]}, "not a subscription ID"),
        ({"azure_tenant": "not a tenant"}, "not a tenant ID"),
        ({"azure_tenant": "https://login.microsoftonline.com/x"}, "not a tenant ID"),
    ],
)
def test_bad_option_values(values: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        live.validate(values, True)


def test_option_values_are_normalised() -> None:
    upper = g.SUB_PROD.upper()
    assert live.check_subscriptions([f"{upper}, /subscriptions/{g.SUB_DEV}", g.SUB_PROD]) == (g.SUB_PROD, g.SUB_DEV)
    assert live.check_tenant(" Contoso.OnMicrosoft.com ") == "contoso.onmicrosoft.com"
    assert live.check_tenant("") is None


def _rest(fake: FakeAzure) -> Rest:
    return Rest(fake.base, StaticCredential(), scope="https://graph.microsoft.com/.default", retry=RetryPolicy())


def test_only_gets_leave_the_pipeline(fake: FakeAzure) -> None:
    from azure.core.rest import HttpRequest

    rest = _rest(fake)
    for method in ("POST", "PATCH", "DELETE", "PUT"):
        with pytest.raises(PermissionError, match="only reads"):
            rest._client.send_request(HttpRequest(method, f"{fake.base}/v1.0/applications/x"))
    assert not fake.calls
    assert rest.get(f"{fake.base}/v1.0/organization", "organization")["value"][0]["id"] == g.TENANT


def test_page_links_are_followed_on_the_api_host_only(fake: FakeAzure, monkeypatch: pytest.MonkeyPatch) -> None:
    rest = _rest(fake)
    answers = iter([{"value": [{"id": "1"}], "@odata.nextLink": "https://evil.example/steal?token"}])
    monkeypatch.setattr(rest, "get", lambda url, call, params=None: next(answers))
    with pytest.raises(ApiError, match="next page link leaves"):
        rest.listed(f"{fake.base}/v1.0/users", "users")
    repeated = iter([{"value": [{"id": "1"}], "@odata.nextLink": f"{fake.base}/v1.0/users?x=1"}] * 3)
    monkeypatch.setattr(rest, "get", lambda url, call, params=None: next(repeated))
    with pytest.raises(ApiError, match="users: paging repeats a next-page link"):  # it would loop forever
        rest.listed(f"{fake.base}/v1.0/users", "users")


def test_retry_after_is_capped(fake: FakeAzure) -> None:
    fake.fail_next(r"^/v1\.0/organization", 429, retry_after="120")
    policy = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.3)
    rest = Rest(fake.base, StaticCredential(), scope="https://graph.microsoft.com/.default", retry=policy)
    started = time.monotonic()
    rest.get(f"{fake.base}/v1.0/organization", "organization")
    assert 0.25 <= time.monotonic() - started < 5 and len(fake.calls) == 2


def test_endpoints() -> None:
    assert not AzureEndpoints().overridden
    assert AzureEndpoints().graph_scope == "https://graph.microsoft.com/.default"
    sovereign = AzureEndpoints(graph="https://graph.microsoft.us", arm="https://management.usgovcloudapi.net")
    assert (sovereign.graph_scope, sovereign.arm_scope) == (
        "https://graph.microsoft.us/.default",
        "https://management.usgovcloudapi.net/.default",
    )
    local = AzureEndpoints.single("http://127.0.0.1:9/")
    assert local.graph == "http://127.0.0.1:9" and local.arm_scope == "https://management.azure.com/.default"
    with pytest.raises(UsageError, match="https only"):
        AzureEndpoints.single("http://graph.example.com")


def test_endpoints_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHI_SCAN_AZURE_ARM_ENDPOINT", "https://management.chinacloudapi.cn/")
    found = AzureEndpoints.from_env()
    assert found.overridden and found.arm == "https://management.chinacloudapi.cn"
    assert found.graph == "https://graph.microsoft.com"
    monkeypatch.setenv("NHI_SCAN_AZURE_GRAPH_ENDPOINT", "ftp://x")
    with pytest.raises(UsageError, match="NHI_SCAN_AZURE_GRAPH_ENDPOINT"):
        AzureEndpoints.from_env()


def test_queries_keep_odata_options_readable() -> None:
    url = with_query("https://management.azure.com/x", {"api-version": "2022-04-01", "$filter": "type eq 'CustomRole'"})
    assert url == "https://management.azure.com/x?api-version=2022-04-01&$filter=type%20eq%20'CustomRole'"


def test_error_lines() -> None:
    denied = {"error": {"code": "AuthorizationFailed", "message": "The client 'x' does not have\nauthorization"}}
    assert error_detail(403, denied, "") == (
        "HTTP 403 AuthorizationFailed: The client 'x' does not have authorization",
        "AuthorizationFailed",
    )
    assert error_detail(502, None, "<html>Bad gateway</html>") == ("HTTP 502: <html>Bad gateway</html>", None)
    assert ApiError("x", "y", status=404).missing and ApiError("x", "y", status=403).denied


def test_failures_are_numbered_error_records(tmp_path: Path) -> None:
    snapshot = Snapshot(tmp_path)
    failure = CollectionFailure(scope=f"/subscriptions/{g.SUB_DEV}", phase="key vaults", error="HTTP 403", impact="x")
    snapshot.fail(failure)
    snapshot.fail(failure)
    names = sorted(p.name for p in (tmp_path / "errors").iterdir())
    assert names == [f"_subscriptions_{g.SUB_DEV}-key-vaults-2.json", f"_subscriptions_{g.SUB_DEV}-key-vaults.json"]
    assert failure.record()["NhiScanCollectionError"]["Provider"] == "azure"
    assert failure.line() == f"/subscriptions/{g.SUB_DEV}: key vaults not collected: HTTP 403 (x)"


def test_scrub_drops_secret_fields_only() -> None:
    app = {
        "value": [
            {
                "passwordCredentials": [{"keyId": "k", "secretText": "s", "hint": "h"}],
                "keyCredentials": [{"keyId": "c", "key": "material", "customKeyIdentifier": "id"}],
                "passwordProfile": {"password": "p"},
                "tags": {"key": "kept: not in a key credential"},
            }
        ]
    }
    assert scrub(app) == {
        "value": [
            {
                "passwordCredentials": [{"keyId": "k", "hint": "h"}],
                "keyCredentials": [{"keyId": "c", "customKeyIdentifier": "id"}],
                "tags": {"key": "kept: not in a key credential"},
            }
        ]
    }


def test_shapes() -> None:
    secret = {"name": "s", "properties": {"value": "never", "attributes": {"enabled": False, "exp": 0}}}
    converted = vault_secret(secret, {"name": "kv", "properties": {"vaultUri": "https://kv.vault.usgovcloudapi.net/"}})
    assert converted["id"] == "https://kv.vault.usgovcloudapi.net/secrets/s" and "never" not in str(converted)
    assert converted["attributes"]["expires"] == "1970-01-01T00:00:00+00:00"
    definition = role_definition({"id": "/x", "name": "g", "type": "T", "properties": {"type": "CustomRole"}})
    assert (definition["roleType"], definition["type"]) == ("CustomRole", "T")


def test_credentials() -> None:
    inner = StaticCredential()
    TenantCredential(inner, g.TENANT).get_token("https://graph.microsoft.com/.default")
    assert inner.scopes == [("https://graph.microsoft.com/.default",)]
    assert caller(jwt("x", upn="alice@contoso.example")) == ("user alice@contoso.example", g.TENANT)
    assert caller("not a token") == (None, None)
    from azure.core.exceptions import ClientAuthenticationError
    from azure.identity import CredentialUnavailableError

    class Chain:
        credentials = (1, 2, 3)

    exhausted = ClientAuthenticationError("failed.\nAttempted credentials:\n\tA: unavailable\n\tB: no\n\tC: no")
    assert str(_refused(exhausted, Chain())) == NO_CREDENTIALS
    broken = ClientAuthenticationError("failed.\nAttempted credentials:\n\tA: unavailable\n\tB: AADSTS700016: bad app")
    assert "B: AADSTS700016: bad app" in str(_refused(broken, Chain()))
    assert str(_refused(CredentialUnavailableError("none"), object())) == NO_CREDENTIALS


def test_importing_the_collector_imports_no_azure_sdk() -> None:
    code = "import sys, nhi_scan.connectors.azure.live, nhi_scan.connectors.azure.fetch; "
    code += "print([m for m in sys.modules if m.split('.')[0] == 'azure'])"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


def test_the_guard_refuses_leaving_this_machine(local_only: list[str]) -> None:
    with pytest.raises(OSError, match="test guard"):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with pytest.raises(OSError, match="test guard"):
        socket.getaddrinfo("graph.microsoft.com", 443)
    assert len(local_only) == 2
    local_only.clear()
