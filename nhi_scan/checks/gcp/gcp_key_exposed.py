"""A service account key Google found exposed (published, or compromise detected): whoever found it may have used
the account, whatever the key's state now."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import credential_evidence
from nhi_scan.connectors.gcp import GCP
from nhi_scan.model import Category, CredentialKind, Finding, Severity

_EXPOSED = ("EXPOSED", "COMPROMISE")


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in context.inventory.identities:
        for key in identity.credentials:
            if key.kind is not CredentialKind.SERVICE_ACCOUNT_KEY:
                continue
            reason = str(key.attributes.get("disable_reason") or "")
            statuses = [str(s) for s in key.attributes.get("extended_status") or ()]
            flags = [s for s in (reason, *statuses) if any(word in s for word in _EXPOSED)]
            if not flags:
                continue
            state = "still active" if key.active else "disabled"
            yield CHECK.finding(
                subject=key.id,
                identity=identity,
                severity=Severity.CRITICAL if key.active else Severity.HIGH,
                message=(
                    f"Key {key.id} of {identity.name} was found exposed ({flags[0]}) and is {state}: check the "
                    "account's activity since the key was created."
                ),
                evidence={**credential_evidence(key), "disable_reason": reason or None, "extended_status": statuses},
            )


CHECK = Check(
    id="gcp-key-exposed",
    title="Service account key was exposed",
    severity=Severity.HIGH,
    category=Category.STATIC_CREDENTIAL,
    owasp_nhi=("NHI2:2025", "NHI7:2025"),
    description=(
        "User-managed key that Google flagged as exposed or compromised (disableReason "
        "SERVICE_ACCOUNT_KEY_DISABLE_REASON_EXPOSED / _COMPROMISE_DETECTED, or extendedStatus KEY_EXPOSED); critical "
        "while still active."
    ),
    remediation=(
        "Delete the key, review the account's audit logs since its creation (Cloud Audit Logs, Activity Analyzer), "
        "rotate whatever the account could read, and stop using keys for it."
    ),
    run=run,
    providers=(GCP,),
)
