"""A small AWS organisation seeded into a moto server: what the live tests collect and scan.

Management account: the scanner user (with the README's read-only policy), machine users with keys, a deploy
group, roles used by an EC2 instance (instance profile), a Lambda function, an ECS task, a CloudFormation stack
and a Bedrock agent. Members "prod" and "dev" let the scanner in through OrganizationAccountAccessRole; member
"locked" trusts nobody with that role, so assuming it is denied (see deny_proxy: moto itself never denies it).
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile
from dataclasses import dataclass
from typing import Any

from nhi_scan.connectors.aws.fetch_policy import scanner_policy

MANAGEMENT = "123456789012"
REGION = "us-east-1"
ROLE = "OrganizationAccountAccessRole"


def trust(service: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def allow(*actions: str, resource: str = "*") -> str:
    return json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class World:
    endpoint: str
    scanner_key: str
    scanner_secret: str
    members: dict[str, str]

    @property
    def locked(self) -> str:
        return self.members["locked"]


def moto_api(endpoint: str, path: str, data: bytes | None = None) -> bytes:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/{path}",
        data=data,
        method="POST" if data is not None else "GET",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: bytes = response.read()
        return body


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return 'ok'\n")
    return buffer.getvalue()


def _management(session: Any) -> tuple[str, str]:
    iam = session.client("iam")
    iam.create_user(UserName="nhi-scanner", Tags=[{"Key": "owner", "Value": "security"}])
    iam.put_user_policy(
        UserName="nhi-scanner", PolicyName="nhi-scan-read-only", PolicyDocument=json.dumps(scanner_policy(ROLE))
    )
    scanner = iam.create_access_key(UserName="nhi-scanner")["AccessKey"]
    deploy = iam.create_policy(
        PolicyName="deploy",
        PolicyDocument=allow("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction", "s3:*"),
    )["Policy"]["Arn"]
    iam.create_group(GroupName="deployers")
    iam.attach_group_policy(GroupName="deployers", PolicyArn=deploy)
    for user in ("ci-deploy", "backup-bot"):
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
    iam.add_user_to_group(GroupName="deployers", UserName="ci-deploy")
    iam.create_access_key(UserName="backup-bot")
    iam.create_user(UserName="alice.smith")
    iam.create_login_profile(UserName="alice.smith", Password="not-a-real-Passw0rd!")

    iam.create_role(
        RoleName="app-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    iam.put_role_policy(RoleName="app-role", PolicyName="app", PolicyDocument=allow("s3:GetObject", "sqs:*"))
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")
    iam.create_role(RoleName="cfn-deploy", AssumeRolePolicyDocument=trust("cloudformation.amazonaws.com"))
    iam.put_role_policy(RoleName="cfn-deploy", PolicyName="admin", PolicyDocument=allow("*"))
    iam.create_role(RoleName="ecs-task", AssumeRolePolicyDocument=trust("ecs-tasks.amazonaws.com"))
    iam.create_role(
        RoleName="AmazonBedrockExecutionRoleForAgents_support", AssumeRolePolicyDocument=trust("bedrock.amazonaws.com")
    )
    iam.put_role_policy(
        RoleName="AmazonBedrockExecutionRoleForAgents_support",
        PolicyName="model",
        PolicyDocument=allow("bedrock:InvokeModel"),
    )
    return scanner["AccessKeyId"], scanner["SecretAccessKey"]


def _compute(session: Any) -> None:
    account_arn = f"arn:aws:iam::{MANAGEMENT}"
    ec2 = session.client("ec2", region_name=REGION)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Name": "app-profile"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web-1"}]}],
    )
    session.client("lambda", region_name=REGION).create_function(
        FunctionName="thumbnailer",
        Runtime="python3.12",
        Role=f"{account_arn}:role/app-role",
        Handler="handler.handler",
        Code={"ZipFile": _lambda_zip()},
    )
    session.client("ecs", region_name=REGION).register_task_definition(
        family="worker",
        taskRoleArn=f"{account_arn}:role/ecs-task",
        containerDefinitions=[{"name": "worker", "image": "busybox", "memory": 64}],
    )
    template = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}}}}
    session.client("cloudformation", region_name=REGION).create_stack(
        StackName="platform", TemplateBody=json.dumps(template), RoleARN=f"{account_arn}:role/cfn-deploy"
    )
    session.client("bedrock-agent", region_name=REGION).create_agent(
        agentName="support-agent",
        foundationModel="anthropic.claude-v2",
        agentResourceRoleArn=f"{account_arn}:role/AmazonBedrockExecutionRoleForAgents_support",
    )


def _organization(session: Any) -> dict[str, str]:
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    unit = org.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"]["Id"]
    members = {}
    for name in ("prod", "dev", "locked"):
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        members[name] = status["AccountId"]
        org.move_account(AccountId=members[name], SourceParentId=root, DestinationParentId=unit)
    scp = org.create_policy(
        Name="deny-leaving",
        Type="SERVICE_CONTROL_POLICY",
        Description="guardrail",
        Content=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
            }
        ),
    )
    org.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=unit)
    return members


def _member(session: Any, account: str, *, open_to_scanner: bool) -> None:
    import boto3

    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="seed"
    )["Credentials"]
    member = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        region_name=REGION,
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    iam = member.client("iam")
    if open_to_scanner:  # moto creates the role without policies: grant it the scanner's read-only policy
        iam.put_role_policy(
            RoleName=ROLE, PolicyName="nhi-scan-read-only", PolicyDocument=json.dumps(scanner_policy(ROLE))
        )
    iam.create_user(UserName="svc-etl")
    iam.create_access_key(UserName="svc-etl")
    iam.create_role(RoleName="etl-runner", AssumeRolePolicyDocument=trust("glue.amazonaws.com"))


def seed(endpoint: str) -> World:
    import boto3

    session = boto3.Session(region_name=REGION)
    key, secret = _management(session)
    _compute(session)
    members = _organization(session)
    for name, account in members.items():
        _member(session, account, open_to_scanner=name != "locked")
    return World(endpoint=endpoint, scanner_key=key, scanner_secret=secret, members=members)
