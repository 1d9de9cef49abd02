"""Typed, frozen records shared by every cloud: the inventory, findings and scan result.

Unknown values are ``None``, never a placeholder string, so checks can tell "never" from "not known".
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NewType

#: A cloud's short id ("aws", "gcp", "azure", or a plug-in's own): an open set, so that adding a cloud is adding a
#: plug-in (``nhi_scan.providers``), never editing the model. Each plug-in defines its constant.
Provider = NewType("Provider", str)


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
    DENY_POLICY = "deny-policy"
    DIRECTORY_ROLE = "directory-role"
    APP_ROLE = "app-role"
    RBAC_ASSIGNMENT = "rbac-assignment"
    #: Delegated permissions consented for a client (Entra oauth2PermissionGrants): the app acts for signed-in users.
    DELEGATED_GRANT = "delegated-grant"
    #: Permissions of a resource's own access list (Azure Key Vault access policies).
    ACCESS_POLICY = "access-policy"


class ScopeKind(enum.StrEnum):
    """Levels of the clouds' resource hierarchies (a grant at one level applies to every level below)."""

    ORGANIZATION = "organization"
    ORGANIZATIONAL_UNIT = "organizational-unit"
    ACCOUNT = "account"
    FOLDER = "folder"
    PROJECT = "project"
    TENANT = "tenant"
    MANAGEMENT_GROUP = "management-group"
    SUBSCRIPTION = "subscription"
    RESOURCE_GROUP = "resource-group"
    RESOURCE = "resource"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """One node of a resource hierarchy (AWS organisation / OU / account; GCP organization / folder / project;
    Azure tenant / management group / subscription / resource group), with its parent: grants inherit down it."""

    id: str
    provider: Provider
    kind: ScopeKind
    name: str | None = None
    #: Id of the scope this one sits in; None at the top (or when the export does not say).
    parent: str | None = None
    #: Provider-specific facts (a GCP project's number...).
    attributes: Mapping[str, Any] = field(default_factory=dict)


class TrustKind(enum.StrEnum):
    """Who a trust lets in, in words every cloud shares."""

    #: A named principal or a whole account / project / tenant of a cloud.
    PRINCIPAL = "principal"
    #: A cloud service acting for the customer (lambda.amazonaws.com, a GCP service agent...).
    SERVICE = "service"
    #: Holders of tokens from an identity provider (OIDC / SAML issuer): workload identity federation.
    FEDERATED = "federated"
    #: Anyone at all (a wildcard principal).
    ANY = "any"
    OTHER = "other"


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
    #: Provider-specific facts (a GCP key's disable reason, origin...).
    attributes: Mapping[str, Any] = field(default_factory=dict)


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
    #: Since when its use is tracked (GCP Activity Analyzer's observation period), for identities without a creation
    #: date: no recorded use since then means unused for that long.
    usage_tracked_since: datetime | None = None
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
    #: Other ids of the same identity (GCP unique id and email, Azure object id and app id).
    aliases: tuple[str, ...] = ()
    #: Ids of the principals that own it (Entra app owners, GCP service account admins); tags give ``owner``.
    owners: tuple[str, ...] = ()
    #: False when the provider says it is disabled; None when not known.
    enabled: bool | None = None

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
    #: A condition of the binding / assignment itself (GCP IAM condition, Azure ABAC), as the provider gives it;
    #: AWS conditions live inside ``document``.
    condition: Mapping[str, Any] | None = None
    #: Only eligible (Entra PIM, Azure PIM): the principal must activate it first.
    eligible: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Trust:
    """One statement of who may become an identity (AWS trust policy, impersonation binding, federation)."""

    target_id: str
    principal_type: TrustKind
    #: The principal as the provider names it (an ARN, a service, an identity provider's id, "*").
    principal: str
    actions: tuple[str, ...]
    conditions: Mapping[str, Any]
    provider: Provider
    effect: str = "Allow"
    statement_index: int = 0
    #: Federation claims the trust requires (FEDERATED trusts): the issuer, and the subjects / audiences a token
    #: must carry when the trust pins them exactly (empty: not pinned, or pinned by a pattern).
    issuer: str | None = None
    subjects: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    #: Every claim a token must carry for the trust to admit it (FEDERATED trusts), in the token's own claim names
    #: (the cloud's condition keys mapped by its connector: AWS ``accounts.google.com:aud`` is the ``azp`` claim).
    claims: tuple[ClaimTest, ...] = ()
    #: What else the trust requires that the token alone cannot show (another condition key, an attribute
    #: condition not understood): federation through it is conditional. None: the claims are the whole test.
    unjudged: str | None = None
    #: The trust in a few words, for reasons ("federated identity credential gh-main of application deployer").
    description: str = ""


