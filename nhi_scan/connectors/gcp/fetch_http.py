"""REST access to Google APIs for live collection: reads only, retries on throttling, one-line errors.

Calls go through :class:`Rest` (an ``AuthorizedSession``), which refuses anything but GET and the POST of
``:getIamPolicy`` before it reaches the network: the scanner is an NHI too, and it only ever reads. Endpoints are
overridable (``NHI_SCAN_GCP_ENDPOINT`` points every API at one base URL, for emulators and tests).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from nhi_scan import __version__
from nhi_scan.connectors import live_limits
from nhi_scan.connectors.live_limits import (
    SHAPE_ERRORS,
    CallError,
    CallLimits,
    note_call,
    one_line,
    pieces_of,
    read_body,
    retry_after_seconds,
)
from nhi_scan.redact import redact_text

ENDPOINT_VARIABLE = "NHI_SCAN_GCP_ENDPOINT"
#: HTTP statuses worth another try: throttling and transient server errors.
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = f"nhi-scan/{__version__}"
UNREADABLE = "unreadable answer (not a JSON object; an HTTP error page or a body cut short?)"
REPEATED_TOKEN = "paging repeats a page token: stopped (the listing is incomplete)"
#: Reasons Google gives when the API is not enabled in the project (so none of its resources can exist).
_DISABLED_REASONS = ("SERVICE_DISABLED", "accessNotConfigured")


@dataclass(frozen=True, slots=True, kw_only=True)
class GcpEndpoints:
    """Base URL of each API (scheme and host, no path)."""

    resourcemanager: str = "https://cloudresourcemanager.googleapis.com"
    iam: str = "https://iam.googleapis.com"
    iamcredentials: str = "https://iamcredentials.googleapis.com"
    compute: str = "https://compute.googleapis.com"
    functions: str = "https://cloudfunctions.googleapis.com"
    run: str = "https://run.googleapis.com"
    policyanalyzer: str = "https://policyanalyzer.googleapis.com"
    #: Regional: ``{location}`` is replaced by the region.
    aiplatform: str = "https://{location}-aiplatform.googleapis.com"

    @classmethod
    def single(cls, base: str) -> GcpEndpoints:
        """Every API at one base URL (an emulator or a test server)."""
        root = base.rstrip("/")
        return cls(**{f.name: root for f in fields(cls)})

    @classmethod
    def from_env(cls) -> GcpEndpoints:
        base = os.environ.get(ENDPOINT_VARIABLE, "").strip()
        return cls.single(base) if base else cls()

    @property
    def overridden(self) -> bool:
        return self != GcpEndpoints()


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    attempts: int = 8  # within the call's time budget (live_limits)
    #: First wait in seconds; doubled each time, with jitter, up to ``max_delay``.
    base_delay: float = 1.0
    max_delay: float = 20.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        asked = retry_after_seconds(retry_after)
        if asked is not None:
            return min(asked, self.max_delay)
        delay: float = min(self.base_delay * (2**attempt), self.max_delay)
        return delay * random.uniform(0.5, 1.0)

    def scaled(self, base_delay: float) -> RetryPolicy:
        return replace(self, base_delay=base_delay, max_delay=base_delay * 8)


class ApiError(CallError):
    """A failed call, as one line: the permission it needed and the reason."""

    def __init__(self, call: str, detail: str, *, status: int | None = None, disabled: bool = False) -> None:
        self.call = call
        #: An API's own words may echo what it was sent: anything credential-shaped is never repeated.
        self.detail = redact_text(detail, loose=True)
        self.status = status
        #: The API is not enabled in the project: none of its resources can exist there.
        self.disabled = disabled
        super().__init__(f"{call}: {self.detail}")

    @property
    def missing(self) -> bool:
        """The resource is gone (deleted between a listing and this call)."""
        return self.status == 404


#: What a phase turns into a recorded failure: a failed call, or an answer of an unexpected shape.
FAILURES: tuple[type[Exception], ...] = (ApiError, *SHAPE_ERRORS)


def error_detail(status: int, payload: object, fallback: str) -> tuple[str, bool]:
    """``HTTP 403 PERMISSION_DENIED: message`` from a Google error answer, and whether the API is disabled."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return f"HTTP {status}: {one_line(fallback, 200) or 'no error details'}", False
    state = error.get("status")
    message = str(error.get("message") or fallback or "no error details")
    reasons = [str(d.get("reason")) for d in error.get("details") or () if isinstance(d, dict)]
    reasons += [str(e.get("reason")) for e in error.get("errors") or () if isinstance(e, dict)]
    disabled = any(r in _DISABLED_REASONS for r in reasons)
    return one_line(f"HTTP {status}" + (f" {state}" if state else "") + f": {message}"), disabled


