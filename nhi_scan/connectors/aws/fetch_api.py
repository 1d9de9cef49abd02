"""boto3 access for live collection: read-only calls only, adaptive retries, timeouts, one-line errors.

boto3/botocore are imported lazily (inside functions) so that offline scans never need them. Every call goes
through :class:`Api`, which refuses any operation not in :data:`READ_ONLY_OPERATIONS` before it reaches the
network: the scanner is an NHI too, and it only ever reads.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

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
    retry_after_seconds,
)
from nhi_scan.redact import redact_text

T = TypeVar("T")
R = TypeVar("R")

#: Every API operation nhi-scan may call, by botocore service name. Only List/Get/Describe/BatchGet reads, plus:
#: GenerateCredentialReport and GenerateServiceLastAccessedDetails, which start report jobs (they change nothing
#: in the account; the credential report and Access Advisor data are only available that way), AssumeRole (to
#: reach member accounts) and GetCallerIdentity (needs no permission).
READ_ONLY_OPERATIONS: dict[str, frozenset[str]] = {
    "sts": frozenset({"GetCallerIdentity", "AssumeRole"}),
    "iam": frozenset(
        {
            "GetAccountAuthorizationDetails",
            "GenerateCredentialReport",
            "GetCredentialReport",
            "ListAccessKeys",
            "GetAccessKeyLastUsed",
            "ListServiceSpecificCredentials",
            "ListSSHPublicKeys",
            "ListSigningCertificates",
            "ListInstanceProfiles",
            "GenerateServiceLastAccessedDetails",
            "GetServiceLastAccessedDetails",
        }
    ),
    "ec2": frozenset({"DescribeInstances", "DescribeRegions"}),
    "lambda": frozenset({"ListFunctions"}),
    "ecs": frozenset({"ListTaskDefinitions", "DescribeTaskDefinition"}),
    "cloudformation": frozenset({"DescribeStacks"}),
    "codebuild": frozenset({"ListProjects", "BatchGetProjects"}),
    "glue": frozenset({"GetJobs", "GetDevEndpoints"}),
    "sagemaker": frozenset({"ListNotebookInstances", "DescribeNotebookInstance"}),
    "bedrock-agent": frozenset({"ListAgents", "GetAgent"}),
    "bedrock-agentcore-control": frozenset(
        {
            "ListAgentRuntimes",
            "GetAgentRuntime",
            "ListGateways",
            "GetGateway",
            "ListWorkloadIdentities",
            "ListTagsForResource",
        }
    ),
    "organizations": frozenset(
        {
            "DescribeOrganization",
            "ListAccounts",
            "ListRoots",
            "ListOrganizationalUnitsForParent",
            "ListAccountsForParent",
            "ListPolicies",
            "DescribePolicy",
            "ListTargetsForPolicy",
        }
    ),
}
#: Signs, in a connection error, that the endpoint's name does not resolve: the service does not exist in that
#: region (a refused or reset connection is a fault of the call, reported like any other).
_UNRESOLVED = ("resolve", "Name or service not known", "nodename nor servname", "getaddrinfo", "No address")
#: Where a call's retry deadline is kept in botocore's per-call context.
_DEADLINE = "nhi_scan_deadline"
#: Longest ``Retry-After`` honoured as asked (a longer one is waited for this long, within the budget).
MAX_RETRY_AFTER = 30.0
#: Error codes AWS APIs throttle with (HTTP 400 or 429).
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
    }
)


class ApiError(CallError):
    """A failed call, as one line: the IAM action and the reason."""

    def __init__(self, call: str, detail: str, *, code: str | None = None, unavailable: bool = False) -> None:
        self.call = call
        #: An API's own words may echo what it was sent: anything credential-shaped is never repeated.
        self.detail = redact_text(detail, loose=True)
        self.code = code
        #: The service has no endpoint in this region (not an error of the scan).
        self.unavailable = unavailable
        super().__init__(f"{call}: {self.detail}")


#: What a phase turns into a recorded failure: a failed call, or an answer of an unexpected shape.
FAILURES: tuple[type[Exception], ...] = (ApiError, *SHAPE_ERRORS)


def max_attempts() -> int:
    text = os.environ.get("AWS_MAX_ATTEMPTS", "10").strip()
    return max(1, int(text)) if text.isdigit() else 10


def botocore_config(max_pool: int, limits: CallLimits) -> Any:
    """Adaptive retries (client-side rate limiting on throttling) and bounded timeouts.

    ``AWS_MAX_ATTEMPTS`` and ``AWS_RETRY_MODE`` are honoured as botocore does elsewhere.
    """
    from botocore.config import Config

    mode = os.environ.get("AWS_RETRY_MODE", "adaptive")
    return Config(
        retries={
            "mode": mode if mode in ("legacy", "standard", "adaptive") else "adaptive",
            "total_max_attempts": max_attempts(),  # as AWS_MAX_ATTEMPTS means: the first attempt included
        },
        connect_timeout=limits.connect_timeout,
        read_timeout=limits.read_timeout,
        max_pool_connections=max_pool,
        user_agent_extra=f"nhi-scan/{__version__}",
    )


def new_session(profile: str | None, region: str | None) -> Any:
    """A boto3 session from the default credential chain (env, SSO, profile, instance role...)."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        return boto3.Session(profile_name=profile, region_name=region)
    except BotoCoreError as exc:
        raise ApiError("session", one_line(str(exc))) from None


