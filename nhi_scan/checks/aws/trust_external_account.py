"""A role trusting a whole other AWS account, or another account's principal without an external id."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._trust import account_of, allow_trusts, constraints
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity, TrustKind


def run(context: CheckContext) -> Iterator[Finding]:
    scanned = {scope for _, scope in context.inventory.scopes}
    for role, trust in allow_trusts(context):
        if trust.principal_type != TrustKind.PRINCIPAL:
            continue
        other = account_of(trust.principal)
        if other is None or other == role.scope:
            continue
        keys = constraints(trust.conditions)
        external_id = "sts:externalid" in keys
        whole_account = trust.principal == other or trust.principal.endswith(":root")
        if external_id and not whole_account:
            continue
        problems = []
        if whole_account:
            problems.append(f"any principal of account {other} that its own admins allow")
        else:
            problems.append(f"{trust.principal}")
        if not external_id:
            problems.append("without an sts:ExternalId condition")
        severity = Severity.HIGH if whole_account and not external_id else Severity.MEDIUM
        yield CHECK.finding(
            subject=role.id,
            identity=role,
            message=f"Role {role.name} can be assumed by " + " ".join(problems) + ".",
            evidence={
                "principal": trust.principal,
                "trusted_account": other,
                "whole_account": whole_account,
                "external_id_condition": external_id,
                "trusted_account_scanned": other in scanned,
                "conditions": dict(trust.conditions),
            },
            severity=severity,
            fingerprint_key=trust.principal,
        )


CHECK = Check(
    id="trust-external-account",
    title="Role trusts another AWS account",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI3:2025", "NHI5:2025"),
    description=(
        "Cross-account trust to a whole other account (its root), or to another account's principal without "
        "sts:ExternalId (high when both)."
    ),
    remediation=(
        "Trust the specific role ARN of the other account instead of its root, and for third parties require an "
        "sts:ExternalId condition (confused-deputy protection)."
    ),
    run=run,
    providers=(AWS,),
)
