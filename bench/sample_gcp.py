"""Write sample_data/gcp/: the hand-designed GCP organisation export of the fictional "Northwind Analytics".

Every identity, binding and date below is chosen by hand (see sample_data/gcp/README.md for the planted problems
and decoys); this script only lays them out exactly as Google's tools print them, with consistent ids, project
numbers and names. One description, three outputs:

    python bench/sample_gcp.py --out sample_data/gcp          # the `collect gcp` directory convention (gcloud JSON)
    python bench/sample_gcp.py --cai OUT.ndjson               # one Cloud Asset Inventory export (resource + iam-policy)
    python bench/sample_gcp.py --search-iam OUT.json          # gcloud asset search-all-iam-policies --format=json

Without an option it writes --out sample_data/gcp. Standard library only; the output is byte-for-byte deterministic.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

Doc = dict[str, Any]

ORG_ID = "605117249001"
DOMAIN = "northwind.example"
CUSTOMER_ID = "C02n7w4xq"
#: Times are judged at this instant (like sample_data/aws); the export was taken the day before.
JUDGED_AT = date(2026, 11, 29)
NEVER = "9999-12-31T23:59:59Z"
ORG = f"organizations/{ORG_ID}"
CRM = "//cloudresourcemanager.googleapis.com"


# --------------------------------------------------------------------------- deterministic ids and small helpers
def _digest(seed: str) -> bytes:
    return hashlib.sha256(seed.encode()).digest()


def digits(seed: str, length: int) -> str:
    """A decimal id of ``length`` digits, not starting with 0."""
    number = int.from_bytes(_digest(seed), "big")
    text = str(number)[: length - 1]
    return str(1 + number % 9) + text


def unique_id(email: str) -> str:
    """Service-account uniqueId / oauth2ClientId: 21 digits starting with 1."""
    return "1" + digits(f"sa:{email}", 20)


def key_id(email: str, slot: int) -> str:
    return hashlib.sha1(f"key:{email}:{slot}".encode()).hexdigest()


def policy_etag(seed: str) -> str:
    """IAM allow-policy etags are 8 bytes, base64: `BwY…=`."""
    return base64.b64encode(b"\x07\x06" + _digest(f"etag:{seed}")[:6]).decode()


def fake_uuid(seed: str) -> str:
    return str(uuid.UUID(bytes=_digest(f"uuid:{seed}")[:16], version=4))


def days_before(days: int) -> date:
    return JUDGED_AT - timedelta(days=days)


def _us_pacific_dst(day: date) -> bool:
    """US daylight saving time: second Sunday of March to first Sunday of November."""
    march = date(day.year, 3, 1)
    start = march + timedelta(days=(6 - march.weekday()) % 7 + 7)
    november = date(day.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return start <= day < end


def pacific_midnight(day: date) -> str:
    """Activity Analyzer reports days: midnight US Pacific time, in UTC (07:00Z in summer, 08:00Z in winter)."""
    return f"{day.isoformat()}T{'07' if _us_pacific_dst(day) else '08'}:00:00Z"


def compute_time(value: str) -> str:
    """Compute Engine prints its timestamps in US Pacific time with an offset: '2025-03-04T02:11:37.482-08:00'."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    offset = 7 if _us_pacific_dst(moment.date()) else 8
    local = moment - timedelta(hours=offset)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}-{offset:02d}:00"


def sa_email(project: str, account: str) -> str:
    return account if "@" in account else f"{account}@{project}.iam.gserviceaccount.com"


def member_sa(project: str, account: str) -> str:
    return f"serviceAccount:{sa_email(project, account)}"


# --------------------------------------------------------------------------- the estate: hierarchy
ORGANIZATION: Doc = {
    "creationTime": "2019-06-14T14:58:30.418Z",
    "displayName": DOMAIN,
    "lifecycleState": "ACTIVE",
    "name": ORG,
    "owner": {"directoryCustomerId": CUSTOMER_ID},
}

FOLDERS: dict[str, Doc] = {
    "prod": {"id": "318604920177", "created": "2019-07-02T09:11:05.231Z"},
    "dev": {"id": "847261530094", "created": "2019-07-02T09:12:41.907Z"},
}

PROJECTS: dict[str, Doc] = {
    "nw-prod-data": {
        "number": "412839065217",
        "folder": "prod",
        "created": "2019-07-03T10:20:11.356Z",
        "labels": {"env": "prod", "team": "data"},
    },
    "nw-prod-apps": {
        "number": "731902458836",
        "folder": "prod",
        "created": "2020-02-17T08:45:59.112Z",
        "labels": {"env": "prod", "team": "platform"},
    },
    "nw-dev-sandbox": {
        "number": "258147036925",
        "folder": "dev",
        "created": "2021-09-06T12:03:27.640Z",
        "labels": {"env": "dev", "team": "platform"},
    },
}


def number(project: str) -> str:
    return str(PROJECTS[project]["number"])


def folder_id(project: str) -> str:
    return str(FOLDERS[PROJECTS[project]["folder"]]["id"])


def compute_sa(project: str) -> str:
    return f"{number(project)}-compute@developer.gserviceaccount.com"


def service_agent(project: str, domain: str) -> str:
    """A Google-managed service agent (lives in a Google-owned project; not listed by `service-accounts list`)."""
    return f"serviceAccount:service-{number(project)}@{domain}"


def cloudservices(project: str) -> str:
    return f"serviceAccount:{number(project)}@cloudservices.gserviceaccount.com"


# --------------------------------------------------------------------------- service accounts (17)
#: project -> [(account or full email, displayName, description)]
SERVICE_ACCOUNTS: dict[str, list[tuple[str, str, str]]] = {
    "nw-prod-apps": [
        (compute_sa("nw-prod-apps"), "Compute Engine default service account", ""),
        ("agent-runner", "Support agent runtime", "Runs the support-agent Vertex AI Agent Engine deployment"),
        ("aws-bridge", "AWS bridge", "Federated from Entra (release-pipeline); its ID tokens assume an AWS role"),
        (
            "aws-bridge-lookalike",
            "AWS bridge (old)",
            "Federated from Entra; bound to a service principal deleted in 2025",
        ),
        ("build-runner", "Build runner", "Runtime of nightly-rebuild and artifact-indexer; creates build VMs"),
        ("ci-deployer", "CI deployer", "Jenkins (key file): pushes images, impersonates build-runner"),
        ("fn-deployer", "Functions deployer", "Deploys Cloud Functions for the platform team"),
        ("gh-deployer", "GitHub Actions deployer", "Federated from GitHub Actions; deploys and runs nw-api"),
        ("ops-automation", "Ops automation", "Runbook automation across the prod folder"),
        ("prod-admin", "Prod admin", "Administration of nw-prod-apps; attached to ops-bastion"),
    ],
    "nw-prod-data": [
        ("data-admin", "Data platform admin", "Administers datasets and buckets of nw-prod-data"),
        ("etl-runner", "ETL runner", "Nightly ETL; rotates the keys of the data project's service accounts"),
        ("legacy-sync", "Legacy sync", "2022 on-prem sync job (decommission pending)"),
        ("migration-helper", "Migration helper", "Temporary owner for the 2024 warehouse migration"),
        ("reporting-export", "Reporting export", "Scheduled exports to the reporting bucket"),
    ],
    "nw-dev-sandbox": [
        (compute_sa("nw-dev-sandbox"), "Compute Engine default service account", ""),
        ("sandbox-bootstrap", "Sandbox bootstrap", "Creates and resets sandbox projects under the dev folder"),
    ],
}


