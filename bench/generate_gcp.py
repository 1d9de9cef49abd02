"""Generate a synthetic GCP organisation export for benchmarks, in the `nhi-scan collect gcp` directory convention.

    python bench/generate_gcp.py --service-accounts 10000 --projects 100 --out /tmp/gcp-10k [--seed 1]

The files have exactly the shapes gcloud prints with --format=json (2-space indentation, sorted keys), the same as
the hand-made sample_data/gcp (bench/sample_gcp.py); the layout is nhi_scan/connectors/gcp/README.md's. One
organisation, folders nested two levels, projects spread over them with uneven numbers of service accounts. Per
project: allow policy, service accounts, keys of ~30% of them, SA-level policies for ~20%, deny policies on ~10% of
projects, custom roles on ~10%, VMs / functions / Cloud Run services running as service accounts, Activity Analyzer
answers, workload identity pools on ~5%. Written project by project, so memory stays flat; the same arguments give
byte-identical files. Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aws_catalog as cat  # the name vocabulary (apps, people, vendors) shared with the AWS generator
from _generated import warn_stray_files

Doc = dict[str, Any]

DOMAIN = "northwind.example"
#: Scans are judged at 2026-11-29 (use --now 2026-11-29T00:00:00Z); the export was taken the day before.
JUDGED_AT = date(2026, 11, 29)
EXPORT_TIME = datetime(2026, 11, 28, 6, 0, 0, tzinfo=UTC)
NEVER = "9999-12-31T23:59:59Z"
OBSERVATION_START = date(2025, 6, 1)
OBSERVATION_END = date(2026, 11, 28)
GITHUB = "https://token.actions.githubusercontent.com"
COMPUTE = "https://www.googleapis.com/compute/v1"
CLOUD_PLATFORM = ["https://www.googleapis.com/auth/cloud-platform"]
DEFAULT_SCOPES = [
    "https://www.googleapis.com/auth/devstorage.read_only",
    "https://www.googleapis.com/auth/logging.write",
    "https://www.googleapis.com/auth/monitoring.write",
    "https://www.googleapis.com/auth/service.management.readonly",
    "https://www.googleapis.com/auth/servicecontrol",
    "https://www.googleapis.com/auth/trace.append",
]
REGIONS = ("us-central1", "us-central1", "us-east1", "europe-west1", "europe-west4", "asia-northeast1")
MACHINES = ("e2-small", "e2-medium", "e2-standard-2", "e2-standard-4", "n2-standard-4", "n2-highmem-8")
ENVS = ("prod", "prod", "prod", "staging", "dev", "dev", "sandbox")

#: top-level folder -> its sub-folders (a project's env follows its top-level folder)
FOLDER_TREE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("production", "prod", ("prod-data", "prod-apps", "prod-ml", "prod-platform")),
    ("staging", "staging", ("staging-apps", "staging-data")),
    ("development", "dev", ("dev-teams", "dev-sandboxes", "dev-ci")),
    ("shared-services", "prod", ("networking", "security")),
)

#: (role, weight) for a service account's 1-3 project roles
SA_ROLES: tuple[tuple[str, int], ...] = (
    ("roles/storage.objectViewer", 14),
    ("roles/storage.objectAdmin", 5),
    ("roles/storage.objectCreator", 4),
    ("roles/bigquery.dataEditor", 7),
    ("roles/bigquery.dataViewer", 7),
    ("roles/bigquery.jobUser", 6),
    ("roles/pubsub.publisher", 7),
    ("roles/pubsub.subscriber", 6),
    ("roles/logging.logWriter", 12),
    ("roles/monitoring.metricWriter", 8),
    ("roles/cloudtrace.agent", 3),
    ("roles/run.invoker", 6),
    ("roles/cloudsql.client", 6),
    ("roles/secretmanager.secretAccessor", 6),
    ("roles/artifactregistry.reader", 4),
    ("roles/artifactregistry.writer", 2),
    ("roles/datastore.user", 2),
    ("roles/spanner.databaseUser", 1),
    ("roles/cloudkms.cryptoKeyEncrypterDecrypter", 2),
    ("roles/dataflow.worker", 2),
    ("roles/aiplatform.user", 2),
    ("roles/container.developer", 2),
    ("roles/viewer", 2),
)
#: (role, probability per service account): the powerful grants, on top of the ordinary ones
SA_POWER_ROLES: tuple[tuple[str, float], ...] = (
    ("roles/editor", 0.05),
    ("roles/owner", 0.01),
    ("roles/iam.serviceAccountUser", 0.03),
    ("roles/iam.serviceAccountTokenCreator", 0.015),
    ("roles/iam.serviceAccountKeyAdmin", 0.008),
    ("roles/compute.instanceAdmin.v1", 0.025),
    ("roles/cloudfunctions.developer", 0.015),
    ("roles/run.admin", 0.015),
    ("roles/resourcemanager.projectIamAdmin", 0.003),
    ("roles/iam.roleAdmin", 0.002),
)
SA_KINDS = (
    "runner",
    "api",
    "worker",
    "etl",
    "sync",
    "exporter",
    "importer",
    "deployer",
    "ci",
    "cron",
    "scheduler",
    "agent",
    "reader",
    "writer",
    "uploader",
    "processor",
    "gateway",
    "terraform",
    "backup",
    "monitor",
)
GROUP_KINDS = ("developers", "admins", "readers", "oncall", "data-eng", "sre", "analysts", "deployers")
CUSTOM_PERMISSIONS = (
    "bigquery.jobs.create",
    "bigquery.tables.getData",
    "bigquery.tables.updateData",
    "cloudfunctions.functions.call",
    "cloudfunctions.functions.create",
    "cloudfunctions.functions.get",
    "cloudfunctions.functions.sourceCodeSet",
    "cloudsql.instances.connect",
    "compute.instances.get",
    "compute.instances.list",
    "compute.instances.setMetadata",
    "compute.instances.start",
    "compute.instances.stop",
    "iam.serviceAccountKeys.create",
    "iam.serviceAccounts.actAs",
    "iam.serviceAccounts.get",
    "iam.serviceAccounts.getAccessToken",
    "iam.serviceAccounts.list",
    "logging.logEntries.create",
    "pubsub.subscriptions.consume",
    "pubsub.topics.publish",
    "run.services.get",
    "run.services.update",
    "secretmanager.versions.access",
    "storage.buckets.get",
    "storage.objects.create",
    "storage.objects.delete",
    "storage.objects.get",
    "storage.objects.list",
)
CUSTOM_ROLE_NAMES = (
    ("etlOperator", "ETL Operator"),
    ("deployer", "Deployer"),
    ("vmOperator", "VM Operator"),
    ("bucketWriter", "Bucket Writer"),
    ("keyRotator", "Key Rotator"),
    ("pipelineRunner", "Pipeline Runner"),
    ("readOnlyPlus", "Read Only Plus"),
    ("releaseManager", "Release Manager"),
)
#: Google-managed service agents bound in every project that uses the API: (role, domain)
SERVICE_AGENTS = (
    ("roles/compute.serviceAgent", "compute-system.iam.gserviceaccount.com"),
    ("roles/container.serviceAgent", "container-engine-robot.iam.gserviceaccount.com"),
    ("roles/cloudfunctions.serviceAgent", "gcf-admin-robot.iam.gserviceaccount.com"),
    ("roles/run.serviceAgent", "serverless-robot-prod.iam.gserviceaccount.com"),
    ("roles/pubsub.serviceAgent", "gcp-sa-pubsub.iam.gserviceaccount.com"),
    ("roles/cloudbuild.serviceAgent", "gcp-sa-cloudbuild.iam.gserviceaccount.com"),
)
KEY_DENIED = (
    ("iam.googleapis.com/serviceAccountKeys.create", "No service account key creation"),
    ("iam.googleapis.com/serviceAccounts.getAccessToken", "No token minting for these identities"),
)


# --------------------------------------------------------------------------- time helpers (as sample_gcp.py)
def _us_pacific_dst(day: date) -> bool:
    march = date(day.year, 3, 1)
    start = march + timedelta(days=(6 - march.weekday()) % 7 + 7)
    november = date(day.year, 11, 1)
    end = november + timedelta(days=(6 - november.weekday()) % 7)
    return start <= day < end


def pacific_midnight(day: date) -> str:
    """Activity Analyzer reports days: midnight US Pacific time, in UTC."""
    return f"{day.isoformat()}T{'07' if _us_pacific_dst(day) else '08'}:00:00Z"


def zulu(moment: datetime, digits: int = 0) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    return text + "Z"


def compute_time(moment: datetime) -> str:
    """Compute Engine's timestamps: US Pacific time with an offset, milliseconds."""
    offset = 7 if _us_pacific_dst(moment.date()) else 8
    local = moment - timedelta(hours=offset)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}-{offset:02d}:00"


