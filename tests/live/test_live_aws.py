"""nhi-scan against a real moto server, through the CLI as a user runs it (see conftest.py and moto_world.py)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.connectors.aws.fetch_api import READ_ONLY_OPERATIONS
from nhi_scan.connectors.aws.fetch_policy import IAM_PREFIX, scanner_policy
from nhi_scan.engine import run_scan
from nhi_scan.model import IdentityKind, PolicyKind, ScanResult
from tests.conftest import RunCli
from tests.live.calls import recorded_operations
from tests.live.moto_world import MANAGEMENT, REGION, World

#: Collections name the seeded region: listing all of moto's regions takes ~13 s per account (it builds each
#: region's backends on first use), too slow for a unit test run.
NOW = "2027-06-01T00:00:00Z"
#: What a read-only scanner may call, stated independently of nhi-scan's own list.
READ_PREFIXES = ("Get", "List", "Describe", "BatchGet")
ALSO_ALLOWED = frozenset(
    {"GenerateCredentialReport", "GenerateServiceLastAccessedDetails", "AssumeRole", "GetCallerIdentity"}
)
#: Reads of secret material: never, whatever their prefix.
SECRET_READS = frozenset({"GetSecretValue", "GetParameter", "GetParameters", "GetPasswordData", "GetObject"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Runs:
    collected: Path
    live: dict[str, Any]
    offline: dict[str, Any]
    operations: list[tuple[str, str]]
    seconds: float


def _json_scan(run_cli: RunCli, *args: str | Path) -> dict[str, Any]:
    result = run_cli("scan", *args, "-f", "json", "--now", NOW, "-q")
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.fixture(scope="session")
def runs(world: World, recorder: Path, tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """`collect aws --org`, then `scan --aws --org` and `scan DIR`: once for every test of this module."""
    from tests.conftest import _run as run_cli

    started = time.monotonic()
    collected = tmp_path_factory.mktemp("collect") / "org"
    result = run_cli("collect", "aws", "--org", "--region", REGION, "--out", collected, "-q")
    assert result.returncode == 0, result.stderr
    live = _json_scan(run_cli, "--aws", "--org", "--region", REGION)
    offline = _json_scan(run_cli, collected)
    return Runs(
        collected=collected,
        live=live,
        offline=offline,
        operations=recorded_operations(recorder),
        seconds=time.monotonic() - started,
    )


@pytest.fixture(scope="session")
def inventory_scan(runs: Runs) -> ScanResult:
    return run_scan([runs.collected], now=datetime(2027, 6, 1, tzinfo=UTC))


def _errors(document: dict[str, Any]) -> list[str]:
    """Errors without the (temporary or collected) directory they were read from."""
    return sorted(re.sub(r"^\S*?/(?=\d{12}/|organization/)", "", e) for e in document["scan"]["errors"])


def _without_scanner_footprint(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings with the last-use times of the scanner's own identities removed.

    Scanning uses the scanner's key and the role it assumes in each member, so their last use moves between any
    two collections (as on AWS). Everything else must be identical.
    """
    result = []
    for finding in findings:
        if re.search(r":(user/nhi-scanner|role/OrganizationAccountAccessRole)$", finding["identity"] or ""):
            evidence = {k: v for k, v in finding["evidence"].items() if k not in ("last_used", "last_activity")}
            finding = {**finding, "evidence": evidence}
        result.append(finding)
    return result


def test_live_scan_equals_offline_scan_of_the_collection(runs: Runs) -> None:
    assert _without_scanner_footprint(runs.live["findings"]) == _without_scanner_footprint(runs.offline["findings"])
    assert runs.live["scan"]["scopes"] == runs.offline["scan"]["scopes"]
    assert runs.live["summary"] == runs.offline["summary"]
    assert _errors(runs.live) == _errors(runs.offline)
    live_ids = sorted(i["id"] for i in runs.live["identities"])
    assert live_ids == sorted(i["id"] for i in runs.offline["identities"])
    assert runs.live["findings"], "the seeded organisation has problems to find"


def test_only_read_only_calls_reach_the_server(runs: Runs) -> None:
    operations = runs.operations
    assert ("iam", "GetAccountAuthorizationDetails") in operations
    assert ("sts", "AssumeRole") in operations
    assert ("lambda", "ListFunctions") in operations
    unknown = [op for op in operations if op[1] == "?"]
    assert not unknown, f"requests whose operation could not be told: {unknown[:5]}"
    writes = sorted(
        {op for op in operations if not (op[1].startswith(READ_PREFIXES) or op[1] in ALSO_ALLOWED)}
        | {op for op in operations if op[1] in SECRET_READS}
    )
    assert not writes, f"non-read-only calls: {writes}"


