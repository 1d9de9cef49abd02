"""`aws iam get-service-last-accessed-details` (Access Advisor) for one principal.

The answer does not name the principal its job was generated for, so the file needs a top-level ``Arn``
(`nhi-scan collect` adds it). Only completed jobs carry usage; others are refused so the scan is marked incomplete.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.arns import matches as _principal_arn
from nhi_scan.connectors.aws.usage import ServiceAccessRecord, ServiceLastAccessed
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.connectors.unreadable import note_unreadable, readable
from nhi_scan.errors import InputError
from nhi_scan.redact import quote


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "ServicesLastAccessed" in value


def _service(item: Fields) -> ServiceAccessRecord:
    """One service: an empty namespace names none (read as written, it was a service of no name the principal
    'may use and has not used': a finding about nothing). Other odd names are read, so a secret in one is found."""
    namespace = item.string("ServiceNamespace")
    if not namespace.strip():
        raise item.error("ServiceNamespace", "an empty service namespace")
    actions = {}
    for tracked in item.objects("TrackedActionsLastAccessed"):
        action = tracked.string("ActionName")
        actions[action if ":" in action else f"{namespace}:{action}"] = tracked.timestamp("LastAccessedTime")
    return ServiceAccessRecord(
        namespace=namespace,
        name=item.opt_str("ServiceName"),
        last_used=item.timestamp("LastAuthenticated"),
        actions=actions,
    )


def load(source: str, value: object) -> ServiceLastAccessed:
    document = Fields(value, source)
    arn = document.opt_str("Arn")
    if arn is None:
        raise document.error("Arn", "missing: add the ARN of the principal the job was generated for")
    status = document.opt_str("JobStatus")
    if status not in (None, "COMPLETED"):
        raise InputError(
            source, f"Access Advisor job for {quote(arn)} is {quote(status)}, not COMPLETED: no usage data"
        )
    if not any(_principal_arn(arn, kind) for kind in ("user", "role", "group")):
        raise document.error("Arn", f"not the ARN of an IAM user, role or group: {quote(arn)}")
    services = readable(document.objects("ServicesLastAccessed"), _service)
    seen: set[str] = set()
    for index, service in enumerate(services):
        if service.namespace in seen:
            note_unreadable(
                source, f"ServicesLastAccessed[{index}]", f"service {quote(service.namespace)} listed twice"
            )
        seen.add(service.namespace)
    return ServiceLastAccessed(
        principal_arn=arn, job_completed=document.timestamp("JobCompletionDate"), services=services
    )


FORMAT = InputFormat(
    name="aws-service-last-accessed",
    provider=AWS,
    description="aws iam get-service-last-accessed-details (Access Advisor)",
    sniff_json=sniff,
    load=load,
)
