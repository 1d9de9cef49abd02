"""Thresholds and switches that change what checks report."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_OWNER_TAG_KEYS = ("owner", "owner-email", "team", "contact", "created-by", "maintainer")


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    #: An active static credential older than this is due for rotation.
    key_max_age_days: int = 90
    #: A credential not used for this long (or never used and this old) is unused.
    key_unused_days: int = 90
    #: An identity with no activity for this long is unused.
    identity_unused_days: int = 90
    #: A service an identity may use but has not used for this long (Access Advisor) is unused.
    service_unused_days: int = 90
    #: Tag keys (case-insensitive) that name an owner.
    owner_tag_keys: tuple[str, ...] = DEFAULT_OWNER_TAG_KEYS

    def __post_init__(self) -> None:
        for name in ("key_max_age_days", "key_unused_days", "identity_unused_days", "service_unused_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name.replace('_', '-')} must not be negative")
