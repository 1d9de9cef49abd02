"""Two active access keys on one identity: rotation left half-done, or a key shared across systems."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import principals, who
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, CredentialKind, Finding, Severity
from nhi_scan.timeutil import iso


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in principals(context):
        keys = identity.active_credentials(CredentialKind.ACCESS_KEY)
        if len(keys) < 2:
            continue
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            message=f"{identity.name} has {len(keys)} active access keys: " + ", ".join(k.id for k in keys) + ".",
            evidence={
                "keys": [{"id": k.id, "created": iso(k.created), "last_used": iso(k.last_used)} for k in keys],
                "identity": who(identity),
            },
        )


CHECK = Check(
    id="multiple-active-keys",
    title="Identity has two active access keys",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI7:2025",),
    description="Both access key slots of one IAM user are active.",
    remediation=(
        "Keep one key per consumer: finish the rotation by deactivating the older key, or split consumers onto "
        "their own identities."
    ),
    run=run,
    providers=(AWS,),
)
