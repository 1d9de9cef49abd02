"""Typed records of AWS documents as exported, before they are merged into an Inventory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nhi_scan.model import PolicyVersion


@dataclass(frozen=True, slots=True, kw_only=True)
class InlinePolicy:
    name: str
    document: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachedPolicy:
    name: str
    arn: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRecord:
    arn: str
    name: str
    user_id: str | None
    path: str
    created: datetime | None
    inline: tuple[InlinePolicy, ...]
    groups: tuple[str, ...]
    attached: tuple[AttachedPolicy, ...]
    boundary_arn: str | None
    tags: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupRecord:
    arn: str
    name: str
    path: str
    created: datetime | None
    inline: tuple[InlinePolicy, ...]
    attached: tuple[AttachedPolicy, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleRecord:
    arn: str
    name: str
    path: str
    created: datetime | None
    trust_document: Mapping[str, Any] | None
    inline: tuple[InlinePolicy, ...]
    attached: tuple[AttachedPolicy, ...]
    boundary_arn: str | None
    tags: Mapping[str, str]
    #: RoleLastUsed present in the export at all (absent = unknown, empty = never used).
    last_used_known: bool
    last_used: datetime | None
    last_used_region: str | None
    instance_profiles: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagedPolicyRecord:
    arn: str
    name: str
    default_version_id: str | None
    attachment_count: int | None
    versions: tuple[PolicyVersion, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GaadDocument:
    users: tuple[UserRecord, ...]
    groups: tuple[GroupRecord, ...]
    roles: tuple[RoleRecord, ...]
    policies: tuple[ManagedPolicyRecord, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class KeySlot:
    """One access key column group of the credential report (access_key_1 / access_key_2)."""

    index: int
    active: bool
    last_rotated: datetime | None
    last_used: datetime | None
    last_used_service: str | None
    last_used_region: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CertSlot:
    index: int
    active: bool
    last_rotated: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialReportRow:
    user: str
    arn: str
    created: datetime | None
    password_enabled: bool | None
    password_last_used: datetime | None
    password_last_changed: datetime | None
    password_next_rotation: datetime | None
    mfa_active: bool | None
    keys: tuple[KeySlot, ...]
    certs: tuple[CertSlot, ...]
    line: int

    @property
    def is_root(self) -> bool:
        return self.user == "<root_account>"


@dataclass(frozen=True, slots=True, kw_only=True)
class CredentialReport:
    rows: tuple[CredentialReportRow, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKeyRecord:
    user: str
    key_id: str
    active: bool
    created: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKeyList:
    keys: tuple[AccessKeyRecord, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessKeyLastUsed:
    user: str
    key_id: str | None
    last_used: datetime | None
    service: str | None
    region: str | None
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AwsDocuments:
    """Everything loaded for AWS, grouped by kind, with the file each came from."""

    gaad: list[tuple[str, GaadDocument]] = field(default_factory=list)
    credential_reports: list[tuple[str, CredentialReport]] = field(default_factory=list)
    access_keys: list[tuple[str, AccessKeyList]] = field(default_factory=list)
    last_used: list[tuple[str, AccessKeyLastUsed]] = field(default_factory=list)
