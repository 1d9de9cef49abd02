"""A record, written by `nhi-scan collect`, of the workload kinds it listed in full in an account.

A listing that found nothing is evidence too: with it, "no Lambda function runs as this role" is known rather
than unknown. Kinds count as listed in full only when every enabled region was listed without error.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import WorkloadListing
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat

KEY = "NhiScanWorkloadListing"


def sniff(value: object) -> bool:
    return isinstance(value, dict) and KEY in value


def load(source: str, value: object) -> WorkloadListing:
    record = Fields(value, source).obj(KEY)
    assert record is not None  # sniffed
    return WorkloadListing(
        account=record.string("Account"),
        regions=tuple(record.strings("Regions")),
        all_regions=bool(record.opt_bool("AllRegions")),
        kinds=tuple(record.strings("Kinds")),
    )


FORMAT = InputFormat(
    name="aws-workload-listing",
    provider=AWS,
    description="nhi-scan collect: workload kinds listed in full",
    sniff_json=sniff,
    load=load,
)