def all_service_accounts() -> list[tuple[str, str]]:
    """(project, email) of every service account, in listing order."""
    return [
        (project, sa_email(project, account))
        for project, accounts in SERVICE_ACCOUNTS.items()
        for account, _, _ in sorted(accounts, key=lambda a: sa_email(project, a[0]))
    ]


def service_account(project: str, account: str, display: str, description: str) -> Doc:
    email = sa_email(project, account)
    sa: Doc = {
        "displayName": display,
        "email": email,
        "etag": "MDEwMjE5MjA=",
        "name": f"projects/{project}/serviceAccounts/{email}",
        "oauth2ClientId": unique_id(email),
        "projectId": project,
        "uniqueId": unique_id(email),
    }
    if description:
        sa["description"] = description
    return sa


def project_of(email: str) -> str:
    for project, address in all_service_accounts():
        if address == email:
            return project
    raise KeyError(email)


# --------------------------------------------------------------------------- keys
#: email -> [(keyType, validAfterTime, validBeforeTime, extra fields)]
KEYS: dict[str, list[tuple[str, str, str, Doc]]] = {
    sa_email("nw-prod-apps", "ci-deployer"): [
        # created 400 days before 2026-11-29, never expires, still in use
        ("USER_MANAGED", f"{days_before(400).isoformat()}T09:14:27Z", NEVER, {}),
        # the rotation that never finished: 30 days old, 90-day expiry
        ("USER_MANAGED", "2026-10-30T16:02:51Z", "2027-01-28T16:02:51Z", {}),
        ("SYSTEM_MANAGED", "2026-11-21T03:17:40Z", "2026-12-07T03:17:40Z", {}),
    ],
    sa_email("nw-prod-data", "reporting-export"): [
        (
            "USER_MANAGED",
            "2026-03-02T11:40:09Z",
            NEVER,
            {
                "disabled": True,
                "disableReason": "SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED",
                "extendedStatus": [
                    {
                        "key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED",
                        "value": "exposed at: https://github.com/nw-analytics-intern/report-scripts",
                    }
                ],
            },
        ),
        ("SYSTEM_MANAGED", "2026-11-19T22:05:13Z", "2026-12-05T22:05:13Z", {}),
    ],
    sa_email("nw-prod-apps", "prod-admin"): [
        ("SYSTEM_MANAGED", "2026-11-12T07:48:02Z", "2026-11-28T07:48:02Z", {}),
        ("SYSTEM_MANAGED", "2026-11-24T06:51:39Z", "2026-12-10T06:51:39Z", {}),
    ],
    sa_email("nw-prod-apps", "build-runner"): [
        ("SYSTEM_MANAGED", "2026-11-22T14:29:56Z", "2026-12-08T14:29:56Z", {}),
    ],
}


def keys_of(email: str) -> list[Doc]:
    project = project_of(email)
    result = []
    for slot, (key_type, after, before, extra) in enumerate(KEYS[email]):
        key: Doc = {
            "keyAlgorithm": "KEY_ALG_RSA_2048",
            "keyOrigin": "GOOGLE_PROVIDED",
            "keyType": key_type,
            "name": f"projects/{project}/serviceAccounts/{email}/keys/{key_id(email, slot)}",
            "validAfterTime": after,
            "validBeforeTime": before,
        }
        key.update(extra)
        result.append(key)
    return result


# --------------------------------------------------------------------------- custom roles and deny policies
ORG_ROLES: list[Doc] = [
    {
        "description": "Deploys Cloud Functions (platform team)",
        "etag": policy_etag("role:deployer"),
        "includedPermissions": [
            "cloudfunctions.functions.call",
            "cloudfunctions.functions.create",
            "cloudfunctions.functions.get",
            "cloudfunctions.functions.list",
            "cloudfunctions.functions.sourceCodeSet",
            "cloudfunctions.operations.get",
            "iam.serviceAccounts.actAs",
            "iam.serviceAccounts.get",
            "iam.serviceAccounts.list",
        ],
        "name": f"{ORG}/roles/deployer",
        "stage": "GA",
        "title": "Deployer",
    }
]

PROJECT_ROLES: dict[str, list[Doc]] = {
    "nw-prod-data": [
        {
            "description": "Reads ETL inputs and runs BigQuery load jobs",
            "etag": policy_etag("role:etlOperator"),
            "includedPermissions": ["bigquery.jobs.create", "storage.objects.get", "storage.objects.list"],
            "name": "projects/nw-prod-data/roles/etlOperator",
            "stage": "GA",
            "title": "ETL Operator",
        }
    ],
    "nw-prod-apps": [],
    "nw-dev-sandbox": [],
}

DENY_POLICIES: dict[str, list[Doc]] = {
    "nw-prod-data": [
        {
            "createTime": "2025-09-18T13:02:11.482915Z",
            "displayName": "No key creation by the ETL runner",
            "etag": "MTc1ODIwMDUzMQ==",
            "kind": "DenyPolicy",
            "name": (
                "policies/cloudresourcemanager.googleapis.com%2Fprojects%2F"
                f"{number('nw-prod-data')}/denypolicies/deny-etl-key-creation"
            ),
            "rules": [
                {
                    "denyRule": {
                        "deniedPermissions": ["iam.googleapis.com/serviceAccountKeys.create"],
                        "deniedPrincipals": [
                            "principal://iam.googleapis.com/projects/-/serviceAccounts/"
                            + sa_email("nw-prod-data", "etl-runner")
                        ],
                    },
                    "description": "etl-runner may rotate and delete keys, never mint new ones",
                }
            ],
            "uid": fake_uuid("deny-etl-key-creation"),
            "updateTime": "2025-09-18T13:02:11.482915Z",
        }
    ],
    "nw-prod-apps": [],
    "nw-dev-sandbox": [],
}


# --------------------------------------------------------------------------- allow policies
def binding(role: str, *members: str, condition: Doc | None = None) -> Doc:
    entry: Doc = {"members": sorted(members), "role": role}
    if condition:
        entry["condition"] = condition
    return entry


PROD_APPS_POOL = f"projects/{number('nw-prod-apps')}/locations/global/workloadIdentityPools/github"
ENTRA_POOL = f"projects/{number('nw-prod-apps')}/locations/global/workloadIdentityPools/entra-pool"
#: the cross-cloud chain. The Entra tenant of sample_data/azure (bench/sample_azure.py TENANT_ID) and the object ids
#: of its service principal release-pipeline (sp_id("release-pipeline")) and of one that no longer exists there
ENTRA_TENANT_ID = "9a1c5e3b-7f2d-4c8a-b6e1-3d5f7a9c1e24"
RELEASE_PIPELINE_SP = "7fb0a2eb-6761-41a1-bee7-5a1a71024dc3"
DELETED_ENTRA_SP = "c71f4d72-5738-40f8-b98f-329183a7803f"

