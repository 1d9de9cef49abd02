"""Builders for the documents `nhi-scan collect aws` writes, in the shapes of the AWS CLI answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.aws.builders import ACCOUNT

REGION = "eu-west-1"


def role_arn(name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def trust_policy(*services: str, **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": list(services)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def instances(*items: tuple[str, str | None, dict[str, str]], account: str = ACCOUNT) -> dict[str, Any]:
    """describe-instances: (instance id, instance profile name or None, tags)."""
    return {
        "Reservations": [
            {
                "ReservationId": "r-0123",
                "OwnerId": account,
                "Instances": [
                    {
                        "InstanceId": instance_id,
                        "State": {"Name": "running"},
                        "Placement": {"AvailabilityZone": f"{REGION}a"},
                        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
                        "MetadataOptions": {"HttpTokens": "optional"},
                        **(
                            {"IamInstanceProfile": {"Arn": f"arn:aws:iam::{account}:instance-profile/{profile}"}}
                            if profile
                            else {}
                        ),
                    }
                    for instance_id, profile, tags in items
                ],
            }
        ],
        "Region": REGION,
    }


def functions(*items: tuple[str, str], account: str = ACCOUNT) -> dict[str, Any]:
    """list-functions: (function name, role name)."""
    return {
        "Functions": [
            {
                "FunctionName": name,
                "FunctionArn": f"arn:aws:lambda:{REGION}:{account}:function:{name}",
                "Role": role_arn(role, account),
                "Runtime": "python3.12",
            }
            for name, role in items
        ]
    }


def task_definition(family: str, task_role: str | None, execution_role: str | None = None) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:3",
        "family": family,
        "revision": 3,
        "status": "ACTIVE",
    }
    if task_role:
        definition["taskRoleArn"] = role_arn(task_role)
    if execution_role:
        definition["executionRoleArn"] = role_arn(execution_role)
    return {"taskDefinition": definition, "tags": [{"key": "app", "value": family}]}


def bedrock_agent(name: str, role: str) -> dict[str, Any]:
    return {
        "agent": {
            "agentId": "AGENT12345",
            "agentName": name,
            "agentArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:agent/AGENT12345",
            "agentResourceRoleArn": role_arn(role),
            "agentStatus": "PREPARED",
        }
    }


def access_advisor(principal_arn: str, *services: dict[str, Any]) -> dict[str, Any]:
    return {
        "Arn": principal_arn,
        "JobStatus": "COMPLETED",
        "JobType": "ACTION_LEVEL",
        "JobCreationDate": "2026-11-28T00:00:00Z",
        "JobCompletionDate": "2026-11-28T00:01:00Z",
        "ServicesLastAccessed": list(services),
        "IsTruncated": False,
    }


def service(namespace: str, last: str | None, **actions: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"ServiceName": namespace.upper(), "ServiceNamespace": namespace}
    if last:
        entry["LastAuthenticated"] = last
    if actions:
        entry["TrackedActionsLastAccessed"] = [
            {"ActionName": name, **({"LastAccessedTime": when} if when else {})} for name, when in actions.items()
        ]
    return entry


def dumps(value: Any) -> str:
    return json.dumps(value)


def write_files(directory: Path, files: dict[str, Any]) -> Path:
    """Write each document (JSON value or text) at its relative path, creating directories."""
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return directory
