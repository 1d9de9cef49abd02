"""run_scan(): inputs -> documents -> Inventory -> IdentityGraph -> checks -> ScanResult."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from nhi_scan.checks import CheckContext, all_checks
from nhi_scan.checks._base import Check
from nhi_scan.connectors.loader import LoadedDocument, load_inputs
from nhi_scan.errors import InputError, NhiScanError, bounded
from nhi_scan.federation.link import link_federation
from nhi_scan.graph import IdentityGraph
from nhi_scan.inventory import merge_inventories, only, providers_of
from nhi_scan.model import Finding, Inventory, IssuedToken, Provider, ScanResult, Source, SourceStatus
from nhi_scan.parallel import Pending, can_fork
from nhi_scan.plugin import AnalysisRequest, ParseOptions, ProviderAnalysis
from nhi_scan.providers import all_providers, provider
from nhi_scan.settings import Settings

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def parse_documents(documents: Sequence[LoadedDocument], settings: Settings) -> Inventory:
    """Run each provider's pure parser over its documents and join the inventories."""
    by_provider: dict[Provider, list[LoadedDocument]] = defaultdict(list)
    for document in documents:
        by_provider[document.format.provider].append(document)
    options = ParseOptions(owner_tag_keys=tuple(settings.owner_tag_keys))
    return merge_inventories([provider(p).parse(docs, options) for p, docs in sorted(by_provider.items())])


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


def select_checks(providers: set[Provider] | frozenset[Provider], only: Sequence[str] = ()) -> list[Check]:
    """The neutral checks, and the cloud-specific checks of the given providers."""
    chosen = [c for c in all_checks() if not c.providers or providers.intersection(c.providers)]
    if only:
        wanted = set(only)
        chosen = [c for c in chosen if c.id in wanted]
    return chosen


#: Called when a provider knows every principal's effective permissions, before its escalation edges are added:
#: (provider, its part of the inventory, the whole inventory, the graph so far, its analysis).
PermissionsKnown = Callable[[Provider, Inventory, Inventory, IdentityGraph, ProviderAnalysis], None]
Analyses = Mapping[Provider, ProviderAnalysis]


def build_graph(
    inventory: Inventory,
    now: datetime | None,
    *,
    jobs: int = 1,
    permissions_known: PermissionsKnown | None = None,
    progress: Progress = _quiet,
) -> tuple[IdentityGraph, dict[Provider, ProviderAnalysis]]:
    """The identity graph with every provider's edges, and each provider's analysis (kept for the checks)."""
    graph = IdentityGraph.from_inventory(inventory)
    analyses: dict[Provider, ProviderAnalysis] = {}
    covered = providers_of(inventory)
    tokens: list[IssuedToken] = []
    for plugin in all_providers():
        if plugin.id not in covered:
            continue
        part = only(inventory, {plugin.id})
        progress(
            f"analysing {plugin.display_name}: {len(part.identities):,} identities · "
            f"{graph.nx.number_of_edges():,} edges so far"
        )
        if plugin.analyse is not None:
            hook = None if permissions_known is None else partial(permissions_known, plugin.id, part, inventory, graph)
            request = AnalysisRequest(graph=graph, inventory=part, now=now, jobs=jobs, permissions_known=hook)
            analyses[plugin.id] = plugin.analyse(request)
        if plugin.issued_tokens is not None:
            tokens.extend(plugin.issued_tokens(part))
    progress(f"linking federated identities across clouds · {graph.nx.number_of_edges():,} edges so far")
    link_federation(graph, inventory, tokens)  # after every cloud's edges: it joins them
    return graph, analyses


#: Identities below which no worker process is started for the early checks (one costs more than it saves).
MIN_PARALLEL_IDENTITIES = 2000


class Views:
    """The context each check sees: only the subjects of the clouds it declares (a neutral check sees all)."""

    def __init__(self, context: CheckContext) -> None:
        self._context = context
        self._found: dict[frozenset[Provider], CheckContext] = {}

    def __call__(self, check: Check) -> CheckContext:
        if not check.providers:
            return self._context
        key = frozenset(check.providers)
        found = self._found.get(key)
        if found is None:
            inventory = only(self._context.inventory, key)
            found = (
                self._context if inventory is self._context.inventory else replace(self._context, inventory=inventory)
            )
            self._found[key] = found
        return found


