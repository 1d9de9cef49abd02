"""A record, written by `nhi-scan collect`, of which accounts were scanned, partly scanned or not scanned.

It turns into warnings of the scan ("account X was not scanned: why"), next to the collection-error records that
mark the scan incomplete, so a report of a partial organisation says so in its summary as well.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import CollectionSummary
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat

KEY = "NhiScanCollection"


def sniff(value: object) -> bool:
    return isinstance(value, dict) and KEY in value


def load(source: str, value: object) -> CollectionSummary:
    record = Fields(value, source).obj(KEY)
    assert record is not None  # sniffed
    return CollectionSummary(
        accounts=tuple(record.strings("Accounts")),
        not_scanned=tuple((item.string("Account"), item.string("Reason")) for item in record.objects("NotScanned")),
        partial=tuple(record.strings("Partial")),
    )


FORMAT = InputFormat(
    name="aws-collection-summary",
    provider=AWS,
    description="nhi-scan collect: accounts scanned and not scanned",
    sniff_json=sniff,
    load=load,
)
