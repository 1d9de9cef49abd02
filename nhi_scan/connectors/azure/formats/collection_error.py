"""A record, written by `nhi-scan collect azure`, of something that could not be collected (a tenant listing, a
subscription, a call).

Loading it always fails with the recorded reason, so the scan of a partial collection is marked incomplete as the
live scan was, and `--strict` exits 2 for both."""

from __future__ import annotations

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError

KEY = "NhiScanCollectionError"


def sniff(value: object) -> bool:
    record = value.get(KEY) if isinstance(value, dict) else None
    return isinstance(record, dict) and str(record.get("Provider") or "").lower() == "azure"


def load(source: str, value: object) -> None:
    record = Fields(value, source).obj(KEY)
    if record is None:
        raise InputError(source, "collection error record without details", field=KEY)
    scope = record.opt_str("Scope") or record.opt_str("Subscription") or record.opt_str("Tenant")
    call = f": {record.opt_str('Call')} failed" if record.opt_str("Call") else ""
    impact = f" ({record.opt_str('Impact')})" if record.opt_str("Impact") else ""
    raise InputError(
        source,
        f"{scope or record.opt_str('Account') or 'unknown scope'}: {record.opt_str('Phase') or 'collection'} "
        f"not collected{call}: {record.opt_str('Error') or 'unknown error'}{impact}",
    )


FORMAT = InputFormat(
    name="azure-collection-error",
    provider=AZURE,
    description="nhi-scan collect azure: what could not be collected",
    sniff_json=sniff,
    load=load,
)
