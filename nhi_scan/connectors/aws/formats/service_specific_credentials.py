"""`aws iam list-service-specific-credentials`: Bedrock API keys, CodeCommit and Keyspaces credentials.

Static secrets that live outside AWS like access keys; the listing gives ids and dates only, never the secret.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.usercreds import SERVICE_LABELS, UserCredentialList, UserCredentialRecord
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.model import CredentialKind


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "ServiceSpecificCredentials" in value


def load(source: str, value: object) -> UserCredentialList:
    document = Fields(value, source)
    records = []
    for item in document.objects("ServiceSpecificCredentials"):
        service = item.string("ServiceName")
        records.append(
            UserCredentialRecord(
                user=item.string("UserName"),
                credential_id=item.string("ServiceSpecificCredentialId"),
                kind=CredentialKind.SERVICE_SPECIFIC,
                active=item.string("Status") == "Active",
                created=item.timestamp("CreateDate"),
                expires=item.timestamp("ExpirationDate"),
                label=SERVICE_LABELS.get(service, f"{service} credential"),
            )
        )
    return UserCredentialList(kind=CredentialKind.SERVICE_SPECIFIC, credentials=tuple(records))


FORMAT = InputFormat(
    name="aws-service-specific-credentials",
    provider=AWS,
    description="aws iam list-service-specific-credentials",
    sniff_json=sniff,
    load=load,
)