ORG_POLICY = [
    binding("roles/billing.creator", f"domain:{DOMAIN}"),
    binding("roles/iam.securityReviewer", f"group:security@{DOMAIN}"),
    binding("roles/resourcemanager.organizationAdmin", f"group:gcp-admins@{DOMAIN}", f"user:alice@{DOMAIN}"),
    binding("roles/resourcemanager.projectCreator", f"domain:{DOMAIN}"),
]

FOLDER_POLICIES: dict[str, list[Doc]] = {
    "prod": [
        binding("roles/iam.serviceAccountTokenCreator", member_sa("nw-prod-apps", "ops-automation")),
        binding("roles/resourcemanager.folderViewer", f"group:data-eng@{DOMAIN}"),
        binding("roles/viewer", f"group:sre@{DOMAIN}"),
    ],
    "dev": [
        binding("roles/editor", f"group:developers@{DOMAIN}"),
        binding("roles/resourcemanager.folderAdmin", member_sa("nw-dev-sandbox", "sandbox-bootstrap")),
    ],
}

EXPIRED = {
    "description": "Temporary owner for the 2024 warehouse migration",
    "expression": 'request.time < timestamp("2025-01-01T00:00:00Z")',
    "title": "until-2025-migration",
}
ETL_BUCKETS = {
    "description": "Only the nw-etl-* buckets",
    "expression": 'resource.name.startsWith("projects/_/buckets/nw-etl-")',
    "title": "etl-buckets-only",
}

PROJECT_POLICIES: dict[str, list[Doc]] = {
    "nw-prod-apps": [
        binding(f"{ORG}/roles/deployer", member_sa("nw-prod-apps", "fn-deployer")),
        binding(
            "roles/aiplatform.reasoningEngineServiceAgent",
            service_agent("nw-prod-apps", "gcp-sa-aiplatform-re.iam.gserviceaccount.com"),
        ),
        binding("roles/artifactregistry.writer", member_sa("nw-prod-apps", "ci-deployer")),
        binding(
            "roles/cloudfunctions.serviceAgent",
            service_agent("nw-prod-apps", "gcf-admin-robot.iam.gserviceaccount.com"),
        ),
        binding("roles/compute.instanceAdmin.v1", member_sa("nw-prod-apps", "build-runner")),
        binding("roles/compute.serviceAgent", service_agent("nw-prod-apps", "compute-system.iam.gserviceaccount.com")),
        # the default compute SA's automatic Editor grant was removed in 2023; Google's own agent keeps Editor
        binding("roles/editor", cloudservices("nw-prod-apps")),
        binding("roles/logging.logWriter", f"serviceAccount:{compute_sa('nw-prod-apps')}"),
        binding("roles/monitoring.metricWriter", f"serviceAccount:{compute_sa('nw-prod-apps')}"),
        binding("roles/owner", member_sa("nw-prod-apps", "prod-admin"), f"user:alice@{DOMAIN}"),
        binding("roles/run.admin", member_sa("nw-prod-apps", "gh-deployer")),
        binding(
            "roles/run.serviceAgent", service_agent("nw-prod-apps", "serverless-robot-prod.iam.gserviceaccount.com")
        ),
        binding("roles/secretmanager.secretAccessor", member_sa("nw-prod-apps", "agent-runner")),
        binding("roles/storage.objectViewer", member_sa("nw-prod-apps", "agent-runner")),
    ],
    "nw-prod-data": [
        binding(
            "roles/bigquery.dataEditor",
            "deleted:serviceAccount:old-etl@nw-prod-data.iam.gserviceaccount.com?uid=1234567890",
            member_sa("nw-prod-data", "etl-runner"),
        ),
        binding("roles/bigquery.dataViewer", member_sa("nw-prod-data", "reporting-export")),
        binding("roles/bigquery.user", f"group:data-eng@{DOMAIN}"),
        binding("roles/editor", cloudservices("nw-prod-data"), member_sa("nw-prod-data", "data-admin")),
        binding("roles/iam.serviceAccountKeyAdmin", member_sa("nw-prod-data", "etl-runner")),
        binding("roles/iam.serviceAccountUser", f"group:data-eng@{DOMAIN}"),
        binding("roles/owner", f"user:alice@{DOMAIN}"),
        binding("roles/owner", member_sa("nw-prod-data", "migration-helper"), condition=EXPIRED),
        binding("projects/nw-prod-data/roles/etlOperator", member_sa("nw-prod-data", "etl-runner")),
        binding("roles/storage.objectAdmin", member_sa("nw-prod-data", "etl-runner"), condition=ETL_BUCKETS),
        binding("roles/storage.objectViewer", member_sa("nw-prod-data", "legacy-sync")),
    ],
    "nw-dev-sandbox": [
        binding(
            "roles/compute.serviceAgent", service_agent("nw-dev-sandbox", "compute-system.iam.gserviceaccount.com")
        ),
        # Google's automatic grant to the default compute service account, never removed in dev
        binding("roles/editor", f"serviceAccount:{compute_sa('nw-dev-sandbox')}", cloudservices("nw-dev-sandbox")),
        binding("roles/owner", f"user:bob@{DOMAIN}"),
    ],
}

#: email -> bindings of the service account's own policy (who can act as / impersonate it); [] = empty policy
SA_POLICIES: dict[str, list[Doc]] = {
    sa_email("nw-prod-apps", "build-runner"): [
        binding("roles/iam.serviceAccountTokenCreator", member_sa("nw-prod-apps", "ci-deployer")),
    ],
    sa_email("nw-prod-apps", "prod-admin"): [
        binding("roles/iam.serviceAccountUser", member_sa("nw-prod-apps", "build-runner")),
    ],
    sa_email("nw-prod-apps", "gh-deployer"): [
        binding("roles/iam.workloadIdentityUser", f"principalSet://iam.googleapis.com/{PROD_APPS_POOL}/*"),
    ],
    sa_email("nw-prod-data", "reporting-export"): [
        binding("roles/iam.serviceAccountUser", "allAuthenticatedUsers"),
    ],
    # the Entra service principal release-pipeline (sample_data/azure) becomes aws-bridge through entra-pool;
    # aws-bridge's ID tokens (azp = its uniqueId) assume gcp-federated-deployer in AWS 111122223333
    sa_email("nw-prod-apps", "aws-bridge"): [
        binding(
            "roles/iam.workloadIdentityUser",
            f"principal://iam.googleapis.com/{ENTRA_POOL}/subject/{RELEASE_PIPELINE_SP}",
        ),
    ],
    # look-alike: same pool, but the subject is no identity of the tenant
    sa_email("nw-prod-apps", "aws-bridge-lookalike"): [
        binding(
            "roles/iam.workloadIdentityUser",
            f"principal://iam.googleapis.com/{ENTRA_POOL}/subject/{DELETED_ENTRA_SP}",
        ),
    ],
    sa_email("nw-prod-data", "data-admin"): [],
}

BUCKET = "nw-public-reports"
BUCKET_PROJECT = "nw-prod-data"
BUCKET_POLICY = [
    binding("roles/storage.legacyBucketOwner", f"projectEditor:{BUCKET_PROJECT}", f"projectOwner:{BUCKET_PROJECT}"),
    binding("roles/storage.legacyBucketReader", f"projectViewer:{BUCKET_PROJECT}"),
    binding("roles/storage.objectViewer", "allUsers"),
]

SECRET = "zendesk-api-token"
SECRET_PROJECT = "nw-prod-apps"
SECRET_POLICY: list[Doc] = []


