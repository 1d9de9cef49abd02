"""What every part of one Azure collection shares: the two APIs, the snapshot, progress, and the rule that a phase
which fails is recorded (one error file) and never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from nhi_scan.connectors.azure.fetch_http import FAILURES, ApiError, Rest
from nhi_scan.connectors.azure.fetch_snapshot import CollectionFailure, Snapshot

T = TypeVar("T")


class Progress(Protocol):
    def phase(self, scope: str, text: str) -> None: ...

    def finished(self, scope: str, text: str, ok: bool) -> None: ...

    def warn(self, text: str) -> None: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    graph: Rest
    arm: Rest
    snapshot: Snapshot
    progress: Progress
    #: How Graph failures name their scope (``tenant ID``).
    tenant_scope: str
    call_workers: int = 8

    def optional(self, scope: str, phase: str, impact: str, work: Callable[[], object]) -> bool:
        """Run one phase; a failure is recorded and reported, never raised. True if nothing is missing."""
        self.progress.phase(label(scope), phase)
        try:
            work()
        except FAILURES as raised:
            self.failed(scope, phase, ApiError.of(raised, phase), impact)
            return False
        return True

    def failed(self, scope: str, phase: str, exc: ApiError, impact: str) -> None:
        self.fail(CollectionFailure(scope=scope, phase=phase, call=exc.call, error=exc.detail, impact=impact))

    def fail(self, failure: CollectionFailure) -> None:
        self.snapshot.fail(failure)
        self.progress.warn(failure.line())

    def graph_pages(
        self, relative: str, path: str, call: str, params: Mapping[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Write a Graph listing (its page, or its array of pages) and return its objects."""
        pages = list(self.graph.pages(self.graph.url(path), call, params))
        write_pages(self.snapshot, relative, pages)
        return [item for page in pages for item in page.get("value") or () if isinstance(item, dict)]

    def arm_listed(self, path: str, call: str, api_version: str, **params: str) -> list[dict[str, Any]]:
        return self.arm.listed(self.arm.url(path), call, {"api-version": api_version, **params}, next_key="nextLink")


def write_pages(snapshot: Snapshot, relative: str, pages: Sequence[dict[str, Any]]) -> None:
    """One page as Graph answered it, several as the array of pages the parser reads."""
    snapshot.json(relative, pages[0] if len(pages) == 1 else list(pages))


def label(scope: str) -> str:
    """How progress names a scope: ``subscription S`` for ``/subscriptions/S``."""
    if scope.startswith("/subscriptions/"):
        return f"subscription {scope.rsplit('/', 1)[-1]}"
    if "/managementGroups/" in scope:
        return f"management group {scope.rsplit('/', 1)[-1]}"
    return scope


def each(work: Callable[[T], None], items: Sequence[T], workers: int) -> None:
    """``work`` on every item, ``workers`` at a time; the first failure cancels the rest and is raised (a call
    denied for one object is denied for the next hundred: retrying each would only hammer the API)."""
    if workers <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="nhi-scan-azure") as pool:
        futures = [pool.submit(work, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f in done and f.exception() is not None), None)
        error = failed.exception() if failed is not None else None
        if error is not None:
            for future in futures:
                future.cancel()
            raise error
