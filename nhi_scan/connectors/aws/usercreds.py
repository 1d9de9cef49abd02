"""IAM user credentials beyond access keys: service-specific credentials, SSH keys, signing certificates.

Each comes from its own `aws iam list-*` answer (one per user, or several users' items merged: every item names
its user). They become :class:`Credential` records of the user; a signing-certificate listing replaces the
credential report's anonymous certificate slots, since it carries the real certificate ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from nhi_scan.model import Credential, CredentialKind, Identity, IdentityKind

#: Friendlier names for the services that issue service-specific credentials.
SERVICE_LABELS = {
    "bedrock.amazonaws.com": "Bedrock API key",
    "codecommit.amazonaws.com": "CodeCommit Git credential",
    "cassandra.amazonaws.com": "Keyspaces credential",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCredentialRecord:
    user: str
    credential_id: str
    kind: CredentialKind
    active: bool
    created: datetime | None
    expires: datetime | None = None
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCredentialList:
    """One `list-service-specific-credentials` / `list-ssh-public-keys` / `list-signing-certificates` answer."""

    kind: CredentialKind
    credentials: tuple[UserCredentialRecord, ...]


def _credential(arn: str, record: UserCredentialRecord) -> Credential:
    return Credential(
        id=record.credential_id,
        kind=record.kind,
        identity_id=arn,
        active=record.active,
        created=record.created,
        last_rotated=record.created,
        expires=record.expires,
        label=record.label,
    )


def attach_user_credentials(
    identities: Sequence[Identity], lists: Iterable[UserCredentialList]
) -> tuple[list[Identity], list[str]]:
    """Add listed credentials to their users (matched by user name); note the ones whose user is unknown."""
    by_user: dict[str, list[UserCredentialRecord]] = defaultdict(list)
    listed_kinds: dict[str, set[CredentialKind]] = defaultdict(set)
    for listing in lists:
        for record in listing.credentials:
            by_user[record.user].append(record)
            listed_kinds[record.user].add(record.kind)
    if not by_user:
        return list(identities), []
    users = {i.name: i for i in identities if i.kind is IdentityKind.USER}
    result: list[Identity] = []
    for identity in identities:
        records = by_user.get(identity.name) if identity.kind is IdentityKind.USER else None
        if not records:
            result.append(identity)
            continue
        known_ids = {c.id for c in identity.credentials}
        kept = [
            c
            for c in identity.credentials
            # the listing names the certificates: drop the report's anonymous slots for them
            if not (c.kind is CredentialKind.CERTIFICATE and CredentialKind.CERTIFICATE in listed_kinds[identity.name])
        ]
        added = [_credential(identity.id, r) for r in records if r.credential_id not in known_ids]
        result.append(replace(identity, credentials=(*kept, *added)))
    unknown = sorted(set(by_user) - set(users))
    notes = []
    if unknown:
        notes.append(
            f"credentials listed for {len(unknown)} users that are not in the export (e.g. {', '.join(unknown[:3])}); "
            "they are not shown"
        )
    return result, notes
