"""AWS privilege-escalation and lateral-movement methods, loaded from one TOML file per method.

The files live in ``nhi_scan/escalation/aws/methods/<id>.toml`` (package data). Adding a method is adding a file:
discovery lists the directory, nothing keeps a hand-written index. Files are read lazily, on the first call of
:func:`load_methods`, and validated; a malformed file raises :class:`CatalogError` naming the file and the field.

Schema of one file (keys not listed here are rejected)::

    id                 str   stable kebab-case id, equal to the file name without ".toml"
    name               str   short title, usually the permissions ("iam:PassRole + lambda:CreateFunction")
    description        str   one sentence: what the attacker does
    category           str   self-modification | principal-takeover | pass-role-new-compute | existing-compute | assume
    target             str   what the target must be (see TargetKind):
                             self | self-group | self-policy | user | user-with-login-profile |
                             user-without-login-profile | role | role-trusting-service | role-with-existing-resource |
                             group | new-role
    service            str   service principal the target role's trust policy must allow, e.g. "ec2.amazonaws.com";
                             required when target = role-trusting-service, forbidden otherwise
    resource_kind      str   kebab-case kind of the resource that runs as the target ("lambda-function",
                             "ec2-instance", ...); required when target = role-with-existing-resource,
                             forbidden otherwise
    principal_kind     str   who can use the method: any (default) | user | role
    passrole           bool  iam:PassRole on the target role is needed (default false)
    passed_to_service  str   value of iam:PassedToService for that PassRole; required iff passrole = true
    conditions         [str] extra facts the target must satisfy (see Condition), default []
    edge               str   the graph EdgeKind created (nhi_scan.graph.EdgeKind value, e.g. "CAN_PASS_ROLE")
    effect             str   admin (the attacker can make the target -- itself for self-* targets -- hold any
                             permission) | become-target (the attacker gains the target's permissions) |
                             lift-boundary (the target's permissions boundary stops limiting it) |
                             switch-policy-version (the target policy's permissions become those of another,
                             existing version) | grant (the attacker can make another principal -- a group: its
                             members -- hold any permission; a non-traversable edge, which the builder turns into
                             a path to admin when the attacker can also act as that principal)
    offline_note       str   sentence shown when the resource the method needs cannot be seen in an IAM export;
                             may use {target} and {principal}; required when target = role-with-existing-resource
    owasp_nhi          [str] OWASP Non-Human Identities Top 10 2025 ids, e.g. ["NHI5:2025"]
    references         [str] https URLs of the public catalogues describing the method

    [[required]]             one table per action group; every group is needed, any one action of a group suffices
    actions            [str] "service:Action" names, as in the IAM Service Authorization Reference
    resource           str   what the actions must be allowed on: target (the target principal) | target-policy (a
                             managed policy attached to the target) | target-group | any ("*" or a resource the
                             attacker creates) | existing-resource (the resource that runs as the target)
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from nhi_scan.errors import InputError
from nhi_scan.escalation._files import read_method_file, read_method_files
from nhi_scan.escalation._reader import Reader

if TYPE_CHECKING:
    from nhi_scan.graph import EdgeKind

__all__ = [
    "ActionGroup",
    "CatalogError",
    "Category",
    "Condition",
    "Effect",
    "Method",
    "PrincipalKind",
    "ResourceScope",
    "TargetKind",
    "interesting_actions",
    "load_method_file",
    "load_methods",
    "load_methods_from",
    "methods_by_action",
    "methods_by_id",
    "parse_method",
]

#: Actions every escalation graph needs indexed, whether or not a method file lists them.
ALWAYS_INTERESTING = frozenset({"iam:passrole", "sts:assumerole"})


class CatalogError(InputError):
    """A method file that cannot be used; the message names the file and the field."""


class Category(enum.StrEnum):
    SELF_MODIFICATION = "self-modification"
    PRINCIPAL_TAKEOVER = "principal-takeover"
    PASS_ROLE_NEW_COMPUTE = "pass-role-new-compute"
    EXISTING_COMPUTE = "existing-compute"
    ASSUME = "assume"


class TargetKind(enum.StrEnum):
    SELF = "self"
    SELF_GROUP = "self-group"
    SELF_POLICY = "self-policy"
    USER = "user"
    USER_WITH_LOGIN_PROFILE = "user-with-login-profile"
    USER_WITHOUT_LOGIN_PROFILE = "user-without-login-profile"
    ROLE = "role"
    ROLE_TRUSTING_SERVICE = "role-trusting-service"
    ROLE_WITH_EXISTING_RESOURCE = "role-with-existing-resource"
    GROUP = "group"
    #: A role the attacker creates, with a trust policy of its choosing.
    NEW_ROLE = "new-role"


class ResourceScope(enum.StrEnum):
    TARGET = "target"
    TARGET_POLICY = "target-policy"
    TARGET_GROUP = "target-group"
    ANY = "any"
    EXISTING_RESOURCE = "existing-resource"


class Effect(enum.StrEnum):
    ADMIN = "admin"
    BECOME_TARGET = "become-target"
    LIFT_BOUNDARY = "lift-boundary"
    SWITCH_POLICY_VERSION = "switch-policy-version"
    GRANT = "grant"


class PrincipalKind(enum.StrEnum):
    ANY = "any"
    USER = "user"
    ROLE = "role"


class Condition(enum.StrEnum):
    """Facts about the target that a method needs beyond the permissions."""

    #: The role's trust policy lets the attacker assume it (same account: a trust naming the attacker's ARN suffices;
    #: an account-root principal also needs sts:AssumeRole in the attacker's identity policy).
    TRUST_ALLOWS_PRINCIPAL = "trust-allows-principal"
    #: The role's trust policy names a federated (OIDC / SAML) provider; the caller holds a token, no identity policy.
    TRUST_ALLOWS_FEDERATED = "trust-allows-federated"
    #: The target user has fewer than two access keys (the AWS limit).
    FEWER_THAN_TWO_ACCESS_KEYS = "fewer-than-two-access-keys"
    #: The policy has a non-default version that grants more than the default one.
    NON_DEFAULT_POLICY_VERSION = "non-default-policy-version"
    #: The target has a permissions boundary.
    HAS_PERMISSIONS_BOUNDARY = "has-permissions-boundary"
    #: The role is in an instance profile.
    HAS_INSTANCE_PROFILE = "has-instance-profile"


_TARGETS_BY_SCOPE: Mapping[ResourceScope, frozenset[TargetKind]] = {
    ResourceScope.TARGET_GROUP: frozenset({TargetKind.SELF_GROUP, TargetKind.GROUP}),
    ResourceScope.EXISTING_RESOURCE: frozenset({TargetKind.ROLE_WITH_EXISTING_RESOURCE}),
    ResourceScope.TARGET_POLICY: frozenset(
        {TargetKind.SELF_POLICY, TargetKind.ROLE, TargetKind.USER, TargetKind.GROUP}
    ),
}
_PASSROLE_TARGETS = frozenset({TargetKind.ROLE, TargetKind.ROLE_TRUSTING_SERVICE})
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
_SERVICE_PRINCIPAL = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com$")
_OWASP_NHI = re.compile(r"^NHI(?:[1-9]|10):2025$")
_NOTE_FIELDS = frozenset({"target", "principal"})


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionGroup:
    """Actions of which any one is needed, on ``resource``."""

    actions: tuple[str, ...]
    resource: ResourceScope
    #: ``actions`` lowercased once (asked for every principal that may use the method).
    lowercase: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lowercase", tuple(action.lower() for action in self.actions))


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    id: str
    name: str
    description: str
    category: Category
    target: TargetKind
    required: tuple[ActionGroup, ...]
    edge: EdgeKind
    effect: Effect
    owasp_nhi: tuple[str, ...]
    references: tuple[str, ...]
    service: str | None = None
    resource_kind: str | None = None
    principal_kind: PrincipalKind = PrincipalKind.ANY
    passrole: bool = False
    passed_to_service: str | None = None
    conditions: tuple[Condition, ...] = ()
    offline_note: str | None = None
    #: File the method was read from (for messages).
    source: str = ""

    @property
    def required_actions(self) -> frozenset[str]:
        """Lowercase actions named by the action groups (iam:PassRole excluded)."""
        return frozenset(action for group in self.required for action in group.lowercase)

    @property
    def actions(self) -> frozenset[str]:
        """Every lowercase action the method can involve, including iam:PassRole when it passes a role."""
        return self.required_actions | ({"iam:passrole"} if self.passrole else set())

    def offline_message(self, *, target: str, principal: str = "") -> str | None:
        """The offline note with ``{target}`` / ``{principal}`` filled in, or None."""
        if self.offline_note is None:
            return None
        return self.offline_note.format(target=target, principal=principal)


def load_method_file(path: Traversable | Path) -> Method:
    """Read and validate one method file. Raises :class:`CatalogError` naming the file and the field."""
    return read_method_file(path, _parse, CatalogError)


def load_methods_from(directory: Traversable | Path) -> tuple[Method, ...]:
    """Load every ``*.toml`` file of ``directory``, sorted by id; ids must be unique."""
    return read_method_files(directory, _parse, CatalogError)


def _parse(data: Mapping[str, object], source: str) -> Method:
    return parse_method(data, source=source)


@cache
def load_methods() -> tuple[Method, ...]:
    """All packaged AWS methods, sorted by id (read and validated once)."""
    return load_methods_from(resources.files(__package__) / "methods")


@cache
def methods_by_id() -> Mapping[str, Method]:
    return MappingProxyType({method.id: method for method in load_methods()})


@cache
def methods_by_action() -> Mapping[str, tuple[Method, ...]]:
    """Lowercase action -> the methods that need it (iam:passrole -> the methods that pass a role)."""
    index: dict[str, list[Method]] = {}
    for method in load_methods():
        for action in sorted(method.actions):
            index.setdefault(action, []).append(method)
    return MappingProxyType({action: tuple(found) for action, found in sorted(index.items())})


@cache
def grant_methods() -> frozenset[str]:
    """Ids of the methods whose edges grant another principal permissions (see grant_then_become.py)."""
    return frozenset(m.id for m in load_methods() if m.effect is Effect.GRANT)


@cache
def interesting_actions() -> frozenset[str]:
    """Every lowercase action any method needs, plus iam:passrole and sts:assumerole."""
    return frozenset(methods_by_action()) | ALWAYS_INTERESTING


def parse_method(data: Mapping[str, object], *, source: str) -> Method:
    """Validate the decoded TOML of one method file and build the :class:`Method`."""
    from nhi_scan.graph import EdgeKind  # lazy: graph code may import this catalogue

    reader = Reader(data, source=source, error=CatalogError)
    method = Method(
        id=reader.text("id", pattern=_ID),
        name=reader.text("name"),
        description=_sentence(reader, "description"),
        category=reader.choice("category", Category),
        target=reader.choice("target", TargetKind),
        required=_action_groups(reader),
        edge=reader.choice("edge", EdgeKind),
        effect=reader.choice("effect", Effect),
        owasp_nhi=reader.texts("owasp_nhi", pattern=_OWASP_NHI),
        references=reader.texts("references", pattern=re.compile(r"^https://\S+$")),
        service=reader.optional_text("service", pattern=_SERVICE_PRINCIPAL),
        resource_kind=reader.optional_text("resource_kind", pattern=_ID),
        principal_kind=reader.choice("principal_kind", PrincipalKind, default=PrincipalKind.ANY),
        passrole=reader.flag("passrole", default=False),
        passed_to_service=reader.optional_text("passed_to_service", pattern=_SERVICE_PRINCIPAL),
        conditions=reader.choices("conditions", Condition),
        offline_note=_note(reader),
        source=source,
    )
    reader.finish()
    _check_consistency(method, reader)
    return method


def _sentence(reader: Reader, key: str) -> str:
    text = reader.text(key)
    if "\n" in text or not text.endswith("."):
        raise reader.error(key, "must be one sentence on one line, ending with a period")
    return text


def _note(reader: Reader) -> str | None:
    note = reader.optional_text("offline_note")
    if note is None:
        return None
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(note) if name is not None}
    except ValueError as error:
        raise reader.error("offline_note", f"bad placeholder: {error}") from None
    unknown = fields - _NOTE_FIELDS
    if unknown:
        raise reader.error("offline_note", f"unknown placeholder(s) {sorted(unknown)}; use {{target}} or {{principal}}")
    return note


def _action_groups(reader: Reader) -> tuple[ActionGroup, ...]:
    groups: list[ActionGroup] = []
    for index, table in enumerate(reader.tables("required")):
        actions = table.texts("actions", pattern=_ACTION)
        groups.append(ActionGroup(actions=actions, resource=table.choice("resource", ResourceScope)))
        table.finish()
        if len({action.lower() for action in actions}) != len(actions):
            raise reader.error(f"required[{index}].actions", "lists an action twice")
    return tuple(groups)


def _check_consistency(method: Method, reader: Reader) -> None:
    """Rules that tie fields together (each error names the field that has to change)."""
    target = method.target
    on_resource = target is TargetKind.ROLE_WITH_EXISTING_RESOURCE
    _require(reader, "service", method.service is not None, target is TargetKind.ROLE_TRUSTING_SERVICE)
    _require(reader, "resource_kind", method.resource_kind is not None, on_resource)
    _require(reader, "passed_to_service", method.passed_to_service is not None, method.passrole)
    if on_resource and method.offline_note is None:
        raise reader.error("offline_note", "is required when target is role-with-existing-resource")
    if method.passrole and target not in _PASSROLE_TARGETS:
        raise reader.error("passrole", f"needs a role target, not {target}")
    if method.category is Category.PASS_ROLE_NEW_COMPUTE and not method.passrole:
        raise reader.error("passrole", "must be true for category pass-role-new-compute")
    if method.category is Category.EXISTING_COMPUTE and target is not TargetKind.ROLE_WITH_EXISTING_RESOURCE:
        raise reader.error("target", "must be role-with-existing-resource for category existing-compute")
    for index, group in enumerate(method.required):
        allowed = _TARGETS_BY_SCOPE.get(group.resource)
        if allowed is not None and target not in allowed:
            raise reader.error(f"required[{index}].resource", f"{group.resource} does not fit target {target}")


def _require(reader: Reader, key: str, present: bool, wanted: bool) -> None:
    if present and not wanted:
        raise reader.error(key, "is not allowed here (see the schema in nhi_scan.escalation.aws.catalog)")
    if wanted and not present:
        raise reader.error(key, "is required here (see the schema in nhi_scan.escalation.aws.catalog)")
