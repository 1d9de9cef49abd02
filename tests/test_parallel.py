"""Worker processes (``nhi_scan.parallel``): results in order, failures fall back, and scans come out the same
whatever the job count (the graph in the same order, the same findings)."""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan import parallel
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import build_graph, parse_documents, run_checks
from nhi_scan.escalation.aws import build
from nhi_scan.model import Provider
from nhi_scan.settings import Settings
from tests.conftest import RunCli

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "aws"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
forking = pytest.mark.skipif(not parallel.can_fork(), reason="this platform cannot fork")


def _pid() -> int:
    return os.getpid()


@forking
def test_parts_run_in_other_processes_and_come_back_in_order() -> None:
    parts = [_pid, _pid, _pid]
    pids = parallel.run_parts(parts, jobs=3)
    assert pids[0] == os.getpid()
    assert len(set(pids)) == 3
    assert parallel.run_parts([lambda: 1, lambda: [2], lambda: {"three": 3}], jobs=2) == [1, [2], {"three": 3}]


def test_one_job_runs_everything_here() -> None:
    assert parallel.run_parts([_pid, _pid], jobs=1) == [os.getpid(), os.getpid()]


@forking
def test_a_child_that_dies_is_replaced_by_running_its_part_here() -> None:
    parent = os.getpid()

    def dies_in_a_child() -> str:
        if os.getpid() != parent:
            os._exit(7)
        return "computed by the parent"

    before = parallel.fallbacks
    assert parallel.run_parts([lambda: "first", dies_in_a_child], jobs=2) == ["first", "computed by the parent"]
    assert parallel.fallbacks == before + 1


@forking
def test_an_exception_in_a_part_surfaces_as_it_would_sequentially() -> None:
    def broken() -> int:
        raise ValueError("bad part")

    with pytest.raises(ValueError, match="bad part"):
        parallel.run_parts([lambda: 1, broken], jobs=2)
    with pytest.raises(ValueError, match="bad part"):
        parallel.run_parts([broken, lambda: 1], jobs=2)


def test_job_count_from_option_variable_or_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.JOBS_VARIABLE, raising=False)
    assert parallel.resolve_jobs(3) == 3
    automatic = min(parallel.available_cpus(), parallel.MAX_AUTO_JOBS) if sys.platform.startswith("linux") else 1
    assert parallel.resolve_jobs(None) == automatic
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "1")
    assert parallel.resolve_jobs(None) == 1
    assert parallel.resolve_jobs(2) == 2
    monkeypatch.setenv(parallel.JOBS_VARIABLE, "many")
    with pytest.raises(ValueError, match="NHI_SCAN_JOBS"):
        parallel.resolve_jobs(None)
    with pytest.raises(ValueError, match="negative"):
        parallel.resolve_jobs(-1)


@forking
def test_graph_and_findings_do_not_depend_on_the_job_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample account with the size thresholds lowered, so that its work really is shared."""
    monkeypatch.setattr(build, "MIN_PARALLEL_PRINCIPALS", 0)
    inventory = parse_documents(load_inputs([SAMPLE]).documents, Settings())
    fallbacks = parallel.fallbacks
    runs = []
    for jobs in (1, 2, 3):
        graph, aws = build_graph(inventory, NOW, jobs=jobs)
        edges = [(e.source, e.target, e.kind, e.method, e.reason, e.conditional) for e in graph.edges()]
        findings = run_checks(inventory, graph, Settings(), NOW, aws)
        runs.append((list(graph.nx.nodes), edges, findings))
    assert any(kind == "ADMIN_OF" for _, _, kind, *_ in runs[0][1])
    assert runs[0][2], "the sample account has findings"
    assert runs[1] == runs[0]
    assert runs[2] == runs[0]
    assert parallel.fallbacks == fallbacks, "every child delivered its part (none was run again here)"


def test_bad_job_counts_are_one_line_errors(run_cli: RunCli) -> None:
    done = run_cli("scan", SAMPLE, "-q", "--jobs", "-1")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--jobs" in done.stderr


def test_bad_job_variable_is_a_one_line_error(tmp_path: Path) -> None:
    import subprocess

    env = {**os.environ, parallel.JOBS_VARIABLE: "lots"}
    done = subprocess.run(
        [sys.executable, "-m", "nhi_scan", "scan", str(SAMPLE), "-q"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "NHI_SCAN_JOBS must be a whole number" in done.stderr


@forking
def test_early_checks_in_a_worker_give_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The permission-only checks start in a worker before the escalation edges exist; what they find for
    identities the admin check reports (known only once edges exist) is dropped, so the report is unchanged."""
    from nhi_scan import engine

    monkeypatch.setattr(build, "MIN_PARALLEL_PRINCIPALS", 0)
    monkeypatch.setattr(engine, "MIN_PARALLEL_IDENTITIES", 0)
    fallbacks = parallel.fallbacks
    results = [engine.run_scan([SAMPLE], now=NOW, jobs=jobs).findings for jobs in (1, 2, 3)]
    assert parallel.fallbacks == fallbacks, "the worker delivered the early findings"
    assert results[0] and any(f.check_id == "service-wide-access" for f in results[0])
    assert results[1] == results[0]
    assert results[2] == results[0]
    early = {
        c.id
        for c in engine.select_checks(
            {p for p, _ in parse_documents(load_inputs([SAMPLE]).documents, Settings()).scopes}
        )
        if c.early
    }
    assert early == {
        "service-wide-access",
        "unscoped-permissions-management",
        "unscoped-secret-access",
        # neutral checks that read only the inventory: early in a scan of one cloud
        "credential-not-rotated",
        "credential-unused",
        "identity-unused",
        "missing-owner",
        "secret-in-export",
        "service-unused",
    }


@forking
def test_azure_checks_run_early_in_a_worker_with_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Azure check reads the inventory only (no escalation edge): all of them start in a worker as soon as
    the tenant's grants are known and overlap the edge building, and the report is the same as a run in one
    process."""
    from nhi_scan import engine

    monkeypatch.setattr(engine, "MIN_PARALLEL_IDENTITIES", 0)
    tenant = SAMPLE.parent / "azure"
    fallbacks = parallel.fallbacks
    results = [engine.run_scan([tenant], now=NOW, jobs=jobs).findings for jobs in (1, 2)]
    assert parallel.fallbacks == fallbacks, "the worker delivered the early findings"
    assert any(f.check_id.startswith("azure-") for f in results[0])
    assert results[1] == results[0]
    azure = [c for c in engine.select_checks({Provider("azure")}) if c.providers == (Provider("azure"),)]
    assert azure and all(c.early for c in azure)


@forking
def test_neutral_early_checks_wait_for_the_end_in_a_scan_of_several_clouds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A neutral check judges every cloud's identities: in a multi-cloud scan no single provider's hook may start
    it (it would see one cloud); it runs at the end, and the report is that of one process."""
    from nhi_scan import engine

    monkeypatch.setattr(engine, "MIN_PARALLEL_IDENTITIES", 0)
    started: list[tuple[str, ...]] = []
    original = engine.EarlyChecks.start

    def spy(self: engine.EarlyChecks, *args: object) -> None:
        original(self, *args)  # type: ignore[arg-type]
        started.append(self._started)

    monkeypatch.setattr(engine.EarlyChecks, "start", spy)
    estates = [SAMPLE, SAMPLE.parent / "azure"]
    results = [engine.run_scan(estates, now=NOW, jobs=jobs).findings for jobs in (1, 2)]
    assert results[1] == results[0]
    assert started and not any("missing-owner" in ids for ids in started)
    assert any(f.check_id == "missing-owner" for f in results[0])
