"""Services an active identity may use but has not used for N days: least privilege from usage.

Per-service usage records (``ServiceUsage``, read by each provider from its usage data) list exactly the services
the identity's grants allow, with their last use, so "granted but unused" needs no policy evaluation. Identities
using nothing in the window are left to identity-unused / credential-unused (no duplicate findings), and
identities younger than the window are not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from nhi_scan.checks._base import Check, CheckContext
from nhi_scan.checks._common import principals
from nhi_scan.model import Category, Finding, ServiceUsage, Severity
from nhi_scan.timeutil import age_days, iso


def run(context: CheckContext) -> Iterator[Finding]:
    limit = context.settings.service_unused_days
    by_identity: dict[str, list[ServiceUsage]] = defaultdict(list)
    for usage in context.inventory.usage:
        by_identity[usage.identity_id].append(usage)
    for identity in principals(context):
        usages = by_identity.get(identity.id)
        if not usages or not identity.machine:
            continue
        if identity.created is not None and age_days(identity.created, context.now) <= limit:
            continue  # too young to say what it does not need
        used = [u for u in usages if u.last_used is not None and age_days(u.last_used, context.now) <= limit]
        # a service granted only actions the usage data never records (iam:PassRole) cannot be judged unused
        unused = sorted((u for u in usages if u not in used and not u.untracked_only), key=lambda u: u.service)
        if not used or not unused:
            continue
        sensitive = sorted(u.service for u in unused if u.sensitive)
        names = ", ".join(u.service for u in unused[:8]) + ("…" if len(unused) > 8 else "")
        yield CHECK.finding(
            subject=identity.id,
            identity=identity,
            severity=Severity.MEDIUM if sensitive else Severity.LOW,
            message=(
                f"{identity.kind.value.capitalize()} {identity.name} may use {len(unused)} services it has not used "
                f"in {limit} days ({names}); it used {len(used)} ({', '.join(sorted(u.service for u in used)[:5])})."
            ),
            evidence={
                "unused_services": [{"service": u.service, "last_used": iso(u.last_used)} for u in unused],
                "used_services": sorted(u.service for u in used),
                "sensitive_unused": sensitive,
                "unused_days_limit": limit,
            },
        )


CHECK = Check(
    id="service-unused",
    title="Granted services unused",
    severity=Severity.LOW,
    category=Category.OVER_PRIVILEGE,
    owasp_nhi=("NHI5:2025",),
    description=(
        "Machine identity allowed to use services it has not used for service-unused days (default 90), "
        "according to the cloud's per-service usage data; medium when they include "
        "identity, key or secret services."
    ),
    remediation=("Remove the unused services from its grants; check first for yearly jobs, which usage data misses."),
    run=run,
    early=True,  # reads the inventory only
)
