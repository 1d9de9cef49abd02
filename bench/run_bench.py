"""Time `nhi-scan scan` on synthetic AWS, GCP or Azure exports of given sizes: wall time and peak RSS of the scan.

    python bench/run_bench.py --principals 1000 10000 100000 [--repeat 3] [--data-dir DIR] [--json results.json]
    python bench/run_bench.py --cloud gcp --principals 1000 10000 100000 [--projects N]
    python bench/run_bench.py --cloud azure --principals 1000 10000 100000 [--subscriptions N]
    python bench/run_bench.py --inputs sample_data/aws

Exports missing from --data-dir are generated first (not timed) with bench/generate_aws.py, or with --cloud gcp
with bench/generate_gcp.py (--principals then counts service accounts; --projects defaults to one project per 100
of them, at least 100), or with --cloud azure with bench/generate_azure.py (--principals then counts service
principals; --subscriptions defaults to one per 1,000 of them, at least 2). Each scan runs as
`nhi-scan scan DIR -f json -o /dev/null --now 2026-11-29T00:00:00Z` in its own child process; its peak RSS is the
child's ru_maxrss (os.wait4 gives the same rusage that getrusage(RUSAGE_CHILDREN) accumulates, but per child, so a
small run measured after a big one is not masked by it). Standard library only; Linux or macOS.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_aws
import generate_azure
import generate_gcp

NOW = "2026-11-29T00:00:00Z"


@dataclass
class Result:
    label: str
    inputs: str
    input_bytes: dict[str, int]
    exit_code: int
    wall_seconds: list[float]
    peak_rss_mb: list[float]

    @property
    def total_mb(self) -> float:
        return sum(self.input_bytes.values()) / 1e6


def default_command() -> list[str]:
    sibling = Path(sys.executable).parent / "nhi-scan"
    if sibling.exists():
        return [str(sibling)]
    found = shutil.which("nhi-scan")
    return [found] if found else [sys.executable, "-m", "nhi_scan"]


def ensure_export(data_dir: Path, principals: int, seed: int) -> Path:
    target = data_dir / f"aws-{principals}-seed{seed}"
    if not (target / "authz.json").exists() or not (target / "credential-report.csv").exists():
        print(f"generating {principals} principals into {target} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        generate_aws.generate(principals, target, seed)
        print(f"  generated in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return target


def gcp_projects(service_accounts: int, projects: int | None) -> int:
    """--projects if given, else one project per 100 service accounts and at least 100 (never more than SAs)."""
    return projects if projects is not None else min(service_accounts, max(100, service_accounts // 100))


def ensure_gcp_export(data_dir: Path, service_accounts: int, projects: int, seed: int) -> Path:
    """A generated GCP estate (see ``_generated_once``)."""
    return _generated_once(
        data_dir / f"gcp-{service_accounts}-p{projects}-seed{seed}",
        f"{service_accounts} service accounts in {projects} projects",
        lambda out: generate_gcp.generate(service_accounts, projects, out, seed),
    )


def _generated_once(target: Path, what: str, generate: Callable[[Path], dict[str, int]]) -> Path:
    """``target``, generated first if missing: written into a sibling `.partial` directory and renamed when
    complete, so an interrupted run is never taken for a finished export."""
    if not target.is_dir():
        print(f"generating {what} into {target} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        counts = generate(partial)
        partial.rename(target)
        print(
            f"  generated {counts['files']} files, {counts['bytes'] / 1e6:.1f} MB in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
            flush=True,
        )
    return target


def azure_subscriptions(service_principals: int, subscriptions: int | None) -> int:
    """--subscriptions if given, else one subscription per 1,000 service principals, at least 2."""
    return subscriptions if subscriptions is not None else generate_azure.default_subscriptions(service_principals)


def ensure_azure_export(data_dir: Path, service_principals: int, subscriptions: int, seed: int) -> Path:
    """A generated Entra tenant with Azure subscriptions (see ``_generated_once``)."""
    return _generated_once(
        data_dir / f"azure-{service_principals}-s{subscriptions}-seed{seed}",
        f"{service_principals} service principals in {subscriptions} subscriptions",
        lambda out: generate_azure.generate(service_principals, subscriptions, out, seed),
    )


def input_sizes(path: Path) -> dict[str, int]:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p.relative_to(path) if path.is_dir() else p.name): p.stat().st_size for p in files}


def run_once(
    command: list[str], inputs: Path, timeout: float, jobs: int | None, quiet: bool = False
) -> tuple[int, float, float, str]:
    """Run one scan; return (exit code, wall seconds, peak RSS in MB, stderr tail)."""
    argv = [*command, "scan", str(inputs), "-f", "json", "-o", os.devnull, "--now", NOW]
    argv += ["--jobs", str(jobs)] if jobs is not None else []
    argv += ["-q"] if quiet else []
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        tail = stderr.read()[-2000:].decode("utf-8", "replace")
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return process.returncode, wall, usage.ru_maxrss * scale / 1e6, tail


def measure(
    label: str, command: list[str], inputs: Path, repeat: int, timeout: float, jobs: int | None, quiet: bool = False
) -> Result:
    result = Result(label, str(inputs), input_sizes(inputs), 0, [], [])
    for attempt in range(repeat):
        code, wall, rss, tail = run_once(command, inputs, timeout, jobs, quiet)
        result.exit_code = code
        print(
            f"  {label} run {attempt + 1}/{repeat}: exit {code}, {wall:.2f} s, peak RSS {rss:.0f} MB",
            file=sys.stderr,
            flush=True,
        )
        if code not in (0, 1):  # 1 = findings at or above --fail-on; anything else is a failed scan
            print(f"  scan failed:\n{tail}", file=sys.stderr)
            break
        result.wall_seconds.append(wall)
        result.peak_rss_mb.append(rss)
    return result


def grouped_sizes(input_bytes: dict[str, int], limit: int = 12) -> str:
    """Every file with its size; past ``limit`` files (a GCP or Azure estate), one entry per file name with its
    count."""
    if len(input_bytes) <= limit:
        return ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in input_bytes.items())
    groups: dict[str, list[int]] = {}
    for name, size in input_bytes.items():
        entry = groups.setdefault(Path(name).name, [0, 0])
        entry[0], entry[1] = entry[0] + 1, entry[1] + size
    ordered = sorted(groups.items(), key=lambda item: -item[1][1])
    return ", ".join(f"{name} x{count} {size / 1e6:.1f} MB" for name, (count, size) in ordered)


def report(results: list[Result], command: list[str], quiet: bool = False) -> None:
    print(f"command: {shlex.join(command)} scan DIR -f json -o {os.devnull} --now {NOW} [--jobs N]{' -q' * quiet}")
    print(f"python {sys.version.split()[0]} on {sys.platform}; cpu count {os.cpu_count()}")
    header = (
        f"{'inputs':<28} {'input MB':>9} {'files':>5} {'exit':>4} {'wall s min/median':>17} {'peak RSS MB':>11} "
        f"{'MB/s':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if not r.wall_seconds:
            print(f"{r.label:<28} {r.total_mb:>9.1f} {len(r.input_bytes):>5} {r.exit_code:>4} {'failed':>17}")
            continue
        best, median = min(r.wall_seconds), statistics.median(r.wall_seconds)
        print(
            f"{r.label:<28} {r.total_mb:>9.1f} {len(r.input_bytes):>5} {r.exit_code:>4} "
            f"{best:>8.2f}/{median:<8.2f} {max(r.peak_rss_mb):>11.0f} {r.total_mb / best:>6.1f}"
        )
    for r in results:
        sizes = grouped_sizes(r.input_bytes)
        print(f"  {r.label}: {r.inputs}: {sizes}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark nhi-scan on synthetic AWS, GCP or Azure exports.")
    parser.add_argument(
        "--cloud",
        choices=("aws", "gcp", "azure"),
        default="aws",
        help="what to generate: an AWS account (generate_aws.py), a GCP organisation (generate_gcp.py) or an Entra "
        "tenant with Azure subscriptions (generate_azure.py) [aws]",
    )
    parser.add_argument(
        "--principals",
        "--service-accounts",
        "--service-principals",
        dest="principals",
        type=int,
        nargs="*",
        default=None,
        help="export sizes to benchmark: principals, service accounts with --cloud gcp, service principals with "
        "--cloud azure (default 10000 unless --inputs is given)",
    )
    parser.add_argument(
        "--projects",
        type=int,
        default=None,
        help="--cloud gcp: projects of every generated estate (default: one per 100 service accounts, at least 100)",
    )
    parser.add_argument(
        "--subscriptions",
        type=int,
        default=None,
        help="--cloud azure: subscriptions of every generated tenant (default: one per 1,000 service principals, "
        "at least 2)",
    )
    parser.add_argument("--inputs", type=Path, nargs="*", default=[], help="existing export files or directories")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "nhi-scan-bench",
        help="where generated exports are kept and reused (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per input (reports min and median)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a scan is killed")
    parser.add_argument("--command", type=shlex.split, default=None, help='nhi-scan command (default: "nhi-scan")')
    parser.add_argument("--json", type=Path, help="also write the measurements to this JSON file")
    parser.add_argument(
        "--jobs", type=int, nargs="*", default=None, help="scan with each of these --jobs values [the scan's default]"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="pass -q to the scans (no notes on stderr)")
    args = parser.parse_args(argv)
    if args.projects is not None and args.cloud != "gcp":
        parser.error("--projects is for --cloud gcp")
    if args.projects is not None and args.projects < 1:
        parser.error("--projects must be at least 1")
    if args.subscriptions is not None and args.cloud != "azure":
        parser.error("--subscriptions is for --cloud azure")
    if args.subscriptions is not None and args.subscriptions < 2:
        parser.error("--subscriptions must be at least 2")
    sizes = args.principals if args.principals is not None else ([] if args.inputs else [10_000])
    command = args.command or default_command()
    if args.cloud == "gcp":
        if any(n < gcp_projects(n, args.projects) or n < 1 for n in sizes):
            parser.error("--cloud gcp needs at least one service account per project")
        targets = [
            (f"{n} service accounts", ensure_gcp_export(args.data_dir, n, gcp_projects(n, args.projects), args.seed))
            for n in sizes
        ]
    elif args.cloud == "azure":
        if any(n < 60 for n in sizes):
            parser.error("--cloud azure needs at least 60 service principals")
        targets = [
            (
                f"{n} service principals",
                ensure_azure_export(args.data_dir, n, azure_subscriptions(n, args.subscriptions), args.seed),
            )
            for n in sizes
        ]
    else:
        targets = [(f"{n} principals", ensure_export(args.data_dir, n, args.seed)) for n in sizes]
    targets += [(str(path), path) for path in args.inputs]
    if not targets:
        parser.error("nothing to benchmark: give --principals or --inputs")
    jobs_values: list[int | None] = list(args.jobs) if args.jobs else [None]
    results = [
        measure(
            label if jobs is None else f"{label} -j{jobs}",
            command,
            path,
            max(1, args.repeat),
            args.timeout,
            jobs,
            args.quiet,
        )
        for label, path in targets
        for jobs in jobs_values
    ]
    report(results, command, args.quiet)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
    return 0 if all(r.wall_seconds for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
