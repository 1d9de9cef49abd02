"""Microsoft Graph representations (as Graph, ``az rest`` and ``az ad ... list`` print them, and as AzureHound
embeds them) -> records. One reader per resource type, shared by every format that carries it.

``secretText`` is only ever returned when a secret is created; an export holding it is read without it, and a note
names the file and the object, never the value."""

from __future__ import annotations

from datetime import datetime

from nhi_scan.connectors.azure.claims_expression import malformed
from nhi_scan.connectors.azure.names import GUID, collection_of_odata_type
from nhi_scan.connectors.azure.records import (
    ApplicationRecord,
    AppRoleAssignmentRecord,
    DelegatedGrantRecord,
    DirectoryRoleAssignmentRecord,
    DirectoryRoleDefinitionRecord,
    FederatedCredentialRecord,
    GroupRecord,
    ObjectRef,
    SecretRecord,
    ServicePrincipalRecord,
    SignInRecord,
    TenantRecord,
    UserRecord,
)
from nhi_scan.connectors.fields import Fields
from nhi_scan.model import IdentityKind
from nhi_scan.redact import quote

#: servicePrincipalType values Graph documents (AzureHound's constant spells the managed one "ManagedIdentities").
SP_TYPES = {
    "application": "Application",
    "managedidentity": "ManagedIdentity",
    "managedidentities": "ManagedIdentity",
    "legacy": "Legacy",
    "socialidp": "SocialIdp",
}
_SIGN_IN_KINDS = (
    "applicationAuthenticationClientSignInActivity",
    "applicationAuthenticationResourceSignInActivity",
    "delegatedClientSignInActivity",
    "delegatedResourceSignInActivity",
)
_USER_SIGN_INS = ("lastSignInDateTime", "lastNonInteractiveSignInDateTime", "lastSuccessfulSignInDateTime")


def odata_type(entry: Fields, implied: str | None = None) -> str | None:
    """An object's ``@odata.type``, or the one its cast collection implies; never empty (Graph leaves it out for the
    collection's own type: an empty one was damaged, and an agent would be read as a plain object)."""
    written = entry.opt_str("@odata.type")
    if written == "":
        raise entry.error("@odata.type", "an empty type")
    return written or implied


def guid(entry: Fields, key: str) -> str:
    """A required object id (GUID), lower-cased (AzureHound upper-cases them). The error quotes the value as
    written: redaction recognises a secret by its case, so a lower-cased copy of one would escape it."""
    raw = entry.string(key)
    value = raw.strip().lower()
    if not GUID.match(value):
        raise entry.error(key, f"not an object id (a GUID): {quote(raw)}")
    return value


def opt_guid(entry: Fields, key: str) -> str | None:
    return guid(entry, key) if entry.opt_str(key) else None


def _scope(entry: Fields) -> str:
    """The scopes of a delegated grant: Graph always writes the field (empty when none)."""
    if not entry.has("scope"):
        raise entry.error("scope", "missing required field")
    return entry.opt_str("scope") or ""


def latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def refs(entry: Fields, key: str) -> tuple[ObjectRef, ...]:
    """Expanded directory objects (``owners``, ``sponsors``, members): id, and kind from ``@odata.type``."""
    return tuple(ref(item) for item in entry.objects(key))


def ref(item: Fields) -> ObjectRef:
    return ObjectRef(
        object_id=guid(item, "id"),
        collection=collection_of_odata_type(item.opt_str("@odata.type")),
        display_name=item.opt_str("displayName"),
    )


def secrets(entry: Fields, holder: str, notes: list[str]) -> tuple[SecretRecord, ...]:
    """passwordCredentials and keyCredentials: key ids and dates. A ``secretText`` is skipped, with a note."""
    found: list[SecretRecord] = []
    for item in entry.objects("passwordCredentials"):
        if item.raw.get("secretText"):
            notes.append(f"secretText present in {entry.source} ({holder} {item.where}): not read")
        found.append(_secret(item, "secret"))
    found.extend(_secret(item, "certificate") for item in entry.objects("keyCredentials"))
    return tuple(found)


def _credential_time(item: Fields, key: str) -> datetime | None:
    """Entra gives every credential a start and an end (by default two years on): a null or missing one was lost
    on the way, and read as "no end" it would hide an expiring (or expired) secret."""
    if item.raw.get(key) is None:
        raise item.error(key, "null or missing (Entra dates every credential)")
    return item.timestamp(key)


