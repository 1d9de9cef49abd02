"""`nhi-scan suggest-policy sample_data ci-deploy`: the README's first try gives a real, right-sized policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import NOW, RunCli

ROOT = Path(__file__).resolve().parents[1]


def _actions(policy: dict[str, object]) -> dict[str, list[str]]:
    statements = policy["Statement"]
    assert isinstance(statements, list)
    return {s["Sid"]: [s["Action"]] if isinstance(s["Action"], str) else s["Action"] for s in statements}


@pytest.mark.parametrize("window", ["90", "180"])
def test_ci_deploy_loses_what_it_has_not_used(run_cli: RunCli, window: str) -> None:
    done = run_cli("suggest-policy", ROOT / "sample_data", "ci-deploy", "--now", NOW, "--used-within", window)
    assert done.returncode == 0, done.stderr
    actions = _actions(json.loads(done.stdout))
    assert actions["Artifacts"] == ["s3:PutObject", "s3:GetObject", "s3:ListBucket"]  # data events: kept
    assert actions["DeployFunctions"] == [
        "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration",
        "lambda:GetFunction",
        "lambda:PublishVersion",
        "lambda:InvokeFunction",  # not tracked by Access Advisor: kept
    ]  # CreateFunction (last used 2025-05-06) and TagResource (never) are gone, and path P1 with them
    assert actions["PassExecutionRoles"] == ["iam:PassRole"]
    summary = done.stderr.splitlines()[0]
    assert "keeps 2 services" in summary and "(lambda, s3)" in summary
    assert "drops 0 unused" in summary and "iam: no use on record, but its untracked actions are kept" in summary
