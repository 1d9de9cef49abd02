"""Vocabulary for bench/generate_aws.py: services, actions, AWS managed policies, names. Data only."""

from __future__ import annotations

from typing import Any

#: service prefix -> (actions, ARN template for a resource; {a}=account, {r}=region, {n}=name; "" = only "*")
SERVICES: dict[str, tuple[tuple[str, ...], str]] = {
    "s3": (
        (
            "GetObject",
            "PutObject",
            "DeleteObject",
            "ListBucket",
            "GetBucketLocation",
            "GetObjectVersion",
            "PutObjectAcl",
            "GetBucketPolicy",
            "PutObjectTagging",
            "AbortMultipartUpload",
        ),
        "arn:aws:s3:::{n}",
    ),
    "dynamodb": (
        (
            "GetItem",
            "PutItem",
            "UpdateItem",
            "DeleteItem",
            "Query",
            "Scan",
            "BatchGetItem",
            "BatchWriteItem",
            "DescribeTable",
            "ConditionCheckItem",
        ),
        "arn:aws:dynamodb:{r}:{a}:table/{n}",
    ),
    "sqs": (
        (
            "SendMessage",
            "ReceiveMessage",
            "DeleteMessage",
            "GetQueueAttributes",
            "GetQueueUrl",
            "ChangeMessageVisibility",
        ),
        "arn:aws:sqs:{r}:{a}:{n}",
    ),
    "sns": (("Publish", "Subscribe", "GetTopicAttributes", "ListSubscriptionsByTopic"), "arn:aws:sns:{r}:{a}:{n}"),
    "lambda": (
        (
            "InvokeFunction",
            "GetFunction",
            "UpdateFunctionCode",
            "UpdateFunctionConfiguration",
            "CreateFunction",
            "PublishVersion",
            "AddPermission",
            "GetFunctionConfiguration",
        ),
        "arn:aws:lambda:{r}:{a}:function:{n}",
    ),
    "logs": (
        ("CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogStreams", "FilterLogEvents", "GetLogEvents"),
        "arn:aws:logs:{r}:{a}:log-group:/aws/{n}:*",
    ),
    "kms": (("Decrypt", "Encrypt", "GenerateDataKey", "DescribeKey", "ReEncrypt*"), "arn:aws:kms:{r}:{a}:key/{n}"),
    "secretsmanager": (
        ("GetSecretValue", "DescribeSecret", "PutSecretValue", "UpdateSecret", "RotateSecret"),
        "arn:aws:secretsmanager:{r}:{a}:secret:{n}-*",
    ),
    "ssm": (
        (
            "GetParameter",
            "GetParameters",
            "GetParametersByPath",
            "PutParameter",
            "SendCommand",
            "StartSession",
            "DescribeInstanceInformation",
        ),
        "arn:aws:ssm:{r}:{a}:parameter/{n}/*",
    ),
    "ec2": (
        (
            "DescribeInstances",
            "RunInstances",
            "StartInstances",
            "StopInstances",
            "CreateTags",
            "DescribeSecurityGroups",
            "AuthorizeSecurityGroupIngress",
            "CreateSnapshot",
            "DescribeVolumes",
            "ModifyInstanceAttribute",
            "AssociateIamInstanceProfile",
        ),
        "arn:aws:ec2:{r}:{a}:instance/*",
    ),
    "ecr": (
        (
            "BatchGetImage",
            "GetDownloadUrlForLayer",
            "PutImage",
            "InitiateLayerUpload",
            "UploadLayerPart",
            "CompleteLayerUpload",
            "BatchCheckLayerAvailability",
            "DescribeImages",
        ),
        "arn:aws:ecr:{r}:{a}:repository/{n}",
    ),
    "ecs": (
        (
            "RunTask",
            "UpdateService",
            "RegisterTaskDefinition",
            "DescribeServices",
            "DescribeTasks",
            "StopTask",
            "ExecuteCommand",
        ),
        "arn:aws:ecs:{r}:{a}:service/{n}/*",
    ),
    "cloudwatch": (("PutMetricData", "GetMetricData", "ListMetrics", "DescribeAlarms", "PutMetricAlarm"), ""),
    "glue": (
        (
            "StartJobRun",
            "GetJob",
            "GetTable",
            "GetDatabase",
            "CreateJob",
            "UpdateJob",
            "GetPartitions",
            "BatchCreatePartition",
        ),
        "arn:aws:glue:{r}:{a}:job/{n}",
    ),
    "athena": (
        ("StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution"),
        "arn:aws:athena:{r}:{a}:workgroup/{n}",
    ),
    "states": (("StartExecution", "DescribeExecution", "StopExecution"), "arn:aws:states:{r}:{a}:stateMachine:{n}"),
    "events": (("PutEvents", "PutRule", "PutTargets"), "arn:aws:events:{r}:{a}:event-bus/{n}"),
    "kinesis": (
        ("PutRecord", "PutRecords", "GetRecords", "GetShardIterator", "DescribeStream"),
        "arn:aws:kinesis:{r}:{a}:stream/{n}",
    ),
    "cloudformation": (
        ("CreateStack", "UpdateStack", "DescribeStacks", "DeleteStack", "CreateChangeSet", "ExecuteChangeSet"),
        "arn:aws:cloudformation:{r}:{a}:stack/{n}/*",
    ),
    "bedrock": (
        ("InvokeModel", "InvokeModelWithResponseStream", "InvokeAgent", "Retrieve", "RetrieveAndGenerate"),
        "arn:aws:bedrock:{r}::foundation-model/{n}",
    ),
    "codebuild": (
        ("StartBuild", "BatchGetBuilds", "CreateProject", "UpdateProject"),
        "arn:aws:codebuild:{r}:{a}:project/{n}",
    ),
    "xray": (("PutTraceSegments", "PutTelemetryRecords", "GetSamplingRules"), ""),
    "iam": (("GetRole", "ListRoles", "GetUser", "ListUsers", "ListAttachedRolePolicies", "GetPolicyVersion"), ""),
}
READ_PREFIXES = ("Get*", "Describe*", "List*", "BatchGet*")
REGIONS = ("us-east-1", "us-east-1", "us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")

