"""Small AWS accounts for escalation tests: an ``Account`` collects principals, policies, a credential report and
workload exports, writes them as real export files, and ``analyse`` runs them through the engine.

Policies are written with ``allow`` / ``deny`` statements and ``document``; ``Account.user`` / ``Account.role``
return the principal's ARN so tests can aim statements at it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.loader import load_inputs
from nhi_scan.engine import build_graph, parse_documents, run_checks
from nhi_scan.escalation.aws.build import AwsAnalysis
from nhi_scan.graph import Edge, IdentityGraph
from nhi_scan.model import Finding, Inventory
from nhi_scan.settings import Settings
from tests.aws import builders

ACCOUNT = builders.ACCOUNT
OTHER_ACCOUNT = "444455556666"
NOW = datetime(2026, 11, 29, tzinfo=UTC)
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
ALLOW_ALL = builders.ALLOW_ALL
#: A service principal no escalation method passes roles to (for roles that must not be method targets).
NEUTRAL_SERVICE = "scheduler.amazonaws.com"
KEY = (True, "2026-11-01T00:00:00+00:00", "2026-11-28T00:00:00+00:00")

PATH_CHECKS = ("admin-identity", "privilege-escalation", "lateral-movement")


def arn(kind: str, name: str, account: str = ACCOUNT) -> str:
    """``arn("user", "bob")`` -> ``arn:aws:iam::111122223333:user/bob`` (also role, group, policy)."""
    return f"arn:aws:iam::{account}:{kind}/{name}"


def root(account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:root"


def statement(
    effect: str, actions: str | Iterable[str] | None, resource: str | Iterable[str] | None = "*", **extra: Any
) -> dict[str, Any]:
    """One statement; ``not_action=`` / ``not_resource=`` / ``condition=`` by keyword."""
    body: dict[str, Any] = {"Effect": effect}
    if "not_action" in extra:
        body["NotAction"] = _one_or_list(extra.pop("not_action"))
    elif actions is not None:
        body["Action"] = _one_or_list(actions)
    if "not_resource" in extra:
        body["NotResource"] = _one_or_list(extra.pop("not_resource"))
    elif resource is not None:
        body["Resource"] = _one_or_list(resource)
    if "condition" in extra:
        body["Condition"] = extra.pop("condition")
    if extra:
        raise TypeError(f"unknown statement keywords {sorted(extra)}")
    return body


def allow(
    actions: str | Iterable[str] | None, resource: str | Iterable[str] | None = "*", **extra: Any
) -> dict[str, Any]:
    return statement("Allow", actions, resource, **extra)


def deny(
    actions: str | Iterable[str] | None, resource: str | Iterable[str] | None = "*", **extra: Any
) -> dict[str, Any]:
    return statement("Deny", actions, resource, **extra)


def pass_role(role_arn: str, service: str | None = None) -> dict[str, Any]:
    """iam:PassRole on ``role_arn``, limited to ``service`` by iam:PassedToService when given."""
    condition = {"StringEquals": {"iam:PassedToService": service}} if service else None
    return allow("iam:PassRole", role_arn, **({"condition": condition} if condition else {}))


def document(*statements: Mapping[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [dict(s) for s in statements]}


def trust_document(*principals: Mapping[str, Any], action: str = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    """A trust policy with one Allow statement per principal block (``{"AWS": ...}``, ``{"Service": ...}``)."""
    statements = []
    for principal in principals:
        body: dict[str, Any] = {"Effect": "Allow", "Principal": dict(principal), "Action": action}
        if condition:
            body["Condition"] = condition
        statements.append(body)
    return {"Version": "2012-10-17", "Statement": statements}


def trusting_service(service: str) -> dict[str, Any]:
    return builders.service_trust(service)


def trusting(principal_arn: str) -> dict[str, Any]:
    return trust_document({"AWS": principal_arn})


def _one_or_list(value: str | Iterable[str]) -> str | list[str]:
    return value if isinstance(value, str) else list(value)


@dataclass
class Account:
    """One AWS account's exports; ``report=False`` leaves the credential report out (facts about users unknown)."""

    account: str = ACCOUNT
    report: bool = True
    users: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)

    # --- principals ----------------------------------------------------------------------------------------

    def user(
        self,
        name: str,
        *statements: Mapping[str, Any],
        password: bool = False,
        keys: int = 0,
        groups: Iterable[str] = (),
        attached: Iterable[str] = (),
        boundary: str | None = None,
        tags: dict[str, str] | None = None,
        inline: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> str:
        """A user; ``statements`` become one inline policy named ``<name>-inline``."""
        policies = dict(inline or {})
        if statements:
            policies[f"{name}-inline"] = document(*statements)
        entry = builders.user(
            name,
            account=self.account,
            groups=list(groups),
            inline=policies,  # type: ignore[arg-type]
            attached=self._attach(attached),
            boundary=self._attach_one(boundary),
            tags=tags,
        )
        self.users.append(entry)
        self.rows.append(
            builders.report_row(
                name,
                account=self.account,
                password=password,
                password_last_used="2026-11-20T00:00:00+00:00",
                key1=KEY if keys >= 1 else None,
                key2=KEY if keys >= 2 else None,
            )
        )
        return str(entry["Arn"])

    def role(
        self,
        name: str,
        *statements: Mapping[str, Any],
        trust: Mapping[str, Any] | None = None,
        attached: Iterable[str] = (),
        boundary: str | None = None,
        instance_profile: bool = False,
        tags: dict[str, str] | None = None,
        inline: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> str:
        """A role (trusting a neutral service unless ``trust`` is given)."""
        policies = dict(inline or {})
        if statements:
            policies[f"{name}-inline"] = document(*statements)
        entry = builders.role(
            name,
            account=self.account,
            trust=dict(trust) if trust is not None else trusting_service(NEUTRAL_SERVICE),
            inline=policies,  # type: ignore[arg-type]
            attached=self._attach(attached),
            boundary=self._attach_one(boundary),
            tags=tags,
            last_used="2026-11-28T00:00:00Z",
        )
        if instance_profile:
            entry["InstanceProfileList"] = [self.instance_profile(name)]
        self.roles.append(entry)
        return str(entry["Arn"])

    def instance_profile(self, name: str) -> dict[str, Any]:
        return {
            "Path": "/",
            "InstanceProfileName": name,
            "InstanceProfileId": "AIPA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
            "Arn": f"arn:aws:iam::{self.account}:instance-profile/{name}",
            "CreateDate": "2023-01-01T00:00:00Z",
            "Roles": [],
        }

    def group(self, name: str, *statements: Mapping[str, Any], attached: Iterable[str] = ()) -> str:
        inline = {f"{name}-inline": document(*statements)} if statements else {}
        entry = builders.group(name, account=self.account, inline=inline, attached=self._attach(attached))
        self.groups.append(entry)
        return str(entry["Arn"])

    # --- managed policies -----------------------------------------------------------------------------------

    def policy(self, name: str, *versions: Mapping[str, Any], default: int = 0) -> str:
        """A customer-managed policy (one document per version; ``default`` = index of the default one)."""
        policy_arn = arn("policy", name, self.account)
        self.policies[policy_arn] = builders.managed_policy(policy_arn, *map(dict, versions), default=default)
        return policy_arn

    def aws_policy(self, name: str, policy: Mapping[str, Any]) -> str:
        """An AWS-managed policy (``arn:aws:iam::aws:policy/<name>``) with one version."""
        policy_arn = f"arn:aws:iam::aws:policy/{name}"
        self.policies[policy_arn] = builders.managed_policy(policy_arn, dict(policy))
        return policy_arn

    def _attach(self, arns: Iterable[str]) -> list[str]:
        found = list(arns)
        for policy_arn in found:
            self._attach_one(policy_arn)
        return found

    def _attach_one(self, policy_arn: str | None) -> str | None:
        if policy_arn == ADMIN_POLICY and policy_arn not in self.policies:
            self.policies[policy_arn] = builders.managed_policy(policy_arn, ALLOW_ALL)
        return policy_arn

    # --- workload exports -----------------------------------------------------------------------------------

    def workload(self, kind: str, role_arn: str, name: str = "app") -> str:
        """Add one resource of ``kind`` running as ``role_arn`` to the matching export; returns its ARN."""
        account, region = self.account, "us-east-1"
        if kind == "lambda-function":
            resource = f"arn:aws:lambda:{region}:{account}:function:{name}"
            item: dict[str, Any] = {"FunctionName": name, "FunctionArn": resource, "Role": role_arn}
            self._listed("lambda-functions.json", "Functions", item)
        elif kind == "cloudformation-stack":
            resource = f"arn:aws:cloudformation:{region}:{account}:stack/{name}/1a2b3c4d-0000-0000-0000-000000000000"
            item = {"StackId": resource, "StackName": name, "RoleARN": role_arn, "StackStatus": "CREATE_COMPLETE"}
            self._listed("cloudformation-stacks.json", "Stacks", item)
        elif kind == "codebuild-project":
            resource = f"arn:aws:codebuild:{region}:{account}:project/{name}"
            item = {"arn": resource, "name": name, "serviceRole": role_arn}
            self._listed("codebuild-projects.json", "projects", item)
        elif kind == "glue-dev-endpoint":
            resource = f"arn:aws:glue:{region}:{account}:devEndpoint/{name}"
            self._listed("glue-dev-endpoints.json", "DevEndpoints", {"EndpointName": name, "RoleArn": role_arn})
            self.exports["glue-dev-endpoints.json"].update(Region=region, Account=account)
        elif kind == "sagemaker-notebook":
            resource = f"arn:aws:sagemaker:{region}:{account}:notebook-instance/{name}"
            item = {
                "NotebookInstanceArn": resource,
                "NotebookInstanceName": name,
                "RoleArn": role_arn,
                "NotebookInstanceStatus": "InService",
            }
            self.exports.setdefault("sagemaker-notebooks.json", []).append(item)
        elif kind == "ecs-task":
            resource = f"arn:aws:ecs:{region}:{account}:task-definition/{name}:1"
            definition = {"taskDefinitionArn": resource, "family": name, "revision": 1, "status": "ACTIVE"}
            definition["taskRoleArn"] = role_arn
            self.exports.setdefault("ecs-task-definitions.json", []).append({"taskDefinition": definition, "tags": []})
        elif kind == "ec2-instance":
            role_name = role_arn.rsplit("/", 1)[-1]
            instance = f"i-{zlib.crc32(name.encode()):012x}"
            resource = f"arn:aws:ec2:{region}:{account}:instance/{instance}"
            item = {
                "InstanceId": instance,
                "State": {"Name": "running"},
                "Placement": {"AvailabilityZone": f"{region}a"},
                "IamInstanceProfile": {"Arn": f"arn:aws:iam::{account}:instance-profile/{role_name}"},
                "Tags": [{"Key": "Name", "Value": name}],
            }
            reservations = self.exports.setdefault("ec2-instances.json", {"Reservations": []})["Reservations"]
            reservations.append({"OwnerId": account, "Instances": [item]})
        else:
            raise ValueError(f"no export format for workloads of kind {kind!r}")
        return resource

    def _listed(self, file: str, key: str, item: dict[str, Any]) -> None:
        self.exports.setdefault(file, {key: []})[key].append(item)

    # --- output ---------------------------------------------------------------------------------------------

    def authz(self) -> dict[str, Any]:
        return builders.gaad(
            users=self.users, roles=self.roles, groups=self.groups, policies=list(self.policies.values())
        )

    def write(self, directory: Path) -> Path:
        report = builders.credential_report(*self.rows) if self.report and self.rows else None
        return builders.write_export(directory, authz=self.authz(), report=report, extra=self.exports)


@dataclass(frozen=True)
class Analysis:
    """What a scan of an account produced: the inventory, the escalation graph and the findings."""

    inventory: Inventory
    graph: IdentityGraph
    aws: AwsAnalysis | None
    findings: list[Finding]

    def edges(self, *, source: str | None = None, method: str | None = None) -> list[Edge]:
        return [
            e
            for e in self.graph.edges()
            if (source is None or e.source == source) and (method is None or e.method == method)
        ]

    def moves(self, source: str) -> list[Edge]:
        """Escalation edges out of ``source`` (not structure such as group membership or credentials)."""
        return [e for e in self.graph.edges_from(source) if e.traversable and e.method is not None]

    def findings_for(self, subject: str, *checks: str) -> list[Finding]:
        wanted = checks or PATH_CHECKS
        return [f for f in self.findings if f.subject == subject and f.check_id in wanted]


def analyse(*directories: Path, now: datetime = NOW) -> Analysis:
    """Load the exports under ``directories`` and run parse -> graph -> checks as ``run_scan`` does."""
    settings = Settings()
    loaded = load_inputs(list(directories))
    inventory = parse_documents(loaded.documents, settings)
    graph, analyses = build_graph(inventory, now)
    findings = run_checks(inventory, graph, settings, now, analyses)
    aws = analyses.get(AWS)
    assert aws is None or isinstance(aws, AwsAnalysis)
    return Analysis(inventory=inventory, graph=graph, aws=aws, findings=findings)


def scan_account(account: Account, directory: Path, *, now: datetime = NOW) -> Analysis:
    return analyse(account.write(directory), now=now)
