"""What runs as an IAM role (instances, functions, stacks, agents...) and which identities AI agents run as.

Each service's answer is loaded by its own format module into :class:`WorkloadRecord` s; here they are joined to
the roles of the inventory (an EC2 instance names an instance profile, resolved to its role through GAAD's
``InstanceProfileList`` or `list-instance-profiles`), and agent identities are marked with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Identity, IdentityKind, Trust, Workload

#: Tags naming the application a workload belongs to, in order of preference (then CloudFormation stack and Auto
#: Scaling group): workloads of one service are unrelated only when these differ (see the nhi-reuse check).
APP_TAG_KEYS = (
    "app",
    "application",
    "project",
    "service",
    "workload",
    "system",
    "aws:cloudformation:stack-name",
    "aws:autoscaling:groupName",
)
#: Workload kinds whose role the platform uses, not the application (one shared ecsTaskExecutionRole is the
#: documented default): never judged as reuse.
PLATFORM_KINDS = frozenset({"ecs-task-execution"})


def application_of(tags: Mapping[str, object]) -> str | None:
    lowered = {str(k).lower(): str(v) for k, v in tags.items()}
    for key in APP_TAG_KEYS:
        value = lowered.get(key.lower(), "").strip()
        if value:
            return value
    return None


#: Service principals whose roles AI agents run as.
AGENT_SERVICES = {
    "bedrock.amazonaws.com": "Amazon Bedrock (agents, knowledge bases, model jobs)",
    "bedrock-agentcore.amazonaws.com": "Amazon Bedrock AgentCore (agent runtimes, gateways)",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadRecord:
    id: str
    #: e.g. "ec2-instance", "lambda-function", "ecs-task", "bedrock-agent".
    kind: str
    #: The AWS service namespace that runs it ("ec2", "lambda", "bedrock-agentcore"...).
    service: str
    name: str
    #: Role ARN, or a bare role name where the service allows one (Glue).
    role: str | None
    instance_profile: str | None = None
    account: str | None = None
    region: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    #: Runs an AI agent: the role it runs as is an agent identity.
    agent: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadList:
    kind: str
    workloads: tuple[WorkloadRecord, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadListing:
    """Which workload kinds `nhi-scan collect` listed in an account, over which regions."""

    account: str
    regions: tuple[str, ...]
    all_regions: bool
    kinds: tuple[str, ...]

    def complete_kinds(self) -> list[tuple[str, str]]:
        """(kind, account) pairs known in full: only when every enabled region was listed."""
        return [(kind, self.account) for kind in self.kinds] if self.all_regions else []


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionSummary:
    """Which accounts a collection covered; the ones not (or partly) scanned become warnings."""

    accounts: tuple[str, ...]
    not_scanned: tuple[tuple[str, str], ...] = ()
    partial: tuple[str, ...] = ()

    def warnings(self) -> list[str]:
        notes = [f"account {account} was not scanned: {reason}" for account, reason in self.not_scanned]
        if len(self.partial) == 1:
            notes.append(f"account {self.partial[0]} was scanned partly (see the errors)")
        elif self.partial:
            notes.append(
                f"{len(self.partial)} accounts were scanned partly (see the errors): {', '.join(self.partial[:5])}"
            )
        return notes


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceProfileList:
    """`aws iam list-instance-profiles`: profile ARN -> role ARNs (at most one role per profile today)."""

    roles_by_profile: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentIdentityRecord:
    arn: str
    name: str
    account: str
    created: datetime | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentIdentityList:
    """`aws bedrock-agentcore-control list-workload-identities` (items may carry ``tags``)."""

    identities: tuple[AgentIdentityRecord, ...]


def arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] or None if len(parts) > 4 else None


def arn_region(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[3] or None if len(parts) > 3 else None


def _role_arn(record: WorkloadRecord, roles: Mapping[str, Identity], profiles: Mapping[str, str]) -> str | None:
    if record.role and record.role.startswith("arn:"):
        return record.role
    if record.role:  # a bare name (Glue accepts one): find the account's role of that name
        matches = [
            i.id
            for i in roles.values()
            if i.name == record.role and (record.account is None or i.scope == record.account)
        ]
        return matches[0] if len(matches) == 1 else None
    if record.instance_profile:
        return profiles.get(record.instance_profile)
    return None


def build_workloads(
    records: Iterable[WorkloadRecord],
    identities: Sequence[Identity],
    profiles: Mapping[str, str],
) -> tuple[list[Workload], list[str]]:
    """Workloads whose role is in the inventory; notes for the ones that are not (deleted or not exported)."""
    roles = {i.id: i for i in identities if i.kind is IdentityKind.ROLE}
    workloads: list[Workload] = []
    orphans: list[str] = []
    seen: set[str] = set()
    for record in records:
        role = _role_arn(record, roles, profiles)
        if role is None or role not in roles:
            if record.role or record.instance_profile:
                orphans.append(f"{record.kind} {record.name}")
            continue
        if record.id in seen:
            continue
        seen.add(record.id)
        attributes: dict[str, Any] = {"service": record.service, "region": record.region, "tags": dict(record.tags)}
        if record.instance_profile:
            attributes["instance_profile"] = record.instance_profile
        if record.agent:
            attributes["agent"] = True
        attributes.update(record.attributes)
        workloads.append(
            Workload(
                id=record.id,
                kind=record.kind,
                name=record.name,
                identity_id=role,
                provider=AWS,
                scope=record.account or roles[role].scope,
                attributes=attributes,
                application=application_of(record.tags),
                platform=record.kind in PLATFORM_KINDS,
            )
        )
    notes = []
    if orphans:
        notes.append(
            f"{len(orphans)} workloads run as roles that are not in the export (deleted, or another account): "
            + ", ".join(sorted(orphans)[:3])
        )
    return workloads, notes


def agent_reasons(trusts: Iterable[Trust], workloads: Iterable[Workload]) -> dict[str, str]:
    """Role ARN -> why an AI agent runs as it: an agent workload names it, or an agent service may assume it."""
    reasons: dict[str, str] = {}
    for trust in trusts:
        if trust.effect != "Allow" or trust.principal_type != "service" or trust.principal not in AGENT_SERVICES:
            continue
        source_arns = " ".join(str(v) for v in trust.conditions.get("ArnLike", {}).values())
        source_arns += " ".join(str(v) for v in trust.conditions.get("StringLike", {}).values())
        what = "Bedrock agent service role" if ":agent/" in source_arns else AGENT_SERVICES[trust.principal]
        reasons.setdefault(trust.target_id, f"assumable by {trust.principal}: {what}")
    for workload in workloads:
        if workload.attributes.get("agent"):
            reasons[workload.identity_id] = f"{workload.kind} {workload.name} runs as it"
    return reasons


def agent_identities(
    lists: Iterable[AgentIdentityList], owner_of: Callable[[Mapping[str, str]], str | None]
) -> list[Identity]:
    """AgentCore workload identities: an agent's own identity, distinct from the role it runs as."""
    identities: list[Identity] = []
    seen: set[str] = set()
    for listing in lists:
        for record in listing.identities:
            if record.arn in seen:
                continue
            seen.add(record.arn)
            identities.append(
                Identity(
                    id=record.arn,
                    provider=AWS,
                    kind=IdentityKind.AGENT_IDENTITY,
                    name=record.name,
                    scope=record.account,
                    machine=True,
                    machine_reason="Bedrock AgentCore workload identity: the identity of an AI agent",
                    created=record.created,
                    owner=owner_of(record.tags),
                    tags=dict(record.tags),
                    agent_reason="Bedrock AgentCore workload identity",
                )
            )
    return identities


def mark_agents(identities: Sequence[Identity], reasons: Mapping[str, str]) -> list[Identity]:
    return [
        replace(i, agent_reason=reasons[i.id]) if i.id in reasons and i.agent_reason is None else i for i in identities
    ]
