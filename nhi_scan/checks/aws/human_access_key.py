"""A person's IAM user holds an active access key: a long-lived secret on a laptop."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence, principals
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, CredentialKind, Finding, IdentityKind, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in principals(context):
        if identity.machine or identity.kind is not IdentityKind.USER:
            continue
        for key in identity.active_credentials(CredentialKind.ACCESS_KEY):
            yield CHECK.finding(
                subject=key.id,
                identity=identity,
                message=f"Human user {identity.name} has active access key {key.id}.",
                evidence={**credential_evidence(key), "machine_reason": identity.machine_reason},
            )


CHECK = Check(
    id="human-access-key",
    title="Human user has an access key",
    severity=Severity.LOW,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI7:2025",),
    description="An IAM user classified as a person holds an active access key.",
    remediation=(
        "Give people short-lived CLI credentials through IAM Identity Center (aws sso login) and delete the key."
    ),
    run=run,
    providers=(AWS,),
)
