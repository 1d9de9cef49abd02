"""`gcloud iam workload-identity-pools (providers) list --format=json`: who outside Google may federate in.

A pool carries one fact its providers need: whether it is disabled (then none of them admits a token)."""

from __future__ import annotations

import re

from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.formats._common import items, name_has, sniff_items
from nhi_scan.connectors.gcp.records import PoolProviderRecord, PoolRecord, Records
from nhi_scan.connectors.gcp.rest import pool_provider


def _is_pool_or_provider(item: dict[str, object]) -> bool:
    return name_has(item, "/workloadIdentityPools/")


def sniff(value: object) -> bool:
    return sniff_items(value, _is_pool_or_provider, page_key="workloadIdentityPoolProviders") or sniff_items(
        value, _is_pool_or_provider, page_key="workloadIdentityPools"
    )


_POOL = re.compile(r"^(//iam\.googleapis\.com/)?projects/[^/]+/locations/[^/]+/workloadIdentityPools/[^/]+$")


def load(source: str, value: object) -> Records:
    key = "workloadIdentityPools" if isinstance(value, dict) and "workloadIdentityPools" in value else None
    found: list[PoolProviderRecord | PoolRecord] = []
    for entry in items(source, value, page_key=key or "workloadIdentityPoolProviders"):
        name = entry.string("name")
        if _POOL.match(name):  # a pool: its providers say who may federate, unless it is disabled
            disabled = bool(entry.opt_bool("disabled")) or entry.opt_str("state") == "DELETED"
            found.append(PoolRecord(name=name, disabled=disabled, source=source))
            continue
        found.append(pool_provider(entry))  # names the field when the name is neither pool nor provider
    return Records(tuple(found))


FORMAT = InputFormat(
    name="gcp-workload-identity",
    provider=GCP,
    description="gcloud iam workload-identity-pools (providers) list",
    sniff_json=sniff,
    load=load,
    file_names=("workload-identity-pools.json", "workload-identity-providers.json"),
)
