"""Right-size an identity's policies from its usage (IAM Access Advisor): keep what was used, drop the rest.

Each Allow statement of the identity's own policies (inline, managed, through groups) keeps its Resource and
Condition; only its actions shrink. An action is kept when its service was used within the window and, where
Access Advisor tracks the service's actions, when that action itself was used (actions it does not track are kept:
their use is unknown). iam:PassRole is never tracked, so it is always kept. :func:`granted_actions` is the one
place that decides what an Action pattern grants.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from nhi_scan.errors import UsageError
from nhi_scan.inventory import find_identity
from nhi_scan.model import Grant, Inventory, PolicyKind, ServiceUsage
from nhi_scan.plugin import PolicySuggestion
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.untracked import UNTRACKED_ACTIONS
from nhi_scan.timeutil import age_days

CAVEATS = (
    "Access Advisor keeps about 400 days of history and lags by up to 4 hours: jobs that run less often than the "
    "window (quarterly, yearly, disaster recovery) look unused.",
    "iam:PassRole is not tracked by Access Advisor: it is kept wherever it was granted.",
    "Action-level use is tracked only for some services (e.g. S3 management actions, EC2, IAM, Lambda); other "
    "actions of a used service are kept as granted. Data events (s3:GetObject, dynamodb:GetItem...) are not "
    "tracked per action.",
    "Resources and conditions are kept as granted: narrow them with CloudTrail data events.",
    "Only the identity's own policies are rewritten: permissions boundaries, SCPs and resource-based policies "
    "are unchanged and not included.",
)
_IDENTITY_POLICY_KINDS = (PolicyKind.INLINE, PolicyKind.MANAGED)
_VERB = re.compile(r"[A-Z][a-z]+")
#: Verb families smaller than this are listed by name (``iam:PassRole`` reads better than ``iam:Pass*``).
_MIN_FAMILY = 3
#: Largest managed policy document (characters, whitespace not counted).
MANAGED_POLICY_LIMIT = 6144


def granted_actions(pattern: str) -> frozenset[str]:
    """Lowercase ``service:action`` names an Action pattern grants (the policy engine's action catalogue)."""
    return catalog.expand(pattern)


def canonical(action: str) -> str:
    record = catalog.info(action)
    return record.name if record else action


Suggestion = PolicySuggestion


class _Usage:
    """What the identity used within the window, per service and per tracked action (lowercase names)."""

    def __init__(self, usage: Iterable[ServiceUsage], now: datetime, window_days: int) -> None:
        self.services: dict[str, bool] = {}
        self.tracked: dict[str, dict[str, bool]] = defaultdict(dict)
        for record in usage:
            service = record.service.lower()
            self.services[service] = record.last_used is not None and age_days(record.last_used, now) <= window_days
            for action, moment in record.actions.items():
                used = moment is not None and age_days(moment, now) <= window_days
                self.tracked[service][action.lower()] = used

    def keeps(self, action: str) -> bool:
        if action in UNTRACKED_ACTIONS:
            return True
        service = action.split(":", 1)[0]
        if not self.services.get(service, False):
            return False
        return self.tracked.get(service, {}).get(action, True)


def _as_list(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def _actions(patterns: Sequence[str], usage: _Usage) -> list[str]:
    """The patterns, each kept whole when all it grants is kept, else replaced by what is kept."""
    kept: list[str] = []
    for pattern in patterns:
        granted = granted_actions(pattern)
        keep = {a for a in granted if usage.keeps(a)}
        if keep == granted:
            kept.append(pattern)
            continue
        by_service: dict[str, set[str]] = defaultdict(set)
        for action in keep:
            by_service[action.split(":", 1)[0]].add(action)
        for service, actions in sorted(by_service.items()):
            kept.extend(_compact(service, actions))
    return list(dict.fromkeys(kept))


def _compact(service: str, actions: set[str]) -> list[str]:
    """``svc:*`` when every action of the service is kept, ``svc:Verb*`` for a verb family kept whole, else names.

    Keeps the policy under the managed-policy size limit; a wildcard only ever covers actions that are kept.
    """
    whole = catalog.service_actions(service)
    if whole and actions >= whole:
        return [f"{service}:*"]
    result: list[str] = []
    rest = set(actions)
    for verb in sorted({m.group(0) for a in actions if (m := _VERB.match(canonical(a).split(":", 1)[1]))}):
        prefix = f"{service}:{verb.lower()}"
        family = {a for a in whole if a.startswith(prefix)}
        if len(family) >= _MIN_FAMILY and family <= actions:
            result.append(f"{service}:{verb}*")
            rest -= family
    return result + [canonical(a) for a in sorted(rest)]


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement")
    items = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    return [s for s in items if isinstance(s, dict)]


def _rewrite(grant: Grant, usage: _Usage, notes: list[str]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    for statement in _statements(grant.document):
        if statement.get("Effect") != "Allow":
            result.append(dict(statement))
        elif "NotAction" in statement:
            notes.append(f"{grant.policy_name}: a NotAction statement is kept unchanged; review it by hand")
            result.append(dict(statement))
        else:
            actions = _actions(_as_list(statement.get("Action")), usage)
            if actions:
                result.append({**statement, "Action": actions if len(actions) > 1 else actions[0]})
    return result


def suggest_policy(inventory: Inventory, wanted: str, now: datetime, window_days: int) -> Suggestion:
    """The provider seam's form of ``suggest``."""
    return suggest(inventory, wanted, now=now, window_days=window_days)


def suggest(inventory: Inventory, wanted: str, *, now: datetime, window_days: int) -> Suggestion:
    identity = find_identity(inventory, wanted)
    records = [u for u in inventory.usage if u.identity_id == identity.id]
    if not records:
        raise UsageError(
            f"{identity.id}: no Access Advisor data in the inputs (collect with `nhi-scan collect aws`, or add "
            "`aws iam get-service-last-accessed-details` output with an Arn field)"
        )
    usage = _Usage(records, now, window_days)
    notes: list[str] = []
    statements: list[dict[str, Any]] = []
    grants = [g for g in inventory.grants if g.principal_id == identity.id and g.policy_kind in _IDENTITY_POLICY_KINDS]
    for grant in sorted(grants, key=lambda g: (g.via or "", g.policy_id)):
        for statement in _rewrite(grant, usage, notes):
            if statement not in statements:
                statements.append(statement)
    document = {"Version": "2012-10-17", "Statement": statements}
    size = len(json.dumps(document, separators=(",", ":")))
    if size > MANAGED_POLICY_LIMIT:
        notes.append(
            f"the policy has {size} characters, more than a managed policy may hold ({MANAGED_POLICY_LIMIT}):"
            " split it into several policies"
        )
    used = tuple(sorted(s for s, ok in usage.services.items() if ok))
    removed = tuple(sorted(s for s, ok in usage.services.items() if not ok))
    return Suggestion(
        identity=identity,
        document=document,
        used_services=used,
        removed_services=removed,
        notes=tuple(dict.fromkeys(notes)),
        caveats=CAVEATS,
    )
