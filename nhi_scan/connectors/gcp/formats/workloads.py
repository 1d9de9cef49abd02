"""What runs as service accounts, as gcloud lists it: `compute instances list` (or the aggregated REST list),
`functions list` (v1 and v2), `run services list` (Knative shape or v2 REST) and Vertex AI reasoning engines
(the REST list ``{"reasoningEngines": [...]}``)."""

from __future__ import annotations

from collections.abc import Callable

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, sniff_items
from nhi_scan.connectors.gcp.records import Records, WorkloadRecord
from nhi_scan.connectors.gcp.rest import function, instance, reasoning_engine, run_service


def _is_instance(item: dict[str, object]) -> bool:
    return item.get("kind") == "compute#instance" or ("machineType" in item and "zone" in item)


def _is_function(item: dict[str, object]) -> bool:
    return name_has(item, "/functions/") and any(
        k in item for k in ("serviceAccountEmail", "serviceConfig", "buildConfig", "runtime", "entryPoint")
    )


def _is_run_service(item: dict[str, object]) -> bool:
    knative = str(item.get("apiVersion", "")).startswith("serving.knative.dev/") and item.get("kind") == "Service"
    return knative or (name_has(item, "/services/") and "template" in item)


def _is_reasoning_engine(item: dict[str, object]) -> bool:
    return name_has(item, "/reasoningEngines/")


#: (recognises an item, REST page key, reads it)
_KINDS: tuple[tuple[Callable[[dict[str, object]], bool], str, Callable[[Fields], WorkloadRecord]], ...] = (
    (_is_instance, "items", instance),
    (_is_function, "functions", function),
    (_is_run_service, "services", run_service),
    (_is_reasoning_engine, "reasoningEngines", reasoning_engine),
)


def _aggregated(value: object) -> list[object] | None:
    """The instances of a REST aggregated list: ``{"items": {"zones/z": {"instances": [...]}}}``."""
    if isinstance(value, dict) and isinstance(value.get("items"), dict):
        return [
            i for scoped in value["items"].values() if isinstance(scoped, dict) for i in scoped.get("instances", [])
        ]
    return None


def sniff(value: object) -> bool:
    aggregated = _aggregated(value)
    if aggregated is not None:
        return all(isinstance(i, dict) and _is_instance(i) for i in aggregated)
    return any(sniff_items(value, test, page_key=key) for test, key, _ in _KINDS)


def load(source: str, value: object) -> Records:
    aggregated = _aggregated(value)
    if aggregated is not None:
        return Records(tuple(instance(entry) for entry in items(source, aggregated)))
    for test, key, read in _KINDS:
        if sniff_items(value, test, page_key=key):
            return Records(tuple(read(entry) for entry in items(source, value, page_key=key)))
    return Records(())


FORMAT = InputFormat(
    name="gcp-workloads",
    provider=GCP,
    description="gcloud compute instances / functions / run services list, Vertex AI reasoning engines",
    sniff_json=sniff,
    load=load,
    file_names=("compute-instances.json", "functions.json", "run-services.json", "reasoning-engines.json"),
)
