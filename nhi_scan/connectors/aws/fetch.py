"""Live AWS collection: fetch a Snapshot, the raw documents in exactly the shapes the offline parser reads.

`nhi-scan collect aws --out DIR` writes them to DIR; `nhi-scan scan --aws` writes them to a private temporary
directory and scans it like any export, so live and offline scans share one parser by construction.
One account or phase failing never stops the rest: it is recorded as a collection error (see
``formats/collection_error.py``) that marks the scan incomplete, and reported to ``progress``.
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from nhi_scan import __version__
from nhi_scan.connectors.aws import fetch_iam, fetch_org, fetch_usage
from nhi_scan.connectors.aws.fetch_api import FAILURES, Api, ApiError, new_session
from nhi_scan.connectors.aws.fetch_snapshot import CollectionFailure, Snapshot
from nhi_scan.connectors.aws.fetch_workloads import WORKLOAD_SOURCES, WorkloadSource
from nhi_scan.connectors.live_limits import CallLimits
from nhi_scan.errors import NhiScanError

MANIFEST = ".nhi-scan-collect.json"


class Progress(Protocol):
    def phase(self, account: str, text: str) -> None: ...

    def finished(self, account: str, text: str, ok: bool) -> None: ...

    def warn(self, text: str) -> None: ...


class SilentProgress:
    def phase(self, account: str, text: str) -> None:
        return None

    def finished(self, account: str, text: str, ok: bool) -> None:
        return None

    def warn(self, text: str) -> None:
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchOptions:
    profile: str | None = None
    #: Regions for regional workloads; empty (or ("all",)) = every region enabled in the account.
    regions: tuple[str, ...] = ()
    org: bool = False
    role_name: str = "OrganizationAccountAccessRole"
    account_workers: int = 4
    call_workers: int = 8
    access_advisor: bool = True
    workloads: bool = True
    #: Seconds to wait for a report job (credential report, one Access Advisor job).
    job_timeout: float = 300.0
    poll_interval: float = 2.0
    #: Read timeout of each request and the time one call may spend retrying (``NHI_SCAN_HTTP_TIMEOUT``, ...).
    limits: CallLimits = field(default_factory=CallLimits.from_env)


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectResult:
    caller: str
    accounts: tuple[str, ...]
    failures: tuple[CollectionFailure, ...]
    files: int
    failed_accounts: tuple[str, ...] = field(default=())

    @property
    def complete(self) -> bool:
        return not self.failures


def _regions(api: Api, options: FetchOptions) -> tuple[list[str], bool]:
    """Regions to list workloads in, and whether they are all the account's enabled regions."""
    if options.regions and options.regions != ("all",):
        return list(options.regions), False
    answer = api.call("ec2", "describe_regions")  # the regions enabled in this account
    regions = sorted(str(r["RegionName"]) for r in answer.get("Regions", []))
    return [r for r in regions if api.same_partition(r)], True


