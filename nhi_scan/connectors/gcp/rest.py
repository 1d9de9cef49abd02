"""GCP REST representations (camelCase, as gcloud --format=json and Cloud Asset ``resource.data`` print them) ->
records. One reader per resource kind, shared by every format that carries it."""

from __future__ import annotations

import re
import urllib.parse
from datetime import datetime

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.gcp.records import (
    ActivityRecord,
    Binding,
    DenyPolicyRecord,
    DenyRule,
    KeyRecord,
    PolicyRecord,
    PoolProviderRecord,
    RoleRecord,
    ScopeRecord,
    ServiceAccountRecord,
    WorkloadRecord,
)
from nhi_scan.connectors.unreadable import note_unreadable, readable, refuse_if_nothing_read
from nhi_scan.errors import InputError
from nhi_scan.redact import quote
from nhi_scan.timeutil import parse_timestamp

#: The year of the "never expires" validBeforeTime (9999-12-31T23:59:59Z) of keys created without an expiry.
NEVER_YEAR = 9999
_FRACTION = re.compile(r"(\.\d{6})\d+")
_SA_NAME = re.compile(r"projects/([^/]+)/serviceAccounts/([^/]+)")
_KEY_NAME = re.compile(r"projects/([^/]+)/serviceAccounts/([^/]+)/keys/([^/]+)$")
#: Role names: predefined, or custom roles of a project or organisation.
_ROLE = re.compile(r"^(roles/[\w.]+|(projects/[^/\s]+|organizations/\d+)/roles/[\w.]+)$")
#: Binding members as IAM writes them (``user:a@b.c``, ``deleted:serviceAccount:x@b.c?uid=1``, ``principal://...``).
#: user:, serviceAccount: and group: hold an e-mail address (deleted: ones add
#: ``?uid=ID``), domain: a domain name: ``serviceAccount:ci@`` or an address without its ``@`` is damaged, and read
#: as written it would be a new identity in place of the real one.
#: Labels of at most 63 characters, as DNS has them: a megabyte glued to an e-mail is no domain.
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
#: A Kubernetes service account of GKE Workload Identity: ``serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]``.
_GKE_MEMBER = r"serviceAccount:[a-z0-9][a-z0-9.:-]{0,99}\.svc\.id\.goog\[[a-z0-9.-]{1,253}/[a-z0-9.-]{1,253}\]"
_MEMBER = re.compile(
    rf"^(allUsers|allAuthenticatedUsers|{_GKE_MEMBER}|(user|serviceAccount|group):[^@\s:?]{{1,64}}@{_DOMAIN}|"
    rf"deleted:(user|serviceAccount|group):[^@\s:?]+@{_DOMAIN}(\?uid=\d+)?|domain:{_DOMAIN}|"
    r"principal(Set)?://\S+|project(Owner|Editor|Viewer):\S+)$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: What a project id may look like: Google's are 6-30 of a-z, 0-9 and hyphens, legacy ones domain-scoped
#: (``example.com:project``); loosely, so that only a damaged one (a megabyte, a space, an escape) is refused.
_PROJECT_ID = re.compile(r"[a-z0-9][a-z0-9.:-]{0,99}")
_LOCATED = re.compile(r"projects/([^/]+)/locations/([^/]+)/[^/]+/([^/]+)")
#: Project numbers are int64s.
_MAX_NUMBER_DIGITS = 19
#: A parent in the resource hierarchy.
_SCOPE_NAME = re.compile(r"^(folders|organizations|projects)/[^/\s]+$")


def timestamp(entry: Fields, key: str) -> datetime | None:
    """RFC 3339 with up to nanoseconds (Google writes 9 fractional digits): cut to microseconds, then parse."""
    value = entry.raw.get(key)
    if value == "":
        raise entry.error(key, "an empty timestamp")
    if isinstance(value, str):
        value = _FRACTION.sub(r"\1", value)
    try:
        return parse_timestamp(value)
    except ValueError:
        raise entry.error(key, f"not a timestamp: {quote(str(value))}") from None


def short_name(name: str) -> str:
    """``//iam.googleapis.com/projects/p/serviceAccounts/x`` -> ``projects/p/serviceAccounts/x``."""
    return name.split("/", 3)[3] if name.startswith("//") and name.count("/") >= 3 else name


def _binding(entry: Fields) -> Binding:
    role = entry.string("role")
    if not _ROLE.match(role):
        raise entry.error(
            "role", f"not a role name (roles/..., projects/P/roles/..., organizations/O/roles/...): {quote(role)}"
        )
    if "members" not in entry.raw:
        raise entry.error("members", "missing required field")
    members = entry.strings("members")
    if not members:
        raise entry.error("members", "no members (IAM drops such a binding)")
    for index, member in enumerate(members):
        if not _MEMBER.match(member):
            raise entry.error(f"members[{index}]", f"not a member (user:, serviceAccount:, group:...): {quote(member)}")
    condition = entry.obj("condition")
    if condition is not None:
        _expression(condition)
    if condition is not None:
        _check_timestamps(condition)
    return Binding(
        role=role,
        members=tuple(members),
        condition=None
        if condition is None
        else {k: str(v) for k, v in condition.raw.items() if isinstance(v, str | int | float)},
    )


def _expression(condition: Fields) -> str:
    """A condition's CEL expression. IAM refuses a condition without one (or with an empty one): read as no
    condition, a conditional grant (or deny) would hold always, without a word."""
    expression = condition.raw.get("expression")
    if not isinstance(expression, str) or not expression.strip():
        detail = "an empty expression" if isinstance(expression, str) else "a condition without an expression"
        raise condition.error("expression", detail)
    return expression


_CEL_TIMESTAMP = re.compile(r"""\btimestamp\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""")


def _check_timestamps(condition: Fields) -> None:
    """IAM refuses a condition whose ``timestamp("...")`` is not a date, so one in an export was damaged: read
    on, the time test would silently be undecided and the grant's status would change."""
    for match in _CEL_TIMESTAMP.finditer(condition.raw["expression"]):
        literal = match.group(1) if match.group(1) is not None else match.group(2)
        try:
            if parse_timestamp(literal) is None:
                raise ValueError(literal)
        except ValueError:
            raise condition.error("expression", f"not a timestamp in the condition: {quote(literal)}") from None


def bindings(policy: Fields) -> tuple[Binding, ...]:
    """The policy's bindings; one that cannot be read is left out with a note (``connectors/unreadable``), a
    policy of which no binding reads is an error. ``bindings: null`` is an error: IAM leaves the field out of a
    policy without bindings, so a null was damaged, not empty."""
    if policy.has("bindings") and policy.raw["bindings"] is None:
        raise policy.error("bindings", "null (expected an array; a policy without bindings leaves the field out)")
    errors: list[InputError] = []
    found = readable(policy.objects("bindings"), _binding, errors)
    refuse_if_nothing_read(errors, len(found))
    return found


def policy(data: Fields, resource: str, *, project: str | None = None, asset_type: str | None = None) -> PolicyRecord:
    return PolicyRecord(
        resource=resource, bindings=bindings(data), source=data.source, project=project, asset_type=asset_type
    )


def service_account(data: Fields) -> ServiceAccountRecord:
    email = data.string("email")
    if not _EMAIL.match(email):
        raise data.error("email", f"not an e-mail address: {quote(email)}")
    project = data.opt_str("projectId")
    if project is not None and _PROJECT_ID.fullmatch(project) is None:
        note_unreadable(data.source, data.path_of("projectId"), f"not a project id ({quote(project)}): not read")
        project = None
    if project is None:
        match = _SA_NAME.search(data.opt_str("name") or "")
        project = match.group(1) if match else email.partition("@")[2].split(".", 1)[0]
    return ServiceAccountRecord(
        email=email,
        unique_id=data.opt_str("uniqueId"),
        project=project,
        display_name=data.opt_str("displayName"),
        description=data.opt_str("description"),
        disabled=bool(data.opt_bool("disabled")),
        source=data.source,
    )


def key(data: Fields) -> KeyRecord:
    name = short_name(data.string("name"))
    match = _KEY_NAME.search(name)
    if match is None:
        raise data.error("name", f"not a key name (projects/P/serviceAccounts/EMAIL/keys/ID): {quote(name)}")
    key_type = data.opt_str("keyType") or "USER_MANAGED"
    if key_type not in ("USER_MANAGED", "SYSTEM_MANAGED"):
        raise data.error("keyType", f"unknown key type {quote(key_type)} (expected USER_MANAGED or SYSTEM_MANAGED)")
    valid_before = timestamp(data, "validBeforeTime")
    statuses = []
    for status in data.objects("extendedStatus"):
        statuses.append(status.opt_str("key") or status.opt_str("value") or "")
    return KeyRecord(
        key_id=match.group(3),
        email=match.group(2),
        project=match.group(1),
        user_managed=key_type == "USER_MANAGED",
        origin=data.opt_str("keyOrigin"),
        valid_after=timestamp(data, "validAfterTime"),
        valid_before=None if valid_before is not None and valid_before.year >= NEVER_YEAR else valid_before,
        disabled=bool(data.opt_bool("disabled")),
        disable_reason=data.opt_str("disableReason"),
        extended_status=tuple(s for s in statuses if s),
        source=data.source,
    )


def _parent(data: Fields) -> str | None:
    """v3 ``parent: "folders/1"`` or v1 ``parent: {"type": "folder", "id": "1"}``. An empty one is an error: read as
    no parent, the scope would leave its folder and organization and lose every grant it inherits from them."""
    raw = data.raw.get("parent")
    if raw is None:
        return None
    if isinstance(raw, str):
        if not _SCOPE_NAME.match(short_name(raw)):
            raise data.error("parent", f"not a folder, organization or project name: {quote(raw)}")
        return short_name(raw)
    parent = Fields(raw, data.source, f"{data.where}.parent" if data.where else "parent")
    kind, ident = parent.string("type"), parent.string("id")
    if not ident or re.search(r"[\s/]", ident):
        raise parent.error("id", f"not a folder or organization id: {quote(ident)}")
    plural = {"folder": "folders", "organization": "organizations", "project": "projects"}.get(kind)
    if plural is None:
        raise parent.error("type", f"unknown parent type {quote(kind)} (expected folder or organization)")
    return f"{plural}/{ident}"


def project(data: Fields) -> ScopeRecord:
    project_id = data.string("projectId")
    number = data.raw.get("projectNumber")
    if number is not None and (isinstance(number, bool) or not isinstance(number, str | int)):
        raise data.error("projectNumber", "expected a project number (digits)")
    name = data.opt_str("name")
    if number is None and name and name.startswith("projects/"):
        number = name.split("/", 1)[1]
    if number is None or not str(number).isdigit():
        raise data.error("projectNumber", "no project number (projectNumber, or name projects/NUMBER)")
    if len(str(number)) > _MAX_NUMBER_DIGITS:
        # An int64: a longer number was damaged, and read as written the project's number would name nothing.
        raise data.error("projectNumber", f"not a project number (an int64): {quote(str(number))}")
    display = data.opt_str("displayName") or (name if name and not name.startswith("projects/") else None)
    return ScopeRecord(
        name=f"projects/{project_id}",
        kind="project",
        display_name=display,
        parent=_parent(data),
        project_id=project_id,
        project_number=str(number) if number is not None else None,
        source=data.source,
    )


def folder_or_organization(data: Fields) -> ScopeRecord:
    name = short_name(data.string("name"))
    kind = name.split("/", 1)[0]
    if kind not in ("folders", "organizations"):
        raise data.error("name", f"not a folder or organization name: {quote(name)}")
    parent = _parent(data) if kind == "folders" else None
    if kind == "folders" and parent is None:
        # Resource Manager gives every folder its parent: read without it, the folder and all below it leave the
        # organization and every grant inherited from it, so it is said (the folder itself is still read).
        note_unreadable(
            data.source, data.path_of("parent"), "missing (every folder has one): read as outside the organization"
        )
    return ScopeRecord(
        name=name,
        kind=kind[:-1],
        display_name=data.opt_str("displayName"),
        parent=parent,
        source=data.source,
    )


def _permissions(data: Fields) -> tuple[str, ...]:
    permissions = data.strings("includedPermissions")
    if "" in permissions:
        raise data.error(f"includedPermissions[{permissions.index('')}]", "an empty permission")
    return tuple(permissions)


def role(data: Fields) -> RoleRecord:
    name = short_name(data.string("name"))
    if "roles/" not in name:
        raise data.error("name", f"not a role name: {quote(name)}")
    return RoleRecord(
        name=name,
        title=data.opt_str("title"),
        permissions=_permissions(data),
        deleted=bool(data.opt_bool("deleted")),
        source=data.source,
    )


def attachment_of(deny_name: str) -> str | None:
    """``policies/cloudresourcemanager.googleapis.com%2Fprojects%2Fp/denypolicies/x`` -> ``projects/p``."""
    parts = deny_name.split("/")
    if len(parts) < 4 or parts[0] != "policies":
        return None
    point = urllib.parse.unquote(parts[1])
    point = point.split("/", 1)[1] if point.startswith("cloudresourcemanager.googleapis.com/") else point
    return point if re.match(r"^(projects|folders|organizations)/[^/]+$", point) else None


def _deny_rule(rule: Fields) -> DenyRule:
    deny = rule.obj("denyRule")
    if deny is None:
        raise rule.error("denyRule", "missing required field")
    lists = {}
    for key in ("deniedPrincipals", "exceptionPrincipals", "deniedPermissions", "exceptionPermissions"):
        values = deny.strings(key)
        if "" in values:
            raise deny.error(f"{key}[{values.index('')}]", "an empty string")
        lists[key] = tuple(values)
    if not lists["deniedPrincipals"] or not lists["deniedPermissions"]:
        raise deny.error(
            "deniedPrincipals" if not lists["deniedPrincipals"] else "deniedPermissions", "missing or empty"
        )
    condition = deny.obj("denialCondition")
    return DenyRule(
        denied_principals=lists["deniedPrincipals"],
        exception_principals=lists["exceptionPrincipals"],
        denied_permissions=lists["deniedPermissions"],
        exception_permissions=lists["exceptionPermissions"],
        condition=_expression(condition) if condition is not None else None,
    )


def deny_policy(data: Fields) -> DenyPolicyRecord:
    name = data.string("name")
    attachment = attachment_of(name)
    if attachment is None:
        raise data.error("name", f"deny policy name does not carry its attachment point: {quote(name)}")
    errors: list[InputError] = []
    rules = readable(data.objects("rules"), _deny_rule, errors)
    refuse_if_nothing_read(errors, len(rules))
    return DenyPolicyRecord(name=name, attachment=attachment, rules=tuple(rules), source=data.source)


def pool_provider(data: Fields) -> PoolProviderRecord:
    name = short_name(data.string("name"))
    match = re.match(r"projects/([^/]+)/locations/[^/]+/workloadIdentityPools/([^/]+)/providers/([^/]+)$", name)
    if match is None:
        raise data.error("name", f"not a workload identity pool provider name: {quote(name)}")
    oidc, aws, saml = data.obj("oidc"), data.obj("aws"), data.obj("saml")
    mapping = data.obj("attributeMapping")
    protocol = "oidc" if oidc is not None else "aws" if aws is not None else "saml" if saml is not None else "unknown"
    if oidc is not None and not oidc.opt_str("issuerUri"):
        raise oidc.error("issuerUri", "missing required field")
    if oidc is not None and not re.match(r"^https://[^\s/]+[^\s]*$", oidc.string("issuerUri")):
        # GCP takes only an HTTPS issuer: anything else was damaged (and quoted as written, so redaction sees it).
        raise oidc.error("issuerUri", f"not an HTTPS issuer URL: {quote(oidc.string('issuerUri'))}")
    if oidc is not None and "" in oidc.strings("allowedAudiences"):
        raise oidc.error("allowedAudiences", "an empty audience")
    if protocol == "unknown":
        raise data.error("oidc", "none of oidc, aws or saml: the provider's protocol is unknown")
    for key, value in mapping.raw.items() if mapping is not None else ():
        if not isinstance(value, str) or not value:
            raise mapping.error(str(key), "expected a non-empty mapping expression")  # type: ignore[union-attr]
    if protocol != "aws" and (mapping is None or "google.subject" not in mapping.raw):
        raise data.error("attributeMapping", "no google.subject mapping (required for OIDC and SAML providers)")
    if data.opt_str("attributeCondition") == "":
        raise data.error("attributeCondition", "an empty condition")
    if data.has("attributeCondition") and data.raw["attributeCondition"] is None:
        # The API leaves an unset condition out; a null was damaged. Read as none (every token of the issuer
        # admitted, the widest reading), and said.
        note_unreadable(data.source, data.path_of("attributeCondition"), "null: read as no condition")
    return PoolProviderRecord(
        name=name,
        pool=name.rsplit("/providers/", 1)[0],
        project=match.group(1),
        protocol=protocol,
        issuer=oidc.opt_str("issuerUri") if oidc is not None else None,
        aws_account=aws.opt_str("accountId") if aws is not None else None,
        allowed_audiences=tuple(oidc.strings("allowedAudiences")) if oidc is not None else (),
        attribute_mapping={} if mapping is None else {str(k): str(v) for k, v in mapping.raw.items()},
        attribute_condition=data.opt_str("attributeCondition") or None,
        disabled=bool(data.opt_bool("disabled")) or data.opt_str("state") == "DELETED",
        source=data.source,
    )


def _labels(data: Fields, key: str = "labels") -> dict[str, str]:
    labels = data.obj(key)
    return {} if labels is None else {str(k): str(v) for k, v in labels.raw.items()}


def _project_of_url(url: str) -> str | None:
    match = re.search(r"/projects/([^/]+)/", url)
    return match.group(1) if match else None


def _account(holder: Fields | None, key: str, *, required: bool = False) -> str | None:
    """The service account a workload runs as, which must be an address: an empty or damaged one would drop the
    workload (or name an account that does not exist) without a word."""
    if holder is None:
        return None
    value = holder.string(key) if required else holder.opt_str(key)
    if value is not None and not _EMAIL.match(value):
        raise holder.error(key, "an empty service account" if not value else f"not an e-mail address: {quote(value)}")
    return value


def _unnamed_account(data: Fields, key: str) -> None:
    """Functions and Cloud Run services always run as an account, which their APIs write (the project's default
    when none was chosen): one without it is said, not guessed, and read without the identity it runs as."""
    note_unreadable(data.source, data.path_of(key), "missing: the account it runs as is unknown (left out)")


def instance(data: Fields, project: str | None = None) -> WorkloadRecord:
    name = data.string("name")
    self_link = data.opt_str("selfLink") or ""
    zone_url = data.opt_str("zone") or ""
    owner = project or _project_of_url(self_link) or _project_of_url(zone_url + "/")
    if owner is None:
        raise data.error("selfLink", "the instance does not say its project (no selfLink or zone URL)")
    zone = zone_url.rsplit("/", 1)[-1] or None
    emails = tuple(str(_account(sa, "email", required=True)) for sa in data.objects("serviceAccounts"))
    return WorkloadRecord(
        id=f"projects/{owner}/zones/{zone}/instances/{name}" if zone else f"projects/{owner}/instances/{name}",
        kind="compute-instance",
        name=name,
        project=owner,
        service_accounts=emails,
        region=zone.rsplit("-", 1)[0] if zone else None,
        labels=_labels(data),
        source=data.source,
    )


def function(data: Fields) -> WorkloadRecord:
    name = short_name(data.string("name"))
    match = _LOCATED.match(name)
    if match is None:
        raise data.error("name", f"not a function name (projects/P/locations/L/functions/F): {quote(name)}")
    config = data.obj("serviceConfig")
    email = _account(data, "serviceAccountEmail") or _account(config, "serviceAccountEmail")
    if email is None:
        _unnamed_account(data, "serviceConfig.serviceAccountEmail" if config is not None else "serviceAccountEmail")
    return WorkloadRecord(
        id=name,
        kind="cloud-function",
        name=match.group(3),
        project=match.group(1),
        service_accounts=(email,) if email else (),
        region=match.group(2),
        labels=_labels(data),
        source=data.source,
    )


def run_service(data: Fields, project: str | None = None) -> WorkloadRecord:
    """Knative shape (``gcloud run services list``: metadata / spec.template.spec.serviceAccountName) or the v2 REST
    shape (``name`` projects/P/locations/L/services/S, ``template.serviceAccount``)."""
    metadata = data.obj("metadata")
    if metadata is not None:
        service_name = metadata.string("name")
        owner = project or metadata.opt_str("namespace")
        labels = _labels(metadata)
        region = labels.get("cloud.googleapis.com/location")
        spec = data.obj("spec")
        template = spec.obj("template") if spec else None
        inner = template.obj("spec") if template else None
        email = _account(inner, "serviceAccountName")
        if owner is None:
            raise metadata.error("namespace", "the service does not say its project")
        if email is None:
            _unnamed_account(data, "spec.template.spec.serviceAccountName")
        identifier = f"projects/{owner}/locations/{region or '-'}/services/{service_name}"
    else:
        identifier = short_name(data.string("name"))
        match = _LOCATED.match(identifier)
        if match is None:
            raise data.error("name", f"not a Cloud Run service name: {quote(identifier)}")
        owner, region, service_name = match.group(1), match.group(2), match.group(3)
        template = data.obj("template")
        email = _account(template, "serviceAccount")
        if email is None:
            _unnamed_account(data, "template.serviceAccount")
        labels = _labels(data)
    return WorkloadRecord(
        id=identifier,
        kind="cloud-run-service",
        name=service_name,
        project=owner,
        service_accounts=(email,) if email else (),
        region=region,
        labels=labels,
        source=data.source,
    )


def reasoning_engine_agent(project_number: str) -> str:
    """The AI Platform Reasoning Engine service agent of a project: what an agent without its own account runs as."""
    return f"service-{project_number}@gcp-sa-aiplatform-re.iam.gserviceaccount.com"


def reasoning_engine(data: Fields) -> WorkloadRecord:
    """A Vertex AI Agent Engine agent; without ``spec.serviceAccount`` it runs as the project's AI Platform
    Reasoning Engine service agent (named by project number)."""
    name = short_name(data.string("name"))
    match = _LOCATED.match(name)
    if match is None:
        raise data.error("name", f"not a reasoning engine name: {quote(name)}")
    spec = data.obj("spec")
    email = _account(spec, "serviceAccount")
    if not email and match.group(1).isdigit():
        email = reasoning_engine_agent(match.group(1))
    return WorkloadRecord(
        id=name,
        kind="reasoning-engine",
        name=data.opt_str("displayName") or match.group(3),
        project=match.group(1),
        service_accounts=(email,) if email else (),
        region=match.group(2),
        labels=_labels(data),
        agent=True,
        source=data.source,
    )


ACTIVITY_KINDS = {
    "serviceAccountKeyLastAuthentication": "key",
    "serviceAccountLastAuthentication": "service-account",
}


def _last_authenticated(details: Fields) -> datetime | None:
    """Policy Intelligence always writes the time of an activity it reports."""
    if details.raw.get("lastAuthenticatedTime") is None:
        raise details.error("lastAuthenticatedTime", "missing required field")
    return timestamp(details, "lastAuthenticatedTime")


def activity(entry: Fields) -> ActivityRecord:
    kind = ACTIVITY_KINDS.get(entry.string("activityType"))
    if kind is None:
        raise entry.error("activityType", f"unknown activity type {quote(entry.string('activityType'))}")
    resource = short_name(entry.opt_str("fullResourceName") or "")
    details = entry.obj("activity")
    if details is None:
        raise entry.error("activity", "missing required field")
    if kind == "key":
        match = _KEY_NAME.search(resource)
        subject, owner = (match.group(3), match.group(1)) if match else (resource.rsplit("/", 1)[-1], None)
    else:
        match = _SA_NAME.search(resource)
        subject, owner = (match.group(2), match.group(1)) if match else (resource.rsplit("/", 1)[-1], None)
    if not subject or re.search(r"\s", subject):
        raise entry.error("fullResourceName", "does not name a key or service account")
    if kind == "service-account" and not (_EMAIL.match(subject) or subject.isdigit()):
        # A damaged address names no account: the real one would then read as never used, without a word.
        raise entry.error(
            "fullResourceName", f"not a service account (an e-mail address or unique id): {quote(subject)}"
        )
    period = entry.obj("observationPeriod")
    return ActivityRecord(
        kind=kind,
        subject=subject,
        project=owner,
        last_authenticated=_last_authenticated(details),
        source=entry.source,
        observed_since=timestamp(period, "startTime") if period is not None else None,
    )


def require_object(value: object, source: str) -> Fields:
    if not isinstance(value, dict):
        raise InputError(source, "expected a JSON object")
    return Fields(value, source)