def _secret(item: Fields, kind: str) -> SecretRecord:
    return SecretRecord(
        kind=kind,
        key_id=guid(item, "keyId"),
        display_name=item.opt_str("displayName") or None,
        hint=item.opt_str("hint") if kind == "secret" else None,
        start=_credential_time(item, "startDateTime"),
        end=_credential_time(item, "endDateTime"),
        key_type=item.opt_str("type") if kind == "certificate" else None,
        usage=item.opt_str("usage") if kind == "certificate" else None,
    )


def sp_type(entry: Fields) -> str | None:
    """The principal's type. Graph writes it on every principal: without it one whose ``alternativeNames`` name its
    Azure resource (what only a managed identity's do) was damaged, and read as an application's principal its
    resource would be lost."""
    raw = entry.opt_str("servicePrincipalType")
    if raw is None:
        names = [n.lower() for n in entry.strings("alternativeNames")]
        if any(n.startswith("isexplicit=") for n in names) and any(n.startswith("/subscriptions/") for n in names):
            raise entry.error("servicePrincipalType", "missing, though alternativeNames name a managed identity")
        return None
    known = SP_TYPES.get(raw.lower())
    if known is None:
        raise entry.error(
            "servicePrincipalType",
            f"unknown service principal type {quote(raw)} (expected Application, ManagedIdentity, Legacy or SocialIdp)",
        )
    return known


def _app_roles(entry: Fields) -> dict[str, str]:
    roles: dict[str, str] = {}
    for role in entry.objects("appRoles"):
        value = role.opt_str("value")
        if value:
            roles[guid(role, "id")] = value
    return roles


def _owner_organization(entry: Fields) -> str | None:
    """The tenant of the principal's application: null (or absent) when Graph does not say; never empty. Read as
    unknown, an empty one would turn another organisation's application into one of this tenant's."""
    if entry.opt_str("appOwnerOrganizationId") == "":
        raise entry.error("appOwnerOrganizationId", "an empty tenant id")
    return opt_guid(entry, "appOwnerOrganizationId")


def service_principal(entry: Fields, notes: list[str], *, implied_type: str | None = None) -> ServicePrincipalRecord:
    object_id = guid(entry, "id")
    sponsors = refs(entry, "sponsors") if entry.has("sponsors") else None
    return ServicePrincipalRecord(
        object_id=object_id,
        app_id=guid(entry, "appId"),  # every service principal has one (its application's, or its own)
        display_name=entry.opt_str("displayName") or entry.opt_str("appDisplayName"),
        sp_type=sp_type(entry),
        odata_type=odata_type(entry, implied_type),
        app_owner_organization_id=_owner_organization(entry),
        account_enabled=entry.opt_bool("accountEnabled"),
        alternative_names=tuple(entry.strings("alternativeNames")),
        app_roles=_app_roles(entry),
        secrets=secrets(entry, f"servicePrincipals/{object_id}", notes),
        owners=refs(entry, "owners"),
        created=entry.timestamp("createdDateTime"),
        sign_in_audience=entry.opt_str("signInAudience"),
        tags=tuple(entry.strings("tags")),
        agent_blueprint_id=opt_guid(entry, "agentIdentityBlueprintId"),
        sponsors=sponsors,
        names=tuple(entry.strings("servicePrincipalNames")),
        tenant_id=opt_guid(entry, "tenantId"),
        source=entry.source,
    )


def application(
    entry: Fields, notes: list[str], *, implied_type: str | None = None
) -> tuple[ApplicationRecord, list[FederatedCredentialRecord]]:
    """An application and its inline federated credentials (``$expand=federatedIdentityCredentials``)."""
    object_id = guid(entry, "id")
    record = ApplicationRecord(
        object_id=object_id,
        app_id=guid(entry, "appId"),  # every application has one: without it its service principal is not found
        display_name=entry.opt_str("displayName"),
        odata_type=odata_type(entry, implied_type),
        sign_in_audience=entry.opt_str("signInAudience"),
        secrets=secrets(entry, f"applications/{object_id}", notes),
        owners=refs(entry, "owners"),
        created=entry.timestamp("createdDateTime"),
        tags=tuple(entry.strings("tags")),
        identifier_uris=tuple(entry.strings("identifierUris")),
        tenant_id=opt_guid(entry, "tenantId"),
        source=entry.source,
    )
    fics = [federated_credential(f, app_object_id=object_id) for f in entry.objects("federatedIdentityCredentials")]
    return record, fics


def subject_or_expression(entry: Fields) -> Fields:
    """A credential of a listing that would show its ``claimsMatchingExpression`` (beta, or a managed identity's,
    which has none): Entra requires a subject or an expression, so one with neither was damaged, and read as
    matching no subject the trust it grants would vanish unsaid. (A v1.0 listing leaves a flexible one's expression
    out: there a credential with neither is as written.)"""
    if entry.opt_str("subject") is None and entry.obj("claimsMatchingExpression") is None:
        raise entry.error("subject", "missing, and no claimsMatchingExpression: who may sign in is unknown")
    return entry


