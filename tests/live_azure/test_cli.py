"""`nhi-scan collect azure` end to end (typer's CliRunner, the fake server as Graph and ARM through the endpoint
variables, a static token credential in place of DefaultAzureCredential), and `scan --azure` through the main app
now that the Azure provider plug-in registers the collector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from nhi_scan.connectors.azure.cli import register
from nhi_scan.connectors.azure.fetch_auth import NO_CREDENTIALS
from nhi_scan.connectors.azure.fetch_permissions import ARM_ACTIONS, GRAPH_PERMISSIONS, OPTIONAL_GRAPH_PERMISSIONS
from nhi_scan.errors import NhiScanError, UsageError
from tests.live_azure import estate_graph as g
from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.helpers import StaticCredential, errors, files


@pytest.fixture
def collect_app() -> typer.Typer:
    """A `collect` group holding only `azure`, as nhi_scan.cli builds it from the plug-in."""
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """collect"""

    register(app)
    return app


@pytest.fixture
def made() -> list[dict[str, Any]]:
    """The keyword arguments of each DefaultAzureCredential made."""
    return []


@pytest.fixture
def signed_in(monkeypatch: pytest.MonkeyPatch, fake: FakeAzure, made: list[dict[str, Any]]) -> FakeAzure:
    """DefaultAzureCredential gives static tokens; Graph and ARM are the fake server (as for a sovereign cloud)."""
    import azure.identity

    def default(**kwargs: Any) -> StaticCredential:
        made.append(kwargs)
        return StaticCredential()

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", default)
    monkeypatch.setenv("NHI_SCAN_AZURE_GRAPH_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_AZURE_ARM_ENDPOINT", fake.base)
    return fake


def test_collect_azure_writes_the_snapshot(
    collect_app: typer.Typer, signed_in: FakeAzure, made: list[dict[str, Any]], tmp_path: Path
) -> None:
    out = tmp_path / "snap"
    args = ["azure", "--out", str(out), "--tenant", g.TENANT, "--subscription", g.SUB_PROD, "--workers", "2"]
    result = CliRunner().invoke(collect_app, args)
    assert result.exit_code == 0, result.output
    assert "collected into" in result.output and "complete" in result.output
    assert f"arm/subscriptions/{g.SUB_PROD}/roleAssignments.json" in files(out)
    assert not [f for f in files(out) if f.startswith(f"arm/subscriptions/{g.SUB_DEV}")]
    assert made == [{"additionally_allowed_tenants": [g.TENANT]}]
    assert json.loads((out / "graph/organization.json").read_text())["value"][0]["id"] == g.TENANT


def test_strict_exits_2_when_a_subscription_is_denied(
    collect_app: typer.Typer, signed_in: FakeAzure, tmp_path: Path
) -> None:
    signed_in.denied.add(g.SUB_DEV)
    out = tmp_path / "snap"
    args = ["azure", "--out", str(out), "--subscription", f"{g.SUB_PROD},{g.SUB_DEV}", "--strict", "-q"]
    result = CliRunner().invoke(collect_app, args)
    assert result.exit_code == 2, result.output
    assert [r["Account"] for r in errors(out)] == [f"/subscriptions/{g.SUB_DEV}"]


def test_nothing_collected_is_one_error(collect_app: typer.Typer, signed_in: FakeAzure, tmp_path: Path) -> None:
    signed_in.fail_always(".", 403, "Authorization_RequestDenied")
    result = CliRunner().invoke(collect_app, ["azure", "--out", str(tmp_path / "x"), "-q"])
    assert isinstance(result.exception, NhiScanError)
    assert str(result.exception).startswith("nothing could be collected from Azure: tenant ")


def test_print_permissions_is_what_the_calls_need(collect_app: typer.Typer, fake: FakeAzure) -> None:
    result = CliRunner().invoke(collect_app, ["azure", "--print-permissions"])
    assert result.exit_code == 0
    lines = [line.split("#")[0].strip() for line in result.output.splitlines() if not line.startswith("#")]
    assert lines == [*GRAPH_PERMISSIONS, *OPTIONAL_GRAPH_PERMISSIONS, *ARM_ACTIONS]
    assert GRAPH_PERMISSIONS == (
        "Application.Read.All",
        "Directory.Read.All",
        "RoleManagement.Read.Directory",
        "AuditLog.Read.All",
    )
    assert all(action.endswith("/read") for action in ARM_ACTIONS)  # all in Reader (*/read)
    assert "Reader" in result.output and not fake.calls  # printing calls nothing


def test_out_is_required(collect_app: typer.Typer) -> None:
    result = CliRunner().invoke(collect_app, ["azure"])
    assert isinstance(result.exception, UsageError)


def test_bad_subscription_is_a_usage_error(collect_app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(collect_app, ["azure", "--out", str(tmp_path / "x"), "--subscription", "prod"])
    assert isinstance(result.exception, UsageError) and "not a subscription ID" in str(result.exception)


def test_missing_credentials_is_one_clear_line(
    collect_app: typer.Typer,
    fake: FakeAzure,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    local_only: list[str],
) -> None:
    """The real DefaultAzureCredential (no AZURE_* variables, no az / azd / pwsh on the PATH, no token cache, no
    managed identity) fails as one line, before any API call."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setenv("NHI_SCAN_AZURE_GRAPH_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_AZURE_ARM_ENDPOINT", fake.base)
    result = CliRunner().invoke(collect_app, ["azure", "--out", str(tmp_path / "x"), "-q"])
    assert isinstance(result.exception, NhiScanError)
    assert str(result.exception) == NO_CREDENTIALS
    assert str(result.exception).startswith("no Azure credentials: run az login or set AZURE_CLIENT_ID")
    assert "Attempted credentials" not in result.output  # azure-identity's multi-line warning is not printed
    assert not fake.calls
    # The managed identity probe of the instance metadata service was refused by the guard: nothing left.
    assert all("169.254.169.254" in attempt for attempt in local_only)
    local_only.clear()


