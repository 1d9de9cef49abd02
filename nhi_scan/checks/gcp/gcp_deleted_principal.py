"""A binding to a deleted principal (``deleted:serviceAccount:...?uid=``): the role no longer applies, but a new
account re-created with the same name does not inherit it either, and stale bindings hide what is really granted."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.gcp._bindings import bindings
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, Severity


def run(context: CheckContext) -> Iterator[Finding]:
    for bound in bindings(context):
        if not bound.member.startswith("deleted:"):
            continue
        yield CHECK.finding(
            subject=bound.key(),
            identity=None,
            provider=GCP,
            message=f"{bound.resource} still binds {bound.role} to the deleted principal {bound.member}.",
            evidence=bound.evidence(),
        )


CHECK = Check(
    id="gcp-deleted-principal",
    title="Binding to a deleted principal",
    severity=Severity.LOW,
    category=Category.HYGIENE,
    owasp_nhi=("NHI1:2025",),
    description="An IAM binding whose member is a deleted service account, user or group (deleted:...).",
    remediation="Remove the binding (gcloud ... remove-iam-policy-binding with the deleted: member).",
    run=run,
    providers=(GCP,),
)
