"""Who outside the estate can enter it: each external token issuer a federated trust admits (a GitHub repository's
workflows, a GitLab project, a Kubernetes cluster's pods, any Google account...), the strongest identity it reaches
over any number of hops and in any cloud, and the path. People's sign-in (SAML) is left to the access reviews."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._paths import AdminReach, admin_reach
from nhi_scan.federation.link import broad_entry
from nhi_scan.graph import Edge, IdentityGraph, NodeKind
from nhi_scan.model import Category, Finding, Provider, Severity
from nhi_scan.reach import hops, search_from

SEARCH_LIMIT = 5_000
LISTED = 10


def clouds_of(graph: IdentityGraph, edges: list[Edge]) -> list[Provider]:
    """The cloud of each identity on the path, in order (a path that changes cloud lists several); the first is
    the cloud a finding about the path belongs to."""
    found: list[Provider] = []
    for edge in edges:
        identity = graph.identity(edge.target)
        if identity is not None and (not found or found[-1] != identity.provider):
            found.append(identity.provider)
    return found


def _steps(graph: IdentityGraph, edges: list[Edge]) -> str:
    parts = []
    for edge in edges:
        if graph.node_kind(edge.target) is NodeKind.HUB:
            continue
        identity = graph.identity(edge.target)
        cloud = f" ({identity.provider})" if identity is not None else ""
        parts.append(f"{graph.label(edge.target)}{cloud}")
    return " → ".join(parts)


def run(context: CheckContext) -> Iterator[Finding]:
    graph = context.graph
    reach = admin_reach(context)
    for node in sorted(graph.entry_points()):
        if not graph.human_entry(node):
            finding = _to_admin(graph, reach, node) or _to_identities(graph, node)
            if finding is not None:
                yield finding


def _to_admin(graph: IdentityGraph, reach: AdminReach, node: str) -> Finding | None:
    certain = reach.certain.reaches(node)
    if not certain and not reach.possible.reaches(node):
        return None
    edges = (reach.certain if certain else reach.possible).path(node)
    clouds = clouds_of(graph, edges)
    if not clouds:
        return None
    label = graph.label(node)
    return CHECK.finding(
        subject=node,
        identity=None,
        provider=clouds[0],
        severity=Severity.CRITICAL if certain else Severity.HIGH,
        message=(
            f"Entry point: {label} can become {graph.label(edges[-1].target)}"
            f"{'' if certain else ' if what cannot be seen offline holds'}"
            f"{' across ' + ' → '.join(clouds) if len(clouds) > 1 else ''}: {_steps(graph, edges)}."
        ),
        evidence={"entry": label, "reaches_admin": True, "conditional": not certain, "clouds": clouds},
        path=hops(graph, edges),
    )


def _to_identities(graph: IdentityGraph, node: str) -> Finding | None:
    reached = search_from(graph, node, limit=SEARCH_LIMIT)
    targets = sorted((n for n in reached.depth if graph.identity(n) is not None), key=lambda n: (reached.depth[n], n))
    if not targets:
        return None
    first = reached.path(targets[0])
    label = graph.label(node)
    names = ", ".join(graph.label(n) for n in targets[:LISTED]) + (
        f" and {len(targets) - LISTED} more" if len(targets) > LISTED else ""
    )
    clouds = sorted({identity.provider for n in targets if (identity := graph.identity(n)) is not None})
    return CHECK.finding(
        subject=node,
        identity=None,
        provider=clouds_of(graph, first)[0],
        severity=Severity.HIGH if broad_entry(node) else Severity.LOW,
        message=(
            f"Entry point: {label} can become {len(targets)} "
            f"identit{'ies' if len(targets) > 1 else 'y'} ({', '.join(clouds)}): {names}."
        ),
        evidence={
            "entry": label,
            "reaches_admin": False,
            "identities": targets[:LISTED],
            "count": len(targets),
            "clouds": clouds,
        },
        path=hops(graph, first),
    )


CHECK = Check(
    id="external-entry-point",
    title="Outsiders can become identities of the estate",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI5:2025", "NHI6:2025"),
    description=(
        "An external token issuer (GitHub Actions, GitLab, HCP Terraform, CircleCI, Bitbucket, a Kubernetes "
        "cluster, Cognito, any Google account, an unscanned tenant or account) that federated trusts admit: the "
        "strongest identity its token holders reach in any cloud and the path, labelled by what an attacker must "
        "control. Critical when it reaches admin of an account, project, subscription or tenant; high when any "
        "holder of the issuer's tokens gets in; low for a trust pinned to one repository, branch or workload."
    ),
    remediation=(
        "Pin each federated trust to the exact subject that needs it (repository and branch or environment, "
        "namespace and service account) and its audience; give what it reaches only the permissions the "
        "workload needs, so no entry point leads to admin."
    ),
    run=run,
)
