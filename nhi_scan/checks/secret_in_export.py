"""A credential kept where metadata belongs: a tag, label or description of an identity whose value has the shape
of a secret (a GitHub token, an AWS secret access key, a private key). It is at rest in every export and every
tool that reads them; the finding names the identity and the field, never the value (reports redact it)."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.redact import kind_of

#: Free-text attributes the connectors keep (GCP description / display name, Entra notes).
_TEXT_ATTRIBUTES = ("description", "display_name", "notes")


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in context.inventory.identities:
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
            yield CHECK.finding(
                subject=identity.id,
                identity=identity,
                fingerprint_key=where,
                message=(
                    f"The {where} of {identity.kind.value} {identity.name} holds what looks like {kind}: a secret at "
                    "rest in every export of this estate (the value is not shown)."
                ),
                evidence={"field": where, "looks_like": kind, "length": len(value)},
            )


CHECK = Check(
    id="secret-in-export",
    title="Credential kept in an identity's tags or description",
    severity=Severity.HIGH,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI2:2025",),
    description=(
        "A tag, label or description of an identity holds a value shaped like a credential (GitHub, GitLab or "
        "Slack token, AWS secret access key, Google API key, JSON web token, private key, Entra client secret): "
        "anyone who can read the identity's metadata reads the secret. Reports name the field, never the value."
    ),
    remediation=(
        "Revoke the credential now (it has been readable by anyone with read access to the identity), remove it "
        "from the tag or description, and keep secrets in a secret manager the workload reads at run time."
    ),
    run=run,
)
