"""Where AWS answers carry secret material: a saved ``create-access-key``, ``assume-role`` / ``get-session-token``,
``create-service-specific-credential`` or ``create-virtual-mfa-device`` answer, a credentials file, the console's
access key CSV. The scan reports the place, never the value (``connectors/secret_scan``)."""

from __future__ import annotations

from nhi_scan.connectors.secret_shapes import SecretField, SecretLine, SecretShapes

_KEY = "an AWS secret access key"
_CREATE_OR_STS = "an `aws iam create-access-key` or `aws sts` credentials answer"

SHAPES = SecretShapes(
    fields=(
        SecretField(
            key="SecretAccessKey", looks_like=_KEY, export=_CREATE_OR_STS, owner_keys=("AccessKeyId", "UserName")
        ),
        SecretField(
            key="SessionToken", looks_like="an AWS session token", export=_CREATE_OR_STS, owner_keys=("AccessKeyId",)
        ),
        SecretField(
            key="ServicePassword",
            looks_like="a service-specific credential's password",
            export="an `aws iam create-service-specific-credential` answer",
            owner_keys=("ServiceSpecificCredentialId", "UserName"),
        ),
        SecretField(
            key="Base32StringSeed",
            looks_like="a virtual MFA device's seed",
            export="an `aws iam create-virtual-mfa-device` answer",
            owner_keys=("SerialNumber",),
        ),
    ),
    lines=(
        SecretLine(
            markers=("aws_secret_access_key",),
            pattern=r"^\s*aws_secret_access_key\s*[=:]\s*\S",
            looks_like=_KEY,
            export="an AWS credentials file",
        ),
        SecretLine(
            markers=("aws_session_token",),
            pattern=r"^\s*aws_session_token\s*[=:]\s*\S",
            looks_like="an AWS session token",
            export="an AWS credentials file",
        ),
        SecretLine(
            markers=("AKIA", "ASIA"),
            pattern=r"(?<![A-Z0-9])(?P<owner>A[KS]IA[A-Z0-9]{16})(?![A-Z0-9])[\s,;:=\"']+[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
            looks_like=_KEY,
            export="an access key id followed by its secret (the console's access key CSV)",
        ),
    ),
)