class ClaimMatch(enum.StrEnum):
    """How a trust compares a claim with its values."""

    EQUALS = "equals"
    #: ``*`` any text, ``?`` one character (AWS StringLike, Entra flexible federated credentials).
    LIKE = "like"
    #: The claim starts with the value (GCP CEL ``startsWith``).
    PREFIX = "prefix"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimTest:
    """One claim a federated token must (or, negated, must not) carry."""

    claim: str
    values: tuple[str, ...]
    match: ClaimMatch = ClaimMatch.EQUALS
    negated: bool = False

    def describe(self) -> str:
        verb = {ClaimMatch.EQUALS: "=", ClaimMatch.LIKE: "matches", ClaimMatch.PREFIX: "starts with"}[self.match]
        values = " or ".join(self.values) if self.values else "(nothing)"
        return f"{self.claim} {'not ' if self.negated else ''}{verb} {values}"


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    """A token an identity of the estate can obtain from an issuer, with the claims the issuer puts in it: where
    federation into another cloud (or another tenant) starts."""

    identity_id: str
    #: Issuer host and path, no scheme, no trailing slash (``sts.windows.net/TENANT``).
    issuer: str
    #: Claims the issuer sets (sub, azp, oid, email, account...).
    claims: Mapping[str, str]
    #: Claims the holder picks when it asks for the token (the audience of a Google ID token).
    chosen: frozenset[str] = frozenset({"aud"})
    #: Claims that start with a fixed text and end with one the holder picks (an AWS role session name).
    prefixed: Mapping[str, str] = field(default_factory=dict)
    #: Claims the holder picks among known values (an Entra token's audience: a resource of the tenant).
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: How the identity obtains it, for reasons ("a Google-signed ID token (generateIdToken)").
    how: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityProvider:
    """An issuer of tokens that identities of a cloud accept (AWS OIDC / SAML provider, GCP workload identity pool
    provider, Entra federated credential issuer): where federation enters an estate."""

    id: str
    provider: Provider
    #: Issuer host and path without scheme (token.actions.githubusercontent.com), or a SAML entity id.
    issuer: str
    protocol: str
    scope: str
    audiences: tuple[str, ...] = ()
    #: A condition every token must meet (GCP attributeCondition); None: any token of the issuer is accepted.
    condition: str | None = None
    enabled: bool = True
    attributes: Mapping[str, Any] = field(default_factory=dict)


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
    #: Further identities it runs as (a GCP VM's several service accounts, an Azure app's managed identities).
    other_identity_ids: tuple[str, ...] = ()
    #: The application it belongs to (from tags or labels), so reuse across applications can be judged.
    application: str | None = None
    #: The platform uses its identity, not the application (an ECS task execution role): never judged as reuse.
    platform: bool = False

    @property
    def identity_ids(self) -> tuple[str, ...]:
        return (self.identity_id, *self.other_identity_ids)


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
    #: Read, but part of it could not be (broken lines of a newline-delimited export): the scan is incomplete.
    PARTIAL = "partial"


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """One input (file or live call) and what became of it."""

    path: str
    kind: str | None
    status: SourceStatus
    detail: str = ""
    provider: Provider | None = None

    @property
    def failed(self) -> bool:
        """Unusable, or only partly read: the scan is incomplete and says why."""
        return self.status is SourceStatus.ERROR or self.status is SourceStatus.PARTIAL

    @property
    def read(self) -> bool:
        """Its documents are in the inventory (all of them, or what could be read)."""
        return self.status is SourceStatus.USED or self.status is SourceStatus.PARTIAL


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceUsage:
    """Access Advisor-style record: when an identity last used a service (and its tracked actions)."""

    identity_id: str
    service: str
    last_used: datetime | None
    #: Tracked action (``svc:Action``) -> last use; only for services with action-level tracking.
    actions: Mapping[str, datetime | None] = field(default_factory=dict)
    #: The service controls identities, keys or secrets: unused access to it is the most dangerous to keep.
    sensitive: bool = False
    #: Every action the identity is granted on the service is one the usage data never records (AWS
    #: ``iam:PassRole``): no use on record says nothing, so the service is never called unused.
    untracked_only: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization:
    """Where each account sits in its organisation, so service control policies can be applied."""

    management_account: str | None
    #: Account id -> target ids from the root down to the account itself (root, OUs..., account).
    account_paths: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretAtRest:
    """Secret material an input file held (a saved ``create-access-key`` answer, a key file): where it lies and what
    it looks like, never the value."""

    source: str
    #: Where in the file: a JSON path (``$.AccessKey.SecretAccessKey``) or ``line 3``.
    field: str
    looks_like: str
    #: The export shape it came in ("an `aws iam create-access-key` answer"); empty for a bare shape (a PEM block).
    export: str = ""
    #: The cloud whose shape it is; None for a shape of no one cloud (a PEM block in a file no cloud claims).
    provider: Provider | None = None
    #: Whose secret it is, where the file says (("AccessKeyId", "AKIA..."), ("UserName", "ci")).
    belongs_to: tuple[tuple[str, str], ...] = ()
    #: A keyed digest of the value (``redact.secret_digest``; the key lives only in this process): tells the same
    #: secret met in an identity's tag from another one, never what it is. Empty for declared fields.
    digest: str = ""


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
    identity_providers: tuple[IdentityProvider, ...] = ()
    #: The resource hierarchy of every scope covered (organisations, folders, accounts, subscriptions...).
    hierarchy: tuple[Scope, ...] = ()
    #: Service control policies are Grants of kind SCP whose principal_id is the target (root/OU/account) id.
    organization: Organization | None = None
    #: Provider scopes covered, e.g. ("aws", "123456789012").
    scopes: tuple[tuple[Provider, str], ...] = ()
    warnings: tuple[str, ...] = ()
    #: Secret material the input files held (the engine adds what the loader met; parsers never keep it).
    secrets_at_rest: tuple[SecretAtRest, ...] = ()


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
        return not any(s.failed for s in self.sources)
