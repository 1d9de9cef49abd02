"""The Azure live collector behind `scan --azure` and `collect azure` (GETs only; see ``fetch``).

Importing this module imports no Azure SDK: azure-identity and azure-core are imported when a collection runs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nhi_scan.errors import NhiScanError, UsageError
from nhi_scan.plugin import CollectUi, LiveCollector, LiveOption

OPTIONS = (
    LiveOption(
        name="azure_tenant",
        flags=("--tenant",),
        help="With --azure: tenant (ID or domain) to scan (default: the credentials' home tenant).",
    ),
    LiveOption(
        name="azure_subscriptions",
        flags=("--subscription",),
        help="With --azure: subscription ID to scan (repeat; default: every subscription the credentials can see).",
        type=list[str],
    ),
)
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")


def check_tenant(tenant: str | None) -> str | None:
    if tenant is None or not tenant.strip():
        return None
    value = tenant.strip().lower()
    if not (_GUID.match(value) or _DOMAIN.match(value)):
        raise UsageError(f"--tenant {tenant!r}: not a tenant ID (a GUID) or domain (contoso.onmicrosoft.com)")
    return value


def check_subscriptions(subscriptions: Sequence[str] | None) -> tuple[str, ...]:
    values = tuple(
        dict.fromkeys(
            s.strip().lower().removeprefix("/subscriptions/")
            for value in subscriptions or ()
            for s in value.split(",")
            if s.strip()
        )
    )
    for subscription in values:
        if not _GUID.match(subscription):
            raise UsageError(f"--subscription {subscription!r}: not a subscription ID (a GUID)")
    return values


def collect(out: Path, values: Mapping[str, Any], ui: CollectUi) -> bool:
    """Collect into ``out``; True when everything was collected. NhiScanError when nothing usable was."""
    from nhi_scan.connectors.azure.fetch import FetchOptions
    from nhi_scan.connectors.azure.fetch import collect as fetch

    options = FetchOptions(
        tenant=check_tenant(values.get("azure_tenant")),
        subscriptions=check_subscriptions(values.get("azure_subscriptions")),
        subscription_workers=int(values.get("workers") or 4),
    )
    result = fetch(out, options, ui)
    scanned = [s for s in result.subscriptions if s not in result.failed_subscriptions]
    if not result.graph_listings and not scanned:
        reasons = "; ".join(f.line() for f in result.failures[:3]) or "no listing answered"
        raise NhiScanError(f"nothing could be collected from Azure: {reasons}")
    return result.complete


def validate(values: Mapping[str, Any], enabled: bool) -> None:
    check_tenant(values.get("azure_tenant"))
    check_subscriptions(values.get("azure_subscriptions"))
    given = [o.flags[0] for o in OPTIONS if values.get(o.name)]
    if given and not enabled:
        raise UsageError(f"{' / '.join(given)} needs --azure (or use nhi-scan collect azure)")


def _register_collect(app: Any) -> None:
    from nhi_scan.connectors.azure.cli import register

    register(app)


COLLECTOR = LiveCollector(
    help="Scan Azure / Microsoft Entra live (read-only calls) instead of exports.",
    options=OPTIONS,
    collect=collect,
    validate=validate,
    register_collect=_register_collect,
)
