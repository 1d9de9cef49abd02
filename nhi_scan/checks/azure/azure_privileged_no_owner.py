"""A service principal with tier-0 grants whose application and service principal have no owner: nobody is
accountable for its credentials, its permissions or its offboarding, and nobody is asked before it changes."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import (
    application_of,
    capital,
    describe,
    disabled,
    foreign,
    identities,
    owned_parts,
    owners,
    privilege_evidence,
    privileges,
    summary,
)
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for principal in identities(context, (IdentityKind.SERVICE_PRINCIPAL,)):
        if foreign(principal) or disabled(context, principal):
            continue  # a foreign app's owners live in its home tenant (azure-foreign-privileged judges it)
        held = privileges(context, principal)
        if not held or owners(context, principal) or any(part.owner for part in owned_parts(context, principal)):
            continue
        app = application_of(context, principal)
        both = "Neither the application nor its service principal has" if app is not None else "It has"
        yield CHECK.finding(
            subject=principal.id,
            identity=principal,
            message=f"{capital(describe(principal))} holds {summary(held)}. {both} an owner.",
            evidence={
                "application": app.id if app is not None else None,
                "owners": [],
                "tier0": privilege_evidence(held),
            },
        )


CHECK = Check(
    id="azure-privileged-no-owner",
    title="Privileged application has no owner",
    severity=Severity.MEDIUM,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025", "NHI5:2025"),
    description=(
        "Enabled service principal of this tenant (not a managed identity, agent identity or foreign app) that "
        "holds a tier-0 Graph permission, tenant-wide directory role or Azure role on a subscription or above, "
        "while neither it nor its application registration lists an owner."
    ),
    remediation=(
        "Find the team that runs the app (sign-in logs show what uses it) and make a named person its owner "
        "(az ad app owner add --id APP_ID --owner-object-id USER_ID); if nobody claims it, remove its grants and "
        "disable it (az ad sp update --id SP_ID --set accountEnabled=false)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
