"""Live Azure / Microsoft Entra collection: the documents of ``connectors/azure/README.md``, fetched with GETs only.

`nhi-scan collect azure --out DIR` writes them to DIR; `nhi-scan scan --azure` writes them to a private temporary
directory and scans it like any export, so live and offline scans share one parser by construction. The tenant's
Graph listings come first, then every subscription (in parallel), then the members of the groups that hold roles.
A listing, a subscription or a phase that fails never stops the rest: it is recorded under ``errors/`` and marks
the scan incomplete.
"""

from __future__ import annotations

import platform
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nhi_scan import __version__
from nhi_scan.connectors.azure.fetch_arm import SubscriptionCollector, management_groups, subscriptions
from nhi_scan.connectors.azure.fetch_auth import caller, default_credential, quiet_sdk_logs, ready
from nhi_scan.connectors.azure.fetch_context import Context, Progress
from nhi_scan.connectors.azure.fetch_graph import GraphCollector, GraphFacts, scoped_units
from nhi_scan.connectors.azure.fetch_http import (
    ARM_VARIABLE,
    FAILURES,
    GRAPH_VARIABLE,
    ApiError,
    AzureEndpoints,
    Rest,
    RetryPolicy,
)
from nhi_scan.connectors.azure.fetch_snapshot import CollectionFailure, Snapshot
from nhi_scan.connectors.live_limits import CallLimits

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

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
    #: Tenant (id or domain) to ask tokens for; None: the credentials' home tenant.
    tenant: str | None = None
    #: Subscription ids to collect; empty: every subscription the credentials can see.
    subscriptions: tuple[str, ...] = ()
    subscription_workers: int = 4
    call_workers: int = 8
    #: API base URLs; None: the real ones, or ``NHI_SCAN_AZURE_GRAPH_ENDPOINT`` / ``..._ARM_ENDPOINT`` when set.
    endpoints: AzureEndpoints | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    #: Read timeout of each request and the time one call may spend retrying (``NHI_SCAN_HTTP_TIMEOUT``, ...).
    limits: CallLimits = field(default_factory=CallLimits.from_env)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectResult:
    caller: str | None
    tenant: str | None
    #: Graph listings written (of the tenant-wide ones).
    graph_listings: int
    subscriptions: tuple[str, ...]
    failed_subscriptions: tuple[str, ...]
    failures: tuple[CollectionFailure, ...]
    files: int

    @property
    def complete(self) -> bool:
        return not self.failures


def _subscription(ctx: Context, subscription: str) -> tuple[bool, set[str]]:
    """Whether the subscription was scanned, and the principals holding roles or access policies in it."""
    collector = SubscriptionCollector(ctx, subscription)
    try:
        scanned = collector.run()
    except FAILURES as raised:  # between phases: what was written stays, the rest of the subscription is unknown
        ctx.failed(collector.scope, "subscription", ApiError.of(raised, "subscription"), "the rest not scanned")
        scanned = True
    partial = any(f.scope == collector.scope for f in ctx.snapshot.failures)
    text = "not scanned" if not scanned else "partial" if partial else "done"
    ctx.progress.finished(f"subscription {subscription}", text, scanned and not partial)
    return scanned, collector.principals


def _groups_to_expand(facts: GraphFacts, principals: set[str]) -> list[str]:
    """Role-assignable groups, and every group holding a directory role, an app role, an Azure role or a Key Vault
    access policy (their members hold it too)."""
    groups = {str(g.get("id", "")).lower(): g for g in facts.of("groups") if g.get("id")}
    holders = facts.role_holders() | principals
    return [gid for gid, group in groups.items() if group.get("isAssignableToRole") is True or gid in holders]


def collect(
    out: Path, options: FetchOptions, progress: Progress | None = None, *, credential: TokenCredential | None = None
) -> CollectResult:
    """Collect into ``out``. ``credential``: use it instead of DefaultAzureCredential."""
    with quiet_sdk_logs():
        return _collect(out, options, progress or SilentProgress(), credential)


def _collect(out: Path, options: FetchOptions, progress: Progress, credential: TokenCredential | None) -> CollectResult:
    started = datetime.now(UTC)
    endpoints = options.endpoints or AzureEndpoints.from_env()
    if options.endpoints is None and endpoints.overridden:
        progress.warn(f"{GRAPH_VARIABLE} / {ARM_VARIABLE} set: Graph at {endpoints.graph}, ARM at {endpoints.arm}")
    creds = credential if credential is not None else default_credential(options.tenant)
    token = ready(creds, (endpoints.graph_scope, endpoints.arm_scope))
    who, token_tenant = caller(token.token)
    del token
    tenant = (token_tenant or options.tenant or "").lower() or None
    pool = options.subscription_workers * options.call_workers + 4
    snapshot = Snapshot(out)
    ctx = Context(
        graph=Rest(
            endpoints.graph, creds, scope=endpoints.graph_scope, retry=options.retry, pool=pool, limits=options.limits
        ),
        arm=Rest(
            endpoints.arm, creds, scope=endpoints.arm_scope, retry=options.retry, pool=pool, limits=options.limits
        ),
        snapshot=snapshot,
        progress=progress,
        tenant_scope=f"tenant {tenant or options.tenant or '(home)'}",
        call_workers=options.call_workers,
    )
    try:
        graph = GraphCollector(ctx)
        facts = graph.run()
        tenant = facts.tenant_id or tenant
        listed, failed = subscriptions(ctx, options.subscriptions)
        found = listed or []
        if listed is not None:
            snapshot.json("arm/subscriptions.json", listed)
        if listed == [] and not options.subscriptions:
            progress.warn("no Azure subscription is visible to the credentials: only Microsoft Entra is scanned")
        management_groups(ctx, tenant)
        names = list(dict.fromkeys(str(s["subscriptionId"]).lower() for s in found if s.get("subscriptionId")))
        workers = max(1, min(options.subscription_workers, len(names)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nhi-scan-azure-sub") as threads:
            outcomes = list(threads.map(lambda name: _subscription(ctx, name), names))
        failed += [name for name, (ok, _) in zip(names, outcomes, strict=True) if not ok]
        graph.members(_groups_to_expand(facts, {p for _, held in outcomes for p in held}))
        graph.unit_members(scoped_units(facts))
        tenant_ok = not [f for f in snapshot.failures if f.scope == ctx.tenant_scope]
        progress.finished(ctx.tenant_scope, f"{len(facts.found)} Graph listings", tenant_ok)
    finally:
        ctx.graph.close()
        ctx.arm.close()
    result = CollectResult(
        caller=who,
        tenant=tenant,
        graph_listings=len(facts.found),
        subscriptions=tuple(names) + tuple(s for s in failed if s not in names),
        failed_subscriptions=tuple(failed),
        failures=tuple(snapshot.failures),
        files=snapshot.file_count,
    )
    _manifest(snapshot, result, endpoints, started)
    return result


def _manifest(snapshot: Snapshot, result: CollectResult, endpoints: AzureEndpoints, started: datetime) -> None:
    """A hidden file (the loader skips it) saying how the snapshot was made, for whoever replays it."""
    manifest: dict[str, Any] = {
        "tool": f"nhi-scan {__version__}",
        "python": platform.python_version(),
        "provider": "azure",
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "caller": result.caller,
        "tenant": result.tenant,
        "subscriptions": list(result.subscriptions),
        "failed_subscriptions": list(result.failed_subscriptions),
        "endpoints": None if not endpoints.overridden else {"graph": endpoints.graph, "arm": endpoints.arm},
        "failures": [f.line() for f in result.failures],
    }
    snapshot.json(MANIFEST, manifest)
