"""Tenant-wide (AllPrincipals) consent to broad delegated permissions: every user who signs in to the app hands it
their mail, files or directory rights, with no consent prompt, and with offline_access the app keeps that access
through refresh tokens. Not an escalation path (a delegated token acts only within the signed-in user's own
access), so it is reported apart from application permissions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.azure._entra import attribute_text, describe, disabled, first_party, foreign, resolve
from nhi_scan.connectors.azure import AZURE
from nhi_scan.model import Category, Finding, Identity, PolicyKind, Severity

#: Delegated scopes that write mail, files, the directory or policy for every consenting user (high).
BROAD_WRITE = frozenset(
    {
        "mail.readwrite",
        "mail.readwrite.shared",
        "mail.send",
        "mail.send.shared",
        "mailboxsettings.readwrite",
        "files.readwrite.all",
        "sites.readwrite.all",
        "sites.manage.all",
        "sites.fullcontrol.all",
        "directory.readwrite.all",
        "directory.accessasuser.all",
        "user.readwrite.all",
        "group.readwrite.all",
        "groupmember.readwrite.all",
        "application.readwrite.all",
        "approleassignment.readwrite.all",
        "rolemanagement.readwrite.directory",
        "policy.readwrite.conditionalaccess",
        "userauthenticationmethod.readwrite.all",
        "calendars.readwrite",
        "contacts.readwrite",
        "notes.readwrite.all",
        "chat.readwrite",
        "channelmessage.send",
        "ews.accessasuser.all",
        "full_access_as_user",
        "devicemanagementconfiguration.readwrite.all",
    }
)
#: Delegated scopes that read every consenting user's mail, files or messages (medium).
BROAD_READ = frozenset(
    {
        "mail.read",
        "mail.read.shared",
        "files.read.all",
        "sites.read.all",
        "notes.read.all",
        "chat.read",
        "channelmessage.read.all",
    }
)


@dataclass(slots=True)
class _Consent:
    client_id: str
    resource_id: str
    scopes: dict[str, None] = field(default_factory=dict)


def _scopes(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return []


def _all_principals(consent_type: object) -> bool:
    return str(consent_type or "").replace("_", "").lower() == "allprincipals"


def _consents(context: CheckContext) -> list[_Consent]:
    """Tenant-wide consents by (client, resource), from the clients' ``delegated_grants`` and DELEGATED_GRANT
    grants alike."""
    found: dict[tuple[str, str], _Consent] = {}

    def add(client: str, entry: Mapping[str, object], scopes: list[str]) -> None:
        consent_type = entry.get("consent_type", entry.get("consentType"))
        if not _all_principals(consent_type):
            return
        resource = attribute_text(entry, "resource_id", "resourceId") or ""
        consent = found.setdefault((client, resource), _Consent(client, resource))
        consent.scopes.update(dict.fromkeys(scopes))

    for identity in context.inventory.identities:
        for entry in identity.attributes.get("delegated_grants") or ():
            if isinstance(entry, Mapping):
                add(identity.id, entry, _scopes(entry.get("scope")))
    for grant in context.inventory.grants:
        if grant.policy_kind is PolicyKind.DELEGATED_GRANT:
            document = grant.document
            add(grant.principal_id, document, _scopes(document.get("scope")) or _scopes(grant.policy_name))
    return list(found.values())


def _microsoft_resource(resource: Identity | None) -> bool:
    """Scopes of Microsoft's APIs (Graph, Exchange...) are judged; an API of the tenant's own means its own."""
    return resource is None or first_party(resource)


def run(context: CheckContext) -> Iterator[Finding]:
    for consent in _consents(context):
        client = resolve(context, consent.client_id)
        if client is not None and (first_party(client) or disabled(context, client)):
            continue
        resource = resolve(context, consent.resource_id)
        if not _microsoft_resource(resource):
            continue
        scopes = list(consent.scopes)
        writes = [s for s in scopes if s.lower() in BROAD_WRITE]
        reads = [s for s in scopes if s.lower() in BROAD_READ]
        if not writes and not reads:
            continue
        offline = any(s.lower() == "offline_access" for s in scopes)
        who = describe(client) if client is not None else f"client {consent.client_id}"
        third = " (an app of another organisation)" if client is not None and foreign(client) else ""
        on = resource.name if resource is not None else consent.resource_id or "its resource"
        yield CHECK.finding(
            subject=client.id if client is not None else consent.client_id,
            identity=client,
            provider=AZURE,
            fingerprint_key=consent.resource_id,
            severity=Severity.HIGH if writes else Severity.MEDIUM,
            message=(
                f"An administrator consented {', '.join(writes + reads)} of {on} for all users to {who}{third}: "
                "every user who signs in to it grants it that access without a prompt"
                + (", and offline_access keeps it through refresh tokens" if offline else "")
                + "."
            ),
            evidence={
                "client": consent.client_id,
                "resource": consent.resource_id,
                "consent_type": "AllPrincipals",
                "scopes": scopes,
                "broad_write": writes,
                "broad_read": reads,
                "offline_access": offline,
            },
        )


CHECK = Check(
    id="azure-delegated-consent-broad",
    title="Tenant-wide consent to broad delegated permissions",
    severity=Severity.MEDIUM,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "oAuth2PermissionGrant with consentType AllPrincipals that includes broad delegated scopes of a Microsoft "
        "API: high for scopes that write or send mail, write files and sites, or write the directory or policies "
        "(Mail.ReadWrite, Files.ReadWrite.All, Directory.ReadWrite.All...); medium for scopes that read every "
        "user's mail or files (Mail.Read, Files.Read.All...)."
    ),
    remediation=(
        "Revoke the tenant-wide grant or narrow its scope (PATCH or DELETE /oauth2PermissionGrants/ID; az ad app "
        "permission delete for the scopes), let each user consent for themselves or grant admin consent only for "
        "the scopes the app needs, and turn on the admin consent workflow for the rest."
    ),
    run=run,
    providers=(AZURE,),
    early=True,
)
