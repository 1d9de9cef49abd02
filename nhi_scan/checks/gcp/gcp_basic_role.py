"""A service account holding a basic role (roles/owner or roles/editor): thousands of permissions, including acting
as every service account of the project. The default compute and App Engine accounts get Editor by default."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.gcp._bindings import bindings
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, IdentityKind, Severity

BASIC_ROLES = ("roles/owner", "roles/editor")


def run(context: CheckContext) -> Iterator[Finding]:
    for bound in bindings(context):
        identity = bound.identity
        if bound.role not in BASIC_ROLES or identity is None or identity.kind is not IdentityKind.SERVICE_ACCOUNT:
            continue
        if identity.provider_managed:
            continue
        default = identity.attributes.get("default_account")
        severity = Severity.HIGH if bound.role == "roles/owner" or default else Severity.MEDIUM
        who = f"Default {default} service account" if default else "Service account"
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            severity=severity,
            fingerprint_key=bound.key(),
            message=f"{who} {identity.name} holds the basic role {bound.role} on {bound.resource}.",
            evidence={**bound.evidence(), "default_account": default, "machine_reason": identity.machine_reason},
        )


CHECK = Check(
    id="gcp-basic-role",
    title="Service account holds a basic role",
    severity=Severity.HIGH,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "Service account bound to roles/owner or roles/editor (high for owner and for the default compute / App "
        "Engine accounts, which Google grants Editor by default; medium otherwise)."
    ),
    remediation=(
        "Replace the basic role with predefined roles for what the workload does; for default accounts, enforce "
        "iam.automaticIamGrantsForDefaultServiceAccounts and give workloads their own service account."
    ),
    run=run,
    providers=(GCP,),
)
