"""What an AWS identity presents to another cloud: a signed ``sts:GetCallerIdentity`` request (how GCP workload
identity federation admits AWS), whose answer names the account and the caller's ARN; a role's session ARN ends
with a session name the caller picks. Issued under the pseudo-issuer ``aws-account/ACCOUNT`` that GCP's AWS
providers are matched on."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.model import IdentityKind, Inventory, IssuedToken


def issued_tokens(inventory: Inventory) -> Iterator[IssuedToken]:
    for identity in inventory.identities:
        parts = identity.id.split(":", 5)
        if len(parts) != 6 or not parts[4] or identity.enabled is False:
            continue
        account, resource = parts[4], parts[5]
        how = "a signed sts:GetCallerIdentity request"
        if identity.kind is IdentityKind.ROLE and resource.startswith("role/"):
            name = resource.rsplit("/", 1)[-1]
            session = f"arn:aws:sts::{account}:assumed-role/{name}"
            yield IssuedToken(
                identity_id=identity.id,
                issuer=f"aws-account/{account}",
                claims={"account": account, "aws_role": session},
                chosen=frozenset(),
                prefixed={"arn": f"{session}/"},
                how=f"{how} of a session of the role",
            )
        elif identity.kind is IdentityKind.USER and resource.startswith("user/"):
            yield IssuedToken(
                identity_id=identity.id,
                issuer=f"aws-account/{account}",
                claims={"account": account, "arn": identity.id},
                chosen=frozenset(),
                how=how,
            )
