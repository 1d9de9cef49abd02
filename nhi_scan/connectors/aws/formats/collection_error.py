"""A record, written by `nhi-scan collect`, of something that could not be collected (an account, a call).

Loading it always fails with the recorded reason, so the scan of a partial snapshot is marked incomplete exactly
as the live scan was, and `--strict` exits 2 for both.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError

KEY = "NhiScanCollectionError"


def sniff(value: object) -> bool:
    """Records of the AWS collector (older ones name no provider; other clouds' name theirs)."""
    if not isinstance(value, dict) or KEY not in value:
        return False
    record = value[KEY]
    return not isinstance(record, dict) or str(record.get("Provider") or "aws").lower() == "aws"


def describe(record: Fields) -> str:
    where = f"account {record.opt_str('Account') or 'unknown'}"
    if record.opt_str("Region"):
        where += f" ({record.opt_str('Region')})"
    detail = f"{where}: {record.opt_str('Phase') or 'collection'} not collected"
    if record.opt_str("Call"):
        detail += f": {record.opt_str('Call')} failed"
    detail += f": {record.opt_str('Error') or 'unknown error'}"
    if record.opt_str("Impact"):
        detail += f" ({record.opt_str('Impact')})"
    return detail


def load(source: str, value: object) -> None:
    record = Fields(value, source).obj(KEY)
    if record is None:
        raise InputError(source, "collection error record without details", field=KEY)
    raise InputError(source, describe(record))


FORMAT = InputFormat(
    name="aws-collection-error",
    provider=AWS,
    description="nhi-scan collect: what could not be collected",
    sniff_json=sniff,
    load=load,
)
