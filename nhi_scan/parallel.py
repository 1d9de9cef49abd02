"""Run independent parts of a scan in forked worker processes, so a multi-core machine shares the work.

Why fork: the parts read the large in-memory analysis (policies, permissions, the graph) that the scan has
already built; a forked child sees it as it is, without pickling it. Only each part's result travels back, through
a pipe. The parent runs the first part itself and then collects the others in order, so results (and anything
replayed from them) come back in the same order as a sequential run. Where fork is unavailable (Windows), with
one job, or when a child fails for any reason, the parts run here, one after another: a failure never loses a
result, and an exception raised by a part surfaces exactly as it would sequentially.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

#: Environment variable read when no job count is given (``--jobs`` overrides it).
JOBS_VARIABLE = "NHI_SCAN_JOBS"
#: Parts that a child did not deliver and that ran here instead (for tests and debugging).
fallbacks = 0
#: Automatic job counts stop here: past a few processes, copy-on-write memory grows faster than the gain.
MAX_AUTO_JOBS = 4


def available_cpus() -> int:
    """CPUs this process may run on (the affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None) -> int:
    """The job count to use: ``jobs`` when given and positive, else ``$NHI_SCAN_JOBS``, else the CPUs (at most 4)
    on Linux and 1 elsewhere.

    Raises ValueError for a negative count or a variable that is not an integer.
    """
    if jobs is None:
        raw = os.environ.get(JOBS_VARIABLE, "").strip()
        if raw:
            try:
                jobs = int(raw)
            except ValueError:
                raise ValueError(f"{JOBS_VARIABLE} must be a whole number, not {raw!r}") from None
    if jobs is not None and jobs < 0:
        raise ValueError(f"the job count must not be negative (got {jobs})")
    if jobs:
        return jobs
    if not sys.platform.startswith("linux"):
        return 1  # macOS frameworks are not fork-safe once used (e.g. proxy lookup by boto3): opt in with --jobs
    return min(available_cpus(), MAX_AUTO_JOBS)


def can_fork() -> bool:
    return hasattr(os, "fork")


def run_parts(parts: Sequence[Callable[[], T]], *, jobs: int) -> list[T]:
    """Each part's result, in order; up to ``jobs`` parts run at once (part 0 in this process)."""
    if jobs <= 1 or len(parts) <= 1 or not can_fork():
        return [part() for part in parts]
    results: list[T] = []
    for start in range(0, len(parts), jobs):
        results.extend(_run_batch(parts[start : start + jobs]))
    return results


class Pending(Generic[T]):
    """A part started in a worker process; ``result()`` waits for it (or runs it here if the worker failed)."""

    def __init__(self, part: Callable[[], T]) -> None:
        self._part = part
        gc.freeze()  # see _run_batch
        self._child = _start(part) if can_fork() else None

    def result(self) -> T:
        child, self._child = self._child, None
        if child is None and not can_fork():
            return self._part()
        return _collect(child, self._part)

    def cancel(self) -> None:
        """End the worker if it still runs (the caller no longer wants its result)."""
        child, self._child = self._child, None
        _stop(child)


def _run_batch(parts: Sequence[Callable[[], T]]) -> list[T]:
    gc.freeze()  # objects that exist now are never scanned by a collection, so the children share their pages
    children: list[tuple[int, int] | None] = [_start(part) for part in parts[1:]]
    try:
        results = [parts[0]()]
        for number, child in enumerate(children, start=1):
            children[number - 1] = None
            results.append(_collect(child, parts[number]))
        return results
    finally:
        for child in children:
            if child is not None:
                _stop(child)


def _start(part: Callable[[], object]) -> tuple[int, int] | None:
    """Fork a child that runs ``part`` and writes its pickled result to a pipe; None when fork fails."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns
        os.close(read_end)
        status = 1
        try:
            result = part()
            with os.fdopen(write_end, "wb") as pipe:  # streamed: no second copy of the result as bytes
                pickle.dump(result, pipe, protocol=pickle.HIGHEST_PROTOCOL)
            status = 0
        except BaseException:  # the parent runs the part again and raises what it raises
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    return pid, read_end


def _collect(child: tuple[int, int] | None, part: Callable[[], T]) -> T:
    """The child's result; the part run here instead when the child could not start or did not succeed."""
    global fallbacks
    if child is None:
        fallbacks += 1
        return part()
    pid, read_end = child
    # Unpickled as it streams in (frame by frame), not read whole first: a 100,000-SP tenant's early findings
    # are ~250 MB of pickle the parent would otherwise hold beside the objects made from it.
    received: list[T] = []
    with os.fdopen(read_end, "rb") as pipe, contextlib.suppress(Exception):  # cut short: the part runs here
        received.append(pickle.load(pipe))
    _, status = os.waitpid(pid, 0)
    if status != 0 or not received:
        fallbacks += 1
        return part()
    return received[0]


def _stop(child: tuple[int, int] | None) -> None:
    """End a child whose result is no longer wanted (the parent's own part raised)."""
    if child is None:
        return
    pid, read_end = child
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    os.close(read_end)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