OBSERVATION = {"endTime": pacific_midnight(OBSERVATION_END), "startTime": pacific_midnight(OBSERVATION_START)}


def binding(role: str, members: list[str] | set[str], condition: Doc | None = None) -> Doc:
    entry: Doc = {"members": sorted(set(members)), "role": role}
    if condition:
        entry["condition"] = condition
    return entry


def allow_policy(bindings: list[Doc], etag: str) -> Doc:
    """A get-iam-policy answer: bindings sorted by role, version 3 when one is conditional, ACAB when empty."""
    if not bindings:
        return {"etag": "ACAB"}
    version = 3 if any("condition" in b for b in bindings) else 1
    ordered = sorted(bindings, key=lambda b: (b["role"], b.get("condition", {}).get("title", "")))
    return {"bindings": ordered, "etag": etag, "version": version}


# --------------------------------------------------------------------------- the estate's names, decided up front
class Project:
    __slots__ = ("accounts", "app", "appspot", "compute_default", "created", "env", "folder", "id", "number", "pool")

    def __init__(self, pid: str, number: str, folder: str, env: str, app: str, created: datetime) -> None:
        self.id, self.number, self.folder, self.env, self.app, self.created = pid, number, folder, env, app, created
        self.accounts: list[str] = []  # emails, in listing order (sorted)
        self.compute_default = False
        self.appspot = False
        self.pool = False