def _binding_order(entry: Doc) -> tuple[str, str]:
    return (entry["role"], entry.get("condition", {}).get("title", ""))


def allow_policy(bindings: list[Doc], seed: str, bucket: bool = False) -> Doc:
    """A get-iam-policy answer: version 3 when a binding is conditional, `{"etag": "ACAB"}` when empty."""
    if not bindings:
        return {"etag": "ACAB"}
    version = 3 if any("condition" in b for b in bindings) else 1
    etag = base64.b64encode(b"\x08" + bytes([3 + len(bindings)])).decode() if bucket else policy_etag(seed)
    return {"bindings": sorted(bindings, key=_binding_order), "etag": etag, "version": version}


# --------------------------------------------------------------------------- workload identity federation
POOLS: list[Doc] = [
    {
        "description": "GitHub Actions workflows",
        "displayName": "GitHub Actions",
        "name": PROD_APPS_POOL,
        "state": "ACTIVE",
    },
    {
        "description": "Workloads of the Northwind Entra tenant",
        "displayName": "Entra ID",
        "name": ENTRA_POOL,
        "state": "ACTIVE",
    },
]

ISSUER = "https://token.actions.githubusercontent.com"
PROVIDERS: list[Doc] = [
    {
        # created in 2023 for the first deploy workflow, before conditions were required for GitHub providers
        "attributeMapping": {"attribute.repository": "assertion.repository", "google.subject": "assertion.sub"},
        "description": "First deploy workflow (2023)",
        "displayName": "GitHub Actions",
        "name": f"{PROD_APPS_POOL}/providers/github-actions",
        "oidc": {"issuerUri": ISSUER},
        "state": "ACTIVE",
    },
    {
        "attributeCondition": "assertion.repository_owner == 'northwind'",
        "attributeMapping": {
            "attribute.repository": "assertion.repository",
            "attribute.repository_owner": "assertion.repository_owner",
            "google.subject": "assertion.sub",
        },
        "description": "Workflows of the northwind GitHub organisation",
        "displayName": "GitHub (northwind org)",
        "name": f"{PROD_APPS_POOL}/providers/github-northwind",
        "oidc": {"issuerUri": ISSUER},
        "state": "ACTIVE",
    },
    {
        # one tenant's v1 token issuer: only principals of that tenant obtain such tokens, so no condition is needed
        "attributeMapping": {"google.subject": "assertion.sub"},
        "description": "Entra ID tenant northwind.example",
        "displayName": "Entra ID",
        "name": f"{ENTRA_POOL}/providers/entra",
        "oidc": {
            "allowedAudiences": ["api://nhi-scan-sample-gcp"],
            "issuerUri": f"https://sts.windows.net/{ENTRA_TENANT_ID}/",
        },
        "state": "ACTIVE",
    },
]


# --------------------------------------------------------------------------- workloads
CLOUD_PLATFORM = ["https://www.googleapis.com/auth/cloud-platform"]
DEFAULT_SCOPES = [
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring.write",
    "https://www.googleapis.com/auth/service.management.readonly",
    "https://www.googleapis.com/auth/servicecontrol",
    "https://www.googleapis.com/auth/trace.append",
]
COMPUTE = "https://www.googleapis.com/compute/v1"

#: project -> [(name, zone, machine type, service account email, scopes, created, internal IP, external IP)]
INSTANCES: dict[str, list[tuple[str, str, str, str, list[str], str, str, str | None]]] = {
    "nw-prod-apps": [
        (
            "ops-bastion",
            "us-central1-a",
            "e2-small",
            sa_email("nw-prod-apps", "prod-admin"),
            CLOUD_PLATFORM,
            "2025-03-04T10:11:37.482Z",
            "10.128.0.12",
            "34.172.18.41",
        ),
        (
            "web-frontend-1",
            "us-central1-b",
            "e2-standard-2",
            compute_sa("nw-prod-apps"),
            DEFAULT_SCOPES,
            "2024-05-21T15:40:02.117Z",
            "10.128.0.7",
            None,
        ),
    ],
    "nw-dev-sandbox": [
        (
            "sandbox-vm-1",
            "us-central1-a",
            "e2-medium",
            compute_sa("nw-dev-sandbox"),
            CLOUD_PLATFORM,
            "2026-08-11T09:30:55.904Z",
            "10.128.0.3",
            "35.225.91.203",
        ),
    ],
}


def instance(project: str, spec: tuple[str, str, str, str, list[str], str, str, str | None]) -> Doc:
    name, zone, machine, email, scopes, created, internal, external = spec
    region = zone.rsplit("-", 1)[0]
    base = f"{COMPUTE}/projects/{project}"
    fingerprint = base64.b64encode(_digest(f"fp:{project}:{name}")[:8]).decode()
    interface: Doc = {
        "fingerprint": base64.b64encode(_digest(f"nic:{project}:{name}")[:8]).decode(),
        "kind": "compute#networkInterface",
        "name": "nic0",
        "network": f"{base}/global/networks/default",
        "networkIP": internal,
        "stackType": "IPV4_ONLY",
        "subnetwork": f"{base}/regions/{region}/subnetworks/default",
    }
    if external:
        interface["accessConfigs"] = [
            {
                "kind": "compute#accessConfig",
                "name": "External NAT",
                "natIP": external,
                "networkTier": "PREMIUM",
                "type": "ONE_TO_ONE_NAT",
            }
        ]
    started = ("2026-11-02" if project == "nw-prod-apps" else "2026-11-25") + created[10:]
    return {
        "canIpForward": False,
        "cpuPlatform": "Intel Broadwell",
        "creationTimestamp": compute_time(created),
        "deletionProtection": name == "ops-bastion",
        "disks": [
            {
                "architecture": "X86_64",
                "autoDelete": True,
                "boot": True,
                "deviceName": name,
                "diskSizeGb": "20",
                "guestOsFeatures": [{"type": "UEFI_COMPATIBLE"}, {"type": "VIRTIO_SCSI_MULTIQUEUE"}, {"type": "GVNIC"}],
                "index": 0,
                "interface": "SCSI",
                "kind": "compute#attachedDisk",
                "licenses": [f"{COMPUTE}/projects/debian-cloud/global/licenses/debian-12-bookworm"],
                "mode": "READ_WRITE",
                "source": f"{base}/zones/{zone}/disks/{name}",
                "type": "PERSISTENT",
            }
        ],
        "fingerprint": fingerprint,
        "id": digits(f"instance:{project}:{name}", 19),
        "kind": "compute#instance",
        "labelFingerprint": "42WmSpB8rSM=",
        "lastStartTimestamp": compute_time(started),
        "machineType": f"{base}/zones/{zone}/machineTypes/{machine}",
        "metadata": {
            "fingerprint": base64.b64encode(_digest(f"md:{project}:{name}")[:8]).decode(),
            "items": [{"key": "enable-oslogin", "value": "TRUE"}],
            "kind": "compute#metadata",
        },
        "name": name,
        "networkInterfaces": [interface],
        "scheduling": {
            "automaticRestart": True,
            "onHostMaintenance": "MIGRATE",
            "preemptible": False,
            "provisioningModel": "STANDARD",
        },
        "selfLink": f"{base}/zones/{zone}/instances/{name}",
        "serviceAccounts": [{"email": email, "scopes": scopes}],
        "shieldedInstanceConfig": {"enableIntegrityMonitoring": True, "enableSecureBoot": False, "enableVtpm": True},
        "shieldedInstanceIntegrityPolicy": {"updateAutoLearnPolicy": True},
        "startRestricted": False,
        "status": "RUNNING",
        "tags": {"fingerprint": "6smc4R4d39I=", "items": ["ssh"] if external else ["http-server"]},
        "zone": f"{base}/zones/{zone}",
    }


