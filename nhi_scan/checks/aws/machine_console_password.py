"""A machine identity that also signs in to the console: people are using a non-human identity."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import principals
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, CredentialKind, Finding, Severity
from nhi_scan.timeutil import age_days, iso


def run(context: CheckContext) -> Iterator[Finding]:
    for identity in principals(context):
        if not identity.machine:
            continue
        for password in identity.active_credentials(CredentialKind.PASSWORD):
            used = (
                f"last used {age_days(password.last_used, context.now)} days ago"
                if password.last_used
                else "never used"
            )
            yield CHECK.finding(
                subject=identity.id,
                identity=identity,
                message=f"Machine user {identity.name} also has a console password ({used}).",
                evidence={
                    "machine_reason": identity.machine_reason,
                    "password_last_used": iso(password.last_used),
                    "password_last_changed": iso(password.last_rotated),
                    "mfa_active": identity.mfa_active,
                },
                severity=Severity.HIGH if password.last_used else Severity.MEDIUM,
            )


CHECK = Check(
    id="machine-console-password",
    title="Machine identity has a console password",
    severity=Severity.HIGH,
    category=Category.HYGIENE,
    owasp_nhi=("NHI10:2025", "NHI4:2025"),
    description="An IAM user classified as machine also has console sign-in (high if the password has been used).",
    remediation=(
        "Delete the login profile (aws iam delete-login-profile). People should sign in as themselves (SSO) and "
        "the workload keep programmatic access only."
    ),
    run=run,
    providers=(AWS,),
)
