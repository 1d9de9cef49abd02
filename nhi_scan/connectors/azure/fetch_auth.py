"""Azure credentials for live collection: azure-identity's DefaultAzureCredential (environment, workload identity,
managed identity, Azure CLI, ...), optionally for another tenant, checked once up front so a missing or broken
login is one clear line rather than a failure per call. A token is never written or printed: only who it names."""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from nhi_scan.connectors.live_limits import one_line
from nhi_scan.errors import NhiScanError

if TYPE_CHECKING:
    from azure.core.credentials import AccessToken, TokenCredential

NO_CREDENTIALS = (
    "no Azure credentials: run az login or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET "
    "(or use a managed or workload identity)"
)


#: Loggers of the SDK that warn (multi-line) about each credential tried; the collector says it in one line.
_SDK_LOGGERS = ("azure.identity", "azure.core")


@contextmanager
def quiet_sdk_logs() -> Iterator[None]:
    """Silence the SDK's warnings for the collection (Python prints them on stderr when the CLI configures no
    logging): a failure is reported once, as one line, by the collector."""
    loggers = [logging.getLogger(name) for name in _SDK_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class TenantCredential:
    """A credential whose every token is asked for one tenant (``--tenant``)."""

    def __init__(self, inner: TokenCredential, tenant: str) -> None:
        self.inner = inner
        self.tenant = tenant

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        return self.inner.get_token(
            *scopes, claims=claims, tenant_id=tenant_id or self.tenant, enable_cae=enable_cae, **kwargs
        )


def default_credential(tenant: str | None) -> TokenCredential:
    """DefaultAzureCredential (never interactive); with ``tenant``, allowed to ask that tenant for tokens."""
    from azure.identity import DefaultAzureCredential

    if tenant is None:
        return DefaultAzureCredential()
    return TenantCredential(DefaultAzureCredential(additionally_allowed_tenants=[tenant]), tenant)


def _refused(exc: Exception, credential: Any) -> NhiScanError:
    """One line for a credential that gave no token: none configured, or one that failed (and which)."""
    from azure.identity import CredentialUnavailableError

    if isinstance(exc, CredentialUnavailableError):
        return NhiScanError(NO_CREDENTIALS)
    chain = getattr(getattr(credential, "inner", credential), "credentials", None)
    attempts = [line.strip() for line in str(exc).splitlines() if line.startswith("\t")]
    if chain is not None and len(attempts) >= len(chain):  # every credential of the chain was unavailable
        return NhiScanError(NO_CREDENTIALS)
    failed = attempts[-1] if attempts else str(exc)
    return NhiScanError(f"cannot use the Azure credentials: {one_line(failed, 240)} (run az login again?)")


def ready(credential: TokenCredential, scopes: tuple[str, ...]) -> AccessToken:
    """A token for each scope (Graph, then ARM), so unusable credentials fail here, as one line; the last token
    is returned for ``caller`` and then dropped."""
    from azure.core.exceptions import AzureError, ClientAuthenticationError

    token: AccessToken | None = None
    for scope in scopes:
        try:
            token = credential.get_token(scope)
        except ClientAuthenticationError as exc:
            raise _refused(exc, credential) from None
        except (AzureError, OSError) as exc:
            raise NhiScanError(f"cannot reach Microsoft Entra to get a token: {one_line(str(exc), 200)}") from None
    assert token is not None
    return token


def claims(token: str) -> dict[str, Any]:
    """The claims of a JWT access token (not verified: only to say who the collection ran as)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    body = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        found = json.loads(base64.urlsafe_b64decode(body))
    except (binascii.Error, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def caller(token: str) -> tuple[str | None, str | None]:
    """Who the token names (``user alice@x``, ``app APP_ID``, ``managed identity OBJECT_ID``) and its tenant."""
    found = claims(token)
    tenant = found.get("tid") if isinstance(found.get("tid"), str) else None
    user = found.get("upn") or found.get("unique_name")
    if isinstance(user, str) and user:
        return f"user {user}", tenant
    app = found.get("appid") or found.get("azp")
    if isinstance(app, str) and app:
        name = found.get("app_displayname")
        return f"app {app}" + (f" ({name})" if isinstance(name, str) and name else ""), tenant
    oid = found.get("oid")
    return (f"principal {oid}" if isinstance(oid, str) and oid else None), tenant