class _Account:
    """Collects one account: IAM first (required), then every optional phase, each failing on its own."""

    def __init__(self, api: Api, snapshot: Snapshot, options: FetchOptions, progress: Progress) -> None:
        self.api, self.snapshot, self.options, self.progress = api, snapshot, options, progress
        self.users: list[str] = []
        self.gaad: dict[str, Any] = {}

    def optional(
        self,
        phase: str,
        impact: str,
        work: Callable[[], object],
        region: str | None = None,
        deferred: list[CollectionFailure] | None = None,
    ) -> bool:
        """Run one phase; a failure is recorded (or deferred) and reported, never raised. True if nothing is missing."""
        self.progress.phase(self.api.account, phase + (f" ({region})" if region else ""))
        try:
            work()
        except FAILURES as raised:
            exc = ApiError.of(raised, phase)
            if exc.unavailable:
                return True  # the service has no endpoint there: nothing can run there either
            failure = CollectionFailure(
                account=self.api.account, region=region, phase=phase, call=exc.call, error=exc.detail, impact=impact
            )
            if deferred is not None:
                deferred.append(failure)
            else:
                self.fail(failure)
            return False
        return True

    def fail(self, failure: CollectionFailure) -> None:
        self.snapshot.fail(failure)
        self.progress.warn(failure.line())

    def write(self, relative: str, value: object, call: str, region: str | None = None) -> None:
        self.snapshot.document(relative, value, account=self.api.account, call=call, region=region)

    def run(self) -> None:
        api, options = self.api, self.options
        self.progress.phase(api.account, "IAM authorization details")
        self.gaad = fetch_iam.authorization_details(api)
        call = "iam:GetAccountAuthorizationDetails"
        self.snapshot.document("authz.json", self.gaad, account=api.account, call=call, required=True)
        self.users = sorted(str(u["UserName"]) for u in self.gaad["UserDetailList"])
        self.optional("credential report", "access key ages and use, passwords and MFA unknown", self.report)
        self.optional("access keys", "access key ids and last use unknown", self.keys)
        for phase, method, key, file in fetch_iam.USER_LISTINGS:
            self.optional(phase, f"{phase} of users unknown", partial(self.user_listing, method, key, file))
        self.optional("instance profiles", "instance profiles without a role unknown", self.profiles)
        if options.access_advisor:
            self.optional("access advisor", "service and action last use unknown", self.access_advisor)
        if options.workloads:
            self.workloads()

    def workloads(self) -> None:
        """Every workload source in every region (regions in parallel), then the record of what was listed."""
        regions: list[str] = []
        every: list[bool] = [False]

        def find() -> None:
            found, every[0] = _regions(self.api, self.options)
            regions.extend(found)

        if not self.optional("regions", "the account's enabled regions unknown: only the default one listed", find):
            regions.append(self.api.region)
        workers = max(1, min(4, len(regions)))
        failures: list[CollectionFailure] = []
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nhi-scan-region") as pool:
            listed = list(pool.map(partial(self.region, failures=failures), regions))
        by_phase: dict[str, list[CollectionFailure]] = {}
        for failure in sorted(failures, key=lambda f: (f.phase, f.region or "")):
            by_phase.setdefault(failure.phase, []).append(failure)
        for same in by_phase.values():  # one record per phase, naming the regions it failed in
            names = [f.region or "" for f in same]
            where = ", ".join(names[:3]) + (f" and {len(names) - 3} more regions" if len(names) > 3 else "")
            impact = same[0].impact.replace(f" in {same[0].region} ", " there " if len(names) > 1 else " ")
            self.fail(replace(same[0], region=where, impact=impact))
        kinds = set.intersection(*listed) if listed else set()
        record = {"Account": self.api.account, "Regions": regions, "AllRegions": every[0], "Kinds": sorted(kinds)}
        self.snapshot.json("workload-listing.json", {"NhiScanWorkloadListing": record})

    def region(self, region: str, failures: list[CollectionFailure]) -> set[str]:
        """Collect one region's workloads; return the kinds listed in full there."""
        listed: set[str] = set()
        for source in WORKLOAD_SOURCES:
            known = self.api.regions_of(source.service)
            work = partial(self.workload, source, region)
            impact = f"{source.what} in {region} unknown"
            if known is not None and region not in known:
                listed.update(source.kinds)  # the service does not exist there
            elif self.optional(source.what, impact, work, region=region, deferred=failures):
                listed.update(source.kinds)
        return listed

    def report(self) -> None:
        options = self.options
        csv = fetch_iam.credential_report(self.api, timeout=options.job_timeout, interval=options.poll_interval)
        self.snapshot.text("credential-report.csv", csv)

    def keys(self) -> None:
        fetch_iam.access_keys(self.api, self.snapshot, self.users, self.options.call_workers)

    def user_listing(self, method: str, key: str, file: str) -> None:
        listing = fetch_iam.user_listing(self.api, method, key, self.users, self.options.call_workers)
        operation = "".join(part.capitalize() for part in method.split("_")).replace("Ssh", "SSH")
        self.write(file, listing, f"iam:{operation}")

    def profiles(self) -> None:
        self.write("instance-profiles.json", fetch_iam.instance_profiles(self.api), "iam:ListInstanceProfiles")

    def access_advisor(self) -> None:
        options = self.options
        found = fetch_usage.principals(self.gaad)
        fetch_usage.access_advisor(
            self.api,
            self.snapshot,
            found,
            workers=options.call_workers,
            timeout=options.job_timeout,
            interval=options.poll_interval,
        )

    def workload(self, source: WorkloadSource, region: str) -> None:
        value = source.collect(self.api, region, self.options.call_workers)
        self.write(f"{region}/{source.file}", value, source.call, region)


def _scan_account(api: Api, snapshot: Snapshot, options: FetchOptions, progress: Progress) -> bool:
    before = len(snapshot.failures)
    try:
        _Account(api, snapshot, options, progress).run()
    except FAILURES as raised:
        exc = ApiError.of(raised, "account")
        failure = CollectionFailure(
            account=api.account, phase="account", call=exc.call, error=exc.detail, impact="account not scanned"
        )
        snapshot.fail(failure)
        progress.warn(failure.line())
        progress.finished(api.account, "not scanned", False)
        return False
    partial = len(snapshot.failures) > before
    progress.finished(api.account, "partial" if partial else "done", not partial)
    return True


