"""The shape of IAM ARNs, checked when an export is loaded: a role whose ``Arn`` names a user, or an account of
16 digits, is not an export AWS wrote, and reading it as is would move findings between identities in silence."""

from __future__ import annotations

import re

from nhi_scan.connectors.fields import Fields
from nhi_scan.redact import quote

_NAME = r"[\w+=,.@-]+"
_IAM = {
    kind: re.compile(rf"^arn:aws[a-z-]*:iam::\d{{12}}:{kind}(/{_NAME})*/{_NAME}$") for kind in ("user", "role", "group")
}
_POLICY = re.compile(rf"^arn:aws[a-z-]*:iam::(\d{{12}}|aws):policy(/{_NAME})*/{_NAME}$")
_INSTANCE_PROFILE = re.compile(rf"^arn:aws[a-z-]*:iam::\d{{12}}:instance-profile(/{_NAME})*/{_NAME}$")
_SHAPES = {**_IAM, "policy": _POLICY, "instance-profile": _INSTANCE_PROFILE}


def iam_arn(entry: Fields, key: str, kind: str, *, required: bool = True) -> str | None:
    """The ARN at ``key``, which must be the ARN of an IAM ``kind`` (user, role, group, policy, instance-profile)."""
    value = entry.string(key) if required else entry.opt_str(key)
    if value is not None and not _SHAPES[kind].match(value):
        raise entry.error(key, f"not the ARN of an IAM {kind}: {quote(value)}")
    return value


def matches(value: str, kind: str) -> bool:
    """Whether ``value`` is the ARN of an IAM ``kind``."""
    return _SHAPES[kind].match(value) is not None
