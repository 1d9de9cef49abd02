"""Join what the credential report, list-access-keys and get-access-key-last-used say about a user's keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from nhi_scan.connectors.aws.records import AccessKeyLastUsed, AccessKeyRecord, CredentialReportRow, KeySlot
from nhi_scan.model import Credential, CredentialKind

#: A key's CreateDate and the report's last_rotated are the same instant, give or take clock rounding.
_SAME_INSTANT_SECONDS = 2.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs((a - b).total_seconds()) <= _SAME_INSTANT_SECONDS


def _match_slots(slots: Sequence[KeySlot], keys: Sequence[AccessKeyRecord]) -> dict[int, AccessKeyRecord]:
    """Pair report slots with listed keys by creation time; fall back to order when counts agree."""
    matched: dict[int, AccessKeyRecord] = {}
    free = list(keys)
    for slot in slots:
        for key in free:
            if _same_time(slot.last_rotated, key.created):
                matched[slot.index] = key
                free.remove(key)
                break
    unmatched = [slot for slot in slots if slot.index not in matched]
    if unmatched and len(unmatched) == len(free):
        ordered = sorted(free, key=lambda k: k.created or _EPOCH)
        for slot, key in zip(sorted(unmatched, key=lambda s: s.index), ordered, strict=True):
            matched[slot.index] = key
    return matched


def _usage_for(
    key_id: str | None, by_key: Mapping[str, AccessKeyLastUsed], anonymous: Sequence[AccessKeyLastUsed], only_key: bool
) -> AccessKeyLastUsed | None:
    if key_id and key_id in by_key:
        return by_key[key_id]
    if only_key and len(anonymous) == 1:
        return anonymous[0]
    return None


def user_credentials(
    arn: str,
    row: CredentialReportRow | None,
    keys: Sequence[AccessKeyRecord],
    last_used_by_key: Mapping[str, AccessKeyLastUsed],
    anonymous_usage: Sequence[AccessKeyLastUsed],
) -> tuple[tuple[Credential, ...], list[str]]:
    """Credentials of one user and notes about data that could not be joined."""
    notes: list[str] = []
    credentials: list[Credential] = []
    slots = [s for s in (row.keys if row else ()) if s.active or s.last_rotated is not None]
    matched = _match_slots(slots, keys)
    only_key = len(slots) + len([k for k in keys if k not in matched.values()]) == 1
    for slot in slots:
        key = matched.get(slot.index)
        usage = _usage_for(key.key_id if key else None, last_used_by_key, anonymous_usage, only_key)
        last_used = slot.last_used
        if usage is not None and usage.last_used is not None and (last_used is None or usage.last_used > last_used):
            last_used = usage.last_used
        credentials.append(
            Credential(
                id=key.key_id if key else f"{arn}#access-key-{slot.index}",
                kind=CredentialKind.ACCESS_KEY,
                identity_id=arn,
                active=slot.active,
                created=slot.last_rotated,
                last_rotated=slot.last_rotated,
                last_used=last_used,
                last_used_service=slot.last_used_service,
                last_used_region=slot.last_used_region,
                never_used=last_used is None,
                label=f"access key {slot.index}",
            )
        )
    for key in keys:
        if key in matched.values():
            continue
        if row is not None:
            notes.append(f"access key {key.key_id} of {arn} is listed but not in the credential report (newer key?)")
        usage = _usage_for(key.key_id, last_used_by_key, anonymous_usage, only_key)
        credentials.append(
            Credential(
                id=key.key_id,
                kind=CredentialKind.ACCESS_KEY,
                identity_id=arn,
                active=key.active,
                created=key.created,
                last_rotated=key.created,
                last_used=usage.last_used if usage else None,
                last_used_service=usage.service if usage else None,
                last_used_region=usage.region if usage else None,
                never_used=usage is not None and usage.last_used is None,
                label="access key",
            )
        )
    if row is not None:
        credentials.extend(_password_and_certs(arn, row))
    return tuple(credentials), notes


def _password_and_certs(arn: str, row: CredentialReportRow) -> list[Credential]:
    result: list[Credential] = []
    if row.password_enabled:
        result.append(
            Credential(
                id=f"{arn}#password",
                kind=CredentialKind.PASSWORD,
                identity_id=arn,
                active=True,
                created=row.password_last_changed,
                last_rotated=row.password_last_changed,
                last_used=row.password_last_used,
                expires=row.password_next_rotation,
                never_used=row.password_last_used is None,
                label="console password",
            )
        )
    for cert in row.certs:
        if cert.active or cert.last_rotated is not None:
            result.append(
                Credential(
                    id=f"{arn}#certificate-{cert.index}",
                    kind=CredentialKind.CERTIFICATE,
                    identity_id=arn,
                    active=cert.active,
                    created=cert.last_rotated,
                    last_rotated=cert.last_rotated,
                    label=f"signing certificate {cert.index}",
                )
            )
    return result
