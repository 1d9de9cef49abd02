"""An AI agent (Vertex AI Agent Engine) whose service account may read every secret, or change IAM, of a project or
more: a prompt-injected agent spends whatever its identity holds."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.gcp._bindings import gcp_analysis
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.tri import Tri

#: Broad powers worth reporting on an agent's identity, with how to say them.
POWERS = {
    "secretmanager.versions.access": "read every secret",
    "iam.serviceAccounts.getAccessToken": "impersonate every service account",
    "iam.serviceAccounts.actAs": "act as every service account",
    "resourcemanager.projects.setIamPolicy": "change the IAM policy",
}


def run(context: CheckContext) -> Iterator[Finding]:
    analysis = gcp_analysis(context)
    if analysis is None:
        return
    for identity in context.inventory.identities:
        principal = analysis.principals.get(identity.id)
        if identity.agent_reason is None or principal is None:
            continue
        broad = []
        for scope, held in sorted(principal.held.items()):
            if scope.count("/") != 1:
                continue  # held on one resource (a secret, an account): scoped as it should be
            for permission, what in POWERS.items():
                if held.get(permission, Tri.FALSE) is not Tri.FALSE:
                    binding = analysis.access.granting(principal.bindings, scope, permission)
                    broad.append({"power": what, "scope": scope, "role": binding.role if binding else None})
        if not broad:
            continue
        first = broad[0]
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=(
                f"{identity.agent_reason}; {identity.name} may {first['power']} of {first['scope']} "
                f"({first['role']})" + (f" and {len(broad) - 1} more" if len(broad) > 1 else "") + "."
            ),
            evidence={"agent": identity.agent_reason, "broad_access": broad},
        )


CHECK = Check(
    id="gcp-agent-broad-access",
    title="AI agent identity holds project-wide powers",
    severity=Severity.MEDIUM,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025", "NHI9:2025"),
    description=(
        "The service account a Vertex AI agent runs as may read every secret, impersonate or act as every service "
        "account, or change IAM, on a project, folder or organization (instead of on the resources it needs)."
    ),
    remediation=(
        "Give the agent its own service account (or a Vertex AI agent identity) with roles bound on the single "
        "secrets and resources it uses (gcloud secrets add-iam-policy-binding SECRET ...)."
    ),
    run=run,
    providers=(GCP,),
)
