"""Impersonation that is not "become the target": implicitDelegation reaches what the delegate can mint tokens for
(never the delegate's own permissions), and an ID token, HMAC or API key is no way to the target's full power."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.engine import analyse, run_scan
from nhi_scan.settings import Settings

NOW = datetime(2026, 11, 29, tzinfo=UTC)
P = "p1"


def sa(name: str) -> str:
    return f"{name}@{P}.iam.gserviceaccount.com"


def write(root: Path, path: str, value: object) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(value), encoding="utf-8")


def estate(root: Path, *, caller_permission: str, on: str = "delegate") -> None:
    """caller -[custom role with one permission]-> delegate -[getAccessToken only]-> boss (owner of the project)."""
    write(
        root, "projects.json", [{"projectId": P, "projectNumber": "111", "parent": {"type": "organization", "id": "9"}}]
    )
    write(
        root,
        f"projects/{P}/service-accounts.json",
        [{"email": sa(n), "uniqueId": str(i), "projectId": P} for i, n in enumerate(("caller", "delegate", "boss"))],
    )
    roles = [
        {"name": f"projects/{P}/roles/one", "includedPermissions": [caller_permission], "title": "one"},
        {
            "name": f"projects/{P}/roles/mint",
            "includedPermissions": ["iam.serviceAccounts.getAccessToken"],
            "title": "mint",
        },
    ]
    write(root, f"projects/{P}/roles.json", roles)
    write(
        root,
        f"projects/{P}/iam-policy.json",
        {"bindings": [{"role": "roles/owner", "members": [f"serviceAccount:{sa('boss')}"]}], "etag": "a"},
    )
    write(
        root,
        f"projects/{P}/service-accounts/{sa(on)}/iam-policy.json",
        {"bindings": [{"role": f"projects/{P}/roles/one", "members": [f"serviceAccount:{sa('caller')}"]}], "etag": "b"},
    )
    if on == "delegate":
        write(
            root,
            f"projects/{P}/service-accounts/{sa('boss')}/iam-policy.json",
            {
                "bindings": [{"role": f"projects/{P}/roles/mint", "members": [f"serviceAccount:{sa('delegate')}"]}],
                "etag": "c",
            },
        )


def test_implicit_delegation_reaches_what_the_delegate_mints_not_the_delegate(tmp_path: Path) -> None:
    estate(tmp_path, caller_permission="iam.serviceAccounts.implicitDelegation")
    graph = analyse([tmp_path], settings=Settings(), now=NOW).graph
    caller = f"serviceAccount:{sa('caller')}"
    edges = {e.target: e for e in graph.edges_from(caller)}
    assert f"serviceAccount:{sa('boss')}" in edges and f"serviceAccount:{sa('delegate')}" not in edges
    assert "implicitDelegation through" in edges[f"serviceAccount:{sa('boss')}"].reason
    result = run_scan([tmp_path], now=NOW)
    escalation = [f for f in result.findings if f.check_id == "privilege-escalation" and f.subject == caller]
    assert len(escalation) == 1 and escalation[0].path[-1].target == f"admin:gcp:projects/{P}"


def test_an_id_token_of_the_owner_is_no_path_to_admin(tmp_path: Path) -> None:
    estate(tmp_path, caller_permission="iam.serviceAccounts.getOpenIdToken", on="boss")
    result = run_scan([tmp_path], now=NOW)
    caller = f"serviceAccount:{sa('caller')}"
    assert not [
        f for f in result.findings if f.subject == caller and f.check_id in ("privilege-escalation", "lateral-movement")
    ]
    graph = analyse([tmp_path], settings=Settings(), now=NOW).graph
    [edge] = [e for e in graph.edges_from(caller) if e.target == f"serviceAccount:{sa('boss')}"]
    assert not edge.traversable  # recorded (graph exports show it), never followed


def test_a_key_of_the_owner_is_a_path(tmp_path: Path) -> None:
    estate(tmp_path, caller_permission="iam.serviceAccountKeys.create", on="boss")
    result = run_scan([tmp_path], now=NOW)
    caller = f"serviceAccount:{sa('caller')}"
    assert [f.check_id for f in result.findings if f.subject == caller and f.check_id == "privilege-escalation"]
