"""The parts of an AWS snapshot beyond the IAM exports, joined to the IAM inventory one account at a time.

Documents that name users only by user name (list-access-keys, list-ssh-public-keys...) are ambiguous when a
snapshot covers several accounts. `nhi-scan collect aws --org` writes one directory per account, so documents
are grouped by the account whose GAAD or credential report sits in their directory (or a parent directory) and
each group is parsed alone. When that is not possible for every document, everything is parsed together, as
before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.organization import OrgDocuments, build_organization
from nhi_scan.connectors.aws.records import CredentialReport, GaadDocument
from nhi_scan.connectors.aws.usage import ServiceLastAccessed, service_usage
from nhi_scan.connectors.aws.usercreds import UserCredentialList, attach_user_credentials
from nhi_scan.connectors.aws.workloads import (
    AgentIdentityList,
    CollectionSummary,
    InstanceProfileList,
    WorkloadList,
    WorkloadListing,
    agent_identities,
    agent_reasons,
    arn_account,
    build_workloads,
    mark_agents,
)
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.inventory import merge_inventories
from nhi_scan.model import Identity, IdentityKind, Inventory, Organization, Scope, ScopeKind, ServiceUsage
from nhi_scan.policy.aws.untracked import untracked_only

ParseIam = Callable[[Sequence[LoadedDocument]], Inventory]
OwnerOf = Callable[[Mapping[str, str]], str | None]


def _accounts_named(payload: object) -> set[str]:
    arns: Iterable[str] = ()
    if isinstance(payload, GaadDocument):
        arns = [*(u.arn for u in payload.users), *(r.arn for r in payload.roles), *(g.arn for g in payload.groups)]
    elif isinstance(payload, CredentialReport):
        arns = [row.arn for row in payload.rows]
    return {account for arn in arns if (account := arn_account(arn))}


def partition(documents: Sequence[LoadedDocument]) -> list[list[LoadedDocument]]:
    """Documents grouped by account (by directory), or one group when any document cannot be placed."""
    by_directory: dict[PurePath, set[str]] = defaultdict(set)
    for document in documents:
        by_directory[PurePath(document.source).parent] |= _accounts_named(document.payload)
    accounts = set().union(*by_directory.values()) if by_directory else set()
    if len(accounts) <= 1:
        return [list(documents)]
    groups: dict[str, list[LoadedDocument]] = defaultdict(list)
    for document in documents:
        account = None
        for directory in PurePath(document.source).parents:
            named = by_directory.get(directory)
            if named:
                account = next(iter(named)) if len(named) == 1 else None
                break
        if account is None:
            return [list(documents)]
        groups[account].append(document)
    return [groups[account] for account in sorted(groups)]


def _profiles(documents: Sequence[LoadedDocument]) -> dict[str, str]:
    """Instance profile ARN -> role ARN, from GAAD's InstanceProfileList and list-instance-profiles."""
    profiles: dict[str, str] = {}
    for document in documents:
        payload = document.payload
        if isinstance(payload, GaadDocument):
            for role in payload.roles:
                for profile in role.instance_profiles:
                    profiles[profile] = role.arn
        elif isinstance(payload, InstanceProfileList):
            for profile, roles in payload.roles_by_profile.items():
                if roles:
                    profiles.setdefault(profile, roles[0])
    return profiles


def _with_profiles(identities: Sequence[Identity], profiles: Mapping[str, str]) -> list[Identity]:
    """Roles' ``instance_profiles`` attribute completed with the profiles list-instance-profiles names."""
    by_role: dict[str, set[str]] = defaultdict(set)
    for profile, role in profiles.items():
        by_role[role].add(profile)
    result = []
    for identity in identities:
        known = list(identity.attributes.get("instance_profiles") or [])
        extra = sorted(by_role.get(identity.id, set()) - set(known))
        if identity.kind is IdentityKind.ROLE and extra:
            identity = replace(identity, attributes={**identity.attributes, "instance_profiles": known + extra})
        result.append(identity)
    return result


