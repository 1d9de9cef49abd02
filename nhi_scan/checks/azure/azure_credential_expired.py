"""An expired client secret or certificate still on an application: it signs nothing in, but it clutters every
review, hides which credentials are really used, and is the usual sign of a rotation done by adding, never
removing."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import evidence, expired, holders, name, sign_in_credentials
from nhi_scan.checks.azure._entra import capital, describe
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.timeutil import age_days, iso


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in holders(context):
        for credential in sign_in_credentials(identity):
            if not expired(credential, context.now) or credential.expires is None:
                continue
            ago = age_days(credential.expires, context.now)
            yield CHECK.finding(
                subject=credential.id,
                identity=identity,
                message=(
                    f"{capital(name(credential))} of {describe(identity)} expired on {iso(credential.expires)} "
                    f"({ago} days ago) and is still present."
                ),
                evidence={**evidence(credential, context.now), "expired_days_ago": ago},
            )


CHECK = Check(
    id="azure-credential-expired",
    title="Expired application credential still present",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025",),
    description="Client secret or certificate of an application or service principal whose endDateTime has passed.",
    remediation=(
        "Delete the expired credential (az ad app credential delete --id APP_ID --key-id KEY_ID; for a service "
        "principal, az ad sp credential delete) and check that its consumers use the current one."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
