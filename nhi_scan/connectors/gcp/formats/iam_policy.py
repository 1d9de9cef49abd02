"""A bare `get-iam-policy` answer (projects, folders, organizations, service accounts, buckets, secrets, topics,
datasets): it does not name its resource, so the directory convention does (see the connector README)."""

from __future__ import annotations

import re
from pathlib import PurePath

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.records import Records
from nhi_scan.connectors.gcp.rest import policy, require_object
from nhi_scan.errors import InputError

_POLICY_KEYS = frozenset({"bindings", "etag", "version", "auditConfigs"})
#: Directory names of the convention -> the resource collection they name.
KINDS = {
    "organizations": "organizations",
    "folders": "folders",
    "projects": "projects",
    "service-accounts": "serviceAccounts",
    "serviceAccounts": "serviceAccounts",
    "buckets": "buckets",
    "secrets": "secrets",
    "topics": "topics",
    "datasets": "datasets",
}
_TOP = ("organizations", "folders", "projects")


def sniff(value: object) -> bool:
    return (
        isinstance(value, dict)
        and bool(value)
        and set(value) <= _POLICY_KEYS
        and ("bindings" in value or "etag" in value)
        and isinstance(value.get("bindings", []), list)
    )


def resource_of(source: str) -> tuple[str, str | None]:
    """(resource, project) named by the nearest ``KIND/ID/`` directories of the path, e.g.
    ``projects/p/service-accounts/x@p.iam.gserviceaccount.com/iam-policy.json`` -> the service account of p."""
    parts = PurePath(source).parts[:-1]
    for index in range(len(parts) - 2, -1, -1):
        kind = KINDS.get(parts[index])
        if kind is None:
            continue
        ident = parts[index + 1]
        if kind in _TOP:
            return f"{kind}/{ident}", ident if kind == "projects" else None
        project = next((parts[i + 1] for i in range(index - 2, -1, -1) if parts[i] == "projects"), None)
        if project is None:
            break
        if kind == "serviceAccounts":
            return f"projects/{project}/serviceAccounts/{ident}", project
        return f"projects/{project}/{kind}/{ident}", project
    raise InputError(
        source,
        "an IAM policy that does not name its resource: put it at projects/ID/iam-policy.json, "
        "folders/ID/..., organizations/ID/... or projects/ID/service-accounts/EMAIL/... (see collect gcp)",
    )


def load(source: str, value: object) -> Records:
    resource, project = resource_of(source)
    if re.search(r"[\s]", resource):
        raise InputError(source, f"resource name from the path has spaces: {resource[:60]!r}")
    return Records((policy(require_object(value, source), resource, project=project),))


FORMAT = InputFormat(
    name="gcp-iam-policy",
    provider=GCP,
    description="gcloud ... get-iam-policy (resource from the directory)",
    sniff_json=sniff,
    load=load,
)
