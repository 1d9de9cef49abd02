"""Trust policies: who may assume a role, and whom a role trusts."""

from __future__ import annotations

from nhi_scan.model import PolicyKind
from nhi_scan.policy.aws import Decision, can_assume, trusted_parties
from tests.policy.builders import ACCOUNT, ALICE, CI_ROLE, OTHER_ACCOUNT, allow, doc, grant, perms, stmt, trust

ASSUME = stmt(action="sts:AssumeRole", resource=CI_ROLE)
NOTHING = stmt(action="s3:GetObject", resource="arn:aws:s3:::x/*")
FOREIGN_USER = f"arn:aws:iam::{OTHER_ACCOUNT}:user/eve"


def test_same_account_named_principal_needs_no_identity_policy() -> None:
    result = can_assume([trust(ALICE)], allow(NOTHING))
    assert result.decision is Decision.ALLOW
    assert result.same_account and not result.needs_identity_policy
    assert "statement 0" in result.reason()


def test_account_root_delegates_to_identity_policy() -> None:
    for principal in (f"arn:aws:iam::{ACCOUNT}:root", ACCOUNT):
        without = can_assume([trust(principal)], allow(NOTHING))
        assert without.decision is Decision.IMPLICIT_DENY
        assert without.needs_identity_policy
        assert can_assume([trust(principal)], allow(ASSUME)).decision is Decision.ALLOW


def test_star_principal_trusts_anyone_subject_to_conditions() -> None:
    assert can_assume([trust("*", principal_type="any")], allow(NOTHING)).decision is Decision.ALLOW
    external = {"StringEquals": {"sts:ExternalId": "s3cret"}}
    result = can_assume([trust("*", principal_type="any", conditions=external)], allow(NOTHING))
    assert result.decision is Decision.CONDITIONAL
    assert result.unknown_keys == ("sts:ExternalId",)
    org = {"StringEquals": {"aws:PrincipalAccount": "999999999999"}}
    assert can_assume([trust("*", conditions=org)], allow(ASSUME)).decision is Decision.IMPLICIT_DENY


def test_cross_account_needs_both_sides() -> None:
    caller_without = perms(grant(doc(NOTHING), principal=FOREIGN_USER), principal=FOREIGN_USER)
    caller_with = perms(grant(doc(ASSUME), principal=FOREIGN_USER), principal=FOREIGN_USER)
    for principal in (FOREIGN_USER, f"arn:aws:iam::{OTHER_ACCOUNT}:root"):
        assert can_assume([trust(principal)], caller_without).decision is Decision.IMPLICIT_DENY
        result = can_assume([trust(principal)], caller_with)
        assert result.decision is Decision.ALLOW and not result.same_account
    assert can_assume([trust(ALICE)], caller_with).decision is Decision.IMPLICIT_DENY  # not named


def test_other_principal_or_action_does_not_match() -> None:
    bob = ALICE.replace("alice", "bob")
    assert can_assume([trust(bob)], allow(ASSUME)).decision is Decision.IMPLICIT_DENY
    web = trust(ALICE, actions=("sts:AssumeRoleWithWebIdentity",))
    assert can_assume([web], allow(ASSUME)).decision is Decision.IMPLICIT_DENY
    wildcard = trust(ALICE, actions=("sts:*",))
    assert can_assume([wildcard], allow(NOTHING)).decision is Decision.ALLOW


def test_denies_in_trust_or_caller_policies() -> None:
    denied = [trust(ALICE), trust(ALICE, effect="Deny")]
    assert can_assume(denied, allow(NOTHING)).decision is Decision.DENY
    caller_denies = allow(NOTHING, stmt("Deny", action="sts:AssumeRole"))
    assert can_assume([trust(ALICE)], caller_denies).decision is Decision.DENY


def test_scp_and_role_boundary_still_apply_to_named_principal() -> None:
    scp = grant(doc(stmt(not_action="sts:*")), name="NoSts", kind=PolicyKind.SCP, scope="ou-1")
    assert can_assume([trust(ALICE)], perms(grant(doc(NOTHING)), scp)).decision is Decision.IMPLICIT_DENY
    boundary = grant(doc(NOTHING), name="b", kind=PolicyKind.BOUNDARY, principal=CI_ROLE)
    role_caller = perms(grant(doc(NOTHING), principal=CI_ROLE), boundary, principal=CI_ROLE)
    target = f"arn:aws:iam::{ACCOUNT}:role/deploy"
    assert can_assume([trust(CI_ROLE, role=target)], role_caller).decision is Decision.IMPLICIT_DENY
    user_caller = perms(grant(doc(NOTHING)), grant(doc(NOTHING), name="b", kind=PolicyKind.BOUNDARY))
    assert can_assume([trust(ALICE, role=target)], user_caller).decision is Decision.ALLOW


def test_session_principal_is_conditional() -> None:
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/ci/build-42"
    caller = perms(grant(doc(NOTHING), principal=CI_ROLE), principal=CI_ROLE)
    target = f"arn:aws:iam::{ACCOUNT}:role/deploy"
    assert can_assume([trust(session, role=target)], caller).decision is Decision.CONDITIONAL


def test_trusts_for_other_roles_are_ignored() -> None:
    other = trust(ALICE, role=f"arn:aws:iam::{ACCOUNT}:role/other")
    assert can_assume([other], allow(NOTHING), role_arn=CI_ROLE).decision is Decision.IMPLICIT_DENY


def test_trusted_parties_by_kind() -> None:
    trusts = [
        trust("*", principal_type="any"),
        trust(f"arn:aws:iam::{OTHER_ACCOUNT}:root"),
        trust(ACCOUNT),
        trust(ALICE),
        trust("lambda.amazonaws.com", principal_type="service"),
        trust(
            f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
            principal_type="federated",
            actions=("sts:AssumeRoleWithWebIdentity",),
        ),
        trust(
            f"arn:aws:iam::{ACCOUNT}:saml-provider/okta",
            principal_type="federated",
            actions=("sts:AssumeRoleWithSAML",),
        ),
        trust("cognito-identity.amazonaws.com", principal_type="federated"),
        trust("ec2.amazonaws.com", principal_type="service", effect="Deny"),
    ]
    parties = trusted_parties(trusts)
    assert len(parties.anyone) == 1
    assert parties.accounts == (OTHER_ACCOUNT, ACCOUNT)
    assert parties.principals == (ALICE,)
    assert parties.services == ("lambda.amazonaws.com",)
    assert parties.saml == (f"arn:aws:iam::{ACCOUNT}:saml-provider/okta",)
    assert parties.web_identity == (
        f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
        "cognito-identity.amazonaws.com",
    )