class Estate:
    """Every folder, project and service-account email, so that any document can reference any other."""

    def __init__(self, service_accounts: int, projects: int, rng: random.Random) -> None:
        self.rng = rng
        self.numbers: set[str] = set()
        self.org_id = self.number(12)
        self.customer = "C0" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(7))
        # folders: (id, display name, parent, env); the leaves and the top-level folders both hold projects
        self.folders: list[tuple[str, str, str, str]] = []
        homes: list[tuple[str, str, int]] = []  # (folder id, env, weight)
        for top, env, children in FOLDER_TREE:
            top_id = self.number(12)
            self.folders.append((top_id, top, f"organizations/{self.org_id}", env))
            homes.append((top_id, env, 1))
            for child in children:
                child_id = self.number(12)
                self.folders.append((child_id, child, f"folders/{top_id}", env))
                homes.append((child_id, env, 4))
        self.people = self._people(max(12, min(400, service_accounts // 50)))
        self.groups = self._groups(max(6, min(120, service_accounts // 200)))
        self.projects: list[Project] = []
        taken: set[str] = set()
        for _ in range(projects):
            folder, env, _ = rng.choices(homes, [w for _, _, w in homes])[0]
            app = rng.choice(cat.APPS)
            base = f"nw-{env}-{app}"
            pid, n = base, 2
            while pid in taken:
                pid, n = f"{base}-{n}", n + 1
            taken.add(pid)
            created = datetime(2018, 3, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 8 * 365 * 86400))
            self.projects.append(Project(pid, self.number(12), folder, env, app, created))
        self.projects.sort(key=lambda p: p.id)
        self._spread(service_accounts)
        self.all_accounts = [(p, email) for p in self.projects for email in p.accounts]

    def number(self, length: int) -> str:
        while True:
            value = str(self.rng.randint(10 ** (length - 1), 10**length - 1))
            if value not in self.numbers:
                self.numbers.add(value)
                return value

    def _people(self, count: int) -> list[str]:
        seen: set[str] = set()
        while len(seen) < count:
            first, last = self.rng.choice(cat.FIRST).lower(), self.rng.choice(cat.LAST).lower()
            name = f"{first}.{last}"
            n = 2
            while name in seen:
                name, n = f"{first}.{last}{n}", n + 1
            seen.add(name)
        return sorted(f"{name}@{DOMAIN}" for name in seen)

    def _groups(self, count: int) -> list[str]:
        names = {"gcp-admins", "security", "sre", "developers", "data-eng", "billing-admins"}
        while len(names) < count:
            names.add(f"{self.rng.choice(cat.APPS)}-{self.rng.choice(GROUP_KINDS)}")
        return sorted(f"{name}@{DOMAIN}" for name in names)

    def _spread(self, total: int) -> None:
        """Uneven service accounts per project (a few big ones, many small), summing to exactly ``total``."""
        r = self.rng
        weights = [r.lognormvariate(0, 0.9) for _ in self.projects]
        scale = (total - len(self.projects)) / sum(weights)
        counts = [1 + int(w * scale) for w in weights]
        for i in r.sample(range(len(counts)), total - sum(counts)) if total - sum(counts) <= len(counts) else ():
            counts[i] += 1
        while sum(counts) < total:
            counts[r.randrange(len(counts))] += 1
        for project, count in zip(self.projects, counts, strict=True):
            names: set[str] = set()
            project.compute_default = r.random() < 0.75
            project.appspot = count > 2 and r.random() < 0.12
            special = []
            if project.compute_default:
                special.append(f"{project.number}-compute@developer.gserviceaccount.com")
            if project.appspot and len(special) < count:
                special.append(f"{project.id}@appspot.gserviceaccount.com")
            special = special[:count]
            while len(names) < count - len(special):
                names.add(self._account_name(project, names))
            emails = [f"{n}@{project.id}.iam.gserviceaccount.com" for n in names] + special
            project.accounts = sorted(emails)
            project.pool = r.random() < 0.05

    def _account_name(self, project: Project, taken: set[str]) -> str:
        r = self.rng
        app = project.app if r.random() < 0.5 else r.choice(cat.APPS)
        pick = r.random()
        if pick < 0.6:
            base = f"{app}-{r.choice(SA_KINDS)}"
        elif pick < 0.8:
            base = f"{r.choice(SA_KINDS)}-{app}-{r.choice(('svc', 'sa', 'job', 'app'))}"
        elif pick < 0.9:
            base = f"{r.choice(cat.VENDORS)}-{r.choice(('integration', 'export', 'sync', 'reader'))}"
        else:
            base = f"sa-{app}-{r.randint(1, 99):02d}"
        name, n = base[:30], 2
        while name in taken:
            suffix = f"-{n}"
            name, n = base[: 30 - len(suffix)] + suffix, n + 1
        return name


# --------------------------------------------------------------------------- documents
class Generator:
    def __init__(self, estate: Estate, rng: random.Random, out: Path) -> None:
        self.e = estate
        self.rng = rng
        self.out = out
        self.files = 0
        self.bytes = 0
        self.counts = {"keys": 0, "workloads": 0}
        org = f"organizations/{estate.org_id}"
        self.org_role_names = [f"{org}/roles/{role_id}" for role_id, _ in CUSTOM_ROLE_NAMES[:3]]

    # ------------------------------------------------------------------ primitives
    def put(self, relative: str, value: Any) -> None:
        """gcloud --format=json: 2-space indentation, keys sorted, a final newline."""
        text = json.dumps(value, indent=2, sort_keys=True) + "\n"
        path = self.out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        self.files += 1
        self.bytes += len(data)

    def etag(self) -> str:
        return base64.b64encode(b"\x07\x06" + self.rng.getrandbits(48).to_bytes(6, "big")).decode()

    def hex(self, length: int) -> str:
        return f"{self.rng.getrandbits(4 * length):0{length}x}"

    def letters(self, count: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(count))

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

    def unique_id(self) -> str:
        return "1" + "".join(str(self.rng.randrange(10)) for _ in range(20))

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span), microseconds=self.rng.randrange(1_000_000))

    def nanos(self, moment: datetime) -> str:
        """The v2 APIs' nanosecond timestamps: '2025-01-09T13:55:02.301477129Z'."""
        return zulu(moment, 6)[:-1] + f"{self.rng.randrange(1000):03d}Z"

    def days_ago(self, days: float) -> datetime:
        return EXPORT_TIME - timedelta(seconds=int(days * 86400))

    def member(self, email: str) -> str:
        return f"serviceAccount:{email}"

    def any_account(self) -> str:
        return self.rng.choice(self.e.all_accounts)[1]

    def group(self) -> str:
        return f"group:{self.rng.choice(self.e.groups)}"

    def user(self) -> str:
        return f"user:{self.rng.choice(self.e.people)}"

    def automation(self, count: int) -> list[str]:
        """User-managed service accounts from anywhere in the organisation (for folder and org bindings)."""
        found: list[str] = []
        for _ in range(count * 4):
            email = self.any_account()
            if email.endswith(".iam.gserviceaccount.com") and email not in found:
                found.append(email)
            if len(found) == count:
                break
        return found

    # ------------------------------------------------------------------ hierarchy
    def organization(self) -> None:
        e, r = self.e, self.rng
        org = f"organizations/{e.org_id}"
        self.put(
            f"{org}/organization.json",
            {
                "creationTime": "2018-02-12T10:31:07.114Z",
                "displayName": DOMAIN,
                "lifecycleState": "ACTIVE",
                "name": org,
                "owner": {"directoryCustomerId": e.customer},
            },
        )
        bindings = [
            binding("roles/billing.creator", [f"domain:{DOMAIN}"]),
            binding("roles/resourcemanager.projectCreator", [f"domain:{DOMAIN}"]),
            binding("roles/resourcemanager.organizationAdmin", [f"group:gcp-admins@{DOMAIN}", *self.people(2)]),
            binding("roles/iam.securityReviewer", [f"group:security@{DOMAIN}"]),
            binding("roles/billing.admin", [f"group:billing-admins@{DOMAIN}"]),
            binding("roles/orgpolicy.policyAdmin", [f"group:gcp-admins@{DOMAIN}"]),
        ]
        automation = self.automation(4)
        org_roles = (
            "roles/iam.securityReviewer",
            "roles/resourcemanager.folderAdmin",
            "roles/logging.configWriter",
            "roles/iam.organizationRoleAdmin",
        )
        for email, role in zip(automation, org_roles, strict=False):
            bindings.append(binding(role, [self.member(email)]))
        self.put(f"{org}/iam-policy.json", allow_policy(self.merge(bindings), self.etag()))
        folders = [
            {
                "createTime": zulu(self.moment(datetime(2018, 2, 13, tzinfo=UTC), datetime(2021, 6, 1, tzinfo=UTC)), 3),
                "displayName": name,
                "lifecycleState": "ACTIVE",
                "name": f"folders/{fid}",
                "parent": parent,
            }
            for fid, name, parent, _ in e.folders
        ]
        self.put(f"{org}/folders.json", folders)
        self.put(f"{org}/roles.json", self.org_roles())
        self.put(f"{org}/deny-policies.json", [])
        for fid, _, _, env in e.folders:
            bindings = [binding("roles/resourcemanager.folderViewer", [self.group()])]
            if env == "dev":
                bindings.append(binding("roles/editor", [f"group:developers@{DOMAIN}", self.group()]))
            else:
                bindings.append(binding("roles/viewer", [f"group:sre@{DOMAIN}", self.group()]))
            if r.random() < 0.4:
                bindings.append(binding("roles/resourcemanager.folderAdmin", [self.user()]))
            folder_roles = (
                "roles/iam.serviceAccountTokenCreator",
                "roles/resourcemanager.projectCreator",
                "roles/compute.admin",
                "roles/logging.admin",
                "roles/resourcemanager.folderAdmin",
                "roles/iam.serviceAccountUser",
                "roles/storage.admin",
            )
            for email in self.automation(r.choice((0, 1, 1, 2))):
                bindings.append(binding(r.choice(folder_roles), [self.member(email)]))
            self.put(f"folders/{fid}/iam-policy.json", allow_policy(self.merge(bindings), self.etag()))
            self.put(f"folders/{fid}/deny-policies.json", [])
        projects = [
            {
                "createTime": zulu(p.created, 3),
                "labels": {"app": p.app, "env": p.env},
                "lifecycleState": "ACTIVE",
                "name": p.id,
                "parent": {"id": p.folder, "type": "folder"},
                "projectId": p.id,
                "projectNumber": p.number,
            }
            for p in e.projects
        ]
        self.put("projects.json", projects)

    def people(self, count: int) -> list[str]:
        return [f"user:{u}" for u in self.rng.sample(self.e.people, count)]

    @staticmethod
    def merge(bindings: list[Doc]) -> list[Doc]:
        """One binding per (role, condition), as IAM stores them."""
        merged: dict[tuple[str, str], Doc] = {}
        for b in bindings:
            key = (b["role"], json.dumps(b.get("condition"), sort_keys=True))
            if key in merged:
                merged[key]["members"] = sorted(set(merged[key]["members"]) | set(b["members"]))
            else:
                merged[key] = {**b, "members": list(b["members"])}
        return list(merged.values())

    def custom_role(self, parent: str, role_id: str, title: str) -> Doc:
        permissions = sorted(self.rng.sample(CUSTOM_PERMISSIONS, self.rng.randint(3, 9)))
        return {
            "description": f"{title} (custom)",
            "etag": self.etag(),
            "includedPermissions": permissions,
            "name": f"{parent}/roles/{role_id}",
            "stage": self.rng.choice(("GA", "GA", "GA", "BETA", "ALPHA")),
            "title": title,
        }

    def org_roles(self) -> list[Doc]:
        org = f"organizations/{self.e.org_id}"
        return [self.custom_role(org, role_id, title) for role_id, title in CUSTOM_ROLE_NAMES[:3]]

    # ------------------------------------------------------------------ one project
    def project(self, p: Project) -> int:
        r = self.rng
        base = f"projects/{p.id}"
        members: dict[tuple[str, str], set[str]] = {}  # (role, condition title) -> members
        conditions: dict[str, Doc] = {}

        def grant(role: str, member: str, condition: Doc | None = None) -> None:
            title = condition["title"] if condition else ""
            if condition:
                conditions[title] = condition
            members.setdefault((role, title), set()).add(member)

        # service accounts, their project roles and what they run
        listing: list[Doc] = []
        roles_json: list[Doc] = []
        if r.random() < 0.10:
            picks = r.sample(CUSTOM_ROLE_NAMES, r.randint(1, 3))
            roles_json = [self.custom_role(base, role_id, title) for role_id, title in picks]
        user_managed = [a for a in p.accounts if a.endswith(".iam.gserviceaccount.com")]
        for email in p.accounts:
            listing.append(self.service_account(p, email))
            if email.startswith(f"{p.number}-compute@"):
                if p.env == "dev" or r.random() < 0.4:  # Google's old automatic Editor grant, never removed
                    grant("roles/editor", self.member(email))
                else:
                    grant("roles/logging.logWriter", self.member(email))
                    grant("roles/monitoring.metricWriter", self.member(email))
                continue
            if email.endswith("@appspot.gserviceaccount.com"):
                grant("roles/editor", self.member(email))
                continue
            count = r.choices((0, 1, 2, 3), (6, 45, 32, 17))[0]
            for role in set(r.choices([n for n, _ in SA_ROLES], [w for _, w in SA_ROLES], k=count)):
                grant(role, self.member(email))
            for role, chance in SA_POWER_ROLES:
                if r.random() < chance:
                    grant(role, self.member(email))
            if roles_json and r.random() < 0.15:
                grant(r.choice(roles_json)["name"], self.member(email))
            if r.random() < 0.01:
                grant(r.choice(self.org_role_names), self.member(email))
        # conditional bindings: an expired temporary owner, a bucket-prefix grant
        if user_managed and r.random() < 0.04:
            expiry = (JUDGED_AT - timedelta(days=r.randint(30, 1200))).replace(day=1)  # always in the past
            expired = {
                "description": "Temporary access for a migration",
                "expression": f'request.time < timestamp("{expiry.isoformat()}T00:00:00Z")',
                "title": f"until-{expiry.isoformat()}",
            }
            grant(r.choice(("roles/owner", "roles/editor")), self.member(r.choice(user_managed)), expired)
        if user_managed and r.random() < 0.08:
            prefix = f"nw-{r.choice(cat.APPS)}-"
            scoped = {
                "description": f"Only the {prefix}* buckets",
                "expression": f'resource.name.startsWith("projects/_/buckets/{prefix}")',
                "title": f"{prefix}buckets-only",
            }
            grant("roles/storage.objectAdmin", self.member(r.choice(user_managed)), scoped)
        # other projects' service accounts, people, groups, Google's agents
        for _ in range(r.choice((0, 0, 1, 1, 2, 3)) + len(p.accounts) // 40):
            grant(r.choices([n for n, _ in SA_ROLES], [w for _, w in SA_ROLES])[0], self.member(self.any_account()))
        if r.random() < 0.03:
            grant("roles/editor", self.member(self.any_account()))
        grant("roles/owner", self.user())
        if r.random() < 0.3:
            grant("roles/owner", self.group())
        for _ in range(r.randint(1, 3)):
            grant(
                r.choice(("roles/viewer", "roles/browser", "roles/bigquery.user", "roles/logging.viewer")), self.group()
            )
        if r.random() < 0.5:
            grant(r.choice(("roles/editor", "roles/viewer", "roles/iam.serviceAccountUser")), self.user())
        if r.random() < 0.2:
            grant("roles/iam.serviceAccountUser", self.group())
        if r.random() < 0.02 and user_managed:
            grant(
                "roles/bigquery.dataEditor",
                f"deleted:serviceAccount:old-{p.app}@{p.id}.iam.gserviceaccount.com?uid={self.unique_id()}",
            )
        grant("roles/editor", f"serviceAccount:{p.number}@cloudservices.gserviceaccount.com")
        for role, domain in SERVICE_AGENTS:
            if (role != "roles/compute.serviceAgent" or p.compute_default) and r.random() < 0.6:
                grant(role, f"serviceAccount:service-{p.number}@{domain}")
        bindings = [binding(role, sorted(m), conditions.get(title)) for (role, title), m in members.items()]
        self.put(f"{base}/iam-policy.json", allow_policy(bindings, self.etag()))
        self.put(f"{base}/service-accounts.json", listing)
        self.put(f"{base}/roles.json", roles_json)
        self.put(f"{base}/deny-policies.json", self.deny_policies(p) if r.random() < 0.10 else [])

        # per service account: keys and SA-level policies
        user_managed_set = set(user_managed)
        key_activity: list[tuple[str, str, datetime, datetime]] = []  # (email, key id, created, last used)
        for email in p.accounts:
            if r.random() < 0.30:
                self.put(f"{base}/service-accounts/{email}/keys.json", self.keys(p, email, key_activity))
            if email in user_managed_set and r.random() < 0.20:
                self.put(f"{base}/service-accounts/{email}/iam-policy.json", self.sa_policy(p, email))

        # workloads
        self.workloads(p, user_managed)
        if p.pool:
            self.federation(p)

        # Activity Analyzer
        if r.random() < 0.85:
            self.put(f"{base}/activity-sa-authentication.json", self.sa_activity(p, listing))
            ids = {sa["email"]: sa["uniqueId"] for sa in listing}
            self.put(f"{base}/activity-key-authentication.json", self.key_activity(p, key_activity, ids))
        return len(p.accounts)

    def service_account(self, p: Project, email: str) -> Doc:
        r = self.rng
        local = email.split("@", 1)[0]
        uid = self.unique_id()
        sa: Doc = {
            "email": email,
            "etag": "MDEwMjE5MjA=",
            "name": f"projects/{p.id}/serviceAccounts/{email}",
            "oauth2ClientId": uid,
            "projectId": p.id,
            "uniqueId": uid,
        }
        if email.endswith("@developer.gserviceaccount.com"):
            sa["displayName"] = "Compute Engine default service account"
        elif email.endswith("@appspot.gserviceaccount.com"):
            sa["displayName"] = "App Engine default service account"
        else:
            if r.random() < 0.85:
                sa["displayName"] = local.replace("-", " ").capitalize()
            if r.random() < 0.5:
                sa["description"] = r.choice(
                    (
                        f"Runtime identity of {local}",
                        f"Used by the {p.app} team's pipelines",
                        f"Terraform-managed ({p.app})",
                        "Created for a one-off migration",
                        f"Integration account; contact {r.choice(self.e.people)}",
                    )
                )
        if r.random() < 0.03:
            sa["disabled"] = True
        return sa

    def keys(self, p: Project, email: str, activity: list[tuple[str, str, datetime, datetime]]) -> list[Doc]:
        r = self.rng
        keys: list[Doc] = []
        name = f"projects/{p.id}/serviceAccounts/{email}/keys/"
        user_keys = r.choices((0, 1, 2, 3), (15, 55, 22, 8))[0]
        for _ in range(user_keys):
            age = r.triangular(0, 1500, 250)
            created = self.days_ago(age)
            key_id = self.hex(40)
            lifetime = None if r.random() < 0.55 else timedelta(days=r.choice((90, 90, 180, 365, 730)))
            before = NEVER if lifetime is None else zulu(created + lifetime)
            key: Doc = {
                "keyAlgorithm": "KEY_ALG_RSA_2048",
                "keyOrigin": r.choices(("GOOGLE_PROVIDED", "USER_PROVIDED"), (92, 8))[0],
                "keyType": "USER_MANAGED",
                "name": name + key_id,
                "validAfterTime": zulu(created),
                "validBeforeTime": before,
            }
            if r.random() < 0.06:
                key["disabled"] = True
                if r.random() < 0.25:
                    key["disableReason"] = "SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED"
                    key["extendedStatus"] = [
                        {
                            "key": "SERVICE_ACCOUNT_KEY_EXTENDED_STATUS_KEY_EXPOSED",
                            "value": f"exposed at: https://github.com/{r.choice(cat.APPS)}-scripts/{p.app}",
                        }
                    ]
            keys.append(key)
            if r.random() < 0.7:
                used = self.moment(max(created, datetime(2025, 6, 1, 8, tzinfo=UTC)), EXPORT_TIME)
                if used > created:
                    activity.append((email, key_id, created, used))
        for _ in range(r.choice((1, 1, 2))):  # Google's own rotating keys, valid ~16 days
            created = self.moment(EXPORT_TIME - timedelta(days=14), EXPORT_TIME)
            keys.append(
                {
                    "keyAlgorithm": "KEY_ALG_RSA_2048",
                    "keyOrigin": "GOOGLE_PROVIDED",
                    "keyType": "SYSTEM_MANAGED",
                    "name": name + self.hex(40),
                    "validAfterTime": zulu(created),
                    "validBeforeTime": zulu(created + timedelta(days=16)),
                }
            )
        keys.sort(key=lambda k: k["name"])
        self.counts["keys"] += len(keys)
        return keys

    def sa_policy(self, p: Project, email: str) -> Doc:
        r = self.rng
        grants: dict[str, set[str]] = {}
        for _ in range(r.choices((1, 2, 3), (60, 30, 10))[0]):
            role = r.choices(
                (
                    "roles/iam.serviceAccountTokenCreator",
                    "roles/iam.serviceAccountUser",
                    "roles/iam.serviceAccountKeyAdmin",
                ),
                (50, 45, 5),
            )[0]
            pick = r.random()
            if pick < 0.55:
                member = self.member(r.choice(p.accounts))
            elif pick < 0.8:
                member = self.member(self.any_account())
            elif pick < 0.95:
                member = self.group()
            else:
                member = self.user()
            if member != self.member(email):
                grants.setdefault(role, set()).add(member)
        if p.pool and r.random() < 0.3:
            pool = f"projects/{p.number}/locations/global/workloadIdentityPools/github"
            repo = f"northwind/{p.app}-{r.choice(('deploy', 'infra', 'service', 'jobs'))}"
            target = r.choice(
                (
                    f"principalSet://iam.googleapis.com/{pool}/*",
                    f"principalSet://iam.googleapis.com/{pool}/attribute.repository/{repo}",
                )
            )
            grants.setdefault("roles/iam.workloadIdentityUser", set()).add(target)
        return allow_policy([binding(role, m) for role, m in grants.items() if m], self.etag())

    def deny_policies(self, p: Project) -> list[Doc]:
        r = self.rng
        rules = []
        for permission, description in r.sample(KEY_DENIED, r.choice((1, 1, 2))):
            principals = [
                f"principal://iam.googleapis.com/projects/-/serviceAccounts/{r.choice(p.accounts)}"
                for _ in range(r.randint(1, 4))
            ]
            if r.random() < 0.25:
                principals.append(f"principalSet://goog/group/{r.choice(self.e.groups)}")
            rule: Doc = {"deniedPermissions": [permission], "deniedPrincipals": sorted(set(principals))}
            if r.random() < 0.2:
                rule["exceptionPrincipals"] = [f"principalSet://goog/group/gcp-admins@{DOMAIN}"]
            rules.append({"denyRule": rule, "description": description})
        created = self.moment(datetime(2023, 1, 1, tzinfo=UTC), EXPORT_TIME)
        return [
            {
                "createTime": zulu(created, 6),
                "displayName": rules[0]["description"],
                "etag": base64.b64encode(str(int(created.timestamp())).encode()).decode(),
                "kind": "DenyPolicy",
                "name": (
                    f"policies/cloudresourcemanager.googleapis.com%2Fprojects%2F{p.number}/denypolicies/"
                    f"deny-{r.choice(('key-creation', 'token-minting', 'sa-guardrail'))}"
                ),
                "rules": rules,
                "uid": self.uuid(),
                "updateTime": zulu(created, 6),
            }
        ]

    # ------------------------------------------------------------------ workloads
    def runtime_account(self, p: Project, user_managed: list[str]) -> str:
        default = f"{p.number}-compute@developer.gserviceaccount.com"
        if p.compute_default and (not user_managed or self.rng.random() < 0.35):
            return default
        return self.rng.choice(user_managed or p.accounts)

    def workloads(self, p: Project, user_managed: list[str]) -> None:
        r = self.rng
        base = f"projects/{p.id}"
        size = len(p.accounts)
        if p.compute_default and r.random() < 0.8:
            count = max(1, round(size * r.uniform(0.02, 0.12)))
            self.put(f"{base}/compute-instances.json", [self.instance(p, i, user_managed) for i in range(count)])
            self.counts["workloads"] += count
        if r.random() < 0.35:
            count = max(1, round(size * r.uniform(0.01, 0.06)))
            self.put(f"{base}/functions.json", [self.function(p, i, user_managed) for i in range(count)])
            self.counts["workloads"] += count
        if r.random() < 0.35:
            count = max(1, round(size * r.uniform(0.01, 0.06)))
            self.put(f"{base}/run-services.json", [self.run_service(p, i, user_managed) for i in range(count)])
            self.counts["workloads"] += count

    def instance(self, p: Project, index: int, user_managed: list[str]) -> Doc:
        r = self.rng
        region = r.choice(REGIONS)
        zone = f"{region}-{r.choice('abc')}"
        name = f"{r.choice(cat.APPS)}-{r.choice(('vm', 'worker', 'bastion', 'batch', 'node'))}-{index + 1}"
        email = self.runtime_account(p, user_managed)
        scopes = (
            DEFAULT_SCOPES if email.endswith("@developer.gserviceaccount.com") and r.random() < 0.5 else CLOUD_PLATFORM
        )
        base = f"{COMPUTE}/projects/{p.id}"
        created = self.moment(max(p.created, datetime(2021, 1, 1, tzinfo=UTC)), EXPORT_TIME - timedelta(days=2))
        started = self.moment(created, EXPORT_TIME)
        interface: Doc = {
            "fingerprint": base64.b64encode(r.getrandbits(64).to_bytes(8, "big")).decode(),
            "kind": "compute#networkInterface",
            "name": "nic0",
            "network": f"{base}/global/networks/default",
            "networkIP": f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(2, 254)}",
            "stackType": "IPV4_ONLY",
            "subnetwork": f"{base}/regions/{region}/subnetworks/default",
        }
        external = r.random() < 0.25
        if external:
            interface["accessConfigs"] = [
                {
                    "kind": "compute#accessConfig",
                    "name": "External NAT",
                    "natIP": f"34.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
                    "networkTier": "PREMIUM",
                    "type": "ONE_TO_ONE_NAT",
                }
            ]
        status = "RUNNING" if r.random() < 0.85 else "TERMINATED"
        return {
            "canIpForward": False,
            "cpuPlatform": "Intel Broadwell",
            "creationTimestamp": compute_time(created),
            "deletionProtection": r.random() < 0.1,
            "disks": [
                {
                    "architecture": "X86_64",
                    "autoDelete": True,
                    "boot": True,
                    "deviceName": name,
                    "diskSizeGb": r.choice(("10", "20", "50", "100")),
                    "guestOsFeatures": [
                        {"type": "UEFI_COMPATIBLE"},
                        {"type": "VIRTIO_SCSI_MULTIQUEUE"},
                        {"type": "GVNIC"},
                    ],
                    "index": 0,
                    "interface": "SCSI",
                    "kind": "compute#attachedDisk",
                    "licenses": [f"{COMPUTE}/projects/debian-cloud/global/licenses/debian-12-bookworm"],
                    "mode": "READ_WRITE",
                    "source": f"{base}/zones/{zone}/disks/{name}",
                    "type": "PERSISTENT",
                }
            ],
            "fingerprint": base64.b64encode(r.getrandbits(64).to_bytes(8, "big")).decode(),
            "id": str(r.randint(10**18, 10**19 - 1)),
            "kind": "compute#instance",
            "labelFingerprint": "42WmSpB8rSM=",
            "lastStartTimestamp": compute_time(started),
            "machineType": f"{base}/zones/{zone}/machineTypes/{r.choice(MACHINES)}",
            "metadata": {
                "fingerprint": base64.b64encode(r.getrandbits(64).to_bytes(8, "big")).decode(),
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
            "shieldedInstanceConfig": {
                "enableIntegrityMonitoring": True,
                "enableSecureBoot": False,
                "enableVtpm": True,
            },
            "shieldedInstanceIntegrityPolicy": {"updateAutoLearnPolicy": True},
            "startRestricted": False,
            "status": status,
            "tags": {"fingerprint": "6smc4R4d39I=", "items": ["ssh"] if external else ["http-server"]},
            "zone": f"{base}/zones/{zone}",
        }

    def function(self, p: Project, index: int, user_managed: list[str]) -> Doc:
        r = self.rng
        region = r.choice(REGIONS)
        name = f"{r.choice(cat.APPS)}-{r.choice(('handler', 'trigger', 'webhook', 'job', 'indexer'))}-{index + 1}"
        email = self.runtime_account(p, user_managed)
        updated = self.moment(datetime(2023, 1, 1, tzinfo=UTC), EXPORT_TIME)
        if r.random() < 0.6:  # 2nd gen (v2 API shape)
            created = self.moment(datetime(2022, 6, 1, tzinfo=UTC), updated)
            run_hash = self.letters(10, "abcdefghijklmnopqrstuvwxyz0123456789")
            return {
                "buildConfig": {
                    "build": f"projects/{p.number}/locations/{region}/builds/{self.uuid()}",
                    "dockerRepository": f"projects/{p.id}/locations/{region}/repositories/gcf-artifacts",
                    "entryPoint": "handle",
                    "runtime": r.choice(("python312", "python311", "nodejs20", "go122")),
                    "source": {
                        "storageSource": {
                            "bucket": f"gcf-v2-sources-{p.number}-{region}",
                            "generation": str(int(updated.timestamp() * 1_000_000)),
                            "object": f"{name}/function-source.zip",
                        }
                    },
                },
                "createTime": self.nanos(created),
                "environment": "GEN_2",
                "labels": {"deployment-tool": "cli-gcloud"},
                "name": f"projects/{p.id}/locations/{region}/functions/{name}",
                "serviceConfig": {
                    "allTrafficOnLatestRevision": True,
                    "availableCpu": "0.1666",
                    "availableMemory": "256M",
                    "ingressSettings": r.choice(("ALLOW_ALL", "ALLOW_INTERNAL_ONLY")),
                    "maxInstanceCount": r.choice((3, 5, 10, 100)),
                    "maxInstanceRequestConcurrency": 1,
                    "revision": f"{name}-{r.randint(1, 40):05d}-{self.letters(3)}",
                    "service": f"projects/{p.id}/locations/{region}/services/{name}",
                    "serviceAccountEmail": email,
                    "timeoutSeconds": 60,
                    "uri": f"https://{name}-{run_hash}-uc.a.run.app",
                },
                "state": "ACTIVE",
                "updateTime": self.nanos(updated),
                "url": f"https://{region}-{p.id}.cloudfunctions.net/{name}",
            }
        build = self.uuid()
        return {
            "availableMemoryMb": r.choice((128, 256, 512)),
            "buildId": build,
            "buildName": f"projects/{p.number}/locations/{region}/builds/{build}",
            "dockerRegistry": "ARTIFACT_REGISTRY",
            "entryPoint": "handle",
            "httpsTrigger": {
                "securityLevel": "SECURE_ALWAYS",
                "url": f"https://{region}-{p.id}.cloudfunctions.net/{name}",
            },
            "ingressSettings": r.choice(("ALLOW_ALL", "ALLOW_INTERNAL_ONLY")),
            "labels": {"deployment-tool": "cli-gcloud"},
            "maxInstances": r.choice((3, 10, 50)),
            "name": f"projects/{p.id}/locations/{region}/functions/{name}",
            "runtime": r.choice(("python311", "python39", "nodejs18", "go121")),
            "serviceAccountEmail": email,
            "sourceArchiveUrl": (
                f"gs://gcf-sources-{p.number}-{region}/{name}-{self.hex(8)}/version-{r.randint(1, 20)}/"
                "function-source.zip"
            ),
            "status": "ACTIVE",
            "timeout": "60s",
            "updateTime": zulu(updated, 3),
            "versionId": str(r.randint(1, 20)),
        }

    def run_service(self, p: Project, index: int, user_managed: list[str]) -> Doc:
        r = self.rng
        region = r.choice(REGIONS)
        name = f"{r.choice(cat.APPS)}-{r.choice(('api', 'web', 'svc', 'gateway', 'worker'))}-{index + 1}"
        email = self.runtime_account(p, user_managed)
        run_hash = self.letters(10, "abcdefghijklmnopqrstuvwxyz0123456789")
        generation = r.randint(1, 40)
        revision = f"{name}-{generation:05d}-{self.letters(3)}"
        created = self.moment(datetime(2022, 1, 1, tzinfo=UTC), EXPORT_TIME - timedelta(days=3))
        ready = self.moment(created, EXPORT_TIME)
        urls = [f"https://{name}-{p.number}.{region}.run.app", f"https://{name}-{run_hash}-uc.a.run.app"]
        ingress = r.choice(("all", "internal", "internal-and-cloud-load-balancing"))
        return {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {
                "annotations": {
                    "run.googleapis.com/client-name": "gcloud",
                    "run.googleapis.com/client-version": "546.0.0",
                    "run.googleapis.com/ingress": ingress,
                    "run.googleapis.com/ingress-status": ingress,
                    "run.googleapis.com/operation-id": self.uuid(),
                    "run.googleapis.com/urls": json.dumps(urls),
                    "serving.knative.dev/creator": r.choice((email, r.choice(self.e.people))),
                    "serving.knative.dev/lastModifier": email,
                },
                "creationTimestamp": zulu(created, 6),
                "generation": generation,
                "labels": {"cloud.googleapis.com/location": region},
                "name": name,
                "namespace": p.number,
                "resourceVersion": base64.b64encode(r.getrandbits(64).to_bytes(8, "big")).decode().rstrip("="),
                "selfLink": f"/apis/serving.knative.dev/v1/namespaces/{p.number}/services/{name}",
                "uid": self.uuid(),
            },
            "spec": {
                "template": {
                    "metadata": {
                        "annotations": {
                            "autoscaling.knative.dev/maxScale": str(r.choice((3, 10, 20, 100))),
                            "run.googleapis.com/client-name": "gcloud",
                            "run.googleapis.com/client-version": "546.0.0",
                            "run.googleapis.com/startup-cpu-boost": "true",
                        },
                        "labels": {
                            "client.knative.dev/nonce": self.letters(10),
                            "run.googleapis.com/startupProbeType": "Default",
                        },
                    },
                    "spec": {
                        "containerConcurrency": 80,
                        "containers": [
                            {
                                "image": f"{region}-docker.pkg.dev/{p.id}/app/{name}@sha256:{self.hex(64)}",
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
                        "serviceAccountName": email,
                        "timeoutSeconds": 300,
                    },
                },
                "traffic": [{"latestRevision": True, "percent": 100}],
            },
            "status": {
                "address": {"url": urls[1]},
                "conditions": [
                    {"lastTransitionTime": zulu(ready, 6), "status": "True", "type": "Ready"},
                    {"lastTransitionTime": zulu(ready, 6), "status": "True", "type": "ConfigurationsReady"},
                    {"lastTransitionTime": zulu(ready, 6), "status": "True", "type": "RoutesReady"},
                ],
                "latestCreatedRevisionName": revision,
                "latestReadyRevisionName": revision,
                "observedGeneration": generation,
                "traffic": [{"latestRevision": True, "percent": 100, "revisionName": revision}],
                "url": urls[1],
            },
        }

    def federation(self, p: Project) -> None:
        r = self.rng
        pool = f"projects/{p.number}/locations/global/workloadIdentityPools/github"
        pools = [
            {
                "description": "GitHub Actions workflows",
                "displayName": "GitHub Actions",
                "name": pool,
                "state": "ACTIVE",
            }
        ]
        providers = []
        for i in range(r.randint(1, 3)):
            provider: Doc = {
                "attributeMapping": {
                    "attribute.repository": "assertion.repository",
                    "attribute.repository_owner": "assertion.repository_owner",
                    "google.subject": "assertion.sub",
                },
                "description": f"GitHub Actions provider {i + 1}",
                "displayName": f"GitHub {i + 1}",
                "name": f"{pool}/providers/github-{i + 1}",
                "oidc": {"issuerUri": GITHUB},
                "state": "ACTIVE" if r.random() < 0.9 else "DISABLED",
            }
            if r.random() < 0.6:
                owner = r.choice(("northwind", "northwind", "northwind-labs"))
                provider["attributeCondition"] = r.choice(
                    (
                        f"assertion.repository_owner == '{owner}'",
                        f"assertion.repository == '{owner}/{p.app}-deploy'",
                        f"assertion.repository_owner == '{owner}' && assertion.ref == 'refs/heads/main'",
                    )
                )
            providers.append(provider)
        self.put(f"projects/{p.id}/workload-identity-pools.json", pools)
        self.put(f"projects/{p.id}/workload-identity-providers.json", providers)

    # ------------------------------------------------------------------ Activity Analyzer
    def sa_activity(self, p: Project, listing: list[Doc]) -> list[Doc]:
        r = self.rng
        result = []
        for sa in listing:
            if r.random() >= 0.8:
                continue  # no authentication in the observation period
            days = r.choice((r.uniform(0, 3), r.uniform(0, 30), r.uniform(0, 540)))
            name = f"//iam.googleapis.com/projects/{p.id}/serviceAccounts/{sa['email']}"
            result.append(
                {
                    "activity": {
                        "lastAuthenticatedTime": pacific_midnight(JUDGED_AT - timedelta(days=1 + int(days))),
                        "serviceAccount": {
                            "fullResourceName": name,
                            "projectNumber": p.number,
                            "serviceAccountId": sa["uniqueId"],
                        },
                    },
                    "activityType": "serviceAccountLastAuthentication",
                    "fullResourceName": name,
                    "observationPeriod": OBSERVATION,
                }
            )
        return result

    def key_activity(
        self, p: Project, used: list[tuple[str, str, datetime, datetime]], ids: dict[str, str]
    ) -> list[Doc]:
        result = []
        for email, key_id, _, last in used:
            name = f"//iam.googleapis.com/projects/{p.id}/serviceAccounts/{email}/keys/{key_id}"
            result.append(
                {
                    "activity": {
                        "lastAuthenticatedTime": pacific_midnight(min(last.date(), OBSERVATION_END)),
                        "serviceAccountKey": {
                            "fullResourceName": name,
                            "projectNumber": p.number,
                            "serviceAccountId": ids[email],
                        },
                    },
                    "activityType": "serviceAccountKeyLastAuthentication",
                    "fullResourceName": name,
                    "observationPeriod": OBSERVATION,
                }
            )
        return result


def generate(service_accounts: int, projects: int, out_dir: Path, seed: int = 1) -> dict[str, int]:
    """Write the estate into out_dir (the `collect gcp` layout); return counts."""
    rng = random.Random(seed)
    estate = Estate(service_accounts, projects, rng)
    gen = Generator(estate, rng, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gen.organization()
    for project in estate.projects:
        gen.project(project)
    return {
        "service_accounts": len(estate.all_accounts),
        "projects": len(estate.projects),
        "folders": len(estate.folders),
        "files": gen.files,
        "bytes": gen.bytes,
        "keys": gen.counts["keys"],
        "workloads": gen.counts["workloads"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic GCP organisation export (collect gcp layout).")
    parser.add_argument("--service-accounts", type=int, default=10_000, help="service accounts in all (default 10000)")
    parser.add_argument("--projects", type=int, default=100, help="projects (default 100)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.projects < 1 or args.service_accounts < args.projects:
        parser.error("need at least one project and at least one service account per project")
    started = time.perf_counter()
    counts = generate(args.service_accounts, args.projects, args.out, args.seed)
    elapsed = time.perf_counter() - started
    print(
        f"{args.out}: {counts['service_accounts']} service accounts, {counts['projects']} projects, "
        f"{counts['folders']} folders, {counts['keys']} keys, {counts['workloads']} workloads; "
        f"{counts['files']} files, {counts['bytes'] / 1e6:.1f} MB; {elapsed:.1f} s",
        file=sys.stderr,
    )
    warn_stray_files(args.out, counts["files"], "estate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
