"""A scan's progress on stderr shows counts as it goes (files, identities, edges, checks run), on a terminal only."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.engine import scan_with_graph, select_checks
from nhi_scan.inventory import providers_of
from tests.terminal import clean_env, on_terminal

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "sample_data")
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_engine_reports_true_counts() -> None:
    heard: list[str] = []
    result, analysis = scan_with_graph([Path(SAMPLE)], now=NOW, progress=heard.append)
    files = len(result.sources)
    assert [m for m in heard if m.startswith("reading files")] == [f"reading files {n}/{files}" for n in range(files)]
    parsing = next(m for m in heard if m.startswith("parsing "))
    assert parsing == f"parsing {sum(1 for s in result.sources if s.kind)} documents of {files} files"
    analysing = [m for m in heard if m.startswith("analysing ")]
    assert [m.split(":")[0] for m in analysing] == ["analysing AWS", "analysing Azure", "analysing GCP"]
    per_cloud = [_number(re.findall(r"([\d,]+) identities", m)[0]) for m in analysing]
    assert sum(per_cloud) == len(result.inventory.identities)
    edges_so_far = [_number(re.findall(r"([\d,]+) edges", m)[0]) for m in heard if " edges" in m]
    assert edges_so_far == sorted(edges_so_far)  # the graph only grows
    final = next(m for m in heard if m.startswith("running checks on "))
    assert final == (
        f"running checks on {len(result.inventory.identities):,} identities · "
        f"{analysis.graph.nx.number_of_edges():,} edges"
    )
    ran = [m for m in heard if re.match(r"running checks \d+/\d+", m)]
    total = len(select_checks(providers_of(result.inventory)))
    assert ran[0].startswith(f"running checks 0/{total} · 0 findings") and len(ran) == total
    assert _number(re.findall(r"([\d,]+) findings", ran[-1])[0]) <= len(result.findings)


def test_a_terminal_sees_the_counts_as_the_scan_goes(tmp_path: Path) -> None:
    shown = on_terminal("scan", SAMPLE, "-f", "json", "-o", str(tmp_path / "r.json"), columns=120, stdout_too=False)
    assert shown.returncode in (0, 1)
    frames = [f.strip() for f in re.split(r"[\r\n]", shown.terminal) if f.strip()]
    for wanted in (
        r"reading files \d+/\d+",
        r"parsing \d+ documents of \d+ files",
        r"analysing AWS: \d+ identities · \d+ edges so far",
        r"running checks on 144 identities · [\d,]+ edges",
        r"running checks \d+/\d+ · [\d,]+ findings so far",
    ):
        assert any(re.search(wanted, f) for f in frames), (wanted, frames)
    assert all(re.search(r" · \d+ s$", f) for f in frames if not f.startswith("wrote ")), frames  # time passing
    assert (tmp_path / "r.json").stat().st_size > 0


def test_paths_shows_the_same_line() -> None:
    shown = on_terminal("paths", SAMPLE, "--from", "ci-deploy", columns=120, stdout_too=False)
    assert shown.returncode == 0 and "lambda-ops-admin" in shown.stdout
    assert re.search(r"analysing GCP: \d+ identities · [\d,]+ edges so far", shown.terminal)


def test_quiet_and_pipes_show_no_progress(tmp_path: Path) -> None:
    quiet = on_terminal("scan", SAMPLE, "-q", "-o", str(tmp_path / "q.txt"), stdout_too=False)
    assert quiet.returncode in (0, 1) and quiet.terminal.strip() == ""
    piped = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", SAMPLE, "-o", str(tmp_path / "p.txt")],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    assert piped.returncode in (0, 1)
    assert "running checks" not in piped.stderr and "analysing" not in piped.stderr
