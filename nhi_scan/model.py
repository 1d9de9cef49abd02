"""Typed, frozen records shared by every cloud: the inventory, findings and scan result.

Unknown values are ``None``, never a placeholder string, so checks can tell "never" from "not known".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class Provider(enum.StrEnum):
    AWS = "aws"
    GCP = "gcp"
    AZURE = "azure"


class IdentityKind(enum.StrEnum):
    USER = "user"
    ROOT = "root"
    ROLE = "role"
    GROUP = "group"
    SERVICE_ACCOUNT = "service-account"
    SERVICE_PRINCIPAL = "service-principal"
    APPLICATION = "application"
    MANAGED_IDENTITY = "managed-identity"
    AGENT_IDENTITY = "agent-identity"


class CredentialKind(enum.StrEnum):
    ACCESS_KEY = "access-key"
    SERVICE_ACCOUNT_KEY = "service-account-key"
    CLIENT_SECRET = "client-secret"
    CERTIFICATE = "certificate"
    PASSWORD = "password"
    FEDERATED = "federated"
    SSH_KEY = "ssh-key"
    SERVICE_SPECIFIC = "service-specific"


#: Credential kinds that are static secrets living outside the cloud (rotation matters).
STATIC_CREDENTIAL_KINDS = frozenset(
    {
        CredentialKind.ACCESS_KEY,
        CredentialKind.SERVICE_ACCOUNT_KEY,
        CredentialKind.CLIENT_SECRET,
        CredentialKind.CERTIFICATE,
        CredentialKind.SERVICE_SPECIFIC,
    }
)


class Severity(enum.IntEnum):
    """Ordered severity: comparisons work (``Severity.HIGH > Severity.LOW``)."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {names})") from None


class Category(enum.StrEnum):
    STATIC_CREDENTIAL = "static-credential"
    STALE = "stale"
    HYGIENE = "hygiene"
    TRUST = "trust"
    OVER_PRIVILEGE = "over-privilege"
    ADMIN = "admin"
    PRIVILEGE_ESCALATION = "privilege-escalation"
    LATERAL_MOVEMENT = "lateral-movement"


class PolicyKind(enum.StrEnum):
    INLINE = "inline"
    MANAGED = "managed"
    BOUNDARY = "permissions-boundary"
    SCP = "scp"
    ROLE_BINDING = "role-binding"


