"""One identity shared by unrelated workloads (OWASP NHI9:2025, NHI reuse).

Compromising any of them yields the permissions every one of them needs, and nobody can scope, rotate or retire
the role for one workload without breaking the others.

"Unrelated" is judged conservatively, to keep fleets quiet:
- workloads of different services (an EC2 instance and a Lambda function on one role): always unrelated;
- workloads of one service are unrelated only when their applications differ (``Workload.application``, which
  each provider reads from its tags or labels). Workloads of one service without an application (an instance
  fleet, a family of task definitions) count as one application.
Workloads whose identity the platform uses (``Workload.platform``, e.g. ECS execution roles) are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.model import Category, Finding, Severity, Workload

#: Workloads named in the evidence (the finding says how many there are).
_SHOWN = 10


def service_of(workload: Workload) -> str:
    return str(workload.attributes.get("service") or workload.kind.split("-", 1)[0])


def run(context: CheckContext) -> Iterator[Finding]:
    by_identity: dict[str, list[Workload]] = defaultdict(list)
    for workload in context.inventory.workloads:
        if not workload.platform:
            by_identity[workload.identity_id].append(workload)
    for identity_id, workloads in sorted(by_identity.items()):
        services = sorted({service_of(w) for w in workloads})
        apps = sorted({w.application for w in workloads if w.application is not None})
        if len(services) > 1:
            severity, why = Severity.MEDIUM, f"workloads of {len(services)} services ({', '.join(services)})"
        elif len(apps) > 1:
            severity, why = Severity.LOW, f"{len(apps)} applications ({', '.join(apps[:5])})"
        else:
            continue
        identity = context.graph.identity(identity_id)
        name = identity.name if identity else identity_id
        noun = identity.kind.value.capitalize() if identity else "Identity"
        shown = sorted(workloads, key=lambda w: (w.kind, w.name))[:_SHOWN]
        yield CHECK.finding(
            subject=identity_id,
            identity=identity,
            severity=severity,
            provider=workloads[0].provider,
            message=f"{noun} {name} is shared by {len(workloads)} workloads of {why}: "
            + ", ".join(f"{w.kind} {w.name}" for w in shown[:3])
            + ("…" if len(workloads) > 3 else "."),
            evidence={
                "services": services,
                "applications": apps,
                "workload_count": len(workloads),
                "workloads": [
                    {"id": w.id, "kind": w.kind, "name": w.name, "application": w.application} for w in shown
                ],
            },
        )


CHECK = Check(
    id="nhi-reuse",
    title="Role shared by unrelated workloads",
    severity=Severity.MEDIUM,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI9:2025",),
    description=(
        "One role runs workloads of different services, or of different applications (by app/project tags): "
        "each of them holds the union of their permissions."
    ),
    remediation=(
        "Give each workload (or each application) its own role with only the permissions it needs; then remove "
        "the permissions the shared role no longer needs. `nhi-scan suggest-policy` helps right-size each."
    ),
    run=run,
)