def _member(
    base: Api,
    account: str,
    caller_account: str,
    options: FetchOptions,
    partition: str,
    snapshot: Snapshot,
    progress: Progress,
) -> bool:
    child = snapshot.child(account)
    if account == caller_account:
        return _scan_account(base, child, options, progress)
    progress.phase(account, f"assuming {options.role_name}")
    try:
        api = fetch_org.assume(base, account, options.role_name, partition)
    except FAILURES as raised:
        exc = ApiError.of(raised, "sts:AssumeRole")
        failure = CollectionFailure(
            account=account,
            phase="account",
            call=exc.call,
            error=exc.detail,
            impact=f"account not scanned: cannot assume {options.role_name}",
        )
        child.fail(failure)
        progress.warn(failure.line())
        progress.finished(account, "not scanned", False)
        return False
    return _scan_account(api, child, options, progress)


def _organization(
    base: Api, caller_account: str, partition: str, snapshot: Snapshot, options: FetchOptions, progress: Progress
) -> tuple[list[str], list[str]]:
    org_snapshot = snapshot.child("organization")
    progress.phase(caller_account, "organisation accounts")
    try:
        fetch_org.describe(base, org_snapshot)
        accounts = fetch_org.list_accounts(base, org_snapshot)
    except FAILURES as raised:
        exc = ApiError.of(raised, "organizations:ListAccounts")
        raise NhiScanError(
            f"--org: cannot list the organisation's accounts: {exc} (run it from the management "
            "account or a delegated administrator)"
        ) from None
    progress.phase(caller_account, "organisation tree and SCPs")
    fetch_org.organization_structure(base, org_snapshot)
    active = [a.account_id for a in accounts if a.status == "ACTIVE"]
    for account in accounts:
        if account.status != "ACTIVE":
            progress.warn(f"account {account.account_id} ({account.name}) is {account.status}: not scanned")
    with ThreadPoolExecutor(max_workers=max(1, options.account_workers), thread_name_prefix="nhi-scan-account") as pool:
        outcomes = list(
            pool.map(lambda a: _member(base, a, caller_account, options, partition, snapshot, progress), active)
        )
    return active, [a for a, ok in zip(active, outcomes, strict=True) if not ok]


def collect(
    out: Path, options: FetchOptions, progress: Progress | None = None, *, session: object = None
) -> CollectResult:
    """Collect one account (or, with ``options.org``, every account of the organisation) into ``out``.

    ``session`` is a boto3 session to use instead of a new one from the default credential chain.
    """
    progress = progress or SilentProgress()
    started = datetime.now(UTC)
    try:
        first = options.regions[0] if options.regions and options.regions != ("all",) else None
        session = session or new_session(options.profile, first)
        region = getattr(session, "region_name", None) or "us-east-1"
        probe = Api(session, account="unknown", region=region, max_pool=options.call_workers + 4, limits=options.limits)
        caller = probe.call("sts", "get_caller_identity")
    except FAILURES as raised:
        exc = ApiError.of(raised, "sts:GetCallerIdentity")
        raise NhiScanError(f"cannot use the AWS credentials: {exc}") from None
    caller_arn, caller_account = str(caller.get("Arn")), str(caller.get("Account"))
    partition = caller_arn.split(":")[1] if caller_arn.count(":") > 1 else "aws"
    base = Api(session, account=caller_account, region=region, max_pool=options.call_workers + 4, limits=options.limits)
    snapshot = Snapshot(out)
    if options.org:
        accounts, failed = _organization(base, caller_account, partition, snapshot, options, progress)
    else:
        accounts = [caller_account]
        failed = [] if _scan_account(base, snapshot, options, progress) else [caller_account]
    _summary(snapshot, accounts, failed)
    result = CollectResult(
        caller=caller_arn,
        accounts=tuple(accounts),
        failures=tuple(snapshot.failures),
        files=snapshot.file_count,
        failed_accounts=tuple(failed),
    )
    _manifest(snapshot, result, options, started)
    return result


def _summary(snapshot: Snapshot, accounts: list[str], failed: list[str]) -> None:
    """The accounts not (or partly) scanned, as a document the scan turns into warnings."""
    reasons = {f.account: f.error for f in snapshot.failures if f.phase == "account"}
    partial = sorted({str(f.account) for f in snapshot.failures if f.account not in failed and f.account in accounts})
    record = {
        "Accounts": accounts,
        "NotScanned": [{"Account": a, "Reason": reasons.get(a, "unknown error")} for a in failed],
        "Partial": partial,
    }
    snapshot.json("collection.json", {"NhiScanCollection": record})


def _manifest(snapshot: Snapshot, result: CollectResult, options: FetchOptions, started: datetime) -> None:
    """A hidden file (the loader skips it) saying how the snapshot was made, for whoever replays it."""
    snapshot.json(
        MANIFEST,
        {
            "tool": f"nhi-scan {__version__}",
            "python": platform.python_version(),
            "started": started.isoformat(),
            "finished": datetime.now(UTC).isoformat(),
            "caller": result.caller,
            "organization": options.org,
            "regions": list(options.regions),
            "accounts": list(result.accounts),
            "failed_accounts": list(result.failed_accounts),
            "failures": [f.line() for f in result.failures],
        },
    )
