"""Timestamps as providers write them, parsed once into aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_timestamp(text: object) -> datetime | None:
    """Parse an ISO 8601 timestamp (with ``Z`` or offset); naive values are taken as UTC.

    Raises ValueError for text that is not a timestamp, so callers can name the field.
    """
    if text is None:
        return None
    if isinstance(text, datetime):
        value = text
    elif isinstance(text, str):
        raw = text.strip()
        if not raw:
            return None
        if raw.endswith(("Z", "z")):
            raw = raw[:-1] + "+00:00"
        value = datetime.fromisoformat(raw)
    else:
        raise ValueError(f"expected a timestamp string, got {type(text).__name__}")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def age_days(moment: datetime, now: datetime) -> int:
    """Whole days from ``moment`` to ``now`` (never negative)."""
    return max(0, (now - moment).days)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