class Rest:
    """One authorised session (thread-safe, pooled) and the read-only request rules."""

    def __init__(
        self, credentials: Any, *, retry: RetryPolicy, pool: int = 16, limits: CallLimits | None = None
    ) -> None:
        from google.auth.transport import requests as google_requests
        from requests.adapters import HTTPAdapter

        session_type: Any = google_requests.AuthorizedSession  # not annotated by google-auth
        self.session: Any = session_type(credentials)
        for prefix in ("https://", "http://"):  # room for every worker thread, so no connection is discarded
            self.session.mount(prefix, HTTPAdapter(pool_connections=pool, pool_maxsize=pool))
        self.session.headers["User-Agent"] = USER_AGENT
        self.retry = retry
        self.limits = limits or CallLimits()

    def get(self, url: str, call: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self._request("GET", url, call, params)

    def get_iam_policy(self, url: str, call: str) -> dict[str, Any]:
        """POST ``…:getIamPolicy`` asking for policy version 3 (so conditional bindings are returned whole)."""
        return self._request("POST", url, call, {"options.requestedPolicyVersion": 3})

    def pages(
        self,
        url: str,
        call: str,
        params: Mapping[str, Any] | None = None,
        *,
        token_param: str = "pageToken",
        next_token: Callable[[dict[str, Any]], object] = lambda page: page.get("nextPageToken"),
    ) -> Iterator[dict[str, Any]]:
        """Every page of a listing, following its continuation token; a token given twice is an error (the
        listing would loop forever and what it holds is unknown)."""
        query = dict(params or {})
        seen: set[str] = set()
        while True:
            page = self.get(url, call, query)
            yield page
            token = next_token(page)
            if not token or not isinstance(token, str):
                return
            if token in seen:
                raise ApiError(call, REPEATED_TOKEN)
            seen.add(token)
            if len(seen) >= live_limits.MAX_PAGES:
                raise ApiError(call, live_limits.too_many_pages())
            query[token_param] = token

    def listed(self, url: str, call: str, key: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        """The ``key`` items of every page, concatenated; a page whose ``key`` is not a list of objects is an
        error of the call (read as an empty listing, it would lose what it holds in silence)."""
        found: list[dict[str, Any]] = []
        for page in self.pages(url, call, params):
            items = page.get(key) or []
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise ApiError(call, f"unexpected answer ({key} is not a list of objects): not used")
            found.extend(items)
        return found

    def _request(self, method: str, url: str, call: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
        if method != "GET" and not (method == "POST" and url.endswith(":getIamPolicy")):
            raise PermissionError(f"nhi-scan refuses to {method} {url}: not a read-only call it makes")
        note_call(call)
        from google.auth.exceptions import GoogleAuthError

        attempt = 0
        deadline = time.monotonic() + self.limits.retry_budget
        timeout = (self.limits.connect_timeout, self.limits.read_timeout)

        def another(wait: float) -> bool:
            """Wait and try again, when attempts and the call's time budget allow."""
            if attempt + 1 >= self.retry.attempts or time.monotonic() + wait > deadline:
                return False
            time.sleep(wait)
            return True

        while True:
            try:
                response = self.session.request(method, url, params=params, timeout=timeout, stream=True)
                status = int(response.status_code)
                seconds = max(deadline - time.monotonic(), self.limits.read_timeout)
                body = read_body(pieces_of(response.raw), seconds)
                payload = _payload(body)
            except GoogleAuthError as exc:
                raise ApiError(call, one_line(f"credentials: {exc}")) from None
            except (OSError, ValueError) as exc:  # requests' ConnectionError, Timeout, a body cut short; a bad URL
                if another(self.retry.delay(attempt)):
                    attempt += 1
                    continue
                raise ApiError(call, one_line(f"{type(exc).__name__}: {exc}", 200)) from None
            unreadable = status < 400 and not isinstance(payload, dict)  # asked once more: it may have been passing
            retried = status in RETRIED_STATUSES or (unreadable and attempt == 0)
            if retried and another(self.retry.delay(attempt, response.headers.get("Retry-After"))):
                attempt += 1
                continue
            return self._answer(status, payload, body[:200].decode("utf-8", "replace"), call)

    @staticmethod
    def _answer(status: int, payload: object, text: str, call: str) -> dict[str, Any]:
        if status >= 400:
            detail, disabled = error_detail(status, payload, text)
            raise ApiError(call, detail, status=status, disabled=disabled)
        if not isinstance(payload, dict):
            raise ApiError(call, UNREADABLE, status=status)
        return payload


def _payload(body: bytes) -> object:
    """The decoded JSON body (``{}`` when empty), or None when it is not JSON."""
    try:
        return json.loads(body) if body.strip() else {}
    except ValueError:
        return None
