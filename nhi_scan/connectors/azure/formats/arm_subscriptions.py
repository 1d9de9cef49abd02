"""``az account list`` (id = the subscription GUID, tenantId, name, state) or the REST / ``az rest`` shape
(id = ``/subscriptions/GUID``, subscriptionId, displayName)."""

from __future__ import annotations

import re

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.arm import subscription
from nhi_scan.connectors.azure.formats._common import any_of, has, items, sniff_items
from nhi_scan.connectors.azure.records import Records
from nhi_scan.connectors.formats import InputFormat

_GUID = re.compile(r"^[0-9a-fA-F-]{36}$")


def is_subscription(item: dict[str, object]) -> bool:
    if has(item, "id", "tenantId") and _GUID.match(str(item["id"])):
        return any_of(item, "homeTenantId", "cloudName", "isDefault", "state")
    return (
        has(item, "subscriptionId", "id")
        and re.match(r"^/subscriptions/[^/]+$", str(item["id"]), re.IGNORECASE) is not None
        and any_of(item, "subscriptionPolicies", "state", "displayName")
    )


def sniff(value: object) -> bool:
    return sniff_items(value, is_subscription)


def load(source: str, value: object) -> Records:
    return Records(tuple(subscription(entry) for entry in items(source, value)))


FORMAT = InputFormat(
    name="azure-arm-subscriptions",
    provider=AZURE,
    description="az account list (subscriptions)",
    sniff_json=sniff,
    load=load,
    file_names=("subscriptions.json",),
)
