"""Service Account User / Token Creator (or key admin, workload identity user) granted on a project, folder or
organization: the member may act as every service account below it, present and future."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.gcp._bindings import bindings, denied
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, Severity

#: Role -> (what it lets the member do, the permission that does it).
IMPERSONATION_ROLES = {
    "roles/iam.serviceAccountUser": ("act as (attach) every service account", "iam.serviceAccounts.actAs"),
    "roles/iam.serviceAccountTokenCreator": (
        "mint tokens of every service account",
        "iam.serviceAccounts.getAccessToken",
    ),
    "roles/iam.serviceAccountKeyAdmin": ("create keys for every service account", "iam.serviceAccountKeys.create"),
    "roles/iam.workloadIdentityUser": (
        "impersonate every service account through federation",
        "iam.serviceAccounts.getAccessToken",
    ),
}


def run(context: CheckContext) -> Iterator[Finding]:
    for bound in bindings(context):
        found = IMPERSONATION_ROLES.get(bound.role)
        if found is None or bound.level not in ("project", "folder", "organization"):
            continue
        what, permission = found
        if denied(context, bound, permission):
            continue  # a deny policy takes the power away from this member: the binding is moot
        broad = bound.level != "project"
        yield CHECK.finding(
            subject=bound.key(),
            identity=bound.identity,
            provider=GCP,
            severity=Severity.HIGH if broad else Severity.MEDIUM,
            message=(
                f"{bound.member} holds {bound.role} on {bound.level} {bound.resource.split('/', 1)[1]}: it may {what} "
                f"{'below it' if broad else 'of the project'}."
            ),
            evidence=bound.evidence(),
        )


CHECK = Check(
    id="gcp-impersonation-granted-broadly",
    title="Impersonation role granted on a project or above",
    severity=Severity.MEDIUM,
    category=Category.LATERAL_MOVEMENT,
    owasp_nhi=("NHI5:2025", "NHI9:2025"),
    description=(
        "roles/iam.serviceAccountUser, serviceAccountTokenCreator, serviceAccountKeyAdmin or workloadIdentityUser "
        "bound on a project (medium) or a folder / organization (high) instead of on single service accounts."
    ),
    remediation=(
        "Bind the role on the one service account that is needed (gcloud iam service-accounts "
        "add-iam-policy-binding) and remove it from the project, folder or organization policy."
    ),
    run=run,
    providers=(GCP,),
)
