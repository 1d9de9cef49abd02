"""One project's collection: its IAM policy first (without it nothing else can be joined, so the project is "not
scanned"), then every other phase, each failing on its own into an error record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol, TypeVar

from nhi_scan.connectors.gcp import fetch_iam, fetch_workloads
from nhi_scan.connectors.gcp.fetch_http import FAILURES, ApiError, GcpEndpoints, Rest
from nhi_scan.connectors.gcp.fetch_resources import ResourceManager
from nhi_scan.connectors.gcp.fetch_snapshot import CollectionFailure, Snapshot, safe_name

T = TypeVar("T")


class Progress(Protocol):
    def phase(self, scope: str, text: str) -> None: ...

    def finished(self, scope: str, text: str, ok: bool) -> None: ...

    def warn(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What every part of one collection shares."""

    rest: Rest
    resources: ResourceManager
    endpoints: GcpEndpoints
    snapshot: Snapshot
    progress: Progress
    call_workers: int = 8

    def optional(self, scope: str, phase: str, impact: str, work: Callable[[], object]) -> bool:
        """Run one phase; a failure is recorded and reported, never raised. True if nothing is missing."""
        self.progress.phase(_label(scope), phase)
        try:
            work()
        except FAILURES as raised:
            exc = ApiError.of(raised, phase)
            self.fail(CollectionFailure(scope=scope, phase=phase, call=exc.call, error=exc.detail, impact=impact))
            return False
        return True

    def fail(self, failure: CollectionFailure) -> None:
        self.snapshot.fail(failure)
        self.progress.warn(failure.line())


def _label(scope: str) -> str:
    """``project P`` for ``projects/P``: how progress names a scope."""
    kind, _, name = scope.partition("/")
    return f"{kind.rstrip('s')} {name}" if name else scope


def each(work: Callable[[T], None], items: Sequence[T], workers: int) -> None:
    """``work`` on every item, ``workers`` at a time; the first failure cancels the rest and is raised (a call
    denied for one service account is denied for the next hundred: retrying each would only hammer the API)."""
    if workers <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="nhi-scan-gcp") as pool:
        futures = [pool.submit(work, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f in done and f.exception() is not None), None)
        error = failed.exception() if failed is not None else None
        if error is not None:
            for future in futures:
                future.cancel()
            raise error


def listing(ctx: Context, scope: str, relative: str, what: str, found: fetch_workloads.Listing) -> None:
    """Write a workload listing; locations it could not reach are recorded as one failure."""
    ctx.snapshot.json(relative, found.items)
    if found.unreachable:
        where = ", ".join(found.unreachable[:3]) + (
            f" and {len(found.unreachable) - 3} more" if len(found.unreachable) > 3 else ""
        )
        ctx.fail(
            CollectionFailure(
                scope=scope, phase=what, error=f"unreachable locations: {where}", impact=f"{what} there unknown"
            )
        )


