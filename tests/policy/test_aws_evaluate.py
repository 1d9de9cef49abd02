"""Allow/Deny evaluation across policies, groups, boundaries and SCP levels."""

from __future__ import annotations

import json
from urllib.parse import quote

from nhi_scan.model import PolicyKind
from nhi_scan.policy.aws import Decision, LayerKind, Tri
from tests.policy.builders import ACCOUNT, ALICE, allow, doc, grant, perms, stmt

BUCKET = "arn:aws:s3:::data"
OBJECT = "arn:aws:s3:::data/report.csv"
USER_BOB = f"arn:aws:iam::{ACCOUNT}:user/bob"


def test_permissions_split_across_policies_and_groups_add_up() -> None:
    principal = perms(
        grant(doc(stmt(action="s3:GetObject", resource=OBJECT)), name="inline-read"),
        grant(doc(stmt(action="s3:ListBucket", resource=BUCKET)), name="Lister", kind=PolicyKind.MANAGED),
        grant(doc(stmt(action="iam:CreateAccessKey", resource="*")), name="keys", via="group/devs"),
    )
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:ListBucket", BUCKET).decision is Decision.ALLOW
    keys = principal.allows("iam:CreateAccessKey", USER_BOB)
    assert keys.decision is Decision.ALLOW
    assert keys.allowed_by[0].source.via == "group/devs"
    assert "via group group/devs" in keys.reason()
    assert principal.allows("s3:PutObject", OBJECT).decision is Decision.IMPLICIT_DENY


def test_reason_names_action_statement_and_policy() -> None:
    principal = perms(grant(doc(stmt(action="iam:CreateAccessKey", sid="Keys")), name="ci-admin"))
    reason = principal.allows("iam:CreateAccessKey", USER_BOB).reason()
    assert "iam:CreateAccessKey" in reason
    assert 'statement 0 ("Keys") of inline policy ci-admin' in reason


def test_explicit_deny_in_same_policy_wins() -> None:
    principal = allow(stmt(action="s3:*"), stmt("Deny", action="s3:DeleteObject", resource=OBJECT, sid="NoDelete"))
    result = principal.allows("s3:DeleteObject", OBJECT)
    assert result.decision is Decision.DENY
    assert result.denied_by[0].sid == "NoDelete"
    assert "denied by Deny statement 1" in result.reason()
    assert principal.allows("s3:DeleteObject", BUCKET + "/other").decision is Decision.ALLOW


def test_explicit_deny_in_another_policy_wins() -> None:
    principal = perms(
        grant(doc(stmt(action="*")), name="admin", kind=PolicyKind.MANAGED),
        grant(doc(stmt("Deny", action="iam:*")), name="no-iam", via="group/guarded"),
    )
    assert principal.allows("iam:CreateUser", USER_BOB).decision is Decision.DENY
    assert principal.allows("ec2:RunInstances", "*").decision is Decision.ALLOW


def test_deny_only_policy_allows_nothing() -> None:
    principal = allow(stmt("Deny", action="s3:*"))
    assert principal.allows("ec2:DescribeInstances").decision is Decision.IMPLICIT_DENY
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.DENY


def test_no_policies_is_implicit_deny() -> None:
    principal = perms()
    result = principal.allows("s3:GetObject", OBJECT)
    assert result.decision is Decision.IMPLICIT_DENY
    assert "identity policies" in result.reason()


def test_not_action_allows_everything_else() -> None:
    principal = allow(stmt(not_action=["iam:*", "organizations:*"]))
    assert principal.allows("ec2:RunInstances").decision is Decision.ALLOW
    assert principal.allows("iam:PassRole", "arn:aws:iam::1:role/x").decision is Decision.IMPLICIT_DENY


def test_deny_with_not_action_denies_everything_except_listed() -> None:
    principal = allow(stmt(action="*"), stmt("Deny", not_action=["s3:GetObject"]))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:PutObject", OBJECT).decision is Decision.DENY


def test_not_resource_allows_every_resource_except_listed() -> None:
    principal = allow(stmt(action="s3:GetObject", not_resource="arn:aws:s3:::secret/*"))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:GetObject", "arn:aws:s3:::secret/key").decision is Decision.IMPLICIT_DENY


