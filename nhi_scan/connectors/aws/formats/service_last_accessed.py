"""`aws iam get-service-last-accessed-details` (Access Advisor) for one principal.

The answer does not name the principal its job was generated for, so the file needs a top-level ``Arn``
(`nhi-scan collect` adds it). Only completed jobs carry usage; others are refused so the scan is marked incomplete.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.usage import ServiceAccessRecord, ServiceLastAccessed
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.errors import InputError


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "ServicesLastAccessed" in value


def _service(item: Fields) -> ServiceAccessRecord:
    namespace = item.string("ServiceNamespace")
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
        raise InputError(source, f"Access Advisor job for {arn} is {status}, not COMPLETED: no usage data")
    return ServiceLastAccessed(
        principal_arn=arn,
        job_completed=document.timestamp("JobCompletionDate"),
        services=tuple(_service(item) for item in document.objects("ServicesLastAccessed")),
    )


FORMAT = InputFormat(
    name="aws-service-last-accessed",
    provider=AWS,
    description="aws iam get-service-last-accessed-details (Access Advisor)",
    sniff_json=sniff,
    load=load,
)
