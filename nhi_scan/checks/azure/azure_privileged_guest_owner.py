"""A guest user (someone of another organisation, invited B2B) owns a privileged application or service principal:
an owner may add a secret and sign in as the app, so the guest, and whoever controls the guest's home account,
holds the app's tier-0 power."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import (
    describe,
    disabled,
    guest,
    identities,
    owned_parts,
    privilege_evidence,
    privileges,
    resolve,
    strongest,
    summary,
)
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for principal in identities(context, (IdentityKind.SERVICE_PRINCIPAL, IdentityKind.AGENT_IDENTITY)):
        if disabled(context, principal):
            continue
        held = privileges(context, principal)
        if not held:
            continue
        for part in owned_parts(context, principal):
            for owner_id in part.owners:
                owner = resolve(context, owner_id)
                if owner is None or not guest(owner):
                    continue
                yield CHECK.finding(
                    subject=part.id,
                    identity=part,
                    fingerprint_key=owner.id,
                    severity=Severity.CRITICAL if strongest(held).certain else Severity.HIGH,
                    message=(
                        f"Guest user {owner.name} owns {describe(part)}, whose service principal holds "
                        f"{summary(held)}: as an owner the guest can add a secret and sign in as the app."
                    ),
                    evidence={
                        "owner": owner.id,
                        "owner_name": owner.name,
                        "user_type": owner.attributes.get("user_type"),
                        "owned": part.id,
                        "service_principal": principal.id,
                        "tier0": privilege_evidence(held),
                    },
                )


CHECK = Check(
    id="azure-privileged-guest-owner",
    title="Guest user owns a privileged application",
    severity=Severity.CRITICAL,
    category=Category.PRIVILEGE_ESCALATION,
    owasp_nhi=("NHI3:2025", "NHI5:2025"),
    description=(
        "A guest user (userType Guest) is an owner of an application registration or service principal whose "
        "service principal holds a tier-0 Graph permission, tenant-wide directory role or Azure role on a "
        "subscription or above. High when the tier-0 grant is only PIM-eligible or conditional."
    ),
    remediation=(
        "Remove the guest from the owners (az ad app owner remove --id APP_ID --owner-object-id GUEST_ID; "
        "for the service principal, DELETE /servicePrincipals/SP_ID/owners/GUEST_ID/$ref), make an internal person "
        "the owner, then review the app's credentials for ones the guest may have added (az ad app credential list) "
        "and the audit log of the app, and rotate what is left."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