REGION = "us-central1"
APPS = "nw-prod-apps"
APPS_NUMBER = number(APPS)
RUN_HASH = "5x7qk2ab3q"

FUNCTION_V1: Doc = {
    "availableMemoryMb": 256,
    "buildId": fake_uuid("build:nightly-rebuild"),
    "buildName": f"projects/{APPS_NUMBER}/locations/{REGION}/builds/{fake_uuid('build:nightly-rebuild')}",
    "dockerRegistry": "ARTIFACT_REGISTRY",
    "entryPoint": "rebuild",
    "httpsTrigger": {
        "securityLevel": "SECURE_ALWAYS",
        "url": f"https://{REGION}-{APPS}.cloudfunctions.net/nightly-rebuild",
    },
    "ingressSettings": "ALLOW_INTERNAL_ONLY",
    "labels": {"deployment-tool": "cli-gcloud"},
    "maxInstances": 3,
    "name": f"projects/{APPS}/locations/{REGION}/functions/nightly-rebuild",
    "runtime": "python311",
    "serviceAccountEmail": sa_email(APPS, "build-runner"),
    "sourceArchiveUrl": f"gs://gcf-sources-{APPS_NUMBER}-{REGION}/nightly-rebuild-7f3c2a91/version-7/function-source.zip",
    "status": "ACTIVE",
    "timeout": "540s",
    "updateTime": "2026-06-12T10:21:44.512Z",
    "versionId": "7",
}

FUNCTION_V2: Doc = {
    "buildConfig": {
        "build": f"projects/{APPS_NUMBER}/locations/{REGION}/builds/{fake_uuid('build:artifact-indexer')}",
        "dockerRepository": f"projects/{APPS}/locations/{REGION}/repositories/gcf-artifacts",
        "entryPoint": "index_artifact",
        "runtime": "python312",
        "source": {
            "storageSource": {
                "bucket": f"gcf-v2-sources-{APPS_NUMBER}-{REGION}",
                "generation": "1760446128551190",
                "object": "artifact-indexer/function-source.zip",
            }
        },
    },
    "createTime": "2025-01-09T13:55:02.301477129Z",
    "environment": "GEN_2",
    "labels": {"deployment-tool": "cli-gcloud"},
    "name": f"projects/{APPS}/locations/{REGION}/functions/artifact-indexer",
    "serviceConfig": {
        "allTrafficOnLatestRevision": True,
        "availableCpu": "0.1666",
        "availableMemory": "256M",
        "ingressSettings": "ALLOW_ALL",
        "maxInstanceCount": 5,
        "maxInstanceRequestConcurrency": 1,
        "revision": "artifact-indexer-00004-kib",
        "service": f"projects/{APPS}/locations/{REGION}/services/artifact-indexer",
        "serviceAccountEmail": sa_email(APPS, "build-runner"),
        "timeoutSeconds": 60,
        "uri": f"https://artifact-indexer-{RUN_HASH}-uc.a.run.app",
    },
    "state": "ACTIVE",
    "updateTime": "2026-10-14T12:48:57.883021504Z",
    "url": f"https://{REGION}-{APPS}.cloudfunctions.net/artifact-indexer",
}

RUN_SERVICE: Doc = {
    "apiVersion": "serving.knative.dev/v1",
    "kind": "Service",
    "metadata": {
        "annotations": {
            "run.googleapis.com/client-name": "gcloud",
            "run.googleapis.com/client-version": "546.0.0",
            "run.googleapis.com/ingress": "all",
            "run.googleapis.com/ingress-status": "all",
            "run.googleapis.com/operation-id": fake_uuid("run-op:nw-api"),
            "run.googleapis.com/urls": json.dumps(
                [f"https://nw-api-{APPS_NUMBER}.{REGION}.run.app", f"https://nw-api-{RUN_HASH}-uc.a.run.app"]
            ),
            "serving.knative.dev/creator": sa_email(APPS, "gh-deployer"),
            "serving.knative.dev/lastModifier": sa_email(APPS, "gh-deployer"),
        },
        "creationTimestamp": "2025-02-11T15:02:33.418372Z",
        "generation": 14,
        "labels": {"cloud.googleapis.com/location": REGION},
        "name": "nw-api",
        "namespace": APPS_NUMBER,
        "resourceVersion": "AAY/2x8kBXc",
        "selfLink": f"/apis/serving.knative.dev/v1/namespaces/{APPS_NUMBER}/services/nw-api",
        "uid": fake_uuid("run:nw-api"),
    },
    "spec": {
        "template": {
            "metadata": {
                "annotations": {
                    "autoscaling.knative.dev/maxScale": "10",
                    "run.googleapis.com/client-name": "gcloud",
                    "run.googleapis.com/client-version": "546.0.0",
                    "run.googleapis.com/startup-cpu-boost": "true",
                },
                "labels": {
                    "client.knative.dev/nonce": "pqvzbwkxlm",
                    "run.googleapis.com/startupProbeType": "Default",
                },
            },
            "spec": {
                "containerConcurrency": 80,
                "containers": [
                    {
                        "image": f"{REGION}-docker.pkg.dev/{APPS}/app/nw-api@sha256:"
                        + hashlib.sha256(b"nw-api:v14").hexdigest(),
                        "ports": [{"containerPort": 8080, "name": "http1"}],
                        "resources": {"limits": {"cpu": "1000m", "memory": "512Mi"}},
                        "startupProbe": {
                            "failureThreshold": 1,
                            "periodSeconds": 240,
                            "tcpSocket": {"port": 8080},
                            "timeoutSeconds": 240,
                        },
                    }
                ],
                "serviceAccountName": sa_email(APPS, "gh-deployer"),
                "timeoutSeconds": 300,
            },
        },
        "traffic": [{"latestRevision": True, "percent": 100}],
    },
    "status": {
        "address": {"url": f"https://nw-api-{RUN_HASH}-uc.a.run.app"},
        "conditions": [
            {"lastTransitionTime": "2026-11-24T18:07:41.226790Z", "status": "True", "type": "Ready"},
            {"lastTransitionTime": "2026-11-24T18:07:33.081354Z", "status": "True", "type": "ConfigurationsReady"},
            {"lastTransitionTime": "2026-11-24T18:07:41.190255Z", "status": "True", "type": "RoutesReady"},
        ],
        "latestCreatedRevisionName": "nw-api-00014-xoz",
        "latestReadyRevisionName": "nw-api-00014-xoz",
        "observedGeneration": 14,
        "traffic": [{"latestRevision": True, "percent": 100, "revisionName": "nw-api-00014-xoz"}],
        "url": f"https://nw-api-{RUN_HASH}-uc.a.run.app",
    },
}

