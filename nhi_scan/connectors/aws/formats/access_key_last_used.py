"""`aws iam get-access-key-last-used` output.

The API answer does not repeat the key id, so it is taken from an ``AccessKeyId`` field when present
(nhi-scan's own collection adds it) or from the file name (e.g. ``last-used-AKIA....json``).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.records import AccessKeyLastUsed
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat

_KEY_ID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}")
_NONE = frozenset({"N/A", ""})


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "AccessKeyLastUsed" in value


def load(source: str, value: object) -> AccessKeyLastUsed:
    document = Fields(value, source)
    usage = document.obj("AccessKeyLastUsed")
    if usage is None:
        raise document.error("AccessKeyLastUsed", "missing required field")
    key_id = document.opt_str("AccessKeyId")
    if key_id is None:
        match = _KEY_ID.search(PurePath(source).name)
        key_id = match.group(0) if match else None
    service = usage.opt_str("ServiceName")
    region = usage.opt_str("Region")
    return AccessKeyLastUsed(
        user=document.string("UserName"),
        key_id=key_id,
        last_used=usage.timestamp("LastUsedDate"),
        service=None if service in _NONE else service,
        region=None if region in _NONE else region,
        source=source,
    )


FORMAT = InputFormat(
    name="aws-access-key-last-used",
    provider=AWS,
    description="aws iam get-access-key-last-used",
    sniff_json=sniff,
    load=load,
)
