"""A client secret or certificate that expires within 30 days: rotate it now, or whatever signs in with it stops
working. Low when it is the app's only credential that outlasts the window (an outage is coming), info when another
one is already there (the rotation looks under way)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._credentials import evidence, holders, name, sign_in_credentials, valid
from nhi_scan.checks.azure._entra import capital, describe, owned_parts
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Credential, CredentialKind, Finding, Identity, Severity
from nhi_scan.timeutil import iso

WINDOW_DAYS = 30


def _successors(context: CheckContext, identity: Identity, horizon: timedelta) -> list[Credential]:
    """Credentials of the app or its service principal that still sign in after the window."""
    found: list[Credential] = []
    for part in owned_parts(context, identity) or (identity,):
        found.extend(c for c in part.credentials if c.kind is CredentialKind.FEDERATED)
        found.extend(c for c in sign_in_credentials(part) if c.expires is None or c.expires > context.now + horizon)
    return found


def run(context: CheckContext) -> Iterator[Finding]:
    horizon = timedelta(days=WINDOW_DAYS)
    for identity in holders(context):
        expiring = [
            (c, c.expires)
            for c in sign_in_credentials(identity)
            if valid(c, context.now) and c.expires is not None and c.expires <= context.now + horizon
        ]
        if not expiring:
            continue
        successors = _successors(context, identity, horizon)
        for credential, expires in expiring:
            days = (expires - context.now).days
            if successors:
                after = f"; {name(successors[0])} outlasts it"
            else:
                after = f"; it is the only credential of {identity.name} valid after that: sign-ins will fail"
            yield CHECK.finding(
                subject=credential.id,
                identity=identity,
                severity=Severity.INFO if successors else Severity.LOW,
                message=(
                    f"{capital(name(credential))} of {describe(identity)} expires on {iso(expires)} "
                    f"(in {days} days){after}."
                ),
                evidence={
                    **evidence(credential, context.now),
                    "expires_in_days": days,
                    "window_days": WINDOW_DAYS,
                    "successors": [s.id for s in successors],
                },
            )


CHECK = Check(
    id="azure-credential-expiring",
    title="Application credential expires within 30 days",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI7:2025",),
    description=(
        "Client secret or certificate that expires within 30 days of the scan time. Low when no other credential of "
        "the app (secret, certificate or federated credential) outlasts it; info when one does."
    ),
    remediation=(
        "Rotate before it expires: add the new credential (preferably a federated credential or a certificate, "
        "otherwise az ad app credential reset --id APP_ID --append --years 1), switch the consumers, then delete "
        "the old one."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
