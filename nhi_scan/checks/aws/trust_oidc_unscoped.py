"""A role federated to an OIDC issuer (GitHub Actions...) without a `sub` condition, or with a wildcard one."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._trust import Constraint, allow_trusts, constraints
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity

#: Issuers whose tokens any customer of the issuer can obtain: an unscoped trust is open to strangers.
SHARED_ISSUERS = (
    "token.actions.githubusercontent.com",
    "gitlab.com",
    "app.terraform.io",
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "oidc.circleci.com",
    "token.buildkite.com",
)


def _issuer(principal: str) -> str:
    return principal.split(":oidc-provider/", 1)[-1] if ":oidc-provider/" in principal else principal


def _sub_verdict(subs: list[Constraint]) -> tuple[Severity, str] | None:
    """None when the subject is pinned; otherwise how bad, and why."""
    if not subs:
        return Severity.CRITICAL, "no condition on the token subject (sub)"
    values = [v for c in subs if not c.negated for v in c.values]
    if not values:
        return Severity.CRITICAL, "only negated conditions on the token subject (sub)"
    broad = [v for v in values if v.strip() in ("*", "repo:*", "repo:*/*", "project_path:*") or v.startswith("*")]
    if broad:
        return Severity.CRITICAL, f"token subject condition matches everything: {', '.join(broad)}"
    wild = [v for v in values if "*" in v or "?" in v]
    if wild:
        return Severity.MEDIUM, f"wildcard token subject: {', '.join(wild)}"
    return None


def run(context: CheckContext) -> Iterator[Finding]:
    for role, trust in allow_trusts(context):
        if trust.principal_type != "federated" or ":saml-provider/" in trust.principal:
            continue
        issuer = _issuer(trust.principal)
        if trust.issuer is None:
            continue  # an OIDC provider of another account: the trust cannot be used at all
        keys = constraints(trust.conditions)
        subject_key = (
            "cognito-identity.amazonaws.com:aud" if issuer == "cognito-identity.amazonaws.com" else f"{issuer}:sub"
        )
        verdict = _sub_verdict(keys.get(subject_key.lower(), []))
        if verdict is not None and issuer == "accounts.google.com":
            # AWS matches accounts.google.com:aud against the token's authorised party (azp): a service account's
            # unique id pins the trust to that account as well as :sub does.
            verdict = _sub_verdict(keys.get("accounts.google.com:aud", [])) and verdict
        if verdict is None:
            continue
        severity, why = verdict
        if not any(issuer.startswith(shared) for shared in SHARED_ISSUERS) and severity is Severity.CRITICAL:
            severity = Severity.HIGH  # a private issuer (e.g. an EKS cluster) only mints tokens for its own tenants
        yield CHECK.finding(
            subject=role.id,
            identity=role,
            message=f"Role {role.name} trusts OIDC issuer {issuer} with {why}.",
            evidence={
                "issuer": issuer,
                "principal": trust.principal,
                "subject_key": subject_key,
                "conditions": dict(trust.conditions),
                "actions": list(trust.actions),
            },
            severity=severity,
            fingerprint_key=trust.principal,
        )


CHECK = Check(
    id="trust-oidc-unscoped",
    title="Web-identity trust not pinned to a subject",
    severity=Severity.CRITICAL,
    category=Category.TRUST,
    owasp_nhi=("NHI5:2025", "NHI6:2025"),
    description=(
        "Role trusting an OIDC issuer (GitHub Actions, GitLab, Terraform Cloud, EKS…) without a `sub` condition "
        "(critical for shared issuers: anyone using the issuer can assume it) or with a wildcard one (medium)."
    ),
    remediation=(
        "Add a StringEquals condition on <issuer>:sub naming the exact repository and branch or environment "
        "(e.g. repo:org/app:ref:refs/heads/main) and on <issuer>:aud (sts.amazonaws.com)."
    ),
    run=run,
    providers=(AWS,),
)
