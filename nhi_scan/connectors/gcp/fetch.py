"""Live GCP collection: the documents of ``connectors/gcp/README.md``, fetched with read-only calls.

`nhi-scan collect gcp --out DIR` writes them to DIR; `nhi-scan scan --gcp` writes them to a private temporary
directory and scans it like any export, so live and offline scans share one parser by construction. A project
(or folder, or phase) that fails never stops the rest: it is recorded under ``errors/`` and marks the scan
incomplete.
"""

from __future__ import annotations

import platform
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan import __version__
from nhi_scan.connectors.gcp.fetch_auth import caller, credentials_for
from nhi_scan.connectors.gcp.fetch_http import ENDPOINT_VARIABLE, FAILURES, ApiError, GcpEndpoints, Rest, RetryPolicy
from nhi_scan.connectors.gcp.fetch_org import collect_organization
from nhi_scan.connectors.gcp.fetch_project import Context, Progress, ProjectCollector
from nhi_scan.connectors.gcp.fetch_resources import ResourceManager
from nhi_scan.connectors.gcp.fetch_snapshot import CollectionFailure, Snapshot
from nhi_scan.connectors.live_limits import CallLimits
from nhi_scan.errors import NhiScanError

MANIFEST = ".nhi-scan-collect.json"


class SilentProgress:
    def phase(self, scope: str, text: str) -> None:
        return None

    def finished(self, scope: str, text: str, ok: bool) -> None:
        return None

    def warn(self, text: str) -> None:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    #: Project ids to collect; empty: every project under ``organization``, or every project the caller can see.
    projects: tuple[str, ...] = ()
    #: Organisation id: its policies, folders and (without ``projects``) every project under it.
    organization: str | None = None
    #: Service account email to impersonate over the base credentials.
    impersonate: str | None = None
    project_workers: int = 4
    call_workers: int = 8
    #: API base URLs; None: the real ones, or ``NHI_SCAN_GCP_ENDPOINT`` when set.
    endpoints: GcpEndpoints | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Read timeout of each request and the time one call may spend retrying (``NHI_SCAN_HTTP_TIMEOUT``, ...).
    limits: CallLimits = field(default_factory=CallLimits.from_env)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectResult:
    caller: str | None
    projects: tuple[str, ...]
    failed_projects: tuple[str, ...]
    failures: tuple[CollectionFailure, ...]
    files: int
    organization: str | None = None

    @property
    def complete(self) -> bool:
        return not self.failures


def _explicit(ctx: Context, projects: tuple[str, ...]) -> tuple[list[dict[str, Any]], list[str]]:
    """The named projects' descriptions; a project that cannot be read is recorded, not scanned."""
    found: list[dict[str, Any]] = []
    failed: list[str] = []
    for project in projects:
        ctx.progress.phase(f"project {project}", "project")
        try:
            found.append(ctx.resources.get_project(project))
        except FAILURES as raised:
            exc = ApiError.of(raised, "resourcemanager.projects.get")
            impact = "project not scanned"
            scope = f"projects/{project}"
            ctx.fail(CollectionFailure(scope=scope, phase="project", call=exc.call, error=exc.detail, impact=impact))
            ctx.progress.finished(f"project {project}", "not scanned", False)
            failed.append(project)
    return found, failed


def _visible(ctx: Context) -> list[dict[str, Any]]:
    ctx.progress.phase("projects", "searching the projects the credentials can see")
    try:
        return ctx.resources.search_projects("state:ACTIVE")
    except FAILURES as raised:
        exc = ApiError.of(raised, "resourcemanager.projects.get")
        raise NhiScanError(f"cannot list the GCP projects the credentials can see: {exc} (give --project ID)") from None


def _scan_project(ctx: Context, project: str) -> bool:
    try:
        scanned = ProjectCollector(ctx, project).run()
    except FAILURES as raised:  # between phases: what was written stays, the rest of the project is unknown
        exc = ApiError.of(raised, "project")
        impact = "the rest of the project not scanned"
        ctx.fail(
            CollectionFailure(
                scope=f"projects/{project}", phase="project", call=exc.call, error=exc.detail, impact=impact
            )
        )
        scanned = True
    partial = any(f.scope == f"projects/{project}" for f in ctx.snapshot.failures)
    text = "not scanned" if not scanned else "partial" if partial else "done"
    ctx.progress.finished(f"project {project}", text, scanned and not partial)
    return scanned


def collect(
    out: Path, options: FetchOptions, progress: Progress | None = None, *, credentials: Any = None
) -> CollectResult:
    """Collect into ``out``. ``credentials``: use these instead of Application Default Credentials."""
    progress = progress or SilentProgress()
    started = datetime.now(UTC)
    endpoints = options.endpoints or GcpEndpoints.from_env()
    if options.endpoints is None and endpoints.overridden:
        progress.warn(f"{ENDPOINT_VARIABLE} is set: every Google API is called at {endpoints.iam}")
    creds = credentials_for(credentials, options.impersonate, endpoints, progress.warn)
    pool = options.project_workers * options.call_workers + 4
    ctx = Context(
        rest=Rest(creds, retry=options.retry, pool=pool, limits=options.limits),
        resources=ResourceManager(
            creds,
            endpoint=endpoints.resourcemanager if endpoints.overridden else None,
            retry=options.retry,
            limits=options.limits,
        ),
        endpoints=endpoints,
        snapshot=Snapshot(out),
        progress=progress,
        call_workers=options.call_workers,
    )
    failed: list[str] = []
    if options.projects:
        documents, failed = _explicit(ctx, options.projects)
        if options.organization:
            collect_organization(ctx, options.organization, options.project_workers)
    elif options.organization:
        documents = collect_organization(ctx, options.organization, options.project_workers)
    else:
        documents = _visible(ctx)
    ctx.snapshot.json("projects.json", documents)
    names = list(dict.fromkeys(str(d["projectId"]) for d in documents if d.get("projectId")))
    workers = max(1, min(options.project_workers, len(names)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nhi-scan-gcp-project") as threads:
        outcomes = list(threads.map(lambda name: _scan_project(ctx, name), names))
    failed += [name for name, ok in zip(names, outcomes, strict=True) if not ok]
    result = CollectResult(
        caller=caller(creds),
        projects=tuple(names) + tuple(p for p in failed if p not in names),
        failed_projects=tuple(failed),
        failures=tuple(ctx.snapshot.failures),
        files=ctx.snapshot.file_count,
        organization=options.organization,
    )
    _manifest(ctx.snapshot, result, endpoints, started)
    return result


def _manifest(snapshot: Snapshot, result: CollectResult, endpoints: GcpEndpoints, started: datetime) -> None:
    """A hidden file (the loader skips it) saying how the snapshot was made, for whoever replays it."""
    snapshot.json(
        MANIFEST,
        {
            "tool": f"nhi-scan {__version__}",
            "python": platform.python_version(),
            "provider": "gcp",
            "started": started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "caller": result.caller,
            "organization": result.organization,
            "projects": list(result.projects),
            "failed_projects": list(result.failed_projects),
            "endpoints": None if not endpoints.overridden else endpoints.iam,
            "failures": [f.line() for f in result.failures],
        },
    )
