"""What an outsider must control, per issuer (issuers.toml), and how a token's claims meet a trust's tests."""

from __future__ import annotations

import pytest

from nhi_scan.federation.claims import issuer_key, passes, satisfies
from nhi_scan.federation.entry import describe, is_public
from nhi_scan.model import ClaimMatch, ClaimTest, IssuedToken

GH = "token.actions.githubusercontent.com"


def sub(value: str, match: ClaimMatch = ClaimMatch.LIKE) -> ClaimTest:
    return ClaimTest(claim="sub", values=(value,), match=match)


@pytest.mark.parametrize(
    ("issuer", "tests", "label", "broad"),
    [
        (GH, [], "any GitHub Actions workflow of any repository", True),
        (
            GH,
            [sub("repo:acme/app:ref:refs/heads/main", ClaimMatch.EQUALS)],
            "a workflow of repository acme/app on branch main",
            False,
        ),
        (
            GH,
            [sub("repo:acme/app:environment:prod")],
            "a workflow of repository acme/app deploying to environment prod",
            False,
        ),
        (
            GH,
            [sub("repo:acme/app:pull_request")],
            "a pull-request workflow of repository acme/app (whoever may open a pull request may run one)",
            False,
        ),
        (
            GH,
            [sub("repo:acme/app:*")],
            "a workflow of repository acme/app on any branch, tag, environment or pull request",
            False,
        ),
        (GH, [sub("repo:acme/*")], "a workflow of any repository of GitHub organisation acme", False),
        (GH, [sub("*")], "any GitHub Actions workflow of any repository", True),
        (
            GH,
            [ClaimTest(claim="repository_owner", values=("acme",))],
            "a workflow of any repository of GitHub organisation acme",
            False,
        ),
        (
            GH,
            [ClaimTest(claim="aud", values=("sts.amazonaws.com",))],
            "any GitHub Actions workflow of any repository",
            True,
        ),
        (
            "gitlab.com",
            [sub("project_path:grp/app:ref_type:branch:ref:main")],
            "a pipeline of GitLab project grp/app on branch main",
            False,
        ),
        (
            "app.terraform.io",
            [sub("organization:acme:project:p:workspace:w:run_phase:apply")],
            "a apply run of workspace w (project p) of HCP Terraform organisation acme",
            False,
        ),
        (
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
            [sub("system:serviceaccount:ci:deployer")],
            "a pod running as service account ci/deployer of cluster oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
            False,
        ),
        (
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
            [],
            "any pod of any namespace of cluster oidc.eks.eu-west-1.amazonaws.com/id/ABC123",
            True,
        ),
        ("oidc.circleci.com/org/1234", [], "any CircleCI job of organisation 1234", True),
        (
            "accounts.google.com",
            [ClaimTest(claim="azp", values=("1234567890",))],
            "the Google account or service account 1234567890 (not in the scanned estate)",
            False,
        ),
        (
            "idp.example.com",
            [sub("svc-a", ClaimMatch.EQUALS)],
            "a holder of a token from idp.example.com whose sub = svc-a",
            False,
        ),
        ("idp.example.com", [], "any holder of a token from idp.example.com", True),
    ],
)
def test_entry_labels(issuer: str, tests: list[ClaimTest], label: str, broad: bool) -> None:
    entry = describe(issuer, tests)
    assert entry is not None
    assert (entry.label, entry.broad) == (label, broad)


def test_a_pattern_compared_exactly_admits_nobody() -> None:
    """Entra compares a federated credential's subject exactly: "repo:acme/*" is only that literal text."""
    assert describe(GH, [sub("repo:acme/*", ClaimMatch.EQUALS)]) is None


def test_saml_providers_are_people_entries() -> None:
    entry = describe("arn:aws:iam::111122223333:saml-provider/Okta", [])
    assert entry is not None and entry.human and "Okta" in entry.label


def test_issuer_spellings_meet() -> None:
    assert issuer_key("https://sts.windows.net/T/") == issuer_key("sts.windows.net/T") == "sts.windows.net/T"
    assert issuer_key("HTTPS://Accounts.Google.com") == "accounts.google.com"
    assert is_public("accounts.google.com") and is_public(GH) and not is_public("sts.windows.net/" + "0" * 36)


GOOGLE = IssuedToken(identity_id="sa", issuer="accounts.google.com", claims={"sub": "42", "azp": "42"})
AWS_ROLE = IssuedToken(
    identity_id="role",
    issuer="aws-account/111122223333",
    claims={"account": "111122223333", "aws_role": "arn:aws:sts::111122223333:assumed-role/r"},
    chosen=frozenset(),
    prefixed={"arn": "arn:aws:sts::111122223333:assumed-role/r/"},
)


def test_claims_the_holder_picks_pass_and_fixed_ones_must_match() -> None:
    assert passes(ClaimTest(claim="aud", values=("anything",)), GOOGLE)
    assert passes(ClaimTest(claim="azp", values=("42",)), GOOGLE)
    assert not passes(ClaimTest(claim="azp", values=("43",)), GOOGLE)
    assert passes(ClaimTest(claim="azp", values=("43",), negated=True), GOOGLE)
    assert not passes(ClaimTest(claim="email", values=("x@y",)), GOOGLE)  # a claim the token lacks
    assert passes(ClaimTest(claim="sub", values=("4*",), match=ClaimMatch.LIKE), GOOGLE)


def test_a_session_name_the_caller_picks_meets_a_pinned_session() -> None:
    session = ClaimTest(claim="arn", values=("arn:aws:sts::111122223333:assumed-role/r/deploy",))
    other_role = ClaimTest(claim="arn", values=("arn:aws:sts::111122223333:assumed-role/other/deploy",))
    assert passes(session, AWS_ROLE) and not passes(other_role, AWS_ROLE)
    assert satisfies([ClaimTest(claim="account", values=("111122223333",)), session], AWS_ROLE)
