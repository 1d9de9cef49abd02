"""An account export reproducing BishopFox's IAM Vulnerable (Terraform), with the expected outcome of every principal.

Facts (names, policy documents, trust policies, attachments, instance profiles, the resources of the optional
"non-free" modules) were read from the Terraform of https://github.com/BishopFox/iam-vulnerable
(``modules/free-resources/privesc-paths/*.tf``, ``modules/free-resources/tool-testing/*.tf``,
``modules/non-free-resources/*/*.tf``, ``main.tf``, ``aws_credentials_file_example``) and are written here as our
own data. Output is what the AWS CLI writes for the deployed account:

- ``authz.json``: ``aws iam get-account-authorization-details`` (documents decoded, as the CLI prints them; AWS
  managed policies listed only when attached, with their real documents);
- ``credential-report.csv``: the 22-column IAM credential report (every IAM Vulnerable user has one active access
  key and no console password, as ``aws_iam_access_key`` without a login profile creates them);
- with ``non_free=True`` also the workload listings (``lambda list-functions``, ``ec2 describe-instances``,
  ``glue get-dev-endpoints``, ``sagemaker describe-notebook-instance``, ``cloudformation describe-stacks``) of the
  modules ``main.tf`` ships commented out.

Outcomes (what a correct tool must say about each principal, from real AWS semantics):

- ``admin``: admin-equivalent, or can grant itself any permission (edits its own policies / policy versions);
- ``escalation``: reaches admin through another identity or group, every hop visible in the export;
- ``escalation-conditional``: reaches admin only if a resource an IAM export cannot show exists (a Lambda
  function, EC2 instance, Glue endpoint, notebook or stack running as an admin role);
- ``none``: a trap (``fp*``), or a principal that cannot reach admin by itself (e.g. a role holding
  ``iam:AttachUserPolicy``: it can only change users it cannot become), or a person.

Run ``python -m tests.validation.iam_vulnerable DIR [--non-free]`` to write an export to DIR.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ACCOUNT = "123456789012"
REGION = "us-east-1"
CREATED = "2025-06-02T09:14:27+00:00"
#: The principal ``terraform apply`` ran as (``var.aws_assume_role_arn`` defaults to the caller's ARN): every
#: ``*-role`` of IAM Vulnerable trusts it. README "Quick Start" step 2: a non-root user with administrative access.
DEPLOYER = "iamv-admin"
DEPLOYER_ARN = f"arn:aws:iam::{ACCOUNT}:user/{DEPLOYER}"
ROOT_ARN = f"arn:aws:iam::{ACCOUNT}:root"

Outcome = Literal["admin", "escalation", "escalation-conditional", "none"]
#: What a scan can show: an outcome, or an admin-identity finding that is only conditional (medium).
Seen = Literal["admin", "admin-conditional", "escalation", "escalation-conditional", "none"]
OUTCOMES: tuple[Outcome, ...] = ("admin", "escalation", "escalation-conditional", "none")

# --- AWS managed policies that IAM Vulnerable attaches (their real current documents) ---------------------------
ADMINISTRATOR_ACCESS = "arn:aws:iam::aws:policy/AdministratorAccess"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
AWS_MANAGED: dict[str, tuple[str, str, dict[str, Any]]] = {
    ADMINISTRATOR_ACCESS: (
        "ANPAIWMBCKSKIEE64ZLYK",
        "v1",
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    ),
    SSM_CORE: (
        "ANPAIXSHM2BNB2D3AXXRU",
        "v2",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "ssm:DescribeAssociation",
                        "ssm:GetDeployablePatchSnapshotForInstance",
                        "ssm:GetDocument",
                        "ssm:DescribeDocument",
                        "ssm:GetManifest",
                        "ssm:GetParameter",
                        "ssm:GetParameters",
                        "ssm:ListAssociations",
                        "ssm:ListInstanceAssociations",
                        "ssm:PutInventory",
                        "ssm:PutComplianceItems",
                        "ssm:PutConfigurePackageResult",
                        "ssm:UpdateAssociationStatus",
                        "ssm:UpdateInstanceAssociationStatus",
                        "ssm:UpdateInstanceInformation",
                    ],
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ],
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Action": [
                        "ec2messages:AcknowledgeMessage",
                        "ec2messages:DeleteMessage",
                        "ec2messages:FailMessage",
                        "ec2messages:GetEndpoint",
                        "ec2messages:GetMessages",
                        "ec2messages:SendReply",
                    ],
                    "Resource": "*",
                },
            ],
        },
    ),
}

#: Services trusted by privesc-high-priv-service-role (service-linked-role-common.tf), in Terraform's order.
HIGH_PRIV_SERVICES = (
    "ec2.amazonaws.com",
    "datapipeline.amazonaws.com",
    "cloudformation.amazonaws.com",
    "lambda.amazonaws.com",
    "glue.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "codebuild.amazonaws.com",
    "eks.amazonaws.com",
    "sagemaker.amazonaws.com",
    "elasticbeanstalk.amazonaws.com",
)


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*", **extra: Any) -> dict[str, Any]:
    """A statement in the key order Terraform's jsonencode writes (Action, Effect, Resource)."""
    return {"Action": action, "Effect": "Allow", "Resource": resource, **extra}


def trust_aws(principal: str) -> dict[str, Any]:
    return doc({"Action": "sts:AssumeRole", "Effect": "Allow", "Sid": "", "Principal": {"AWS": principal}})


def trust_service(*services: str) -> dict[str, Any]:
    principal: str | list[str] = services[0] if len(services) == 1 else list(services)
    return doc({"Action": "sts:AssumeRole", "Effect": "Allow", "Sid": "", "Principal": {"Service": principal}})


ALLOW_ALL = doc(allow("*"))


@dataclass(frozen=True, slots=True)
class Expect:
    """The expected outcome of one principal, and the IAM Vulnerable scenario it comes from."""

    principal: str
    kind: Literal["user", "role"]
    outcome: Outcome
    scenario: str
    why: str
    #: Method ids (nhi_scan catalogue) of which the first hop should be one; empty: not checked.
    methods: frozenset[str] = frozenset()
    #: Outcomes also defensible where the real AWS semantics are uncertain (reported, not silently accepted).
    unsure: tuple[Seen, ...] = ()

    @property
    def arn(self) -> str:
        return f"arn:aws:iam::{ACCOUNT}:{self.kind}/{self.principal}"


