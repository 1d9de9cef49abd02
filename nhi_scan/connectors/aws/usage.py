"""Access Advisor (service last accessed) answers -> :class:`ServiceUsage` records.

Access Advisor lists every service the principal's identity-based policies allow, with the last authenticated
use (about 400 days of history) and, for services with action-level tracking, the last use of each tracked action.
So it says both what is granted (per service) and what is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nhi_scan.model import ServiceUsage

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Unused access to these services is the most dangerous to keep (identity, organisation and key control).
SENSITIVE_SERVICES = frozenset({"iam", "sts", "organizations", "kms", "secretsmanager", "sso", "identitystore"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceAccessRecord:
    namespace: str
    name: str | None
    last_used: datetime | None
    #: ``svc:Action`` -> last use (None = tracked, never used); empty when the service has no action tracking.
    actions: Mapping[str, datetime | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceLastAccessed:
    """One `get-service-last-accessed-details` answer for one principal (``Arn`` added by nhi-scan collect)."""

    principal_arn: str
    job_completed: datetime | None
    services: tuple[ServiceAccessRecord, ...]


def service_usage(documents: Iterable[ServiceLastAccessed]) -> list[ServiceUsage]:
    """One record per (principal, service); a later job for the same principal replaces an earlier one."""
    latest: dict[str, ServiceLastAccessed] = {}
    for document in documents:
        known = latest.get(document.principal_arn)
        if known is None or (document.job_completed or _EPOCH) >= (known.job_completed or _EPOCH):
            latest[document.principal_arn] = document
    usage: list[ServiceUsage] = []
    for arn in sorted(latest):
        for service in sorted(latest[arn].services, key=lambda s: s.namespace):
            usage.append(
                ServiceUsage(
                    identity_id=arn,
                    service=service.namespace,
                    last_used=service.last_used,
                    actions=dict(service.actions),
                    sensitive=service.namespace in SENSITIVE_SERVICES,
                )
            )
    return usage
