"""The tokens Entra issues to the tenant's service principals, managed identities and agent identities: an
app-only access token (client credentials, the managed identity endpoint) whose ``sub`` and ``oid`` are the
principal's object id, from the v1 (``sts.windows.net/TENANT``) and v2 (``login.microsoftonline.com/TENANT/v2.0``)
issuers; the audience is the resource the holder asks a token for. Other clouds' trusts are matched against them."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.model import Identity, IdentityKind, Inventory, IssuedToken

_KINDS = (IdentityKind.SERVICE_PRINCIPAL, IdentityKind.MANAGED_IDENTITY, IdentityKind.AGENT_IDENTITY)
#: Audiences every tenant can issue tokens for, whether or not an export lists their service principals: the
#: federated-credential token exchange (public, US Gov, China clouds) and Microsoft's main APIs.
_ALWAYS = frozenset(
    {
        "api://AzureADTokenExchange",
        "api://AzureADTokenExchangeUSGov",
        "api://AzureADTokenExchangeChina",
        "https://graph.microsoft.com",
        "https://management.azure.com",
        "https://management.azure.com/",
        "https://vault.azure.net",
    }
)


def issued_tokens(inventory: Inventory) -> Iterator[IssuedToken]:
    audiences = _audiences(inventory)
    for identity in inventory.identities:
        if identity.kind not in _KINDS or identity.enabled is False or identity.provider_managed:
            continue
        object_id = str(identity.attributes.get("object_id") or "")
        if not object_id or identity.scope in ("", "unknown"):
            continue
        yield from _tokens(identity, identity.scope, object_id, audiences.get(identity.scope))


def _audiences(inventory: Inventory) -> dict[str, frozenset[str]]:
    """Per tenant, what a token may be asked for: Entra issues one only for a resource that has a service principal
    there (its servicePrincipalNames: app id, identifier URIs). A tenant whose export names none is left open."""
    found: dict[str, set[str]] = {}
    for identity in inventory.identities:
        names = identity.attributes.get("resource_names")
        if identity.kind is IdentityKind.SERVICE_PRINCIPAL and names:
            found.setdefault(identity.scope, set()).update(str(n) for n in names)
    return {tenant: frozenset(names) | _ALWAYS for tenant, names in found.items()}


#: The two issuers of a tenant, and the claim each names the client application by.
_ISSUERS = (("sts.windows.net/{tenant}", "appid", "v1"), ("login.microsoftonline.com/{tenant}/v2.0", "azp", "v2"))


def _tokens(identity: Identity, tenant: str, object_id: str, audiences: frozenset[str] | None) -> Iterator[IssuedToken]:
    app_id = str(identity.attributes.get("app_id") or "")
    for issuer, app_claim, version in _ISSUERS:
        yield IssuedToken(
            identity_id=identity.id,
            issuer=issuer.format(tenant=tenant),
            claims={"sub": object_id, "oid": object_id, "tid": tenant, **({app_claim: app_id} if app_id else {})},
            choices={"aud": audiences} if audiences else {},
            how=f"an Entra access token of tenant {tenant} ({version})",
        )
