"""A client secret or certificate valid for more than a year: whoever copies it keeps access that long, and nobody
practises rotating it. The Entra portal offers at most 24 months for a secret; anything longer was asked for."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import (
    evidence,
    holders,
    lifetime,
    longer_than_years,
    name,
    sign_in_credentials,
    valid,
)
from nhi_scan.checks.azure._entra import capital, describe, privilege_evidence, privileges, summary
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Credential, CredentialKind, Finding, Severity
from nhi_scan.timeutil import iso

#: A secret valid for longer than this many years has no practical expiry (beyond the portal's 24 months).
SECRET_NO_EXPIRY_YEARS = 2
#: A certificate valid for longer than this has none either (self-signed certificates made to "never" expire).
CERTIFICATE_NO_EXPIRY_YEARS = 10


def _severity(credential: Credential, tier0: bool, context: CheckContext) -> Severity:
    if credential.kind is CredentialKind.CLIENT_SECRET:
        if tier0 or longer_than_years(credential, SECRET_NO_EXPIRY_YEARS, context.now):
            return Severity.HIGH
        return Severity.MEDIUM
    return Severity.HIGH if longer_than_years(credential, CERTIFICATE_NO_EXPIRY_YEARS, context.now) else Severity.MEDIUM


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in holders(context):
        long_lived = [
            c for c in sign_in_credentials(identity) if valid(c, context.now) and longer_than_years(c, 1, context.now)
        ]
        held = privileges(context, identity) if long_lived else ()
        for credential in long_lived:
            span = lifetime(credential, context.now)
            days = span.days if span is not None else None
            start = iso(credential.created) or "now"
            secret_on_tier0 = bool(held) and credential.kind is CredentialKind.CLIENT_SECRET
            yield CHECK.finding(
                subject=credential.id,
                identity=identity,
                severity=_severity(credential, bool(held), context),
                message=(
                    f"{capital(name(credential))} of {describe(identity)} is valid for {days} days "
                    f"({start} to {iso(credential.expires)}), more than a year"
                    + (f"; the app holds {summary(held)}" if secret_on_tier0 else "")
                    + "."
                ),
                evidence={**evidence(credential, context.now), "tier0": privilege_evidence(held)},
            )


CHECK = Check(
    id="azure-credential-long-lived",
    title="Application credential valid for more than a year",
    severity=Severity.MEDIUM,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI7:2025",),
    description=(
        "Client secret or certificate of an application or service principal whose validity (startDateTime to "
        "endDateTime) exceeds one year. High for a secret valid more than 2 years (no practical expiry) or on an "
        "app holding tier-0 permissions, and for a certificate valid more than 10 years; medium otherwise."
    ),
    remediation=(
        "Replace it with a credential valid for at most a year (az ad app credential reset --id APP_ID --append "
        "--years 1, or a certificate of that lifetime), switch its consumers, delete the old one, and cap lifetimes "
        "with an app management policy (passwordCredentials / keyCredentials maxLifetime). Better: a federated "
        "credential or a managed identity, which have no secret to rotate."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
