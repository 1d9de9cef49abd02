"""A workload identity pool provider on a multi-tenant issuer (GitHub Actions, GitLab, Terraform Cloud...) without
an attributeCondition: any workflow of anyone on that service can get tokens of the pool."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, Finding, Severity, TrustKind

#: Issuers anyone may obtain tokens from (their own repository, pipeline or workspace).
SHARED_ISSUERS = {
    "token.actions.githubusercontent.com": "any GitHub Actions workflow of any repository",
    "gitlab.com": "any GitLab CI job of any project",
    "app.terraform.io": "any Terraform Cloud workspace",
    "oidc.circleci.com": "any CircleCI project",
    "api.bitbucket.org": "any Bitbucket pipeline",
    "accounts.google.com": "any Google account",
    "sts.windows.net": "any Entra tenant",
}


def _shared(issuer: str) -> str | None:
    host = issuer.split("/", 1)[0]
    if host == "sts.windows.net" and issuer != host:
        return None  # a tenant's own issuer: only its identities get its tokens
    return SHARED_ISSUERS.get(issuer) or SHARED_ISSUERS.get(host)


def run(context: CheckContext) -> Iterator[Finding]:
    bound_pools: dict[str, list[str]] = {}
    for trust in context.inventory.trusts:
        if trust.principal_type is TrustKind.FEDERATED:
            bound_pools.setdefault(str(trust.conditions.get("pool", "")).rsplit("/", 1)[-1], []).append(trust.target_id)
    for provider in context.inventory.identity_providers:
        if not provider.enabled or provider.condition:
            continue
        who = _shared(provider.issuer)
        if who is None:
            continue
        pool = str(provider.attributes.get("pool", "")).rsplit("/", 1)[-1]
        accounts = sorted(set(bound_pools.get(pool, [])))
        names = ", ".join(a.split(":", 1)[1] for a in accounts[:3])
        yield CHECK.finding(
            subject=provider.id,
            identity=None,
            provider=GCP,
            severity=Severity.CRITICAL if accounts else Severity.HIGH,
            message=(
                f"Provider {provider.id.rsplit('/', 1)[-1]} of pool {pool} trusts {provider.issuer} without an "
                f"attributeCondition: {who} can get tokens of the pool"
                + (f", which may impersonate {names}." if accounts else ".")
            ),
            evidence={
                "provider": provider.id,
                "issuer": provider.issuer,
                "attribute_mapping": dict(provider.attributes.get("attribute_mapping") or {}),
                "service_accounts": accounts,
            },
        )


CHECK = Check(
    id="gcp-federation-unconditioned",
    title="Workload identity provider admits anyone on a shared issuer",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI5:2025", "NHI9:2025"),
    description=(
        "Workload identity pool provider for a multi-tenant issuer (GitHub Actions, GitLab, Terraform Cloud, "
        "CircleCI, Bitbucket...) with no attributeCondition; critical when the pool may impersonate service accounts."
    ),
    remediation=(
        "Add an attributeCondition naming your organisation or repository (e.g. assertion.repository_owner == "
        "'acme'), and bind principalSet://... only for the attribute values that need the service account."
    ),
    run=run,
    providers=(GCP,),
)