def _is_error_page(http_response: Any) -> bool:
    """An HTML "500 Internal Server Error" page: not an AWS answer (an emulator's missing operation, a broken
    proxy); ten adaptive retries would only wait a minute for the same page."""
    if http_response.status_code not in (500, 501):
        return False
    start = (http_response.content or b"")[:64].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def _unreadable(http_response: Any, protocol: str) -> bool:
    """A success status whose body is not an answer of the API's protocol (an HTML page, a truncated or empty
    body: every operation nhi-scan calls answers a document).

    botocore reads such a body as ``{"message": body}`` or ``{}``: a listing with no items, silently."""
    if http_response.status_code >= 300 or http_response.status_code == 204:
        return False
    content = http_response.content or b""
    start = content[:64].lstrip().lower()
    if not start:
        return True
    if start.startswith((b"<!doctype html", b"<html")):
        return True
    if protocol in ("json", "rest-json"):
        try:
            json.loads(content)
        except ValueError:
            return True
        return False
    return protocol in ("query", "ec2", "rest-xml") and not start.startswith(b"<")


def _protocol(operation: Any) -> str:
    return str(getattr(getattr(operation, "service_model", None), "protocol", ""))


def _retry_rules(
    limits: CallLimits, attempts_allowed: int, botocore_rule: Callable[..., Any] | None = None
) -> tuple[Callable[..., None], Callable[..., Any]]:
    """Two botocore event handlers: one stamps each call with its retry deadline, the other (in place of
    botocore's own retry handler, ``botocore_rule``, which it asks first) vetoes retries of error pages and past
    the deadline, retries unreadable answers, waits as ``Retry-After`` asks, and caps botocore's back-off at what
    is left of the budget (it waits up to 20 s, and would start a retry after the budget)."""

    def stamp(context: dict[str, Any] | None = None, **_: Any) -> None:
        if context is not None:
            context[_DEADLINE] = time.monotonic() + limits.retry_budget

    def decide(**event: Any) -> float | bool | None:
        botocore_says = botocore_rule(**event) if botocore_rule is not None else None  # its quota kept as before
        response, request_dict = event.get("response"), event.get("request_dict")
        attempts: int = event.get("attempts", 1)
        http_response = response[0] if response else None
        if http_response is not None and _is_error_page(http_response):
            return False
        context = request_dict.get("context") if isinstance(request_dict, dict) else None
        deadline = context.get(_DEADLINE) if isinstance(context, dict) else None
        left = deadline - time.monotonic() if isinstance(deadline, float) else limits.retry_budget
        if left <= 0:
            return False  # the call has had its time: botocore raises its last error
        if http_response is not None and attempts < attempts_allowed:
            if _unreadable(http_response, _protocol(event.get("operation"))):
                return min(0.5 * attempts, left)
            if http_response.status_code in (429, 503) or _error_code(response) in THROTTLING_CODES:
                asked = retry_after_seconds(http_response.headers.get("Retry-After"))
                if asked is not None:
                    return min(asked, MAX_RETRY_AFTER, left)
        if isinstance(botocore_says, (int, float)) and not isinstance(botocore_says, bool):
            return min(float(botocore_says), left)
        return None if botocore_says is None else False

    return stamp, decide


def _botocore_retry_rule(client: Any, service_id: str) -> Callable[..., Any] | None:
    """botocore's standard retry handler of ``client`` (standard and adaptive modes), taken off the client's
    events so that ``decide`` asks it and caps its delay; None in legacy mode, whose handler stays registered
    (its back-off is then not capped: README)."""
    retries = getattr(client.meta.config, "retries", None) or {}
    if retries.get("mode") not in ("standard", "adaptive"):
        return None
    from botocore.retries import standard

    event, unique = f"needs-retry.{service_id}", f"retry-config-{service_id}"
    client.meta.events.unregister(event, unique_id=unique)
    handler = standard.register_retry_handler(client, retries.get("total_max_attempts"))
    client.meta.events.unregister(event, unique_id=unique)
    return handler.needs_retry  # type: ignore[no-any-return]