@dataclass(frozen=True, slots=True)
class Options:
    #: The deployer has a console password (no MFA): then privesc6's iam:UpdateLoginProfile has a target.
    deployer_password: bool = True
    #: privesc2 prepared as its .tf comment says: an admin v1 kept as a non-default version, v2 the default.
    privesc2_prepared: bool = False
    #: The optional modules of main.tf (lambda, ec2, glue, sagemaker, cloudformation) deployed and listed.
    non_free: bool = False


@dataclass(slots=True)
class Export:
    gaad: dict[str, Any]
    credential_report: str
    workloads: dict[str, Any]
    expectations: tuple[Expect, ...]

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "authz.json").write_text(json.dumps(self.gaad, indent=1))
        (directory / "credential-report.csv").write_text(self.credential_report)
        for name, content in self.workloads.items():
            (directory / name).write_text(json.dumps(content, indent=1))
        return directory


# --- the IAM builder ---------------------------------------------------------------------------------------------


def _unique_id(prefix: str, name: str) -> str:
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
    return prefix + digest[:17]


@dataclass(slots=True)
class _Iam:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    keys: dict[str, int] = field(default_factory=dict)
    passwords: set[str] = field(default_factory=set)

    def policy(self, name: str, *versions: dict[str, Any], description: str = "", default: int | None = None) -> str:
        arn = f"arn:aws:iam::{ACCOUNT}:policy/{name}"
        chosen = len(versions) - 1 if default is None else default
        self.policies[arn] = {
            "PolicyName": name,
            "PolicyId": _unique_id("ANPA", name),
            "Arn": arn,
            "Path": "/",
            "DefaultVersionId": f"v{chosen + 1}",
            "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "Description": description,
            "CreateDate": CREATED,
            "UpdateDate": CREATED,
            "PolicyVersionList": [
                {
                    "Document": document,
                    "VersionId": f"v{index + 1}",
                    "IsDefaultVersion": index == chosen,
                    "CreateDate": CREATED,
                }
                for index, document in enumerate(versions)
            ],
        }
        return arn

    def _attach(self, arns: Iterable[str]) -> list[dict[str, str]]:
        attached = []
        for arn in arns:
            if arn in AWS_MANAGED and arn not in self.policies:
                policy_id, version, document = AWS_MANAGED[arn]
                name = arn.rsplit("/", 1)[-1]
                self.policies[arn] = {
                    "PolicyName": name,
                    "PolicyId": policy_id,
                    "Arn": arn,
                    "Path": "/",
                    "DefaultVersionId": version,
                    "AttachmentCount": 0,
                    "PermissionsBoundaryUsageCount": 0,
                    "IsAttachable": True,
                    "CreateDate": "2015-02-06T18:39:46+00:00",
                    "UpdateDate": "2019-05-23T16:54:21+00:00",
                    "PolicyVersionList": [
                        {
                            "Document": document,
                            "VersionId": version,
                            "IsDefaultVersion": True,
                            "CreateDate": "2019-05-23T16:54:21+00:00",
                        }
                    ],
                }
            self.policies[arn]["AttachmentCount"] += 1
            attached.append({"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn})
        return attached

    def user(self, name: str, *, attached: Sequence[str] = (), keys: int = 1, password: bool = False) -> dict[str, Any]:
        entry = {
            "Path": "/",
            "UserName": name,
            "UserId": _unique_id("AIDA", name),
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}",
            "CreateDate": CREATED,
            "UserPolicyList": [],
            "GroupList": [],
            "AttachedManagedPolicies": self._attach(attached),
            "Tags": [],
        }
        self.users[name] = entry
        self.keys[name] = keys
        if password:
            self.passwords.add(name)
        return entry

    def group(self, name: str, *, members: Sequence[str] = (), attached: Sequence[str] = ()) -> None:
        self.groups[name] = {
            "Path": "/",
            "GroupName": name,
            "GroupId": _unique_id("AGPA", name),
            "Arn": f"arn:aws:iam::{ACCOUNT}:group/{name}",
            "CreateDate": CREATED,
            "GroupPolicyList": [],
            "AttachedManagedPolicies": self._attach(attached),
        }
        for member in members:
            self.users[member]["GroupList"].append(name)

    def role(
        self,
        name: str,
        trust: dict[str, Any],
        *,
        attached: Sequence[str] = (),
        instance_profile: str | None = None,
        description: str | None = None,
    ) -> None:
        arn = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        entry: dict[str, Any] = {
            "Path": "/",
            "RoleName": name,
            "RoleId": _unique_id("AROA", name),
            "Arn": arn,
            "CreateDate": CREATED,
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": [],
            "AttachedManagedPolicies": self._attach(attached),
            "Tags": [],
            "RoleLastUsed": {},
        }
        if description:
            entry["Description"] = description
        if instance_profile:
            entry["InstanceProfileList"].append(
                {
                    "Path": "/",
                    "InstanceProfileName": instance_profile,
                    "InstanceProfileId": _unique_id("AIPA", instance_profile),
                    "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{instance_profile}",
                    "CreateDate": CREATED,
                    "Roles": [
                        {
                            "Path": "/",
                            "RoleName": name,
                            "RoleId": entry["RoleId"],
                            "Arn": arn,
                            "CreateDate": CREATED,
                            "AssumeRolePolicyDocument": trust,
                        }
                    ],
                }
            )
        self.roles[name] = entry

    def pair(self, base: str, *policies: str) -> None:
        """The usual IAM Vulnerable pattern: ``BASE-user`` (one access key) and ``BASE-role`` (trusting the
        deployer), both with the scenario's managed policies attached."""
        self.role(f"{base}-role", trust_aws(DEPLOYER_ARN), attached=policies)
        self.user(f"{base}-user", attached=policies)

    def gaad(self) -> dict[str, Any]:
        return {
            "UserDetailList": list(self.users.values()),
            "GroupDetailList": list(self.groups.values()),
            "RoleDetailList": list(self.roles.values()),
            "Policies": list(self.policies.values()),
        }

    def credential_report(self) -> str:
        header = (
            "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
            "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
            "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
            "cert_2_active,cert_2_last_rotated"
        )
        root = [
            "<root_account>",
            ROOT_ARN,
            "2025-06-01T08:00:00+00:00",
            "not_supported",
            "2025-06-01T08:05:00+00:00",
            "not_supported",
            "not_supported",
            "true",
            *("false", "N/A", "N/A", "N/A", "N/A") * 2,
            "false",
            "N/A",
            "false",
            "N/A",
        ]
        rows = [header, ",".join(root)]
        for name, entry in self.users.items():
            password = name in self.passwords
            keys = self.keys[name]
            key_cells: list[str] = []
            for slot in range(2):
                if slot < keys:
                    used = name == DEPLOYER
                    key_cells += [
                        "true",
                        CREATED,
                        "2025-06-02T09:20:00+00:00" if used else "N/A",
                        REGION if used else "N/A",
                        "iam" if used else "N/A",
                    ]
                else:
                    key_cells += ["false", "N/A", "N/A", "N/A", "N/A"]
            rows.append(
                ",".join(
                    [
                        name,
                        entry["Arn"],
                        CREATED,
                        "true" if password else "false",
                        "2025-06-02T09:00:00+00:00" if password else "N/A",
                        CREATED if password else "N/A",
                        "N/A",
                        "false",
                        *key_cells,
                        "false",
                        "N/A",
                        "false",
                        "N/A",
                    ]
                )
            )
        return "\n".join(rows) + "\n"


# --- scenarios ---------------------------------------------------------------------------------------------------

#: Bare-permission scenarios of modules/free-resources/privesc-paths: (scenario, base name, policy name, document).
#: Each creates policy POLICY, user BASE-user (access key) and role BASE-role (trusting the deployer), both attached.
PAIRS: tuple[tuple[str, str, str, dict[str, Any]], ...] = (
    (
        "privesc1-CreateNewPolicyVersion",
        "privesc1-CreateNewPolicyVersion",
        "privesc1-CreateNewPolicyVersion",
        doc(allow("iam:CreatePolicyVersion")),
    ),
    (
        "privesc3-CreateEC2WithExistingIP",
        "privesc3-CreateEC2WithExistingInstanceProfile",
        "privesc3-CreateEC2WithExistingInstanceProfile",
        doc(
            allow(
                [
                    "iam:PassRole",
                    "ec2:DescribeInstances",
                    "ec2:RunInstances",
                    "ec2:CreateKeyPair",
                    "ec2:AssociateIamInstanceProfile",
                ]
            )
        ),
    ),
    (
        "privesc4-CreateAccessKey",
        "privesc4-CreateAccessKey",
        "privesc4-CreateAccessKey",
        doc(allow("iam:CreateAccessKey")),
    ),
    (
        "privesc5-CreateLoginProfile",
        "privesc5-CreateLoginProfile",
        "privesc5-CreateLoginProfile",
        doc(allow("iam:CreateLoginProfile")),
    ),
    (
        "privesc6-UpdateLoginProfile",
        "privesc6-UpdateLoginProfile",
        "privesc6-UpdateLoginProfile",
        doc(allow("iam:UpdateLoginProfile")),
    ),
    (
        "privesc7-AttachUserPolicy",
        "privesc7-AttachUserPolicy",
        "privesc7-AttachUserPolicy",
        doc(allow("iam:AttachUserPolicy")),
    ),
    (
        "privesc8-AttachGroupPolicy",
        "privesc8-AttachGroupPolicy",
        "privesc8-AttachGroupPolicy",
        doc(allow("iam:AttachGroupPolicy")),
    ),
    (
        "privesc9-AttachRolePolicy",
        "privesc9-AttachRolePolicy",
        "privesc9-AttachRolePolicy",
        doc(allow("iam:AttachRolePolicy")),
    ),
    ("privesc10-PutUserPolicy", "privesc10-PutUserPolicy", "privesc10-PutUserPolicy", doc(allow("iam:PutUserPolicy"))),
    (
        "privesc11-PutGroupPolicy",
        "privesc11-PutGroupPolicy",
        "privesc11-PutGroupPolicy",
        doc(allow("iam:PutGroupPolicy")),
    ),
    ("privesc12-PutRolePolicy", "privesc12-PutRolePolicy", "privesc12-PutRolePolicy", doc(allow("iam:PutRolePolicy"))),
    (
        "privesc13-AddUserToGroup",
        "privesc13-AddUserToGroup",
        "privesc13-AddUserToGroup",
        doc(allow("iam:AddUserToGroup")),
    ),
    (
        "privesc14-UpdatingAssumeRolePolicy",
        "privesc14-UpdatingAssumeRolePolicy",
        "privesc14-UpdatingAssumeRolePolicy",
        doc(allow(["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"])),
    ),
    (
        "privesc15-PassExistingRoleToNewLambdaThenInvoke",
        "privesc15-PassExistingRoleToNewLambdaThenInvoke",
        "privesc15-PassExistingRoleToNewLambdaThenInvoke",
        doc(allow(["lambda:CreateFunction", "iam:PassRole", "lambda:InvokeFunction"])),
    ),
    (
        "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo",
        "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo",
        "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo",
        doc(allow(["lambda:CreateFunction", "iam:PassRole", "lambda:CreateEventSourceMapping"])),
    ),
    (
        "privesc17-EditExistingLambdaFunctionWithRole",
        "privesc17-EditExistingLambdaFunctionWithRole",
        "privesc17-EditExistingLambdaFunctionWithRole",
        doc(allow(["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration"])),
    ),
    (
        "privesc18-PassExistingRoleToNewGlueDevEndpoint",
        "privesc18-PassExistingRoleToNewGlueDevEndpoint",
        "privesc18-PassExistingRoleToNewGlueDevEndpoint",
        doc(allow(["glue:CreateDevEndpoint", "glue:GetDevEndpoint", "iam:PassRole"])),
    ),
    (
        "privesc19-UpdateExistingGlueDevEndpoint",
        "privesc19-UpdateExistingGlueDevEndpoint",
        "privesc19-UpdateExistingGlueDevEndpoint",
        doc(allow(["glue:UpdateDevEndpoint", "glue:GetDevEndpoint"])),
    ),
    (
        "privesc20-PassExistingRoleToCloudFormation",
        "privesc20-PassExistingRoleToCloudFormation",
        "privesc20-PassExistingRoleToCloudFormation",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "VisualEditor0",
                    "Effect": "Allow",
                    "Action": ["iam:PassRole", "cloudformation:CreateStack", "cloudformation:DescribeStacks"],
                    "Resource": "*",
                }
            ],
        },
    ),
    (
        "privesc21-PassExistingRoleToNewDataPipeline",
        "privesc21-PassExistingRoleToNewDataPipeline",
        "privesc21-PassExistingRoleToNewDataPipeline",
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": [
                        "datapipeline:CreatePipeline",
                        "datapipeline:PutPipelineDefinition",
                        "datapipeline:ActivatePipeline",
                    ],
                    "Resource": "*",
                },
            ],
        },
    ),
    (
        "privesc-cloudFormationUpdateStack",
        "privesc-CloudFormationUpdateStack",
        "privesc-CloudFormationUpdateStack",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "VisualEditor0",
                    "Effect": "Allow",
                    "Action": ["cloudformation:UpdateStack", "cloudformation:DescribeStacks"],
                    "Resource": "*",
                }
            ],
        },
    ),
    (
        "privesc-codeBuildCreateProjectPassRole",
        "privesc-codeBuildCreateProjectPassRole",
        "privesc-codeBuildCreateProjectPassRole-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": [
                    "codebuild:CreateProject",
                    "codebuild:StartBuild",
                    "codebuild:StartBuildBatch",
                    "iam:PassRole",
                    "iam:ListRoles",
                ],
                "Resource": "*",
            }
        ),
    ),
    (
        "privesc-ec2InstanceConnect",
        "privesc-ec2InstanceConnect",
        "privesc-ec2InstanceConnect-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:DescribeInstances",
                    "ec2-instance-connect:SendSSHPublicKey",
                    "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
                ],
                "Resource": "*",
            }
        ),
    ),
    (
        "privesc-sageMakerCreateNotebookPassRole",
        "privesc-sageMakerCreateNotebookPassRole",
        "privesc-sageMakerCreateNotebookPassRole-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": [
                    "sagemaker:CreateNotebookInstance",
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                    "sagemaker:ListNotebookInstances",
                    "sagemaker:DescribeNotebookInstance",
                    "sagemaker:StopNotebookInstance",
                    "sagemaker:DeleteNotebookInstance",
                    "iam:PassRole",
                    "iam:ListRoles",
                ],
                "Resource": "*",
            }
        ),
    ),
    (
        "privesc-sageMakerCreatePresignedNotebookURL",
        "privesc-sageMakerCreatePresignedNotebookURL",
        "privesc-sageMakerCreatePresignedNotebookURL-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:ListNotebookInstances"],
                "Resource": "*",
            }
        ),
    ),
    (
        "privesc-sageMakerCreateProcessingJob",
        "privesc-sageMakerCreateProcessingJobPassRole",
        "privesc-sageMakerCreateProcessingJobPassRole-policy",
        doc({"Effect": "Allow", "Action": ["sagemaker:CreateProcessingJob", "iam:PassRole"], "Resource": "*"}),
    ),
    (
        "privesc-sageMakerCreateTrainingJob",
        "privesc-sageMakerCreateTrainingJobPassRole",
        "privesc-sageMakerCreateTrainingJobPassRole-policy",
        doc({"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "iam:PassRole"], "Resource": "*"}),
    ),
    (
        "privesc-ssmSendCommand",
        "privesc-ssmSendCommand",
        "privesc-ssmSendCommand-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:DescribeInstances",
                    "ssm:listCommands",
                    "ssm:listCommandInvocations",
                    "ssm:sendCommand",
                ],
                "Resource": "*",
            }
        ),
    ),
    (
        "privesc-ssmStartSession",
        "privesc-ssmStartSession",
        "privesc-ssmStartSession-policy",
        doc(
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:DescribeInstances",
                    "ssm:StartSession",
                    "ssm:DescribeSessions",
                    "ssm:GetConnectionStatus",
                    "ssm:DescribeInstanceProperties",
                    "ssm:TerminateSession",
                    "ssm:ResumeSession",
                ],
                "Resource": "*",
            }
        ),
    ),
    # --- modules/free-resources/tool-testing ---
    (
        "fn2-ExploitableResourceConstraint",
        "fn2-exploitableResourceConstraint",
        "fn2-exploitableResourceConstraint",
        doc(allow("iam:CreatePolicyVersion", "arn:aws:iam::*:policy/fn2-*")),
    ),
    (
        "fn3-ExploitableConditionConstraint",
        "fn3-exploitableConditionConstraint",
        "fn3-exploitableConditionConstraint",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:CreatePolicyVersion",
                    "Resource": "*",
                    "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
                }
            ],
        },
    ),
    (
        "fn4-ExploitableNotAction",
        "fn4-exploitableNotAction",
        "fn4-exploitableNotAction",
        doc({"NotAction": ["iam:Update*", "iam:Create*", "iam:Attach*"], "Effect": "Allow", "Resource": "*"}),
    ),
    (
        "fp1-allow-and-deny-same-policy",
        "fp1-allow-and-deny",
        "fp1-allow-and-deny",
        doc(
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
        ),
    ),
    ("fp3-deny", "fp3-deny-iam", "fp3-deny-iam", doc({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})),
    (
        "fp4-NonExploitableResourceConstraint",
        "fp4-nonExploitableResourceConstraint",
        "fp4-nonExploitableResourceConstraint",
        doc(allow("iam:CreatePolicyVersion", "arn:aws:iam::aws:policy/fp4-*")),
    ),
    (
        "fp5-NonExploitableConditionConstraint",
        "fp5-nonExploitableConditionConstraint",
        "fp5-nonExploitableConditionConstraint",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:CreatePolicyVersion",
                    "Resource": "*",
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}},
                }
            ],
        },
    ),
)


