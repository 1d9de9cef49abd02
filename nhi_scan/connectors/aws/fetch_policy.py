"""The minimal IAM policy nhi-scan's own identity needs for live collection, derived from what it calls.

The scanner is a non-human identity too: it gets read-only actions only, listed one by one (no ``*``), so a
reviewer can see that it can neither change anything nor read secret values.
"""

from __future__ import annotations

from typing import Any

from nhi_scan.connectors.aws.fetch_api import READ_ONLY_OPERATIONS

#: botocore service name -> IAM action prefix, where they differ.
IAM_PREFIX = {"bedrock-agent": "bedrock", "bedrock-agentcore-control": "bedrock-agentcore"}
#: Needs no permission (any valid credentials may call it).
_NO_PERMISSION = frozenset({"sts:GetCallerIdentity"})


def required_actions() -> list[str]:
    actions = {
        f"{IAM_PREFIX.get(service, service)}:{operation}"
        for service, operations in READ_ONLY_OPERATIONS.items()
        for operation in operations
    }
    return sorted(actions - _NO_PERMISSION - {"sts:AssumeRole"})


def scanner_policy(role_name: str = "OrganizationAccountAccessRole") -> dict[str, Any]:
    """The policy for the scanning identity; with ``--org``, the role assumed in each account needs it too."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NhiScanReadOnly", "Effect": "Allow", "Action": required_actions(), "Resource": "*"},
            {
                "Sid": "NhiScanOrganizationMembers",
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Resource": f"arn:aws:iam::*:role/{role_name}",
            },
        ],
    }
