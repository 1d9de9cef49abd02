"""Reading trust-policy conditions for the trust checks: which keys are constrained, and how."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nhi_scan.checks._base import CheckContext
from nhi_scan.model import Identity, Trust


@dataclass(frozen=True, slots=True)
class Constraint:
    operator: str
    values: tuple[str, ...]

    @property
    def negated(self) -> bool:
        return "Not" in self.operator.split(":")[-1]


def constraints(conditions: Mapping[str, Any]) -> dict[str, list[Constraint]]:
    """Condition block -> lower-cased key -> constraints on it."""
    result: dict[str, list[Constraint]] = {}
    for operator, block in conditions.items():
        if not isinstance(block, Mapping):
            continue
        for key, raw in block.items():
            values = tuple(str(v) for v in raw) if isinstance(raw, list) else (str(raw),)
            result.setdefault(str(key).lower(), []).append(Constraint(str(operator), values))
    return result


def account_of(arn: str) -> str | None:
    if arn.isdigit() and len(arn) == 12:
        return arn
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else None


def allow_trusts(context: CheckContext) -> Iterator[tuple[Identity, Trust]]:
    """Allow statements of customer-managed roles' trust policies, with the role they belong to."""
    identities = {i.id: i for i in context.inventory.identities}
    for trust in context.inventory.trusts:
        role = identities.get(trust.target_id)
        if role is None or role.provider_managed or trust.effect != "Allow":
            continue
        yield role, trust
