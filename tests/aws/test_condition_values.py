"""Trust conditions whose values are numbers or booleans (IAM takes them and compares them as text): read as
written, not as no value (issue 13, from a fuzz run: ``"aud": 10**30`` read as ``aud = (nothing)``)."""

from __future__ import annotations

from typing import Any

from nhi_scan.connectors.aws.trust import trusts_from_document

ROLE = "arn:aws:iam::111122223333:role/deploy"
PROVIDER = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
ISSUER = "token.actions.githubusercontent.com"


def trust(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": condition,
            }
        ],
    }


def test_a_number_value_is_pinned_as_its_text() -> None:
    (found,) = trusts_from_document(ROLE, trust({"StringEquals": {f"{ISSUER}:aud": 10**30}}))
    assert found.audiences == (str(10**30),)
    (test,) = found.claims
    assert (test.claim, test.values) == ("aud", (str(10**30),))


def test_a_boolean_value_is_json_text() -> None:
    (found,) = trusts_from_document(ROLE, trust({"StringEquals": {f"{ISSUER}:aud": True}}))
    assert found.audiences == ("true",)


def test_numbers_in_a_list_read_alike() -> None:
    (found,) = trusts_from_document(ROLE, trust({"StringLike": {f"{ISSUER}:sub": ["repo:a/*", 7, False]}}))
    (test,) = found.claims
    assert test.values == ("repo:a/*", "7", "false")
