"""boto3 access for live collection: read-only calls only, adaptive retries, timeouts, one-line errors.

boto3/botocore are imported lazily (inside functions) so that offline scans never need them. Every call goes
through :class:`Api`, which refuses any operation not in :data:`READ_ONLY_OPERATIONS` before it reaches the
network: the scanner is an NHI too, and it only ever reads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, TypeVar

from nhi_scan import __version__

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
#: Errors that mean "this service does not exist here", not "the scan is incomplete".
_UNAVAILABLE_ERRORS = ("EndpointConnectionError", "UnknownEndpoint")


class ApiError(Exception):
    """A failed call, as one line: the IAM action and the reason."""

    def __init__(self, call: str, detail: str, *, code: str | None = None, unavailable: bool = False) -> None:
        self.call = call
        self.detail = detail
        self.code = code
        #: The service has no endpoint in this region (not an error of the scan).
        self.unavailable = unavailable
        super().__init__(f"{call}: {detail}")


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def botocore_config(max_pool: int) -> Any:
    """Adaptive retries (client-side rate limiting on throttling) and bounded timeouts.

    ``AWS_MAX_ATTEMPTS`` and ``AWS_RETRY_MODE`` are honoured as botocore does elsewhere.
    """
    from botocore.config import Config

    return Config(
        retries={
            "mode": os.environ.get("AWS_RETRY_MODE", "adaptive"),
            "max_attempts": int(os.environ.get("AWS_MAX_ATTEMPTS", "10")),
        },
        connect_timeout=10,
        read_timeout=60,
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
        raise ApiError("session", _one_line(str(exc))) from None


def _no_retry_on_error_pages(response: Any = None, **_: Any) -> bool | None:
    """Veto retries of an HTML "500 Internal Server Error" page: it is not an AWS answer (an emulator's missing
    operation, a broken proxy) and ten adaptive retries would only wait a minute for the same page."""
    http_response = response[0] if response else None
    if http_response is None or http_response.status_code not in (500, 501):
        return None
    start = (http_response.content or b"")[:64].lstrip().lower()
    return False if start.startswith((b"<!doctype html", b"<html")) else None


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
    ) -> None:
        self.session = session
        self.account = account
        self.region = region
        self._config = botocore_config(max_pool)
        self._credentials = credentials or {}
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def for_account(self, account: str, credentials: dict[str, str]) -> Api:
        """Clients of another account, made from the same session so its event hooks apply to them too."""
        return Api(self.session, account=account, region=self.region, credentials=credentials)

    def client(self, service: str, region: str | None = None) -> Any:
        key = (service, region or self.region)
        with self._lock:
            if key not in self._clients:
                client = self.session.client(service, region_name=key[1], config=self._config, **self._credentials)
                event = f"needs-retry.{client.meta.service_model.service_id.hyphenize()}"
                client.meta.events.register_first(event, _no_retry_on_error_pages)
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
        return client, f"{client.meta.service_model.signing_name}:{operation}"

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
        with _translated(label):
            for page in client.get_paginator(method).paginate(**kwargs):
                page.pop("ResponseMetadata", None)
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
        raise ApiError(label, _one_line(f"{code}: {message}"), code=code) from None
    except ResponseParserError:
        raise ApiError(label, "unreadable answer (not an AWS API response; an HTTP error page?)") from None
    except BotoCoreError as exc:
        name = type(exc).__name__
        detail = _one_line(f"{name}: {exc}", 200)
        raise ApiError(label, detail, code=name, unavailable=name in _UNAVAILABLE_ERRORS) from None


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