def federated_credential(
    entry: Fields,
    *,
    app_object_id: str | None = None,
    app_id: str | None = None,
    identity_resource_id: str | None = None,
    credential_id: str | None = None,
) -> FederatedCredentialRecord:
    """A federatedIdentityCredential; ``claimsMatchingExpression`` (beta, flexible) replaces ``subject``."""
    issuer = entry.string("issuer")
    if not issuer:
        raise entry.error("issuer", "an empty issuer")
    expression = entry.obj("claimsMatchingExpression")
    if expression is not None and not expression.opt_str("value"):
        raise expression.error("value", "missing or empty expression")
    problem = malformed(expression.string("value")) if expression is not None else None
    if expression is not None and problem is not None:
        raise expression.error("value", f"not a claims expression ({problem}): {quote(expression.string('value'))}")
    if entry.opt_str("subject") == "":
        raise entry.error("subject", "an empty subject")
    if not entry.opt_str("name"):
        raise entry.error("name", "missing required field")
    audiences = entry.strings("audiences")
    if not audiences or "" in audiences:
        raise entry.error("audiences", "missing, empty or holding an empty string")
    return FederatedCredentialRecord(
        id=credential_id or guid(entry, "id"),
        name=entry.opt_str("name"),
        issuer=issuer,
        subject=entry.opt_str("subject") or None,
        audiences=tuple(audiences),
        expression=(expression.opt_str("value") or None) if expression is not None else None,
        app_object_id=app_object_id,
        app_id=app_id,
        identity_resource_id=identity_resource_id,
        source=entry.source,
    )


_AGENT_USER = "#microsoft.graph.agentuser"


def graph_user_type(entry: Fields, implied: str | None = None) -> str | None:
    """A Graph user's ``@odata.type`` (or the one its collection implies: ``users/microsoft.graph.agentUser``).
    Graph writes it for a derived type only, and an agent user always has the ``identityParentId`` no other user
    has (AzureHound's user model leaves it out: not checked there): one without the other was damaged, and an agent
    (a machine identity) would be read as a person, or its parent lost."""
    found = odata_type(entry, implied)
    agent = (found or "").lower() == _AGENT_USER
    if agent and not entry.opt_str("identityParentId"):
        raise entry.error("identityParentId", "missing or empty (every agent user has its parent agent identity)")
    if not agent and entry.opt_str("identityParentId") and (found is None or found.lower() == "#microsoft.graph.user"):
        raise entry.error("@odata.type", "not #microsoft.graph.agentUser, though identityParentId names an agent")
    return found


def user(entry: Fields, *, implied_type: str | None = None) -> UserRecord:
    """A user; ``implied_type``: the type of a cast collection's objects (which Graph then leaves out)."""
    activity = entry.obj("signInActivity")
    last = latest(*(activity.timestamp(k) for k in _USER_SIGN_INS)) if activity is not None else None
    return UserRecord(
        object_id=guid(entry, "id"),
        user_principal_name=entry.opt_str("userPrincipalName"),
        display_name=entry.opt_str("displayName"),
        user_type=entry.opt_str("userType"),
        account_enabled=entry.opt_bool("accountEnabled"),
        created=entry.timestamp("createdDateTime"),
        last_sign_in=last,
        sign_in_known=entry.has("signInActivity"),
        odata_type=odata_type(entry, implied_type),
        identity_parent_id=opt_guid(entry, "identityParentId"),
        tenant_id=opt_guid(entry, "tenantId"),
        source=entry.source,
    )


def group(entry: Fields) -> GroupRecord:
    return GroupRecord(
        object_id=guid(entry, "id"),
        display_name=entry.opt_str("displayName"),
        security_enabled=entry.opt_bool("securityEnabled"),
        is_assignable_to_role=entry.opt_bool("isAssignableToRole"),
        owners=refs(entry, "owners"),
        created=entry.timestamp("createdDateTime"),
        tenant_id=opt_guid(entry, "tenantId"),
        source=entry.source,
    )


def app_role_assignment(entry: Fields) -> AppRoleAssignmentRecord:
    return AppRoleAssignmentRecord(
        app_role_id=guid(entry, "appRoleId"),
        principal_id=guid(entry, "principalId"),
        principal_type=entry.opt_str("principalType"),
        resource_id=guid(entry, "resourceId"),
        resource_app_id=opt_guid(entry, "appId"),
        source=entry.source,
    )


