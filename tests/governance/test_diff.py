"""`nhi-scan diff`: drift between two JSON reports, and a failing exit only for new risk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from nhi_scan.governance.diff import diff_reports
from nhi_scan.reporters.json_report import to_document
from tests.conftest import RunCli
from tests.reporters.estate import NEW_USER, scanned, with_path


def report(directory: Path, **kwargs: Any) -> dict[str, Any]:
    return to_document(scanned(directory, **kwargs))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    old = report(tmp_path_factory.mktemp("old"))
    new = to_document(
        with_path(scanned(tmp_path_factory.mktemp("new"), new_admin=True, rotated="2026-11-20T00:00:00+00:00"))
    )
    return old, new


def test_identities_credentials_keys_findings_and_paths(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    old, new = pair
    diff = diff_reports(old, new, old_name="old.json", new_name="new.json")
    assert [i["id"] for i in diff.identities_added] == [NEW_USER]
    assert not diff.identities_removed
    assert {c["identity"] for c in diff.credentials_added} == {NEW_USER}
    (rotation,) = diff.keys_rotated
    assert rotation["identity_name"] == "ci-deploy" and rotation["new_last_rotated"] == "2026-11-20T00:00:00Z"
    new_ids = {f["id"] for f in diff.findings_new}
    assert "pathfinding00000001" in new_ids
    assert {f["identity"] for f in diff.findings_new} == {NEW_USER, new["findings"][0]["identity"]}
    resolved = {f["check_id"] for f in diff.findings_resolved}
    assert resolved == {"credential-not-rotated"}  # ci-deploy's key was rotated
    assert [f["id"] for f in diff.paths_new] == ["pathfinding00000001"]
    document = diff.to_document()
    assert document["summary"]["keys_rotated"] == 1 and document["summary"]["paths_new"] == 1


def test_replaced_key_id_counts_as_rotation() -> None:
    def doc(key: str, created: str) -> dict[str, Any]:
        credential = {"id": key, "kind": "access-key", "created": created, "last_rotated": None}
        identity = {"id": "arn:u", "name": "svc", "credentials": [credential]}
        return {"schema_version": "1.0", "tool": {"name": "nhi-scan"}, "identities": [identity], "findings": []}

    diff = diff_reports(doc("AKIAOLD", "2024-01-01"), doc("AKIANEW", "2026-01-01"), old_name="a", new_name="b")
    assert [(r["old_id"], r["new_id"]) for r in diff.keys_rotated] == [("AKIAOLD", "AKIANEW")]
    assert not diff.credentials_added and not diff.credentials_removed


def test_cli_formats_and_exit_codes(
    pair: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path, run_cli: RunCli
) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(pair[0]))
    new.write_text(json.dumps(pair[1]))
    table = run_cli("diff", old, new)
    assert table.returncode == 0 and "New escalation paths" in table.stdout and "Keys rotated" in table.stdout
    failing = run_cli("diff", old, new, "--fail-on", "high", "-f", "json")
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["summary"]["identities_added"] == 1
    markdown = run_cli("diff", old, new, "-f", "markdown")
    assert markdown.stdout.startswith("## nhi-scan diff") and "| severity | check | finding |" in markdown.stdout
    assert run_cli("diff", new, new, "--fail-on", "info").returncode == 0


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{not json", "invalid JSON"),
        ('{"runs": []}', "not an nhi-scan JSON report"),
        ('{"tool": {"name": "nhi-scan"}, "schema_version": "2.0", "identities": [], "findings": []}', "schema_version"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2(tmp_path: Path, run_cli: RunCli, content: str, needle: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    done = run_cli("diff", bad, bad)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and needle in lines[0] and "bad.json" in lines[0], done.stderr
