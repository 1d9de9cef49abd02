"""A machine identity allowed "Permissions management" actions (IAM policies, resource policies, grants, ACLs) on
``Resource: "*"``: it can change who may do what to every resource of those kinds.

Candidates are the catalogue actions whose access level includes "Permissions management" and that support at least
one resource type (actions that only accept ``"*"`` cannot be scoped, so they are not "unscoped"), minus the
credential-returning actions that ``unscoped-secret-access`` reports (``rds-db:connect`` is both) and the few
read-only verbs the catalogue labels so (``READ_VERBS``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import cache

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks.aws._privilege import (
    MAX_EXAMPLES,
    Summary,
    explain,
    granting_statements,
    one_step_lower,
    policy_names,
    service_rank,
    subject_ids,
    unscoped_summaries,
)
from nhi_scan.checks.aws.unscoped_secret_access import CREDENTIAL_ACTIONS
from nhi_scan.connectors.aws import AWS
from nhi_scan.model import Category, Finding, Severity
from nhi_scan.policy.aws import catalog
from nhi_scan.policy.aws.unscoped import Unscoped

ACCESS_LEVEL = "Permissions management"
#: Verbs that cannot change a permission: the catalogue labels a few such actions "Permissions management, Write"
#: (glue:DescribeEntity, fsx:GetResourcePolicy, quicksight:Describe*Permissions...): reading a policy is not managing.
READ_VERBS = re.compile(r"^[a-z0-9-]+:(get|list|describe|search|view|validate|check|preview)", re.IGNORECASE)


@cache
def candidate_actions() -> tuple[str, ...]:
    """Scopable permissions-management actions of the catalogue, canonical spelling, sorted."""
    excluded = {a.lower() for a in CREDENTIAL_ACTIONS}
    found = []
    for action in catalog.all_actions():
        record = catalog.info(action)
        if (
            record
            and ACCESS_LEVEL in record.access_levels
            and record.resource_types
            and action not in excluded
            and not READ_VERBS.match(action)
        ):
            found.append(record.name)
    return tuple(sorted(found, key=str.lower))


def summarise(grants: dict[str, Unscoped]) -> Summary | None:
    if not grants:
        return None
    ordered = sorted(grants.values(), key=lambda g: service_rank(g.action))
    services = Counter(g.action.partition(":")[0] for g in ordered)
    conditional = all(g.conditional for g in ordered)
    examples = ordered[:MAX_EXAMPLES]
    statements = granting_statements(ordered)
    more = f" and {len(ordered) - len(examples)} more" if len(ordered) > len(examples) else ""
    qualifier = " if conditions unknown offline hold" if conditional else ""
    return Summary(
        message=(
            f"may manage permissions on every resource{qualifier}: {len(ordered)} permissions-management "
            f'action(s) allowed on Resource "*" ({", ".join(g.action for g in examples)}{more}). '
            f"Granted by {', '.join(policy_names(statements))}."
        ),
        evidence={
            "resource": "*",
            "action_count": len(ordered),
            "services": dict(sorted(services.items(), key=lambda item: service_rank(item[0]))),
            "examples": explain(examples),
            "statements": statements,
            "conditional": conditional,
        },
        severity=one_step_lower(Severity.HIGH) if conditional else Severity.HIGH,
    )


def run(context: CheckContext) -> Iterator[Finding]:
    for identity, summary in unscoped_summaries(context, candidate_actions(), summarise):
        yield summary.finding(CHECK, identity)


CHECK = Check(
    id="unscoped-permissions-management",
    title="Machine identity manages permissions on any resource",
    severity=Severity.HIGH,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "Permissions-management actions (IAM policy edits, resource policies, KMS grants, ACLs...) effectively "
        'allowed on Resource "*" for a machine identity that is not already admin-equivalent. High; medium when '
        "only conditions unknown offline allow them."
    ),
    remediation=(
        "Scope each permissions-management action to the exact resources the workload administers (role, user, "
        "bucket or key ARNs) or remove it; for IAM writes also require a permissions boundary "
        "(iam:PermissionsBoundary condition) on what the identity creates or edits."
    ),
    run=run,
    providers=(AWS,),
    early=True,
    keep=subject_ids,
)
