"""`aws iam get-account-authorization-details` output: users, groups, roles and managed policies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.arns import iam_arn
from nhi_scan.connectors.aws.policy_shape import checked
from nhi_scan.connectors.aws.records import (
    AttachedPolicy,
    GaadDocument,
    GroupRecord,
    InlinePolicy,
    ManagedPolicyRecord,
    RoleRecord,
    UserRecord,
)
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.unreadable import note_unreadable, readable, refuse_if_nothing_read
from nhi_scan.errors import InputError
from nhi_scan.model import PolicyVersion

_KEYS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
#: What else a page of the API's answer holds (ResponseMetadata where an SDK's raw answer was saved).
_OTHER_KEYS = frozenset({"IsTruncated", "Marker", "ResponseMetadata"})


def _is_page(value: object) -> bool:
    return isinstance(value, dict) and any(key in value for key in _KEYS)


def sniff(value: object) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_page(page) for page in value)
    return _is_page(value)


def _name_from_arn(arn: str) -> str:
    return arn.rsplit("/", 1)[-1] if "/" in arn else arn.rsplit(":", 1)[-1]


def _document(entry: Fields, key: str, *, trust: bool = False) -> Mapping[str, Any]:
    """A policy document, without the statements IAM would refuse (each said)."""
    return checked(entry.policy_document(key), entry.source, entry.path_of(key), trust=trust)


def _inline(entry: Fields, key: str) -> tuple[InlinePolicy, ...]:
    policies = []
    for item in entry.objects(key):
        policies.append(InlinePolicy(name=item.string("PolicyName"), document=_document(item, "PolicyDocument")))
    return tuple(policies)


def _attached(entry: Fields) -> tuple[AttachedPolicy, ...]:
    result = []
    for item in entry.objects("AttachedManagedPolicies"):
        arn = iam_arn(item, "PolicyArn", "policy")
        assert arn is not None
        result.append(AttachedPolicy(name=item.opt_str("PolicyName") or _name_from_arn(arn), arn=arn))
    return tuple(result)


def _boundary(entry: Fields) -> str | None:
    """The permissions boundary's ARN. IAM writes the ARN in every ``PermissionsBoundary``: one without it is
    said (read as no boundary, what the identity may do can be overstated, never understated in silence)."""
    boundary = entry.obj("PermissionsBoundary")
    if boundary is None:
        return None
    arn = iam_arn(boundary, "PermissionsBoundaryArn", "policy", required=False)
    if arn is None:
        note_unreadable(
            entry.source,
            boundary.path_of("PermissionsBoundaryArn"),
            "missing: the permissions boundary is unknown (read as none: what the identity may do can be overstated)",
        )
    return arn


def _user(entry: Fields) -> UserRecord:
    arn = iam_arn(entry, "Arn", "user")
    assert arn is not None
    return UserRecord(
        arn=arn,
        name=entry.opt_str("UserName") or _name_from_arn(arn),
        user_id=entry.opt_str("UserId"),
        path=entry.opt_str("Path") or "/",
        created=entry.timestamp("CreateDate"),
        inline=_inline(entry, "UserPolicyList"),
        groups=tuple(entry.strings("GroupList")),
        attached=_attached(entry),
        boundary_arn=_boundary(entry),
        tags=entry.tags(),
    )


def _group(entry: Fields) -> GroupRecord:
    arn = iam_arn(entry, "Arn", "group")
    assert arn is not None
    return GroupRecord(
        arn=arn,
        name=entry.opt_str("GroupName") or _name_from_arn(arn),
        path=entry.opt_str("Path") or "/",
        created=entry.timestamp("CreateDate"),
        inline=_inline(entry, "GroupPolicyList"),
        attached=_attached(entry),
    )


def _role(entry: Fields) -> RoleRecord:
    arn = iam_arn(entry, "Arn", "role")
    assert arn is not None
    last_used = entry.obj("RoleLastUsed")
    if last_used is not None and last_used.has("LastUsedDate") and last_used.raw["LastUsedDate"] is None:
        # IAM leaves the date out of a role never used; a null is a wrong value, and read as "never" it would
        # invent an unused role: when the role was last used is unknown instead.
        note_unreadable(entry.source, last_used.path_of("LastUsedDate"), "null: when the role was last used is unknown")
        last_used = None
    elif last_used is not None and last_used.has("Region") and not last_used.has("LastUsedDate"):
        # IAM writes both or neither: a Region alone is a date lost, not a role never used
        where = last_used.path_of("LastUsedDate")
        note_unreadable(entry.source, where, "missing beside Region: when the role was last used is unknown")
        last_used = None
    trust = _document(entry, "AssumeRolePolicyDocument", trust=True) if entry.has("AssumeRolePolicyDocument") else None
    if trust is None:
        note_unreadable(
            entry.source, entry.path_of("AssumeRolePolicyDocument"), "missing: who may assume the role is unknown"
        )
    profiles = tuple(
        str(iam_arn(profile, "Arn", "instance-profile")) for profile in entry.objects("InstanceProfileList")
    )
    return RoleRecord(
        arn=arn,
        name=entry.opt_str("RoleName") or _name_from_arn(arn),
        path=entry.opt_str("Path") or "/",
        created=entry.timestamp("CreateDate"),
        trust_document=trust,
        inline=_inline(entry, "RolePolicyList"),
        attached=_attached(entry),
        boundary_arn=_boundary(entry),
        tags=entry.tags(),
        last_used_known=last_used is not None,
        last_used=last_used.timestamp("LastUsedDate") if last_used else None,
        last_used_region=last_used.opt_str("Region") if last_used else None,
        instance_profiles=profiles,
        description=entry.opt_str("Description"),
    )


def _policy(entry: Fields) -> ManagedPolicyRecord:
    arn = iam_arn(entry, "Arn", "policy")
    assert arn is not None
    default_id = entry.opt_str("DefaultVersionId")
    versions = []
    if not entry.has("PolicyVersionList"):
        note_unreadable(entry.source, entry.path_of("PolicyVersionList"), "missing: what the policy grants is unknown")
    for version in entry.objects("PolicyVersionList"):
        version_id = version.opt_str("VersionId") or "v?"
        is_default = version.opt_bool("IsDefaultVersion")
        versions.append(
            PolicyVersion(
                version_id=version_id,
                document=_document(version, "Document"),
                is_default=is_default if is_default is not None else version_id == default_id,
                created=version.timestamp("CreateDate"),
            )
        )
    return ManagedPolicyRecord(
        arn=arn,
        name=entry.opt_str("PolicyName") or _name_from_arn(arn),
        default_version_id=default_id,
        attachment_count=entry.opt_int("AttachmentCount"),
        versions=tuple(versions),
    )


def _page(page: Fields, errors: list[InputError]) -> GaadDocument:
    for key in _KEYS:
        if page.has(key) and not isinstance(page.raw[key], list):
            raise page.error(key, "expected an array")
    _said_keys(page)
    return GaadDocument(
        users=readable(page.objects("UserDetailList"), _user, errors),
        groups=readable(page.objects("GroupDetailList"), _group, errors),
        roles=readable(page.objects("RoleDetailList"), _role, errors),
        policies=readable(page.objects("Policies"), _policy, errors),
    )


def _said_keys(page: Fields) -> None:
    """Every page of the API's answer holds the four lists (empty ones too, also under ``--filter``): one missing,
    or a key it never holds (a list renamed), is said, else what it held would be lost in silence."""
    unknown = sorted(str(key) for key in page.raw if key not in _KEYS and key not in _OTHER_KEYS)
    for key in unknown:
        note_unreadable(page.source, page.path_of(key), "not a key of get-account-authorization-details: not read")
    for key in _KEYS:
        if not page.has(key):
            note_unreadable(page.source, page.path_of(key), "missing: this page's list is read as empty")


def _truncated(source: str, pages: list[Fields]) -> tuple[str, ...]:
    """A warning when the file ends on a page that says more follow. Only the last page counts: in an array of
    every page, each one but the last says IsTruncated true, as it should."""
    if not pages or not pages[-1].opt_bool("IsTruncated"):
        return ()
    where = "its last page" if len(pages) > 1 else "this is one page of a paginated export;"
    return (
        f"{source}: IsTruncated is true: {where} pass every page "
        "(aws iam get-account-authorization-details paginates for you unless --max-items is set)",
    )


def _conflicts(source: str, documents: list[GaadDocument]) -> None:
    """The same ARN given twice (in two pages, or twice in one) with other contents is said (the later one is read,
    as before): merged in silence, a user's or role's policies would be whichever entry came last."""
    lists = (("users", "UserDetailList"), ("groups", "GroupDetailList"), ("roles", "RoleDetailList"))
    for kind, key in (*lists, ("policies", "Policies")):
        seen: dict[str, tuple[int, object]] = {}
        for index, document in enumerate(documents):
            for record in getattr(document, kind):
                earlier = seen.get(record.arn)
                if earlier is not None and earlier[1] != record:
                    where = "twice in this page" if earlier[0] == index else f"also in page [{earlier[0]}]"
                    prefix = f"[{index}]." if len(documents) > 1 else ""
                    note_unreadable(
                        source, f"{prefix}{key}", f"{record.arn} is {where} with other contents: the later one is read"
                    )
                seen[record.arn] = (index, record)


def load(source: str, value: object) -> GaadDocument:
    raw_pages = value if isinstance(value, list) else [value]
    errors: list[InputError] = []
    pages = [Fields(page, source, f"[{i}]" if isinstance(value, list) else "") for i, page in enumerate(raw_pages)]
    documents = [_page(page, errors) for page in pages]
    if not documents:
        raise InputError(source, "empty list of GAAD pages")
    _conflicts(source, documents)
    refuse_if_nothing_read(
        errors, sum(len(d.users) + len(d.groups) + len(d.roles) + len(d.policies) for d in documents)
    )
    return GaadDocument(
        users=tuple(u for d in documents for u in d.users),
        groups=tuple(g for d in documents for g in d.groups),
        roles=tuple(r for d in documents for r in d.roles),
        policies=tuple(p for d in documents for p in d.policies),
        warnings=_truncated(source, pages),
    )


FORMAT = InputFormat(
    name="aws-gaad",
    provider=AWS,
    description="aws iam get-account-authorization-details",
    sniff_json=sniff,
    load=load,
)
