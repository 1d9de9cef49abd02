"""Trust-policy checks: public, cross-account, OIDC subject and service source conditions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nhi_scan.engine import run_scan
from nhi_scan.model import Severity
from tests.aws.builders import gaad, role, service_trust, write_export

GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"


def trust(principal: Any, action: str = "sts:AssumeRole", **condition: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal, "Action": action}
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}


def findings(tmp_path: Path, check_id: str, **roles: dict[str, Any]) -> dict[str, Severity]:
    authz = gaad(roles=[role(name, trust=doc) for name, doc in roles.items()])
    result = run_scan([write_export(tmp_path, authz=authz)], now=datetime(2026, 11, 29, tzinfo=UTC))
    return {f.subject.rsplit("/", 1)[-1]: f.severity for f in result.findings if f.check_id == check_id}


def test_any_principal(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "trust-any-principal",
        open=trust("*"),
        open_aws=trust({"AWS": "*"}),
        mfa_only=trust({"AWS": "*"}, Bool={"aws:MultiFactorAuthPresent": "true"}),
        org_confined=trust({"AWS": "*"}, StringEquals={"aws:PrincipalOrgID": "o-abc"}),
        named=trust({"AWS": "arn:aws:iam::111122223333:role/x"}),
    )
    assert found == {"open": Severity.CRITICAL, "open_aws": Severity.CRITICAL, "mfa_only": Severity.HIGH}


def test_external_account(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "trust-external-account",
        partner_root=trust({"AWS": "arn:aws:iam::444455556666:root"}),
        partner_bare=trust({"AWS": "444455556666"}),
        partner_root_extid=trust({"AWS": "arn:aws:iam::444455556666:root"}, StringEquals={"sts:ExternalId": "x"}),
        vendor_role=trust({"AWS": "arn:aws:iam::444455556666:role/vendor"}),
        vendor_role_extid=trust({"AWS": "arn:aws:iam::444455556666:role/vendor"}, StringEquals={"sts:ExternalId": "x"}),
        same_account=trust({"AWS": "arn:aws:iam::111122223333:root"}),
    )
    assert found == {
        "partner_root": Severity.HIGH,
        "partner_bare": Severity.HIGH,
        "partner_root_extid": Severity.MEDIUM,
        "vendor_role": Severity.MEDIUM,
    }


def test_oidc_subject(tmp_path: Path) -> None:
    web = "sts:AssumeRoleWithWebIdentity"
    aud = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
    found = findings(
        tmp_path,
        "trust-oidc-unscoped",
        no_sub=trust({"Federated": GITHUB}, web, StringEquals=aud),
        any_repo=trust({"Federated": GITHUB}, web, StringLike={"token.actions.githubusercontent.com:sub": "repo:*"}),
        org_wild=trust(
            {"Federated": GITHUB}, web, StringLike={"token.actions.githubusercontent.com:sub": "repo:northwind/*"}
        ),
        pinned=trust(
            {"Federated": GITHUB},
            web,
            StringEquals={**aud, "token.actions.githubusercontent.com:sub": "repo:northwind/app:ref:refs/heads/main"},
        ),
        eks=trust({"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/AB"}, web),
        saml=trust({"Federated": "arn:aws:iam::111122223333:saml-provider/okta"}, "sts:AssumeRoleWithSAML"),
    )
    assert found == {
        "no_sub": Severity.CRITICAL,
        "any_repo": Severity.CRITICAL,
        "org_wild": Severity.MEDIUM,
        "eks": Severity.HIGH,
    }


def test_service_source_conditions(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "trust-service-unconfined",
        agent=service_trust("bedrock.amazonaws.com"),
        agent_ok=service_trust("bedrock.amazonaws.com", StringEquals={"aws:SourceAccount": "111122223333"}),
        function=service_trust("lambda.amazonaws.com"),
    )
    assert found == {"agent": Severity.LOW}
