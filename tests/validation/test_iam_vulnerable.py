"""nhi-scan against an IAM Vulnerable account (tests/validation/iam_vulnerable.py): every path found, no trap flagged.

One case per principal and deployment variant. Observed outcome of a principal:

- ``admin`` / ``admin-conditional``: an ``admin-identity`` finding (medium = "if conditions unknown offline hold");
- ``escalation`` / ``escalation-conditional``: a ``privilege-escalation`` finding, high with a certain path, or
  medium and conditional; its path must end at the account's admin node;
- ``none``: neither.

Where the intended first hop of the scenario is known, the finding's first method must be one of them. Known
Run with ``-s`` for the scenario table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nhi_scan.engine import run_scan
from nhi_scan.model import Finding, ScanResult, Severity
from tests.validation.iam_vulnerable import Expect, Options, build

NOW = datetime(2026, 11, 29, tzinfo=UTC)
VARIANTS = {
    "default": Options(),
    "non-free": Options(non_free=True),
    "no-console-user": Options(deployer_password=False),
    "privesc2-prepared": Options(privesc2_prepared=True),
}


def _variant_rows(name: str) -> list[Expect]:
    """Every principal for the default deployment; for the others, only the rows whose expectation differs."""
    rows = build(VARIANTS[name]).expectations
    if name == "default":
        return list(rows)
    baseline = {(e.kind, e.principal): e.outcome for e in build(VARIANTS["default"]).expectations}
    return [e for e in rows if baseline.get((e.kind, e.principal)) != e.outcome]


CASES = [
    pytest.param(
        variant,
        expect,
        id=f"{variant}:{expect.principal}",
    )
    for variant in VARIANTS
    for expect in _variant_rows(variant)
]


@dataclass(frozen=True, slots=True)
class Observed:
    outcome: str
    methods: tuple[str, ...]
    detail: str
    path_ends_at_admin: bool = True


@dataclass(slots=True)
class Row:
    variant: str
    expect: Expect
    observed: Observed
    verdict: str


_RESULTS: dict[str, ScanResult] = {}
_ROWS: list[Row] = []


def _scan(variant: str, tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    if variant not in _RESULTS:
        directory = build(VARIANTS[variant]).write(tmp_path_factory.mktemp(f"iamv-{variant}"))
        _RESULTS[variant] = run_scan([directory], now=NOW)
    return _RESULTS[variant]


def _observe(result: ScanResult, expect: Expect) -> Observed:
    mine = [f for f in result.findings if f.subject == expect.arn]
    admin = [f for f in mine if f.check_id == "admin-identity"]
    escalation = [f for f in mine if f.check_id == "privilege-escalation"]
    identity = next((i for i in result.inventory.identities if i.id == expect.arn), None)
    if identity is None:
        return Observed("missing", (), "principal not in the inventory")
    if admin:
        return _admin(admin[0])
    if escalation:
        return _escalation(escalation[0])
    detail = "" if identity.machine else f"not a machine identity: {identity.machine_reason}"
    return Observed("none", (), detail)


def _admin(finding: Finding) -> Observed:
    how = finding.evidence.get("how") or []
    methods = tuple(str(h["method"]) for h in how if isinstance(h, dict))
    certain = finding.severity > Severity.MEDIUM
    return Observed("admin" if certain else "admin-conditional", methods, finding.severity.name.lower())


def _escalation(finding: Finding) -> Observed:
    methods = tuple(str(m) for m in finding.evidence.get("methods") or ())
    certain = finding.severity is Severity.HIGH and not finding.evidence.get("conditional")
    path = finding.path or ()
    ends = bool(path) and path[-1].target.startswith("admin:aws:")
    steps = " -> ".join(h.target.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for h in path)
    return Observed("escalation" if certain else "escalation-conditional", methods, steps, ends)


def _verdict(expect: Expect, observed: Observed) -> str:
    if observed.outcome == expect.outcome:
        methods_ok = not expect.methods or bool(expect.methods.intersection(observed.methods[:1] or ()))
        if observed.outcome == "admin":
            methods_ok = not expect.methods or bool(expect.methods.intersection(observed.methods))
        if not observed.path_ends_at_admin:
            return "MISMATCH (path does not end at admin)"
        return "match" if methods_ok else f"MISMATCH (first hop {observed.methods[:1]}, want {sorted(expect.methods)})"
    if observed.outcome in expect.unsure:
        return "unsure (defensible)"
    if expect.outcome == "none":
        return "FALSE POSITIVE"
    if observed.outcome in ("none", "missing"):
        return "FALSE NEGATIVE"
    return "MISMATCH (kind/certainty)"


@pytest.mark.parametrize(("variant", "expect"), CASES)
def test_principal(variant: str, expect: Expect, tmp_path_factory: pytest.TempPathFactory) -> None:
    observed = _observe(_scan(variant, tmp_path_factory), expect)
    verdict = _verdict(expect, observed)
    _ROWS.append(Row(variant, expect, observed, verdict))
    assert verdict in ("match", "unsure (defensible)"), (
        f"{expect.principal} ({expect.scenario}): expected {expect.outcome} ({expect.why}), "
        f"got {observed.outcome} {list(observed.methods)} {observed.detail}"
    )


def test_every_principal_is_classified_as_intended(tmp_path_factory: pytest.TempPathFactory) -> None:
    """IAM Vulnerable users (access key, no password) and all roles are machine identities; the deployer is not."""
    result = _scan("default", tmp_path_factory)
    expected = {e.arn for e in build().expectations}
    machine = {i.id for i in result.inventory.identities if i.machine and i.id in expected}
    assert expected - machine == {"arn:aws:iam::123456789012:user/iamv-admin"}


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Iterator[None]:
    yield
    if not _ROWS:
        return
    width = max(len(f"{r.variant}:{r.expect.principal}") for r in _ROWS)
    lines = ["", f"{'variant:principal':<{width}}  {'scenario':<46} {'expected':<23} {'got':<23} verdict"]
    for row in _ROWS:
        got = row.observed.outcome + (f" [{row.observed.methods[0]}]" if row.observed.methods else "")
        lines.append(
            f"{row.variant + ':' + row.expect.principal:<{width}}  {row.expect.scenario:<46} "
            f"{row.expect.outcome:<23} {got:<23} {row.verdict}"
        )
    counts: dict[str, int] = {}
    for row in _ROWS:
        key = row.verdict.split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    lines.append("summary: " + ", ".join(f"{key}: {value}" for key, value in sorted(counts.items())))
    print("\n".join(lines))


def test_export_has_the_cli_shape(tmp_path: Path) -> None:
    """The generated files are what the AWS CLI writes: 22-column report, decoded GAAD, attached AWS policies."""
    export = build()
    header = export.credential_report.splitlines()[0].split(",")
    assert len(header) == 22
    assert all(len(line.split(",")) == 22 for line in export.credential_report.splitlines())
    policies = {p["Arn"]: p for p in export.gaad["Policies"]}
    assert policies["arn:aws:iam::aws:policy/AdministratorAccess"]["AttachmentCount"] == 1
    assert policies["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]["AttachmentCount"] == 1
    assert len([p for p in policies if ":aws:policy/" in p]) == 2  # only attached AWS managed policies
    assert export.write(tmp_path).joinpath("authz.json").is_file()
