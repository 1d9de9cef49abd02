"""Split an AWS role trust policy into one Trust record per principal of each statement."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from nhi_scan.model import Provider, Trust

_TYPES = {"AWS": "aws", "Service": "service", "Federated": "federated", "CanonicalUser": "canonical-user"}


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement")
    if isinstance(raw, dict):
        return [raw]
    if isinstance(raw, list):
        return [s for s in raw if isinstance(s, dict)]
    return []


def trusts_from_document(role_arn: str, document: Mapping[str, Any]) -> Iterator[Trust]:
    for index, statement in enumerate(statements(document)):
        effect = str(statement.get("Effect", "Allow"))
        actions = tuple(_as_list(statement.get("Action")))
        conditions = statement.get("Condition")
        conditions = conditions if isinstance(conditions, dict) else {}
        principal = statement.get("Principal")
        if principal == "*":
            yield Trust(
                target_id=role_arn,
                principal_type="any",
                principal="*",
                actions=actions,
                conditions=conditions,
                provider=Provider.AWS,
                effect=effect,
                statement_index=index,
            )
            continue
        if not isinstance(principal, dict):
            continue
        for key, values in principal.items():
            kind = _TYPES.get(key, key.lower())
            for value in _as_list(values):
                yield Trust(
                    target_id=role_arn,
                    principal_type="any" if value == "*" and kind == "aws" else kind,
                    principal=value,
                    actions=actions,
                    conditions=conditions,
                    provider=Provider.AWS,
                    effect=effect,
                    statement_index=index,
                )
