"""Write sample_data/aws/: the hand-designed AWS export of the fictional "Northwind Analytics".

Every identity, policy and date below is chosen by hand (see sample_data/aws/README.md for the planted
problems and traps); this script only lays them out exactly as the AWS CLI prints them, with consistent ids,
attachment counts and credential-report rows. Run from the repository root:

    python bench/sample_aws.py [--out sample_data/aws]
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import generate_aws

ACCOUNT = "111122223333"
PARTNER = "444455556666"
TOOLING = "777788889999"
REPORT_TIME = "2026-11-28T06:14:09+00:00"
V = "2012-10-17"

Doc = dict[str, Any]


# --------------------------------------------------------------------------- ids and small helpers
def _b32(seed: str, length: int) -> str:
    return base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()[:length]


def unique_id(prefix: str, name: str) -> str:
    return prefix + _b32(f"{prefix}:{name}", 17)


def key_id(user: str, slot: int) -> str:
    return "AKIA" + _b32(f"key:{user}:{slot}", 16)


def ts(value: str) -> str:
    """'2024-03-11 09:12:44' -> '2024-03-11T09:12:44+00:00'."""
    return value.replace(" ", "T") + "+00:00"


def doc(*statements: Doc) -> Doc:
    return {"Version": V, "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str] = "*", sid: str | None = None, **extra: Any) -> Doc:
    statement: Doc = {"Sid": sid} if sid else {}
    statement.update({"Effect": "Allow", "Action": action, "Resource": resource})
    statement.update(extra)
    return statement


def deny(action: str | list[str], resource: str | list[str] = "*", sid: str | None = None, **extra: Any) -> Doc:
    statement = allow(action, resource, sid, **extra)
    statement["Effect"] = "Deny"
    return statement


def arn(kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}{path}{name}"


def aws_policy(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::aws:policy{path}{name}"


def local_policy(name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"


def trust_service(service: str, condition: Doc | None = None) -> Doc:
    statement: Doc = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


def trust_aws(principal: str | list[str], condition: Doc | None = None) -> Doc:
    statement: Doc = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return doc(statement)


GITHUB_OIDC = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SSO_SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_5d2e8a9c1f4b7e36_DO_NOT_DELETE"


def trust_github(sub: str | None, like: bool = True) -> Doc:
    condition: Doc = {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}
    if sub is not None:
        operator = "StringLike" if like else "StringEquals"
        if operator == "StringEquals":
            condition["StringEquals"]["token.actions.githubusercontent.com:sub"] = sub
        else:
            condition[operator] = {"token.actions.githubusercontent.com:sub": sub}
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB_OIDC},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
    )


#: Google ID tokens (built-in provider accounts.google.com): `accounts.google.com:aud` is the token's azp claim, the
#: uniqueId of the service account that minted it (bench/sample_gcp.py unique_id(), project nw-prod-apps)
GCP_AWS_BRIDGE_UID = "139436907906634951231"  # aws-bridge@nw-prod-apps.iam.gserviceaccount.com
GCP_NOBODY_UID = "175686371262637996786"  # no service account of sample_data/gcp has this uniqueId


def trust_google(service_account_uid: str) -> Doc:
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "accounts.google.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"accounts.google.com:aud": service_account_uid}},
        }
    )


TRUST_SSO = doc(
    {
        "Effect": "Allow",
        "Principal": {"Federated": SSO_SAML},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    }
)

# --------------------------------------------------------------------------- AWS managed policies
# Short documents are the real ones; long ones are faithful abbreviations. Only the default version is listed.
AWS_MANAGED: dict[str, Doc] = {
    "AdministratorAccess": {
        "path": "/",
        "id": "ANPAIWMBCKSKIEE64ZLYK",
        "version": "v1",
        "created": "2015-02-06 18:39:46",
        "updated": "2015-02-06 18:39:46",
        "description": "Provides full access to AWS services and resources.",
        "document": doc(allow("*")),
    },
    "ReadOnlyAccess": {
        "path": "/",
        "id": "ANPAILL3HVNFSB6DCOWYQ",
        "version": "v124",
        "created": "2015-02-06 18:39:48",
        "updated": "2025-10-14 18:12:03",
        "description": "Provides read-only access to AWS services and resources.",
        "document": doc(
            allow(
                [
                    "access-analyzer:GetAnalyzer",
                    "access-analyzer:List*",
                    "acm:Describe*",
                    "acm:Get*",
                    "acm:List*",
                    "apigateway:GET",
                    "athena:Batch*",
                    "athena:Get*",
                    "athena:List*",
                    "autoscaling:Describe*",
                    "bedrock:Get*",
                    "bedrock:List*",
                    "cloudformation:Describe*",
                    "cloudformation:Get*",
                    "cloudformation:List*",
                    "cloudfront:Get*",
                    "cloudfront:List*",
                    "cloudtrail:Describe*",
                    "cloudtrail:Get*",
                    "cloudtrail:List*",
                    "cloudtrail:LookupEvents",
                    "cloudwatch:Describe*",
                    "cloudwatch:Get*",
                    "cloudwatch:List*",
                    "codebuild:BatchGet*",
                    "codebuild:List*",
                    "dynamodb:BatchGet*",
                    "dynamodb:Describe*",
                    "dynamodb:Get*",
                    "dynamodb:List*",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "ec2:Describe*",
                    "ec2:Get*",
                    "ecr:BatchCheck*",
                    "ecr:BatchGet*",
                    "ecr:Describe*",
                    "ecr:Get*",
                    "ecr:List*",
                    "ecs:Describe*",
                    "ecs:List*",
                    "glue:BatchGet*",
                    "glue:Get*",
                    "glue:List*",
                    "iam:Generate*",
                    "iam:Get*",
                    "iam:List*",
                    "iam:Simulate*",
                    "kms:Describe*",
                    "kms:Get*",
                    "kms:List*",
                    "lambda:Get*",
                    "lambda:List*",
                    "logs:Describe*",
                    "logs:FilterLogEvents",
                    "logs:Get*",
                    "logs:List*",
                    "logs:StartQuery",
                    "logs:StopQuery",
                    "logs:TestMetricFilter",
                    "organizations:Describe*",
                    "organizations:List*",
                    "rds:Describe*",
                    "rds:List*",
                    "s3:Describe*",
                    "s3:Get*",
                    "s3:List*",
                    "secretsmanager:Describe*",
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:List*",
                    "sns:Get*",
                    "sns:List*",
                    "sqs:Get*",
                    "sqs:List*",
                    "sqs:Receive*",
                    "ssm:Describe*",
                    "ssm:Get*",
                    "ssm:List*",
                    "sso:Describe*",
                    "sso:Get*",
                    "sso:List*",
                    "tag:Get*",
                ],
                sid="ReadOnlyActions",
            )
        ),
    },
    "PowerUserAccess": {
        "path": "/",
        "id": "ANPAJYRXTHIB4FOVS3ZXS",
        "version": "v5",
        "created": "2015-02-06 18:39:47",
        "updated": "2023-07-06 22:04:19",
        "description": (
            "Provides full access to AWS services and resources, but does not allow management of Users and groups."
        ),
        "document": doc(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            allow(
                [
                    "account:GetAccountInformation",
                    "account:GetPrimaryEmail",
                    "account:ListRegions",
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ]
            ),
        ),
    },
    "IAMFullAccess": {
        "path": "/",
        "id": "ANPAI7XKCFMBPM3QQRRVQ",
        "version": "v2",
        "created": "2015-02-06 18:40:38",
        "updated": "2019-06-21 19:40:00",
        "description": "Provides full access to IAM via the AWS Management Console.",
        "document": doc(
            allow(
                [
                    "iam:*",
                    "organizations:DescribeAccount",
                    "organizations:DescribeOrganization",
                    "organizations:DescribeOrganizationalUnit",
                    "organizations:DescribePolicy",
                    "organizations:ListChildren",
                    "organizations:ListParents",
                    "organizations:ListPoliciesForTarget",
                    "organizations:ListRoots",
                    "organizations:ListPolicies",
                    "organizations:ListTargetsForPolicy",
                ]
            )
        ),
    },
    "AmazonS3ReadOnlyAccess": {
        "path": "/",
        "id": "ANPAIZTJ4DXE7G6AGAE6M",
        "version": "v3",
        "created": "2015-02-06 18:40:59",
        "updated": "2023-08-10 21:31:39",
        "description": "Provides read only access to all buckets via the AWS Management Console.",
        "document": doc(
            allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])
        ),
    },
    "AWSLambdaBasicExecutionRole": {
        "path": "/service-role/",
        "id": "ANPAJNCQGXC42545SKXIK",
        "version": "v1",
        "created": "2015-04-09 15:03:43",
        "updated": "2015-04-09 15:03:43",
        "description": "Provides write permissions to CloudWatch Logs.",
        "document": doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    },
    "AmazonECSTaskExecutionRolePolicy": {
        "path": "/service-role/",
        "id": "ANPAJG4T4G4PV56DE72PY",
        "version": "v1",
        "created": "2017-11-16 18:48:22",
        "updated": "2017-11-16 18:48:22",
        "description": "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
        "document": doc(
            allow(
                [
                    "ecr:GetAuthorizationToken",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                ]
            )
        ),
    },
    "AmazonSSMManagedInstanceCore": {
        "path": "/",
        "id": "ANPAIXSHM2BNB2D3AXXRU",
        "version": "v2",
        "created": "2019-03-15 17:22:12",
        "updated": "2019-05-23 16:54:21",
        "description": "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.",
        "document": doc(
            allow(
                [
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
                ]
            ),
            allow(
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ]
            ),
            allow(
                [
                    "ec2messages:AcknowledgeMessage",
                    "ec2messages:DeleteMessage",
                    "ec2messages:FailMessage",
                    "ec2messages:GetEndpoint",
                    "ec2messages:GetMessages",
                    "ec2messages:SendReply",
                ]
            ),
        ),
    },
    "AWSGlueServiceRole": {
        "path": "/service-role/",
        "id": "ANPAIRU66C5DEUAVGHSFE",
        "version": "v6",
        "created": "2017-04-19 19:06:17",
        "updated": "2023-08-31 17:22:08",
        "description": (
            "Policy for AWS Glue service role which allows access to related services including EC2, S3, "
            "and Cloudwatch Logs"
        ),
        "document": doc(
            allow(
                [
                    "glue:*",
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListAllMyBuckets",
                    "s3:GetBucketAcl",
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeRouteTables",
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeVpcAttribute",
                    "iam:ListRolePolicies",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "cloudwatch:PutMetricData",
                ]
            ),
            allow(["s3:CreateBucket"], ["arn:aws:s3:::aws-glue-*"]),
            allow(
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"],
            ),
            allow(["s3:GetObject"], ["arn:aws:s3:::crawler-public*", "arn:aws:s3:::aws-glue-*"]),
            allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
                ["arn:aws:logs:*:*:/aws-glue/*"],
            ),
            allow(
                ["ec2:CreateTags", "ec2:DeleteTags"],
                [
                    "arn:aws:ec2:*:*:network-interface/*",
                    "arn:aws:ec2:*:*:security-group/*",
                    "arn:aws:ec2:*:*:instance/*",
                ],
                Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["aws-glue-service-resource"]}},
            ),
        ),
    },
    "AmazonECSServiceRolePolicy": {
        "path": "/aws-service-role/",
        "id": "ANPAIVUWKCAI7URU4WUEI",
        "version": "v24",
        "created": "2017-10-14 01:18:58",
        "updated": "2025-06-02 17:48:51",
        "description": "Policy to enable Amazon ECS to manage your cluster.",
        "document": doc(
            allow(
                [
                    "ec2:AttachNetworkInterface",
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:Describe*",
                    "ec2:DetachNetworkInterface",
                    "elasticloadbalancing:DeregisterInstancesFromLoadBalancer",
                    "elasticloadbalancing:DeregisterTargets",
                    "elasticloadbalancing:Describe*",
                    "elasticloadbalancing:RegisterInstancesWithLoadBalancer",
                    "elasticloadbalancing:RegisterTargets",
                    "route53:ChangeResourceRecordSets",
                    "route53:CreateHealthCheck",
                    "route53:DeleteHealthCheck",
                    "route53:Get*",
                    "route53:List*",
                    "route53:UpdateHealthCheck",
                    "servicediscovery:DeregisterInstance",
                    "servicediscovery:Get*",
                    "servicediscovery:List*",
                    "servicediscovery:RegisterInstance",
                    "servicediscovery:UpdateInstanceCustomHealthStatus",
                ],
                sid="ECSTaskManagement",
            ),
            allow(
                ["logs:CreateLogGroup", "logs:DescribeLogGroups", "logs:PutRetentionPolicy"],
                "arn:aws:logs:*:*:log-group:/aws/ecs/*",
                sid="ECSTaggingLogs",
            ),
        ),
    },
    "AWSSupportServiceRolePolicy": {
        "path": "/aws-service-role/",
        "id": "ANPAJ7W6266ELXF5MISDS",
        "version": "v39",
        "created": "2018-04-19 18:04:44",
        "updated": "2025-03-21 20:10:37",
        "description": "Enables resource access for AWS to provide billing, administrative and support services",
        "document": doc(
            allow(
                [
                    "acm:DescribeCertificate",
                    "acm:GetCertificate",
                    "acm:List*",
                    "apigateway:GET",
                    "autoscaling:Describe*",
                    "cloudformation:DescribeStack*",
                    "cloudformation:GetTemplate",
                    "cloudformation:List*",
                    "cloudfront:Get*",
                    "cloudfront:List*",
                    "cloudtrail:DescribeTrails",
                    "cloudtrail:GetTrailStatus",
                    "cloudwatch:Describe*",
                    "cloudwatch:Get*",
                    "cloudwatch:List*",
                    "dynamodb:DescribeTable",
                    "dynamodb:ListTables",
                    "ec2:Describe*",
                    "ecs:Describe*",
                    "ecs:List*",
                    "iam:GetAccountAuthorizationDetails",
                    "iam:GetAccountSummary",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListRoles",
                    "iam:ListUsers",
                    "lambda:GetFunctionConfiguration",
                    "lambda:ListFunctions",
                    "rds:Describe*",
                    "s3:GetBucketPolicy",
                    "s3:GetLifecycleConfiguration",
                    "s3:ListAllMyBuckets",
                ],
                sid="AWSSupportAPIGetAndDescribe",
            ),
            allow(
                ["iam:DeleteRole"],
                "arn:aws:iam::*:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport",
                sid="AWSSupportAPIDeleteServiceLinkedRole",
            ),
        ),
    },
    "AWSSSOServiceRolePolicy": {
        "path": "/aws-service-role/",
        "id": "ANPAIJ52KSWOD4GI54XP2",
        "version": "v23",
        "created": "2017-12-05 18:36:15",
        "updated": "2024-10-29 19:02:44",
        "description": "This policy grants permissions needed by AWS SSO to manage roles provisioned by AWS SSO.",
        "document": doc(
            allow(
                [
                    "iam:AttachRolePolicy",
                    "iam:CreateRole",
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:PutRolePermissionsBoundary",
                    "iam:PutRolePolicy",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                    "iam:UpdateAssumeRolePolicy",
                ],
                ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"],
                sid="IAMRoleProvisioningActions",
                Condition={"StringNotEquals": {"aws:PrincipalOrgMasterAccountId": "${aws:PrincipalAccount}"}},
            ),
            allow(["iam:GetRole", "iam:ListRoles"], ["*"], sid="IAMRoleReadActions"),
            allow(
                [
                    "iam:DeleteRole",
                    "iam:DeleteRolePolicy",
                    "iam:DetachRolePolicy",
                    "iam:ListRolePolicies",
                    "iam:ListAttachedRolePolicies",
                ],
                ["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"],
                sid="IAMRoleCleanupActions",
            ),
            allow(
                ["iam:CreateSAMLProvider"],
                ["arn:aws:iam::*:saml-provider/*"],
                sid="IAMSAMLProviderCreationAction",
                Condition={"StringNotEquals": {"aws:PrincipalOrgMasterAccountId": "${aws:PrincipalAccount}"}},
            ),
            allow(
                ["iam:UpdateSAMLProvider"], ["arn:aws:iam::*:saml-provider/AWSSSO_*"], sid="IAMSAMLProviderUpdateAction"
            ),
            allow(
                [
                    "organizations:DescribeAccount",
                    "organizations:DescribeOrganization",
                    "organizations:ListAccounts",
                    "organizations:ListDelegatedAdministrators",
                    "organizations:ListAWSServiceAccessForOrganization",
                ],
                ["*"],
                sid="OrganizationAccess",
            ),
        ),
    },
}

# --------------------------------------------------------------------------- customer managed policies
# name -> path, versions [(id, created, document)], default version id
CUSTOMER_MANAGED: dict[str, Doc] = {
    "nw-ci-deploy": {
        "path": "/",
        "default": "v2",
        "versions": [
            (
                "v1",
                "2023-10-02 08:41:17",
                doc(
                    allow(
                        ["s3:PutObject", "s3:GetObject", "s3:ListBucket"],
                        ["arn:aws:s3:::northwind-artifacts", "arn:aws:s3:::northwind-artifacts/*"],
                        sid="Artifacts",
                    ),
                    allow(
                        ["lambda:UpdateFunctionCode", "lambda:GetFunction", "lambda:PublishVersion"],
                        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*",
                        sid="DeployFunctions",
                    ),
                ),
            ),
            (
                "v2",
                "2025-04-14 13:27:55",
                doc(
                    allow(
                        ["s3:PutObject", "s3:GetObject", "s3:ListBucket"],
                        ["arn:aws:s3:::northwind-artifacts", "arn:aws:s3:::northwind-artifacts/*"],
                        sid="Artifacts",
                    ),
                    allow(
                        [
                            "lambda:CreateFunction",
                            "lambda:UpdateFunctionCode",
                            "lambda:UpdateFunctionConfiguration",
                            "lambda:GetFunction",
                            "lambda:PublishVersion",
                            "lambda:InvokeFunction",
                            "lambda:TagResource",
                        ],
                        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:*",
                        sid="DeployFunctions",
                    ),
                    allow("iam:PassRole", "*", sid="PassExecutionRoles"),
                ),
            ),
        ],
    },
    "nw-data-pipeline": {
        "path": "/",
        "default": "v3",
        "versions": [
            (
                "v1",
                "2024-03-11 09:12:44",
                doc(
                    allow(["s3:*", "glue:*", "athena:*"], "*", sid="BootstrapEverything"),
                    allow("iam:PassRole", "*", sid="PassAnyRole"),
                ),
            ),
            (
                "v2",
                "2024-09-02 16:05:31",
                doc(
                    allow(
                        ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                        ["arn:aws:s3:::northwind-datalake", "arn:aws:s3:::northwind-datalake/*"],
                        sid="DataLake",
                    ),
                    allow(
                        ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
                        f"arn:aws:glue:us-east-1:{ACCOUNT}:job/*",
                        sid="RunJobs",
                    ),
                ),
            ),
            (
                "v3",
                "2025-05-20 11:48:02",
                doc(
                    allow(
                        ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
                        ["arn:aws:s3:::northwind-datalake", "arn:aws:s3:::northwind-datalake/raw/*"],
                        sid="DataLake",
                    ),
                    allow(
                        ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns"],
                        f"arn:aws:glue:us-east-1:{ACCOUNT}:job/etl-*",
                        sid="RunJobs",
                    ),
                ),
            ),
        ],
    },
    "nw-reports-task": {
        "path": "/",
        "default": "v1",
        "versions": [
            (
                "v1",
                "2024-06-17 10:30:00",
                doc(
                    allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::northwind-reports/*", sid="Reports"),
                    allow(
                        ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
                        f"arn:aws:sqs:us-east-1:{ACCOUNT}:report-requests",
                        sid="Queue",
                    ),
                    allow(
                        [
                            "iam:GetPolicy",
                            "iam:GetPolicyVersion",
                            "iam:ListPolicyVersions",
                            "iam:CreatePolicyVersion",
                            "iam:DeletePolicyVersion",
                        ],
                        local_policy("nw-reports-task"),
                        sid="SelfManagedPermissions",
                    ),
                ),
            ),
        ],
    },
    "nw-guardrail-deny-passrole": {
        "path": "/guardrails/",
        "default": "v1",
        "versions": [
            ("v1", "2023-05-15 12:00:09", doc(deny("iam:PassRole", "*", sid="NoPassRole"))),
        ],
    },
    "nw-ci-boundary": {
        "path": "/boundaries/",
        "default": "v1",
        "versions": [
            (
                "v1",
                "2024-11-11 09:40:12",
                doc(
                    allow(["s3:*", "cloudformation:*", "ecr:*", "logs:*", "cloudwatch:*"], "*", sid="CiServicesOnly"),
                ),
            ),
        ],
    },
    "nw-developer-guardrails": {
        "path": "/guardrails/",
        "default": "v2",
        "versions": [
            (
                "v1",
                "2022-01-10 15:11:40",
                doc(
                    deny(
                        [
                            "lambda:UpdateFunctionCode",
                            "lambda:UpdateFunctionConfiguration",
                            "cloudformation:UpdateStack",
                            "cloudformation:CreateChangeSet",
                            "cloudformation:ExecuteChangeSet",
                        ],
                        "*",
                        sid="ProdChangesOnlyViaCI",
                    ),
                ),
            ),
            (
                "v2",
                "2025-02-03 09:02:26",
                doc(
                    deny(
                        [
                            "lambda:UpdateFunctionCode",
                            "lambda:UpdateFunctionConfiguration",
                            "cloudformation:UpdateStack",
                            "cloudformation:CreateChangeSet",
                            "cloudformation:ExecuteChangeSet",
                            "codebuild:StartBuild",
                            "codebuild:StartBuildBatch",
                            "codebuild:UpdateProject",
                            "glue:UpdateJob",
                            "glue:StartJobRun",
                            "glue:UpdateDevEndpoint",
                            "ssm:SendCommand",
                            "ssm:StartSession",
                            "ssm:StartAutomationExecution",
                            "ec2-instance-connect:SendSSHPublicKey",
                            "ec2:ModifyInstanceAttribute",
                            "ec2:CreateLaunchTemplateVersion",
                            "ecs:ExecuteCommand",
                            "sagemaker:CreatePresignedNotebookInstanceUrl",
                            "apprunner:UpdateService",
                            "codedeploy:CreateDeployment",
                            "bedrock-agentcore:*",
                        ],
                        "*",
                        sid="ProdChangesOnlyViaCI",
                    ),
                    deny(["sts:AssumeRole", "sso:*", "identitystore:*"], "*", sid="NoRoleHoppingUseSSO"),
                ),
            ),
        ],
    },
    "CodeBuildBasePolicy-northwind-app-us-east-1": {
        "path": "/service-role/",
        "default": "v1",
        "versions": [
            (
                "v1",
                "2023-02-27 14:55:03",
                doc(
                    allow(
                        ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                        [
                            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/codebuild/northwind-app",
                            f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/codebuild/northwind-app:*",
                        ],
                    ),
                    allow(
                        [
                            "s3:PutObject",
                            "s3:GetObject",
                            "s3:GetObjectVersion",
                            "s3:GetBucketAcl",
                            "s3:GetBucketLocation",
                        ],
                        ["arn:aws:s3:::codepipeline-us-east-1-*"],
                    ),
                    allow(
                        [
                            "codebuild:CreateReportGroup",
                            "codebuild:CreateReport",
                            "codebuild:UpdateReport",
                            "codebuild:BatchPutTestCases",
                            "codebuild:BatchPutCodeCoverages",
                        ],
                        [f"arn:aws:codebuild:us-east-1:{ACCOUNT}:report-group/northwind-app-*"],
                    ),
                ),
            ),
        ],
    },
    "AmazonBedrockAgentBedrockFoundationModelPolicy_support": {
        "path": "/service-role/",
        "default": "v1",
        "versions": [
            (
                "v1",
                "2025-09-08 13:20:41",
                doc(
                    allow(
                        "bedrock:InvokeModel",
                        ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"],
                        sid="AmazonBedrockAgentBedrockFoundationModelPolicyProd",
                    ),
                ),
            ),
        ],
    },
}


# --------------------------------------------------------------------------- users
# (name, path, created, groups, attached policy ARNs, inline {name: doc}, tags, boundary ARN)
def user(
    name: str,
    created: str,
    *,
    path: str = "/",
    groups: tuple[str, ...] = (),
    attached: tuple[str, ...] = (),
    inline: dict[str, Doc] | None = None,
    tags: dict[str, str] | None = None,
    boundary: str | None = None,
    password: tuple[str, str | None] | None = None,
    mfa: bool = False,
    keys: tuple[tuple[bool, str, tuple[str, str, str] | None] | None, ...] = (),
) -> Doc:
    """password = (last changed, last used or None); keys = up to two (active, created, (used, region, service))."""
    return {
        "name": name,
        "created": created,
        "path": path,
        "groups": groups,
        "attached": attached,
        "inline": inline or {},
        "tags": tags or {},
        "boundary": boundary,
        "password": password,
        "mfa": mfa,
        "keys": keys,
    }


ADMIN = aws_policy("AdministratorAccess")
READONLY = aws_policy("ReadOnlyAccess")
POWERUSER = aws_policy("PowerUserAccess")
S3_READ = aws_policy("AmazonS3ReadOnlyAccess")
LAMBDA_BASIC = aws_policy("AWSLambdaBasicExecutionRole", "/service-role/")
SSM_CORE = aws_policy("AmazonSSMManagedInstanceCore")

USERS = [
    # ---- humans
    user(
        "alice.nguyen",
        "2019-06-14 15:02:11",
        groups=("Admins",),
        tags={"team": "platform"},
        password=("2026-08-03 08:15:40", "2026-11-27 16:42:05"),
        mfa=True,
    ),
    user(
        "bob.martin",
        "2020-02-03 10:20:55",
        groups=("Developers",),
        tags={"team": "data"},
        password=("2026-06-11 09:01:12", "2026-11-25 08:03:51"),
        mfa=True,
        keys=((True, "2024-12-19 14:37:02", ("2026-11-20 17:12:00", "us-east-1", "s3")),),
    ),
    user(
        "carla.diaz",
        "2021-05-10 12:44:30",
        groups=("Developers",),
        tags={"team": "web"},
        password=("2026-05-29 07:55:18", "2026-11-26 13:20:44"),
        mfa=True,
    ),
    user(
        "emma.schulz",
        "2023-01-09 09:30:00",
        groups=("ReadOnly",),
        tags={"team": "security"},
        password=("2026-07-15 10:10:10", "2026-10-30 11:47:29"),
        mfa=True,
    ),
    user(
        "farid.haddad",
        "2023-09-18 08:05:46",
        groups=("Admins",),
        tags={"team": "platform"},
        password=("2026-09-01 06:59:03", "2026-11-28 05:31:17"),
        mfa=True,
    ),
    user(
        "grace.kim",
        "2021-03-01 16:18:09",
        groups=("Developers",),
        tags={"team": "data"},
        password=("2025-11-20 10:00:21", "2026-01-15 18:02:36"),
        mfa=True,
    ),
    user(
        "hiro.tanaka",
        "2026-11-19 09:12:07",
        groups=("Developers",),
        tags={"team": "web"},
        password=("2026-11-19 09:12:07", None),
        mfa=False,
    ),
    user(
        "acme-auditor",
        "2024-04-02 13:00:00",
        path="/contractors/",
        tags={"owner": "emma.schulz", "vendor": "Acme Audit LLP"},
    ),
    # ---- machine users
    user(
        "ci-deploy",
        "2023-10-02 08:40:51",
        attached=(local_policy("nw-ci-deploy"),),
        tags={"owner": "platform-team", "team": "platform", "purpose": "ci"},
        keys=(
            (True, "2025-10-12 07:18:33", ("2026-11-28 03:11:00", "us-east-1", "lambda")),
            (True, "2026-10-25 12:02:47", ("2026-11-27 22:48:00", "us-east-1", "s3")),
        ),
    ),
    user(
        "github-actions-legacy",
        "2022-05-03 11:26:14",
        groups=("ci-machines",),
        inline={
            "legacy-deploy": doc(
                allow(
                    ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                    ["arn:aws:s3:::northwind-www", "arn:aws:s3:::northwind-www/*"],
                ),
                allow("cloudfront:CreateInvalidation", "*"),
                allow(
                    [
                        "ecr:GetAuthorizationToken",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    "*",
                ),
            )
        },
        keys=((True, "2024-07-12 09:44:18", ("2025-10-20 15:06:00", "us-east-1", "s3")),),
    ),
    user(
        "terraform-runner",
        "2021-11-08 17:03:29",
        attached=(ADMIN,),
        tags={"owner": "platform-team", "managed-by": "terraform"},
        keys=(
            (True, "2025-03-01 10:11:12", ("2026-11-28 05:50:00", "us-east-1", "iam")),
            (False, "2023-02-14 08:27:45", ("2025-02-27 19:33:00", "us-east-1", "sts")),
        ),
    ),
    user(
        "jenkins-builder",
        "2020-09-14 13:37:21",
        path="/ci/",
        groups=("ci-machines",),
        tags={"team": "build"},
        inline={
            "ecr-push": doc(
                allow(["ecr:*"], f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/*"),
                allow("ecr:GetAuthorizationToken", "*"),
            )
        },
        password=("2020-09-14 13:40:02", "2026-11-09 21:14:55"),
        mfa=False,
        keys=((True, "2025-06-21 16:25:40", ("2026-11-28 04:02:00", "us-east-1", "ecr")),),
    ),
    user(
        "backup-sync",
        "2019-11-20 20:00:12",
        groups=("data-pipelines",),
        tags={"owner": "sre"},
        inline={
            "backup-write": doc(
                allow(
                    ["s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
                    ["arn:aws:s3:::northwind-backups", "arn:aws:s3:::northwind-backups/*"],
                )
            )
        },
        keys=((True, "2024-05-31 02:10:07", ("2026-11-26 02:15:00", "eu-west-1", "s3")),),
    ),
    user(
        "datadog-integration",
        "2022-02-14 10:45:00",
        attached=(READONLY,),
        tags={"owner": "sre", "vendor": "datadog"},
        keys=((True, "2026-02-01 09:00:38", ("2026-11-28 06:00:00", "us-east-1", "monitoring")),),
    ),
    user(
        "etl-loader",
        "2024-03-11 09:10:02",
        groups=("data-pipelines",),
        keys=(
            (True, "2026-03-14 11:22:31", None),
            (False, "2024-03-11 09:12:44", ("2026-03-13 23:59:00", "us-east-1", "glue")),
        ),
    ),
    user(
        "key-rotator",
        "2025-04-07 14:14:14",
        tags={"owner": "security"},
        inline={
            "rotate-user-keys": doc(
                allow(
                    ["iam:CreateAccessKey", "iam:DeleteAccessKey", "iam:UpdateAccessKey", "iam:ListAccessKeys"],
                    f"arn:aws:iam::{ACCOUNT}:user/*",
                    sid="RotateKeys",
                )
            )
        },
        keys=((True, "2026-06-22 07:30:00", ("2026-11-28 00:05:00", "us-east-1", "iam")),),
    ),
    user(
        "legacy-reporting",
        "2019-08-05 12:12:12",
        inline={"athena-reports": doc(allow(["athena:*", "s3:GetObject", "s3:ListBucket", "s3:PutObject"], "*"))},
        keys=(
            (False, "2022-10-01 08:00:00", ("2023-01-05 09:14:00", "us-east-1", "athena")),
            (True, "2022-11-15 10:41:57", ("2024-05-02 06:30:00", "us-east-1", "athena")),
        ),
    ),
    user(
        "deploy-bootstrap",
        "2024-09-09 15:48:20",
        tags={"team": "platform"},
        inline={
            "bootstrap-lambda-roles": doc(
                allow(
                    ["iam:GetRole", "iam:UpdateAssumeRolePolicy"],
                    f"arn:aws:iam::{ACCOUNT}:role/lambda-*",
                    sid="EditLambdaRoleTrust",
                ),
                allow("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/lambda-*", sid="AssumeLambdaRoles"),
            )
        },
        keys=((True, "2025-01-20 08:08:08", ("2026-08-30 14:21:00", "us-east-1", "iam")),),
    ),
    user(
        "monitoring-agent",
        "2023-05-15 11:58:44",
        tags={"owner": "sre"},
        attached=(local_policy("nw-guardrail-deny-passrole", "/guardrails/"),),
        inline={
            "synthetics-deploy": doc(
                allow(["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:DeleteFunction"], "*"),
                allow("iam:PassRole", "*"),
                allow(["cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "logs:*"], "*"),
            )
        },
        keys=((True, "2025-08-05 13:03:20", ("2026-11-28 06:02:00", "us-east-1", "monitoring")),),
    ),
    user(
        "release-bot",
        "2024-11-11 09:42:37",
        path="/ci/",
        tags={"owner": "platform-team"},
        boundary=local_policy("nw-ci-boundary", "/boundaries/"),
        inline={
            "release": doc(
                allow(
                    [
                        "cloudformation:CreateStack",
                        "cloudformation:UpdateStack",
                        "cloudformation:Describe*",
                        "s3:PutObject",
                        "s3:GetObject",
                    ],
                    "*",
                    sid="Release",
                ),
                allow(
                    ["iam:AttachUserPolicy", "iam:PutUserPolicy"],
                    f"arn:aws:iam::{ACCOUNT}:user/ci/release-bot",
                    sid="SelfServicePermissions",
                ),
            )
        },
        keys=((True, "2026-05-02 10:16:52", ("2026-11-20 19:47:00", "us-east-1", "cloudformation")),),
    ),
    user(
        "legacy-cron",
        "2019-12-02 04:00:00",
        inline={
            "cron-maintenance": doc(
                allow(["ec2:DescribeSnapshots", "ec2:DeleteSnapshot", "ec2:CreateSnapshot"], "*", sid="Snapshots"),
                allow(
                    "iam:AttachUserPolicy",
                    f"arn:aws:iam::{ACCOUNT}:user/legacy-cron",
                    sid="TemporaryBootstrap",
                    Condition={"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
                ),
            )
        },
        keys=((True, "2023-01-06 04:00:31", ("2023-04-18 04:00:00", "us-east-1", "ec2")),),
    ),
    user(
        "support-tools",
        "2024-07-01 09:09:09",
        tags={"owner": "it-support"},
        inline={
            "contractor-access": doc(
                allow(
                    ["iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:ListAttachedUserPolicies"],
                    f"arn:aws:iam::{ACCOUNT}:user/contractors/*",
                    sid="ManageContractors",
                )
            )
        },
        keys=((True, "2026-01-10 10:01:45", ("2026-11-15 10:30:00", "us-east-1", "iam")),),
    ),
    user(
        "ses-smtp-mailer",
        "2020-06-30 18:22:40",
        tags={"owner": "app-team"},
        inline={"AmazonSesSendingAccess": doc(allow("ses:SendRawEmail", "*"))},
        keys=((True, "2023-03-01 18:25:03", ("2026-11-28 06:10:00", "eu-west-1", "ses")),),
    ),
]

GROUPS = [
    {"name": "Admins", "created": "2019-06-14 15:00:40", "attached": (ADMIN,), "inline": {}},
    {
        "name": "Developers",
        "created": "2019-06-20 08:12:00",
        "attached": (POWERUSER, local_policy("nw-developer-guardrails", "/guardrails/")),
        "inline": {},
    },
    {"name": "ReadOnly", "created": "2020-01-13 10:00:00", "attached": (READONLY,), "inline": {}},
    {
        "name": "ci-machines",
        "created": "2020-09-14 13:30:05",
        "attached": (),
        "inline": {
            "ci-iam-self-service": doc(
                allow(
                    ["iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:ListAttachedUserPolicies"],
                    "*",
                    sid="LetPipelinesManageTheirOwnPolicies",
                )
            )
        },
    },
    {
        "name": "data-pipelines",
        "created": "2019-11-20 19:58:31",
        "attached": (S3_READ, local_policy("nw-data-pipeline")),
        "inline": {},
    },
]


# --------------------------------------------------------------------------- roles
def role(
    name: str,
    created: str,
    trust: Doc,
    *,
    path: str = "/",
    attached: tuple[str, ...] = (),
    inline: dict[str, Doc] | None = None,
    tags: dict[str, str] | None = None,
    boundary: str | None = None,
    last_used: tuple[str, str] | None = None,
    instance_profile: str | None = None,
) -> Doc:
    return {
        "name": name,
        "created": created,
        "trust": trust,
        "path": path,
        "attached": attached,
        "inline": inline or {},
        "tags": tags or {},
        "boundary": boundary,
        "last_used": last_used,
        "instance_profile": instance_profile,
    }


LAMBDA_TRUST = trust_service("lambda.amazonaws.com")
ECS_TASK_TRUST_SCOPED = trust_service(
    "ecs-tasks.amazonaws.com",
    {
        "ArnLike": {"aws:SourceArn": f"arn:aws:ecs:us-east-1:{ACCOUNT}:*"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    },
)
CODEBUILD_ROLE = arn("role", "codebuild-northwind-app-service-role", "/service-role/")

ROLES = [
    role(
        "lambda-orders-api",
        "2023-03-20 10:02:33",
        LAMBDA_TRUST,
        attached=(LAMBDA_BASIC,),
        tags={"owner": "app-team", "app": "orders"},
        inline={
            "orders-table": doc(
                allow(
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
                    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders",
                )
            )
        },
        last_used=("2026-11-28 06:03:41", "us-east-1"),
    ),
    role(
        "lambda-ops-admin",
        "2022-07-11 09:21:05",
        LAMBDA_TRUST,
        attached=(ADMIN, LAMBDA_BASIC),
        tags={"owner": "platform-team"},
        last_used=("2026-11-19 03:00:12", "us-east-1"),
    ),
    role(
        "lambda-thumbnailer",
        "2024-02-20 14:40:09",
        LAMBDA_TRUST,
        attached=(LAMBDA_BASIC,),
        inline={"media-bucket": doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::northwind-media/*"))},
    ),
    role(
        "ecs-task-reports",
        "2024-06-17 10:28:45",
        ECS_TASK_TRUST_SCOPED,
        attached=(local_policy("nw-reports-task"),),
        tags={"owner": "data-team"},
        last_used=("2026-11-28 05:45:09", "us-east-1"),
    ),
    role(
        "ecsTaskExecutionRole",
        "2021-04-06 11:11:54",
        trust_service("ecs-tasks.amazonaws.com"),
        attached=(aws_policy("AmazonECSTaskExecutionRolePolicy", "/service-role/"),),
        last_used=("2026-11-28 05:45:02", "us-east-1"),
    ),
    role(
        "ec2-analytics-worker",
        "2022-10-24 16:34:29",
        trust_service("ec2.amazonaws.com"),
        attached=(SSM_CORE, S3_READ),
        tags={"owner": "data-team"},
        instance_profile="ec2-analytics-worker",
        last_used=("2026-11-28 06:12:00", "us-east-1"),
    ),
    role(
        "AWSGlueServiceRole-etl",
        "2024-03-11 09:30:17",
        trust_service("glue.amazonaws.com"),
        path="/service-role/",
        attached=(aws_policy("AWSGlueServiceRole", "/service-role/"),),
        inline={
            "datalake-access": doc(
                allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "arn:aws:s3:::northwind-datalake/*")
            )
        },
        last_used=("2026-11-27 02:00:44", "us-east-1"),
    ),
    role(
        "codebuild-northwind-app-service-role",
        "2023-02-27 14:55:01",
        trust_service("codebuild.amazonaws.com"),
        path="/service-role/",
        attached=(local_policy("CodeBuildBasePolicy-northwind-app-us-east-1", "/service-role/"),),
        inline={"assume-deploy-orchestrator": doc(allow("sts:AssumeRole", arn("role", "deploy-orchestrator")))},
        last_used=("2026-11-28 04:17:36", "us-east-1"),
    ),
    role(
        "deploy-orchestrator",
        "2023-03-01 09:00:00",
        trust_aws(CODEBUILD_ROLE),
        tags={"team": "platform"},
        inline={
            "manage-maintenance-role": doc(
                allow(["cloudformation:*"], "*", sid="Stacks"),
                allow(
                    ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
                    arn("role", "ops-maintenance"),
                    sid="TuneMaintenanceRole",
                ),
                allow("sts:AssumeRole", arn("role", "ops-maintenance"), sid="UseMaintenanceRole"),
            )
        },
        last_used=("2026-11-21 18:40:07", "us-east-1"),
    ),
    role(
        "ops-maintenance",
        "2021-09-30 07:45:00",
        trust_aws([arn("role", "deploy-orchestrator"), unique_id("AROA", "deleted:old-ops-runner")]),
        tags={"team": "sre"},
        inline={
            "maintenance-tasks": doc(
                allow(
                    [
                        "ec2:Describe*",
                        "ec2:StartInstances",
                        "ec2:StopInstances",
                        "rds:RebootDBInstance",
                        "rds:Describe*",
                    ],
                    "*",
                )
            )
        },
        last_used=("2026-02-10 22:14:31", "us-east-1"),
    ),
    role(
        "break-glass-admin",
        "2020-03-03 12:00:00",
        trust_aws(f"arn:aws:iam::{ACCOUNT}:root"),
        attached=(ADMIN,),
        tags={"owner": "security", "purpose": "break-glass"},
        last_used=("2025-07-03 14:09:58", "us-east-1"),
    ),
    role(
        "AmazonBedrockExecutionRoleForAgents_support",
        "2025-09-08 13:20:39",
        trust_service(
            "bedrock.amazonaws.com",
            {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/*"},
            },
        ),
        path="/service-role/",
        attached=(local_policy("AmazonBedrockAgentBedrockFoundationModelPolicy_support", "/service-role/"),),
        inline={
            "support-action-group": doc(
                allow("lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:support-actions")
            )
        },
        tags={"owner": "ai-team", "agent": "support-assistant"},
        last_used=("2026-11-28 06:05:13", "us-east-1"),
    ),
    role(
        "agentcore-support-runtime",
        "2025-10-20 08:31:22",
        trust_service("bedrock-agentcore.amazonaws.com"),
        tags={"owner": "ai-team", "agent": "support-assistant-v2"},
        inline={
            "agentcore-runtime": doc(
                allow(
                    ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/support-agent",
                    sid="ECRImageAccess",
                ),
                allow("ecr:GetAuthorizationToken", "*", sid="ECRTokenAccess"),
                allow(
                    ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/bedrock-agentcore/runtimes/*",
                    sid="Logs",
                ),
                allow(
                    ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "cloudwatch:PutMetricData"],
                    "*",
                    sid="Telemetry",
                ),
                allow(
                    [
                        "bedrock-agentcore:GetWorkloadAccessToken",
                        "bedrock-agentcore:GetWorkloadAccessTokenForJWT",
                        "bedrock-agentcore:GetWorkloadAccessTokenForUserId",
                    ],
                    [
                        f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:workload-identity-directory/default",
                        f"arn:aws:bedrock-agentcore:us-east-1:{ACCOUNT}:workload-identity-directory/default/workload-identity/support-agent-*",
                    ],
                    sid="GetAgentAccessToken",
                ),
                allow(
                    ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"], "*", sid="BedrockModelInvocation"
                ),
                allow(
                    ["secretsmanager:GetSecretValue"],
                    f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:support-agent/*",
                    sid="ToolSecrets",
                ),
                allow(
                    ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                    f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/support-tickets",
                    sid="Tickets",
                ),
            )
        },
        last_used=("2026-11-28 05:59:48", "us-east-1"),
    ),
    role(
        "partner-analytics-access",
        "2021-06-07 13:13:13",
        trust_aws(f"arn:aws:iam::{PARTNER}:root"),
        attached=(S3_READ,),
        tags={"partner": "contoso-data"},
        last_used=("2026-11-24 10:40:02", "eu-west-1"),
    ),
    role(
        "partner-monitoring-connector",
        "2024-01-15 15:15:15",
        trust_aws(f"arn:aws:iam::{PARTNER}:root", {"StringEquals": {"sts:ExternalId": "nw-7f3c9a21e4b5"}}),
        tags={"partner": "contoso-data", "owner": "sre"},
        inline={
            "cloudwatch-read": doc(
                allow(
                    [
                        "cloudwatch:GetMetricData",
                        "cloudwatch:ListMetrics",
                        "cloudwatch:DescribeAlarms",
                        "tag:GetResources",
                    ],
                    "*",
                )
            )
        },
        last_used=("2026-11-28 06:00:31", "us-east-1"),
    ),
    role(
        "org-tooling-deployer",
        "2022-04-04 10:04:04",
        trust_aws(
            f"arn:aws:iam::{TOOLING}:role/pipeline-deployer", {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
        ),
        attached=(POWERUSER, aws_policy("IAMFullAccess")),
        tags={"owner": "platform-team", "managed-by": "terraform"},
        last_used=("2026-11-28 01:30:19", "us-east-1"),
    ),
    role(
        "github-actions-deploy",
        "2024-04-22 12:30:00",
        trust_github("repo:northwind/*"),
        tags={"owner": "platform-team"},
        inline={
            "deploy-services": doc(
                allow(
                    [
                        "ecs:RegisterTaskDefinition",
                        "ecs:DescribeTaskDefinition",
                        "ecs:UpdateService",
                        "ecs:DescribeServices",
                        "ecs:RunTask",
                    ],
                    "*",
                    sid="Ecs",
                ),
                allow(
                    "iam:PassRole",
                    [arn("role", "ecs-task-reports"), arn("role", "ecsTaskExecutionRole")],
                    sid="PassTaskRoles",
                    Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                ),
                allow(
                    [
                        "ecr:GetAuthorizationToken",
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    "*",
                    sid="Ecr",
                ),
            )
        },
        last_used=("2026-11-28 02:44:10", "us-east-1"),
    ),
    role(
        "github-actions-terraform-plan",
        "2024-05-06 09:00:00",
        trust_github(None),
        attached=(READONLY,),
        tags={"owner": "platform-team"},
        last_used=("2026-11-27 17:05:56", "us-east-1"),
    ),
    role(
        "github-actions-web-release",
        "2024-05-06 09:05:00",
        trust_github("repo:northwind/web:ref:refs/heads/main", like=False),
        tags={"owner": "web-team"},
        inline={
            "publish-site": doc(
                allow(
                    ["s3:PutObject", "s3:DeleteObject", "s3:ListBucket"],
                    ["arn:aws:s3:::northwind-www", "arn:aws:s3:::northwind-www/*"],
                ),
                allow("cloudfront:CreateInvalidation", f"arn:aws:cloudfront::{ACCOUNT}:distribution/E2QWRUHAPOMQZL"),
            )
        },
        last_used=("2026-11-26 15:22:08", "us-east-1"),
    ),
    # the cross-cloud chain: GitHub -> Entra release-pipeline -> GCP aws-bridge -> this role (admin)
    role(
        "gcp-federated-deployer",
        "2026-03-09 10:52:18",
        trust_google(GCP_AWS_BRIDGE_UID),
        attached=(ADMIN,),
        tags={"owner": "platform-team", "federated-from": "gcp:nw-prod-apps/aws-bridge"},
        last_used=("2026-11-28 04:31:12", "us-east-1"),
    ),
    # look-alike: the same kind of trust, for a uniqueId that belongs to no service account of the estate
    role(
        "gcp-federated-lookalike",
        "2025-02-17 15:20:44",
        trust_google(GCP_NOBODY_UID),
        attached=(READONLY,),
        tags={"owner": "data-team"},
    ),
    role(
        "AWSServiceRoleForECS",
        "2021-04-06 11:10:07",
        trust_service("ecs.amazonaws.com"),
        path="/aws-service-role/ecs.amazonaws.com/",
        attached=(aws_policy("AmazonECSServiceRolePolicy", "/aws-service-role/"),),
        last_used=("2026-11-28 05:44:58", "us-east-1"),
    ),
    role(
        "AWSServiceRoleForSupport",
        "2019-06-14 14:58:59",
        trust_service("support.amazonaws.com"),
        path="/aws-service-role/support.amazonaws.com/",
        attached=(aws_policy("AWSSupportServiceRolePolicy", "/aws-service-role/"),),
    ),
    role(
        "AWSServiceRoleForSSO",
        "2020-01-13 09:40:41",
        trust_service("sso.amazonaws.com"),
        path="/aws-service-role/sso.amazonaws.com/",
        attached=(aws_policy("AWSSSOServiceRolePolicy", "/aws-service-role/"),),
        last_used=("2026-11-02 12:08:49", "us-east-1"),
    ),
    role(
        "AWSReservedSSO_AdministratorAccess_8f2c41d7b3a9e605",
        "2020-01-13 10:02:17",
        TRUST_SSO,
        path="/aws-reserved/sso.amazonaws.com/",
        attached=(ADMIN,),
        last_used=("2026-11-28 05:58:27", "us-east-1"),
    ),
    role(
        "AWSReservedSSO_ReadOnlyAccess_2b7e90c1d4f3a658",
        "2020-01-13 10:02:19",
        TRUST_SSO,
        path="/aws-reserved/sso.amazonaws.com/",
        attached=(READONLY,),
        last_used=("2026-11-20 08:44:36", "us-east-1"),
    ),
]


# --------------------------------------------------------------------------- layout
def attached_entries(arns: tuple[str, ...]) -> list[Doc]:
    return [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in arns]


def inline_entries(inline: dict[str, Doc]) -> list[Doc]:
    return [{"PolicyName": name, "PolicyDocument": document} for name, document in inline.items()]


def tag_entries(tags: dict[str, str]) -> list[Doc]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def boundary_entry(boundary: str | None) -> Doc:
    return (
        {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}}
        if boundary
        else {}
    )


def user_detail(u: Doc) -> Doc:
    detail: Doc = {
        "Path": u["path"],
        "UserName": u["name"],
        "UserId": unique_id("AIDA", u["name"]),
        "Arn": arn("user", u["name"], u["path"]),
        "CreateDate": ts(u["created"]),
        "UserPolicyList": inline_entries(u["inline"]),
        "GroupList": list(u["groups"]),
        "AttachedManagedPolicies": attached_entries(u["attached"]),
    }
    detail.update(boundary_entry(u["boundary"]))
    detail["Tags"] = tag_entries(u["tags"])
    return detail


def group_detail(g: Doc) -> Doc:
    return {
        "Path": "/",
        "GroupName": g["name"],
        "GroupId": unique_id("AGPA", g["name"]),
        "Arn": arn("group", g["name"]),
        "CreateDate": ts(g["created"]),
        "GroupPolicyList": inline_entries(g["inline"]),
        "AttachedManagedPolicies": attached_entries(g["attached"]),
    }


def role_detail(r: Doc) -> Doc:
    role_arn = arn("role", r["name"], r["path"])
    profiles = []
    if r["instance_profile"]:
        profiles.append(
            {
                "Path": "/",
                "InstanceProfileName": r["instance_profile"],
                "InstanceProfileId": unique_id("AIPA", r["instance_profile"]),
                "Arn": arn("instance-profile", r["instance_profile"]),
                "CreateDate": ts(r["created"]),
                "Roles": [
                    {
                        "Path": r["path"],
                        "RoleName": r["name"],
                        "RoleId": unique_id("AROA", r["name"]),
                        "Arn": role_arn,
                        "CreateDate": ts(r["created"]),
                        "AssumeRolePolicyDocument": r["trust"],
                    }
                ],
            }
        )
    detail: Doc = {
        "Path": r["path"],
        "RoleName": r["name"],
        "RoleId": unique_id("AROA", r["name"]),
        "Arn": role_arn,
        "CreateDate": ts(r["created"]),
        "AssumeRolePolicyDocument": r["trust"],
        "InstanceProfileList": profiles,
        "RolePolicyList": inline_entries(r["inline"]),
        "AttachedManagedPolicies": attached_entries(r["attached"]),
    }
    detail.update(boundary_entry(r["boundary"]))
    detail["Tags"] = tag_entries(r["tags"])
    used = r["last_used"]
    detail["RoleLastUsed"] = {"LastUsedDate": ts(used[0]), "Region": used[1]} if used else {}
    return detail


def policy_details(principals: list[Doc]) -> list[Doc]:
    attachments: dict[str, int] = {}
    boundaries: dict[str, int] = {}
    for p in principals:
        for a in p["attached"]:
            attachments[a] = attachments.get(a, 0) + 1
        if p.get("boundary"):
            boundaries[p["boundary"]] = boundaries.get(p["boundary"], 0) + 1
    result = []
    for name, spec in AWS_MANAGED.items():
        policy_arn = aws_policy(name, spec["path"])
        if policy_arn not in attachments:
            continue  # GAAD only lists AWS managed policies that are attached somewhere
        result.append(
            {
                "PolicyName": name,
                "PolicyId": spec["id"],
                "Arn": policy_arn,
                "Path": spec["path"],
                "DefaultVersionId": spec["version"],
                "AttachmentCount": attachments[policy_arn],
                "PermissionsBoundaryUsageCount": boundaries.get(policy_arn, 0),
                "IsAttachable": True,
                "Description": spec["description"],
                "CreateDate": ts(spec["created"]),
                "UpdateDate": ts(spec["updated"]),
                "PolicyVersionList": [
                    {
                        "Document": spec["document"],
                        "VersionId": spec["version"],
                        "IsDefaultVersion": True,
                        "CreateDate": ts(spec["updated"]),
                    }
                ],
            }
        )
    for name, spec in CUSTOMER_MANAGED.items():
        policy_arn = local_policy(name, spec["path"])
        versions = spec["versions"]
        default_created = next(created for vid, created, _ in versions if vid == spec["default"])
        result.append(
            {
                "PolicyName": name,
                "PolicyId": unique_id("ANPA", name),
                "Arn": policy_arn,
                "Path": spec["path"],
                "DefaultVersionId": spec["default"],
                "AttachmentCount": attachments.get(policy_arn, 0),
                "PermissionsBoundaryUsageCount": boundaries.get(policy_arn, 0),
                "IsAttachable": True,
                "CreateDate": ts(versions[0][1]),
                "UpdateDate": ts(max(default_created, versions[-1][1])),
                "PolicyVersionList": [
                    {
                        "Document": document,
                        "VersionId": vid,
                        "IsDefaultVersion": vid == spec["default"],
                        "CreateDate": ts(created),
                    }
                    for vid, created, document in reversed(versions)
                ],
            }
        )
    return sorted(result, key=lambda p: p["PolicyName"].lower())


def credential_rows() -> list[list[str]]:
    na = "N/A"
    rows = [
        [
            "<root_account>",
            f"arn:aws:iam::{ACCOUNT}:root",
            ts("2019-06-14 14:58:30"),
            "not_supported",
            ts("2026-11-02 17:21:09"),
            "not_supported",
            "not_supported",
            "true",
            "true",
            ts("2019-06-20 09:03:11"),
            ts("2026-09-14 21:07:00"),
            "us-east-1",
            "ec2",
            "false",
            na,
            na,
            na,
            na,
            "false",
            na,
            "false",
            na,
        ]
    ]
    for u in sorted(USERS, key=lambda u: u["name"]):
        row = [u["name"], arn("user", u["name"], u["path"]), ts(u["created"])]
        if u["password"]:
            changed, used = u["password"]
            row += ["true", ts(used) if used else "no_information", ts(changed), na]
        else:
            row += ["false", na, na, na]
        row.append("true" if u["mfa"] else "false")
        for slot in range(2):
            key = u["keys"][slot] if slot < len(u["keys"]) else None
            if key is None:
                row += ["false", na, na, na, na]
                continue
            active, created, usage = key
            row += ["true" if active else "false", ts(created)]
            row += [ts(usage[0]), usage[1], usage[2]] if usage else [na, na, na]
        row += ["false", na, "false", na]
        rows.append(row)
    return rows


HEADER = generate_aws.CSV_HEADER  # the 22 credential-report columns, kept in one place for bench/

#: list-access-keys files written, and the one key whose get-access-key-last-used output is written
ACCESS_KEY_FILES = ("ci-deploy", "etl-loader", "bob.martin", "terraform-runner")
LAST_USED_FILE = ("ci-deploy", 0)


#: Access Advisor (`aws iam get-service-last-accessed-details`, ACTION_LEVEL job) for ci-deploy, with the ``Arn`` that
#: `nhi-scan collect` adds. Lambda and S3 match its two keys' last use; CreateFunction was last used in May 2025
#: (so a right-sized policy drops it, and path P1 with it); iam holds only the untracked iam:PassRole.
ACCESS_ADVISOR_USER = "ci-deploy"
ACCESS_ADVISOR_LAMBDA = {
    "CreateFunction": "2025-05-06 10:22:17",
    "GetFunction": "2026-11-28 03:10:12",
    "PublishVersion": "2026-11-28 03:11:00",
    "TagResource": None,
    "UpdateFunctionCode": "2026-11-28 03:10:55",
    "UpdateFunctionConfiguration": "2026-11-28 03:10:41",
}


def access_advisor(name: str) -> Doc:
    principal = arn("user", name)

    def used(service: str, namespace: str, when: str | None, region: str = "us-east-1") -> Doc:
        entry: Doc = {"ServiceName": service, "ServiceNamespace": namespace}
        if when:
            entry |= {"LastAuthenticated": ts(when), "LastAuthenticatedEntity": principal}
            entry |= {"LastAuthenticatedRegion": region, "TotalAuthenticatedEntities": 1}
        else:
            entry["TotalAuthenticatedEntities"] = 0
        return entry

    tracked = [
        {"ActionName": action}
        | (
            {"LastAccessedEntity": principal, "LastAccessedTime": ts(when), "LastAccessedRegion": "us-east-1"}
            if when
            else {}
        )
        for action, when in ACCESS_ADVISOR_LAMBDA.items()
    ]
    return {
        "JobStatus": "COMPLETED",
        "JobType": "ACTION_LEVEL",
        "JobCreationDate": ts("2026-11-28 06:15:02"),
        "ServicesLastAccessed": [
            used("AWS Identity and Access Management", "iam", None),
            used("AWS Lambda", "lambda", "2026-11-28 03:11:00") | {"TrackedActionsLastAccessed": tracked},
            used("Amazon S3", "s3", "2026-11-27 22:48:00"),
        ],
        "JobCompletionDate": ts("2026-11-28 06:15:04"),
        "IsTruncated": False,
        "Arn": principal,
    }


def dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, indent=4) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("sample_data/aws"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    gaad = {
        "UserDetailList": [user_detail(u) for u in sorted(USERS, key=lambda u: u["name"])],
        "GroupDetailList": [group_detail(g) for g in GROUPS],
        "RoleDetailList": [role_detail(r) for r in sorted(ROLES, key=lambda r: r["name"].lower())],
        "Policies": policy_details(USERS + GROUPS + ROLES),
        "IsTruncated": False,
    }
    dump(out / "authz.json", gaad)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(credential_rows())
    (out / "credential-report.csv").write_text(buffer.getvalue(), encoding="utf-8")
    by_name = {u["name"]: u for u in USERS}
    for name in ACCESS_KEY_FILES:
        metadata = [
            {
                "UserName": name,
                "AccessKeyId": key_id(name, slot),
                "Status": "Active" if key[0] else "Inactive",
                "CreateDate": ts(key[1]),
            }
            for slot, key in enumerate(by_name[name]["keys"])
            if key
        ]
        dump(out / f"access-keys-{name}.json", {"AccessKeyMetadata": metadata, "IsTruncated": False})
    name, slot = LAST_USED_FILE
    usage = by_name[name]["keys"][slot][2]
    dump(
        out / f"last-used-{key_id(name, slot)}.json",
        {
            "UserName": name,
            "AccessKeyLastUsed": {"LastUsedDate": ts(usage[0]), "ServiceName": usage[2], "Region": usage[1]},
        },
    )
    (out / "access-advisor").mkdir(exist_ok=True)
    dump(out / "access-advisor" / f"user-{ACCESS_ADVISOR_USER}.json", access_advisor(ACCESS_ADVISOR_USER))


if __name__ == "__main__":
    main()
