"""A secret or a terminal escape an export held in a name-like field (a Sid, a policy or service name, a project id,
a credential's display name or issuer, a member) is never printed: no piece of the secret and no raw control or
bidirectional character in any report format or graph export."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hardening._estate import aws_copy, edit_json

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PEM_BODY = "M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu"
PEM = f"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n{PEM_BODY}\n-----END PRIVATE KEY-----"
ESCAPES = "\x1b[2J\x1b]0;pwned\x07\u202eevil"
_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
ROOT = Path(__file__).resolve().parents[2]
FORMATS = ("json", "sarif", "markdown", "html", "csv", "table")
GRAPHS = ("graphml", "opengraph")


def _aws(parent: Path) -> Path:
    root = aws_copy(parent)

    def advisor(document: dict[str, Any]) -> None:
        entry = document["ServicesLastAccessed"][0]
        entry["ServiceNamespace"] = f"{entry['ServiceNamespace']} {AWS_SECRET}"

    def authz(document: dict[str, Any]) -> None:
        statement = document["GroupDetailList"][3]["GroupPolicyList"][0]["PolicyDocument"]["Statement"][0]
        statement["Sid"] = f"LetPipelines {AWS_SECRET}{ESCAPES}"
        document["GroupDetailList"][0]["AttachedManagedPolicies"][0]["PolicyName"] = AWS_SECRET
        document["UserDetailList"][5]["AttachedManagedPolicies"][0]["PolicyName"] += ESCAPES

    edit_json(root / "access-advisor" / "user-ci-deploy.json", advisor)
    edit_json(root / "authz.json", authz)
    return root


def _gcp(parent: Path) -> Path:
    root = parent / "gcp"
    root.mkdir()
    lines = []
    for line in (ROOT / "tests" / "fixtures" / "gcp" / "cai-export.ndjson").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        data = record.get("resource", {}).get("data", {})
        if data.get("projectId") == "nw-prod-data":
            data["projectId"] = f"nw-prod-data {AWS_SECRET}"
        lines.append(json.dumps(record))
    (root / "cai-export.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copytree(ROOT / "sample_data" / "gcp", parent / "gcp-folders")

    def members(document: dict[str, Any]) -> None:
        document["bindings"][0]["members"][0] += ESCAPES

    edit_json(parent / "gcp-folders" / "folders" / "318604920177" / "iam-policy.json", members)
    return root


def _azure(parent: Path) -> Path:
    root = parent / "azure"
    shutil.copytree(ROOT / "sample_data" / "azure", root)

    def secret_name(document: dict[str, Any]) -> None:
        document["value"][0]["passwordCredentials"][0]["displayName"] = f"sync{ESCAPES}"

    def issuer(document: list[dict[str, Any]]) -> None:
        document[0]["issuer"] = f"https://token.actions.githubusercontent.com{ESCAPES}"
        document[0]["name"] = f"github-infra-dev{ESCAPES}"

    edit_json(root / "graph" / "applications.json", secret_name)
    identities = root / "arm" / "subscriptions" / "b81e4d27-6c3f-4a90-8d12-5e7a3c9f0b46" / "identities"
    edit_json(identities / "id-dev-deploy" / "federatedCredentials.json", issuer)
    return root


@pytest.fixture(scope="module")
def estates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    parent = tmp_path_factory.mktemp("names")
    gcp = _gcp(parent)
    return {"aws": _aws(parent), "gcp": gcp, "gcp-folders": gcp.parent / "gcp-folders", "azure": _azure(parent)}


def _run(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", *args, "--now", "2026-11-29T00:00:00Z"],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8") + done.stderr.decode("utf-8")


def _leaks(text: str) -> list[str]:
    """Every 16-character piece of a planted secret the text holds (compared case-folded)."""
    folded = text.lower()
    pieces = [body[i : i + 16] for body in (AWS_SECRET, PEM_BODY) for i in range(len(body) - 15)]
    return [piece for piece in pieces if piece.lower() in folded]


@pytest.mark.parametrize("cloud", ["aws", "gcp", "gcp-folders", "azure"])
@pytest.mark.parametrize("fmt", FORMATS + GRAPHS)
def test_no_output_prints_a_secret_or_raw_escape(estates: dict[str, Path], cloud: str, fmt: str) -> None:
    root = estates[cloud]
    if fmt in GRAPHS:
        text = _run("graph", "export", str(root), "-f", fmt)
    else:
        text = _run("scan", str(root), "-f", fmt, "-v", "-q")
    assert not _leaks(text), f"{cloud} {fmt}: {_leaks(text)[:3]}"
    if fmt not in ("json", "sarif", "opengraph"):  # JSON keeps exact values (its encoder escapes controls)
        raw = _RAW.search(text)
        assert raw is None, f"{cloud} {fmt}: raw {raw.group()!r} near {text[max(0, raw.start() - 60) : raw.end()]!r}"


def test_a_pem_tail_without_its_head_is_redacted() -> None:
    from nhi_scan.redact import redact_text

    tail = f"{PEM_BODY}\n-----END PRIVATE KEY-----"  # what followed the last "/" of a project path
    assert PEM_BODY[-20:] not in redact_text(f"projects/{tail}")
    assert PEM_BODY[-20:] not in redact_text(json.dumps({"scope": tail}))


@pytest.mark.parametrize(
    ("cloud", "field"),
    [
        ("aws", "service name of its access data"),
        ("aws", "statement Sid"),  # of a group's inline policy (a grant, not a listed policy)
        ("aws", "name"),  # of an attached policy the export does not list
        ("gcp", "name"),
    ],
)
def test_a_secret_key_in_a_name_is_a_secret_in_export_finding(estates: dict[str, Path], cloud: str, field: str) -> None:
    text = _run("scan", str(estates[cloud]), "-f", "json", "-q")
    document = json.loads(text[text.index("{") :])
    found = [f for f in document["findings"] if f["check_id"] == "secret-in-export"]
    assert any(f["evidence"]["field"] == field for f in found), [f["message"] for f in found]
