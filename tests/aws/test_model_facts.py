"""The shared model facts the AWS parser fills for the neutral code and the cross-cloud pass: the scope hierarchy,
identity providers, and the federation claims of trusts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from nhi_scan.connectors.aws.enrich import hierarchy
from nhi_scan.engine import analyse
from nhi_scan.model import Inventory, Organization, ScopeKind, TrustKind
from nhi_scan.settings import Settings

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data" / "aws"


def test_an_organisation_becomes_a_hierarchy_of_root_ous_and_accounts() -> None:
    organization = Organization(
        management_account="111111111111",
        account_paths={
            "111111111111": ("r-ab12", "111111111111"),
            "222222222222": ("r-ab12", "ou-ab12-x", "222222222222"),
        },
    )
    inventory = Inventory(scopes=(("aws", "222222222222"), ("aws", "333333333333")))  # type: ignore[arg-type]
    scopes = {s.id: s for s in hierarchy(inventory, organization)}
    assert scopes["r-ab12"].kind is ScopeKind.ORGANIZATION and scopes["r-ab12"].parent is None
    assert scopes["ou-ab12-x"].kind is ScopeKind.ORGANIZATIONAL_UNIT and scopes["ou-ab12-x"].parent == "r-ab12"
    assert scopes["222222222222"].kind is ScopeKind.ACCOUNT and scopes["222222222222"].parent == "ou-ab12-x"
    assert scopes["111111111111"].parent == "r-ab12"
    assert scopes["333333333333"].parent is None  # scanned, but in no organisation the inputs describe


def test_sample_trusts_name_their_identity_providers_and_pinned_claims() -> None:
    inventory = analyse([SAMPLE], settings=Settings(), now=datetime(2026, 11, 29, tzinfo=UTC)).inventory
    providers = {p.id: p for p in inventory.identity_providers}
    github = providers["arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"]
    assert (github.issuer, github.protocol, github.scope) == (
        "token.actions.githubusercontent.com",
        "oidc",
        "111122223333",
    )
    assert any(p.protocol == "saml" for p in providers.values())
    federated = [t for t in inventory.trusts if t.principal_type is TrustKind.FEDERATED and t.issuer == github.issuer]
    assert federated and all(t.audiences == ("sts.amazonaws.com",) for t in federated)
    pinned = [t for t in federated if t.subjects]
    assert pinned and all(s.startswith("repo:") for t in pinned for s in t.subjects)
    assert [s.id for s in inventory.hierarchy] == ["111122223333"]