def delegated_grant(entry: Fields) -> DelegatedGrantRecord:
    principal = opt_guid(entry, "principalId")
    return DelegatedGrantRecord(
        client_id=guid(entry, "clientId"),
        # Graph gives it always; without it, the principal tells: none is consent for every user (AllPrincipals)
        consent_type=entry.opt_str("consentType") or ("Principal" if principal else "AllPrincipals"),
        principal_id=principal,
        resource_id=guid(entry, "resourceId"),
        scope=" ".join(_scope(entry).split()),
        id=entry.opt_str("id"),
        source=entry.source,
    )


def role_definition(entry: Fields) -> DirectoryRoleDefinitionRecord:
    identifier = guid(entry, "id")
    return DirectoryRoleDefinitionRecord(
        id=identifier,
        template_id=opt_guid(entry, "templateId") or identifier,
        display_name=entry.opt_str("displayName"),
        is_built_in=entry.opt_bool("isBuiltIn"),
        is_privileged=entry.opt_bool("isPrivileged"),
        source=entry.source,
    )


def _directory_scope(entry: Fields) -> str:
    """The scope of a directory role: ``/`` (the whole directory), an administrative unit or one object; an
    app-specific scope (``appScopeId`` instead) holds no directory object. Graph always gives one of the two, so
    neither is a damaged assignment, not a tenant-wide one (reading it as ``/`` would invent Global Administrators)."""
    scope = entry.opt_str("directoryScopeId")
    if scope == "":
        raise entry.error("directoryScopeId", "an empty scope")
    if scope is not None:
        return scope
    app_scope = entry.opt_str("appScopeId")
    if app_scope:
        return f"app:{app_scope}"
    raise entry.error("directoryScopeId", "missing, and no appScopeId: the assignment's scope is unknown")


def role_assignment(entry: Fields, *, eligible: bool) -> DirectoryRoleAssignmentRecord:
    """A unifiedRoleAssignment, or (eligible) a unifiedRoleEligibilitySchedule / its instance."""
    return DirectoryRoleAssignmentRecord(
        principal_id=guid(entry, "principalId"),
        role_definition_id=guid(entry, "roleDefinitionId"),
        directory_scope_id=_directory_scope(entry),
        eligible=eligible,
        source=entry.source,
    )


def _sign_in_time(activity: Fields) -> datetime | None:
    """An activity's ``lastSignInDateTime``: Graph writes it in every activity (null when none). One without it was
    damaged, and read as "never" it would call a principal in use unused."""
    if not activity.has("lastSignInDateTime"):
        raise activity.error("lastSignInDateTime", "missing required field (null when no sign-in)")
    return activity.timestamp("lastSignInDateTime")


def sign_in(entry: Fields) -> SignInRecord:
    """servicePrincipalSignInActivity: ``lastSignInActivity`` is the latest of the four kinds; read them all when
    it is absent."""
    overall = entry.obj("lastSignInActivity")
    if overall is not None:
        last = _sign_in_time(overall)
    else:
        kinds = [entry.obj(kind) for kind in _SIGN_IN_KINDS]
        last = latest(*(_sign_in_time(k) for k in kinds if k is not None))
    return SignInRecord(app_id=guid(entry, "appId"), last_sign_in=last, source=entry.source)


def organization(entry: Fields) -> TenantRecord:
    return TenantRecord(tenant_id=guid(entry, "id"), display_name=entry.opt_str("displayName"), source=entry.source)


def principal_kind(sp: ServicePrincipalRecord) -> tuple[IdentityKind, str, bool | None, str | None]:
    """Kind, why it is a machine, whether user-assigned and the ARM resource id (managed identities: from
    ``alternativeNames``, ``isExplicit=True`` meaning user-assigned)."""
    resource_id = next((n.lower() for n in sp.alternative_names if n.startswith("/subscriptions/")), None)
    explicit = {"isexplicit=true": True, "isexplicit=false": False}
    user_assigned = next((explicit[n.lower()] for n in sp.alternative_names if n.lower() in explicit), None)
    if user_assigned is None and resource_id:
        user_assigned = "/microsoft.managedidentity/userassignedidentities/" in resource_id
    if (sp.odata_type or "").lower() == "#microsoft.graph.agentidentity":
        return IdentityKind.AGENT_IDENTITY, "Entra agent identity (Agent ID)", None, None
    if sp.sp_type == "ManagedIdentity":
        reason = f"managed identity ({'user' if user_assigned else 'system'}-assigned)"
        return IdentityKind.MANAGED_IDENTITY, reason, user_assigned, resource_id
    return IdentityKind.SERVICE_PRINCIPAL, f"Entra service principal ({sp.sp_type or 'type not given'})", None, None
