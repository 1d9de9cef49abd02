"""Small helpers shared by checks: wording and the identities a check looks at."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import CheckContext
from nhi_scan.model import Credential, CredentialKind, Identity
from nhi_scan.timeutil import iso

_NOUNS = {
    CredentialKind.ACCESS_KEY: "access key",
    CredentialKind.SERVICE_ACCOUNT_KEY: "service account key",
    CredentialKind.CLIENT_SECRET: "client secret",
    CredentialKind.CERTIFICATE: "certificate",
    CredentialKind.PASSWORD: "console password",
    CredentialKind.FEDERATED: "federated credential",
    CredentialKind.SSH_KEY: "SSH key",
    CredentialKind.SERVICE_SPECIFIC: "service-specific credential",
}


def noun(credential: Credential) -> str:
    return _NOUNS[credential.kind]


def principals(context: CheckContext) -> Iterator[Identity]:
    """Principals the customer manages (groups and provider-managed identities are left out)."""
    for identity in context.inventory.identities:
        if identity.is_principal and not identity.provider_managed:
            yield identity


def who(identity: Identity) -> str:
    role = "machine" if identity.machine else "human"
    return f"{identity.kind} {identity.name} ({role}: {identity.machine_reason})"


def credential_evidence(credential: Credential) -> dict[str, object]:
    return {
        "credential_id": credential.id,
        "credential_kind": str(credential.kind),
        "created": iso(credential.created),
        "last_rotated": iso(credential.last_rotated),
        "last_used": iso(credential.last_used),
        "last_used_service": credential.last_used_service,
        "never_used": credential.never_used,
    }
