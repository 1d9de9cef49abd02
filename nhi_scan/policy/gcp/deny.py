"""IAM deny policies: a rule denies its permissions to its principals on everything below its attachment point
(organization, folder or project), except its exception principals and permissions; a denial condition makes it
apply only sometimes. Deny policies name permissions in the v2 form (``iam.googleapis.com/serviceAccountKeys.create``)
and principals as ``principal://`` / ``principalSet://`` URIs; both are matched against v1 names and IAM members.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from nhi_scan.model import Grant, PolicyKind
from nhi_scan.policy.gcp.conditions import decide
from nhi_scan.tri import Tri

#: v2 service names whose v1 permission prefix is not the first label of the service name.
_V1_PREFIX = {"cloudresourcemanager.googleapis.com": "resourcemanager"}


def v1_permission(v2: str) -> str:
    """``iam.googleapis.com/serviceAccountKeys.create`` -> ``iam.serviceAccountKeys.create``."""
    if "/" not in v2:
        return v2
    service, rest = v2.split("/", 1)
    return f"{_V1_PREFIX.get(service, service.split('.', 1)[0])}.{rest}"


def _permission_matcher(patterns: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for pattern in patterns:
        v1 = v1_permission(pattern)
        parts.append(re.escape(v1).replace(r"\*", ".*") if "*" in v1 else re.escape(v1))
    return re.compile("^(?:" + "|".join(parts) + ")$") if parts else re.compile(r"(?!)")


def principal_match(pattern: str, member: str, aliases: tuple[str, ...] = ()) -> Tri:
    """Whether a deny principal URI names an IAM member: TRUE, FALSE, or UNKNOWN (a group the export cannot
    expand, a directory customer the member may belong to)."""
    kind, _, email = member.partition(":")
    if pattern in ("principalSet://goog/public:all", "*"):
        return Tri.TRUE
    if pattern.startswith("principal://iam.googleapis.com/projects/") and "/serviceAccounts/" in pattern:
        account = pattern.rsplit("/serviceAccounts/", 1)[1]
        return Tri.of(kind == "serviceAccount" and (account == email or account in aliases))
    if pattern.startswith("principal://goog/subject/"):
        return Tri.of(kind == "user" and pattern.rsplit("/", 1)[1].lower() == email.lower())
    if pattern.startswith("principalSet://goog/group/"):
        if kind == "group":
            return Tri.of(pattern.rsplit("/", 1)[1].lower() == email.lower())
        return Tri.UNKNOWN
    if pattern.startswith("principalSet://goog/cloudIdentityCustomerId/"):
        return Tri.UNKNOWN if kind in ("user", "group") else Tri.FALSE
    if pattern.startswith("principalSet://iam.googleapis.com/projects/-/serviceAccounts/"):
        return Tri.of(kind == "serviceAccount")
    return Tri.FALSE


@dataclass(frozen=True, slots=True)
class DenyRule:
    policy: str
    attachment: str
    denied: tuple[str, ...]
    exceptions: tuple[str, ...]
    permissions: re.Pattern[str]
    exception_permissions: re.Pattern[str]
    #: TRUE: the rule always applies; UNKNOWN: its denial condition depends on the request.
    applies: Tri

    def denies(self, member: str, aliases: tuple[str, ...], permission: str) -> Tri:
        if not self.permissions.match(permission) or self.exception_permissions.match(permission):
            return Tri.FALSE
        named = Tri.any(principal_match(p, member, aliases) for p in self.denied)
        if named is Tri.FALSE:
            return Tri.FALSE
        excepted = Tri.any(principal_match(p, member, aliases) for p in self.exceptions)
        return min(named, excepted.negate(), self.applies)

    def describe(self) -> str:
        return f"deny policy {self.policy} on {self.attachment}"


class DenyPolicies:
    """Deny rules by attachment point; ``denied`` is asked for a member, a permission and the chain of a target."""

    def __init__(self, grants: Iterable[Grant], now: datetime | None) -> None:
        self.by_attachment: dict[str, list[DenyRule]] = defaultdict(list)
        for grant in grants:
            if grant.policy_kind is not PolicyKind.DENY_POLICY or grant.resource_scope is None:
                continue
            document = grant.document
            condition = (grant.condition or {}).get("expression")
            rule = DenyRule(
                policy=grant.policy_name,
                attachment=grant.resource_scope,
                denied=tuple(document.get("deniedPrincipals", ())),
                exceptions=tuple(document.get("exceptionPrincipals", ())),
                permissions=_permission_matcher(document.get("deniedPermissions", ())),
                exception_permissions=_permission_matcher(document.get("exceptionPermissions", ())),
                applies=decide(condition, now) if condition else Tri.TRUE,
            )
            self.by_attachment[grant.resource_scope].append(rule)
        self._memo: dict[tuple[str, str, tuple[str, ...]], tuple[Tri, DenyRule | None]] = {}

    def __bool__(self) -> bool:
        return bool(self.by_attachment)

    def concerns(self, member: str, aliases: tuple[str, ...]) -> bool:
        """Whether any rule may deny this member anything (most members: none, so hubs can be used)."""
        return any(
            Tri.any(principal_match(p, member, aliases) for p in rule.denied) is not Tri.FALSE
            for rules in self.by_attachment.values()
            for rule in rules
        )

    def denied(
        self, member: str, aliases: tuple[str, ...], permission: str, chain: tuple[str, ...]
    ) -> tuple[Tri, DenyRule | None]:
        """Whether a deny at ``chain`` (a target and its ancestors) denies ``permission`` to ``member``, and by which
        rule."""
        key = (member, permission, chain)
        found = self._memo.get(key)
        if found is not None:
            return found
        result: tuple[Tri, DenyRule | None] = (Tri.FALSE, None)
        for scope in chain:
            for rule in self.by_attachment.get(scope, ()):
                outcome = rule.denies(member, aliases, permission)
                if outcome > result[0]:
                    result = (outcome, rule)
                if result[0] is Tri.TRUE:
                    break
            if result[0] is Tri.TRUE:
                break
        self._memo[key] = result
        return result