ENGINE_ID = digits("reasoning-engine:support-agent", 19)
#: REST ReasoningEngine (aiplatform v1, projects.locations.reasoningEngines.list), fields in the API's order
REASONING_ENGINE: Doc = {
    "name": f"projects/{APPS_NUMBER}/locations/{REGION}/reasoningEngines/{ENGINE_ID}",
    "displayName": "support-agent",
    "description": "Customer-support agent (ADK): answers tickets, reads the help-desk API",
    "spec": {
        "packageSpec": {
            "pickleObjectGcsUri": "gs://nw-agent-staging/support-agent/agent_engine.pkl",
            "dependencyFilesGcsUri": "gs://nw-agent-staging/support-agent/dependencies.tar.gz",
            "requirementsGcsUri": "gs://nw-agent-staging/support-agent/requirements.txt",
            "pythonVersion": "3.12",
        },
        "deploymentSpec": {
            "env": [{"name": "SUPPORT_TIER", "value": "prod"}],
            "secretEnv": [{"name": "ZENDESK_API_TOKEN", "secretRef": {"secret": SECRET, "version": "latest"}}],
        },
        "classMethods": [
            {
                "api_mode": "",
                "name": "query",
                "description": "Answer one support question.",
                "parameters": {
                    "type": "object",
                    "properties": {"input": {"type": "string"}},
                    "required": ["input"],
                },
            }
        ],
        "agentFramework": "google-adk",
        "serviceAccount": sa_email(APPS, "agent-runner"),
    },
    "createTime": "2026-07-08T09:14:21.553824Z",
    "updateTime": "2026-11-03T16:40:08.901377Z",
    "etag": "AMEw9yPr5lyy3ZCOzJ1LZq6TY1sqsKFgUxV1UFBfw5hYwd3QZsI-Tvl2lqd6PJfQ9Cdb",
}


# --------------------------------------------------------------------------- Activity Analyzer
OBSERVATION_START = date(2025, 6, 1)
OBSERVATION_END = date(2026, 11, 28)

#: email -> days before 2026-11-29 of the last authentication (absent: no authentication in the observation period)
SA_LAST_AUTH: dict[str, int] = {
    sa_email(APPS, "ci-deployer"): 1,
    sa_email(APPS, "build-runner"): 1,
    sa_email(APPS, "prod-admin"): 1,
    sa_email(APPS, "gh-deployer"): 2,
    sa_email(APPS, "fn-deployer"): 17,
    sa_email(APPS, "agent-runner"): 1,
    sa_email(APPS, "aws-bridge"): 1,
    sa_email(APPS, "ops-automation"): 1,
    compute_sa(APPS): 1,
    sa_email("nw-prod-data", "data-admin"): 4,
    sa_email("nw-prod-data", "etl-runner"): 1,
    sa_email("nw-prod-data", "reporting-export"): 3,
    sa_email("nw-prod-data", "legacy-sync"): 200,
    compute_sa("nw-dev-sandbox"): 1,
    sa_email("nw-dev-sandbox", "sandbox-bootstrap"): 60,
}

#: (email, key slot) -> days before 2026-11-29 of the key's last authentication
KEY_LAST_AUTH: dict[tuple[str, int], int] = {
    (sa_email(APPS, "ci-deployer"), 0): 2,
    (sa_email(APPS, "ci-deployer"), 1): 1,
    (sa_email("nw-prod-data", "reporting-export"), 0): 271,
}


def observation() -> Doc:
    return {"endTime": pacific_midnight(OBSERVATION_END), "startTime": pacific_midnight(OBSERVATION_START)}


def sa_activity(project: str) -> list[Doc]:
    result = []
    for owner, email in all_service_accounts():
        if owner != project or email not in SA_LAST_AUTH:
            continue
        name = f"//iam.googleapis.com/projects/{project}/serviceAccounts/{email}"
        result.append(
            {
                "activity": {
                    "lastAuthenticatedTime": pacific_midnight(days_before(SA_LAST_AUTH[email])),
                    "serviceAccount": {
                        "fullResourceName": name,
                        "projectNumber": number(project),
                        "serviceAccountId": unique_id(email),
                    },
                },
                "activityType": "serviceAccountLastAuthentication",
                "fullResourceName": name,
                "observationPeriod": observation(),
            }
        )
    return result


def key_activity(project: str) -> list[Doc]:
    result = []
    for (email, slot), days in KEY_LAST_AUTH.items():
        if project_of(email) != project:
            continue
        name = f"//iam.googleapis.com/projects/{project}/serviceAccounts/{email}/keys/{key_id(email, slot)}"
        result.append(
            {
                "activity": {
                    "lastAuthenticatedTime": pacific_midnight(days_before(days)),
                    "serviceAccountKey": {
                        "fullResourceName": name,
                        "projectNumber": number(project),
                        "serviceAccountId": unique_id(email),
                    },
                },
                "activityType": "serviceAccountKeyLastAuthentication",
                "fullResourceName": name,
                "observationPeriod": observation(),
            }
        )
    return result


# --------------------------------------------------------------------------- gcloud shapes of the hierarchy
def folder_doc(key: str) -> Doc:
    """`gcloud resource-manager folders list` (Cloud Resource Manager v2 Folder)."""
    spec = FOLDERS[key]
    return {
        "createTime": spec["created"],
        "displayName": key,
        "lifecycleState": "ACTIVE",
        "name": f"folders/{spec['id']}",
        "parent": ORG,
    }


def project_doc(project: str) -> Doc:
    """`gcloud projects list` (Cloud Resource Manager v1 Project)."""
    spec = PROJECTS[project]
    return {
        "createTime": spec["created"],
        "labels": spec["labels"],
        "lifecycleState": "ACTIVE",
        "name": project,
        "parent": {"id": folder_id(project), "type": "folder"},
        "projectId": project,
        "projectNumber": spec["number"],
    }