def test_failing_credentials_name_the_reason(
    collect_app: typer.Typer, fake: FakeAzure, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import azure.identity
    from azure.core.exceptions import ClientAuthenticationError

    class Broken:
        def get_token(self, *scopes: str, **kwargs: Any) -> Any:
            raise ClientAuthenticationError("AADSTS7000215: Invalid client secret provided.\nTrace ID: 1")

    monkeypatch.setattr(azure.identity, "DefaultAzureCredential", lambda **kwargs: Broken())
    monkeypatch.setenv("NHI_SCAN_AZURE_GRAPH_ENDPOINT", fake.base)
    monkeypatch.setenv("NHI_SCAN_AZURE_ARM_ENDPOINT", fake.base)
    result = CliRunner().invoke(collect_app, ["azure", "--out", str(tmp_path / "x"), "-q"])
    assert isinstance(result.exception, NhiScanError)
    assert str(result.exception) == (
        "cannot use the Azure credentials: AADSTS7000215: Invalid client secret provided. Trace ID: 1 "
        "(run az login again?)"
    )
    assert not fake.calls


def _main_app() -> Any:
    from nhi_scan.cli import app

    help_text = CliRunner().invoke(app, ["collect", "azure", "--help"])
    assert help_text.exit_code == 0, help_text.output
    return app


def test_nhi_scan_collect_azure_then_scan_and_scan_live(signed_in: FakeAzure, tmp_path: Path) -> None:
    app = _main_app()
    out = tmp_path / "snap"
    collected = CliRunner().invoke(app, ["collect", "azure", "--out", str(out), "-q"])
    assert collected.exit_code == 0, collected.output
    offline = CliRunner().invoke(app, ["scan", str(out), "-f", "json", "-q"])
    live = CliRunner().invoke(app, ["scan", "--azure", "--subscription", g.SUB_PROD, "-f", "json", "-q"])
    assert offline.exit_code in (0, 1), offline.output
    assert live.exit_code in (0, 1), live.output
    for output in (offline.stdout, live.stdout):
        report = json.loads(output)
        assert "privilege-escalation" in json.dumps(report) and "deploy-bot" in json.dumps(report)


def test_scan_rejects_azure_options_without_azure(signed_in: FakeAzure) -> None:
    result = CliRunner().invoke(_main_app(), ["scan", "--subscription", g.SUB_PROD])
    assert isinstance(result.exception, UsageError) and "needs --azure" in str(result.exception)
    assert not signed_in.calls
