"""The GCP live collector behind `scan --gcp` and `collect gcp` (read-only calls; see ``fetch``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nhi_scan.errors import NhiScanError, UsageError
from nhi_scan.plugin import CollectUi, LiveCollector, LiveOption

OPTIONS = (
    LiveOption(
        name="gcp_projects",
        flags=("--project",),
        help="With --gcp: project ID to scan (repeat; default: every project the credentials can see).",
        type=list[str],
    ),
    LiveOption(
        name="gcp_organization",
        flags=("--organization",),
        help="With --gcp: organization ID: its policies, folders and every project under it.",
    ),
    LiveOption(
        name="gcp_impersonate",
        flags=("--impersonate-service-account",),
        help="With --gcp: service account (email) to impersonate over Application Default Credentials.",
    ),
)
#: Project ids (``my-project``, ``example.com:my-project``) or numbers.
_PROJECT = re.compile(r"^(?:[a-z0-9.-]+:)?[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def check_projects(projects: Sequence[str] | None) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(p.strip() for value in projects or () for p in value.split(",") if p.strip()))
    for project in values:
        if not _PROJECT.match(project):
            raise UsageError(f"--project {project!r}: not a GCP project ID (e.g. my-project-123)")
    return values


def check_organization(organization: str | None) -> str | None:
    if organization is None or not organization.strip():
        return None
    value = organization.strip().removeprefix("organizations/")
    if not value.isdigit():
        raise UsageError(f"--organization {organization!r}: not an organization ID (digits, e.g. 123456789012)")
    return value


def check_impersonate(account: str | None) -> str | None:
    if account is None or not account.strip():
        return None
    value = account.strip()
    if "@" not in value or "/" in value:
        raise UsageError(f"--impersonate-service-account {account!r}: not a service account email")
    return value


def collect(out: Path, values: Mapping[str, Any], ui: CollectUi) -> bool:
    """Collect into ``out``; True when everything was collected. NhiScanError when nothing usable was."""
    from nhi_scan.connectors.gcp.fetch import FetchOptions
    from nhi_scan.connectors.gcp.fetch import collect as fetch

    options = FetchOptions(
        projects=check_projects(values.get("gcp_projects")),
        organization=check_organization(values.get("gcp_organization")),
        impersonate=check_impersonate(values.get("gcp_impersonate")),
        project_workers=int(values.get("workers") or 4),
    )
    result = fetch(out, options, ui)
    if not result.projects and not options.organization:
        raise NhiScanError("no GCP project is visible to the credentials: give --project ID or --organization ID")
    if result.projects and len(result.failed_projects) == len(result.projects) and not options.organization:
        reasons = "; ".join(f.line() for f in result.failures[:3])
        raise NhiScanError(f"no GCP project could be collected: {reasons}")
    return result.complete


def validate(values: Mapping[str, Any], enabled: bool) -> None:
    check_projects(values.get("gcp_projects"))
    check_organization(values.get("gcp_organization"))
    check_impersonate(values.get("gcp_impersonate"))
    given = [o.flags[0] for o in OPTIONS if values.get(o.name)]
    if given and not enabled:
        raise UsageError(f"{' / '.join(given)} needs --gcp (or use nhi-scan collect gcp)")


def _register_collect(app: Any) -> None:
    from nhi_scan.connectors.gcp.cli import register

    register(app)


COLLECTOR = LiveCollector(
    help="Scan GCP live (read-only calls) instead of exports.",
    options=OPTIONS,
    collect=collect,
    validate=validate,
    register_collect=_register_collect,
)
