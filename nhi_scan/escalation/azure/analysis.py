"""What the Azure analysis exposes through the provider seam."""

from __future__ import annotations

from dataclasses import dataclass, field

from nhi_scan.model import Identity
from nhi_scan.plugin import Verdict
from nhi_scan.policy.azure.directory import Directory
from nhi_scan.policy.azure.rbac import Rbac
from nhi_scan.tri import Tri

_VERDICT = {Tri.TRUE: Verdict.ALLOWED, Tri.UNKNOWN: Verdict.CONDITIONAL, Tri.FALSE: Verdict.DENIED}
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"


def admin_node(scope: str) -> str:
    return f"admin:azure:{scope}"


@dataclass(slots=True)
class AzureAnalysis:
    directory: Directory
    rbac: Rbac
    tenant: str
    principals: dict[str, Identity] = field(default_factory=dict)
    admin: dict[str, Tri] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def analysed(self, identity_id: str) -> bool:
        return identity_id in self.principals

    def admin_equivalent(self, identity_id: str) -> Verdict:
        return _VERDICT[self.admin.get(identity_id, Tri.FALSE)]

    def allows(self, identity_id: str, action: str, resource: str = "*") -> Verdict:
        """``action`` is an Azure RBAC action; ``resource`` an ARM id ("*": anywhere)."""
        identity = self.principals.get(identity_id)
        if identity is None:
            return Verdict.DENIED
        principals = self.directory.principals_of(identity)
        if resource == "*":
            return Verdict.ALLOWED if self.rbac.scopes_allowing(principals, action) else Verdict.DENIED
        return _VERDICT[self.rbac.allows(principals, action, resource)[0]]

    def warnings(self) -> list[str]:
        unknown = sorted(self.rbac.unknown_roles)
        found = list(self.notes)
        if unknown:
            found.append(
                f"{len(unknown)} Azure role definitions are neither built-in nor in the inputs (e.g. "
                f"{', '.join(unknown[:3])}): what they grant is unknown; add `az role definition list` output"
            )
        return found
