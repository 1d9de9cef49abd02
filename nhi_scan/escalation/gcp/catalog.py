"""GCP privilege-escalation and lateral-movement methods, loaded from one TOML file per method.

The files live in ``nhi_scan/escalation/gcp/methods/<id>.toml`` (package data). Adding a method is adding a file:
discovery lists the directory, nothing keeps a hand-written index. Files are read lazily, on the first call of
:func:`load_methods`, and validated; a malformed file raises :class:`CatalogError` (a ``ValueError``) naming the
file and the field. ``README.md`` next to this module documents every field with examples.

Schema of one file (keys not listed here are rejected)::

    id             str   "gcp-" + kebab-case, equal to the file name without ".toml"
    name           str   short title, usually the permissions ("iam.serviceAccounts.actAs + run.services.create")
    description    str   one sentence, ending with a period
    category       str   policy-change | impersonation | act-as-compute | service-agent | federation | credential |
                         data-access
    target         str   service-account | project | folder | organization | resource | custom-role |
                         service-agent | workload-identity-pool
    edge           str   the nhi_scan.graph.EdgeKind value of the edge the method creates
    effect         str   become-target | admin | grant | credential | read
    resource_type  str   with target = resource only: the resource type ("storage.buckets")
    resource_kind  str   iff a group is on existing-resource: the workload kind that runs as the target
    service_agent  str   with target = service-agent only: "{project_number}@cloudbuild.gserviceaccount.com"
    offline_note   str   "possible if ..." for what an export cannot show; placeholders {target}, {principal}
    owasp_nhi      [str] OWASP NHI Top 10 (2025) ids, e.g. ["NHI5:2025"]
    references     [str] https URLs of the public sources

    [[required]]         one table per permission group; every group is needed, any one permission suffices
    permissions    [str] case-exact permission names ("iam.serviceAccounts.actAs")
    on             str   target | target-project | any-project | existing-resource
"""

from __future__ import annotations

import enum
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
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
    "CatalogError",
    "Category",
    "Effect",
    "Method",
    "PermissionGroup",
    "TargetKind",
    "Where",
    "interesting_permissions",
    "load_method_file",
    "load_methods",
    "load_methods_from",
    "methods_by_id",
    "methods_by_permission",
    "parse_method",
]


class CatalogError(InputError, ValueError):
    """A method file that cannot be used; the message names the file and the field."""


class Category(enum.StrEnum):
    #: setIamPolicy on a scope or resource; iam.roles.update of a custom role one holds.
    POLICY_CHANGE = "policy-change"
    #: Tokens, keys or signatures of a service account.
    IMPERSONATION = "impersonation"
    #: Create or change compute that runs as a service account.
    ACT_AS_COMPUTE = "act-as-compute"
    #: Run code as a Google-managed (default) service account without actAs on it.
    SERVICE_AGENT = "service-agent"
    #: Workload identity pools and providers.
    FEDERATION = "federation"
    #: New long-lived credentials (HMAC keys, API keys).
    CREDENTIAL = "credential"
    #: Reading secrets: lateral movement, not escalation.
    DATA_ACCESS = "data-access"


class TargetKind(enum.StrEnum):
    SERVICE_ACCOUNT = "service-account"
    PROJECT = "project"
    FOLDER = "folder"
    ORGANIZATION = "organization"
    #: A bucket, secret, topic, dataset...: ``Method.resource_type`` says which.
    RESOURCE = "resource"
    #: A custom role bound to the attacker: updating it makes the attacker admin where it is bound.
    CUSTOM_ROLE = "custom-role"
    #: The project's Google-managed service account named by ``Method.service_agent``.
    SERVICE_AGENT = "service-agent"
    WORKLOAD_IDENTITY_POOL = "workload-identity-pool"


class Where(enum.StrEnum):
    """Where a permission group must be held: a binding there or on one of its ancestors."""

    #: On the target itself (the service account, the project, the bucket, the pool, the custom role's parent).
    TARGET = "target"
    #: On the project that holds the target (the new resource must live there).
    TARGET_PROJECT = "target-project"
    #: On some project (the attacker picks it, e.g. a Shared VPC host project's subnetwork).
    ANY_PROJECT = "any-project"
    #: On a resource that already runs as the target (``Method.resource_kind``).
    EXISTING_RESOURCE = "existing-resource"


class Effect(enum.StrEnum):
    #: The attacker gains the service account's permissions.
    BECOME_TARGET = "become-target"
    #: The attacker controls the target scope's IAM.
    ADMIN = "admin"
    #: The attacker can grant itself roles on the target (on a service account: then become it).
    GRANT = "grant"
    #: The attacker mints a long-lived credential of the target.
    CREDENTIAL = "credential"
    #: The attacker reads the target's data (secrets): lateral movement.
    READ = "read"


