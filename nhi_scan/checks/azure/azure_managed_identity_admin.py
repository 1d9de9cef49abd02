"""A managed identity holding Owner, Contributor, User Access Administrator or Role Based Access Control
Administrator on a resource group, a subscription or above: whoever controls the resource it is attached to (runs
a command on the VM, deploys to the Function App, edits the runbook) acts with that role, without any credential."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import arm_level, capital, describe, disabled, grants_of, identities
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, Grant, IdentityKind, PolicyKind, Severity

OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
RBAC_ADMINISTRATOR = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
#: Role GUID -> (name, what it lets the identity do in its scope).
ADMIN_ROLES = {
    OWNER: ("Owner", "do anything and grant any role"),
    USER_ACCESS_ADMINISTRATOR: ("User Access Administrator", "grant any role, Owner included"),
    RBAC_ADMINISTRATOR: ("Role Based Access Control Administrator", "grant any role its condition allows"),
    CONTRIBUTOR: ("Contributor", "change or delete every resource and run code as the identities of its resources"),
}
_LEVELS = ("root", "management group", "subscription", "resource group")


def _severity(role: str, level: str, grant: Grant) -> Severity:
    if level in ("root", "management group"):
        severity = Severity.HIGH
    elif level == "subscription":
        severity = Severity.MEDIUM if role == CONTRIBUTOR else Severity.HIGH
    else:
        severity = Severity.MEDIUM
    if grant.condition or grant.eligible:
        severity = Severity(max(Severity.LOW, severity - 1))
    return severity


def _attached(context: CheckContext) -> dict[str, list[str]]:
    """What each identity is attached to (one pass over the workloads, not one per identity)."""
    found: dict[str, list[str]] = {}
    for workload in context.inventory.workloads:
        for identity in workload.identity_ids:
            found.setdefault(identity, []).append(f"{workload.kind} {workload.name}")
    return found


def run(context: CheckContext) -> Iterator[Finding]:
    attached_to: dict[str, list[str]] | None = None
    for identity in identities(context, (IdentityKind.MANAGED_IDENTITY,)):
        if disabled(context, identity):
            continue
        attached: list[str] | None = None
        for grant, via in grants_of(context, identity):
            role = grant.policy_id.rstrip("/").rsplit("/", 1)[-1].lower()
            if (
                grant.policy_kind is not PolicyKind.RBAC_ASSIGNMENT
                or role not in ADMIN_ROLES
                or not grant.resource_scope
            ):
                continue
            level = arm_level(grant.resource_scope)
            if level not in _LEVELS:
                continue
            if attached is None:
                attached_to = _attached(context) if attached_to is None else attached_to
                attached = attached_to.get(identity.id, [])
            name, power = ADMIN_ROLES[role]
            assigned = "user-assigned" if identity.attributes.get("user_assigned") else "system-assigned"
            runs = f"; it is attached to {', '.join(attached)}" if attached else ""
            notes = "".join(
                text
                for text, present in (
                    (" (eligible only: needs PIM activation)", grant.eligible),
                    (" (under an ABAC condition)", bool(grant.condition)),
                    (f" (through {via})", via is not None),
                )
                if present
            )
            yield CHECK.finding(
                subject=identity.id,
                identity=identity,
                fingerprint_key=f"{grant.resource_scope}#{role}",
                severity=_severity(role, level, grant),
                message=(
                    f"{capital(describe(identity))} ({assigned}) holds {name} on {level} {grant.resource_scope}"
                    f"{notes}: it may {power} there{runs}."
                ),
                evidence={
                    "role": name,
                    "role_id": role,
                    "scope": grant.resource_scope,
                    "level": level,
                    "eligible": grant.eligible,
                    "condition": dict(grant.condition) if grant.condition else None,
                    "via": via,
                    "user_assigned": bool(identity.attributes.get("user_assigned")),
                    "attached_to": attached,
                },
            )


CHECK = Check(
    id="azure-managed-identity-admin",
    title="Managed identity holds an administrative Azure role",
    severity=Severity.HIGH,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "Managed identity assigned Owner, User Access Administrator, Role Based Access Control Administrator or "
        "Contributor. High on a management group or the root, and for the role-granting roles on a subscription; "
        "medium for Contributor on a subscription and for any of them on a resource group; one step lower when the "
        "assignment is PIM-eligible or carries an ABAC condition."
    ),
    remediation=(
        "Give the identity the specific roles its workload needs (Storage Blob Data Contributor, Key Vault Secrets "
        "User...) on the resources it uses, then remove the broad assignment (az role assignment delete --assignee "
        "PRINCIPAL_ID --role ROLE --scope SCOPE)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
