"""`nhi-scan paths` on the bundled sample account, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import NOW, RunCli

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "aws"
ACCOUNT = "111122223333"


def test_path_from_identity_to_admin(run_cli: RunCli) -> None:
    result = run_cli("paths", SAMPLE, "--from", "ci-deploy", "-f", "json", "--now", NOW, "-q")
    assert result.returncode == 0, result.stderr
    [entry] = json.loads(result.stdout)
    hops = entry["path"]
    assert hops[0]["from"] == f"arn:aws:iam::{ACCOUNT}:user/ci-deploy"
    assert hops[0]["to"] == f"arn:aws:iam::{ACCOUNT}:role/lambda-ops-admin"
    assert hops[0]["edge"] == "CAN_PASS_ROLE" and "iam:PassRole" in hops[0]["reason"]
    assert hops[-1]["to"] == f"admin:aws:{ACCOUNT}"
    assert entry["conditional"] is False


def test_tree_output_names_each_hop(run_cli: RunCli) -> None:
    result = run_cli("paths", SAMPLE, "--from", "ci-deploy", "--now", NOW, "-q")
    assert result.returncode == 0
    for text in ("user/ci-deploy", "CAN_PASS_ROLE", "role/lambda-ops-admin", "ADMIN_OF", "nw-ci-deploy"):
        assert text in result.stdout


def test_who_can_become_a_role(run_cli: RunCli) -> None:
    result = run_cli("paths", SAMPLE, "--to", "lambda-ops-admin", "-f", "json", "--now", NOW, "-q")
    starts = {Path(entry["from"]).name for entry in json.loads(result.stdout)}
    assert {"ci-deploy", "deploy-bootstrap"} <= starts
    assert "monitoring-agent" not in starts  # explicit Deny of iam:PassRole (a trap of the sample)


def test_path_between_two_identities(run_cli: RunCli) -> None:
    result = run_cli(
        "paths",
        SAMPLE,
        "--from",
        "codebuild-northwind-app-service-role",
        "--to",
        "deploy-orchestrator",
        "-f",
        "json",
        "--now",
        NOW,
        "-q",
    )
    [entry] = json.loads(result.stdout)
    assert [h["edge"] for h in entry["path"]] == ["CAN_ASSUME"]


def test_trap_has_no_path(run_cli: RunCli) -> None:
    result = run_cli("paths", SAMPLE, "--from", "monitoring-agent", "--now", NOW, "-q")
    assert result.returncode == 0 and "no path" in result.stdout


def test_bad_identity_and_missing_options(run_cli: RunCli) -> None:
    for args in (["--from", "nobody-here"], []):
        result = run_cli("paths", SAMPLE, *args, "-q")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1
