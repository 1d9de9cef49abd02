"""run_scan(): inputs -> documents -> Inventory -> IdentityGraph -> checks -> ScanResult."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from nhi_scan.checks import CheckContext, all_checks
from nhi_scan.checks._base import Check
from nhi_scan.checks._privilege import subject_ids
from nhi_scan.connectors.loader import LoadedDocument, load_inputs
from nhi_scan.errors import InputError, NhiScanError
from nhi_scan.escalation.aws.build import AwsAnalysis, build_aws
from nhi_scan.graph import IdentityGraph
from nhi_scan.model import Finding, Inventory, Provider, ScanResult, Source, SourceStatus
from nhi_scan.parallel import Pending, can_fork
from nhi_scan.settings import Settings

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def parse_documents(documents: Sequence[LoadedDocument], settings: Settings) -> Inventory:
    """Run each provider's pure parser over its documents and join the inventories."""
    by_provider: dict[Provider, list[LoadedDocument]] = defaultdict(list)
    for document in documents:
        by_provider[document.format.provider].append(document)
    parts: list[Inventory] = []
    for provider, docs in sorted(by_provider.items()):
        module = importlib.import_module(f"nhi_scan.connectors.{provider.value}.parse")
        parts.append(module.parse(docs, owner_tag_keys=settings.owner_tag_keys))
    return merge_inventories(parts)


def merge_inventories(parts: Sequence[Inventory]) -> Inventory:
    if len(parts) == 1:
        return parts[0]
    return Inventory(
        identities=tuple(i for p in parts for i in p.identities),
        grants=tuple(g for p in parts for g in p.grants),
        policies=tuple(x for p in parts for x in p.policies),
        trusts=tuple(t for p in parts for t in p.trusts),
        workloads=tuple(w for p in parts for w in p.workloads),
        usage=tuple(u for p in parts for u in p.usage),
        organization=next((p.organization for p in parts if p.organization is not None), None),
        scopes=tuple(s for p in parts for s in p.scopes),
        warnings=tuple(w for p in parts for w in p.warnings),
    )


def _no_usable_input(paths: Sequence[Path], sources: Sequence[Source]) -> NhiScanError:
    if not sources:
        return InputError(", ".join(str(p) for p in paths), "no files found")
    if len(sources) == 1:
        return NhiScanError(sources[0].detail)
    errors = [s for s in sources if s.status is SourceStatus.ERROR]
    first = (errors or list(sources))[0]
    return InputError(
        ", ".join(str(p) for p in paths),
        f"no usable export among {len(sources)} files (first problem: {first.detail})",
    )


def select_checks(providers: set[Provider], only: Sequence[str] = ()) -> list[Check]:
    chosen = [c for c in all_checks() if providers.intersection(c.providers)]
    if only:
        wanted = set(only)
        chosen = [c for c in chosen if c.id in wanted]
    return chosen


#: Called when every AWS principal's effective permissions are known, before escalation edges are added.
PermissionsKnown = Callable[[Inventory, IdentityGraph, AwsAnalysis], None]


def build_graph(
    inventory: Inventory, now: datetime | None, *, jobs: int = 1, permissions_known: PermissionsKnown | None = None
) -> tuple[IdentityGraph, AwsAnalysis | None]:
    """The identity graph with every provider's escalation edges (the AWS analysis is kept for the checks)."""
    graph = IdentityGraph.from_inventory(inventory)
    aws = None
    if any(provider is Provider.AWS for provider, _ in inventory.scopes):
        hook = None
        if permissions_known is not None:
            known = permissions_known

            def hook(analysis: AwsAnalysis) -> None:
                known(inventory, graph, analysis)

        aws = build_aws(graph, inventory, now, jobs=jobs, permissions_known=hook)
    return graph, aws


#: Identities below which no worker process is started for the early checks (one costs more than it saves).
MIN_PARALLEL_IDENTITIES = 2000


class EarlyChecks:
    """The permission-only checks (``Check.early``), started in a worker process as soon as permissions are known,
    while this process builds the escalation edges; their findings are then kept for the final subjects only.

    Measured on 10,000 principals: the checks overlap the method application instead of following it.
    """

    def __init__(self, settings: Settings, now: datetime) -> None:
        self._settings = settings
        self._now = now
        self._pending: Pending[list[Finding]] | None = None

    def start(self, inventory: Inventory, graph: IdentityGraph, aws: AwsAnalysis) -> None:
        if len(inventory.identities) < MIN_PARALLEL_IDENTITIES or not can_fork():
            return
        early = [c for c in select_checks({p for p, _ in inventory.scopes}) if c.early]
        context = CheckContext(inventory=inventory, graph=graph, settings=self._settings, now=self._now, aws=aws)
        self._pending = Pending(partial(_run_group, early, context))

    def findings(self, context: CheckContext, checks: Sequence[Check]) -> list[Finding]:
        """The early checks' findings for the complete graph (collected from the worker when one was started)."""
        if self._pending is None:
            return _run_group(checks, context)
        found, self._pending = self._pending.result(), None
        keep = subject_ids(context)
        return [f for f in found if f.identity in keep]

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None


