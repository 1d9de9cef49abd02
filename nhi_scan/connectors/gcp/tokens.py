"""The tokens Google issues to the organisation's service accounts: a Google-signed OpenID Connect ID token
(``iamcredentials generateIdToken``, or the metadata server of what runs as the account) from
``accounts.google.com`` whose ``sub`` and ``azp`` are the account's unique id and ``email`` its address; the
audience is whatever the holder asks for. Other clouds' trusts are matched against them."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.model import IdentityKind, Inventory, IssuedToken


def issued_tokens(inventory: Inventory) -> Iterator[IssuedToken]:
    for identity in inventory.identities:
        if identity.kind is not IdentityKind.SERVICE_ACCOUNT or identity.enabled is False or identity.provider_managed:
            continue
        unique_id = str(identity.attributes.get("unique_id") or "")
        if not unique_id:
            continue
        email = str(identity.attributes.get("email") or identity.name)
        yield IssuedToken(
            identity_id=identity.id,
            issuer="accounts.google.com",
            claims={"sub": unique_id, "azp": unique_id, "email": email},
            how="a Google-signed ID token (generateIdToken)",
        )