class EarlyChecks:
    """The early checks (``Check.early``) of one provider, started in a worker process as soon as that provider's
    permissions are known, while this process builds the escalation edges; their findings are then kept for the
    final subjects only (``Check.keep``). In a scan of one cloud, the neutral early checks (which read only the
    inventory) start with them: that provider's part is the whole inventory.

    Measured on 10,000 principals: the checks overlap the method application instead of following it.
    """

    def __init__(self, settings: Settings, now: datetime) -> None:
        self._settings = settings
        self._now = now
        self._pending: Pending[list[Finding]] | None = None
        self._started: tuple[str, ...] = ()

    def start(
        self, cloud: Provider, inventory: Inventory, whole: Inventory, graph: IdentityGraph, analysis: ProviderAnalysis
    ) -> None:
        if self._pending is not None or len(inventory.identities) < MIN_PARALLEL_IDENTITIES or not can_fork():
            return
        sole = inventory is whole  # (``only`` gives the inventory itself when it covers nothing else)
        early = [
            c for c in select_checks({cloud}) if c.early and (tuple(c.providers) == (cloud,) or (sole and c.neutral))
        ]
        if not early:
            return
        context = CheckContext(
            inventory=inventory, graph=graph, settings=self._settings, now=self._now, analyses={cloud: analysis}
        )
        self._started = tuple(c.id for c in early)
        self._pending = Pending(partial(_run_group, early, Views(context)))

    def started(self, check: Check) -> bool:
        return check.id in self._started

    def findings(self, views: Views, checks: Sequence[Check]) -> list[Finding]:
        """The started checks' findings for the complete graph (collected from the worker)."""
        if self._pending is None:
            return []
        found, self._pending = self._pending.result(), None
        keep: dict[str, frozenset[str] | None] = {}
        for check in checks:
            keep[check.id] = check.keep(views(check)) if check.keep is not None else None
        return [f for f in found if keep.get(f.check_id) is None or f.identity in (keep[f.check_id] or ())]

    def cancel(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None


def run_checks(
    inventory: Inventory,
    graph: IdentityGraph,
    settings: Settings,
    now: datetime,
    analyses: Analyses | None = None,
    *,
    early: EarlyChecks | None = None,
    progress: Progress = _quiet,
) -> list[Finding]:
    """Every check that applies to the inventory's providers, findings sorted (most severe first).

    ``early``: the permission-only checks already started (see ``EarlyChecks``); the others run here.
    """
    context = CheckContext(inventory=inventory, graph=graph, settings=settings, now=now, analyses=analyses or {})
    views = Views(context)
    chosen = select_checks(providers_of(inventory))
    started = [c for c in chosen if early is not None and early.started(c)]
    findings = _run_group([c for c in chosen if c not in started], views, progress)
    if early is not None and started:
        findings += early.findings(views, started)
    findings.sort(key=lambda f: (-f.severity, f.check_id, f.subject, f.id))
    return findings


def _run_group(checks: Sequence[Check], views: Views, progress: Progress = _quiet) -> list[Finding]:
    """The checks' findings; ``progress`` hears how many have run before each one."""
    found: list[Finding] = []
    for done, check in enumerate(checks):
        progress(f"running checks {done}/{len(checks)} · {len(found):,} findings so far")
        found.extend(check.run(views(check)))
    return found


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything a scan derives before the checks: what was read, the inventory and the graph."""

    sources: tuple[Source, ...]
    source_kinds: frozenset[str]
    inventory: Inventory
    graph: IdentityGraph
    analyses: dict[Provider, ProviderAnalysis]
    #: Parts of files that could not be read as written (their sources are partial).
    input_warnings: tuple[str, ...] = ()


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
    loaded = load_inputs(paths, on_file=lambda done, total: progress(f"reading files {done:,}/{total:,}"))
    if not loaded.documents:
        raise _no_usable_input(paths, loaded.sources)
    progress(f"parsing {len(loaded.documents):,} documents of {len(loaded.sources):,} files")
    inventory = parse_documents(loaded.documents, settings)
    if loaded.secrets:  # what the files held besides what the parsers read (secret-in-export reports it)
        inventory = replace(inventory, secrets_at_rest=tuple(loaded.secrets))
    sources = tuple(loaded.sources)
    input_warnings = tuple(loaded.warnings)
    del loaded  # the parsed documents (most of a large scan's memory) are not needed past parsing
    progress(f"evaluating policies and escalation paths of {len(inventory.identities):,} identities")
    graph, analyses = build_graph(inventory, now, jobs=jobs, permissions_known=permissions_known, progress=progress)
    kinds = frozenset(s.kind for s in sources if s.read and s.kind)
    return Analysis(sources, kinds, inventory, graph, analyses, input_warnings)


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
        graph = analysis.graph
        progress(f"running checks on {len(inventory.identities):,} identities · {graph.nx.number_of_edges():,} edges")
        findings = run_checks(inventory, graph, settings, now, analysis.analyses, early=early, progress=progress)
    finally:
        if early is not None:
            early.cancel()
    warnings = [*analysis.input_warnings, *inventory.warnings]
    for plugin in all_providers():
        warnings.extend(plugin.input_warnings(analysis.source_kinds))
    for provider_analysis in analysis.analyses.values():
        warnings.extend(provider_analysis.warnings())
    warnings = [bounded(warning) for warning in warnings]  # one bounded line each, whatever built it
    result = ScanResult(
        started=started,
        now=now,
        inventory=inventory,
        findings=tuple(findings),
        sources=analysis.sources,
        warnings=tuple(warnings),
    )
    return result, analysis
