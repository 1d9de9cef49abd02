"""Merge loaded AWS documents into one Inventory. Pure: no I/O, no SDK."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.classify import UserEvidence, classify_role, classify_user
from nhi_scan.connectors.aws.credentials import user_credentials
from nhi_scan.connectors.aws.enrich import parse_snapshot
from nhi_scan.connectors.aws.records import (
    AccessKeyLastUsed,
    AccessKeyList,
    AccessKeyRecord,
    AttachedPolicy,
    AwsDocuments,
    CredentialReport,
    CredentialReportRow,
    GaadDocument,
    GroupRecord,
    InlinePolicy,
    ManagedPolicyRecord,
    RoleRecord,
    UserRecord,
)
from nhi_scan.connectors.aws.trust import trusts_from_document
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import (
    Grant,
    Identity,
    IdentityKind,
    IdentityProvider,
    Inventory,
    Policy,
    PolicyKind,
    Trust,
    TrustKind,
)
from nhi_scan.settings import DEFAULT_OWNER_TAG_KEYS


def account_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 4 and parts[4] else "unknown"


def group_documents(documents: Iterable[LoadedDocument]) -> AwsDocuments:
    grouped = AwsDocuments()
    for document in documents:
        payload = document.payload
        if isinstance(payload, GaadDocument):
            grouped.gaad.append((document.source, payload))
        elif isinstance(payload, CredentialReport):
            grouped.credential_reports.append((document.source, payload))
        elif isinstance(payload, AccessKeyList):
            grouped.access_keys.append((document.source, payload))
        elif isinstance(payload, AccessKeyLastUsed):
            grouped.last_used.append((document.source, payload))
    return grouped


def owner_from_tags(tags: Mapping[str, str], owner_keys: Sequence[str]) -> str | None:
    wanted = {key.lower() for key in owner_keys}
    for key, value in tags.items():
        if key.lower() in wanted and value.strip():
            return value.strip()
    return None


@dataclass(slots=True)
class _Merged:
    """Everything known about the account(s), keyed by ARN (later pages refine earlier ones)."""

    users: dict[str, UserRecord] = field(default_factory=dict)
    user_sources: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    groups: dict[str, GroupRecord] = field(default_factory=dict)
    roles: dict[str, RoleRecord] = field(default_factory=dict)
    role_sources: dict[str, str] = field(default_factory=dict)
    policies: dict[str, ManagedPolicyRecord] = field(default_factory=dict)
    report_rows: dict[str, CredentialReportRow] = field(default_factory=dict)
    keys_by_user: dict[str, list[AccessKeyRecord]] = field(default_factory=lambda: defaultdict(list))
    #: get-access-key-last-used answers by key id, and by user for answers that name no key.
    last_used_by_key: dict[str, AccessKeyLastUsed] = field(default_factory=dict)
    last_used_by_user: dict[str, list[AccessKeyLastUsed]] = field(default_factory=lambda: defaultdict(list))
    warnings: list[str] = field(default_factory=list)
    accounts: set[str] = field(default_factory=set)


def _differs(merged: _Merged, earlier: object, record: UserRecord | GroupRecord | RoleRecord, source: str) -> None:
    """Two authorization-details files giving one identity different contents (two snapshots of an account, one
    edited): the one read last is used, and that is said."""
    if earlier is not None and earlier != record:
        merged.warnings.append(
            f"{source}: {record.arn} is also in another authorization-details file with other contents: this one "
            "is read"
        )


def _merge(documents: AwsDocuments) -> _Merged:
    merged = _Merged()
    for source, gaad in documents.gaad:
        merged.warnings.extend(gaad.warnings)
        for user in gaad.users:
            _differs(merged, merged.users.get(user.arn), user, source)
            merged.users[user.arn] = user
            merged.user_sources[user.arn].add(source)
        for group in gaad.groups:
            _differs(merged, merged.groups.get(group.arn), group, source)
            merged.groups[group.arn] = group
        for role in gaad.roles:
            _differs(merged, merged.roles.get(role.arn), role, source)
            merged.roles[role.arn] = role
            merged.role_sources[role.arn] = source
        for policy in gaad.policies:
            merged.policies[policy.arn] = policy
    for source, report in documents.credential_reports:
        merged.warnings.extend(report.warnings)
        for row in report.rows:
            merged.report_rows[row.arn] = row
            merged.user_sources[row.arn].add(source)
    for _, key_list in documents.access_keys:
        for key in key_list.keys:
            merged.keys_by_user[key.user].append(key)
    for _, usage in documents.last_used:
        if usage.key_id:
            merged.last_used_by_key[usage.key_id] = usage
        else:
            merged.last_used_by_user[usage.user].append(usage)
    for arn in (*merged.users, *merged.roles, *merged.report_rows):
        merged.accounts.add(account_of(arn))
    return merged


class _GrantBuilder:
    """Resolve attached managed policies to their default documents, noting the ones not exported."""

    def __init__(self, merged: _Merged) -> None:
        self._policies = merged.policies
        self.missing: dict[str, int] = defaultdict(int)

    def grants(
        self,
        principal_arn: str,
        inline: Iterable[InlinePolicy],
        attached: Iterable[AttachedPolicy],
        *,
        via: str | None = None,
    ) -> Iterator[Grant]:
        for policy in inline:
            owner = via or principal_arn
            yield Grant(
                principal_id=principal_arn,
                policy_id=f"{owner}#inline/{policy.name}",
                policy_name=policy.name,
                policy_kind=PolicyKind.INLINE,
                document=policy.document,
                provider=AWS,
                via=via,
            )
        for attachment in attached:
            record = self._policies.get(attachment.arn)
            document = None
            if record is not None:
                document = next((v.document for v in record.versions if v.is_default), None)
            if document is None:
                self.missing[attachment.arn] += 1
                continue
            yield Grant(
                principal_id=principal_arn,
                policy_id=attachment.arn,
                policy_name=attachment.name,
                policy_kind=PolicyKind.MANAGED,
                document=document,
                provider=AWS,
                via=via,
            )

    def boundary(self, principal_arn: str, boundary_arn: str | None) -> Iterator[Grant]:
        if boundary_arn is None:
            return
        record = self._policies.get(boundary_arn)
        document = next((v.document for v in record.versions if v.is_default), None) if record else None
        if document is None:
            self.missing[boundary_arn] += 1
            return
        yield Grant(
            principal_id=principal_arn,
            policy_id=boundary_arn,
            policy_name=record.name if record else boundary_arn,
            policy_kind=PolicyKind.BOUNDARY,
            document=document,
            provider=AWS,
        )


def _group_arn_by_name(merged: _Merged) -> dict[tuple[str, str], str]:
    return {(account_of(arn), group.name): arn for arn, group in merged.groups.items()}


def _user_identity(
    arn: str,
    merged: _Merged,
    group_arns: Mapping[tuple[str, str], str],
    owner_keys: Sequence[str],
) -> Identity:
    record = merged.users.get(arn)
    row = merged.report_rows.get(arn)
    account = account_of(arn)
    name = record.name if record else (row.user if row else arn.rsplit("/", 1)[-1])
    if row is not None and row.is_root:
        name = "root"
    keys = merged.keys_by_user.get(name, [])
    credentials, notes = user_credentials(
        arn, row, keys, merged.last_used_by_key, merged.last_used_by_user.get(name, [])
    )
    merged.warnings.extend(notes)
    tags = dict(record.tags) if record else {}
    created = (record.created if record else None) or (row.created if row else None)
    groups = tuple(
        group_arns[(account, group)] for group in (record.groups if record else ()) if (account, group) in group_arns
    )
    if row is not None and row.is_root:
        kind, machine, reason = IdentityKind.ROOT, False, "account root user: sign-in of the account owner"
    else:
        kind = IdentityKind.USER
        machine, reason = classify_user(
            UserEvidence(
                name=name,
                path=record.path if record else "/",
                tags=tags,
                password_enabled=row.password_enabled if row else None,
                mfa_active=row.mfa_active if row else None,
                active_keys=sum(1 for c in credentials if c.active and c.kind.value == "access-key"),
            )
        )
    return Identity(
        id=arn,
        provider=AWS,
        kind=kind,
        name=name,
        scope=account,
        machine=machine,
        machine_reason=reason,
        created=created,
        owner=owner_from_tags(tags, owner_keys),
        tags=tags,
        credentials=credentials,
        path=record.path if record else None,
        groups=groups,
        mfa_active=row.mfa_active if row else None,
        sources=tuple(sorted(merged.user_sources.get(arn, ()))),
        attributes={
            "permissions_boundary": record.boundary_arn if record else None,
            # None = unknown (no credential report row): escalation through login profiles is then conditional.
            "login_profile": row.password_enabled if row and not row.is_root else None,
        },
    )


def _role_identity(role: RoleRecord, trusts: Sequence[Trust], source: str, owner_keys: Sequence[str]) -> Identity:
    services = tuple(t.principal for t in trusts if t.principal_type == "service" and t.effect == "Allow")
    saml = any(
        t.principal_type == "federated" and (":saml-provider/" in t.principal or "sts:AssumeRoleWithSAML" in t.actions)
        for t in trusts
    )
    machine, reason = classify_role(name=role.name, path=role.path, saml_federated=saml, trusted_services=services)
    return Identity(
        id=role.arn,
        provider=AWS,
        kind=IdentityKind.ROLE,
        name=role.name,
        scope=account_of(role.arn),
        machine=machine,
        machine_reason=reason,
        created=role.created,
        last_used=role.last_used,
        last_used_known=role.last_used_known,
        owner=owner_from_tags(role.tags, owner_keys),
        tags=dict(role.tags),
        path=role.path,
        provider_managed=role.path.startswith("/aws-service-role/"),
        sources=(source,),
        attributes={
            "instance_profiles": list(role.instance_profiles),
            "permissions_boundary": role.boundary_arn,
            "last_used_region": role.last_used_region,
        },
    )


def _group_identity(group: GroupRecord, source_names: Sequence[str]) -> Identity:
    return Identity(
        id=group.arn,
        provider=AWS,
        kind=IdentityKind.GROUP,
        name=group.name,
        scope=account_of(group.arn),
        machine=False,
        machine_reason="group: not a principal, judged through its members",
        created=group.created,
        path=group.path,
        sources=tuple(source_names),
    )


def _policy(record: ManagedPolicyRecord) -> Policy:
    return Policy(
        id=record.arn,
        name=record.name,
        provider=AWS,
        scope=account_of(record.arn) if account_of(record.arn) != "aws" else "aws",
        versions=record.versions,
        provider_managed=record.arn.startswith("arn:aws:iam::aws:") or ":iam::aws:policy/" in record.arn,
        attachment_count=record.attachment_count,
    )


def parse(documents: Iterable[LoadedDocument], *, owner_tag_keys: Sequence[str] = DEFAULT_OWNER_TAG_KEYS) -> Inventory:
    """Snapshot documents -> Inventory for every AWS account they describe."""
    return parse_snapshot(
        list(documents),
        lambda group: _parse_iam(group, owner_tag_keys),
        lambda tags: owner_from_tags(tags, owner_tag_keys),
    )


def _parse_iam(documents: Iterable[LoadedDocument], owner_tag_keys: Sequence[str]) -> Inventory:
    """The IAM exports (GAAD, credential report, access keys) of one account or more -> Inventory."""
    merged = _merge(group_documents(documents))
    group_arns = _group_arn_by_name(merged)
    builder = _GrantBuilder(merged)
    identities: list[Identity] = []
    grants: list[Grant] = []
    trusts: list[Trust] = []
    gaad_sources = sorted(set(merged.role_sources.values()))

    for arn in sorted(set(merged.users) | set(merged.report_rows)):
        identity = _user_identity(arn, merged, group_arns, owner_tag_keys)
        identities.append(identity)
        record = merged.users.get(arn)
        if record is None:
            continue
        grants.extend(builder.grants(arn, record.inline, record.attached))
        for group_arn in identity.groups:
            group = merged.groups[group_arn]
            grants.extend(builder.grants(arn, group.inline, group.attached, via=group_arn))
        grants.extend(builder.boundary(arn, record.boundary_arn))

    for arn in sorted(merged.roles):
        role = merged.roles[arn]
        role_trusts = list(trusts_from_document(arn, role.trust_document)) if role.trust_document else []
        trusts.extend(role_trusts)
        identities.append(_role_identity(role, role_trusts, merged.role_sources[arn], owner_tag_keys))
        grants.extend(builder.grants(arn, role.inline, role.attached))
        grants.extend(builder.boundary(arn, role.boundary_arn))

    for arn in sorted(merged.groups):
        group = merged.groups[arn]
        identities.append(_group_identity(group, gaad_sources[:1]))
        # The group's own policies, so it can be judged as what a new member would gain.
        grants.extend(builder.grants(arn, group.inline, group.attached))

    warnings = list(merged.warnings)
    if builder.missing:
        sample = ", ".join(sorted(builder.missing)[:3])
        warnings.append(
            f"{len(builder.missing)} attached managed policies are not in the export (e.g. {sample}); their "
            "permissions are unknown: export with the AWSManagedPolicy and LocalManagedPolicy filters"
        )
    return Inventory(
        identities=tuple(identities),
        grants=tuple(grants),
        policies=tuple(_policy(record) for record in merged.policies.values()),
        trusts=tuple(trusts),
        identity_providers=identity_providers(trusts),
        scopes=tuple((AWS, account) for account in sorted(merged.accounts)),
        warnings=tuple(warnings),
    )


def identity_providers(trusts: Iterable[Trust]) -> tuple[IdentityProvider, ...]:
    """The OIDC and SAML providers that trust policies name (the account's own IAM objects), once each."""
    found: dict[str, IdentityProvider] = {}
    for trust in trusts:
        if trust.principal_type is not TrustKind.FEDERATED or trust.issuer is None:
            continue
        arn = trust.principal
        if ":oidc-provider/" in arn or ":saml-provider/" in arn:
            protocol = "oidc" if ":oidc-provider/" in arn else "saml"
            found.setdefault(
                arn,
                IdentityProvider(id=arn, provider=AWS, issuer=trust.issuer, protocol=protocol, scope=account_of(arn)),
            )
    return tuple(found[key] for key in sorted(found))
