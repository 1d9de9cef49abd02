"""Google credentials for live collection: Application Default Credentials, optionally impersonating a service
account, checked once up front so a missing or expired login is one clear line rather than a failure per call."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from nhi_scan.connectors.gcp.fetch_http import GcpEndpoints
from nhi_scan.connectors.live_limits import one_line
from nhi_scan.errors import NhiScanError

CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
NO_CREDENTIALS = (
    "no Google credentials: run gcloud auth application-default login or set GOOGLE_APPLICATION_CREDENTIALS"
)
NO_QUOTA_PROJECT = (
    "the Google credentials have no quota project: some APIs (Activity Analyzer) may refuse calls; "
    "run gcloud auth application-default set-quota-project PROJECT_ID"
)
#: Impersonated tokens last no longer than a collection needs.
TOKEN_LIFETIME_SECONDS = 3600


def application_default(warn: Callable[[str], None]) -> Any:
    """ADC (``GOOGLE_APPLICATION_CREDENTIALS``, the gcloud ADC file, or the metadata server); google-auth's
    multi-line warnings become one line each on ``warn``."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            credentials, _ = google.auth.default(scopes=[CLOUD_PLATFORM])
        except DefaultCredentialsError:
            raise NhiScanError(NO_CREDENTIALS) from None
    for warning in caught:
        text = str(warning.message)
        warn(NO_QUOTA_PROJECT if "quota project" in text else one_line(text, 200))
    return credentials


def impersonating(source: Any, target: str, endpoints: GcpEndpoints) -> Any:
    """Short-lived credentials of ``target`` minted with ``source`` (needs iam.serviceAccounts.getAccessToken)."""
    from google.auth import impersonated_credentials

    override = None
    if endpoints.overridden:
        override = f"{endpoints.iamcredentials}/v1/projects/-/serviceAccounts/{target}:generateAccessToken"
    make: Any = impersonated_credentials.Credentials  # not annotated by google-auth
    return make(
        source_credentials=source,
        target_principal=target,
        target_scopes=[CLOUD_PLATFORM],
        lifetime=TOKEN_LIFETIME_SECONDS,
        iam_endpoint_override=override,
    )


def ready(credentials: Any, impersonated: str | None) -> Any:
    """Refresh once (when needed) so that unusable credentials fail here, as one line."""
    from google.auth.exceptions import GoogleAuthError
    from google.auth.transport.requests import Request

    if getattr(credentials, "valid", False):
        return credentials
    try:
        credentials.refresh(Request())
    except GoogleAuthError as exc:
        if impersonated:
            raise NhiScanError(f"cannot impersonate {impersonated}: {one_line(str(exc), 240)}") from None
        raise NhiScanError(
            f"cannot use the Google credentials: {one_line(str(exc), 240)} "
            "(run gcloud auth application-default login again?)"
        ) from None
    except OSError as exc:
        raise NhiScanError(f"cannot reach Google to check the credentials: {one_line(str(exc), 200)}") from None
    return credentials


def credentials_for(
    source: Any | None, impersonate: str | None, endpoints: GcpEndpoints, warn: Callable[[str], None]
) -> Any:
    """The credentials every call uses: ``source`` (default: ADC), as ``impersonate`` when given."""
    base = source if source is not None else application_default(warn)
    if impersonate:
        return ready(impersonating(base, impersonate, endpoints), impersonate)
    return ready(base, None)


def caller(credentials: Any) -> str | None:
    """Who the collection runs as, when the credentials say (a service account's email); never a token."""
    for attribute in ("service_account_email", "signer_email"):
        value = getattr(credentials, attribute, None)
        if isinstance(value, str) and "@" in value:
            return value
    return None
