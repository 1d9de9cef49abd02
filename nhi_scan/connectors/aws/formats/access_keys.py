"""`aws iam list-access-keys` output: key ids, status and creation dates of a user's keys."""

from __future__ import annotations

import re

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.records import AccessKeyList, AccessKeyRecord
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.unreadable import note_unreadable, readable, refuse_if_nothing_read
from nhi_scan.errors import InputError
from nhi_scan.redact import quote


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "AccessKeyMetadata" in value


#: An access key id: four letters (AKIA, ASIA...) and upper-case letters or digits, 16 to 128 characters in all.
_KEY_ID = re.compile(r"^A[A-Z]{3}[A-Z0-9]{12,124}$")
_USER_NAME = re.compile(r"^[\w+=,.@-]{1,128}$")


def _key(item: Fields) -> AccessKeyRecord:
    status = item.string("Status")
    if status not in ("Active", "Inactive", "Expired"):
        raise item.error("Status", f"unknown key status {quote(status)} (expected Active or Inactive)")
    key_id = item.string("AccessKeyId")
    if not _KEY_ID.match(key_id):
        raise item.error("AccessKeyId", f"not an access key id: {quote(key_id)}")
    user = item.string("UserName")
    if not _USER_NAME.match(user):
        raise item.error("UserName", f"not an IAM user name: {quote(user)}")
    return AccessKeyRecord(user=user, key_id=key_id, active=status == "Active", created=item.timestamp("CreateDate"))


def load(source: str, value: object) -> AccessKeyList:
    document = Fields(value, source)
    if not isinstance(document.raw.get("AccessKeyMetadata"), list):
        raise document.error("AccessKeyMetadata", "expected an array of keys")
    errors: list[InputError] = []
    keys = readable(document.objects("AccessKeyMetadata"), _key, errors)
    refuse_if_nothing_read(errors, len(keys))
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key.key_id in seen:
            note_unreadable(source, f"AccessKeyMetadata[{index}]", f"key {quote(key.key_id)} listed twice")
        seen.add(key.key_id)
    return AccessKeyList(keys=keys)


FORMAT = InputFormat(
    name="aws-list-access-keys",
    provider=AWS,
    description="aws iam list-access-keys",
    sniff_json=sniff,
    load=load,
)