def _error_code(response: Any) -> str | None:
    parsed = response[1] if response and len(response) > 1 else None
    error = parsed.get("Error") if isinstance(parsed, dict) else None
    code = error.get("Code") if isinstance(error, dict) else None
    return code if isinstance(code, str) else None


def _bound_bodies(client: Any, limits: CallLimits) -> None:
    """Read each answer's body as it arrives and give it up after the call's budget (or 256 MB): botocore reads it
    whole inside its HTTP session, where a body trickled a byte at a time, each within the read timeout, would
    hold the call for ever. A body given up is a read timeout to botocore (retried within the budget, then the
    call's error); one cut short, a closed connection, as before."""
    from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    send = getattr(session, "send", None)
    if send is None:  # another botocore: its own reading, unbounded
        return

    def bounded(request: Any) -> Any:
        streamed = request.stream_output
        request.stream_output = True  # the session then leaves the body unread
        try:
            response = send(request)
        finally:
            request.stream_output = streamed
        if not streamed:
            try:
                response._content = read_body(pieces_of(response.raw, decode=None), limits.retry_budget)
            except AnswerCutOff as exc:
                raise ReadTimeoutError(endpoint_url=request.url, error=exc) from None
            except OSError as exc:
                raise ConnectionClosedError(endpoint_url=request.url, error=exc) from None
        return response

    session.send = bounded  # type: ignore[union-attr]


def _refuse_unreadable(http_response: Any = None, model: Any = None, **_: Any) -> None:
    """After the last attempt: an unreadable success answer is an error of the call, not an empty listing."""
    from botocore.parsers import ResponseParserError

    if http_response is not None and _unreadable(http_response, _protocol(model)):
        raise ResponseParserError("not an answer of the API")


