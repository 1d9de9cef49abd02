"""The resource hierarchy through google-cloud-resource-manager (v3, REST transport): projects, folders and the
organisation, and their IAM policies.

Answers are written in the shapes ``gcloud projects list`` / ``resource-manager folders list`` /
``organizations describe`` print (the v1/v2 APIs gcloud uses: ``projectNumber``, ``lifecycleState``,
``parent{type,id}``), because that is what the offline parser reads, whatever API fetched them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from nhi_scan.connectors import live_limits
from nhi_scan.connectors.gcp import fetch_permissions as perm
from nhi_scan.connectors.gcp.fetch_http import REPEATED_TOKEN, UNREADABLE, USER_AGENT, ApiError, RetryPolicy
from nhi_scan.connectors.live_limits import CallLimits, note_call, one_line

T = TypeVar("T")
_PARENT_TYPES = {"organizations": "organization", "folders": "folder"}


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.microsecond == 0:
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _compact(document: dict[str, Any]) -> dict[str, Any]:
    """Without empty fields, as the REST answer omits them."""
    return {key: value for key, value in document.items() if value not in (None, "", {}, [])}


def project_document(project: Any) -> dict[str, Any]:
    """A v3 ``Project`` as ``gcloud projects list --format=json`` prints it."""
    kind, _, parent_id = str(project.parent).partition("/")
    parent = {"type": _PARENT_TYPES.get(kind, kind), "id": parent_id} if parent_id else None
    return _compact(
        {
            "projectId": project.project_id,
            "projectNumber": str(project.name).rpartition("/")[2],
            "name": project.display_name,
            "lifecycleState": project.state.name,
            "parent": parent,
            "createTime": _time(project.create_time),
            "labels": dict(project.labels),
        }
    )


def folder_document(folder: Any) -> dict[str, Any]:
    """A v3 ``Folder`` as ``gcloud resource-manager folders list --format=json`` prints it."""
    return _compact(
        {
            "name": folder.name,
            "parent": folder.parent,
            "displayName": folder.display_name,
            "lifecycleState": folder.state.name,
            "createTime": _time(folder.create_time),
        }
    )


def organization_document(organization: Any) -> dict[str, Any]:
    """A v3 ``Organization`` as ``gcloud organizations describe --format=json`` prints it."""
    owner = {"directoryCustomerId": organization.directory_customer_id} if organization.directory_customer_id else None
    return _compact(
        {
            "name": organization.name,
            "displayName": organization.display_name,
            "owner": owner,
            "lifecycleState": organization.state.name,
            "creationTime": _time(organization.create_time),
        }
    )


@contextmanager
def _translated(call: str) -> Iterator[None]:
    """Library exceptions -> :class:`ApiError` naming the permission."""
    from google.api_core.exceptions import GoogleAPICallError, RetryError
    from google.auth.exceptions import GoogleAuthError
    from google.protobuf.json_format import ParseError

    try:
        yield
    except RetryError as exc:  # the call's time budget ran out while retrying
        cause = exc.cause
        last = f": {one_line(str(getattr(cause, 'message', None) or cause), 200)}" if cause is not None else ""
        raise ApiError(call, f"gave up retrying within the time budget{last}") from None
    except GoogleAPICallError as exc:
        status = int(exc.code) if isinstance(exc.code, int) else None
        state = getattr(exc.grpc_status_code, "name", None)
        prefix = f"HTTP {status}" if status else type(exc).__name__
        detail = one_line(f"{prefix}" + (f" {state}" if state else "") + f": {exc.message}")
        raise ApiError(call, detail, status=status, disabled=exc.reason == "SERVICE_DISABLED") from None
    except GoogleAuthError as exc:
        raise ApiError(call, one_line(f"credentials: {exc}")) from None
    except OSError as exc:
        raise ApiError(call, one_line(f"{type(exc).__name__}: {exc}", 200)) from None
    except (ParseError, ValueError, UnicodeDecodeError):  # a 200 answer that is not the API's JSON
        raise ApiError(call, UNREADABLE) from None
    except _RepeatedToken as exc:
        raise ApiError(call, str(exc)) from None
    except ApiError:
        raise
    except Exception as exc:  # whatever else the library or its transport raised while making the call
        raise ApiError(call, one_line(f"{type(exc).__name__}: {exc}", 200)) from None


def _bound_bodies(client: Any, seconds: float) -> None:
    """Read every answer of ``client``'s REST session as it arrives, given up after ``seconds`` or
    ``live_limits.MAX_BODY`` bytes (:func:`live_limits.read_body`): the library reads a body whole, so one that
    trickles in a byte within each read timeout would hold the call forever. The session is the transport's
    own (the library offers no hook for it); a library version without one keeps its own reading."""
    from requests import PreparedRequest, Response, Session
    from requests.adapters import HTTPAdapter

    session = getattr(getattr(client, "transport", None), "_session", None)
    if not isinstance(session, Session):
        return

    class BoundedBodies(HTTPAdapter):
        def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
            kwargs["stream"] = True  # whatever was asked: the body is read here, bounded
            response = super().send(request, *args, **kwargs)
            response._content = live_limits.read_body(live_limits.pieces_of(response.raw), seconds)
            response._content_consumed = True
            return response

    for prefix in ("https://", "http://"):
        session.mount(prefix, BoundedBodies())


class _RepeatedToken(Exception):
    """A pager handed the same page token twice (or new ones without end): it would fetch pages forever."""


class ResourceManager:
    """The three resource-manager clients, made on first use; every call retried on throttling."""

    def __init__(
        self, credentials: Any, *, endpoint: str | None, retry: RetryPolicy, limits: CallLimits | None = None
    ) -> None:
        """``endpoint``: a base URL instead of the library's own (which also picks mTLS and universe endpoints)."""
        self._credentials = credentials
        self._endpoint = endpoint
        self._retry_policy = retry
        self._limits = limits or CallLimits()
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _client(self, kind: str) -> Any:
        from google.api_core.client_options import ClientOptions
        from google.api_core.gapic_v1.client_info import ClientInfo
        from google.cloud import resourcemanager_v3

        info: Any = ClientInfo  # not annotated by google-api-core
        with self._lock:
            if kind not in self._clients:
                factory = getattr(resourcemanager_v3, kind)
                client = factory(
                    credentials=self._credentials,
                    transport="rest",
                    client_options=ClientOptions(api_endpoint=self._endpoint) if self._endpoint else None,
                    client_info=info(user_agent=USER_AGENT),
                )
                _bound_bodies(client, max(self._limits.read_timeout, self._limits.retry_budget))
                self._clients[kind] = client
            return self._clients[kind]

    def _retry(self) -> Any:
        from google.api_core import exceptions, retry

        policy = self._retry_policy
        transient = (
            exceptions.TooManyRequests,
            exceptions.InternalServerError,
            exceptions.BadGateway,
            exceptions.ServiceUnavailable,
            exceptions.GatewayTimeout,
        )
        return retry.Retry(
            predicate=retry.if_exception_type(*transient),
            initial=policy.base_delay,
            maximum=policy.max_delay,
            multiplier=2.0,
            timeout=self._limits.retry_budget,
        )

    def _call(self, kind: str, method: str, call: str, request: dict[str, Any], convert: Callable[[Any], T]) -> T:
        note_call(call)
        with _translated(call):
            timeout = self._limits.read_timeout
            answer = getattr(self._client(kind), method)(request=request, retry=self._retry(), timeout=timeout)
            return convert(answer)  # pagers fetch their next pages here, inside the translation

    def search_projects(self, query: str) -> list[dict[str, Any]]:
        """Projects the credentials can see (resourcemanager.projects.get on each)."""
        request = {"query": query}
        return self._call("ProjectsClient", "search_projects", perm.PROJECTS_GET, request, _all(project_document))

    def list_projects(self, parent: str) -> list[dict[str, Any]]:
        """Active projects directly under an organisation or folder."""
        request = {"parent": parent}
        return self._call("ProjectsClient", "list_projects", perm.PROJECTS_LIST, request, _all(project_document))

    def get_project(self, project: str) -> dict[str, Any]:
        request = {"name": f"projects/{project}"}
        return self._call("ProjectsClient", "get_project", perm.PROJECTS_GET, request, project_document)

    def list_folders(self, parent: str) -> list[dict[str, Any]]:
        """Active folders directly under an organisation or folder."""
        request = {"parent": parent}
        return self._call("FoldersClient", "list_folders", perm.FOLDERS_LIST, request, _all(folder_document))

    def get_organization(self, organization: str) -> dict[str, Any]:
        request = {"name": f"organizations/{organization}"}
        return self._call(
            "OrganizationsClient", "get_organization", perm.ORGANIZATIONS_GET, request, organization_document
        )

    def iam_policy(self, resource: str) -> dict[str, Any]:
        """The IAM policy (version 3) of ``projects/P``, ``folders/F`` or ``organizations/O``."""
        from google.protobuf.json_format import MessageToDict

        kind = resource.partition("/")[0]
        client, call = {
            "projects": ("ProjectsClient", perm.PROJECTS_POLICY),
            "folders": ("FoldersClient", perm.FOLDERS_POLICY),
            "organizations": ("OrganizationsClient", perm.ORGANIZATIONS_POLICY),
        }[kind]
        request = {"resource": resource, "options": {"requested_policy_version": 3}}
        policy: dict[str, Any] = self._call(client, "get_iam_policy", call, request, MessageToDict)
        return policy


def _all(convert: Callable[[Any], dict[str, Any]]) -> Callable[[Any], list[dict[str, Any]]]:
    """Every item of every page of a pager; a page token given twice stops it (the library's pager would loop)."""

    def read(pager: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        for page in pager.pages:
            found.extend(convert(item) for item in _items(page))
            token = str(getattr(page, "next_page_token", "") or "")
            if token in seen:
                raise _RepeatedToken(REPEATED_TOKEN)
            if len(seen) >= live_limits.MAX_PAGES:
                raise _RepeatedToken(live_limits.too_many_pages())
            if token:
                seen.add(token)
        return found

    return read


def _items(page: Any) -> list[Any]:
    """The repeated field of a listing page (``projects``, ``folders``)."""
    for name in ("projects", "folders", "organizations"):
        if name in type(page).meta.fields:
            return list(getattr(page, name))
    return []
