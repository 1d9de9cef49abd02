"""`nhi-scan graph export`: GraphML a graph tool parses, and BloodHound OpenGraph of the documented shape."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import NOW, RunCli
from tests.reporters.estate import estate

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def test_graphml_declares_keys_and_parses(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "graph.graphml"
    done = run_cli("graph", "export", estate(tmp_path / "in"), "-f", "graphml", "-o", out, "--now", NOW)
    assert done.returncode == 0, done.stderr
    root = ET.parse(out).getroot()
    keys = {k.get("id"): k for k in root.findall("g:key", NS)}
    assert all(k.get("attr.type") in {"string", "boolean", "long", "double"} for k in keys.values())
    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("edgedefault") == "directed"
    nodes = graph.findall("g:node", NS)
    ids = [n.get("id") for n in nodes]
    assert len(ids) == len(set(ids)) and any("user/ci-deploy" in (i or "") for i in ids)
    for element in graph.iter():
        for data in element.findall("g:data", NS):
            assert data.get("key") in keys
            assert keys[data.get("key")].get("for") == ("node" if element.tag.endswith("node") else "edge")
    edges = graph.findall("g:edge", NS)
    assert edges and all(e.get("source") in ids and e.get("target") in ids for e in edges)
    names = {keys[k].get("attr.name"): k for k in keys if keys[k].get("for") == "node"}
    ci = next(n for n in nodes if (n.get("id") or "").endswith("user/ci-deploy"))
    values = {d.get("key"): d.text for d in ci.findall("g:data", NS)}
    assert values[names["labels"]] == ":NHIIdentity:NHIAWSUser" and values[names["label"]] == "ci-deploy"
    assert values[names["tags"]] == "owner=platform" and int(values[names["findings"]] or 0) >= 1


def test_opengraph_shape(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "graph.json"
    done = run_cli("graph", "export", estate(tmp_path / "in"), "-f", "opengraph", "-o", out, "--now", NOW)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["metadata"] == {"source_kind": "NHIScan"}
    nodes, edges = document["graph"]["nodes"], document["graph"]["edges"]
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    primitive = (str, int, float, bool)
    for node in nodes:
        assert 1 <= len(node["kinds"]) <= 3 and all(k.startswith("NHI") for k in node["kinds"])
        for key, value in node["properties"].items():
            assert key == key.lower() and re.fullmatch(r"[a-z0-9_]+", key)
            assert isinstance(value, primitive) or (
                isinstance(value, list) and all(isinstance(v, primitive) for v in value)
            ), (key, value)
    assert edges
    for edge in edges:
        assert edge["kind"].startswith("NHI")
        assert edge["start"]["match_by"] == edge["end"]["match_by"] == "id"
        assert edge["start"]["value"] in ids and edge["end"]["value"] in ids
        assert isinstance(edge["properties"], dict)
    kinds = {k for n in nodes for k in n["kinds"]}
    assert {"NHIIdentity", "NHIAWSUser", "NHIAWSRole", "NHICredential"} <= kinds


def test_bad_format_and_no_input(tmp_path: Path, run_cli: RunCli) -> None:
    assert run_cli("graph", "export", tmp_path, "-f", "dot").returncode == 2
    empty = run_cli("graph", "export", tmp_path, "-o", tmp_path / "g.graphml")
    assert empty.returncode == 2 and "Traceback" not in empty.stderr


SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "aws"


def _export(out: Path, seed: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "graph", "export", str(SAMPLE), "-o", str(out), "--now", NOW],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_export_holds_the_escalation_edges_the_scan_judges(tmp_path: Path, run_cli: RunCli) -> None:
    out = tmp_path / "graph.graphml"
    _export(out, "0")
    root = ET.parse(out).getroot()
    keys = {k.get("attr.name"): k.get("id") for k in root.findall("g:key", NS) if k.get("for") == "edge"}
    kinds = [
        d.text
        for e in root.iter(f"{{{NS['g']}}}edge")
        for d in e.findall("g:data", NS)
        if d.get("key") == keys["label"]
    ]
    assert "ADMIN_OF" in kinds and "CAN_ASSUME" in kinds
    assert any(k in kinds for k in ("CAN_MODIFY_POLICY", "CAN_PASS_ROLE", "CAN_CREATE_CREDENTIAL"))
    report = tmp_path / "report.json"
    done = run_cli("scan", SAMPLE, "-q", "-f", "json", "-o", report, "--now", NOW)
    assert done.returncode == 0, done.stderr
    escalations = [f for f in json.loads(report.read_text())["findings"] if f["check_id"] == "privilege-escalation"]
    assert escalations
    names = {k.get("attr.name"): k.get("id") for k in root.findall("g:key", NS) if k.get("for") == "node"}
    counted = {
        n.get("id"): int(d.text or 0)
        for n in root.iter(f"{{{NS['g']}}}node")
        for d in n.findall("g:data", NS)
        if d.get("key") == names["findings"]
    }
    assert all(counted.get(f["identity"], 0) >= 1 for f in escalations)


def test_export_is_the_same_whatever_the_hash_seed(tmp_path: Path) -> None:
    """Set iteration order changes with PYTHONHASHSEED; nothing that reaches the export may depend on it."""
    first, second = tmp_path / "a.graphml", tmp_path / "b.graphml"
    _export(first, "1")
    _export(second, "2")
    assert first.read_bytes() == second.read_bytes()
