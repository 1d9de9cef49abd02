"""A tier-0 grant on an application that other organisations control or sign in to: the service principal of an
app registered in another tenant (its credentials, code and owners live there, out of your reach), or an app of
yours that is multi-tenant (anyone's tenant may use it, and it is exposed well beyond your own)."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import (
    capital,
    describe,
    disabled,
    foreign,
    identities,
    multi_tenant,
    privilege_evidence,
    privileges,
    strongest,
    summary,
)
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for principal in identities(context, (IdentityKind.SERVICE_PRINCIPAL,)):
        if disabled(context, principal):
            continue
        is_foreign = foreign(principal)
        if not is_foreign and not multi_tenant(context, principal):
            continue
        held = privileges(context, principal)
        if not held:
            continue
        top = strongest(held)
        full = top.certain and top.direct
        home = principal.attributes.get("app_owner_organization_id")
        if is_foreign:
            severity = Severity.CRITICAL if full else Severity.HIGH
            who = (
                f"{capital(describe(principal))} belongs to an application of another organisation (tenant "
                f"{home or 'unknown'}): its credentials and code are managed there"
            )
        else:
            severity = Severity.HIGH if full else Severity.MEDIUM
            who = (
                f"{capital(describe(principal))} belongs to a multi-tenant application of this tenant: other "
                "organisations may sign in to it and consent it"
            )
        yield CHECK.finding(
            subject=principal.id,
            identity=principal,
            severity=severity,
            message=f"{who}, and here it holds {summary(held)}.",
            evidence={
                "foreign": is_foreign,
                "app_owner_organization_id": home,
                "app_id": principal.attributes.get("app_id"),
                "sign_in_audience": principal.attributes.get("sign_in_audience"),
                "tier0": privilege_evidence(held),
            },
        )


CHECK = Check(
    id="azure-foreign-privileged",
    title="Foreign or multi-tenant application holds tier-0 grants",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI3:2025", "NHI5:2025"),
    description=(
        "Service principal of an app registered in another tenant (appOwnerOrganizationId not this tenant), or of a "
        "multi-tenant app of this tenant, holding a tier-0 Graph permission, tenant-wide directory role or Azure "
        "role on a subscription or above (read-only permissions such as Directory.Read.All are not tier 0). "
        "Foreign: critical for an active grant that hands over control by itself, high otherwise. Multi-tenant app "
        "of this tenant: high, or medium."
    ),
    remediation=(
        "For a vendor's app: remove the tier-0 grant (DELETE /servicePrincipals/SP_ID/appRoleAssignedTo/ID, or the "
        "role assignment) and ask the vendor for the narrowest permission that works, or disable the service "
        "principal (az ad sp update --id SP_ID --set accountEnabled=false) until it does. For your own app: set "
        "signInAudience to AzureADMyOrg unless other tenants need it, and keep tier-0 grants on single-tenant apps."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
