"""`aws iam list-signing-certificates`: X.509 signing certificates of IAM users, with their real ids.

Replaces the credential report's anonymous ``cert_1``/``cert_2`` slots for the users it lists.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.usercreds import UserCredentialList, UserCredentialRecord
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.model import CredentialKind


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "Certificates" in value and isinstance(value["Certificates"], list)


def load(source: str, value: object) -> UserCredentialList:
    document = Fields(value, source)
    records = [
        UserCredentialRecord(
            user=item.string("UserName"),
            credential_id=item.string("CertificateId"),
            kind=CredentialKind.CERTIFICATE,
            active=item.string("Status") == "Active",
            created=item.timestamp("UploadDate"),
            label="signing certificate",
        )
        for item in document.objects("Certificates")
    ]
    return UserCredentialList(kind=CredentialKind.CERTIFICATE, credentials=tuple(records))


FORMAT = InputFormat(
    name="aws-signing-certificates",
    provider=AWS,
    description="aws iam list-signing-certificates",
    sniff_json=sniff,
    load=load,
)
