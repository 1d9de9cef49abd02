"""REST access to Microsoft Graph and Azure Resource Manager for live collection: reads only, retries on throttling
(honouring ``Retry-After``), one-line errors, every page of a listing.

Calls go through azure-core's pipeline (a ``PipelineClient`` with the credential's bearer-token policy and a retry
policy); a first policy refuses anything but GET before it reaches the network: the scanner is an NHI too, and it
only ever reads. Page links (``@odata.nextLink``, ``nextLink``) are followed only on the API's own host, so the
bearer token never goes anywhere else. Endpoints are overridable (``NHI_SCAN_AZURE_GRAPH_ENDPOINT``,
``NHI_SCAN_AZURE_ARM_ENDPOINT``) for sovereign clouds, emulators and tests; plain http is allowed on loopback only.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from nhi_scan import __version__
from nhi_scan.connectors import live_limits
from nhi_scan.connectors.live_limits import (
    SHAPE_ERRORS,
    AnswerCutOff,
    CallError,
    CallLimits,
    note_call,
    one_line,
    pieces_of,
    read_body,
)
from nhi_scan.errors import UsageError
from nhi_scan.redact import redact_text

if TYPE_CHECKING:
    from azure.core import PipelineClient
    from azure.core.credentials import TokenCredential

GRAPH_VARIABLE = "NHI_SCAN_AZURE_GRAPH_ENDPOINT"
ARM_VARIABLE = "NHI_SCAN_AZURE_ARM_ENDPOINT"
GRAPH = "https://graph.microsoft.com"
ARM = "https://management.azure.com"
USER_AGENT = f"nhi-scan/{__version__}"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Characters OData query options keep as they are (``$filter=type eq 'CustomRole'`` -> ``%20`` for spaces only).
_QUERY_SAFE = "$',()=:/*"


def _base(value: str, variable: str) -> str:
    base = value.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UsageError(f"{variable}={value!r}: not a URL (https://HOST)")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise UsageError(f"{variable}={value!r}: bearer tokens go over https only (http on 127.0.0.1 only)")
    return base


@dataclass(frozen=True, slots=True, kw_only=True)
class AzureEndpoints:
    """Base URL of each API (scheme and host, no path)."""

    graph: str = GRAPH
    arm: str = ARM

    @classmethod
    def single(cls, base: str) -> AzureEndpoints:
        """Both APIs at one base URL (a test server): Graph under /v1.0 and /beta, ARM under the rest."""
        return cls(graph=_base(base, "endpoint"), arm=_base(base, "endpoint"))

    @classmethod
    def from_env(cls) -> AzureEndpoints:
        graph = os.environ.get(GRAPH_VARIABLE, "").strip()
        arm = os.environ.get(ARM_VARIABLE, "").strip()
        return cls(graph=_base(graph, GRAPH_VARIABLE) if graph else GRAPH, arm=_base(arm, ARM_VARIABLE) if arm else ARM)

    @property
    def overridden(self) -> bool:
        return self != AzureEndpoints()

    @staticmethod
    def scope_of(base: str, default: str) -> str:
        """The token scope of an API: ``{base}/.default`` for an https endpoint (a sovereign cloud's), the public
        cloud's for a loopback test server."""
        return f"{base}/.default" if base.startswith("https://") else f"{default}/.default"

    @property
    def graph_scope(self) -> str:
        return self.scope_of(self.graph, GRAPH)

    @property
    def arm_scope(self) -> str:
        return self.scope_of(self.arm, ARM)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How throttled (429) and failing (5xx) calls are retried: ``Retry-After`` when the API sends it (capped at
    ``max_delay``), otherwise exponential backoff from ``base_delay``."""

    attempts: int = 8  # within the call's time budget (live_limits)
    base_delay: float = 1.0
    max_delay: float = 60.0


class ApiError(CallError):
    """A failed call, as one line: the call and the reason."""

    def __init__(self, call: str, detail: str, *, status: int | None = None, code: str | None = None) -> None:
        self.call = call
        #: An API's own words may echo what it was sent: anything credential-shaped is never repeated.
        self.detail = redact_text(detail, loose=True)
        self.status = status
        self.code = code
        super().__init__(f"{call}: {self.detail}")

    @property
    def missing(self) -> bool:
        """The object is gone (deleted between a listing and this call)."""
        return self.status == 404

    @property
    def denied(self) -> bool:
        return self.status in (401, 403)


#: What a phase turns into a recorded failure: a failed call, or an answer of an unexpected shape.
FAILURES: tuple[type[Exception], ...] = (ApiError, *SHAPE_ERRORS)


def error_detail(status: int, payload: object, fallback: str) -> tuple[str, str | None]:
    """``HTTP 403 Authorization_RequestDenied: message`` from a Graph or ARM error answer, and the error code."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        return f"HTTP {status}: {one_line(fallback, 200) or 'no error details'}", None
    code = error.get("code")
    message = str(error.get("message") or fallback or "no error details")
    label = f" {code}" if isinstance(code, str) and code else ""
    return one_line(f"HTTP {status}{label}: {message}"), code if isinstance(code, str) else None


def with_query(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode(dict(params), quote_via=quote, safe=_QUERY_SAFE)}"


UNREADABLE = "unreadable answer (not a JSON object; an HTTP error page or a body cut short?)"
REPEATED_LINK = "paging repeats a next-page link: stopped (the listing is incomplete)"


def _pipeline(
    base: str, credential: TokenCredential, scope: str, retry: RetryPolicy, pool: int, limits: CallLimits
) -> PipelineClient[Any, Any]:
    import requests
    from azure.core import PipelineClient
    from azure.core.pipeline import PipelineRequest, policies
    from azure.core.pipeline.transport import RequestsTransport

    class ReadOnlyPolicy(policies.SansIOHTTPPolicy[Any, Any]):
        def on_request(self, request: PipelineRequest[Any]) -> None:
            method = request.http_request.method.upper()
            if method != "GET":
                raise PermissionError(f"nhi-scan refuses to {method} {request.http_request.url}: it only reads")

    class CappedRetry(policies.RetryPolicy[Any, Any]):
        """Waits capped at ``max_delay`` and at what is left of the call's time budget (kept per thread: the
        pipeline runs in the calling thread, and worker threads share it)."""

        calls = threading.local()

        def send(self, request: PipelineRequest[Any]) -> Any:
            self.calls.deadline = time.monotonic() + limits.retry_budget
            return super().send(request)

        def _left(self) -> float:
            deadline = getattr(self.calls, "deadline", None)
            return retry.max_delay if deadline is None else max(0.0, deadline - time.monotonic())

        def get_retry_after(self, response: Any) -> float | None:
            found = super().get_retry_after(response)
            return None if found is None else min(found, retry.max_delay, self._left())

        def get_backoff_time(self, settings: dict[str, Any]) -> float:
            return min(float(super().get_backoff_time(settings)), self._left())

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=pool, pool_maxsize=pool)
    for prefix in ("https://", "http://"):  # room for every worker thread, so no connection is discarded
        session.mount(prefix, adapter)
    chain: list[Any] = [
        ReadOnlyPolicy(),
        policies.UserAgentPolicy(base_user_agent=USER_AGENT),
        CappedRetry(
            retry_total=max(0, retry.attempts - 1),
            retry_status=max(0, retry.attempts - 1),
            retry_backoff_factor=retry.base_delay,
            retry_backoff_max=retry.max_delay,
            timeout=limits.retry_budget,  # no attempt starts after it
        ),
        policies.BearerTokenCredentialPolicy(credential, scope),
    ]
    transport = RequestsTransport(
        session=session,
        session_owner=True,
        connection_timeout=limits.connect_timeout,
        read_timeout=limits.read_timeout,
    )
    client: PipelineClient[Any, Any] = PipelineClient(base_url=base, policies=chain, transport=transport)
    return client


