"""Typed records of what GCP exports say, whichever tool printed them (per-command gcloud JSON or Cloud Asset
Inventory): every format loads into these, and ``parse`` joins them into the Inventory.

Resource names are kept as the export gives them (``projects/123`` or ``projects/my-app``, CAI's
``//iam.googleapis.com/...``); ``names.py`` makes them canonical once every project's number and id are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Binding:
    role: str
    members: tuple[str, ...]
    #: ``{"title", "description", "expression"}`` of a conditional binding.
    condition: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyRecord:
    """An allow policy and the resource it is attached to (None: a bare policy whose resource is unknown)."""

    resource: str
    bindings: tuple[Binding, ...]
    source: str
    #: Project (id or number) the resource belongs to, when the export says (CAI ancestors, the path convention).
    project: str | None = None
    #: Asset type when known ("storage.googleapis.com/Bucket").
    asset_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceAccountRecord:
    email: str
    unique_id: str | None
    project: str
    display_name: str | None
    description: str | None
    disabled: bool
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyRecord:
    key_id: str
    email: str
    project: str
    user_managed: bool
    origin: str | None
    valid_after: datetime | None
    #: None when the key never expires (``9999-12-31T23:59:59Z``).
    valid_before: datetime | None
    disabled: bool
    disable_reason: str | None
    extended_status: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeRecord:
    """An organization, folder or project with its parent (``organizations/O``, ``folders/F``)."""

    name: str
    kind: str
    display_name: str | None
    parent: str | None
    #: Project id and number (both known only from a project record).
    project_id: str | None = None
    project_number: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleRecord:
    """A custom role with its permissions (``projects/P/roles/X``, ``organizations/O/roles/X``)."""

    name: str
    title: str | None
    permissions: tuple[str, ...]
    deleted: bool
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DenyRule:
    denied_principals: tuple[str, ...]
    exception_principals: tuple[str, ...]
    denied_permissions: tuple[str, ...]
    exception_permissions: tuple[str, ...]
    condition: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DenyPolicyRecord:
    name: str
    #: The scope it is attached to, decoded from the name (``projects/P``, ``folders/F``, ``organizations/O``).
    attachment: str
    rules: tuple[DenyRule, ...]
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolProviderRecord:
    """A workload identity pool provider: who outside Google may federate into the pool."""

    name: str
    pool: str
    project: str
    protocol: str
    issuer: str | None
    aws_account: str | None
    allowed_audiences: tuple[str, ...]
    attribute_mapping: Mapping[str, str]
    attribute_condition: str | None
    disabled: bool
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PoolRecord:
    """A workload identity pool: a disabled (or deleted) one admits no token, whatever its providers say."""

    name: str
    disabled: bool
    source: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadRecord:
    """Something that runs as service accounts: an instance, a function, a Cloud Run service, an agent."""

    id: str
    kind: str
    name: str
    project: str
    service_accounts: tuple[str, ...]
    region: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    agent: bool = False
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityRecord:
    """Policy Intelligence Activity Analyzer: the last authentication of a key or a service account."""

    kind: str
    #: Key id (for keys) or service account email / unique id.
    subject: str
    project: str | None
    last_authenticated: datetime | None
    source: str
    #: Start of the observation period the answer covers.
    observed_since: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityCoverage:
    """An Activity Analyzer answer, even an empty one: for its project and kind, absence means "not used"."""

    kind: str
    project: str | None
    source: str
    #: Start of the observation period (from its records; None for an empty answer).
    since: datetime | None = None


Record = (
    PolicyRecord
    | ServiceAccountRecord
    | KeyRecord
    | ScopeRecord
    | RoleRecord
    | DenyPolicyRecord
    | PoolProviderRecord
    | PoolRecord
    | WorkloadRecord
    | ActivityRecord
    | ActivityCoverage
)


@dataclass(frozen=True, slots=True)
class Records:
    """What one file held: records, and notes about what in it could not be used (named by field)."""

    items: tuple[Record, ...]
    notes: tuple[str, ...] = ()
    #: Why only part of the file could be read (the loader marks the source partial, the scan incomplete).
    incomplete: str | None = None
