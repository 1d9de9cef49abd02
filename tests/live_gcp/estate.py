"""The small GCP estate the fake server serves, in the REST shapes Google's APIs answer with (camelCase).

An organisation with a folder and a subfolder; project ``alpha-prod`` (in the subfolder) with three service
accounts, keys of both types, a workload identity pool with a GitHub provider, two instances, two functions, a deny
policy and activity records; project ``beta-dev`` (directly under the organisation) with one service account, a
Cloud Run service and the Compute Engine API disabled.
"""

from __future__ import annotations

import base64
from typing import Any

ORG = "123456789012"
FOLDER = "folders/222222222222"
SUBFOLDER = "folders/333333333333"
ALPHA, ALPHA_NUMBER = "alpha-prod", "111111111111"
BETA, BETA_NUMBER = "beta-dev", "444444444444"
DEPLOYER = f"deployer@{ALPHA}.iam.gserviceaccount.com"
COMPUTE_SA = f"{ALPHA_NUMBER}-compute@developer.gserviceaccount.com"
RUNNER = f"runner@{ALPHA}.iam.gserviceaccount.com"
CI = f"ci@{BETA}.iam.gserviceaccount.com"
#: Values that must never be written by the collector (they stand for secrets).
SECRETS = (
    "c2VjcmV0LWtleS1tYXRlcmlhbA==",
    "s3cr3t-api-token",
    "echo s3cr3t-startup",
    "s3cr3t-run-env",
    "s3cr3t-agent-env",
)


