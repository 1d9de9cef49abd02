"""`aws iam list-ssh-public-keys`: SSH keys of IAM users (CodeCommit over SSH)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.usercreds import UserCredentialList, UserCredentialRecord
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.model import CredentialKind


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "SSHPublicKeys" in value


def load(source: str, value: object) -> UserCredentialList:
    document = Fields(value, source)
    records = [
        UserCredentialRecord(
            user=item.string("UserName"),
            credential_id=item.string("SSHPublicKeyId"),
            kind=CredentialKind.SSH_KEY,
            active=item.string("Status") == "Active",
            created=item.timestamp("UploadDate"),
            label="SSH public key",
        )
        for item in document.objects("SSHPublicKeys")
    ]
    return UserCredentialList(kind=CredentialKind.SSH_KEY, credentials=tuple(records))


FORMAT = InputFormat(
    name="aws-ssh-public-keys",
    provider=AWS,
    description="aws iam list-ssh-public-keys",
    sniff_json=sniff,
    load=load,
)
