"""Live collection of an AWS Organization: accounts, the OU tree and service control policies.

Each answer is written in its CLI shape; the per-parent and per-policy answers get the ``ParentId`` /
``PolicyId`` they were asked for, which they do not repeat.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from nhi_scan.connectors.aws.fetch_api import FAILURES, Api, ApiError
from nhi_scan.connectors.aws.fetch_snapshot import CollectionFailure, Snapshot, safe_name

_ACCOUNT_KEYS = ("Id", "Arn", "Name", "Email", "Status", "JoinedMethod", "JoinedTimestamp")
#: Keeps a malformed answer (an OU listed under itself) from looping forever; real trees are 6 levels deep.
MAX_UNITS = 10_000


@dataclass(frozen=True, slots=True, kw_only=True)
class OrgAccount:
    account_id: str
    name: str
    status: str


def _accounts(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: a[k] for k in _ACCOUNT_KEYS if a.get(k) is not None} for a in answer.get("Accounts", [])]


def list_accounts(api: Api, snapshot: Snapshot) -> list[OrgAccount]:
    """The organisation's accounts (raises ApiError when the caller may not list them)."""
    answer = {"Accounts": _accounts(api.merged("organizations", "list_accounts", ["Accounts"]))}
    snapshot.document("accounts.json", answer, account=api.account, call="organizations:ListAccounts")
    return [
        OrgAccount(account_id=a["Id"], name=a.get("Name", a["Id"]), status=a.get("Status", "ACTIVE"))
        for a in answer["Accounts"]
    ]


def describe(api: Api, snapshot: Snapshot) -> str | None:
    """Write describe-organization; return the management account id."""
    answer = api.call("organizations", "describe_organization")
    organization = answer.get("Organization") or {}
    keys = ("Id", "Arn", "FeatureSet", "MasterAccountArn", "MasterAccountId")
    snapshot.document(
        "organization.json",
        {"Organization": {k: organization[k] for k in keys if k in organization}},
        account=api.account,
        call="organizations:DescribeOrganization",
    )
    master = organization.get("MasterAccountId")
    return str(master) if master else None


def _tree(api: Api, snapshot: Snapshot) -> None:
    roots = api.merged("organizations", "list_roots", ["Roots"])
    snapshot.document("roots.json", roots, account=api.account, call="organizations:ListRoots")
    queue = deque(str(root["Id"]) for root in roots["Roots"])
    seen: set[str] = set()
    while queue and len(seen) < MAX_UNITS:
        parent = queue.popleft()
        if parent in seen:
            continue
        seen.add(parent)
        units = api.merged(
            "organizations", "list_organizational_units_for_parent", ["OrganizationalUnits"], ParentId=parent
        )
        snapshot.document(
            f"units-for-parent-{safe_name(parent)}.json",
            {**units, "ParentId": parent},
            account=api.account,
            call="organizations:ListOrganizationalUnitsForParent",
        )
        queue.extend(str(unit["Id"]) for unit in units["OrganizationalUnits"])
        accounts = {
            "Accounts": _accounts(
                api.merged("organizations", "list_accounts_for_parent", ["Accounts"], ParentId=parent)
            ),
            "ParentId": parent,
        }
        snapshot.document(
            f"accounts-for-parent-{safe_name(parent)}.json",
            accounts,
            account=api.account,
            call="organizations:ListAccountsForParent",
        )


def _policies(api: Api, snapshot: Snapshot) -> None:
    listing = api.merged("organizations", "list_policies", ["Policies"], Filter="SERVICE_CONTROL_POLICY")
    for summary in listing["Policies"]:
        policy_id = str(summary["Id"])
        answer = api.call("organizations", "describe_policy", PolicyId=policy_id)
        snapshot.document(
            f"scp-{safe_name(policy_id)}.json", answer, account=api.account, call="organizations:DescribePolicy"
        )
        targets = api.merged("organizations", "list_targets_for_policy", ["Targets"], PolicyId=policy_id)
        snapshot.document(
            f"scp-targets-{safe_name(policy_id)}.json",
            {**targets, "PolicyId": policy_id},
            account=api.account,
            call="organizations:ListTargetsForPolicy",
        )


def organization_structure(api: Api, snapshot: Snapshot) -> None:
    """The OU tree and the SCPs; a failure is recorded (the accounts are still scanned, without SCP context)."""
    for phase, collect, impact in (
        ("organisation tree", _tree, "OU paths of accounts unknown: SCPs cannot be placed"),
        ("service control policies", _policies, "SCPs unknown: permissions may be overstated"),
    ):
        try:
            collect(api, snapshot)
        except FAILURES as raised:
            exc = ApiError.of(raised, phase)
            snapshot.fail(
                CollectionFailure(account=api.account, phase=phase, call=exc.call, error=exc.detail, impact=impact)
            )


def assume(base: Api, account: str, role_name: str, partition: str) -> Api:
    """Clients of ``account`` through ``role_name`` (short-lived credentials, kept in memory only)."""
    arn = f"arn:{partition}:iam::{account}:role/{role_name}"
    answer = base.call("sts", "assume_role", RoleArn=arn, RoleSessionName="nhi-scan", DurationSeconds=3600)
    credentials = answer.get("Credentials") or {}
    if not credentials.get("AccessKeyId"):
        raise ApiError("sts:AssumeRole", f"no credentials returned for {arn}")
    return base.for_account(
        account,
        {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        },
    )
