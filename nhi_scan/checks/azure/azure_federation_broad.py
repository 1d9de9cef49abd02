"""A federated identity credential that lets in more workloads than it should: a flexible credential whose claims
expression uses ``matches`` wildcards (every repository of an organisation, every branch...), or a standard one
whose subject is written as a pattern or prefix (compared exactly, it matches nothing: a dead credential that
looks like a working wildcard). Credentials whose subject the export does not carry are flagged for review."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._claims import EVERYONE, REPOSITORY, Breadth, breadth, broad_term, never_matches
from nhi_scan.checks.azure._entra import describe, disabled, privilege_evidence, privileges, resolve, summary
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, Identity, Severity, Trust, TrustKind


def _expression(conditions: Mapping[str, Any]) -> str | None:
    raw = conditions.get("claims_matching_expression")
    if isinstance(raw, Mapping):
        raw = raw.get("value")
    return raw.strip() if isinstance(raw, str) and raw.strip() else None


def _issuer(trust: Trust) -> str:
    text = trust.issuer or trust.principal
    return text.split("://", 1)[-1].rstrip("/")


def _severity(found: Breadth, privileged: bool) -> Severity:
    if found.level == EVERYONE:
        return Severity.CRITICAL
    if found.level == REPOSITORY:
        return Severity.HIGH if privileged else Severity.MEDIUM
    return Severity.CRITICAL if privileged else Severity.HIGH


def _finding(
    context: CheckContext, trust: Trust, target: Identity | None, key: str, severity: Severity, message: str
) -> Finding:
    held = privileges(context, target) if target is not None else ()
    return CHECK.finding(
        subject=trust.target_id,
        identity=target,
        provider=AZURE,
        fingerprint_key=key,
        severity=severity,
        message=message,
        evidence={
            "issuer": _issuer(trust),
            "subjects": list(trust.subjects),
            "claims_matching_expression": _expression(trust.conditions),
            "audiences": list(trust.audiences),
            "credential": trust.conditions.get("name") or trust.conditions.get("credential_id"),
            "tier0": privilege_evidence(held),
        },
    )


def _judge(context: CheckContext, trust: Trust, target: Identity | None) -> Iterator[Finding]:
    issuer = _issuer(trust)
    who = describe(target) if target is not None else trust.target_id
    expression = _expression(trust.conditions)
    if expression is not None:
        term = broad_term(expression)
        if term is None:
            return
        found = breadth(issuer, term)
        held = privileges(context, target) if target is not None else ()
        power = f"; it holds {summary(held)}" if held else ""
        yield _finding(
            context,
            trust,
            target,
            f"{issuer}#{expression}",
            _severity(found, bool(held)),
            f"Flexible federated credential of {who} trusts {issuer} with {term.text()}: an attacker needs only "
            f"{found.who} to sign in as it{power}.",
        )
        return
    if not trust.subjects:
        yield _finding(
            context,
            trust,
            target,
            f"{issuer}#?",
            Severity.LOW,
            f"Federated credential of {who} trusts {issuer}, but the export does not say which subject (probably a "
            "flexible credential read through Graph v1.0 or AzureHound): check its claimsMatchingExpression.",
        )
        return
    for subject in trust.subjects:
        if never_matches(subject):
            yield _finding(
                context,
                trust,
                target,
                f"{issuer}#{subject}",
                Severity.INFO,
                f"Federated credential of {who} trusts {issuer} for the subject '{subject}', which a standard "
                "credential compares exactly: no token carries it, so the credential matches nothing (it is not a "
                "wildcard). Fix the subject or delete the credential.",
            )


def run(context: CheckContext) -> Iterator[Finding]:
    seen: set[tuple[str, str, str | None, tuple[str, ...]]] = set()
    for trust in context.inventory.trusts:
        if trust.principal_type is not TrustKind.FEDERATED:
            continue
        key = (trust.target_id, _issuer(trust), _expression(trust.conditions), trust.subjects)
        if key in seen:
            continue
        seen.add(key)
        target = resolve(context, trust.target_id)
        if target is not None and disabled(context, target):
            continue
        yield from _judge(context, trust, target)


CHECK = Check(
    id="azure-federation-broad",
    title="Federated credential admits more workloads than intended",
    severity=Severity.HIGH,
    category=Category.TRUST,
    owasp_nhi=("NHI6:2025", "NHI5:2025"),
    description=(
        "Flexible federated identity credential whose claimsMatchingExpression admits many subjects through "
        "`matches` wildcards: critical when anyone on the issuer can match it, or a whole organisation can and the "
        "app holds tier-0 grants; high for a whole organisation, or one repository of a tier-0 app; medium for one "
        "repository. A standard credential whose subject is a pattern or prefix matches nothing (info); one whose "
        "subject the export does not carry is to be checked (low)."
    ),
    remediation=(
        "Pin the credential to the workloads that need it: a standard credential per exact subject "
        "(repo:ORG/REPO:environment:prod), or an expression that fixes the repository and the branch or environment "
        "(claims['sub'] eq '...', or matches only on the last part); protect that branch or environment. Delete "
        "credentials that match nothing (az ad app federated-credential delete --id APP_ID --federated-credential-id "
        "ID)."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
