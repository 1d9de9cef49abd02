"""Reading role bindings for the GCP checks: each binding with its member, role and where it is bound."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nhi_scan.checks._base import CheckContext
from nhi_scan.connectors.gcp import GCP
from nhi_scan.escalation.gcp.analysis import GcpAnalysis
from nhi_scan.model import Grant, Identity, PolicyKind
from nhi_scan.policy.gcp.conditions import decide
from nhi_scan.tri import Tri


@dataclass(frozen=True, slots=True)
class Bound:
    member: str
    role: str
    resource: str
    conditional: bool
    identity: Identity | None

    @property
    def level(self) -> str:
        """ "organization", "folder", "project", "service account" or "resource"."""
        if self.resource.count("/") == 1:
            return self.resource.split("/", 1)[0][:-1]
        return "service account" if "/serviceAccounts/" in self.resource else "resource"

    def key(self) -> str:
        return f"{self.resource}#{self.role}#{self.member}"

    def evidence(self) -> dict[str, object]:
        return {"member": self.member, "role": self.role, "bound_on": self.resource, "conditional": self.conditional}


def bindings(context: CheckContext) -> Iterator[Bound]:
    """Every role binding that may be in force at the scan time (an expired condition grants nothing)."""
    graph = context.graph
    for grant in context.inventory.grants:
        if grant.policy_kind is not PolicyKind.ROLE_BINDING or grant.resource_scope is None:
            continue
        expression = (grant.condition or {}).get("expression")
        outcome = decide(expression, context.now) if expression else Tri.TRUE
        if outcome is not Tri.FALSE:
            yield _bound(grant, graph.identity(grant.principal_id), outcome is not Tri.TRUE)


def _bound(grant: Grant, identity: Identity | None, conditional: bool) -> Bound:
    assert grant.resource_scope is not None
    return Bound(
        member=grant.principal_id,
        role=grant.policy_id,
        resource=grant.resource_scope,
        conditional=conditional,
        identity=identity,
    )


def gcp_analysis(context: CheckContext) -> GcpAnalysis | None:
    found = context.analyses.get(GCP)
    return found if isinstance(found, GcpAnalysis) else None


def denied(context: CheckContext, bound: Bound, permission: str) -> bool:
    """Whether a deny policy certainly denies the member ``permission`` where it is bound (the binding is moot)."""
    analysis = gcp_analysis(context)
    if analysis is None:
        return False
    aliases = bound.identity.aliases if bound.identity else ()
    outcome, _ = analysis.deny.denied(bound.member, aliases, permission, analysis.hierarchy.chain(bound.resource))
    return outcome is Tri.TRUE
