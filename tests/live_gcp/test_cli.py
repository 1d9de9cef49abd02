"""`nhi-scan collect gcp` end to end (typer's CliRunner, the fake server as every API, anonymous credentials in
place of ADC), and `scan --gcp` once the GCP provider plug-in registers the collector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from nhi_scan.connectors.gcp.cli import register
from nhi_scan.connectors.gcp.fetch_permissions import PERMISSIONS
from nhi_scan.errors import NhiScanError, UsageError
from tests.live_gcp import estate as e
from tests.live_gcp.fake_gcp import FakeGcp
from tests.live_gcp.helpers import errors, files


@pytest.fixture
def collect_app() -> typer.Typer:
    """A `collect` group holding only `gcp`, as nhi_scan.cli builds it from the plug-in."""
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """collect"""

    register(app)
    return app


@pytest.fixture
def adc(monkeypatch: pytest.MonkeyPatch, fake: FakeGcp) -> FakeGcp:
    """ADC answers anonymous credentials; every API is the fake server (as a user would point an emulator)."""
    import google.auth

    from tests.live_gcp.helpers import anonymous

    def default(scopes: Any = None, **_: Any) -> tuple[Any, None]:
        return anonymous(), None

    monkeypatch.setattr(google.auth, "default", default)
    monkeypatch.setenv("NHI_SCAN_GCP_ENDPOINT", fake.base)
    return fake


def test_collect_gcp_writes_the_snapshot(collect_app: typer.Typer, adc: FakeGcp, tmp_path: Path) -> None:
    out = tmp_path / "snap"
    result = CliRunner().invoke(collect_app, ["gcp", "--out", str(out), "--project", e.ALPHA, "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "collected into" in result.output and "complete" in result.output
    assert f"projects/{e.ALPHA}/service-accounts/{e.DEPLOYER}/keys.json" in files(out)
    assert json.loads((out / "projects.json").read_text())[0]["projectId"] == e.ALPHA


def test_strict_exits_2_when_a_project_is_denied(collect_app: typer.Typer, adc: FakeGcp, tmp_path: Path) -> None:
    adc.denied.add(e.BETA)
    out = tmp_path / "snap"
    args = ["gcp", "--out", str(out), "--project", f"{e.ALPHA},{e.BETA}", "--strict", "-q"]
    result = CliRunner().invoke(collect_app, args)
    assert result.exit_code == 2, result.output
    assert [r["Account"] for r in errors(out)] == [f"projects/{e.BETA}"]


def test_print_role_is_the_exact_read_only_permission_list(collect_app: typer.Typer, fake: FakeGcp) -> None:
    result = CliRunner().invoke(collect_app, ["gcp", "--print-role"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    listed = [line[2:] for line in lines if line.startswith("- ")]
    assert listed == list(PERMISSIONS)
    assert "includedPermissions:" in lines and "stage: GA" in lines
    assert all(p.rsplit(".", 1)[1] in ("list", "get", "getIamPolicy", "query") for p in listed)
    assert not fake.calls  # printing the role calls nothing


def test_every_permission_of_the_role_exists(collect_app: typer.Typer) -> None:
    """Names checked against Google's predefined roles (the bundled dataset): a typo would make the role invalid."""
    import gzip
    from importlib import resources

    bundle = resources.files("nhi_scan.policy.gcp").joinpath("data/predefined-roles.json.gz")
    known = set(json.loads(gzip.decompress(bundle.read_bytes()))["permissions"])
    assert set(PERMISSIONS) <= known


def test_out_is_required(collect_app: typer.Typer) -> None:
    result = CliRunner().invoke(collect_app, ["gcp"])
    assert isinstance(result.exception, UsageError)


def test_missing_credentials_is_one_clear_line(
    collect_app: typer.Typer, fake: FakeGcp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real ADC lookup (no GOOGLE_APPLICATION_CREDENTIALS, no gcloud login, not on GCE) fails as one line."""
    monkeypatch.setenv("NHI_SCAN_GCP_ENDPOINT", fake.base)
    result = CliRunner().invoke(collect_app, ["gcp", "--out", str(tmp_path / "x"), "-q"])
    assert isinstance(result.exception, NhiScanError)
    assert str(result.exception) == (
        "no Google credentials: run gcloud auth application-default login or set GOOGLE_APPLICATION_CREDENTIALS"
    )
    assert not fake.calls


def _main_app() -> Any:
    """nhi_scan.cli's app when the GCP plug-in (nhi_scan/providers/gcp.py) registers this collector, else skip."""
    try:
        from nhi_scan.cli import app
    except Exception as exc:  # another engineer's plug-in mid-edit must not fail these tests
        pytest.skip(f"nhi_scan.cli does not import: {exc}")
    if CliRunner().invoke(app, ["collect", "gcp", "--help"]).exit_code != 0:
        pytest.skip("nhi-scan collect gcp is not registered yet (needs nhi_scan/providers/gcp.py with live=COLLECTOR)")
    return app


def test_nhi_scan_collect_gcp_then_scan(adc: FakeGcp, tmp_path: Path) -> None:
    app = _main_app()
    out = tmp_path / "snap"
    collected = CliRunner().invoke(app, ["collect", "gcp", "--out", str(out), "--organization", e.ORG, "-q"])
    assert collected.exit_code == 0, collected.output
    assert (out / f"organizations/{e.ORG}/iam-policy.json").is_file()
    offline = CliRunner().invoke(app, ["scan", str(out), "-f", "json", "-q"])
    live = CliRunner().invoke(app, ["scan", "--gcp", "--organization", e.ORG, "-f", "json", "-q"])
    assert offline.exit_code in (0, 1), offline.output
    assert live.exit_code in (0, 1), live.output


def test_scan_rejects_gcp_options_without_gcp(adc: FakeGcp) -> None:
    app = _main_app()
    result = CliRunner().invoke(app, ["scan", "--project", e.ALPHA])
    assert isinstance(result.exception, UsageError)
