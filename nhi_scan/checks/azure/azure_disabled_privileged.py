"""A disabled service principal that still holds tier-0 grants: it obtains no token today, so no path starts at it,
but whoever may re-enable it (its owners, application administrators) gets the grant back in one click, and the
grant keeps showing up in every review."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import sign_in_credentials, valid
from nhi_scan.checks.azure._entra import (
    capital,
    describe,
    identities,
    owned_parts,
    privilege_evidence,
    privileges,
    summary,
)
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for principal in identities(context, (IdentityKind.SERVICE_PRINCIPAL, IdentityKind.AGENT_IDENTITY)):
        if principal.enabled is not False:
            continue
        held = privileges(context, principal)
        if not held:
            continue
        live = [
            c.id for part in owned_parts(context, principal) for c in sign_in_credentials(part) if valid(c, context.now)
        ]
        yield CHECK.finding(
            subject=principal.id,
            identity=principal,
            message=(
                f"{capital(describe(principal))} is disabled but still holds {summary(held)}"
                + (f"; {len(live)} valid credential{'s remain' if len(live) > 1 else ' remains'} on it" if live else "")
                + "."
            ),
            evidence={"enabled": False, "valid_credentials": live, "tier0": privilege_evidence(held)},
        )


CHECK = Check(
    id="azure-disabled-privileged",
    title="Disabled service principal still holds tier-0 grants",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025", "NHI5:2025"),
    description=(
        "Service principal with accountEnabled false that still holds a tier-0 Graph permission, tenant-wide "
        "directory role or Azure role on a subscription or above. It cannot sign in, so the other checks leave it "
        "out; re-enabling it restores the grant."
    ),
    remediation=(
        "Remove the grants (DELETE /servicePrincipals/SP_ID/appRoleAssignments/ID, the directory role assignment, "
        "az role assignment delete --assignee SP_ID), delete its credentials, and delete the app if it is retired "
        "(az ad app delete --id APP_ID)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
