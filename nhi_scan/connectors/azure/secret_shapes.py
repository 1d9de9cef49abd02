"""Where Azure and Entra answers carry secret material: ``az ad sp create-for-rbac`` / ``az ad app credential reset``
(``password`` beside ``appId``), a Graph ``addPassword`` answer or a password credential with its ``secretText``, an
``--sdk-auth`` file's ``clientSecret``. The scan reports the place, never the value (``connectors/secret_scan``)."""

from __future__ import annotations

from nhi_scan.connectors.secret_shapes import SecretField, SecretShapes

_CLIENT_SECRET = "an Entra client secret"

SHAPES = SecretShapes(
    fields=(
        SecretField(
            key="password",
            looks_like=_CLIENT_SECRET,
            export="an `az ad sp create-for-rbac` or `az ad app credential reset` answer",
            beside=("appId",),
            owner_keys=("appId", "tenant"),
        ),
        SecretField(
            key="secretText",
            looks_like=_CLIENT_SECRET,
            export="a Microsoft Graph `addPassword` answer or password credential",
            owner_keys=("keyId", "displayName"),
            listed=True,
        ),
        SecretField(
            key="clientSecret",
            looks_like=_CLIENT_SECRET,
            export="an `az ad sp create-for-rbac --sdk-auth` file",
            beside=("clientId",),
            owner_keys=("clientId", "tenantId"),
        ),
    ),
)
