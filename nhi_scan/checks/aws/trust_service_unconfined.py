"""A role trusting an AWS service that acts for many customers, with no aws:SourceArn/SourceAccount."""

from __future__ import annotations

from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._trust import allow_trusts, constraints
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity

#: Services that only ever assume a role for the compute of the role's own account (no confused deputy).
OWN_COMPUTE_SERVICES = frozenset(
    {
        "ec2.amazonaws.com",
        "lambda.amazonaws.com",
        "ecs-tasks.amazonaws.com",
        "edgelambda.amazonaws.com",
        "eks.amazonaws.com",
        "eks-fargate-pods.amazonaws.com",
        "pods.eks.amazonaws.com",
        "spotfleet.amazonaws.com",
        "autoscaling.amazonaws.com",
        "ssm.amazonaws.com",
        "rds.amazonaws.com",
        "ecs.amazonaws.com",
        "elasticmapreduce.amazonaws.com",
        "application-autoscaling.amazonaws.com",
    }
)
SOURCE_KEYS = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths")


def run(context: CheckContext) -> Iterator[Finding]:
    for role, trust in allow_trusts(context):
        if trust.principal_type != "service" or trust.principal in OWN_COMPUTE_SERVICES:
            continue
        keys = constraints(trust.conditions)
        if any(k in keys for k in SOURCE_KEYS):
            continue
        yield CHECK.finding(
            subject=role.id,
            identity=role,
            message=(
                f"Role {role.name} trusts {trust.principal} without aws:SourceArn or aws:SourceAccount: the service "
                "could be made to use it on behalf of another account (confused deputy)."
            ),
            evidence={"service": trust.principal, "conditions": dict(trust.conditions)},
            fingerprint_key=trust.principal,
        )


CHECK = Check(
    id="trust-service-unconfined",
    title="Service trust without source condition",
    severity=Severity.LOW,
    category=Category.TRUST,
    owasp_nhi=("NHI6:2025",),
    description=(
        "Role trusting a cross-customer AWS service (Bedrock, Glue, SNS, CloudTrail…) without aws:SourceArn / "
        "aws:SourceAccount; instance, function and task roles are exempt."
    ),
    remediation=(
        "Add aws:SourceAccount (your account id) and aws:SourceArn (the resource that uses the role, e.g. "
        "arn:aws:bedrock:REGION:ACCOUNT:agent/*) conditions to the trust statement."
    ),
    run=run,
    providers=(AWS,),
)
