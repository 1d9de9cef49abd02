"""Where Google Cloud files carry secret material: a service account key file (``private_key``), a
``gcloud iam service-accounts keys create`` / REST key object (``privateKeyData``), an HMAC key's ``secret``, a user's
application default credentials. The scan reports the place, never the value (``connectors/secret_scan``)."""

from __future__ import annotations

from nhi_scan.connectors.secret_shapes import SecretField, SecretShapes

_KEY_FILE = "a service account key file"

SHAPES = SecretShapes(
    fields=(
        SecretField(
            key="private_key",
            looks_like="a service account's private key",
            export=_KEY_FILE,
            owner_keys=("client_email", "private_key_id"),
        ),
        SecretField(
            key="privateKeyData",
            looks_like="a service account key (the whole key file, base64)",
            export="a `gcloud iam service-accounts keys create` or REST key object",
            owner_keys=("name",),
            listed=True,
        ),
        SecretField(
            key="secret",
            looks_like="a Cloud Storage HMAC key's secret",
            export="a `gcloud storage hmac create` answer",
            beside=("metadata",),
        ),
        SecretField(
            key="refresh_token",
            looks_like="an OAuth refresh token",
            export="application default credentials (`gcloud auth application-default login`)",
            beside=("client_id",),
            owner_keys=("client_id",),
        ),
        SecretField(
            key="client_secret",
            looks_like="an OAuth client secret",
            export="application default credentials or an OAuth client file",
            beside=("client_id",),
            owner_keys=("client_id",),
        ),
    ),
)
