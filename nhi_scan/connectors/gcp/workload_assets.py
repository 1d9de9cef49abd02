"""Cloud Asset workloads beyond instances, functions and Cloud Run services: where each asset type names the service
accounts it runs as (field paths of its REST representation). One table entry per asset type."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.gcp.records import WorkloadRecord
from nhi_scan.connectors.gcp.rest import short_name

#: asset type -> (workload kind, paths to service account fields; "[]" walks an array).
ACCOUNT_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "run.googleapis.com/Job": (
        "cloud-run-job",
        ("template.template.serviceAccount", "spec.template.spec.template.spec.serviceAccountName"),
    ),
    "cloudscheduler.googleapis.com/Job": (
        "cloud-scheduler-job",
        ("httpTarget.oauthToken.serviceAccountEmail", "httpTarget.oidcToken.serviceAccountEmail"),
    ),
    "cloudbuild.googleapis.com/BuildTrigger": ("cloud-build-trigger", ("serviceAccount",)),
    "composer.googleapis.com/Environment": ("composer-environment", ("config.nodeConfig.serviceAccount",)),
    "dataflow.googleapis.com/Job": ("dataflow-job", ("environment.serviceAccountEmail",)),
    "dataproc.googleapis.com/Cluster": ("dataproc-cluster", ("config.gceClusterConfig.serviceAccount",)),
    "container.googleapis.com/Cluster": (
        "gke-cluster",
        ("nodeConfig.serviceAccount", "nodePools[].config.serviceAccount"),
    ),
    "compute.googleapis.com/InstanceTemplate": ("compute-instance-template", ("properties.serviceAccounts[].email",)),
}
_EMAIL = re.compile(r"([^/\s]+@[^/\s]+)$")
_PROJECT = re.compile(r"projects/([^/]+)")


def _values(value: object, path: list[str]) -> Iterator[str]:
    if not path:
        if isinstance(value, str) and value:
            yield value
        return
    head, rest = path[0], path[1:]
    walk = head.endswith("[]")
    key = head[:-2] if walk else head
    child = value.get(key) if isinstance(value, dict) else None
    if walk:
        for item in child if isinstance(child, list) else ():
            yield from _values(item, rest)
    else:
        yield from _values(child, rest)


def reader(asset_type: str, ancestors_project: str | None) -> Callable[[Fields], WorkloadRecord] | None:
    found = ACCOUNT_FIELDS.get(asset_type)
    if found is None:
        return None
    kind, paths = found

    def read(data: Fields) -> WorkloadRecord:
        name = short_name(data.opt_str("name") or data.opt_str("id") or kind)
        emails = []
        for path in paths:
            for value in _values(data.raw, path.split(".")):
                match = _EMAIL.search(value)  # build triggers name "projects/P/serviceAccounts/EMAIL"
                if match and match.group(1) not in emails:
                    emails.append(match.group(1))
        project = _PROJECT.match(name)
        owner = project.group(1) if project else ancestors_project
        if owner is None:
            raise data.error("name", f"the {kind} does not say its project")
        return WorkloadRecord(
            id=name if name.startswith("projects/") else f"projects/{owner}/{kind}/{name}",
            kind=kind,
            name=name.rsplit("/", 1)[-1],
            project=owner,
            service_accounts=tuple(emails),
            source=data.source,
        )

    return read
