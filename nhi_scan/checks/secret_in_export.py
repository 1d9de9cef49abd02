"""A credential at rest where it should not be: in a tag, label or description of an identity (a value with the
shape of a secret), or in an input file itself (a saved ``create-access-key`` answer, a key file, a PEM block: what
``connectors/secret_scan`` met while loading). Anyone who reads the metadata or the file reads the secret; the
finding names the identity or the file and the field, never the value (reports redact it too)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.inventory import providers_of
from nhi_scan.model import Category, Finding, Identity, Inventory, Provider, SecretAtRest, Severity
from nhi_scan.redact import aws_keys_in, kind_of, secret_digest

#: Free-text attributes the connectors keep (GCP description / display name, Entra notes).
_TEXT_ATTRIBUTES = ("description", "display_name", "notes")

FILE_REMEDIATION = (
    "Revoke or rotate the credential now (anyone who could read the file could use it), delete the file or the "
    "field, and every copy of it (backups, CI artifacts, tickets); export with the listing commands, which never "
    "return secret material."
)


def run(context: CheckContext) -> Iterator[Finding]:
    inventory = context.inventory
    by_digest: dict[str, list[SecretAtRest]] = {}
    for record in inventory.secrets_at_rest:
        if record.digest:
            by_digest.setdefault(record.digest, []).append(record)
    told: set[int] = set()
    for identity in inventory.identities:
        yield from _in_metadata(identity, by_digest, told)
    yield from _in_names(inventory)
    files = [r for r in inventory.secrets_at_rest if id(r) not in told]
    if files:
        owners = _owners(inventory)
        fallback = min(providers_of(inventory), default=None)
        for record in files:
            yield _in_file(record, owners, fallback)


def _in_metadata(identity: Identity, by_digest: dict[str, list[SecretAtRest]], told: set[int]) -> Iterator[Finding]:
    fields = [(f"tag {key}", value) for key, value in identity.tags.items()]
    fields += [
        (name.replace("_", " "), value)
        for name in _TEXT_ATTRIBUTES
        if isinstance(value := identity.attributes.get(name), str)
    ]
    for where, value in fields:
        kind = kind_of(value) if isinstance(value, str) else None
        if kind is None:
            continue
        evidence: dict[str, object] = {"field": where, "looks_like": kind, "length": len(value)}
        # The same secret met in the file that defined the identity: one finding, saying where in the file.
        same = [r for r in by_digest.get(secret_digest(value), ()) if r.source in identity.sources] if by_digest else []
        place = ""
        if same:
            evidence.update(file=same[0].source, json_path=same[0].field)
            told.update(id(r) for r in same)
            place = f" (in {same[0].source} at {same[0].field})"
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            fingerprint_key=where,
            message=(
                f"The {where} of {identity.kind.value} {identity.name} holds what looks like {kind}{place}: a "
                "secret at rest in every export of this estate (the value is not shown)."
            ),
            evidence=evidence,
        )


def _in_names(inventory: Inventory) -> Iterator[Finding]:
    """A bare AWS secret key pasted into a name an export gave (a service of access data, a scope, a policy's name
    or a statement's Sid), each a field's whole value: the place is named, the key redacted (``Check.finding``)."""
    identities = {i.id: i for i in inventory.identities}
    places: list[tuple[str, str, Identity | None, Provider | None]] = []
    for usage in inventory.usage:
        if len(usage.service) >= 40 and aws_keys_in(usage.service):
            places.append(
                ("service name of its access data", usage.identity_id, identities.get(usage.identity_id), None)
            )
    places += [("name", scope, None, provider) for provider, scope in inventory.scopes if aws_keys_in(scope)]
    for policy in inventory.policies:
        values = [("name", policy.name), *(("statement Sid", sid) for sid in _sids(policy.default_document))]
        places += [(where, policy.id, None, policy.provider) for where, value in values if aws_keys_in(value)]
    # Inline policies and attachments live on the grants (a group's inline policy on each member's): each policy
    # and each document judged once.
    seen: set[tuple[str, str]] = set()
    walked: set[int] = set()
    for grant in inventory.grants:
        values = [("name", grant.policy_name)]
        if id(grant.document) not in walked:
            walked.add(id(grant.document))
            values += [("statement Sid", sid) for sid in _sids(grant.document)]
        for where, value in values:
            if (grant.policy_id, where) not in seen and aws_keys_in(value):
                seen.add((grant.policy_id, where))
                places.append((where, grant.policy_id, None, grant.provider))
    told: set[tuple[str, str]] = set()  # a managed policy met as a policy and as an attachment: once
    for where, subject, identity, provider in places:
        if (identity is None and provider is None) or (where, subject) in told:
            continue
        told.add((where, subject))
        yield CHECK.finding(
            subject=subject,
            identity=identity,
            provider=provider,
            fingerprint_key=where,
            message=(
                f"The {where} of {subject} holds what looks like an AWS secret access key: a secret at rest in every "
                "export of this estate (the value is not shown)."
            ),
            evidence={"field": where, "looks_like": "an AWS secret access key"},
        )


def _sids(document: object) -> list[str]:
    """The statement Sids of a policy document (AWS), as written."""
    statements = document.get("Statement") if isinstance(document, Mapping) else None
    listed = statements if isinstance(statements, list) else [statements]
    return [sid for s in listed if isinstance(s, dict) and isinstance(sid := s.get("Sid"), str)]


def _owners(inventory: Inventory) -> dict[str, Identity]:
    """Identities by what a secret's own fields may name them with: credential ids first, then ids, aliases and
    names that only one identity has."""
    counted: dict[str, list[Identity]] = {}
    for identity in inventory.identities:
        for name in dict.fromkeys((identity.id, identity.name, *identity.aliases)):
            counted.setdefault(name, []).append(identity)
    found = {name: found[0] for name, found in counted.items() if len(found) == 1}
    for identity in inventory.identities:
        found.update((credential.id, identity) for credential in identity.credentials)
    return found


def _names_in(value: str) -> Iterator[str]:
    """A value, and for a path (``projects/p/serviceAccounts/e/keys/k``) its last part and its leading parts."""
    yield value
    parts = value.split("/")
    if len(parts) > 1:
        yield parts[-1]
        yield from ("/".join(parts[:end]) for end in range(len(parts) - 1, 0, -1))


def _in_file(record: SecretAtRest, owners: dict[str, Identity], fallback: Provider | None) -> Finding:
    identity = next((owners[n] for _, v in record.belongs_to for n in _names_in(v) if n in owners), None)
    export = f" ({record.export})" if record.export else ""
    whose = ", ".join(f"{key} {value}" for key, value in record.belongs_to)
    of = f", of {whose}" if whose else ""
    provider = record.provider or (identity.provider if identity else None) or fallback
    return CHECK.finding(
        subject=record.source,
        identity=identity,
        provider=provider,
        fingerprint_key=record.field,
        message=(
            f"The file {record.source} holds {record.looks_like} at {record.field}{export}{of}: a secret at rest in "
            "an export file (the value is not shown)."
        ),
        remediation=FILE_REMEDIATION,
        evidence={
            "file": record.source,
            "field": record.field,
            "looks_like": record.looks_like,
            "export": record.export,
            "belongs_to": dict(record.belongs_to),
        },
    )


CHECK = Check(
    id="secret-in-export",
    title="Credential kept in an identity's metadata or an export file",
    severity=Severity.HIGH,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI2:2025",),
    description=(
        "A tag, label or description of an identity holds a value shaped like a credential (GitHub, GitLab or "
        "Slack token, AWS secret access key, Google API key, JSON web token, private key, Entra client secret), or "
        "an input file holds secret material (a saved create-access-key or sts answer, a service account key "
        "file, create-for-rbac output, a Graph secretText, a PEM private key): anyone who can read the metadata or "
        "the file reads the secret. Reports name the field, never the value."
    ),
    remediation=(
        "Revoke the credential now (it has been readable by anyone with read access to the identity), remove it "
        "from the tag or description, and keep secrets in a secret manager the workload reads at run time."
    ),
    run=run,
    early=True,  # reads the inventory only
)
