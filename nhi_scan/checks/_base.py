"""What a check is, and the context it reads. Checks are pure: no I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from nhi_scan.model import Category, Finding, Identity, Inventory, PathHop, Provider, Severity
from nhi_scan.settings import Settings

if TYPE_CHECKING:
    from nhi_scan.escalation.aws.build import AwsAnalysis
    from nhi_scan.graph import IdentityGraph


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckContext:
    inventory: Inventory
    graph: IdentityGraph
    settings: Settings
    now: datetime
    #: Effective AWS permissions and admin-equivalence per principal (None when no AWS scope was scanned).
    aws: AwsAnalysis | None = None


RunFn = Callable[[CheckContext], Iterable[Finding]]


def fingerprint(check_id: str, subject: str, key: str = "") -> str:
    """Stable finding id: survives re-scans because it never includes times or positions."""
    digest = hashlib.sha256(f"{check_id}\x1f{subject}\x1f{key}".encode()).hexdigest()
    return digest[:20]


@dataclass(frozen=True, slots=True, kw_only=True)
class Check:
    id: str
    title: str
    severity: Severity
    category: Category
    owasp_nhi: tuple[str, ...]
    description: str
    remediation: str
    run: RunFn
    providers: tuple[Provider, ...] = (Provider.AWS, Provider.GCP, Provider.AZURE)
    #: Judges only effective permissions, of the identities ``_privilege.subjects`` gives: it may run as soon as
    #: permissions are known, before the escalation edges exist (in a worker process, while they are built). Its
    #: findings are then kept for the final subjects only, which makes the result the same as a run at the end.
    early: bool = False

    def finding(
        self,
        *,
        subject: str,
        identity: Identity | None,
        message: str,
        evidence: Mapping[str, Any] | None = None,
        remediation: str | None = None,
        severity: Severity | None = None,
        path: tuple[PathHop, ...] = (),
        fingerprint_key: str = "",
        provider: Provider | None = None,
    ) -> Finding:
        """Build a finding of this check; provider defaults to the identity's."""
        chosen_provider = provider or (identity.provider if identity else Provider.AWS)
        return Finding(
            id=fingerprint(self.id, subject, fingerprint_key),
            check_id=self.id,
            title=self.title,
            severity=severity if severity is not None else self.severity,
            category=self.category,
            provider=chosen_provider,
            subject=subject,
            identity=identity.id if identity else None,
            message=message,
            remediation=remediation or self.remediation,
            owasp_nhi=self.owasp_nhi,
            evidence=dict(evidence or {}),
            path=path,
        )
