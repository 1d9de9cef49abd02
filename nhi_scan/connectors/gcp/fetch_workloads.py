"""Workloads (what runs as a service account) and usage, over REST: Compute Engine instances, Cloud Functions,
Cloud Run services, Vertex AI Agent Engine (reasoning engines), and Activity Analyzer's last authentications.

Each listing returns its items in the shape gcloud prints, and the locations it could not reach. Values that
commonly hold secrets (instance metadata such as startup scripts, environment variables) are dropped before
anything is kept: only their names remain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from nhi_scan.connectors.gcp import fetch_permissions as perm
from nhi_scan.connectors.gcp.fetch_http import ApiError, GcpEndpoints, Rest

#: Instance metadata whose values are settings, not secrets; every other value is dropped (its key is kept).
SAFE_METADATA = frozenset(
    {
        "enable-oslogin",
        "enable-oslogin-2fa",
        "enable-oslogin-sk",
        "block-project-ssh-keys",
        "serial-port-enable",
        "enable-guest-attributes",
        "enable-windows-ssh",
        "google-logging-enabled",
        "google-monitoring-enabled",
    }
)
#: Regions of Vertex AI Agent Engine (it has no global listing); an API that is off answers once for all of them.
AGENT_ENGINE_REGIONS = (
    "us-central1",
    "us-east1",
    "us-east4",
    "us-west1",
    "northamerica-northeast2",
    "southamerica-east1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-southwest1",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast3",
    "asia-south1",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast2",
)
ACTIVITY_TYPES = {
    "serviceAccountKeyLastAuthentication": perm.KEY_ACTIVITY,
    "serviceAccountLastAuthentication": perm.SA_ACTIVITY,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Listing:
    items: list[dict[str, Any]]
    #: Locations (zones, regions) the API could not answer for: their items are unknown.
    unreachable: list[str] = field(default_factory=list)


def _strings(values: object) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _without_metadata_values(instance: dict[str, Any]) -> dict[str, Any]:
    metadata = instance.get("metadata")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("items"), list):
        return instance
    items = [
        item if item.get("key") in SAFE_METADATA else {"key": item.get("key")}
        for item in metadata["items"]
        if isinstance(item, dict)
    ]
    return {**instance, "metadata": {**metadata, "items": items}}


def instances(rest: Rest, endpoints: GcpEndpoints, project: str) -> Listing:
    """``gcloud compute instances list``: the aggregated listing (every zone), flattened."""
    url = f"{endpoints.compute}/compute/v1/projects/{quote(project, safe=':')}/aggregated/instances"
    params = {"maxResults": 500, "returnPartialSuccess": "true"}
    found: list[dict[str, Any]] = []
    unreachable: list[str] = []
    for page in rest.pages(url, perm.INSTANCES_LIST, params):
        scopes = page.get("items")
        for scoped in scopes.values() if isinstance(scopes, dict) else ():
            if isinstance(scoped, dict):
                found.extend(_without_metadata_values(i) for i in scoped.get("instances") or () if isinstance(i, dict))
        unreachable.extend(_strings(page.get("unreachables")))
    return Listing(items=found, unreachable=unreachable)


def _without_env_values(function: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in function.items() if k not in ("environmentVariables", "buildEnvironmentVariables")}
    for part in ("serviceConfig", "buildConfig"):
        config = cleaned.get(part)
        if isinstance(config, dict) and "environmentVariables" in config:
            cleaned[part] = {k: v for k, v in config.items() if k != "environmentVariables"}
    return cleaned


def functions(rest: Rest, endpoints: GcpEndpoints, project: str) -> Listing:
    """``gcloud functions list``: the v2 API lists 1st- and 2nd-gen functions of every region."""
    url = f"{endpoints.functions}/v2/projects/{quote(project, safe=':')}/locations/-/functions"
    found: list[dict[str, Any]] = []
    unreachable: list[str] = []
    for page in rest.pages(url, perm.FUNCTIONS_LIST, {"pageSize": 1000}):
        found.extend(_without_env_values(f) for f in page.get("functions") or () if isinstance(f, dict))
        unreachable.extend(_strings(page.get("unreachable")))
    return Listing(items=found, unreachable=unreachable)


def _without_container_env(service: dict[str, Any]) -> dict[str, Any]:
    template = ((service.get("spec") or {}).get("template") or {}).get("spec")
    if not isinstance(template, dict) or not isinstance(template.get("containers"), list):
        return service
    containers = []
    for container in template["containers"]:
        if isinstance(container, dict) and isinstance(container.get("env"), list):
            env = [{k: v for k, v in e.items() if k != "value"} for e in container["env"] if isinstance(e, dict)]
            container = {**container, "env": env}
        containers.append(container)
    spec = {
        **service["spec"],
        "template": {**service["spec"]["template"], "spec": {**template, "containers": containers}},
    }
    return {**service, "spec": spec}


def _continue(page: Mapping[str, Any]) -> object:
    metadata = page.get("metadata")
    return metadata.get("continue") if isinstance(metadata, dict) else None


def run_services(rest: Rest, endpoints: GcpEndpoints, project: str) -> Listing:
    """``gcloud run services list``: Knative-shaped services of every region (the global endpoint lists all)."""
    url = f"{endpoints.run}/apis/serving.knative.dev/v1/namespaces/{quote(project, safe=':')}/services"
    found: list[dict[str, Any]] = []
    unreachable: list[str] = []
    for page in rest.pages(url, perm.RUN_SERVICES_LIST, {"limit": 500}, token_param="continue", next_token=_continue):
        found.extend(_without_container_env(s) for s in page.get("items") or () if isinstance(s, dict))
        unreachable.extend(_strings(page.get("unreachable")))
    return Listing(items=found, unreachable=unreachable)


def _without_deployment_env(engine: dict[str, Any]) -> dict[str, Any]:
    spec = engine.get("spec")
    if not isinstance(spec, dict) or not isinstance(spec.get("deploymentSpec"), dict):
        return engine
    deployment: dict[str, Any] = spec["deploymentSpec"]
    if not isinstance(deployment.get("env"), list):
        return engine
    env = [{k: v for k, v in e.items() if k != "value"} for e in deployment["env"] if isinstance(e, dict)]
    return {**engine, "spec": {**spec, "deploymentSpec": {**deployment, "env": env}}}


def reasoning_engines_in(rest: Rest, endpoints: GcpEndpoints, project: str, region: str) -> list[dict[str, Any]]:
    """One region's agents; a region Agent Engine does not serve answers 404 and has none."""
    base = endpoints.aiplatform.format(location=region)
    url = f"{base}/v1/projects/{quote(project, safe=':')}/locations/{region}/reasoningEngines"
    try:
        found = rest.listed(url, perm.REASONING_ENGINES_LIST, "reasoningEngines", {"pageSize": 100})
    except ApiError as exc:
        if exc.missing:
            return []
        raise
    return [_without_deployment_env(engine) for engine in found]


def activities(rest: Rest, endpoints: GcpEndpoints, project: str, activity_type: str) -> list[dict[str, Any]]:
    """``gcloud policy-intelligence query-activity``: last authentication of each service account or key."""
    url = (
        f"{endpoints.policyanalyzer}/v1/projects/{quote(project, safe=':')}/locations/global/activityTypes/"
        f"{activity_type}/activities:query"
    )
    return rest.listed(url, ACTIVITY_TYPES[activity_type], "activities", {"pageSize": 1000})