#: Targets each effect may have (GRANT on a scope would be ADMIN; a service agent has no policy of its own).
_TARGETS_BY_EFFECT: Mapping[Effect, frozenset[TargetKind]] = {
    Effect.ADMIN: frozenset({TargetKind.PROJECT, TargetKind.FOLDER, TargetKind.ORGANIZATION, TargetKind.CUSTOM_ROLE}),
    Effect.BECOME_TARGET: frozenset({TargetKind.SERVICE_ACCOUNT, TargetKind.SERVICE_AGENT}),
    Effect.CREDENTIAL: frozenset({TargetKind.SERVICE_ACCOUNT, TargetKind.SERVICE_AGENT}),
    Effect.READ: frozenset({TargetKind.RESOURCE}),
    Effect.GRANT: frozenset({TargetKind.SERVICE_ACCOUNT, TargetKind.RESOURCE, TargetKind.WORKLOAD_IDENTITY_POOL}),
}
#: Categories that fix the target or the effect (the others combine freely within the effect rules).
_CATEGORY_TARGETS: Mapping[Category, frozenset[TargetKind]] = {
    Category.IMPERSONATION: frozenset({TargetKind.SERVICE_ACCOUNT}),
    Category.ACT_AS_COMPUTE: frozenset({TargetKind.SERVICE_ACCOUNT}),
    Category.SERVICE_AGENT: frozenset({TargetKind.SERVICE_AGENT}),
    Category.FEDERATION: frozenset({TargetKind.WORKLOAD_IDENTITY_POOL}),
    Category.CREDENTIAL: frozenset({TargetKind.SERVICE_ACCOUNT}),
    Category.DATA_ACCESS: frozenset({TargetKind.RESOURCE}),
}
_CATEGORY_EFFECTS: Mapping[Category, frozenset[Effect]] = {
    Category.POLICY_CHANGE: frozenset({Effect.ADMIN, Effect.GRANT}),
    Category.IMPERSONATION: frozenset({Effect.BECOME_TARGET, Effect.CREDENTIAL}),
    Category.ACT_AS_COMPUTE: frozenset({Effect.BECOME_TARGET}),
    Category.SERVICE_AGENT: frozenset({Effect.BECOME_TARGET}),
    Category.FEDERATION: frozenset({Effect.GRANT}),
    Category.CREDENTIAL: frozenset({Effect.CREDENTIAL}),
    Category.DATA_ACCESS: frozenset({Effect.READ}),
}
_ID = re.compile(r"^gcp-[a-z0-9]+(?:-[a-z0-9]+)*$")
#: "service.resource.verb" (IAM v1 names), or "host/resource.verb" ("iam.googleapis.com/workloadIdentityPools.update").
_PERMISSION = re.compile(
    r"^(?:[a-z][a-z0-9]*(?:\.[a-z][a-zA-Z0-9]*){2,}|[a-z][a-z0-9-]*\.googleapis\.com/[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*)$"
)
_RESOURCE_TYPE = re.compile(r"^[a-z][a-z0-9]*\.[a-z][a-zA-Z0-9]*$")
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SERVICE_AGENT = re.compile(r"^[a-z0-9{}_-]+@[a-z0-9{}_.-]*gserviceaccount\.com$")
_OWASP_NHI = re.compile(r"^NHI(?:[1-9]|10):2025$")
_URL = re.compile(r"^https://\S+$")
_NOTE_FIELDS = frozenset({"target", "principal"})
_AGENT_FIELDS = frozenset({"project_number", "project_id"})


@dataclass(frozen=True, slots=True, kw_only=True)
class PermissionGroup:
    """Permissions of which any one suffices, held ``on`` the given place."""

    permissions: tuple[str, ...]
    on: Where


@dataclass(frozen=True, slots=True, kw_only=True)
class Method:
    id: str
    name: str
    description: str
    category: Category
    target: TargetKind
    required: tuple[PermissionGroup, ...]
    edge: EdgeKind
    effect: Effect
    owasp_nhi: tuple[str, ...]
    references: tuple[str, ...]
    resource_type: str | None = None
    resource_kind: str | None = None
    service_agent: str | None = None
    offline_note: str | None = None
    #: File the method was read from (for messages).
    source: str = ""

    @property
    def permissions(self) -> frozenset[str]:
        """Every permission any group names (case-exact)."""
        return frozenset(permission for group in self.required for permission in group.permissions)

    def groups_on(self, where: Where) -> tuple[PermissionGroup, ...]:
        """The groups that must be held at ``where``."""
        return tuple(group for group in self.required if group.on is where)

    def offline_message(self, *, target: str, principal: str = "") -> str | None:
        """The offline note with ``{target}`` / ``{principal}`` filled in, or None."""
        if self.offline_note is None:
            return None
        return self.offline_note.format(target=target, principal=principal)

    def service_agent_email(self, *, project_number: str, project_id: str = "") -> str | None:
        """The service agent's email in one project, or None when the target is not a service agent."""
        if self.service_agent is None:
            return None
        return self.service_agent.format(project_number=project_number, project_id=project_id)


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
    """All packaged GCP methods, sorted by id (read and validated once)."""
    return load_methods_from(resources.files(__package__) / "methods")


