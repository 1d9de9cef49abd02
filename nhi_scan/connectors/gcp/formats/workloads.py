"""What runs as service accounts, as gcloud lists it: `compute instances list` (or the aggregated REST list),
`functions list` (v1 and v2), `run services list` (Knative shape or v2 REST) and Vertex AI reasoning engines
(the REST list ``{"reasoningEngines": [...]}``)."""

from __future__ import annotations

from collections.abc import Callable

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, read_each, sniff_items
from nhi_scan.connectors.gcp.records import Records, WorkloadRecord
from nhi_scan.connectors.gcp.rest import function, instance, reasoning_engine, run_service
from nhi_scan.errors import InputError


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
    """The instances of a REST aggregated list: ``{"kind": "compute#instanceAggregatedList", "items": {"zones/z":
    {"instances": [...]}}}`` (None when the value is not one)."""
    if not isinstance(value, dict) or not isinstance(value.get("items"), dict):
        return None
    scopes = value["items"]
    if value.get("kind") != "compute#instanceAggregatedList" and not all(str(k).startswith("zones/") for k in scopes):
        return None
    found: list[object] = []
    for zone, scoped in scopes.items():
        if not isinstance(scoped, dict) or "instances" not in scoped:
            continue  # a zone with a warning ("no results") and no instances
        instances = scoped["instances"]
        if not isinstance(instances, list):
            raise InputError("", f"items.{zone}.instances is not an array")
        found.extend(instances)
    return found


def sniff(value: object) -> bool:
    try:
        aggregated = _aggregated(value)
    except InputError:
        return True  # recognisably an aggregated list: ``load`` names what is wrong
    if aggregated is not None:
        return all(isinstance(i, dict) and _is_instance(i) for i in aggregated)
    return any(sniff_items(value, test, page_key=key) for test, key, _ in _KINDS)


def load(source: str, value: object) -> Records:
    try:
        aggregated = _aggregated(value)
    except InputError as exc:
        raise InputError(source, exc.detail) from None
    if aggregated is not None:
        return Records(read_each(items(source, aggregated), instance))
    for test, key, read in _KINDS:
        if sniff_items(value, test, page_key=key):
            return Records(read_each(items(source, value, page_key=key), read))
    if _empty(value):
        return Records(())
    raise InputError(source, "not a list of instances, functions, Cloud Run services or reasoning engines")


def _empty(value: object) -> bool:
    """An empty answer: ``[]``, a REST page without items (``{}``) or with an empty list."""
    if isinstance(value, list):
        return not value
    return isinstance(value, dict) and all(v == [] for k, v in value.items() if k in {key for _, key, _ in _KINDS})


FORMAT = InputFormat(
    name="gcp-workloads",
    provider=GCP,
    description="gcloud compute instances / functions / run services list, Vertex AI reasoning engines",
    sniff_json=sniff,
    load=load,
    file_names=("compute-instances.json", "functions.json", "run-services.json", "reasoning-engines.json"),
)