class ProjectCollector:
    def __init__(self, ctx: Context, project: str) -> None:
        self.ctx = ctx
        self.project = project
        self.scope = f"projects/{project}"
        self.base = f"projects/{safe_name(project)}"

    def write(self, name: str, value: object) -> None:
        self.ctx.snapshot.json(f"{self.base}/{name}", value)

    def optional(self, phase: str, impact: str, work: Callable[[], object]) -> bool:
        return self.ctx.optional(self.scope, phase, impact, work)

    def run(self) -> bool:
        """Collect the project; False when it could not be scanned at all."""
        ctx, scope = self.ctx, self.scope
        ctx.progress.phase(_label(scope), "IAM policy")
        try:
            self.write("iam-policy.json", ctx.resources.iam_policy(scope))
        except FAILURES as raised:
            exc = ApiError.of(raised, "resourcemanager.projects.getIamPolicy")
            impact = "project not scanned"
            ctx.fail(CollectionFailure(scope=scope, phase="project", call=exc.call, error=exc.detail, impact=impact))
            return False
        rest, endpoints, project = ctx.rest, ctx.endpoints, self.project
        self.optional(
            "deny policies",
            "deny policies of the project unknown: denied permissions counted as granted",
            lambda: self.write("deny-policies.json", fetch_iam.deny_policies(rest, endpoints, scope)),
        )
        self.optional(
            "custom roles",
            "permissions of the project's custom roles unknown",
            lambda: self.write("roles.json", fetch_iam.custom_roles(rest, endpoints, scope)),
        )
        accounts: list[dict[str, Any]] = []
        if self.optional(
            "service accounts", "service accounts, their keys and policies unknown", partial(self.accounts, accounts)
        ):
            names = [fetch_iam.account_name(project, a) for a in accounts]
            self.optional(
                "service account keys",
                "keys of service accounts unknown",
                partial(self.per_account, names, "keys.json", fetch_iam.keys),
            )
            self.optional(
                "service account policies",
                "who may impersonate or act as service accounts unknown",
                partial(self.per_account, names, "iam-policy.json", fetch_iam.account_policy),
            )
        self.optional("workload identity pools", "workload identity federation unknown", self.federation)
        self.workloads()
        self.optional("agent engines", "Vertex AI agents and the identities they run as unknown", self.agents)
        for phase, activity_type, file in (
            ("key last authentication", "serviceAccountKeyLastAuthentication", "activity-key-authentication.json"),
            ("account last authentication", "serviceAccountLastAuthentication", "activity-sa-authentication.json"),
        ):
            what = "keys" if "Key" in activity_type else "service accounts"
            self.optional(phase, f"last use of {what} unknown", partial(self.activity, activity_type, file))
        return True

    def accounts(self, found: list[dict[str, Any]]) -> None:
        found.extend(fetch_iam.service_accounts(self.ctx.rest, self.ctx.endpoints, self.project))
        self.write("service-accounts.json", found)

    def per_account(self, names: list[str], file: str, read: Callable[[Rest, GcpEndpoints, str], object]) -> None:
        def one(name: str) -> None:
            try:
                value = read(self.ctx.rest, self.ctx.endpoints, name)
            except ApiError as exc:
                if exc.missing:  # deleted since it was listed: nothing to know
                    return
                raise
            email = name.rpartition("/")[2]
            self.write(f"service-accounts/{safe_name(email)}/{file}", value)

        each(one, names, self.ctx.call_workers)

    def federation(self) -> None:
        found = fetch_iam.pools(self.ctx.rest, self.ctx.endpoints, self.project)
        self.write("workload-identity-pools.json", found)
        names = [str(p["name"]) for p in found if p.get("name")]
        providers = fetch_iam.providers(self.ctx.rest, self.ctx.endpoints, names)
        self.write("workload-identity-providers.json", providers)

    def workloads(self) -> None:
        sources = (
            ("compute instances", "compute-instances.json", fetch_workloads.instances),
            ("cloud functions", "functions.json", fetch_workloads.functions),
            ("cloud run services", "run-services.json", fetch_workloads.run_services),
        )
        for what, file, read in sources:
            impact = f"{what} and the identities they run as unknown"
            self.optional(what, impact, partial(self.workload, what, file, read))

    def workload(
        self, what: str, file: str, read: Callable[[Rest, GcpEndpoints, str], fetch_workloads.Listing]
    ) -> None:
        try:
            found = read(self.ctx.rest, self.ctx.endpoints, self.project)
        except ApiError as exc:
            if not exc.disabled:
                raise
            found = fetch_workloads.Listing(items=[])  # the API is off in the project: nothing of it can run there
        listing(self.ctx, self.scope, f"{self.base}/{file}", what, found)

    def agents(self) -> None:
        """Reasoning engines of every Agent Engine region; the first region to say the API is off says it for all."""
        found: dict[str, list[dict[str, Any]]] = {}
        regions = fetch_workloads.AGENT_ENGINE_REGIONS

        def one(region: str) -> None:
            found[region] = fetch_workloads.reasoning_engines_in(
                self.ctx.rest, self.ctx.endpoints, self.project, region
            )

        try:
            one(regions[0])
            each(one, regions[1:], self.ctx.call_workers)
        except ApiError as exc:
            if not exc.disabled:
                raise
            found.clear()
        self.write("reasoning-engines.json", [engine for region in regions for engine in found.get(region, [])])

    def activity(self, activity_type: str, file: str) -> None:
        self.write(file, fetch_workloads.activities(self.ctx.rest, self.ctx.endpoints, self.project, activity_type))