@dataclass(frozen=True, slots=True, kw_only=True)
class Credential:
    """A credential of an identity. Only ids and metadata: never secret material."""

    id: str
    kind: CredentialKind
    identity_id: str
    active: bool
    created: datetime | None = None
    last_rotated: datetime | None = None
    last_used: datetime | None = None
    last_used_service: str | None = None
    last_used_region: str | None = None
    expires: datetime | None = None
    #: True when the provider says the credential has never been used (not merely unknown).
    never_used: bool = False
    label: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Identity:
    id: str
    provider: Provider
    kind: IdentityKind
    name: str
    scope: str
    machine: bool
    machine_reason: str
    created: datetime | None = None
    #: Last use of the identity itself (e.g. role last used); credentials carry their own.
    last_used: datetime | None = None
    #: Whether the provider reported usage tracking for this identity at all.
    last_used_known: bool = False
    owner: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    credentials: tuple[Credential, ...] = ()
    path: str | None = None
    #: Groups (ids) the identity is a direct member of.
    groups: tuple[str, ...] = ()
    mfa_active: bool | None = None
    #: Provider-managed identity (e.g. AWS service-linked role): not the customer's to fix.
    provider_managed: bool = False
    sources: tuple[str, ...] = ()
    #: Why an AI agent runs as this identity (Bedrock agent, AgentCore runtime...); None = not an agent identity.
    agent_reason: str | None = None
    #: Provider-specific facts that no shared field holds (instance profile ARNs, permissions boundary...).
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_principal(self) -> bool:
        return self.kind is not IdentityKind.GROUP

    def active_credentials(self, kind: CredentialKind | None = None) -> tuple[Credential, ...]:
        return tuple(c for c in self.credentials if c.active and (kind is None or c.kind is kind))


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyVersion:
    version_id: str
    document: Mapping[str, Any]
    is_default: bool
    created: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Policy:
    """A named policy object (AWS managed policy, GCP/Azure role definition)."""

    id: str
    name: str
    provider: Provider
    scope: str
    versions: tuple[PolicyVersion, ...]
    provider_managed: bool = False
    attachment_count: int | None = None

    @property
    def default_document(self) -> Mapping[str, Any] | None:
        for version in self.versions:
            if version.is_default:
                return version.document
        return self.versions[0].document if self.versions else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Grant:
    """A policy that applies to a principal, and through what (directly or via a group)."""

    principal_id: str
    policy_id: str
    policy_name: str
    policy_kind: PolicyKind
    document: Mapping[str, Any]
    provider: Provider
    #: Group id when the grant reaches the principal through group membership.
    via: str | None = None
    #: Where the grant applies (GCP project, Azure scope); None = the principal's own scope.
    resource_scope: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Trust:
    """One statement of who may become an identity (AWS trust policy, impersonation binding, federation)."""

    target_id: str
    #: "aws", "service", "federated", "any" (wildcard), "canonical-user".
    principal_type: str
    principal: str
    actions: tuple[str, ...]
    conditions: Mapping[str, Any]
    provider: Provider
    effect: str = "Allow"
    statement_index: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Workload:
    """Something that runs as an identity: an instance, a function, an agent..."""

    id: str
    kind: str
    name: str
    identity_id: str
    provider: Provider
    scope: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class PathHop:
    source: str
    target: str
    edge: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SuppressionMark:
    """Why a finding is an accepted risk: set by governance after the checks, never by a check."""

    reason: str
    owner: str
    expires: date
    #: Where the suppression is declared, e.g. "nhi-scan.toml: suppressions[2]".
    declared_in: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    id: str
    check_id: str
    title: str
    severity: Severity
    category: Category
    provider: Provider
    subject: str
    identity: str | None
    message: str
    remediation: str
    owasp_nhi: tuple[str, ...]
    evidence: Mapping[str, Any] = field(default_factory=dict)
    path: tuple[PathHop, ...] = ()
    #: Set by governance (nhi_scan.governance): an accepted risk that does not count toward --fail-on.
    suppressed: SuppressionMark | None = None
    #: Set by governance: the finding is in the --baseline, so it is not new and does not count either.
    baselined: bool = False

    @property
    def counted(self) -> bool:
        """Whether the finding counts toward --fail-on and the summary (neither suppressed nor baselined)."""
        return self.suppressed is None and not self.baselined


class SourceStatus(enum.StrEnum):
    USED = "used"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input (file or live call) and what became of it."""

    path: str
    kind: str | None
    status: SourceStatus
    detail: str = ""
    provider: Provider | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceUsage:
    """Access Advisor-style record: when an identity last used a service (and its tracked actions)."""

    identity_id: str
    service: str
    last_used: datetime | None
    #: Tracked action (``svc:Action``) -> last use; only for services with action-level tracking.
    actions: Mapping[str, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization:
    """Where each account sits in its organisation, so service control policies can be applied."""

    management_account: str | None
    #: Account id -> target ids from the root down to the account itself (root, OUs..., account).
    account_paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    identities: tuple[Identity, ...] = ()
    grants: tuple[Grant, ...] = ()
    policies: tuple[Policy, ...] = ()
    trusts: tuple[Trust, ...] = ()
    workloads: tuple[Workload, ...] = ()
    #: (workload kind, scope) pairs listed in full (every region): a role with no workload of that kind there has
    #: none, rather than "not known". Filled by live collection; empty for plain exports.
    workload_listings: tuple[tuple[str, str], ...] = ()
    usage: tuple[ServiceUsage, ...] = ()
    #: Service control policies are Grants of kind SCP whose principal_id is the target (root/OU/account) id.
    organization: Organization | None = None
    #: Provider scopes covered, e.g. ("aws", "123456789012").
    scopes: tuple[tuple[Provider, str], ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ScanResult:
    started: datetime
    now: datetime
    inventory: Inventory
    findings: tuple[Finding, ...]
    sources: tuple[Source, ...]
    warnings: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not any(s.status is SourceStatus.ERROR for s in self.sources)