def _judged(usage: list[ServiceUsage], inventory: Inventory) -> list[ServiceUsage]:
    """Usage records marked where the identity holds only untracked actions on the service (iam:PassRole)."""
    if not usage:
        return usage
    blind = untracked_only(inventory.grants)
    return [replace(u, untracked_only=True) if (u.identity_id, u.service.lower()) in blind else u for u in usage]


def _enrich(inventory: Inventory, documents: Sequence[LoadedDocument], owner_of: OwnerOf) -> Inventory:
    payloads = [d.payload for d in documents]
    credential_lists = [p for p in payloads if isinstance(p, UserCredentialList)]
    workload_lists = [p for p in payloads if isinstance(p, WorkloadList)]
    agent_lists = [p for p in payloads if isinstance(p, AgentIdentityList)]
    usage_documents = [p for p in payloads if isinstance(p, ServiceLastAccessed)]
    listings = sorted({pair for p in payloads if isinstance(p, WorkloadListing) for pair in p.complete_kinds()})
    if not (credential_lists or workload_lists or agent_lists or usage_documents or listings) and not any(
        isinstance(p, InstanceProfileList) for p in payloads
    ):
        return inventory
    identities, notes = attach_user_credentials(inventory.identities, credential_lists)
    identities += agent_identities(agent_lists, owner_of)
    profiles = _profiles(documents)
    records = [record for listing in workload_lists for record in listing.workloads]
    workloads, workload_notes = build_workloads(records, identities, profiles)
    identities = mark_agents(identities, agent_reasons(inventory.trusts, workloads))
    warnings = [*inventory.warnings, *notes, *workload_notes]
    warnings += [w for listing in workload_lists for w in listing.warnings]
    return replace(
        inventory,
        identities=tuple(_with_profiles(identities, profiles)),
        workloads=(*inventory.workloads, *workloads),
        workload_listings=(*inventory.workload_listings, *listings),
        usage=(*inventory.usage, *_judged(service_usage(usage_documents), inventory)),
        warnings=tuple(warnings),
    )


def parse_snapshot(documents: Sequence[LoadedDocument], parse_iam: ParseIam, owner_of: OwnerOf) -> Inventory:
    """IAM inventory of each account, enriched with its workloads, usage and credentials, plus the organisation."""
    organization_documents = OrgDocuments()
    summaries = [d.payload for d in documents if isinstance(d.payload, CollectionSummary)]
    account_documents = [
        d
        for d in documents
        if not organization_documents.add(d.payload) and not isinstance(d.payload, CollectionSummary)
    ]
    parts = [_enrich(parse_iam(group), group, owner_of) for group in partition(account_documents)]
    inventory = merge_inventories(parts)
    collection_notes = tuple(note for summary in summaries for note in summary.warnings())
    if collection_notes:
        inventory = replace(inventory, warnings=(*inventory.warnings, *collection_notes))
    organization, scp_grants, notes = build_organization(organization_documents)
    if organization is None:
        return replace(inventory, hierarchy=hierarchy(inventory, None))
    return replace(
        inventory,
        organization=organization,
        grants=(*inventory.grants, *scp_grants),
        hierarchy=hierarchy(inventory, organization),
        warnings=(*inventory.warnings, *notes),
    )


def hierarchy(inventory: Inventory, organization: Organization | None) -> tuple[Scope, ...]:
    """The organisation root, its OUs and every account covered, each with its parent (accounts outside any known
    organisation have none)."""
    found: dict[str, Scope] = {}
    for path in organization.account_paths.values() if organization else ():
        parent: str | None = None
        for depth, node in enumerate(path):
            kind = ScopeKind.ACCOUNT if depth == len(path) - 1 else ScopeKind.ORGANIZATIONAL_UNIT
            if depth == 0 and len(path) > 1:
                kind = ScopeKind.ORGANIZATION
            found.setdefault(node, Scope(id=node, provider=AWS, kind=kind, parent=parent))
            parent = node
    for provider, account in inventory.scopes:
        if provider == AWS:
            found.setdefault(account, Scope(id=account, provider=AWS, kind=ScopeKind.ACCOUNT))
    return tuple(found.values())
