"""A scan's progress on stderr: one line redrawn in place, with the counts the engine reports (files, identities,
edges, checks run), on a terminal only; ``--quiet``, a pipe or a file get nothing."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console, ConsoleOptions, RenderResult
from rich.live import Live
from rich.markup import escape
from rich.spinner import Spinner

from nhi_scan.cli._common import err_console
from nhi_scan.engine import Progress

#: A line that changes more often than this is drawn at this pace (a scan of 100,000 files reports each one).
MIN_REDRAW_SECONDS = 0.1


class _Status:
    """The spinner, the engine's last message and the time since the start, computed at each redraw (so a long
    phase, one cloud's escalation analysis, still shows time passing)."""

    def __init__(self) -> None:
        self.text = "starting"
        self._started = time.monotonic()
        self._spinner = Spinner("dots")

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        elapsed = time.monotonic() - self._started
        self._spinner.update(text=f"{escape(self.text)} [dim]· {elapsed:.0f} s[/]")
        yield self._spinner


class _Line:
    """Redraws on a new phase (its first two words) at once, within a phase at most every MIN_REDRAW_SECONDS."""

    def __init__(self, live: Live, status: _Status) -> None:
        self._live = live
        self._status = status
        self._phase = ""
        self._drawn = 0.0

    def __call__(self, text: str) -> None:
        phase = " ".join(text.split()[:2])
        moment = time.monotonic()
        self._status.text = text
        if phase != self._phase or moment - self._drawn >= MIN_REDRAW_SECONDS:
            self._phase, self._drawn = phase, moment
            self._live.refresh()


def _silent(_: str) -> None:
    return None


@contextmanager
def scan_progress(*, quiet: bool) -> Iterator[Progress]:
    """The ``progress`` to give the engine while the block runs; the line is erased when it ends."""
    if quiet or not err_console.is_terminal:
        yield _silent
        return
    status = _Status()
    with Live(status, console=err_console, transient=True, refresh_per_second=8) as live:
        yield _Line(live, status)