class Rest:
    """One API (Graph or ARM): its pipeline, and the read-only request rules."""

    def __init__(
        self,
        base: str,
        credential: TokenCredential,
        *,
        scope: str,
        retry: RetryPolicy,
        pool: int = 16,
        limits: CallLimits | None = None,
    ) -> None:
        self.base = base
        parts = urlsplit(base)
        self._origin = (parts.scheme, parts.netloc.lower())
        self._plain = parts.scheme == "http"  # loopback only (checked by AzureEndpoints)
        self.limits = limits or CallLimits()
        self._client = _pipeline(base, credential, scope, retry, pool, self.limits)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def get(self, url: str, call: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        """One GET (retried by the pipeline on throttling and 5xx); a success that is not JSON is asked once more,
        as a passing fault of a proxy would be."""
        target = with_query(url, params)
        parts = urlsplit(target)
        if (parts.scheme, parts.netloc.lower()) != self._origin:  # the bearer token goes to this API only
            raise ApiError(call, f"{parts.scheme}://{parts.netloc} is not {self.base}: not called")
        note_call(call)
        status, payload, text = self._send(target, call)
        if status < 400 and not isinstance(payload, dict):
            status, payload, text = self._send(target, call)
        if status >= 400:
            detail, code = error_detail(status, payload, text)
            raise ApiError(call, detail, status=status, code=code)
        if not isinstance(payload, dict):
            raise ApiError(call, UNREADABLE, status=status)
        return payload

    def _send(self, target: str, call: str, *, again: bool = True) -> tuple[int, object, str]:
        """Status, decoded JSON body (None when not JSON) and the start of the text of one GET. The body is read
        here, as it arrives and within the call's budget (not by the pipeline, which would wait on a body that
        trickles in for ever); one cut short is asked ``again``, as the pipeline would have."""
        from azure.core.exceptions import (
            AzureError,
            ClientAuthenticationError,
            ServiceRequestTimeoutError,
            ServiceResponseTimeoutError,
        )
        from azure.core.rest import HttpRequest

        options: dict[str, Any] = {"enforce_https": False} if self._plain else {}
        try:
            response = self._client.send_request(HttpRequest("GET", target), stream=True, **options)
            raw = getattr(getattr(response, "_internal_response", None), "raw", None)  # requests' urllib3 answer
            try:
                content = read_body(pieces_of(raw if raw is not None else response), self.limits.retry_budget)
            except AnswerCutOff:
                raise
            except OSError:
                if again:
                    return self._send(target, call, again=False)
                raise
        except ClientAuthenticationError as exc:
            raise ApiError(call, one_line(f"credentials: {exc.message}", 240)) from None
        except (ServiceRequestTimeoutError, ServiceResponseTimeoutError) as exc:
            budget = f"{self.limits.retry_budget:g}"
            raise ApiError(
                call,
                one_line(
                    f"no usable answer within the {budget}s retry budget (throttled, failing or slow: {exc.message})",
                    200,
                ),
            ) from None
        except AzureError as exc:
            raise ApiError(call, one_line(f"{type(exc).__name__}: {exc.message}", 200)) from None
        except (OSError, ValueError) as exc:  # the transport's own, when azure-core did not wrap them
            raise ApiError(call, one_line(f"{type(exc).__name__}: {exc}", 200)) from None
        try:
            payload: object = json.loads(content) if content else {}
        except ValueError:
            payload = None
        return int(response.status_code), payload, content[:200].decode("utf-8", "replace")

    def pages(
        self, url: str, call: str, params: Mapping[str, str] | None = None, *, next_key: str = "@odata.nextLink"
    ) -> Iterator[dict[str, Any]]:
        """Every page of a listing, following its absolute page links on this API's host only; a page whose
        ``value`` is not a list of objects is an error of the call, not an empty page."""
        page = self.get(url, call, params)
        seen: set[str] = set()
        while True:
            items = page.get("value", [])
            if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
                raise ApiError(call, "unexpected answer (value is not a list of objects): not used")
            yield page
            link = page.get(next_key)
            if not link or not isinstance(link, str):
                return
            if link in seen:  # followed, it would loop forever
                raise ApiError(call, REPEATED_LINK)
            if len(seen) >= live_limits.MAX_PAGES:
                raise ApiError(call, live_limits.too_many_pages())
            parts = urlsplit(link)
            if (parts.scheme, parts.netloc.lower()) != self._origin:
                raise ApiError(call, f"next page link leaves {self.base} ({parts.netloc}): not followed")
            seen.add(link)
            page = self.get(link, call)

    def listed(
        self, url: str, call: str, params: Mapping[str, str] | None = None, *, next_key: str = "@odata.nextLink"
    ) -> list[dict[str, Any]]:
        """The ``value`` items of every page, concatenated."""
        return [
            item
            for page in self.pages(url, call, params, next_key=next_key)
            for item in page.get("value") or ()
            if isinstance(item, dict)
        ]

    def close(self) -> None:
        self._client.close()
