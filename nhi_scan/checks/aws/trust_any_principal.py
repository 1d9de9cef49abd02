"""A role whose trust policy lets any AWS principal in the world assume it."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._trust import allow_trusts, constraints
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity

#: Conditions that really confine a "*" principal to known callers.
CONFINING_KEYS = frozenset(
    {
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principalorgpaths",
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceorgid",
    }
)


def run(context: CheckContext) -> Iterator[Finding]:
    for role, trust in allow_trusts(context):
        if trust.principal_type != "any":
            continue
        keys = constraints(trust.conditions)
        confined = sorted(k for k in keys if k in CONFINING_KEYS and not any(c.negated for c in keys[k]))
        if confined:
            continue
        severity = Severity.HIGH if keys else Severity.CRITICAL
        detail = f" (only conditioned on {', '.join(sorted(keys))})" if keys else " with no condition"
        yield CHECK.finding(
            subject=role.id,
            identity=role,
            message=f"Role {role.name} can be assumed by any AWS principal{detail}.",
            evidence={
                "statement": trust.statement_index,
                "principal": trust.principal,
                "actions": list(trust.actions),
                "conditions": dict(trust.conditions),
            },
            severity=severity,
            fingerprint_key=str(trust.statement_index),
        )


CHECK = Check(
    id="trust-any-principal",
    title="Role trusts any AWS principal",
    severity=Severity.CRITICAL,
    category=Category.TRUST,
    owasp_nhi=("NHI5:2025", "NHI6:2025"),
    description=(
        'Trust policy with Principal "*" not confined by aws:PrincipalOrgID / PrincipalAccount / PrincipalArn '
        "(critical without any condition, high with other conditions)."
    ),
    remediation=(
        'Name the exact principals (account or role ARNs) in the trust policy, or confine "*" with an '
        "aws:PrincipalOrgID or aws:PrincipalArn condition."
    ),
    run=run,
    providers=(AWS,),
)