# --------------------------------------------------------------------------- writer: directory convention
def dump(path: Path, value: Any, sort_keys: bool = True) -> None:
    """gcloud --format=json: 2-space indentation, keys sorted, a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2, sort_keys=sort_keys) + "\n", encoding="utf-8")


def write_directory(out: Path) -> list[Path]:
    written: list[Path] = []

    def put(relative: str, value: Any, sort_keys: bool = True) -> None:
        dump(out / relative, value, sort_keys)
        written.append(out / relative)

    org = f"organizations/{ORG_ID}"
    put(f"{org}/organization.json", ORGANIZATION)
    put(f"{org}/iam-policy.json", allow_policy(ORG_POLICY, "org"))
    put(f"{org}/folders.json", [folder_doc(k) for k in FOLDERS])
    put(f"{org}/roles.json", ORG_ROLES)
    put(f"{org}/deny-policies.json", [])
    for key, spec in FOLDERS.items():
        put(f"folders/{spec['id']}/iam-policy.json", allow_policy(FOLDER_POLICIES[key], f"folder:{key}"))
        put(f"folders/{spec['id']}/deny-policies.json", [])
    put("projects.json", [project_doc(p) for p in sorted(PROJECTS)])
    for project in PROJECTS:
        base = f"projects/{project}"
        put(f"{base}/iam-policy.json", allow_policy(PROJECT_POLICIES[project], f"project:{project}"))
        put(f"{base}/deny-policies.json", DENY_POLICIES[project])
        put(f"{base}/roles.json", PROJECT_ROLES[project])
        accounts = sorted(SERVICE_ACCOUNTS[project], key=lambda a: sa_email(project, a[0]))
        put(f"{base}/service-accounts.json", [service_account(project, *a) for a in accounts])
        for _, email in (pe for pe in all_service_accounts() if pe[0] == project):
            if email in SA_POLICIES:
                put(f"{base}/service-accounts/{email}/iam-policy.json", allow_policy(SA_POLICIES[email], email))
            if email in KEYS:
                put(f"{base}/service-accounts/{email}/keys.json", keys_of(email))
        if project in INSTANCES:
            put(f"{base}/compute-instances.json", [instance(project, spec) for spec in INSTANCES[project]])
        activity = sa_activity(project)
        if activity:
            put(f"{base}/activity-sa-authentication.json", activity)
        activity = key_activity(project)
        if activity:
            put(f"{base}/activity-key-authentication.json", activity)
    base = f"projects/{APPS}"
    put(f"{base}/workload-identity-pools.json", POOLS)
    put(f"{base}/workload-identity-providers.json", PROVIDERS)
    put(f"{base}/functions.json", [FUNCTION_V2, FUNCTION_V1])
    put(f"{base}/run-services.json", [RUN_SERVICE])
    put(f"{base}/reasoning-engines.json", {"reasoningEngines": [REASONING_ENGINE]}, sort_keys=False)
    put(f"projects/{BUCKET_PROJECT}/buckets/{BUCKET}/iam-policy.json", allow_policy(BUCKET_POLICY, BUCKET, True))
    put(f"projects/{SECRET_PROJECT}/secrets/{SECRET}/iam-policy.json", allow_policy(SECRET_POLICY, SECRET))
    return written


# --------------------------------------------------------------------------- writer: Cloud Asset Inventory
def ancestors(project: str | None = None, folder: str | None = None) -> list[str]:
    if project:
        return [f"projects/{number(project)}", f"folders/{folder_id(project)}", ORG]
    if folder:
        return [f"folders/{folder}", ORG]
    return [ORG]


def _discovery(service: str, version: str) -> str:
    if service in ("compute", "storage"):
        return f"https://www.googleapis.com/discovery/v1/apis/{service}/{version}/rest"
    suffix = f"?version={version}" if service == "cloudresourcemanager" else ""
    return f"https://{service}.googleapis.com/$discovery/rest{suffix}"


def cai_resource(
    name: str,
    asset_type: str,
    data: Doc,
    parent: str,
    version: str,
    location: str,
    anc: list[str],
    updated: str,
) -> Doc:
    service = asset_type.split(".", 1)[0]
    resource: Doc = {
        "version": version,
        "discovery_document_uri": _discovery(service, version),
        "discovery_name": asset_type.rsplit("/", 1)[1],
    }
    if parent:  # an organization has no parent
        resource["parent"] = parent
    resource.update(data=data, location=location)
    return {"name": name, "asset_type": asset_type, "resource": resource, "ancestors": anc, "update_time": updated}


def cai_policy(name: str, asset_type: str, policy: Doc, anc: list[str], updated: str) -> Doc:
    return {
        "name": name,
        "asset_type": asset_type,
        "iam_policy": {"version": policy["version"], "bindings": policy["bindings"], "etag": policy["etag"]},
        "ancestors": anc,
        "update_time": updated,
    }


def sa_full_name(email: str) -> str:
    return f"//iam.googleapis.com/projects/{project_of(email)}/serviceAccounts/{unique_id(email)}"


def policy_targets() -> list[tuple[str, str, Doc, str | None, str | None]]:
    """Every resource with a non-empty allow policy: (full name, asset type, policy, project, folder id)."""
    targets: list[tuple[str, str, Doc, str | None, str | None]] = [
        (
            f"{CRM}/{ORG}",
            "cloudresourcemanager.googleapis.com/Organization",
            allow_policy(ORG_POLICY, "org"),
            None,
            None,
        )
    ]
    for key, spec in FOLDERS.items():
        policy = allow_policy(FOLDER_POLICIES[key], f"folder:{key}")
        targets.append(
            (f"{CRM}/folders/{spec['id']}", "cloudresourcemanager.googleapis.com/Folder", policy, None, spec["id"])
        )
    for project in PROJECTS:
        policy = allow_policy(PROJECT_POLICIES[project], f"project:{project}")
        full = f"{CRM}/projects/{number(project)}"
        targets.append((full, "cloudresourcemanager.googleapis.com/Project", policy, project, None))
    for project, email in all_service_accounts():
        if SA_POLICIES.get(email):
            policy = allow_policy(SA_POLICIES[email], email)
            targets.append((sa_full_name(email), "iam.googleapis.com/ServiceAccount", policy, project, None))
    bucket_policy = allow_policy(BUCKET_POLICY, BUCKET, True)
    targets.append(
        (f"//storage.googleapis.com/{BUCKET}", "storage.googleapis.com/Bucket", bucket_policy, BUCKET_PROJECT, None)
    )
    return targets


def cai_assets() -> list[Doc]:
    lines: list[Doc] = []
    org_update = "2025-11-03T10:41:26.183902Z"
    org_data = {k: ORGANIZATION[k] for k in ("name", "displayName", "owner", "creationTime", "lifecycleState")}
    lines.append(
        cai_resource(
            f"{CRM}/{ORG}",
            "cloudresourcemanager.googleapis.com/Organization",
            org_data,
            "",
            "v1",
            "global",
            ancestors(),
            org_update,
        )
    )
    for key, spec in FOLDERS.items():
        data = folder_doc(key)
        lines.append(
            cai_resource(
                f"{CRM}/folders/{spec['id']}",
                "cloudresourcemanager.googleapis.com/Folder",
                data,
                f"{CRM}/{ORG}",
                "v2",
                "global",
                ancestors(folder=spec["id"]),
                "2024-09-12T07:55:03.204417Z",
            )
        )
    for project in PROJECTS:
        lines.append(
            cai_resource(
                f"{CRM}/projects/{number(project)}",
                "cloudresourcemanager.googleapis.com/Project",
                project_doc(project),
                f"{CRM}/folders/{folder_id(project)}",
                "v1",
                "global",
                ancestors(project),
                "2026-01-12T08:30:14.551203Z",
            )
        )
    for project, email in all_service_accounts():
        account = next(a for a in SERVICE_ACCOUNTS[project] if sa_email(project, a[0]) == email)
        lines.append(
            cai_resource(
                sa_full_name(email),
                "iam.googleapis.com/ServiceAccount",
                service_account(project, *account),
                f"{CRM}/projects/{number(project)}",
                "v1",
                "global",
                ancestors(project),
                "2025-08-19T14:02:51.337118Z",
            )
        )
        if email in KEYS:
            for key in keys_of(email):
                key_name = f"{sa_full_name(email)}/keys/{key['name'].rsplit('/', 1)[1]}"
                lines.append(
                    cai_resource(
                        key_name,
                        "iam.googleapis.com/ServiceAccountKey",
                        key,
                        sa_full_name(email),
                        "v1",
                        "global",
                        ancestors(project),
                        key["validAfterTime"],
                    )
                )
    for role in ORG_ROLES:
        lines.append(
            cai_resource(
                f"//iam.googleapis.com/{role['name']}",
                "iam.googleapis.com/Role",
                role,
                f"{CRM}/{ORG}",
                "v1",
                "global",
                ancestors(),
                "2024-02-06T11:18:40.772519Z",
            )
        )
    for project, roles in PROJECT_ROLES.items():
        for role in roles:
            lines.append(
                cai_resource(
                    f"//iam.googleapis.com/{role['name']}",
                    "iam.googleapis.com/Role",
                    role,
                    f"{CRM}/projects/{number(project)}",
                    "v1",
                    "global",
                    ancestors(project),
                    "2023-05-30T09:47:12.006341Z",
                )
            )
    for pool in POOLS:
        updated = "2026-03-09T10:31:05.662184Z" if pool["name"] == ENTRA_POOL else "2023-04-18T12:20:09.441870Z"
        lines.append(
            cai_resource(
                f"//iam.googleapis.com/{pool['name']}",
                "iam.googleapis.com/WorkloadIdentityPool",
                pool,
                f"{CRM}/projects/{APPS_NUMBER}",
                "v1",
                "global",
                ancestors(APPS),
                updated,
            )
        )
    for provider in PROVIDERS:
        pool_name = provider["name"].split("/providers/", 1)[0]
        updated = (
            "2023-04-18T12:22:31.104559Z" if "attributeCondition" not in provider else "2025-05-06T15:12:48.218834Z"
        )
        if pool_name == ENTRA_POOL:
            updated = "2026-03-09T10:33:47.015529Z"
        lines.append(
            cai_resource(
                f"//iam.googleapis.com/{provider['name']}",
                "iam.googleapis.com/WorkloadIdentityPoolProvider",
                provider,
                f"//iam.googleapis.com/{pool_name}",
                "v1",
                "global",
                ancestors(APPS),
                updated,
            )
        )
    for project, specs in INSTANCES.items():
        for spec in specs:
            data = instance(project, spec)
            zone = spec[1]
            lines.append(
                cai_resource(
                    f"//compute.googleapis.com/projects/{project}/zones/{zone}/instances/{spec[0]}",
                    "compute.googleapis.com/Instance",
                    data,
                    f"{CRM}/projects/{number(project)}",
                    "v1",
                    zone,
                    ancestors(project),
                    "2026-11-25T06:12:09.412331Z",
                )
            )
    lines.append(
        cai_resource(
            f"//cloudfunctions.googleapis.com/{FUNCTION_V1['name']}",
            "cloudfunctions.googleapis.com/CloudFunction",
            FUNCTION_V1,
            f"{CRM}/projects/{APPS_NUMBER}",
            "v1",
            REGION,
            ancestors(APPS),
            FUNCTION_V1["updateTime"],
        )
    )
    lines.append(
        cai_resource(
            f"//cloudfunctions.googleapis.com/{FUNCTION_V2['name']}",
            "cloudfunctions.googleapis.com/Function",
            FUNCTION_V2,
            f"{CRM}/projects/{APPS_NUMBER}",
            "v2",
            REGION,
            ancestors(APPS),
            "2026-10-14T12:48:57.883021Z",
        )
    )
    lines.append(
        cai_resource(
            f"//run.googleapis.com/projects/{APPS}/locations/{REGION}/services/nw-api",
            "run.googleapis.com/Service",
            RUN_SERVICE,
            f"{CRM}/projects/{APPS_NUMBER}",
            "v1",
            REGION,
            ancestors(APPS),
            "2026-11-24T18:07:41.226790Z",
        )
    )
    bucket: Doc = {
        "kind": "storage#bucket",
        "id": BUCKET,
        "selfLink": f"https://www.googleapis.com/storage/v1/b/{BUCKET}",
        "projectNumber": number(BUCKET_PROJECT),
        "name": BUCKET,
        "timeCreated": "2022-04-07T08:19:44.650Z",
        "updated": "2024-10-02T13:27:05.118Z",
        "metageneration": "6",
        "iamConfiguration": {
            "bucketPolicyOnly": {"enabled": True, "lockedTime": "2022-07-06T08:19:44.650Z"},
            "uniformBucketLevelAccess": {"enabled": True, "lockedTime": "2022-07-06T08:19:44.650Z"},
            "publicAccessPrevention": "inherited",
        },
        "location": "US",
        "locationType": "multi-region",
        "storageClass": "STANDARD",
        "rpo": "DEFAULT",
        "etag": "CAY=",
    }
    lines.append(
        cai_resource(
            f"//storage.googleapis.com/{BUCKET}",
            "storage.googleapis.com/Bucket",
            bucket,
            f"{CRM}/projects/{number(BUCKET_PROJECT)}",
            "v1",
            "us",
            ancestors(BUCKET_PROJECT),
            "2024-10-02T13:27:05.118Z",
        )
    )
    secret: Doc = {
        "name": f"projects/{number(SECRET_PROJECT)}/secrets/{SECRET}",
        "replication": {"automatic": {}},
        "createTime": "2026-07-08T08:52:17.330124Z",
        "etag": '"16244b7d3a8c14"',
    }
    lines.append(
        cai_resource(
            f"//secretmanager.googleapis.com/projects/{number(SECRET_PROJECT)}/secrets/{SECRET}",
            "secretmanager.googleapis.com/Secret",
            secret,
            f"{CRM}/projects/{number(SECRET_PROJECT)}",
            "v1",
            "global",
            ancestors(SECRET_PROJECT),
            "2026-07-08T08:52:17.330124Z",
        )
    )
    lines.append(
        cai_resource(
            f"//aiplatform.googleapis.com/{REASONING_ENGINE['name']}",
            "aiplatform.googleapis.com/ReasoningEngine",
            REASONING_ENGINE,
            f"{CRM}/projects/{APPS_NUMBER}",
            "v1",
            REGION,
            ancestors(APPS),
            REASONING_ENGINE["updateTime"],
        )
    )
    # --content-type=iam-policy: one line per resource whose allow policy has bindings
    for full, asset_type, policy, project, folder in policy_targets():
        lines.append(cai_policy(full, asset_type, policy, ancestors(project, folder), "2026-11-20T10:14:52.630127Z"))
    return lines


def write_cai(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in cai_assets())
    path.write_text(text, encoding="utf-8")


def search_results() -> list[Doc]:
    """`gcloud asset search-all-iam-policies --scope=organizations/ORG --format=json`."""
    results = []
    for full, asset_type, policy, project, folder in policy_targets():
        result: Doc = {"assetType": asset_type, "organization": ORG, "policy": {"bindings": policy["bindings"]}}
        result["resource"] = full
        if project:
            result["project"] = f"projects/{number(project)}"
            result["folders"] = [f"folders/{folder_id(project)}"]
        elif folder:
            result["folders"] = [f"folders/{folder}"]
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="directory to write the `collect gcp` layout into")
    parser.add_argument("--cai", type=Path, help="file to write one Cloud Asset Inventory export into (NDJSON)")
    parser.add_argument("--search-iam", type=Path, help="file to write search-all-iam-policies output into")
    args = parser.parse_args()
    if not (args.out or args.cai or args.search_iam):
        args.out = Path("sample_data/gcp")
    if args.out:
        write_directory(args.out)
    if args.cai:
        write_cai(args.cai)
    if args.search_iam:
        dump(args.search_iam, search_results())


if __name__ == "__main__":
    main()
