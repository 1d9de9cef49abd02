"""Read-only, proven from the fake server's request log: every request of `collect gcp` and of a full `scan --gcp`
is a read (GET, or the POST of ``:getIamPolicy``, which only reads) and needs only a permission of the role
`collect gcp --print-role` prints (the minimal role the README documents). The permission of each request is the
one the fake server's route states from Google's REST reference, not the collector's own list."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.live_gcp import estate as e
from tests.live_gcp.fake_gcp import FakeGcp
from tests.live_gcp.routes import Call
from tests.live_gcp.test_cli import _main_app, adc  # noqa: F401 (the fixture)

README = Path(__file__).resolve().parents[2] / "README.md"


def _is_read(call: Call) -> bool:
    return call.method == "GET" or (call.method == "POST" and call.path.endswith(":getIamPolicy"))


@pytest.mark.parametrize("command", ["collect", "scan"])
def test_every_request_is_a_read_the_documented_role_allows(adc: FakeGcp, tmp_path: Path, command: str) -> None:  # noqa: F811
    app = _main_app()
    printed = CliRunner().invoke(app, ["collect", "gcp", "--print-role"])
    assert printed.exit_code == 0 and "--print-role" in README.read_text(encoding="utf-8")
    role = {line[2:] for line in printed.output.splitlines() if line.startswith("- ")}
    adc.reset()
    if command == "collect":
        args = ["collect", "gcp", "--organization", e.ORG, "--out", str(tmp_path / "snap"), "-q"]
    else:
        args = ["scan", "--gcp", "--organization", e.ORG, "-f", "json", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    calls = list(adc.calls)
    assert len(calls) > 30  # the whole organisation was read
    assert [f"{c.method} {c.path}" for c in calls if not _is_read(c)] == []
    assert [c.path for c in calls if c.permission is None] == []  # every request is a known REST route
    assert {c.permission for c in calls} - role == set()
    assert {"resourcemanager.organizations.getIamPolicy", "iam.serviceAccountKeys.list"} <= {
        c.permission for c in calls
    }
