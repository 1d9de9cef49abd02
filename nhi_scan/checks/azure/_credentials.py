"""Client secrets and certificates of applications and service principals, as the credential checks judge them.

Judged: the password and key credentials that sign an app in (a keyCredential with usage ``Sign`` is a SAML
token-signing certificate, not a sign-in credential). Not judged: managed identities (their certificates are
Azure's own, rotated every 90 days), first-party apps, and apps whose only service principal is disabled and that
no other tenant may sign in to (their credentials obtain no token; ``azure-disabled-privileged`` covers them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from nhi_scan.checks._base import CheckContext
from nhi_scan.checks._common import credential_evidence, noun
from nhi_scan.checks.azure._entra import disabled, first_party, multi_tenant
from nhi_scan.model import Credential, CredentialKind, Identity, IdentityKind
from nhi_scan.timeutil import iso

SIGN_IN_KINDS = (CredentialKind.CLIENT_SECRET, CredentialKind.CERTIFICATE)
_HOLDER_KINDS = (IdentityKind.APPLICATION, IdentityKind.SERVICE_PRINCIPAL, IdentityKind.AGENT_IDENTITY)


def holders(context: CheckContext) -> Iterator[Identity]:
    """Applications and service principals whose credentials are the customer's to manage and may sign in."""
    for identity in context.inventory.identities:
        if identity.kind not in _HOLDER_KINDS or first_party(identity) or not identity.credentials:
            continue
        if disabled(context, identity) and not multi_tenant(context, identity):
            continue
        yield identity


def sign_in_credentials(identity: Identity) -> Iterator[Credential]:
    """Client secrets and sign-in (Verify) certificates of the identity."""
    for credential in identity.credentials:
        if credential.kind not in SIGN_IN_KINDS:
            continue
        if str(credential.attributes.get("usage") or "").lower() == "sign":
            continue
        yield credential


def expired(credential: Credential, now: datetime) -> bool:
    return credential.expires is not None and credential.expires <= now


def valid(credential: Credential, now: datetime) -> bool:
    """Not expired (or no end date known)."""
    return not expired(credential, now)


def lifetime(credential: Credential, now: datetime) -> timedelta | None:
    """From its start (or now, when unknown) to its end; None when the end is not known."""
    if credential.expires is None:
        return None
    return credential.expires - (credential.created or now)


def add_years(moment: datetime, years: int) -> datetime:
    """The same date ``years`` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def longer_than_years(credential: Credential, years: int, now: datetime) -> bool:
    """Valid for more than ``years`` calendar years (from its start, or from now when the start is unknown)."""
    if credential.expires is None:
        return False
    return credential.expires > add_years(credential.created or now, years)


def name(credential: Credential) -> str:
    """``client secret 'deploy-pipeline' (KEY_ID)``."""
    key = credential.id.rsplit("/", 1)[-1]
    label = f" '{credential.label}'" if credential.label else ""
    return f"{noun(credential)}{label} ({key})"


def evidence(credential: Credential, now: datetime) -> dict[str, object]:
    span = lifetime(credential, now)
    return {
        **credential_evidence(credential),
        "label": credential.label,
        "expires": iso(credential.expires),
        "validity_days": span.days if span is not None else None,
    }
