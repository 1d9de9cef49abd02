"""Read-only, proven from the fake server's request log: every request of `collect azure` and of a full
`scan --azure` is a GET and needs only a Graph permission the README names (and `--print-permissions` prints) or
an ARM read action, which the Reader role the README documents grants (``*/read``). The permission of each
request is the one the fake server's route states, not the collector's own list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.live_azure.fake_azure import FakeAzure
from tests.live_azure.test_cli import _main_app, made, signed_in  # noqa: F401 (the fixtures)

README = Path(__file__).resolve().parents[2] / "README.md"


def _documented_graph_permissions() -> set[str]:
    """The Graph permissions the README's Azure section names (``Application.Read.All`` ...)."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Scanning Azure and Microsoft Entra") :]
    section = section[: section.index("\n## ", 1)]
    return set(re.findall(r"`([A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)+)`", section))


@pytest.mark.parametrize("command", ["collect", "scan"])
def test_every_request_is_a_get_the_documented_grant_allows(
    signed_in: FakeAzure,  # noqa: F811
    tmp_path: Path,
    command: str,
) -> None:
    app = _main_app()
    printed = CliRunner().invoke(app, ["collect", "azure", "--print-permissions"])
    listed = {line.split("#")[0].strip() for line in printed.output.splitlines() if not line.startswith("#")}
    documented = _documented_graph_permissions()
    assert {"Application.Read.All", "Directory.Read.All", "RoleManagement.Read.Directory"} <= documented
    assert "built-in Reader role" in README.read_text(encoding="utf-8")
    signed_in.reset()
    if command == "collect":
        args = ["collect", "azure", "--out", str(tmp_path / "snap"), "-q"]
    else:
        args = ["scan", "--azure", "-f", "json", "-q"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    calls = list(signed_in.calls)
    assert len(calls) > 30  # the whole tenant and both subscriptions were read
    assert {c.method for c in calls} == {"GET"}
    assert [c.path for c in calls if c.api is None] == []  # every request is a known route
    graph = {p for c in calls if c.api == "graph" for p in str(c.permission).split(" and ")}
    assert graph - documented == set() and graph <= listed
    arm = {str(c.permission) for c in calls if c.api == "arm"}
    assert arm and all(action.endswith("/read") for action in arm) and arm <= listed  # Reader: */read
    assert not [c.path for c in calls if "/secrets/" in c.path]  # a secret value is never read
    # Cosmos DB: the accounts and their SQL role listings are read (Reader's */read); their keys never are
    cosmos = {str(c.permission) for c in calls if "/Microsoft.DocumentDB/" in c.path}
    assert cosmos == {
        "Microsoft.DocumentDB/databaseAccounts/read",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions/read",
    }
    assert not [c.path for c in calls if c.path.lower().endswith(("/listkeys", "/listconnectionstrings"))]