def _readme_policy() -> dict[str, Any]:
    """The scanner policy as the README documents it (its ``NhiScanReadOnly`` JSON block)."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"```json\n(\{.*?\})\n```", text, flags=re.S) if "NhiScanReadOnly" in b]
    policy: dict[str, Any] = json.loads(block)
    return policy


def test_the_documented_scanner_policy_covers_every_call(runs: Runs) -> None:
    """Every request of `collect aws --org` and `scan --aws --org` is allowed by the README's policy."""
    statements = _readme_policy()["Statement"]
    assert statements == scanner_policy()["Statement"]  # and it is what --print-policy prints
    granted = {a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert all(s["Effect"] == "Allow" and "*" not in "".join(s["Action"]) for s in statements)
    signing = {IAM_PREFIX.get(service, service) for service in READ_ONLY_OPERATIONS}
    called = {f"{service}:{name}" for service, name in runs.operations if service in signing}
    assert called - granted - {"sts:GetCallerIdentity"} == set()


def test_denied_member_account_is_reported_and_the_others_are_scanned(runs: Runs, world: World) -> None:
    scanned = {s["scope"] for s in runs.live["scan"]["scopes"]}
    assert scanned == {MANAGEMENT, world.members["prod"], world.members["dev"]}
    assert runs.live["scan"]["complete"] is False
    denied = [e for e in runs.live["scan"]["errors"] if f"account {world.locked}" in e]
    assert denied and "sts:AssumeRole failed: AccessDenied" in denied[0]
    assert "not scanned" in denied[0]
    warnings = runs.live["scan"]["warnings"]
    assert any(w.startswith(f"account {world.locked} was not scanned: AccessDenied") for w in warnings)


def test_strict_turns_an_incomplete_scan_into_exit_2(runs: Runs, run_cli: RunCli) -> None:
    assert run_cli("scan", runs.collected, "--strict", "-q", "--now", NOW).returncode == 2


def test_workloads_agent_identities_and_reuse(inventory_scan: ScanResult) -> None:
    inventory = inventory_scan.inventory
    runs_as = {(w.kind, w.name): w.identity_id.rsplit("/", 1)[-1] for w in inventory.workloads}
    assert runs_as[("ec2-instance", "web-1")] == "app-role"  # through the instance profile
    assert runs_as[("lambda-function", "thumbnailer")] == "app-role"
    assert runs_as[("ecs-task", "worker:1")] == "ecs-task"
    assert runs_as[("cloudformation-stack", "platform")] == "cfn-deploy"
    assert runs_as[("bedrock-agent", "support-agent")] == "AmazonBedrockExecutionRoleForAgents_support"
    agents = {i.name: i.agent_reason for i in inventory.identities if i.agent_reason}
    assert "support-agent" in agents["AmazonBedrockExecutionRoleForAgents_support"]
    reuse = [f for f in inventory_scan.findings if f.check_id == "nhi-reuse"]
    assert [f.subject.rsplit("/", 1)[-1] for f in reuse] == ["app-role"]
    assert reuse[0].evidence["services"] == ["ec2", "lambda"]


def test_organization_tree_and_scps(inventory_scan: ScanResult, world: World) -> None:
    organization = inventory_scan.inventory.organization
    assert organization is not None and organization.management_account == MANAGEMENT
    path = organization.account_paths[world.members["prod"]]
    assert path[0].startswith("r-") and path[1].startswith("ou-") and path[-1] == world.members["prod"]
    scps = [g for g in inventory_scan.inventory.grants if g.policy_kind is PolicyKind.SCP]
    assert any(g.policy_name == "deny-leaving" and g.principal_id == path[1] for g in scps)


def test_credentials_and_users_of_member_accounts_stay_apart(inventory_scan: ScanResult, world: World) -> None:
    etl = [i for i in inventory_scan.inventory.identities if i.name == "svc-etl" and i.kind is IdentityKind.USER]
    assert {i.scope for i in etl} == {world.members["prod"], world.members["dev"]}
    for identity in etl:
        keys = [c for c in identity.credentials if c.kind.value == "access-key"]
        assert len(keys) == 1 and keys[0].id.startswith("AKIA")


def test_no_secret_is_written(runs: Runs, world: World) -> None:
    for path in runs.collected.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert world.scanner_secret not in text
            assert "SecretAccessKey" not in text and "SessionToken" not in text


def test_single_account_live_scan_and_its_table(run_cli: RunCli, world: World) -> None:
    result = run_cli("scan", "--aws", "--region", REGION, "--now", NOW, "-q")
    assert result.returncode == 0, result.stderr
    assert f"aws {MANAGEMENT}" in result.stdout and "Agent identities" in result.stdout
    assert world.locked not in result.stdout


def test_collect_refuses_a_directory_with_files(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    result = run_cli("collect", "aws", "--out", tmp_path)
    assert result.returncode == 2 and "not an empty directory" in result.stderr


def test_live_tests_stay_fast(runs: Runs) -> None:
    assert runs.seconds < 45, f"collect + live scan + offline scan took {runs.seconds:.0f}s"
