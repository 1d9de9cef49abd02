"""Builders for small AWS policies and principals, with keyword defaults."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Grant, PolicyKind, Trust, TrustKind
from nhi_scan.policy.aws import PolicyCache, PrincipalPermissions, RequestContext

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
CI_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ci"
NOW = datetime(2026, 11, 29, tzinfo=UTC)


def stmt(effect: str = "Allow", action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    """One statement; ``not_action=`` / ``not_resource=`` / ``condition=`` / ``sid=`` via keywords."""
    body: dict[str, Any] = {"Effect": effect}
    if "not_action" in extra:
        body["NotAction"] = extra.pop("not_action")
    elif action is not None:
        body["Action"] = action
    if "not_resource" in extra:
        body["NotResource"] = extra.pop("not_resource")
    elif resource is not None:
        body["Resource"] = resource
    if "condition" in extra:
        body["Condition"] = extra.pop("condition")
    if "sid" in extra:
        body["Sid"] = extra.pop("sid")
    body.update(extra)
    return body


def doc(*statements: Mapping[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def grant(
    document: Mapping[str, Any],
    *,
    name: str = "p",
    kind: PolicyKind = PolicyKind.INLINE,
    principal: str = ALICE,
    via: str | None = None,
    scope: str | None = None,
    policy_id: str | None = None,
) -> Grant:
    return Grant(
        principal_id=principal,
        policy_id=policy_id or (f"arn:aws:iam::{ACCOUNT}:policy/{name}" if kind is not PolicyKind.INLINE else name),
        policy_name=name,
        policy_kind=kind,
        document=document,
        provider=AWS,
        via=via,
        resource_scope=scope,
    )


def context(principal: str = ALICE, **fields: Any) -> RequestContext:
    fields.setdefault("now", NOW)
    return RequestContext(principal_arn=principal, **fields)


def perms(*grants: Grant, principal: str = ALICE, cache: PolicyCache | None = None, **ctx: Any) -> PrincipalPermissions:
    return PrincipalPermissions.from_grants(grants, context=context(principal, **ctx), cache=cache)


def allow(*statements: Mapping[str, Any], **ctx: Any) -> PrincipalPermissions:
    """A principal with one inline policy holding ``statements``."""
    return perms(grant(doc(*statements)), **ctx)


def trust(
    principal: str,
    *,
    principal_type: str = "principal",
    role: str = CI_ROLE,
    actions: tuple[str, ...] = ("sts:AssumeRole",),
    conditions: Mapping[str, Any] | None = None,
    effect: str = "Allow",
) -> Trust:
    return Trust(
        target_id=role,
        principal_type=TrustKind(principal_type),
        principal=principal,
        actions=actions,
        conditions=conditions or {},
        provider=AWS,
        effect=effect,
    )