def etag(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def policy(tag: str, *bindings: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "etag": etag(tag), "bindings": list(bindings)}


def binding(role: str, *members: str, condition: dict[str, str] | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"role": role, "members": list(members)}
    if condition:
        found["condition"] = condition
    return found


ORGANIZATION: dict[str, Any] = {
    "name": f"organizations/{ORG}",
    "displayName": "example.com",
    "directoryCustomerId": "C0abc1234",
    "state": "ACTIVE",
    "createTime": "2019-03-01T09:00:00Z",
    "etag": etag("org"),
}
FOLDERS: list[dict[str, Any]] = [
    {"name": FOLDER, "parent": f"organizations/{ORG}", "displayName": "Engineering", "state": "ACTIVE"},
    {"name": SUBFOLDER, "parent": FOLDER, "displayName": "Platform", "state": "ACTIVE"},
]
PROJECTS: list[dict[str, Any]] = [
    {
        "name": f"projects/{ALPHA_NUMBER}",
        "parent": SUBFOLDER,
        "projectId": ALPHA,
        "state": "ACTIVE",
        "displayName": "Alpha prod",
        "createTime": "2023-01-05T10:00:00.123Z",
        "labels": {"env": "prod"},
    },
    {
        "name": f"projects/{BETA_NUMBER}",
        "parent": f"organizations/{ORG}",
        "projectId": BETA,
        "state": "ACTIVE",
        "displayName": "Beta dev",
        "createTime": "2024-02-01T08:00:00Z",
    },
]
POLICIES: dict[str, dict[str, Any]] = {
    f"organizations/{ORG}": policy(
        "org-policy",
        binding("roles/resourcemanager.organizationAdmin", "group:admins@example.com"),
        binding(
            "roles/iam.serviceAccountTokenCreator",
            f"serviceAccount:{CI}",
            condition={"title": "business hours", "expression": "request.time.getHours('UTC') < 18"},
        ),
    ),
    FOLDER: policy("folder-policy", binding("roles/editor", "group:eng@example.com")),
    SUBFOLDER: policy("subfolder-policy", binding("roles/viewer", "domain:example.com")),
    f"projects/{ALPHA}": policy(
        "alpha-policy",
        binding("roles/owner", "user:alice@example.com"),
        binding("roles/editor", f"serviceAccount:{COMPUTE_SA}", f"serviceAccount:{DEPLOYER}"),
        binding("roles/iam.serviceAccountUser", f"serviceAccount:{CI}"),
    ),
    f"projects/{BETA}": policy("beta-policy", binding("roles/run.admin", f"serviceAccount:{CI}")),
}
ROLES: dict[str, list[dict[str, Any]]] = {
    f"organizations/{ORG}": [
        {
            "name": f"organizations/{ORG}/roles/orgAuditor",
            "title": "Org auditor",
            "stage": "GA",
            "etag": etag("r1"),
            "includedPermissions": ["resourcemanager.projects.list", "iam.roles.list"],
        }
    ],
    f"projects/{ALPHA}": [
        {
            "name": f"projects/{ALPHA}/roles/keyMinter",
            "title": "Key minter",
            "description": "Creates service account keys",
            "stage": "GA",
            "etag": etag("r2"),
            "includedPermissions": ["iam.serviceAccountKeys.create", "iam.serviceAccounts.get"],
        }
    ],
}
DENY_POLICIES: dict[str, list[dict[str, Any]]] = {
    f"projects/{ALPHA}": [
        {
            "name": "policies/cloudresourcemanager.googleapis.com%2Fprojects%2F111111111111/denypolicies/no-keys",
            "uid": "6f2d0a1e-0000-4000-8000-000000000001",
            "kind": "DenyPolicy",
            "displayName": "No key creation",
            "etag": etag("d1"),
            "createTime": "2024-05-01T00:00:00Z",
            "updateTime": "2024-05-01T00:00:00Z",
            "rules": [
                {
                    "description": "nobody but the break-glass group creates keys",
                    "denyRule": {
                        "deniedPrincipals": ["principalSet://goog/public:all"],
                        "exceptionPrincipals": ["principalSet://goog/group/breakglass@example.com"],
                        "deniedPermissions": ["iam.googleapis.com/serviceAccountKeys.create"],
                    },
                }
            ],
        }
    ],
    f"organizations/{ORG}": [],
}


def account(project: str, email: str, unique_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"projects/{project}/serviceAccounts/{email}",
        "projectId": project,
        "uniqueId": unique_id,
        "email": email,
        "etag": etag(email),
        "oauth2ClientId": unique_id,
        **extra,
    }


SERVICE_ACCOUNTS: dict[str, list[dict[str, Any]]] = {
    ALPHA: [
        account(ALPHA, DEPLOYER, "100000000000000000001", displayName="Deployer"),
        account(ALPHA, COMPUTE_SA, "100000000000000000002", displayName="Compute Engine default"),
        account(ALPHA, RUNNER, "100000000000000000003", disabled=True),
    ],
    BETA: [account(BETA, CI, "100000000000000000004", description="CI pipeline")],
}


def key(email: str, key_id: str, key_type: str, valid_after: str, **extra: Any) -> dict[str, Any]:
    project = email.split("@")[1].split(".")[0]
    return {
        "name": f"projects/{project}/serviceAccounts/{email}/keys/{key_id}",
        "keyAlgorithm": "KEY_ALG_RSA_2048",
        "keyOrigin": "GOOGLE_PROVIDED",
        "keyType": key_type,
        "validAfterTime": valid_after,
        "validBeforeTime": "9999-12-31T23:59:59Z" if key_type == "USER_MANAGED" else "2025-01-01T00:00:00Z",
        **extra,
    }


KEYS: dict[str, list[dict[str, Any]]] = {
    DEPLOYER: [
        # A misbehaving answer carrying key material: the collector must drop it.
        key(DEPLOYER, "a1" * 20, "USER_MANAGED", "2023-02-01T00:00:00Z", privateKeyData=SECRETS[0]),
        key(DEPLOYER, "b2" * 20, "SYSTEM_MANAGED", "2024-12-01T00:00:00Z"),
    ],
    COMPUTE_SA: [key(COMPUTE_SA, "c3" * 20, "SYSTEM_MANAGED", "2024-12-02T00:00:00Z")],
    RUNNER: [
        key(
            RUNNER,
            "d4" * 20,
            "USER_MANAGED",
            "2022-06-01T00:00:00Z",
            disabled=True,
            disableReason="SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED",
            extendedStatus=[{"key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED", "value": "github.com/x"}],
        )
    ],
    CI: [key(CI, "e5" * 20, "USER_MANAGED", "2024-03-01T00:00:00Z")],
}
POOL = f"projects/{ALPHA_NUMBER}/locations/global/workloadIdentityPools/github"
ACCOUNT_POLICIES: dict[str, dict[str, Any]] = {
    DEPLOYER: policy(
        "sa-deployer",
        binding("roles/iam.serviceAccountUser", "user:dev@example.com"),
        binding(
            "roles/iam.workloadIdentityUser", f"principalSet://iam.googleapis.com/{POOL}/attribute.repository/ex/app"
        ),
    ),
    COMPUTE_SA: {"etag": "ACAB"},
    RUNNER: {"etag": "ACAB"},
    CI: policy("sa-ci", binding("roles/iam.serviceAccountTokenCreator", "group:ci-admins@example.com")),
}
POOLS: dict[str, list[dict[str, Any]]] = {ALPHA: [{"name": POOL, "displayName": "GitHub", "state": "ACTIVE"}], BETA: []}
PROVIDERS: dict[str, list[dict[str, Any]]] = {
    POOL: [
        {
            "name": f"{POOL}/providers/github-actions",
            "displayName": "GitHub Actions",
            "state": "ACTIVE",
            "attributeMapping": {"google.subject": "assertion.sub", "attribute.repository": "assertion.repository"},
            "oidc": {"issuerUri": "https://token.actions.githubusercontent.com"},
        }
    ]
}


def instance(name: str, zone: str, number: str) -> dict[str, Any]:
    return {
        "kind": "compute#instance",
        "id": number,
        "name": name,
        "zone": f"https://www.googleapis.com/compute/v1/projects/{ALPHA}/zones/{zone}",
        "status": "RUNNING",
        "serviceAccounts": [{"email": COMPUTE_SA, "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
        "metadata": {
            "kind": "compute#metadata",
            "fingerprint": "abc=",
            "items": [{"key": "startup-script", "value": SECRETS[2]}, {"key": "enable-oslogin", "value": "TRUE"}],
        },
    }


INSTANCES: dict[str, dict[str, list[dict[str, Any]]]] = {
    ALPHA: {
        "zones/us-central1-a": [instance("web-1", "us-central1-a", "7001")],
        "zones/europe-west1-b": [instance("batch-1", "europe-west1-b", "7002")],
    }
}
FUNCTIONS: dict[str, list[dict[str, Any]]] = {
    ALPHA: [
        {
            "name": f"projects/{ALPHA}/locations/us-central1/functions/ingest",
            "environment": "GEN_2",
            "state": "ACTIVE",
            "serviceConfig": {"serviceAccountEmail": DEPLOYER, "environmentVariables": {"API_TOKEN": SECRETS[1]}},
            "buildConfig": {"runtime": "python312", "serviceAccount": f"projects/{ALPHA}/serviceAccounts/{DEPLOYER}"},
        },
        {
            "name": f"projects/{ALPHA}/locations/europe-west1/functions/legacy",
            "environment": "GEN_1",
            "state": "ACTIVE",
            "serviceConfig": {"serviceAccountEmail": f"{ALPHA}@appspot.gserviceaccount.com"},
        },
    ],
    BETA: [],
}
RUN_SERVICES: dict[str, list[dict[str, Any]]] = {
    BETA: [
        {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {
                "name": "api",
                "namespace": BETA_NUMBER,
                "uid": "5b0c0000-0000-4000-8000-000000000002",
                "labels": {"cloud.googleapis.com/location": "europe-west1"},
            },
            "spec": {
                "template": {
                    "spec": {
                        "serviceAccountName": CI,
                        "containers": [
                            {
                                "image": "europe-docker.pkg.dev/beta-dev/app/api:1",
                                "env": [
                                    {"name": "DB_PASSWORD", "value": SECRETS[3]},
                                    {"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "k", "key": "latest"}}},
                                ],
                            }
                        ],
                    }
                }
            },
            "status": {"url": "https://api-xyz-ew.a.run.app"},
        }
    ],
    ALPHA: [],
}
ACTIVITIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    (ALPHA, "serviceAccountKeyLastAuthentication"): [
        {
            "activityType": "serviceAccountKeyLastAuthentication",
            "fullResourceName": f"//iam.googleapis.com/{KEYS[DEPLOYER][0]['name']}",
            "observationPeriod": {"startTime": "2025-01-01T07:00:00Z", "endTime": "2025-01-02T07:00:00Z"},
            "activity": {"lastAuthenticatedTime": "2025-01-01T07:00:00Z", "serviceAccountKey": {}},
        }
    ],
    (ALPHA, "serviceAccountLastAuthentication"): [
        {
            "activityType": "serviceAccountLastAuthentication",
            "fullResourceName": f"//iam.googleapis.com/projects/{ALPHA}/serviceAccounts/100000000000000000001",
            "observationPeriod": {"startTime": "2025-01-01T07:00:00Z", "endTime": "2025-01-02T07:00:00Z"},
            "activity": {"lastAuthenticatedTime": "2025-01-01T07:00:00Z", "serviceAccount": {}},
        }
    ],
}
REASONING_ENGINES: dict[tuple[str, str], list[dict[str, Any]]] = {
    (ALPHA, "us-central1"): [
        {
            "name": f"projects/{ALPHA_NUMBER}/locations/us-central1/reasoningEngines/9001",
            "displayName": "support-agent",
            "spec": {
                "serviceAccount": DEPLOYER,
                "deploymentSpec": {"env": [{"name": "MODEL_KEY", "value": "s3cr3t-agent-env"}]},
            },
        }
    ]
}
#: Regions where the fake Agent Engine does not exist (404), as a region Google does not serve.
UNSERVED_REGIONS = ("europe-west6",)
