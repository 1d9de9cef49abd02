"""The IAM permissions the GCP collector uses, one constant per call, and the minimal custom role made of them.

The scanner is a non-human identity too: every call names its permission here, so `collect gcp --print-role`
lists exactly what the collector may do (read-only: list / get / getIamPolicy / search / query) and nothing more.
"""

from __future__ import annotations

import json

PROJECTS_GET = "resourcemanager.projects.get"  # projects.get and projects.search
PROJECTS_LIST = "resourcemanager.projects.list"  # projects under an organisation or folder
PROJECTS_POLICY = "resourcemanager.projects.getIamPolicy"
FOLDERS_LIST = "resourcemanager.folders.list"
FOLDERS_POLICY = "resourcemanager.folders.getIamPolicy"
ORGANIZATIONS_GET = "resourcemanager.organizations.get"
ORGANIZATIONS_POLICY = "resourcemanager.organizations.getIamPolicy"
ROLES_LIST = "iam.roles.list"  # with view=FULL: includedPermissions of each custom role
DENY_LIST = "iam.denypolicies.list"
DENY_GET = "iam.denypolicies.get"  # the list omits the rules
SERVICE_ACCOUNTS_LIST = "iam.serviceAccounts.list"
SERVICE_ACCOUNT_POLICY = "iam.serviceAccounts.getIamPolicy"
KEYS_LIST = "iam.serviceAccountKeys.list"  # metadata only: the API never returns private keys on list
POOLS_LIST = "iam.googleapis.com/workloadIdentityPools.list"
PROVIDERS_LIST = "iam.googleapis.com/workloadIdentityPoolProviders.list"
INSTANCES_LIST = "compute.instances.list"
FUNCTIONS_LIST = "cloudfunctions.functions.list"
RUN_SERVICES_LIST = "run.services.list"
REASONING_ENGINES_LIST = "aiplatform.reasoningEngines.list"
KEY_ACTIVITY = "policyanalyzer.serviceAccountKeyLastAuthenticationActivities.query"
SA_ACTIVITY = "policyanalyzer.serviceAccountLastAuthenticationActivities.query"

#: Every permission above, sorted: the collector calls nothing else.
PERMISSIONS: tuple[str, ...] = tuple(
    sorted(
        {
            PROJECTS_GET,
            PROJECTS_LIST,
            PROJECTS_POLICY,
            FOLDERS_LIST,
            FOLDERS_POLICY,
            ORGANIZATIONS_GET,
            ORGANIZATIONS_POLICY,
            ROLES_LIST,
            DENY_LIST,
            DENY_GET,
            SERVICE_ACCOUNTS_LIST,
            SERVICE_ACCOUNT_POLICY,
            KEYS_LIST,
            POOLS_LIST,
            PROVIDERS_LIST,
            INSTANCES_LIST,
            FUNCTIONS_LIST,
            RUN_SERVICES_LIST,
            REASONING_ENGINES_LIST,
            KEY_ACTIVITY,
            SA_ACTIVITY,
        }
    )
)

ROLE_ID = "nhiScanCollector"
ROLE_TITLE = "nhi-scan collector (read-only)"
ROLE_DESCRIPTION = (
    "Read-only: lists identities, keys (metadata), policies and workloads for nhi-scan. "
    "No write, no secret values, no token minting."
)


def role_yaml() -> str:
    """The role as ``gcloud iam roles create --file`` reads it; created at organisation level because the
    folder and project listing permissions cannot be granted by a project-level custom role."""
    lines = [
        f"# gcloud iam roles create {ROLE_ID} --organization=ORG_ID --file=nhi-scan-role.yaml",
        "# then grant it on the organization (or each project) to the scanning identity. With",
        "# --impersonate-service-account, grant it to that service account and give the caller",
        "# roles/iam.serviceAccountTokenCreator on it (iam.serviceAccounts.getAccessToken).",
        f"title: {json.dumps(ROLE_TITLE)}",
        f"description: {json.dumps(ROLE_DESCRIPTION)}",
        "stage: GA",
        "includedPermissions:",
        *(f"- {permission}" for permission in PERMISSIONS),
    ]
    return "\n".join(lines) + "\n"