@cache
def methods_by_id() -> Mapping[str, Method]:
    return MappingProxyType({method.id: method for method in load_methods()})


@cache
def methods_by_permission() -> Mapping[str, tuple[Method, ...]]:
    """Case-exact permission -> the methods that name it in a group (sorted by id)."""
    index: dict[str, list[Method]] = {}
    for method in load_methods():
        for permission in sorted(method.permissions):
            index.setdefault(permission, []).append(method)
    return MappingProxyType({permission: tuple(found) for permission, found in sorted(index.items())})


@cache
def interesting_permissions() -> frozenset[str]:
    """Every permission any method needs: index principals by these before looking for targets."""
    return frozenset(methods_by_permission())


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
        required=_permission_groups(reader),
        edge=reader.choice("edge", EdgeKind),
        effect=reader.choice("effect", Effect),
        owasp_nhi=reader.texts("owasp_nhi", pattern=_OWASP_NHI),
        references=reader.texts("references", pattern=_URL),
        resource_type=reader.optional_text("resource_type", pattern=_RESOURCE_TYPE),
        resource_kind=reader.optional_text("resource_kind", pattern=_KEBAB),
        service_agent=_template(reader, "service_agent", _AGENT_FIELDS, pattern=_SERVICE_AGENT, needs_field=True),
        offline_note=_template(reader, "offline_note", _NOTE_FIELDS),
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


def _template(
    reader: Reader,
    key: str,
    allowed: frozenset[str],
    *,
    pattern: re.Pattern[str] | None = None,
    needs_field: bool = False,
) -> str | None:
    """An optional text whose ``{placeholders}`` are all in ``allowed`` (at least one when ``needs_field``)."""
    text = reader.optional_text(key, pattern=pattern)
    if text is None:
        return None
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise reader.error(key, f"bad placeholder: {error}") from None
    names = ", ".join(f"{{{name}}}" for name in sorted(allowed))
    if fields - allowed:
        raise reader.error(key, f"unknown placeholder(s) {sorted(fields - allowed)}; use {names}")
    if needs_field and not fields:
        raise reader.error(key, f"must name the project with one of {names}")
    return text


def _permission_groups(reader: Reader) -> tuple[PermissionGroup, ...]:
    groups: list[PermissionGroup] = []
    seen: set[str] = set()
    for index, table in enumerate(reader.tables("required")):
        permissions = table.texts("permissions", pattern=_PERMISSION)
        groups.append(PermissionGroup(permissions=permissions, on=table.choice("on", Where)))
        table.finish()
        repeated = seen.intersection(permissions)
        if repeated:
            raise reader.error(f"required[{index}].permissions", f"{sorted(repeated)[0]} is already in another group")
        seen.update(permissions)
    return tuple(groups)


def _check_consistency(method: Method, reader: Reader) -> None:
    """Rules that tie fields together (each error names the field that has to change)."""
    target = method.target
    on_existing = [index for index, group in enumerate(method.required) if group.on is Where.EXISTING_RESOURCE]
    _require(reader, "resource_type", method.resource_type is not None, target is TargetKind.RESOURCE)
    _require(reader, "resource_kind", method.resource_kind is not None, bool(on_existing))
    _require(reader, "service_agent", method.service_agent is not None, target is TargetKind.SERVICE_AGENT)
    if on_existing and target is not TargetKind.SERVICE_ACCOUNT:
        raise reader.error(f"required[{on_existing[0]}].on", "existing-resource needs target = service-account")
    if on_existing and method.offline_note is None:
        raise reader.error("offline_note", "is required when a group is on existing-resource")
    if target not in _TARGETS_BY_EFFECT[method.effect]:
        raise reader.error("effect", f"{method.effect} does not fit target {target}")
    if target not in _CATEGORY_TARGETS.get(method.category, frozenset(TargetKind)):
        raise reader.error("category", f"{method.category} does not fit target {target}")
    if method.effect not in _CATEGORY_EFFECTS[method.category]:
        raise reader.error("category", f"{method.category} does not fit effect {method.effect}")


def _require(reader: Reader, key: str, present: bool, wanted: bool) -> None:
    if present and not wanted:
        raise reader.error(key, "is not allowed here (see the schema in nhi_scan.escalation.gcp.catalog)")
    if wanted and not present:
        raise reader.error(key, "is required here (see the schema in nhi_scan.escalation.gcp.catalog)")
