"""Live AWS collection for commands: progress on stderr, and `scan --aws` as collect-then-scan.

`scan --aws` collects into a private temporary directory and scans it like any export, so a live scan is, by
construction, the offline scan of what `nhi-scan collect aws` would have written.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from nhi_scan.cli._common import err_console
from nhi_scan.errors import NhiScanError, UsageError

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveOptions:
    profile: str | None = None
    regions: tuple[str, ...] = ()
    org: bool = False
    role_name: str = DEFAULT_ROLE_NAME
    workers: int = 4
    access_advisor: bool = True
    workloads: bool = True
    quiet: bool = False


class _Progress:
    """Per-account phase on stderr: a live spinner line per account on a terminal, plain lines otherwise."""

    def __init__(self, live: Progress | None, warn: bool) -> None:
        self.live = live
        self.tasks: dict[str, TaskID] = {}
        self.show_warnings = warn

    def _task(self, account: str) -> TaskID | None:
        if self.live is None:
            return None
        if account not in self.tasks:
            self.tasks[account] = self.live.add_task(f"account {account}", total=None)
        return self.tasks[account]

    def phase(self, account: str, text: str) -> None:
        task = self._task(account)
        if task is not None and self.live is not None:
            self.live.update(task, description=f"account {account}: {escape(text)}")

    def finished(self, account: str, text: str, ok: bool) -> None:
        task = self._task(account)
        if task is not None and self.live is not None:
            self.live.remove_task(task)
        colour = "green" if ok else "yellow"
        err_console.print(f"account {account}: [{colour}]{escape(text)}[/]")

    def warn(self, text: str) -> None:
        if self.show_warnings:
            err_console.print(f"[yellow]warning:[/] {escape(text)}", soft_wrap=True)


class _Silent:
    def phase(self, account: str, text: str) -> None:
        return None

    def finished(self, account: str, text: str, ok: bool) -> None:
        return None

    def warn(self, text: str) -> None:
        return None


def collect_aws(out: Path, options: LiveOptions, *, warn: bool = True) -> bool:
    """Collect into ``out``; True when everything was collected. NhiScanError when nothing usable was.

    ``warn``: print each thing not collected as it happens (a scan reports them itself, so it passes False).
    """
    from nhi_scan.connectors.aws.fetch import FetchOptions, collect

    fetch_options = FetchOptions(
        profile=options.profile,
        regions=options.regions,
        org=options.org,
        role_name=options.role_name,
        account_workers=options.workers,
        access_advisor=options.access_advisor,
        workloads=options.workloads,
    )
    if options.quiet:
        result = collect(out, fetch_options, _Silent())
    elif err_console.is_terminal:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with Progress(*columns, console=err_console, transient=True) as live:
            result = collect(out, fetch_options, _Progress(live, warn))
    else:
        result = collect(out, fetch_options, _Progress(None, warn))
    if len(result.failed_accounts) == len(result.accounts):
        reasons = "; ".join(f.line() for f in result.failures[:3])
        raise NhiScanError(f"no AWS account could be collected: {reasons}")
    return result.complete


def check_regions(regions: Sequence[str] | None) -> tuple[str, ...]:
    values = tuple(part.strip() for value in regions or () for part in value.split(",") if part.strip())
    if "all" in values and len(values) > 1:
        raise UsageError("--region all cannot be combined with other regions")
    return values


@contextmanager
def scan_inputs(inputs: Sequence[Path] | None, aws: bool, options: LiveOptions) -> Iterator[list[Path]]:
    """The paths to scan: the given exports, or (with --aws) a live collection in a temporary directory."""
    if not aws:
        if options.org:
            raise UsageError("--org needs --aws (or use nhi-scan collect aws --org)")
        if not inputs:
            raise UsageError("give export files or directories to scan, or --aws to scan the account live")
        yield list(inputs)
        return
    if inputs:
        raise UsageError("give either export files or --aws, not both")
    directory = Path(tempfile.mkdtemp(prefix="nhi-scan-aws-"))  # private: mode 0700
    try:
        collect_aws(directory, options, warn=False)
        yield [directory]
    finally:
        shutil.rmtree(directory, ignore_errors=True)