#: dangerous IAM actions and the kind of principal they target
IAM_USER_ACTIONS = (
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:DeleteUserPermissionsBoundary",
)
IAM_ROLE_ACTIONS = (
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:DeleteRolePermissionsBoundary",
)
IAM_GROUP_ACTIONS = ("iam:AddUserToGroup", "iam:AttachGroupPolicy", "iam:PutGroupPolicy")
IAM_POLICY_ACTIONS = ("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion")

CONDITIONS: tuple[dict[str, Any], ...] = (
    {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
    {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.17/32"]}},
    {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringLike": {"s3:prefix": ["home/${aws:username}/*", "shared/*"]}},
    {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    {"StringEquals": {"aws:PrincipalTag/env": "prod"}},
    {"DateGreaterThan": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}},
    {"DateLessThan": {"aws:CurrentTime": "2019-12-31T23:59:59Z"}},
    {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}},
    {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*-uploads"}},
    {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
)

SERVICE_PRINCIPALS = (
    ("lambda.amazonaws.com", 18),
    ("ecs-tasks.amazonaws.com", 8),
    ("ec2.amazonaws.com", 7),
    ("glue.amazonaws.com", 3),
    ("codebuild.amazonaws.com", 3),
    ("states.amazonaws.com", 3),
    ("events.amazonaws.com", 2),
    ("sagemaker.amazonaws.com", 1),
    ("bedrock.amazonaws.com", 1),
    ("bedrock-agentcore.amazonaws.com", 1),
    ("apigateway.amazonaws.com", 1),
    ("firehose.amazonaws.com", 1),
    ("cloudformation.amazonaws.com", 1),
    ("scheduler.amazonaws.com", 1),
    ("pipes.amazonaws.com", 1),
)

SERVICE_LINKED = (
    ("AWSServiceRoleForECS", "ecs.amazonaws.com", "AmazonECSServiceRolePolicy"),
    ("AWSServiceRoleForSupport", "support.amazonaws.com", "AWSSupportServiceRolePolicy"),
    ("AWSServiceRoleForTrustedAdvisor", "trustedadvisor.amazonaws.com", "AWSTrustedAdvisorServiceRolePolicy"),
    ("AWSServiceRoleForRDS", "rds.amazonaws.com", "AmazonRDSServiceRolePolicy"),
    (
        "AWSServiceRoleForElasticLoadBalancing",
        "elasticloadbalancing.amazonaws.com",
        "AWSElasticLoadBalancingServiceRolePolicy",
    ),
    ("AWSServiceRoleForAutoScaling", "autoscaling.amazonaws.com", "AutoScalingServiceRolePolicy"),
    ("AWSServiceRoleForSSO", "sso.amazonaws.com", "AWSSSOServiceRolePolicy"),
    ("AWSServiceRoleForOrganizations", "organizations.amazonaws.com", "AWSOrganizationsServiceTrustPolicy"),
)


def _doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(actions: list[str] | str, resource: str | list[str] = "*") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource}


#: AWS managed policies: name -> (path, default version id, abbreviated document)
AWS_MANAGED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "AdministratorAccess": ("/", "v1", _doc(_allow("*"))),
    "ReadOnlyAccess": ("/", "v124", _doc(_allow([f"{s}:{p}" for s in SERVICES for p in READ_PREFIXES[:3]]))),
    "PowerUserAccess": (
        "/",
        "v5",
        _doc(
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            _allow(
                [
                    "account:GetAccountInformation",
                    "account:ListRegions",
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeOrganization",
                ]
            ),
        ),
    ),
    "IAMFullAccess": (
        "/",
        "v2",
        _doc(
            _allow(
                [
                    "iam:*",
                    "organizations:DescribeAccount",
                    "organizations:DescribeOrganization",
                    "organizations:ListRoots",
                ]
            )
        ),
    ),
    "AmazonS3FullAccess": ("/", "v2", _doc(_allow(["s3:*", "s3-object-lambda:*"]))),
    "AmazonS3ReadOnlyAccess": (
        "/",
        "v3",
        _doc(_allow(["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"])),
    ),
    "AmazonDynamoDBFullAccess": (
        "/",
        "v11",
        _doc(
            _allow(["dynamodb:*", "dax:*", "application-autoscaling:*", "cloudwatch:DescribeAlarms", "kms:ListAliases"])
        ),
    ),
    "AmazonDynamoDBReadOnlyAccess": (
        "/",
        "v9",
        _doc(
            _allow(
                [
                    "dynamodb:BatchGetItem",
                    "dynamodb:Describe*",
                    "dynamodb:List*",
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                ]
            )
        ),
    ),
    "AmazonSQSFullAccess": ("/", "v1", _doc(_allow("sqs:*"))),
    "AmazonSNSFullAccess": ("/", "v1", _doc(_allow("sns:*"))),
    "CloudWatchLogsFullAccess": ("/", "v2", _doc(_allow(["logs:*", "cloudwatch:GenerateQuery"]))),
    "AmazonEC2ReadOnlyAccess": (
        "/",
        "v3",
        _doc(
            _allow(
                [
                    "ec2:Describe*",
                    "elasticloadbalancing:Describe*",
                    "cloudwatch:ListMetrics",
                    "cloudwatch:GetMetricStatistics",
                    "autoscaling:Describe*",
                ]
            )
        ),
    ),
    "AmazonEC2ContainerRegistryReadOnly": (
        "/",
        "v3",
        _doc(
            _allow(
                [
                    "ecr:GetAuthorizationToken",
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchGetImage",
                    "ecr:DescribeRepositories",
                    "ecr:ListImages",
                ]
            )
        ),
    ),
    "SecurityAudit": (
        "/",
        "v48",
        _doc(
            _allow(
                [
                    "access-analyzer:List*",
                    "cloudtrail:Describe*",
                    "config:Describe*",
                    "ec2:Describe*",
                    "iam:Get*",
                    "iam:List*",
                    "iam:GenerateCredentialReport",
                    "kms:Describe*",
                    "kms:List*",
                    "s3:GetBucket*",
                    "s3:ListAllMyBuckets",
                ]
            )
        ),
    ),
    "AmazonSSMManagedInstanceCore": (
        "/",
        "v2",
        _doc(
            _allow(
                [
                    "ssm:DescribeAssociation",
                    "ssm:GetDocument",
                    "ssm:GetParameter",
                    "ssm:GetParameters",
                    "ssm:ListAssociations",
                    "ssm:PutInventory",
                    "ssm:UpdateInstanceInformation",
                ]
            ),
            _allow(
                [
                    "ssmmessages:CreateControlChannel",
                    "ssmmessages:CreateDataChannel",
                    "ssmmessages:OpenControlChannel",
                    "ssmmessages:OpenDataChannel",
                ]
            ),
            _allow(["ec2messages:AcknowledgeMessage", "ec2messages:GetMessages", "ec2messages:SendReply"]),
        ),
    ),
    "CloudWatchAgentServerPolicy": (
        "/",
        "v2",
        _doc(
            _allow(
                [
                    "cloudwatch:PutMetricData",
                    "ec2:DescribeVolumes",
                    "ec2:DescribeTags",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                ]
            )
        ),
    ),
    "AmazonBedrockFullAccess": (
        "/",
        "v6",
        _doc(_allow(["bedrock:*", "kms:DescribeKey", "iam:ListRoles", "ec2:DescribeVpcs", "ec2:DescribeSubnets"])),
    ),
    "AWSXRayDaemonWriteAccess": (
        "/",
        "v1",
        _doc(
            _allow(
                [
                    "xray:PutTraceSegments",
                    "xray:PutTelemetryRecords",
                    "xray:GetSamplingRules",
                    "xray:GetSamplingTargets",
                ]
            )
        ),
    ),
    "AWSLambdaBasicExecutionRole": (
        "/service-role/",
        "v1",
        _doc(_allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])),
    ),
    "AWSLambdaVPCAccessExecutionRole": (
        "/service-role/",
        "v3",
        _doc(
            _allow(
                [
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses",
                ]
            )
        ),
    ),
    "AmazonECSTaskExecutionRolePolicy": (
        "/service-role/",
        "v1",
        _doc(
            _allow(
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
    ),
    "AWSGlueServiceRole": (
        "/service-role/",
        "v6",
        _doc(
            _allow(
                [
                    "glue:*",
                    "s3:GetBucketLocation",
                    "s3:ListBucket",
                    "s3:ListAllMyBuckets",
                    "iam:ListRolePolicies",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "cloudwatch:PutMetricData",
                ]
            ),
            _allow(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::aws-glue-*/*", "arn:aws:s3:::*/*aws-glue-*/*"]),
            _allow(
                ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:*:*:/aws-glue/*"
            ),
        ),
    ),
}
SERVICE_LINKED_POLICY_DOC = _doc(_allow(["ec2:Describe*", "cloudwatch:PutMetricData", "logs:CreateLogGroup"]))

#: managed policies typical per role trust service (role gets 0-2 of these)
SERVICE_MANAGED = {
    "lambda.amazonaws.com": (
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaVPCAccessExecutionRole",
        "AWSXRayDaemonWriteAccess",
    ),
    "ecs-tasks.amazonaws.com": ("AmazonECSTaskExecutionRolePolicy", "CloudWatchLogsFullAccess"),
    "ec2.amazonaws.com": (
        "AmazonSSMManagedInstanceCore",
        "CloudWatchAgentServerPolicy",
        "AmazonEC2ContainerRegistryReadOnly",
    ),
    "glue.amazonaws.com": ("AWSGlueServiceRole", "AmazonS3ReadOnlyAccess"),
    "bedrock.amazonaws.com": ("AmazonBedrockFullAccess",),
}
BROAD_MANAGED = (
    ("ReadOnlyAccess", 8),
    ("AmazonS3ReadOnlyAccess", 8),
    ("AmazonS3FullAccess", 4),
    ("AmazonDynamoDBReadOnlyAccess", 4),
    ("AmazonDynamoDBFullAccess", 2),
    ("AmazonSQSFullAccess", 2),
    ("AmazonSNSFullAccess", 2),
    ("CloudWatchLogsFullAccess", 3),
    ("AmazonEC2ReadOnlyAccess", 3),
    ("SecurityAudit", 2),
    ("PowerUserAccess", 2),
    ("AdministratorAccess", 1),
    ("IAMFullAccess", 1),
)

FIRST = (
    "alice",
    "bob",
    "carla",
    "dmitri",
    "emma",
    "farid",
    "grace",
    "hiro",
    "ines",
    "jamal",
    "kate",
    "luis",
    "maria",
    "nadia",
    "omar",
    "priya",
    "quentin",
    "rosa",
    "sam",
    "tariq",
    "uma",
    "victor",
    "wei",
    "xena",
    "yusuf",
    "zoe",
    "anna",
    "ben",
    "chen",
    "diego",
    "elena",
    "felix",
    "gita",
    "hugo",
    "ivan",
    "julia",
    "kenji",
    "lena",
    "marco",
    "nina",
    "oscar",
    "paula",
    "raj",
    "sara",
    "tom",
    "ursula",
    "vera",
    "will",
)
LAST = (
    "nguyen",
    "martin",
    "diaz",
    "volkov",
    "schulz",
    "haddad",
    "kim",
    "tanaka",
    "garcia",
    "smith",
    "mueller",
    "rossi",
    "dubois",
    "kowalski",
    "silva",
    "okafor",
    "patel",
    "cohen",
    "larsen",
    "novak",
    "ito",
    "moreau",
    "jensen",
    "fischer",
    "romero",
    "ahmed",
    "lee",
    "brown",
    "singh",
    "costa",
    "weber",
    "horvat",
)
APPS = (
    "orders",
    "billing",
    "payments",
    "checkout",
    "catalog",
    "search",
    "reports",
    "analytics",
    "ingest",
    "etl",
    "ml",
    "recs",
    "auth",
    "users",
    "notify",
    "email",
    "media",
    "thumbs",
    "export",
    "import",
    "ledger",
    "invoices",
    "fraud",
    "risk",
    "pricing",
    "inventory",
    "shipping",
    "support",
    "chat",
    "agent",
    "crm",
    "warehouse",
    "lake",
    "metrics",
    "audit",
    "backup",
    "dns",
    "edge",
    "web",
    "mobile",
    "partner",
    "sftp",
)
ENVS = ("prod", "prod", "staging", "dev", "qa", "sandbox")
MACHINE_USER_KINDS = (
    "ci",
    "deploy",
    "sync",
    "svc",
    "bot",
    "runner",
    "integration",
    "uploader",
    "reader",
    "exporter",
    "cron",
    "agent",
    "terraform",
    "jenkins",
    "github-actions",
    "gitlab-ci",
)
VENDORS = (
    "datadog",
    "newrelic",
    "snowflake",
    "fivetran",
    "splunk",
    "sumologic",
    "pagerduty",
    "okta",
    "wiz",
    "lacework",
    "databricks",
    "looker",
    "segment",
    "twilio",
)
PERMISSION_SETS = (
    "AdministratorAccess",
    "ReadOnlyAccess",
    "PowerUserAccess",
    "DataEngineer",
    "Billing",
    "SecurityAudit",
    "Developer",
    "SupportUser",
    "NetworkAdmin",
    "ViewOnlyAccess",
)
TAG_KEYS = ("team", "owner", "env", "cost-center", "app", "managed-by", "purpose", "data-classification")
