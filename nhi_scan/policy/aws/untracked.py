"""Actions AWS usage data never records, and the services an identity is granted only such actions on.

Access Advisor lists a service for a principal when any identity-based policy allows any of its actions, but it
never records ``iam:PassRole`` (the service that receives the role does the passing). A principal allowed only
``iam:PassRole`` on iam therefore shows "iam: never accessed" however often it passes its role: that says nothing
about whether the grant is used, so neither the service-unused check nor suggest-policy may take it as unused.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Grant, PolicyKind
from nhi_scan.policy.aws import catalog

#: Actions Access Advisor never reports: their use cannot be judged, so they are kept as granted.
UNTRACKED_ACTIONS = frozenset({"iam:passrole"})
#: The policies Access Advisor reports on (it covers the identity's own and its groups' policies).
_IDENTITY_POLICY_KINDS = frozenset({PolicyKind.INLINE, PolicyKind.MANAGED})


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return [s for s in items if isinstance(s, dict)]


def _patterns(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def untracked_only(grants: Iterable[Grant]) -> frozenset[tuple[str, str]]:
    """(principal id, lower-case service) pairs where every action the principal's own policies allow on the service
    is untracked. A NotAction or ``*`` statement allows tracked actions of every service: none of its pairs count."""
    granted: dict[tuple[str, str], set[str]] = defaultdict(set)
    everywhere: set[str] = set()
    for grant in grants:
        if grant.provider != AWS or grant.policy_kind not in _IDENTITY_POLICY_KINDS:
            continue
        for statement in _statements(grant.document):
            if statement.get("Effect") != "Allow":
                continue
            if "NotAction" in statement:
                everywhere.add(grant.principal_id)
                continue
            for pattern in _patterns(statement.get("Action")):
                service, _, _ = pattern.lower().partition(":")
                if service == "*":
                    everywhere.add(grant.principal_id)
                    continue
                granted[(grant.principal_id, service)] |= catalog.expand(pattern) or {pattern.lower()}
    return frozenset(
        key for key, actions in granted.items() if key[0] not in everywhere and actions <= UNTRACKED_ACTIONS
    )
