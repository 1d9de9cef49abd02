"""The fuzz oracle: scan one mutated file beside the untouched rest of its estate, in process, and judge the run.

A run fails when it crashes (a traceback, exit code 3, a hang), when an error line is long or spans lines, when
another file of the estate is no longer used as before, or when an invalid mutation changed the findings or the
identities while neither the file's source (error / partial) nor a warning naming the file says so.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nhi_scan.cli import main
from tests.fuzz.mutate import Mutation, apply

NOW = "2026-11-29T00:00:00Z"
REPO = Path(__file__).resolve().parents[2]
#: Estates mutated: the bundled samples of each cloud, and the fixtures in the other forms (asset export,
#: AzureHound) the loader recognises.
ESTATES = {
    "aws": REPO / "sample_data" / "aws",
    "gcp": REPO / "sample_data" / "gcp",
    "azure": REPO / "sample_data" / "azure",
    "gcp-asset-export": REPO / "tests" / "fixtures" / "gcp",
    "azurehound": REPO / "tests" / "fixtures" / "azure",
}
#: A line of stderr, a source's detail or a warning longer than this is a flood.
MAX_LINE = 300
#: A case slower than this is a hang.
CASE_SECONDS = 20


class CaseTimeout(BaseException):
    """Raised by the alarm in a case that runs too long (a BaseException: the CLI's last resort does not catch it)."""


@dataclass(frozen=True, slots=True)
class Run:
    code: int
    report: dict[str, Any] | None
    stderr: str
    seconds: float


def run_scan(root: Path) -> Run:
    """``nhi-scan scan ROOT -f json`` in this process (the same entry point as the console script)."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["nhi-scan", "scan", str(root), "-f", "json", "--now", NOW, "--jobs", "1"]
    started = time.perf_counter()
    code: int | str | None = 0
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
            except SystemExit as exc:
                code = exc.code
    except CaseTimeout:
        code = -1
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        sys.argv = argv
    text = out.getvalue()
    report = json.loads(text) if text.strip().startswith("{") else None
    return Run(
        int(code or 0) if not isinstance(code, str) else 2, report, err.getvalue(), time.perf_counter() - started
    )


def _alarm(signum: int, frame: object) -> None:
    raise CaseTimeout


def _findings(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (f["check_id"], f["subject"], f["severity"], f["message"], json.dumps(f.get("path"), sort_keys=True))
        for f in report["findings"]
    )


def _identities(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted((i["id"], i["kind"], i["machine"], len(i.get("credentials") or ())) for i in report["identities"])


@dataclass(slots=True)
class Estate:
    """A working copy of one estate, its recognised files and the baseline scan of them untouched."""

    name: str
    root: Path
    files: list[str]
    baseline: dict[str, Any]
    originals: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def copy(cls, name: str, work: Path) -> Estate:
        root = work / name
        shutil.copytree(ESTATES[name], root)
        run = run_scan(root)
        assert run.report is not None and run.code == 0, (name, run.stderr)
        prefix = str(root) + "/"
        files = sorted(s["path"].removeprefix(prefix) for s in run.report["scan"]["sources"] if s["status"] == "used")
        originals = {f: (root / f).read_bytes() for f in files}
        return cls(name, root, files, run.report, originals)

    def statuses(self, report: dict[str, Any]) -> dict[str, str]:
        prefix = str(self.root) + "/"
        return {s["path"].removeprefix(prefix): s["status"] for s in report["scan"]["sources"]}

    @contextlib.contextmanager
    def mutated(self, mutation: Mutation) -> Iterator[bytes]:
        path = self.root / mutation.target
        data = apply(self.originals[mutation.target], mutation)
        path.write_bytes(data)
        try:
            yield data
        finally:
            path.write_bytes(self.originals[mutation.target])


#: ARM keys az writes as null when there is none (a resource that runs as no identity): null there is the optional
#: key's absence, which node-replacement (unlike wrong-type) counts as damage. Not Graph's collections: Graph writes
#: [] for those, and a null one is damage.
_NULL_IS_NONE = frozenset({"identity", "userAssignedIdentities"})


def _valid_azure_export(estate: Estate, mutation: Mutation) -> bool:
    """Azure changes the mutator counts as damage that are another valid export (the oracle's view, not the
    mutator's, since mutate.py is shared): a tag deleted, emptied or nulled (tags are free text; another tag set
    is another resource's), a Key Vault secret's ``contentType`` deleted, emptied or nulled (optional free text:
    REST leaves it out when unset, az writes null), and a delegated grant's ``scope`` emptied or nulled (Graph
    writes ``""`` for a grant of no scope, and the property is nullable; deleting the field stays damage)."""
    if estate.name != "azure" or mutation.op not in ("delete", "replace") or not mutation.path:
        return False
    if mutation.op == "replace" and mutation.value is None and mutation.path[-1] in _NULL_IS_NONE:
        return True
    emptied = mutation.op == "delete" or mutation.value == ""
    key, parent = mutation.path[-1], mutation.path[-2] if len(mutation.path) > 1 else None
    if parent == "tags" and (emptied or mutation.value is None):  # a null tag value is read as an empty one
        return True
    if (emptied or mutation.value is None) and key == "contentType" and mutation.target.endswith("/secrets.json"):
        return True
    granted_nothing = mutation.op == "replace" and mutation.value in ("", None) and key == "scope"
    return granted_nothing and mutation.target.endswith("oauth2PermissionGrants.json")


def judge(estate: Estate, mutation: Mutation, run: Run) -> list[str]:
    """What is wrong with this run of this mutation (empty when nothing is)."""
    problems: list[str] = []
    if run.code == -1:
        return [f"hang: more than {CASE_SECONDS} s"]
    if "Traceback" in run.stderr:
        problems.append("traceback")
    if run.code == 3 or "internal error" in run.stderr:
        problems.append(f"internal error: {run.stderr.strip()[:400]}")
    lines = [line.replace(str(estate.root), "ROOT") for line in run.stderr.splitlines() if line.strip()]
    if any(len(line) > MAX_LINE for line in lines):
        problems.append(f"stderr line of {max(len(line) for line in lines)} characters")
    if run.report is None:
        if run.code != 2 or len(lines) != 1:
            problems.append(f"no report, exit {run.code}, {len(lines)} stderr lines")
        return problems
    report = run.report
    scan = report["scan"]
    # Measured with the estate's root shortened: the temporary directory's length is not the tool's doing.
    texts = [t.replace(str(estate.root), "ROOT") for t in [s["detail"] for s in scan["sources"]] + scan["warnings"]]
    long = [t for t in texts if len(t) > MAX_LINE or "\n" in t]
    if long:
        problems.append(f"unbounded or multi-line message: {long[0][:120]!r}... ({len(long[0])} characters)")
    before, after = estate.statuses(estate.baseline), estate.statuses(report)
    changed = [f for f, status in before.items() if f != mutation.target and after.get(f) != status]
    if changed:
        problems.append(f"other files no longer read as before: {changed[:3]}")
    target = str(estate.root / mutation.target)
    # Named: unusable or partly read, or said in a warning; or no longer recognised at all (listed as skipped, with
    # the reason: the loader's rule for files of an unknown kind in a directory).
    named = after.get(mutation.target) in ("error", "partial", "skipped") or any(target in w for w in scan["warnings"])
    if named and scan["complete"] and after.get(mutation.target) in ("error", "partial"):
        problems.append("a source failed but the report says complete")
    if mutation.invalid and not named and not _valid_azure_export(estate, mutation):
        if _findings(report) != _findings(estate.baseline):
            problems.append("silent loss: findings changed, nothing said")
        elif _identities(report) != _identities(estate.baseline):
            problems.append("silent loss: identities changed, nothing said")
    if mutation.op == "prefix" and not named and _findings(report) != _findings(estate.baseline):
        problems.append("a byte-order mark changed the findings")
    return problems