def run_checks(
    inventory: Inventory,
    graph: IdentityGraph,
    settings: Settings,
    now: datetime,
    aws: AwsAnalysis | None = None,
    *,
    early: EarlyChecks | None = None,
) -> list[Finding]:
    """Every check that applies to the inventory's providers, findings sorted (most severe first).

    ``early``: the permission-only checks already started (see ``EarlyChecks``); the others run here.
    """
    context = CheckContext(inventory=inventory, graph=graph, settings=settings, now=now, aws=aws)
    chosen = select_checks({provider for provider, _ in inventory.scopes})
    findings = _run_group([c for c in chosen if early is None or not c.early], context)
    if early is not None:
        findings += early.findings(context, [c for c in chosen if c.early])
    findings.sort(key=lambda f: (-f.severity, f.check_id, f.subject, f.id))
    return findings


def _run_group(checks: Sequence[Check], context: CheckContext) -> list[Finding]:
    return [finding for check in checks for finding in check.run(context)]


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything a scan derives before the checks: what was read, the inventory and the graph."""

    sources: tuple[Source, ...]
    source_kinds: frozenset[str]
    inventory: Inventory
    graph: IdentityGraph
    aws: AwsAnalysis | None


def analyse(
    paths: Sequence[Path],
    *,
    settings: Settings,
    now: datetime,
    progress: Progress = _quiet,
    jobs: int = 1,
    permissions_known: PermissionsKnown | None = None,
) -> Analysis:
    """Read, parse and build the graph of exported files/directories. Raises when nothing usable was given.

    ``jobs`` > 1 shares the escalation analysis of large inventories between processes (same result).
    """
    progress("reading inputs")
    loaded = load_inputs(paths)
    if not loaded.documents:
        raise _no_usable_input(paths, loaded.sources)
    progress(f"parsing {len(loaded.documents)} documents")
    inventory = parse_documents(loaded.documents, settings)
    progress(f"evaluating policies and escalation paths of {len(inventory.identities)} identities")
    graph, aws = build_graph(inventory, now, jobs=jobs, permissions_known=permissions_known)
    kinds = frozenset(s.kind for s in loaded.sources if s.status is SourceStatus.USED and s.kind)
    return Analysis(tuple(loaded.sources), kinds, inventory, graph, aws)


def run_scan(
    paths: Sequence[Path],
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    progress: Progress = _quiet,
    jobs: int = 1,
) -> ScanResult:
    """Scan exported files/directories. Raises InputError when nothing usable was given.

    ``jobs``: processes that may share the work on large inventories (``parallel.resolve_jobs`` picks a default).
    """
    return scan_with_graph(paths, settings=settings, now=now, progress=progress, jobs=jobs)[0]


def scan_with_graph(
    paths: Sequence[Path],
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    progress: Progress = _quiet,
    jobs: int = 1,
) -> tuple[ScanResult, Analysis]:
    """``run_scan``, also returning the analysis it judged (graph exports need the graph with its findings)."""
    settings = settings or Settings()
    started = datetime.now(UTC)
    now = now or started
    # With two jobs or more, the permission-only checks run in a worker while escalation edges are built here
    # (the rest of the jobs share that building).
    early = EarlyChecks(settings, now) if jobs > 1 and can_fork() else None
    try:
        analysis = analyse(
            paths,
            settings=settings,
            now=now,
            progress=progress,
            jobs=jobs - 1 if early is not None else jobs,
            permissions_known=early.start if early is not None else None,
        )
        inventory = analysis.inventory
        progress("running checks")
        findings = run_checks(inventory, analysis.graph, settings, now, analysis.aws, early=early)
    finally:
        if early is not None:
            early.cancel()
    warnings = list(inventory.warnings)
    kinds = analysis.source_kinds
    if "aws-gaad" in kinds and "aws-credential-report" not in kinds:
        warnings.append(
            "no IAM credential report given: access key ages and use, console passwords and MFA are unknown "
            "(aws iam generate-credential-report; aws iam get-credential-report)"
        )
    if "aws-credential-report" in kinds and "aws-gaad" not in kinds:
        warnings.append(
            "no get-account-authorization-details export given: roles, groups, policies and tags are unknown"
        )
    result = ScanResult(
        started=started,
        now=now,
        inventory=inventory,
        findings=tuple(findings),
        sources=analysis.sources,
        warnings=tuple(warnings),
    )
    return result, analysis