def _build_iam(options: Options) -> _Iam:
    iam = _Iam()
    # The deployer: admin user that ran Terraform (README Quick Start 2-3: "administrative access" + access key).
    iam.user(DEPLOYER, attached=[ADMINISTRATOR_ACCESS], password=options.deployer_password)

    # service-linked-role-common.tf: the admin role every PassRole / existing-compute path aims at.
    high_priv = iam.policy("privesc-high-priv-service-policy", ALLOW_ALL, description="High priv policy")
    iam.role(
        "privesc-high-priv-service-role",
        trust_service(*HIGH_PRIV_SERVICES),
        attached=[high_priv, SSM_CORE],
        instance_profile="privesc-high-priv-service-profile",
    )

    for scenario, base, policy_name, document in PAIRS:
        arn = iam.policy(policy_name, document, description=f"IAM Vulnerable {scenario}")
        iam.pair(base, arn)

    # privesc2: one version only when deployed (its .tf comment: "not exploitable ... (I could not figure out how
    # to make multiple versions of a policy with terraform)"); prepared: v1 = admin (non-default), v2 = default.
    privesc2_doc = doc(allow("iam:SetDefaultPolicyVersion"))
    versions = (ALLOW_ALL, privesc2_doc) if options.privesc2_prepared else (privesc2_doc,)
    privesc2 = iam.policy("privesc2-SetExistingDefaultPolicyVersion", *versions)
    iam.pair("privesc2-SetExistingDefaultPolicyVersion", privesc2)

    # privesc8 / privesc11: the user is the only member of its scenario group (no policy on the group).
    iam.group("privesc8-AttachGroupPolicy-group", members=["privesc8-AttachGroupPolicy-user"])
    iam.group("privesc11-PutGroupPolicy-group", members=["privesc11-PutGroupPolicy-user"])

    # sre.tf: iam:*, ec2:*, s3:* on a role (trusting the SRE user), on the SRE group and through it the SRE user.
    sre = iam.policy(
        "privesc-sre-admin-policy",
        doc(allow(["iam:*", "ec2:*", "s3:*"])),
        description="High priv policy Role used by SREs",
    )
    iam.user("privesc-sre-user")
    iam.group("privesc-sre-group", members=["privesc-sre-user"], attached=[sre])
    iam.role("privesc-sre-role", trust_aws(f"arn:aws:iam::{ACCOUNT}:user/privesc-sre-user"), attached=[sre])

    # privesc-AssumeRole.tf: starting-role (no policy, trusts deployer) -> intermediate-role -> ending-role (*:*).
    high = iam.policy("privesc-AssumeRole-high-priv-policy", ALLOW_ALL)
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/"
    iam.role("privesc-AssumeRole-starting-role", trust_aws(DEPLOYER_ARN))
    iam.role("privesc-AssumeRole-intermediate-role", trust_aws(role_arn + "privesc-AssumeRole-starting-role"))
    iam.role(
        "privesc-AssumeRole-ending-role", trust_aws(role_arn + "privesc-AssumeRole-intermediate-role"), attached=[high]
    )
    iam.user("privesc-AssumeRole-start-user")

    # fn1: ec2:RunInstances and iam:PassRole in two separate policies.
    partial = iam.policy("fn1-privesc3-partial", doc(allow(["ec2:DescribeInstances", "ec2:RunInstances"])))
    passrole = iam.policy("fn1-passrole-star", doc(allow(["iam:PassRole"])))
    iam.pair("fn1-privesc3-partial", partial, passrole)

    # fp2: Allow * and Deny * in two policies.
    allow_all = iam.policy("fp2-allow-all", doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    deny_all = iam.policy("deny-all", doc({"Effect": "Deny", "Action": "*", "Resource": "*"}))
    iam.pair("fp2-allow-and-deny-multiple-policies", allow_all, deny_all)

    # privesc-permissive-role-trust.tf: trusts the account root, holds no policy.
    iam.role("privesc-permissive-role-trust", trust_aws(ROOT_ARN))

    if options.non_free:
        lambda_policy = iam.policy("privesc-high-priv-lambda-policy2", ALLOW_ALL)
        iam.role("privesc-high-priv-lambda-role2", trust_service("lambda.amazonaws.com"), attached=[lambda_policy])
        glue_policy = iam.policy("privesc-high-priv-glue-policy2", ALLOW_ALL)
        iam.role("privesc-glue-devendpoint-role", trust_service("glue.amazonaws.com"), attached=[glue_policy])
        sagemaker_policy = iam.policy("privesc-high-priv-sagemaker-policy2", ALLOW_ALL)
        iam.role("privesc-sagemaker-role", trust_service("sagemaker.amazonaws.com"), attached=[sagemaker_policy])
    return iam


def _workloads() -> dict[str, Any]:
    """What the optional modules run, as the listing commands print it."""
    role = f"arn:aws:iam::{ACCOUNT}:role/"
    return {
        "lambda-functions.json": {
            "Functions": [
                {
                    "FunctionName": "test_lambda",
                    "FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:test_lambda",
                    "Runtime": "nodejs20.x",
                    "Role": role + "privesc-high-priv-lambda-role2",
                    "Handler": "index.handler",
                    "PackageType": "Zip",
                }
            ]
        },
        "ec2-instances.json": {
            "Reservations": [
                {
                    "OwnerId": ACCOUNT,
                    "Instances": [
                        {
                            "InstanceId": "i-0a1b2c3d4e5f60718",
                            "InstanceType": "t3.nano",
                            "State": {"Code": 16, "Name": "running"},
                            "Placement": {"AvailabilityZone": "us-east-1a"},
                            "PublicIpAddress": "203.0.113.10",
                            "IamInstanceProfile": {
                                "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/privesc-high-priv-service-profile",
                                "Id": _unique_id("AIPA", "privesc-high-priv-service-profile"),
                            },
                            "SecurityGroups": [
                                {"GroupName": "allow_ssh_from_world", "GroupId": "sg-0123456789abcdef0"}
                            ],
                            "MetadataOptions": {"HttpTokens": "optional", "HttpEndpoint": "enabled"},
                        }
                    ],
                }
            ]
        },
        "glue-dev-endpoints.json": {
            "DevEndpoints": [
                {
                    "EndpointName": "privesc-glue-devendpoint",
                    "RoleArn": role + "privesc-glue-devendpoint-role",
                    "Status": "READY",
                }
            ]
        },
        "sagemaker-notebooks.json": [
            {
                "NotebookInstanceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/"
                "privesc-sagemakernotebook",
                "NotebookInstanceName": "privesc-sagemakerNotebook",
                "NotebookInstanceStatus": "InService",
                "InstanceType": "ml.t2.medium",
                "RoleArn": role + "privesc-sagemaker-role",
                "DirectInternetAccess": "Enabled",
                "RootAccess": "Enabled",
            }
        ],
        "cloudformation-stacks.json": {
            "Stacks": [
                {
                    "StackId": f"arn:aws:cloudformation:{REGION}:{ACCOUNT}:stack/privesc-cloudformationStack/"
                    "0f1e2d3c-4b5a-6978-8877-665544332211",
                    "StackName": "privesc-cloudformationStack",
                    "CreationTime": CREATED,
                    "StackStatus": "CREATE_COMPLETE",
                    "RoleARN": role + "privesc-high-priv-service-role",
                }
            ]
        },
    }


# --- expectations ------------------------------------------------------------------------------------------------

_SELF_POLICY = "can edit its own policies: grants itself anything"
_OTHERS_ONLY = "can only modify principals of another type, which it cannot become"
PASSROLE_NEW = frozenset(
    {
        "lambda-create-function-invoke",
        "lambda-create-function-event-source-mapping",
        "lambda-create-function-add-permission",
        "glue-create-dev-endpoint",
        "cloudformation-create-stack",
        "datapipeline-create-pipeline",
        "codebuild-create-project",
        "sagemaker-create-notebook-instance",
        "sagemaker-create-training-job",
        "sagemaker-create-processing-job",
        "ec2-run-instances",
        "ec2-associate-iam-instance-profile",
    }
)


def _both(
    scenario: str,
    base: str,
    outcome: Outcome,
    why: str,
    methods: Iterable[str] = (),
    *,
    role: Outcome | None = None,
    role_why: str | None = None,
    role_methods: Iterable[str] = (),
    unsure: tuple[Seen, ...] = (),
) -> list[Expect]:
    """Expectations for BASE-user and BASE-role (the role's outcome and methods default to the user's)."""
    wanted = frozenset(methods)
    role_wanted = frozenset(role_methods) if role else wanted
    return [
        Expect(f"{base}-user", "user", outcome, scenario, why, wanted, unsure),
        Expect(f"{base}-role", "role", role or outcome, scenario, role_why or why, role_wanted, unsure),
    ]


def expectations(options: Options) -> tuple[Expect, ...]:
    conditional: Outcome = "escalation" if options.non_free else "escalation-conditional"
    if_module = "the {module} module (non-free, off by default) creates {what}; " + (
        "deployed and listed here" if options.non_free else "not visible in an IAM export: conditional"
    )
    rows: list[Expect] = [
        Expect(
            DEPLOYER,
            "user",
            "none",
            "deployer (README Quick Start)",
            "AdministratorAccess, but a person (console password) or at least not an IAM Vulnerable NHI: the "
            "machine-identity checks do not report it",
        ),
        Expect(
            "privesc-high-priv-service-role",
            "role",
            "admin",
            "service-linked-role-common",
            "Action * on * (privesc-high-priv-service-policy)",
            frozenset({"admin-equivalent"}),
        ),
        *_both(
            "privesc1-CreateNewPolicyVersion",
            "privesc1-CreateNewPolicyVersion",
            "admin",
            "iam:CreatePolicyVersion on its own attached customer policy (set as default): " + _SELF_POLICY,
            ["iam-create-policy-version"],
        ),
        *_both(
            "privesc2-SetExistingDefaultPolicyVersion",
            "privesc2-SetExistingDefaultPolicyVersion",
            "admin" if options.privesc2_prepared else "none",
            "v1 (Action *) is a non-default version of its own policy: SetDefaultPolicyVersion makes it admin"
            if options.privesc2_prepared
            else "its policy has a single version (the .tf says so): nothing to switch to",
            ["iam-set-default-policy-version"] if options.privesc2_prepared else [],
        ),
        *_both(
            "privesc3-CreateEC2WithExistingIP",
            "privesc3-CreateEC2WithExistingInstanceProfile",
            "escalation",
            "iam:PassRole + ec2:RunInstances with privesc-high-priv-service-profile (admin role) in the export "
            "(AssociateIamInstanceProfile alone would need a running instance it controls: not the certain hop)",
            ["ec2-run-instances"],
        ),
        *_both(
            "privesc4-CreateAccessKey",
            "privesc4-CreateAccessKey",
            "escalation",
            "iam:CreateAccessKey on an admin user with < 2 keys (privesc-sre-user, iamv-admin)",
            ["iam-create-access-key"],
        ),
        *_both(
            "privesc5-CreateLoginProfile",
            "privesc5-CreateLoginProfile",
            "escalation",
            "iam:CreateLoginProfile on an admin user without a password (privesc-sre-user: iam:* via its group)",
            ["iam-create-login-profile"],
        ),
        *_both(
            "privesc6-UpdateLoginProfile",
            "privesc6-UpdateLoginProfile",
            "escalation" if options.deployer_password else "none",
            "iam:UpdateLoginProfile on the only user with a console password: the admin deployer (no MFA)"
            if options.deployer_password
            else "no user has a console password (credential report): UpdateLoginProfile has no target",
            ["iam-update-login-profile"] if options.deployer_password else [],
        ),
        *_both(
            "privesc7-AttachUserPolicy",
            "privesc7-AttachUserPolicy",
            "admin",
            "iam:AttachUserPolicy on itself: " + _SELF_POLICY,
            ["iam-attach-user-policy"],
            role="none",
            role_why="iam:AttachUserPolicy only: " + _OTHERS_ONLY,
        ),
        *_both(
            "privesc8-AttachGroupPolicy",
            "privesc8-AttachGroupPolicy",
            "admin",
            "iam:AttachGroupPolicy on its own group privesc8-AttachGroupPolicy-group: " + _SELF_POLICY,
            ["iam-attach-group-policy"],
            role="none",
            role_why="iam:AttachGroupPolicy only: a role is in no group; " + _OTHERS_ONLY,
        ),
        *_both(
            "privesc9-AttachRolePolicy",
            "privesc9-AttachRolePolicy",
            "none",
            "iam:AttachRolePolicy only and no sts:AssumeRole; no role trusts this user by ARN: " + _OTHERS_ONLY,
            role="admin",
            role_why="iam:AttachRolePolicy on itself: " + _SELF_POLICY,
            role_methods=["iam-attach-role-policy"],
        ),
        *_both(
            "privesc10-PutUserPolicy",
            "privesc10-PutUserPolicy",
            "admin",
            "iam:PutUserPolicy on itself: " + _SELF_POLICY,
            ["iam-put-user-policy"],
            role="none",
            role_why="iam:PutUserPolicy only: " + _OTHERS_ONLY,
        ),
        *_both(
            "privesc11-PutGroupPolicy",
            "privesc11-PutGroupPolicy",
            "admin",
            "iam:PutGroupPolicy on its own group privesc11-PutGroupPolicy-group: " + _SELF_POLICY,
            ["iam-put-group-policy"],
            role="none",
            role_why="iam:PutGroupPolicy only: a role is in no group; " + _OTHERS_ONLY,
        ),
        *_both(
            "privesc12-PutRolePolicy",
            "privesc12-PutRolePolicy",
            "none",
            "iam:PutRolePolicy only and no sts:AssumeRole: " + _OTHERS_ONLY,
            role="admin",
            role_why="iam:PutRolePolicy on itself: " + _SELF_POLICY,
            role_methods=["iam-put-role-policy"],
        ),
        *_both(
            "privesc13-AddUserToGroup",
            "privesc13-AddUserToGroup",
            "escalation",
            "iam:AddUserToGroup: joins privesc-sre-group (iam:* -> admin)",
            ["iam-add-user-to-group"],
            role="none",
            role_why="iam:AddUserToGroup adds users only; a role cannot join a group",
        ),
        *_both(
            "privesc14-UpdatingAssumeRolePolicy",
            "privesc14-UpdatingAssumeRolePolicy",
            "escalation",
            "iam:UpdateAssumeRolePolicy + sts:AssumeRole on *: rewrites an admin role's trust and assumes it",
            [
                "iam-update-assume-role-policy",
                "iam-attach-role-policy-update-assume-role-policy",
                "iam-put-role-policy-update-assume-role-policy",
            ],
        ),
        *_both(
            "privesc15-PassExistingRoleToNewLambdaThenInvoke",
            "privesc15-PassExistingRoleToNewLambdaThenInvoke",
            "escalation",
            "PassRole + lambda:CreateFunction + InvokeFunction; privesc-high-priv-service-role trusts lambda",
            ["lambda-create-function-invoke"],
        ),
        *_both(
            "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo",
            "privesc16-PassRoleToNewLambdaThenTriggerWithNewDynamo",
            "escalation",
            "PassRole + CreateFunction + CreateEventSourceMapping; the event source can be one the attacker owns "
            "(self-managed Kafka, or a stream/queue it can write to) - UNSURE: without dynamodb:CreateTable the "
            "'new Dynamo' of the title needs an existing stream",
            ["lambda-create-function-event-source-mapping"],
            unsure=("escalation-conditional",),
        ),
        *_both(
            "privesc17-EditExistingLambdaFunctionWithRole",
            "privesc17-EditExistingLambdaFunctionWithRole",
            conditional,
            "lambda:UpdateFunctionCode on *; "
            + if_module.format(module="lambda", what="test_lambda running as privesc-high-priv-lambda-role2 (*:*)"),
            ["lambda-update-function-code", "lambda-update-function-configuration"],
        ),
        *_both(
            "privesc18-PassExistingRoleToNewGlueDevEndpoint",
            "privesc18-PassExistingRoleToNewGlueDevEndpoint",
            "escalation",
            "PassRole + glue:CreateDevEndpoint; privesc-high-priv-service-role trusts glue",
            ["glue-create-dev-endpoint"],
        ),
        *_both(
            "privesc19-UpdateExistingGlueDevEndpoint",
            "privesc19-UpdateExistingGlueDevEndpoint",
            conditional,
            "glue:UpdateDevEndpoint on *; "
            + if_module.format(module="glue", what="privesc-glue-devendpoint as privesc-glue-devendpoint-role (*:*)"),
            ["glue-update-dev-endpoint"],
        ),
        *_both(
            "privesc20-PassExistingRoleToCloudFormation",
            "privesc20-PassExistingRoleToCloudFormation",
            "escalation",
            "PassRole + cloudformation:CreateStack; privesc-high-priv-service-role trusts cloudformation",
            ["cloudformation-create-stack"],
        ),
        *_both(
            "privesc21-PassExistingRoleToNewDataPipeline",
            "privesc21-PassExistingRoleToNewDataPipeline",
            "escalation",
            "PassRole + datapipeline Create/PutPipelineDefinition/Activate; the admin role trusts datapipeline and "
            "ec2 and has an instance profile (UNSURE in practice: Data Pipeline is closed to new customers)",
            ["datapipeline-create-pipeline"],
        ),
        *_both(
            "privesc-cloudFormationUpdateStack",
            "privesc-CloudFormationUpdateStack",
            conditional,
            "cloudformation:UpdateStack on *; "
            + if_module.format(
                module="cloudformation",
                what="privesc-cloudformationStack with service role privesc-high-priv-service-role",
            ),
            ["cloudformation-update-stack"],
        ),
        *_both(
            "privesc-codeBuildCreateProjectPassRole",
            "privesc-codeBuildCreateProjectPassRole",
            "escalation",
            "PassRole + codebuild:CreateProject + StartBuild; the admin role trusts codebuild",
            ["codebuild-create-project"],
        ),
        *_both(
            "privesc-ec2InstanceConnect",
            "privesc-ec2InstanceConnect",
            conditional,
            "ec2-instance-connect:SendSSHPublicKey on *; "
            + if_module.format(
                module="ec2", what="a public Ubuntu instance (SSH open) with privesc-high-priv-service-profile"
            ),
            ["ec2-instance-connect-send-ssh-public-key"],
        ),
        *_both(
            "privesc-sageMakerCreateNotebookPassRole",
            "privesc-sageMakerCreateNotebookPassRole",
            "escalation",
            "PassRole + sagemaker:CreateNotebookInstance + CreatePresignedNotebookInstanceUrl; admin role trusts "
            "sagemaker",
            ["sagemaker-create-notebook-instance"],
        ),
        *_both(
            "privesc-sageMakerCreatePresignedNotebookURL",
            "privesc-sageMakerCreatePresignedNotebookURL",
            conditional,
            "sagemaker:CreatePresignedNotebookInstanceUrl on *; "
            + if_module.format(module="sagemaker", what="privesc-sagemakerNotebook as privesc-sagemaker-role (*:*)"),
            ["sagemaker-create-presigned-notebook-instance-url"],
        ),
        *_both(
            "privesc-sageMakerCreateProcessingJob",
            "privesc-sageMakerCreateProcessingJobPassRole",
            "escalation",
            "PassRole + sagemaker:CreateProcessingJob; the admin role trusts sagemaker",
            ["sagemaker-create-processing-job"],
        ),
        *_both(
            "privesc-sageMakerCreateTrainingJob",
            "privesc-sageMakerCreateTrainingJobPassRole",
            "escalation",
            "PassRole + sagemaker:CreateTrainingJob; the admin role trusts sagemaker",
            ["sagemaker-create-training-job"],
        ),
        *_both(
            "privesc-ssmSendCommand",
            "privesc-ssmSendCommand",
            conditional,
            "ssm:SendCommand on *; "
            + if_module.format(module="ec2", what="an SSM-managed instance with privesc-high-priv-service-profile"),
            ["ssm-send-command"],
        ),
        *_both(
            "privesc-ssmStartSession",
            "privesc-ssmStartSession",
            conditional,
            "ssm:StartSession on *; "
            + if_module.format(module="ec2", what="an SSM-managed instance with privesc-high-priv-service-profile"),
            ["ssm-start-session"],
        ),
        Expect(
            "privesc-sre-user",
            "user",
            "admin",
            "sre",
            "iam:* through privesc-sre-group: attaches anything to itself",
        ),
        Expect("privesc-sre-role", "role", "admin", "sre", "iam:* (privesc-sre-admin-policy): " + _SELF_POLICY),
        Expect(
            "privesc-AssumeRole-start-user",
            "user",
            "none",
            "privesc-AssumeRole",
            "no policy at all, and no trust policy names it (the chain starts from the deployer)",
        ),
        Expect(
            "privesc-AssumeRole-starting-role",
            "role",
            "escalation",
            "privesc-AssumeRole",
            "no policy, but intermediate-role trusts its ARN (same account: trust alone suffices) and "
            "ending-role (*:*) trusts intermediate-role: 2 hops",
            frozenset({"sts-assume-role"}),
        ),
        Expect(
            "privesc-AssumeRole-intermediate-role",
            "role",
            "escalation",
            "privesc-AssumeRole",
            "ending-role (*:*) trusts its ARN: 1 hop",
            frozenset({"sts-assume-role"}),
        ),
        Expect(
            "privesc-AssumeRole-ending-role",
            "role",
            "admin",
            "privesc-AssumeRole",
            "Action * on * (privesc-AssumeRole-high-priv-policy)",
            frozenset({"admin-equivalent"}),
        ),
        Expect(
            "privesc-permissive-role-trust",
            "role",
            "none",
            "privesc-permissive-role-trust (tool-testing)",
            "trusts the account root but holds no policy: whoever assumes it gains nothing",
        ),
        *_both(
            "fn1-privesc3-multiple-policies",
            "fn1-privesc3-partial",
            "escalation",
            "ec2:RunInstances and iam:PassRole in two policies: privesc3 through the admin instance profile",
            ["ec2-run-instances"],
        ),
        *_both(
            "fn2-ExploitableResourceConstraint",
            "fn2-exploitableResourceConstraint",
            "admin",
            "iam:CreatePolicyVersion on arn:aws:iam::*:policy/fn2-*, which matches its own policy",
            ["iam-create-policy-version"],
        ),
        Expect(
            "fn3-exploitableConditionConstraint-user",
            "user",
            "none",
            "fn3-ExploitableConditionConstraint",
            "DateGreaterThan aws:TokenIssueTime 2020: the key is absent from long-term access-key requests, the "
            "user has no console password, and GetSessionToken credentials without MFA cannot call IAM - UNSURE: "
            "IAM Vulnerable means fn3 as exploitable (through its role profile)",
            unsure=("admin-conditional", "admin"),
        ),
        Expect(
            "fn3-exploitableConditionConstraint-role",
            "role",
            "admin",
            "fn3-ExploitableConditionConstraint",
            "role sessions always carry aws:TokenIssueTime (> 2020): CreatePolicyVersion on its own policy",
            frozenset({"iam-create-policy-version"}),
        ),
        Expect(
            "fn4-exploitableNotAction-user",
            "user",
            "admin",
            "fn4-ExploitableNotAction",
            "NotAction iam:Update*/Create*/Attach* still allows iam:PutUserPolicy on itself",
            frozenset({"iam-put-user-policy", "admin-equivalent"}),
        ),
        Expect(
            "fn4-exploitableNotAction-role",
            "role",
            "admin",
            "fn4-ExploitableNotAction",
            "NotAction iam:Update*/Create*/Attach* still allows iam:PutRolePolicy on itself",
            frozenset({"iam-put-role-policy", "admin-equivalent"}),
        ),
        *_both(
            "fp1-allow-and-deny-same-policy",
            "fp1-allow-and-deny",
            "none",
            "Allow iam:* and Deny iam:* in the same policy",
        ),
        *_both(
            "fp2-allow-and-deny-multiple-policies",
            "fp2-allow-and-deny-multiple-policies",
            "none",
            "Allow * (fp2-allow-all) and Deny * (deny-all)",
        ),
        *_both("fp3-deny", "fp3-deny-iam", "none", "only a Deny iam:* policy"),
        *_both(
            "fp4-NonExploitableResourceConstraint",
            "fp4-nonExploitableResourceConstraint",
            "none",
            "CreatePolicyVersion only on arn:aws:iam::aws:policy/fp4-* (AWS-managed namespace: never its own)",
        ),
        *_both(
            "fp5-NonExploitableConditionConstraint",
            "fp5-nonExploitableConditionConstraint",
            "none",
            "DateLessThan aws:TokenIssueTime 2020-01-01: no request can meet it today",
        ),
    ]
    if options.non_free:
        rows += [
            Expect(
                name,
                "role",
                "admin",
                f"non-free module {module}",
                f"Action * on * ({policy}); runs {what}",
                frozenset({"admin-equivalent"}),
            )
            for name, module, policy, what in (
                ("privesc-high-priv-lambda-role2", "lambda", "privesc-high-priv-lambda-policy2", "test_lambda"),
                ("privesc-glue-devendpoint-role", "glue", "privesc-high-priv-glue-policy2", "privesc-glue-devendpoint"),
                (
                    "privesc-sagemaker-role",
                    "sagemaker",
                    "privesc-high-priv-sagemaker-policy2",
                    "privesc-sagemakerNotebook",
                ),
            )
        ]
    return tuple(rows)


def build(options: Options | None = None) -> Export:
    options = options or Options()
    iam = _build_iam(options)
    rows = expectations(options)
    known = {(e.kind, e.principal) for e in rows}
    principals = {("user", n) for n in iam.users} | {("role", n) for n in iam.roles}
    if known != principals:  # every principal of the export has exactly one expectation
        raise AssertionError(f"expectations do not match the export: {sorted(known ^ principals)}")
    return Export(
        gaad=iam.gaad(),
        credential_report=iam.credential_report(),
        workloads=_workloads() if options.non_free else {},
        expectations=rows,
    )


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "iam-vulnerable-export")
    export = build(Options(non_free="--non-free" in sys.argv))
    export.write(target)
    print(f"wrote {target} ({len(export.expectations)} principals)")
