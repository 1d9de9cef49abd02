"""What is known about a request offline: the request context, key resolution and policy variables.

A condition key resolves to one of three things:

- a tuple of string values (the key is present);
- ``None``: the key is known to be absent (e.g. ``aws:username`` for a role, a principal tag the principal lacks);
- ``UNKNOWN``: offline we cannot tell (``aws:SourceIp``, ``aws:RequestTag/*``, ``s3:prefix``...).

Keys are case-insensitive. Known keys come from the principal (ARN, account, tags, user name, user id), from
``now`` (``aws:CurrentTime``, ``aws:EpochTime``) and from ``keys`` (per-request values such as
``iam:PassedToService``; a ``None`` value there means "known absent"). With ``closed=True`` every key not
supplied is treated as absent instead of unknown (useful to simulate one concrete request).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from nhi_scan.policy.aws.patterns import Segments
from nhi_scan.policy.aws.tri import Tri


class Missing(enum.Enum):
    UNKNOWN = "unknown"


UNKNOWN: Literal[Missing.UNKNOWN] = Missing.UNKNOWN
Resolved = tuple[str, ...] | None | Literal[Missing.UNKNOWN]
KeyValue = str | bool | int | float | datetime | Sequence[str] | None

_PRINCIPAL_TAG = "aws:principaltag/"


@lru_cache(maxsize=256)
def iso_time(moment: datetime) -> str:
    """ISO 8601 UTC with a ``Z`` (the shape of ``aws:CurrentTime``); cached: every request context of a scan
    carries the same moment."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _normalise(value: KeyValue) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return ("true" if value else "false",)
    if isinstance(value, datetime):
        return (iso_time(value),)
    if isinstance(value, int | float | str):
        return (str(value),)
    return tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in value)


def account_of(arn: str | None) -> str | None:
    """Account id of an ARN (5th field), None when absent or not an ARN."""
    if not arn:
        return None
    parts = arn.split(":", 5)
    return parts[4] or None if len(parts) >= 5 else None


def _principal_kind(arn: str) -> str | None:
    resource = arn.split(":", 5)[-1]
    if resource.startswith("user/"):
        return "User"
    if resource.startswith(("role/", "assumed-role/")):
        return "AssumedRole"
    if resource == "root":
        return "Account"
    if resource.startswith("federated-user/"):
        return "FederatedUser"
    return None


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class RequestContext:
    """Facts about the caller and the request; anything not given is unknown (unless ``closed``)."""

    principal_arn: str | None = None
    principal_account: str | None = None
    #: None = tags unknown; {} = known to have no tags.
    principal_tags: Mapping[str, str] | None = None
    #: None = derived from a user ARN (absent for roles), unknown without an ARN.
    username: str | None = None
    userid: str | None = None
    now: datetime | None = None
    keys: Mapping[str, KeyValue] = field(default_factory=dict)
    closed: bool = False
    _table: dict[str, tuple[str, ...] | None] = field(init=False, repr=False, default_factory=dict)
    _tags: dict[str, str] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        table = self._table
        arn = self.principal_arn
        if arn:
            table["aws:principalarn"] = (arn,)
            kind = _principal_kind(arn)
            if kind:
                table["aws:principaltype"] = (kind,)
            if kind == "User" and self.username is None:
                table["aws:username"] = (arn.rsplit("/", 1)[-1],)
            elif kind is not None and self.username is None:
                table["aws:username"] = None
        account = self.principal_account or account_of(arn)
        if account:
            table["aws:principalaccount"] = (account,)
        if self.username is not None:
            table["aws:username"] = (self.username,)
        if self.userid is not None:
            table["aws:userid"] = (self.userid,)
        if self.now is not None:
            table["aws:currenttime"] = (iso_time(self.now),)
            table["aws:epochtime"] = (str(int(self.now.timestamp())),)
        for key, value in self.keys.items():
            table[key.lower()] = _normalise(value)
        if self.principal_tags is not None:
            object.__setattr__(self, "_tags", {k.lower(): v for k, v in self.principal_tags.items()})

    @property
    def account(self) -> str | None:
        return self.principal_account or account_of(self.principal_arn)

    def resolve(self, key: str) -> Resolved:
        """Values of a condition key, ``None`` if known absent, ``UNKNOWN`` if unknowable offline."""
        lowered = key.lower()
        if lowered in self._table:
            return self._table[lowered]
        if lowered.startswith(_PRINCIPAL_TAG) and self._tags is not None:
            value = self._tags.get(lowered[len(_PRINCIPAL_TAG) :])
            return None if value is None else (value,)
        return None if self.closed else UNKNOWN

    def with_keys(self, keys: Mapping[str, KeyValue], *, closed: bool | None = None) -> RequestContext:
        """A copy with more per-request keys (e.g. ``{"iam:PassedToService": "ec2.amazonaws.com"}``)."""
        return dataclasses.replace(self, keys={**self.keys, **keys}, closed=self.closed if closed is None else closed)


# --- policy variables -------------------------------------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@lru_cache(maxsize=16384)
def _parse(text: str) -> tuple[tuple[str, str | None, bool], ...]:
    """Split text into (pattern text, None, False) and (key, default, True) parts; ``${*}`` becomes literal."""
    parts: list[tuple[str, str | None, bool]] = []
    position = 0
    for match in _VARIABLE.finditer(text):
        if match.start() > position:
            parts.append((text[position : match.start()], None, False))
        inner = match.group(1).strip()
        if inner in _SPECIAL:
            parts.append((_SPECIAL[inner], _SPECIAL[inner], True))
        else:
            key, comma, default = inner.partition(",")
            fallback = default.strip().strip("'") if comma else None
            parts.append((key.strip(), fallback, True))
        position = match.end()
    if position < len(text):
        parts.append((text[position:], None, False))
    return tuple(parts)


def has_variables(text: str) -> bool:
    return "${" in text


def substitute(text: str, context: RequestContext) -> tuple[Segments, Tri] | None:
    """Replace policy variables in a pattern or value.

    Returns the pattern as segments (substituted values are literal) and TRUE, or UNKNOWN when a variable is
    unknowable offline (it becomes a ``*`` wildcard, so a non-match stays a certain non-match). Returns None when
    a variable's key is known absent and has no default: AWS then matches nothing with that element.
    """
    if "${" not in text:
        return ((text, False),), Tri.TRUE
    segments: list[tuple[str, bool]] = []
    certainty = Tri.TRUE
    for name, default, is_variable in _parse(text):
        if not is_variable:
            segments.append((name, False))
            continue
        if name in _SPECIAL and default == name:
            segments.append((name, True))
            continue
        resolved = context.resolve(name)
        if resolved is UNKNOWN:
            segments.append(("*", False))
            certainty = Tri.UNKNOWN
        elif resolved is not None and len(resolved) == 1:
            segments.append((resolved[0], True))
        elif default is not None:
            segments.append((default, True))
        else:
            return None
    return tuple(segments), certainty


def variable_keys(text: str) -> tuple[str, ...]:
    """Condition keys named by the variables of a text (for reporting what was unknown)."""
    return tuple(
        name for name, default, is_var in _parse(text) if is_var and not (name in _SPECIAL and default == name)
    )
