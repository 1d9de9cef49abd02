"""Indexes of an AWS inventory that the escalation builder looks targets up in, instead of scanning all pairs."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import (
    CredentialKind,
    Grant,
    Identity,
    IdentityKind,
    Inventory,
    Policy,
    PolicyKind,
    Trust,
    TrustKind,
)


def account_of(arn: str) -> str:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) > 4 else ""


class SortedArns:
    """ARNs kept sorted, so the targets a pattern can match are found by its literal prefix (bisect)."""

    __slots__ = ("_arns",)

    def __init__(self, arns: Iterable[str]) -> None:
        self._arns = sorted(set(arns))

    def __len__(self) -> int:
        return len(self._arns)

    def __iter__(self) -> Iterator[str]:
        return iter(self._arns)

    def with_prefix(self, prefix: str) -> Iterator[str]:
        start = bisect.bisect_left(self._arns, prefix)
        for index in range(start, len(self._arns)):
            arn = self._arns[index]
            if not arn.startswith(prefix):
                return
            yield arn


def trust_key(principal: str) -> str:
    """Account-root principals (ARN or bare id) are keyed by account id; others by their text."""
    if principal.isdigit():
        return principal
    if principal.endswith(":root") and principal.startswith("arn:"):
        return account_of(principal)
    return principal


def literal_prefix(pattern: str) -> str:
    """The part of an IAM resource pattern before its first wildcard or policy variable."""
    cut = len(pattern)
    for marker in ("*", "?", "${"):
        found = pattern.find(marker)
        if found != -1:
            cut = min(cut, found)
    return pattern[:cut]


@dataclass(slots=True)
class AccountIndex:
    """Customer-managed principals of one account, by kind, and the roles each service may assume."""

    users: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    roles_by_service: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass(slots=True)
class InventoryIndex:
    identities: dict[str, Identity]
    grants: dict[str, list[Grant]]
    trusts: dict[str, list[Trust]]
    policies: dict[str, Policy]
    accounts: dict[str, AccountIndex]
    #: Customer-managed policy ARN -> principals (and groups) it is attached to.
    policy_holders: dict[str, list[str]]
    #: Group id -> member user ids.
    members: dict[str, list[str]]
    #: SCP grants by target id (root/OU/account); applied per account through Organization.account_paths.
    scps: dict[str, list[Grant]]
    #: Workloads by (kind, identity id).
    workloads: dict[tuple[str, str], list[str]]
    workload_kinds: set[tuple[str, str]]
    #: Trusted AWS principal (an ARN, an account id for account-root principals, or "*") -> roles trusting it.
    roles_trusting: dict[str, list[str]] = field(default_factory=dict)

    def in_account(self, account: str) -> AccountIndex:
        return self.accounts.get(account) or AccountIndex()

    def active_keys(self, user_id: str) -> int:
        identity = self.identities[user_id]
        return len(identity.active_credentials(CredentialKind.ACCESS_KEY))

    def login_profile(self, user_id: str) -> bool | None:
        value = self.identities[user_id].attributes.get("login_profile")
        return value if isinstance(value, bool) else None

    def instance_profiles(self, role_id: str) -> list[str]:
        value = self.identities[role_id].attributes.get("instance_profiles")
        return [str(v) for v in value] if isinstance(value, list) else []

    def scp_levels(
        self, identity: Identity, management_account: str | None, paths: dict[str, tuple[str, ...]]
    ) -> list[list[Grant]] | None:
        """SCP levels that apply to ``identity`` (None: not in an organisation export, or exempt)."""
        if identity.scope == management_account or identity.provider_managed:
            return None
        path = paths.get(identity.scope)
        if not path:
            return None
        return [self.scps.get(target, []) for target in path]


def _customer_principal(identity: Identity) -> bool:
    return (
        identity.provider is AWS
        and not identity.provider_managed
        and identity.kind
        in (
            IdentityKind.USER,
            IdentityKind.ROLE,
            IdentityKind.GROUP,
        )
    )


def build_index(inventory: Inventory) -> InventoryIndex:
    identities = {i.id: i for i in inventory.identities if i.provider is AWS}
    grants: dict[str, list[Grant]] = defaultdict(list)
    scps: dict[str, list[Grant]] = defaultdict(list)
    holders: dict[str, list[str]] = defaultdict(list)
    for grant in inventory.grants:
        if grant.provider is not AWS:
            continue
        if grant.policy_kind is PolicyKind.SCP:
            scps[grant.principal_id].append(grant)
            continue
        grants[grant.principal_id].append(grant)
        if grant.policy_kind is PolicyKind.MANAGED and grant.via is None:
            holders[grant.policy_id].append(grant.principal_id)
    trusts: dict[str, list[Trust]] = defaultdict(list)
    roles_trusting: dict[str, list[str]] = defaultdict(list)
    for trust in inventory.trusts:
        trusts[trust.target_id].append(trust)
        if trust.effect == "Allow" and trust.principal_type in (TrustKind.PRINCIPAL, TrustKind.ANY):
            key = trust_key(trust.principal)
            if not roles_trusting[key] or roles_trusting[key][-1] != trust.target_id:
                roles_trusting[key].append(trust.target_id)
    accounts: dict[str, AccountIndex] = defaultdict(AccountIndex)
    members: dict[str, list[str]] = defaultdict(list)
    for identity in identities.values():
        if not _customer_principal(identity):
            continue
        account = accounts[identity.scope]
        if identity.kind is IdentityKind.USER:
            account.users.append(identity.id)
            for group in identity.groups:
                members[group].append(identity.id)
        elif identity.kind is IdentityKind.ROLE:
            account.roles.append(identity.id)
            services = {t.principal for t in trusts.get(identity.id, ()) if t.principal_type == "service"}
            for service in services:
                account.roles_by_service[service].append(identity.id)
        else:
            account.groups.append(identity.id)
    workloads: dict[tuple[str, str], list[str]] = defaultdict(list)
    kinds: set[tuple[str, str]] = set()
    for workload in inventory.workloads:
        workloads[(workload.kind, workload.identity_id)].append(workload.id)
        kinds.add((workload.kind, workload.scope))
    return InventoryIndex(
        identities=identities,
        grants=dict(grants),
        trusts=dict(trusts),
        policies={p.id: p for p in inventory.policies},
        accounts=dict(accounts),
        policy_holders=dict(holders),
        members=dict(members),
        scps=dict(scps),
        workloads=dict(workloads),
        workload_kinds=kinds,
        roles_trusting=dict(roles_trusting),
    )