def test_deny_with_not_resource_protects_all_but_listed() -> None:
    principal = allow(stmt(action="s3:*"), stmt("Deny", action="s3:*", not_resource=[BUCKET, BUCKET + "/*"]))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:GetObject", "arn:aws:s3:::other/x").decision is Decision.DENY


def test_actions_are_case_insensitive_resources_case_sensitive() -> None:
    principal = allow(stmt(action="IAM:createAccessKEY", resource=f"arn:aws:iam::{ACCOUNT}:user/Alice"))
    assert principal.allows("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/Alice").decision is Decision.ALLOW
    assert principal.allows("IAM:CREATEACCESSKEY", f"arn:aws:iam::{ACCOUNT}:user/Alice").decision is Decision.ALLOW
    lower = principal.allows("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/alice")
    assert lower.decision is Decision.IMPLICIT_DENY


def test_wildcards_star_and_question_mark() -> None:
    principal = allow(
        stmt(action="s3:Get?bject", resource="arn:aws:s3:::data/*"),
        stmt(action="iam:*AccessKey*", resource=f"arn:aws:iam::{ACCOUNT}:user/ci-??"),
    )
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("s3:GetObjectAcl", OBJECT).decision is Decision.IMPLICIT_DENY
    assert principal.allows("s3:GetObject", "arn:aws:s3:::database/x").decision is Decision.IMPLICIT_DENY
    assert principal.allows("iam:UpdateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/ci-01").decision is Decision.ALLOW
    assert (
        principal.allows("iam:UpdateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/ci-001").decision
        is Decision.IMPLICIT_DENY
    )


def test_arn_wildcard_does_not_cross_segments_before_resource() -> None:
    principal = allow(stmt(action="iam:GetRole", resource="arn:aws:iam::*:role/app-*"))
    assert principal.allows("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/app-web").decision is Decision.ALLOW
    assert (
        principal.allows("iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/path/app-web").decision is Decision.IMPLICIT_DENY
    )
    assert principal.allows("iam:GetRole", "arn:aws:iam::1:2:role/app-x").decision is Decision.IMPLICIT_DENY


def test_unknown_new_action_matches_itself_literally() -> None:
    principal = allow(stmt(action="brandnew:DoSomethingNew"))
    assert principal.allows("BrandNew:DoSomethingNew").decision is Decision.ALLOW
    assert principal.allows("brandnew:DoOther").decision is Decision.IMPLICIT_DENY


def test_permissions_boundary_intersects() -> None:
    boundary = grant(doc(stmt(action=["s3:*", "iam:Get*"])), name="dev-boundary", kind=PolicyKind.BOUNDARY)
    principal = perms(grant(doc(stmt(action=["s3:GetObject", "iam:CreateUser", "iam:GetRole"]))), boundary)
    assert principal.has_boundary
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("iam:GetRole", "*").decision is Decision.ALLOW
    denied = principal.allows("iam:CreateUser", USER_BOB)
    assert denied.decision is Decision.IMPLICIT_DENY
    assert denied.missing_layers == ("permissions boundary dev-boundary",)
    # the boundary alone grants nothing
    assert principal.allows("s3:PutObject", OBJECT).decision is Decision.IMPLICIT_DENY


def test_deny_in_boundary_is_an_explicit_deny() -> None:
    boundary = grant(doc(stmt(action="*"), stmt("Deny", action="iam:*")), name="b", kind=PolicyKind.BOUNDARY)
    principal = perms(grant(doc(stmt(action="*"))), boundary)
    assert principal.allows("iam:CreateUser", USER_BOB).decision is Decision.DENY


def test_scp_every_level_must_allow() -> None:
    full = stmt(action="*")
    identity = grant(doc(stmt(action="*")), name="admin", kind=PolicyKind.MANAGED)
    root = grant(doc(full), name="FullAWSAccess", kind=PolicyKind.SCP, scope="r-root")
    ou = grant(doc(stmt(action=["s3:*", "ec2:*"])), name="OnlyS3Ec2", kind=PolicyKind.SCP, scope="ou-dev")
    account = grant(doc(full), name="FullAWSAccess", kind=PolicyKind.SCP, scope=ACCOUNT, policy_id="p-full")
    principal = perms(identity, root, ou, account)
    kinds = [layer.kind for layer in principal.policy_set.layers]
    assert kinds.count(LayerKind.SCP) == 3
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    result = principal.allows("iam:CreateUser", USER_BOB)
    assert result.decision is Decision.IMPLICIT_DENY
    assert result.missing_layers == ("SCPs at ou-dev",)
    assert result.scp_levels == (Tri.TRUE, Tri.FALSE, Tri.TRUE)


