"""Builders for small AWS exports written by tests: keyword defaults instead of long fixture files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ACCOUNT = "111122223333"
HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def user(
    name: str,
    *,
    account: str = ACCOUNT,
    tags: dict[str, str] | None = None,
    groups: list[str] | None = None,
    inline: dict[str, dict[str, Any]] | None = None,
    attached: list[str] | None = None,
    path: str = "/",
    created: str = "2023-01-01T00:00:00Z",
    boundary: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "Path": path,
        "UserName": name,
        "UserId": "AIDA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
        "Arn": f"arn:aws:iam::{account}:user{path}{name}",
        "CreateDate": created,
        "UserPolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "GroupList": groups or [],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached or []],
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }
    if boundary:
        entry["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return entry


def role(
    name: str,
    *,
    account: str = ACCOUNT,
    trust: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
    inline: dict[str, dict[str, Any]] | None = None,
    attached: list[str] | None = None,
    path: str = "/",
    last_used: str | bool | None = None,
    created: str = "2023-01-01T00:00:00Z",
    boundary: str | None = None,
) -> dict[str, Any]:
    """``last_used``: a date, None for "never used" ({}), or False to leave RoleLastUsed out (unknown)."""
    entry: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": "AROA" + name.upper().replace("-", "")[:12].ljust(12, "X"),
        "Arn": f"arn:aws:iam::{account}:role{path}{name}",
        "CreateDate": created,
        "AssumeRolePolicyDocument": trust or service_trust("lambda.amazonaws.com"),
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached or []],
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }
    if last_used is not False:
        entry["RoleLastUsed"] = {} if last_used is None else {"LastUsedDate": last_used, "Region": "eu-west-1"}
    if boundary:
        entry["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return entry


def group(
    name: str,
    *,
    account: str = ACCOUNT,
    inline: dict[str, dict[str, Any]] | None = None,
    attached: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "Path": "/",
        "GroupName": name,
        "GroupId": "AGPA" + name.upper()[:12].ljust(12, "X"),
        "Arn": f"arn:aws:iam::{account}:group/{name}",
        "CreateDate": "2023-01-01T00:00:00Z",
        "GroupPolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached or []],
    }


def managed_policy(arn: str, *versions: dict[str, Any], default: int = 0) -> dict[str, Any]:
    return {
        "PolicyName": arn.rsplit("/", 1)[-1],
        "PolicyId": "ANPA" + arn.rsplit("/", 1)[-1].upper()[:12].ljust(12, "X"),
        "Arn": arn,
        "Path": "/",
        "DefaultVersionId": f"v{default + 1}",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "PolicyVersionList": [
            {
                "Document": doc,
                "VersionId": f"v{i + 1}",
                "IsDefaultVersion": i == default,
                "CreateDate": "2023-01-01T00:00:00Z",
            }
            for i, doc in enumerate(versions)
        ],
    }


def service_trust(service: str, **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def gaad(
    *,
    users: list[dict[str, Any]] = (),
    roles: list[dict[str, Any]] = (),  # type: ignore[assignment]
    groups: list[dict[str, Any]] = (),
    policies: list[dict[str, Any]] = (),
) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "UserDetailList": list(users),
        "GroupDetailList": list(groups),
        "RoleDetailList": list(roles),
        "Policies": list(policies),
        "IsTruncated": False,
    }


def report_row(
    name: str,
    *,
    account: str = ACCOUNT,
    created: str = "2023-01-01T00:00:00+00:00",
    password: bool = False,
    password_last_used: str = "N/A",
    mfa: bool = False,
    key1: tuple[bool, str, str] | None = None,
    key2: tuple[bool, str, str] | None = None,
    key1_service: str = "s3",
) -> str:
    """``keyN`` = (active, last_rotated, last_used_date or "N/A")."""
    arn = f"arn:aws:iam::{account}:root" if name == "<root_account>" else f"arn:aws:iam::{account}:user/{name}"

    def key(slot: tuple[bool, str, str] | None, service: str) -> list[str]:
        if slot is None:
            return ["false", "N/A", "N/A", "N/A", "N/A"]
        active, rotated, used = slot
        region, svc = ("N/A", "N/A") if used == "N/A" else ("us-east-1", service)
        return [str(active).lower(), rotated, used, region, svc]

    password_fields = (
        ["not_supported", "2024-01-01T00:00:00+00:00", "not_supported", "not_supported"]
        if name == "<root_account>"
        else [
            str(password).lower(),
            password_last_used if password else "N/A",
            "2023-02-01T00:00:00+00:00" if password else "N/A",
            "N/A",
        ]
    )
    values = [
        name,
        arn,
        created,
        *password_fields,
        str(mfa).lower(),
        *key(key1, key1_service),
        *key(key2, "ec2"),
        "false",
        "N/A",
        "false",
        "N/A",
    ]
    return ",".join(values)


def credential_report(*rows: str) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


def write_export(
    directory: Path,
    *,
    authz: dict[str, Any] | None = None,
    report: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    if authz is not None:
        (directory / "authz.json").write_text(json.dumps(authz))
    if report is not None:
        (directory / "credential-report.csv").write_text(report)
    for name, content in (extra or {}).items():
        (directory / name).write_text(content if isinstance(content, str) else json.dumps(content))
    return directory
