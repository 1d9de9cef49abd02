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
from nhi_scan.redact import quote

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


def resource_of(relative: str) -> tuple[str, str | None] | None:
    """(resource, project) named by the ``KIND/ID/`` directories right above the file (``projects/p/...``,
    ``projects/p/service-accounts/EMAIL/...``, ``projects/p/buckets/B/...``), in the path relative to the directory
    scanned; None when the file lies anywhere else."""
    parts = PurePath(relative).parts[:-1]
    if len(parts) < 2:
        return None
    kind, ident = KINDS.get(parts[-2]), parts[-1]
    if kind in _TOP:
        return f"{kind}/{ident}", ident if kind == "projects" else None
    if kind is None or len(parts) < 4 or parts[-4] != "projects":
        return None
    project = parts[-3]
    return f"projects/{project}/{kind}/{ident}", project


def load_at(source: str, relative: str, value: object) -> Records:
    found = resource_of(relative)
    if found is None:
        raise InputError(
            source,
            "an IAM policy that does not name its resource: put it at projects/ID/iam-policy.json, "
            "folders/ID/..., organizations/ID/... or projects/ID/service-accounts/EMAIL/... (see collect gcp)",
        )
    resource, project = found
    if re.search(r"[\s]", resource):
        raise InputError(source, f"resource name from the path has spaces: {quote(resource)}")
    data = require_object(value, source)
    if not (data.raw.keys() <= _POLICY_KEYS and data.raw.keys() & {"bindings", "etag"}):
        # Named iam-policy.json but not a policy (wrapped, or other fields): read as one, it would be an empty
        # policy and every grant on the resource would vanish without a word.
        raise InputError(source, "not an IAM policy (expected only bindings, etag, version, auditConfigs)")
    return Records((policy(data, resource, project=project),))


FORMAT = InputFormat(
    name="gcp-iam-policy",
    provider=GCP,
    description="gcloud ... get-iam-policy (resource from the directory)",
    sniff_json=sniff,
    load=lambda source, value: load_at(source, source, value),
    load_at=load_at,
    file_names=("iam-policy.json",),
)
