"""How long a live collection waits on one cloud API call, the same for every cloud: the read timeout of each
request and the total time one call may spend retrying (throttling, 5xx, timeouts) before it is reported; and
how an answer of an unexpected shape becomes a recorded failure of the call, not an internal error.

A slow or failing API is then one recorded failure after a bounded wait, never a hang. ``NHI_SCAN_HTTP_TIMEOUT``
and ``NHI_SCAN_RETRY_BUDGET`` (seconds) override the defaults, for very slow links and for fast tests.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Self

from nhi_scan.errors import UsageError

TIMEOUT_VARIABLE = "NHI_SCAN_HTTP_TIMEOUT"
BUDGET_VARIABLE = "NHI_SCAN_RETRY_BUDGET"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
RETRY_BUDGET = 120.0


def _seconds(variable: str, default: float) -> float:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"{variable}={text[:20]!r}: not a number of seconds above 0")
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class CallLimits:
    connect_timeout: float = CONNECT_TIMEOUT
    #: Seconds to wait for an answer to one request (each attempt).
    read_timeout: float = READ_TIMEOUT
    #: Seconds one call may spend on attempts and waits between them; no retry starts after it.
    retry_budget: float = RETRY_BUDGET

    @classmethod
    def from_env(cls) -> CallLimits:
        read = _seconds(TIMEOUT_VARIABLE, READ_TIMEOUT)
        return cls(
            connect_timeout=min(CONNECT_TIMEOUT, read),
            read_timeout=read,
            retry_budget=_seconds(BUDGET_VARIABLE, RETRY_BUDGET),
        )


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        from datetime import UTC, datetime

        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


#: What reading an answer of an unexpected shape raises in a collector (a field missing, a list where an object
#: was expected): the phase is then recorded as not collected, like a failed call, instead of ending the scan.
SHAPE_ERRORS: tuple[type[Exception], ...] = (KeyError, IndexError, TypeError, AttributeError, ValueError)
_calls = threading.local()


def unexpected_answer(exc: Exception) -> str:
    """One line for an answer of an unexpected shape: the kind of error only, never the answer's text."""
    return f"unexpected answer ({type(exc).__name__} reading it): not used"


def note_call(call: str) -> None:
    """Remember the call this thread is making, so an unexpected answer can be blamed on it."""
    _calls.last = call


def last_call(default: str) -> str:
    """The call this thread made last (``default`` when it made none)."""
    found = getattr(_calls, "last", None)
    return found if isinstance(found, str) else default


#: Pages one listing may have: a server handing out new tokens forever must not keep a scan going forever (10,000
#: pages hold millions of items, far beyond the largest estates).
MAX_PAGES = 10_000


def too_many_pages() -> str:
    return f"paging did not end after {MAX_PAGES} pages: stopped (the listing is incomplete)"


def one_line(text: str, limit: int = 300) -> str:
    """An API's message as one bounded line (its own words may span lines or run long)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class CallError(Exception):
    """What every cloud's failed call shares (each subclass takes ``(call, detail, ...)``): ``of`` turns whatever a
    phase raised into one, blaming an answer of an unexpected shape on the last call made."""

    @classmethod
    def of(cls, exc: Exception, default_call: str) -> Self:
        if isinstance(exc, cls):
            return exc
        return cls(last_call(default_call), unexpected_answer(exc))


#: Largest answer body read (a page of any listing is a few MB; a server streaming gigabytes is not an API).
MAX_BODY = 256 * 1024 * 1024
_PIECE = 1024 * 1024


class AnswerCutOff(OSError):
    """An answer's body that did not end in time or in size: an ``OSError`` like a dropped connection, so a caller
    retries it within the call's budget, then reports the call."""


def read_body(read1: Callable[[int], bytes], seconds: float) -> bytes:
    """A whole answer body, read piece by piece as it arrives (``read1``: one socket read at most) and given up
    after ``seconds`` or ``MAX_BODY`` bytes: a body that keeps trickling in, a few bytes within each read timeout,
    would hold the call forever (the read timeout bounds each socket read, not the answer)."""
    give_up = time.monotonic() + seconds
    pieces: list[bytes] = []
    size = 0
    while piece := read1(_PIECE):
        pieces.append(piece)
        size += len(piece)
        if size > MAX_BODY:
            raise AnswerCutOff(f"answer larger than {MAX_BODY // (1024 * 1024)} MB: not read further")
        if time.monotonic() > give_up:
            raise AnswerCutOff(f"answer still arriving after {seconds:g} s: not waited for further")
    return b"".join(pieces)


def pieces_of(raw: Any, *, decode: bool | None = True) -> Callable[[int], bytes]:
    """``read1`` of a streamed answer (urllib3's response, under requests and botocore alike): one socket read at
    a time, urllib3's errors (a body cut short) raised as ``OSError``, as requests raises them when it reads a
    body itself. ``decode``: undo a Content-Encoding (None: as the response was opened). Without ``read1``, the
    whole body in one piece."""
    from urllib3.exceptions import HTTPError

    read1 = getattr(raw, "read1", None)
    if read1 is None:
        whole = [bytes(raw.read())]
        return lambda _size: whole.pop() if whole else b""

    def piece(size: int) -> bytes:
        try:
            found: bytes = read1(size, decode_content=decode)
        except HTTPError as exc:
            raise OSError(f"{type(exc).__name__}: {exc}") from None
        return found

    return piece
