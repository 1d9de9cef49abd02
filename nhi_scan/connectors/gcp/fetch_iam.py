"""IAM reads over REST (``iam.googleapis.com`` v1 and v2): service accounts, their keys and policies, custom roles,
deny policies, workload identity pools and providers.

REST rather than google-cloud-iam's ``IAMClient``: that client speaks gRPC only, and its ``ServiceAccountKey``
drops ``disableReason`` and ``extendedStatus`` (how Google flags a key it found exposed). The REST answer is
exactly what gcloud prints, so it is written as it comes, minus key material.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from nhi_scan.connectors.gcp import fetch_permissions as perm
from nhi_scan.connectors.gcp.fetch_http import GcpEndpoints, Rest

#: Fields of a key never written, whatever the API returns: private key material (and the public half, which a
#: scan does not need).
KEY_MATERIAL = frozenset({"privateKeyData", "privateKeyType", "publicKeyData"})
KEY_TYPES = ("USER_MANAGED", "SYSTEM_MANAGED")


def _path(name: str) -> str:
    return quote(name, safe="/@:")


def service_accounts(rest: Rest, endpoints: GcpEndpoints, project: str) -> list[dict[str, Any]]:
    url = f"{endpoints.iam}/v1/projects/{_path(project)}/serviceAccounts"
    return rest.listed(url, perm.SERVICE_ACCOUNTS_LIST, "accounts", {"pageSize": 100})


def account_name(project: str, account: dict[str, Any]) -> str:
    """``projects/P/serviceAccounts/EMAIL``, as the API names it."""
    name = account.get("name")
    if isinstance(name, str) and "/serviceAccounts/" in name:
        return name
    return f"projects/{project}/serviceAccounts/{account.get('email')}"


def keys(rest: Rest, endpoints: GcpEndpoints, account: str) -> list[dict[str, Any]]:
    """Key metadata (user- and Google-managed); any key material in the answer is dropped before it is kept."""
    url = f"{endpoints.iam}/v1/{_path(account)}/keys"
    answer = rest.get(url, perm.KEYS_LIST, {"keyTypes": list(KEY_TYPES)})
    found = [key for key in answer.get("keys") or () if isinstance(key, dict)]
    return [{field: value for field, value in key.items() if field not in KEY_MATERIAL} for key in found]


def account_policy(rest: Rest, endpoints: GcpEndpoints, account: str) -> dict[str, Any]:
    """Who may act as, impersonate or manage the service account."""
    return rest.get_iam_policy(f"{endpoints.iam}/v1/{_path(account)}:getIamPolicy", perm.SERVICE_ACCOUNT_POLICY)


def custom_roles(rest: Rest, endpoints: GcpEndpoints, parent: str) -> list[dict[str, Any]]:
    """Custom roles of ``projects/P`` or ``organizations/O`` with their includedPermissions (view FULL)."""
    url = f"{endpoints.iam}/v1/{_path(parent)}/roles"
    return rest.listed(url, perm.ROLES_LIST, "roles", {"view": "FULL", "pageSize": 1000})


def deny_policies(rest: Rest, endpoints: GcpEndpoints, resource: str) -> list[dict[str, Any]]:
    """Deny policies attached to ``projects/P``, ``folders/F`` or ``organizations/O``, each with its rules (the
    listing omits them, so each is read again)."""
    attachment = quote(f"cloudresourcemanager.googleapis.com/{resource}", safe="")
    base = f"{endpoints.iam}/v2/policies/{attachment}/denypolicies"
    listed = rest.listed(base, perm.DENY_LIST, "policies", {"pageSize": 1000})
    policies = []
    for policy in listed:
        policy_id = str(policy.get("name") or "").rpartition("/")[2]
        if policy_id:
            policies.append(rest.get(f"{base}/{quote(policy_id, safe='')}", perm.DENY_GET))
    return policies


def pools(rest: Rest, endpoints: GcpEndpoints, project: str) -> list[dict[str, Any]]:
    url = f"{endpoints.iam}/v1/projects/{_path(project)}/locations/global/workloadIdentityPools"
    return rest.listed(url, perm.POOLS_LIST, "workloadIdentityPools", {"pageSize": 1000})


def providers(rest: Rest, endpoints: GcpEndpoints, pool_names: list[str]) -> list[dict[str, Any]]:
    """The providers of every pool, in one array (each provider's ``name`` names its pool)."""
    found: list[dict[str, Any]] = []
    for pool in pool_names:
        url = f"{endpoints.iam}/v1/{_path(pool)}/providers"
        found.extend(rest.listed(url, perm.PROVIDERS_LIST, "workloadIdentityPoolProviders", {"pageSize": 100}))
    return found
