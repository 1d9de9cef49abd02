"""allUsers or allAuthenticatedUsers in a binding: anyone on the internet (or with any Google account) holds the
role. On a service account, a project or above, anyone may act as the estate's identities."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.gcp._bindings import bindings
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, Severity

PUBLIC = {"allUsers": "anyone on the internet", "allAuthenticatedUsers": "anyone with a Google account"}


def run(context: CheckContext) -> Iterator[Finding]:
    for bound in bindings(context):
        who = PUBLIC.get(bound.member)
        if who is None:
            continue
        identity_level = bound.level != "resource"
        yield CHECK.finding(
            subject=bound.key(),
            identity=None,
            provider=GCP,
            severity=Severity.CRITICAL if identity_level else Severity.HIGH,
            message=f"{bound.member} ({who}) holds {bound.role} on {bound.level} {bound.resource}.",
            evidence=bound.evidence(),
        )


CHECK = Check(
    id="gcp-public-member",
    title="IAM binding open to the public",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI5:2025",),
    description=(
        "allUsers or allAuthenticatedUsers bound to a role: critical on a service account, project, folder or "
        "organization; high on a bucket, secret, topic or dataset."
    ),
    remediation="Remove the public member; grant the role to the named principals that need it.",
    run=run,
    providers=(GCP,),
)
