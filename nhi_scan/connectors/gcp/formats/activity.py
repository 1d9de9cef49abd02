"""`gcloud policy-intelligence query-activity --activity-type=serviceAccountKeyLastAuthentication |
serviceAccountLastAuthentication --format=json`: when keys and service accounts last authenticated.

An answer covers its project: a key or account it does not list has not authenticated in the observation period.
The project of an empty answer (``[]``) comes from the directory convention (``projects/ID/activity-*.json``)."""

from __future__ import annotations

from pathlib import PurePath

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, sniff_items
from nhi_scan.connectors.gcp.records import ActivityCoverage, ActivityRecord, Record, Records
from nhi_scan.connectors.gcp.rest import ACTIVITY_KINDS, activity
from nhi_scan.errors import InputError

_FILE_KINDS = {"activity-key-authentication.json": "key", "activity-sa-authentication.json": "service-account"}


def _is_activity(item: dict[str, object]) -> bool:
    kind = item.get("activityType")
    return isinstance(kind, str) and kind in ACTIVITY_KINDS and "activity" in item


def sniff(value: object) -> bool:
    return sniff_items(value, _is_activity, page_key="activities")


def _project_of(relative: str) -> str | None:
    """``projects/ID/activity-*.json`` (relative to the directory scanned) -> ID."""
    parts = PurePath(relative).parts
    return parts[-2] if len(parts) >= 3 and parts[-3] == "projects" else None


def load(source: str, value: object) -> Records:
    return load_at(source, source, value)


def load_at(source: str, relative: str, value: object) -> Records:
    """An empty ``{}`` is an error, not an empty answer: gcloud writes ``[]``, and an object read as no activity
    would turn every account of the project into one never used."""
    if value == {}:
        raise InputError(
            source, "an empty object, not an activity answer (gcloud writes [] when nothing authenticated)"
        )
    found: list[Record] = [activity(entry) for entry in items(source, value, page_key="activities")] if value else []
    kinds = {r.kind for r in found if isinstance(r, ActivityRecord)} or {_FILE_KINDS.get(PurePath(source).name, "")}
    project = _project_of(relative) or next((r.project for r in found if isinstance(r, ActivityRecord)), None)
    starts = [r.observed_since for r in found if isinstance(r, ActivityRecord) and r.observed_since is not None]
    since = min(starts) if starts else None
    coverage = [ActivityCoverage(kind=k, project=project, source=source, since=since) for k in sorted(kinds) if k]
    return Records((*found, *coverage))


FORMAT = InputFormat(
    name="gcp-activity",
    provider=GCP,
    description="gcloud policy-intelligence query-activity",
    sniff_json=sniff,
    load=load,
    load_at=load_at,
    file_names=tuple(_FILE_KINDS),
)