def test_scp_level_without_allow_blocks_and_scp_alone_grants_nothing() -> None:
    identity = grant(doc(stmt(action="s3:GetObject")))
    only_deny = grant(doc(stmt("Deny", action="ec2:*")), name="DenyEc2", kind=PolicyKind.SCP, scope="ou-x")
    assert perms(identity, only_deny).allows("s3:GetObject", OBJECT).decision is Decision.IMPLICIT_DENY
    scp_full = grant(doc(stmt(action="*")), name="Full", kind=PolicyKind.SCP, scope="r-root")
    assert perms(scp_full).allows("s3:GetObject", OBJECT).decision is Decision.IMPLICIT_DENY


def test_scp_deny_is_explicit() -> None:
    identity = grant(doc(stmt(action="*")))
    scp = grant(doc(stmt(action="*"), stmt("Deny", action="iam:CreateAccessKey")), name="s", kind=PolicyKind.SCP)
    result = perms(identity, scp).allows("iam:CreateAccessKey", USER_BOB)
    assert result.decision is Decision.DENY
    assert "SCP s" in result.reason()


def test_explicit_scp_levels_argument() -> None:
    from nhi_scan.policy.aws import PrincipalPermissions

    identity = grant(doc(stmt(action="*")))
    level_a = [grant(doc(stmt(action="*")), name="a", kind=PolicyKind.SCP)]
    level_b = [grant(doc(stmt(action="s3:*")), name="b", kind=PolicyKind.SCP)]
    principal = PrincipalPermissions.from_grants([identity], scp_levels=[level_a, level_b])
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert principal.allows("ec2:RunInstances").decision is Decision.IMPLICIT_DENY


def test_statement_as_object_and_string_lists() -> None:
    single = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": OBJECT}}
    assert perms(grant(single)).allows("s3:GetObject", OBJECT).decision is Decision.ALLOW


def test_malformed_statements_are_skipped_with_notes() -> None:
    document = doc(
        {"Action": "s3:*", "Resource": "*"},
        stmt(action=["s3:GetObject", 42]),
        stmt(action="s3:PutObject", resource=None),
        stmt(effect="allow", action="s3:DeleteObject"),
        {"Effect": "Allow", "Action": "s3:x", "NotAction": "s3:y", "Resource": "*"},
        "not a statement",  # type: ignore[arg-type]
        stmt(action="ec2:RunInstances"),
    )
    principal = perms(grant(document, name="messy"))
    assert principal.allows("ec2:RunInstances").decision is Decision.ALLOW
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        assert principal.allows(action, OBJECT).decision is Decision.IMPLICIT_DENY
    notes = principal.notes
    assert len(notes) == 6
    assert all(n.startswith("inline policy messy: statement") for n in notes)


def test_broken_documents_do_not_crash() -> None:
    for broken in ({}, {"Statement": 3}, {"Statement": [None]}):
        principal = perms(grant(broken))
        assert principal.allows("s3:GetObject", OBJECT).decision is Decision.IMPLICIT_DENY
        assert principal.notes


def test_url_encoded_and_json_string_documents() -> None:
    document = doc(stmt(action="s3:GetObject"))
    for raw in (json.dumps(document), quote(json.dumps(document))):
        principal = perms(grant(raw))  # type: ignore[arg-type]
        assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW


def test_principal_in_identity_policy_is_noted() -> None:
    principal = allow(stmt(action="s3:GetObject", Principal="*"))
    assert principal.allows("s3:GetObject", OBJECT).decision is Decision.ALLOW
    assert any("Principal is ignored" in n for n in principal.notes)


def test_default_context_is_grant_principal() -> None:
    from nhi_scan.policy.aws import PrincipalPermissions

    principal = PrincipalPermissions.from_grants([grant(doc(stmt(action="s3:GetObject")))])
    assert principal.principal_arn == ALICE
