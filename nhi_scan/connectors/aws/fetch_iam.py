"""Live collection of an account's IAM documents: GAAD, credential report, keys and other user credentials.

Each answer is kept in the shape `aws iam ...` prints (pages merged), so the offline formats read it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from nhi_scan.connectors.aws.fetch_api import Api, ApiError, map_bounded
from nhi_scan.connectors.aws.fetch_snapshot import Snapshot, safe_name

GAAD_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
GAAD_FILTERS = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
Sleep = Callable[[float], None]


def authorization_details(api: Api) -> dict[str, Any]:
    """Every page of get-account-authorization-details (all filters) as one answer; policy documents decoded."""
    merged = api.merged("iam", "get_account_authorization_details", GAAD_KEYS, Filter=GAAD_FILTERS)
    merged["IsTruncated"] = False
    return merged


def credential_report(api: Api, *, timeout: float, interval: float, sleep: Sleep = time.sleep) -> str:
    """Generate the credential report (AWS reuses one younger than 4 hours), wait for it, return the CSV."""
    deadline = time.monotonic() + timeout
    wait = min(interval, 0.5)
    while True:
        state = api.call("iam", "generate_credential_report").get("State")
        if state == "COMPLETE":
            break
        if time.monotonic() + wait > deadline:
            raise ApiError("iam:GenerateCredentialReport", f"report still {state} after {timeout:.0f}s")
        sleep(wait)
        wait = min(wait * 2, interval)
    content = api.call("iam", "get_credential_report").get("Content")
    if not isinstance(content, (bytes, str)):
        raise ApiError("iam:GetCredentialReport", "answer has no Content")
    return content.decode("utf-8-sig") if isinstance(content, bytes) else content


def access_keys(api: Api, snapshot: Snapshot, users: Sequence[str], workers: int) -> None:
    """list-access-keys per user and get-access-key-last-used per key (with the key id added)."""

    def one_user(user: str) -> None:
        listing = api.merged("iam", "list_access_keys", ["AccessKeyMetadata"], UserName=user)
        for key in listing["AccessKeyMetadata"]:
            usage = api.call("iam", "get_access_key_last_used", AccessKeyId=key["AccessKeyId"])
            usage.setdefault("UserName", user)
            usage["AccessKeyId"] = key["AccessKeyId"]
            snapshot.document(
                f"access-key-last-used/{safe_name(key['AccessKeyId'])}.json",
                usage,
                account=api.account,
                call="iam:GetAccessKeyLastUsed",
            )
        snapshot.document(
            f"access-keys/{safe_name(user)}.json", listing, account=api.account, call="iam:ListAccessKeys"
        )

    map_bounded(one_user, users, workers)


#: (phase, method, list key, file) of the per-user credential listings, merged into one file each.
USER_LISTINGS = (
    (
        "service-specific credentials",
        "list_service_specific_credentials",
        "ServiceSpecificCredentials",
        "service-specific-credentials.json",
    ),
    ("SSH public keys", "list_ssh_public_keys", "SSHPublicKeys", "ssh-public-keys.json"),
    ("signing certificates", "list_signing_certificates", "Certificates", "signing-certificates.json"),
)


def user_listing(api: Api, method: str, key: str, users: Sequence[str], workers: int) -> dict[str, Any]:
    """One per-user listing for every user, merged (each item names its user). Certificate bodies are dropped."""

    def one_user(user: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = api.merged("iam", method, [key], UserName=user)[key]
        for item in items:
            item.pop("CertificateBody", None)  # public, but large and of no use here
        return items

    return {key: [item for items in map_bounded(one_user, users, workers) for item in items]}


def instance_profiles(api: Api) -> dict[str, Any]:
    answer = api.merged("iam", "list_instance_profiles", ["InstanceProfiles"])
    for profile in answer["InstanceProfiles"]:
        profile["Roles"] = [{"Arn": r.get("Arn"), "RoleName": r.get("RoleName")} for r in profile.get("Roles", [])]
    return answer
