"""The AWS provider plug-in: IAM exports and live collection, IAM policy evaluation and the 85 escalation methods.

Its parts live along the package's layers (``connectors/aws``, ``policy/aws``, ``escalation/aws``,
``checks/aws``); this module is the one place that joins them to the seam. Everything is imported lazily: nothing
happens when the registry imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.live import COLLECTOR
from nhi_scan.connectors.aws.secret_shapes import SHAPES as SECRET_SHAPES
from nhi_scan.connectors.formats import InputFormat, formats_in
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import Inventory, IssuedToken
from nhi_scan.plugin import AnalysisRequest, ParseOptions, PolicySuggestion, ProviderAnalysis, ProviderPlugin


def _formats() -> Sequence[InputFormat]:
    return formats_in("nhi_scan.connectors.aws.formats")


def _parse(documents: Sequence[LoadedDocument], options: ParseOptions) -> Inventory:
    from nhi_scan.connectors.aws.parse import parse

    return parse(documents, owner_tag_keys=options.owner_tag_keys)


def _analyse(request: AnalysisRequest) -> ProviderAnalysis:
    from nhi_scan.escalation.aws.build import build_aws

    return build_aws(
        request.graph, request.inventory, request.now, jobs=request.jobs, permissions_known=request.permissions_known
    )


def _input_warnings(kinds: frozenset[str]) -> list[str]:
    warnings = []
    if "aws-gaad" in kinds and "aws-credential-report" not in kinds:
        warnings.append(
            "no IAM credential report given: access key ages and use, console passwords and MFA are unknown "
            "(aws iam generate-credential-report; aws iam get-credential-report)"
        )
    if "aws-credential-report" in kinds and "aws-gaad" not in kinds:
        warnings.append(
            "no get-account-authorization-details export given: roles, groups, policies and tags are unknown"
        )
    return warnings


def _suggest_policy(inventory: Inventory, wanted: str, now: datetime, window_days: int) -> PolicySuggestion:
    from nhi_scan.policy.aws.least_privilege import suggest_policy

    return suggest_policy(inventory, wanted, now, window_days)


def _issued_tokens(inventory: Inventory) -> Iterable[IssuedToken]:
    from nhi_scan.connectors.aws.tokens import issued_tokens

    return issued_tokens(inventory)


REMEDIATION = {
    "admin-identity": (
        "Give the workload only the actions it uses (see its Access Advisor data), remove IAM write permissions "
        "on itself, and put a permissions boundary on identities that must manage IAM."
    ),
    "privilege-escalation": (
        "Break the first hop: scope the permission in the named policy to the resources the workload needs "
        "(e.g. iam:PassRole only on its own function role, with an iam:PassedToService condition), or deny it "
        "with a permissions boundary."
    ),
    "lateral-movement": (
        "Check that each listed identity is meant to be reachable; narrow trust policies to named principals and "
        "scope iam:PassRole, iam:CreateAccessKey and sts:AssumeRole to the resources the workload needs."
    ),
    "service-unused": (
        "Remove the unused services from its policies: `nhi-scan suggest-policy INPUTS ID` prints a right-sized "
        "policy that keeps what was used. Check first for yearly jobs and for iam:PassRole, which usage data misses."
    ),
}

SCAN_HELP = """AWS:

  nhi-scan scan authz.json credential-report.csv -f json -o report.json

  nhi-scan scan --aws --profile audit                 (live, read-only; --org for every account)

Exports: aws iam get-account-authorization-details > authz.json;
aws iam generate-credential-report; aws iam get-credential-report --query Content --output text | base64 -d > cr.csv"""

PROVIDER = ProviderPlugin(
    id=AWS,
    display_name="AWS",
    formats=_formats,
    parse=_parse,
    analyse=_analyse,
    input_warnings=_input_warnings,
    checks_package="nhi_scan.checks.aws",
    remediation=REMEDIATION,
    live=COLLECTOR,
    scan_help=SCAN_HELP,
    issued_tokens=_issued_tokens,
    suggest_policy=_suggest_policy,
    secret_shapes=SECRET_SHAPES,
)
