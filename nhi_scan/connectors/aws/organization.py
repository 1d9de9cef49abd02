"""AWS Organizations answers -> :class:`Organization` (where each account sits) and SCPs as grants.

The OU tree comes from `list-roots`, `list-organizational-units-for-parent` and `list-accounts-for-parent`
(each answer with the ``ParentId`` it was asked for); SCPs from `describe-policy` and `list-targets-for-policy`
(with the ``PolicyId``). An SCP becomes one :class:`Grant` of kind SCP per target, whose ``principal_id`` and
``resource_scope`` are the target (root, OU or account id), as the policy engine expects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Grant, Organization, PolicyKind


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgDescription:
    """`aws organizations describe-organization`."""

    org_id: str | None
    management_account: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgAccount:
    account_id: str
    name: str | None
    status: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgAccountList:
    """`list-accounts` (parent None) or `list-accounts-for-parent` (with its ParentId)."""

    parent: str | None
    accounts: tuple[OrgAccount, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgRootList:
    roots: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgUnitList:
    """`list-organizational-units-for-parent` with its ParentId: OU id -> name."""

    parent: str
    units: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ScpDocument:
    """`describe-policy` of a service control policy."""

    policy_id: str
    arn: str
    name: str
    document: Mapping[str, Any]
    aws_managed: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ScpTargets:
    """`list-targets-for-policy` with its PolicyId: the roots, OUs and accounts the SCP is attached to."""

    policy_id: str
    targets: tuple[str, ...]


@dataclass(slots=True)
class OrgDocuments:
    descriptions: list[OrgDescription] = field(default_factory=list)
    accounts: list[OrgAccountList] = field(default_factory=list)
    roots: list[OrgRootList] = field(default_factory=list)
    units: list[OrgUnitList] = field(default_factory=list)
    policies: list[ScpDocument] = field(default_factory=list)
    targets: list[ScpTargets] = field(default_factory=list)

    def add(self, payload: object) -> bool:
        """Keep ``payload`` if it is an Organizations document; say whether it was one."""
        if isinstance(payload, OrgDescription):
            self.descriptions.append(payload)
        elif isinstance(payload, OrgAccountList):
            self.accounts.append(payload)
        elif isinstance(payload, OrgRootList):
            self.roots.append(payload)
        elif isinstance(payload, OrgUnitList):
            self.units.append(payload)
        elif isinstance(payload, ScpDocument):
            self.policies.append(payload)
        elif isinstance(payload, ScpTargets):
            self.targets.append(payload)
        else:
            return False
        return True

    def __bool__(self) -> bool:
        return any((self.descriptions, self.accounts, self.roots, self.units, self.policies, self.targets))


def _path(node: str, parents: Mapping[str, str], limit: int = 12) -> tuple[str, ...]:
    chain = [node]
    while chain[-1] in parents and len(chain) <= limit:  # OUs nest at most 5 deep; the limit guards cycles
        chain.append(parents[chain[-1]])
    return tuple(reversed(chain))


def build_organization(documents: OrgDocuments) -> tuple[Organization | None, list[Grant], list[str]]:
    """The organisation, its SCP grants, and notes on what the documents leave unknown."""
    if not documents:
        return None, [], []
    parents: dict[str, str] = {}
    for unit_list in documents.units:
        for unit in unit_list.units:
            parents[unit] = unit_list.parent
    accounts: set[str] = set()
    for account_list in documents.accounts:
        for account in account_list.accounts:
            accounts.add(account.account_id)
            if account_list.parent is not None:
                parents[account.account_id] = account_list.parent
    roots = {r for root_list in documents.roots for r in root_list.roots}
    notes: list[str] = []
    paths: dict[str, tuple[str, ...]] = {}
    for account_id in sorted(accounts):
        path = _path(account_id, parents)
        if path[0] not in roots:
            notes.append(f"organisation: the OU path of account {account_id} is not known up to its root")
        paths[account_id] = path
    management = next((d.management_account for d in documents.descriptions if d.management_account), None)
    targets = {t.policy_id: t.targets for t in documents.targets}
    grants: list[Grant] = []
    for policy in sorted(documents.policies, key=lambda p: p.policy_id):
        attached = targets.get(policy.policy_id)
        if attached is None:
            notes.append(f"organisation: targets of SCP {policy.name} ({policy.policy_id}) are unknown")
            continue
        for target in attached:
            grants.append(
                Grant(
                    principal_id=target,
                    policy_id=policy.arn,
                    policy_name=policy.name,
                    policy_kind=PolicyKind.SCP,
                    document=policy.document,
                    provider=AWS,
                    resource_scope=target,
                )
            )
    return Organization(management_account=management, account_paths=paths), grants, notes
