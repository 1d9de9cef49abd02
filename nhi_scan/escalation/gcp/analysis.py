"""What the GCP analysis exposes through the provider seam, and the shared state of one build."""

from __future__ import annotations

from dataclasses import dataclass, field

from nhi_scan.model import ScopeKind
from nhi_scan.plugin import Verdict
from nhi_scan.policy.gcp.access import Access, Binding
from nhi_scan.policy.gcp.deny import DenyPolicies
from nhi_scan.policy.gcp.hierarchy import Hierarchy
from nhi_scan.redact import quote
from nhi_scan.tri import Tri

#: The permission that makes its holder admin of each kind of scope: it can set the scope's IAM policy.
ADMIN_PERMISSION = {
    ScopeKind.ORGANIZATION: "resourcemanager.organizations.setIamPolicy",
    ScopeKind.FOLDER: "resourcemanager.folders.setIamPolicy",
    ScopeKind.PROJECT: "resourcemanager.projects.setIamPolicy",
}

_VERDICT = {Tri.TRUE: Verdict.ALLOWED, Tri.UNKNOWN: Verdict.CONDITIONAL, Tri.FALSE: Verdict.DENIED}


def admin_node(scope: str) -> str:
    return f"admin:gcp:{scope}"


@dataclass(slots=True)
class Principal:
    """One member's bindings and the interesting permissions they give it at each scope."""

    id: str
    aliases: tuple[str, ...]
    bindings: list[Binding]
    held: dict[str, dict[str, Tri]]

    def at(self, chain: tuple[str, ...], permission: str) -> tuple[Tri, str | None]:
        """Whether the permission is held at one of ``chain``'s scopes (a target and its ancestors), and where."""
        best: tuple[Tri, str | None] = (Tri.FALSE, None)
        for scope in chain:
            value = self.held.get(scope, {}).get(permission, Tri.FALSE)
            if value > best[0]:
                best = (value, scope)
                if value is Tri.TRUE:
                    break
        return best

    def permissions(self) -> frozenset[str]:
        return frozenset(p for at in self.held.values() for p in at)


@dataclass(slots=True)
class GcpAnalysis:
    access: Access
    hierarchy: Hierarchy
    deny: DenyPolicies
    principals: dict[str, Principal] = field(default_factory=dict)
    admin: dict[str, Tri] = field(default_factory=dict)

    def analysed(self, identity_id: str) -> bool:
        return identity_id in self.principals

    def warnings(self) -> list[str]:
        unknown = sorted(self.access.roles.unknown)
        if not unknown:
            return []
        examples = ", ".join(quote(role) for role in unknown[:3])
        return [
            f"{len(unknown)} GCP roles are neither predefined nor in the inputs (e.g. {examples}): what "
            "they grant is unknown; export custom roles with `gcloud iam roles describe` (or roles.json)"
        ]

    def admin_equivalent(self, identity_id: str) -> Verdict:
        return _VERDICT[self.admin.get(identity_id, Tri.FALSE)]

    def allows(self, identity_id: str, action: str, resource: str = "*") -> Verdict:
        """``action`` is a v1 permission name (case-exact); only permissions some method or admin test needs are
        tracked, others answer DENIED."""
        principal = self.principals.get(identity_id)
        if principal is None:
            return Verdict.DENIED
        if resource == "*":
            held = max((at.get(action, Tri.FALSE) for at in principal.held.values()), default=Tri.FALSE)
        else:
            held = principal.at(self.hierarchy.chain(resource), action)[0]
            denied, _ = self.deny.denied(principal.id, principal.aliases, action, self.hierarchy.chain(resource))
            held = min(held, denied.negate())
        return _VERDICT[held]