class Api:
    """The clients of one account (base credentials, or a role assumed in it); every call checked read-only."""

    def __init__(
        self,
        session: Any,
        *,
        account: str,
        region: str,
        max_pool: int = 16,
        credentials: dict[str, str] | None = None,
        limits: CallLimits | None = None,
    ) -> None:
        self.session = session
        self.account = account
        self.region = region
        self.limits = limits or CallLimits.from_env()
        self._config = botocore_config(max_pool, self.limits)
        self._credentials = credentials or {}
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def for_account(self, account: str, credentials: dict[str, str]) -> Api:
        """Clients of another account, made from the same session so its event hooks apply to them too."""
        return Api(self.session, account=account, region=self.region, credentials=credentials, limits=self.limits)

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with self._lock:
            if key not in self._clients:
                client = self.session.client(service, region_name=key[1], config=self._config, **self._credentials)
                service_id = client.meta.service_model.service_id.hyphenize()
                stamp, decide = _retry_rules(self.limits, max_attempts(), _botocore_retry_rule(client, service_id))
                client.meta.events.register(f"before-call.{service_id}", stamp)
                client.meta.events.register_first(f"needs-retry.{service_id}", decide)
                client.meta.events.register(f"after-call.{service_id}", _refuse_unreadable)
                _bound_bodies(client, self.limits)
                self._clients[key] = client
            return self._clients[key]

    def regions_of(self, service: str) -> frozenset[str] | None:
        """Regions where botocore knows the service (None when it knows none, e.g. a service newer than it)."""
        try:
            regions = self.session.get_available_regions(service)
        except Exception:  # only a hint: when unknown, the service is tried
            return None
        return frozenset(regions) or None

    def same_partition(self, region: str) -> bool:
        """Whether ``region`` is in the partition of this session's region (aws, aws-cn, aws-us-gov...)."""
        try:
            return bool(
                self.session.get_partition_for_region(region) == self.session.get_partition_for_region(self.region)
            )
        except Exception:  # unknown to botocore (a region newer than it): keep it
            return True

    def _checked(self, service: str, method: str, region: str | None) -> tuple[Any, str]:
        client = self.client(service, region)
        operation = client.meta.method_to_api_mapping.get(method, method)
        if operation not in READ_ONLY_OPERATIONS.get(service, frozenset()):
            raise PermissionError(f"nhi-scan refuses to call {service}:{operation}: not a read-only operation it uses")
        label = f"{client.meta.service_model.signing_name}:{operation}"
        note_call(label)
        return client, label

    def call(self, service: str, method: str, *, region: str | None = None, **kwargs: Any) -> dict[str, Any]:
        client, label = self._checked(service, method, region)
        with _translated(label):
            answer: dict[str, Any] = getattr(client, method)(**kwargs)
        answer.pop("ResponseMetadata", None)
        return answer

    def pages(self, service: str, method: str, *, region: str | None = None, **kwargs: Any) -> Iterator[dict[str, Any]]:
        client, label = self._checked(service, method, region)
        if not client.can_paginate(method):  # e.g. list-service-specific-credentials: one answer holds all
            yield self.call(service, method, region=region, **kwargs)
            return
        paginator = client.get_paginator(method)
        seen: set[tuple[str, ...]] = set()
        with _translated(label):
            for page in paginator.paginate(**kwargs):
                page.pop("ResponseMetadata", None)
                token = _next_token(paginator, page)
                if token is not None and token in seen:  # botocore only notices a token repeated twice in a row
                    raise ApiError(label, "paging repeats a continuation token: stopped (the listing is incomplete)")
                if token is not None:
                    seen.add(token)
                    if len(seen) >= live_limits.MAX_PAGES:
                        raise ApiError(label, live_limits.too_many_pages())
                yield page

    def merged(
        self, service: str, method: str, keys: Sequence[str], *, region: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """All pages of a paginated call as one answer: the ``keys`` lists concatenated, paging fields dropped."""
        result: dict[str, Any] = {key: [] for key in keys}
        for page in self.pages(service, method, region=region, **kwargs):
            for key in keys:
                result[key].extend(page.get(key) or [])
        return result


def _next_token(paginator: Any, page: dict[str, Any]) -> tuple[str, ...] | None:
    """The continuation token a page hands to the next one (None on the last page)."""
    jmespath: Any = importlib.import_module("jmespath")  # botocore's own dependency (no type stubs)
    config = getattr(paginator, "_pagination_cfg", None)
    expressions = config.get("output_token") if isinstance(config, dict) else None
    if isinstance(expressions, str):
        expressions = [expressions]
    if not isinstance(expressions, list):
        return None
    values = [jmespath.search(expression, page) for expression in expressions if isinstance(expression, str)]
    return None if all(v is None for v in values) else tuple(str(v) for v in values)


@contextmanager
def _translated(label: str) -> Iterator[None]:
    """Turn botocore exceptions raised inside the block into :class:`ApiError` naming the call."""
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    try:
        yield
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "Error")
        message = str(error.get("Message") or exc)
        if code.isdigit():  # an HTTP error page, not an AWS error answer
            raise ApiError(label, f"HTTP {code} from the service (no AWS error details)", code=code) from None
        raise ApiError(label, one_line(f"{code}: {message}"), code=code) from None
    except ResponseParserError:
        raise ApiError(label, "unreadable answer (not an AWS API response; an HTTP error page?)") from None
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, SyntaxError) as exc:
        # botocore's parsers fail this way on a well-formed answer of the wrong shape (an HTML page served as 200)
        raise ApiError(label, f"unreadable answer ({type(exc).__name__} reading it: not an AWS API response)") from None
    except BotoCoreError as exc:
        name = type(exc).__name__
        detail = one_line(f"{name}: {exc}", 200)
        raise ApiError(label, detail, code=name, unavailable=_unavailable(exc)) from None
    except ApiError:
        raise
    except Exception as exc:  # whatever else the SDK or its transport raised while making the call (urllib3's own)
        raise ApiError(label, one_line(f"{type(exc).__name__}: {exc}", 200)) from None


def _unavailable(exc: Exception) -> bool:
    """Whether a botocore error means "this service has no endpoint here", not "the scan is incomplete"."""
    name = type(exc).__name__
    if name == "UnknownEndpoint":
        return True
    kwargs = getattr(exc, "kwargs", None)
    cause = str(kwargs.get("error", "")) if isinstance(kwargs, dict) else ""
    return name == "EndpointConnectionError" and any(sign in cause for sign in _UNRESOLVED)


def map_bounded(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """``[fn(i) for i in items]`` on at most ``workers`` threads; the first failure cancels the rest and is raised.

    Stopping at the first failure is deliberate: a call denied for one user is denied for all of them, and
    retrying it thousands of times would only hammer the API.
    """
    if not items:
        return []
    if workers <= 1 or len(items) == 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="nhi-scan") as pool:
        futures: list[Future[R]] = [pool.submit(fn, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = next((f for f in futures if f in done and f.exception() is not None), None)
        if failed is not None:
            for future in futures:
                future.cancel()
            raise failed.exception()  # type: ignore[misc]
        return [future.result() for future in futures]
