"""`aws iam list-access-keys` output: key ids, status and creation dates of a user's keys."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.records import AccessKeyList, AccessKeyRecord
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.redact import quote


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "AccessKeyMetadata" in value


def load(source: str, value: object) -> AccessKeyList:
    document = Fields(value, source)
    keys = []
    for item in document.objects("AccessKeyMetadata"):
        status = item.string("Status")
        if status not in ("Active", "Inactive", "Expired"):
            raise item.error("Status", f"unknown key status {quote(status)} (expected Active or Inactive)")
        keys.append(
            AccessKeyRecord(
                user=item.string("UserName"),
                key_id=item.string("AccessKeyId"),
                active=status == "Active",
                created=item.timestamp("CreateDate"),
            )
        )
    return AccessKeyList(keys=tuple(keys))


FORMAT = InputFormat(
    name="aws-list-access-keys",
    provider=AWS,
    description="aws iam list-access-keys",
    sniff_json=sniff,
    load=load,
)
