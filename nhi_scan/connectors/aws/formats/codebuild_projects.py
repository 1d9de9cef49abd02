"""`aws codebuild batch-get-projects` (answers merged): each build runs as the project's ``serviceRole``."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import lower_tags
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("projects"), list):
        return False
    return "projectsNotFound" in value or all(isinstance(p, dict) and "serviceRole" in p for p in value["projects"])


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    records = []
    for item in document.objects("projects"):
        arn = item.string("arn")
        records.append(
            WorkloadRecord(
                id=arn,
                kind="codebuild-project",
                service="codebuild",
                name=item.opt_str("name") or arn.rsplit("/", 1)[-1],
                role=item.opt_str("serviceRole"),
                account=arn_account(arn),
                region=arn_region(arn),
                tags=lower_tags(item),
            )
        )
    return WorkloadList(kind="codebuild-project", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-codebuild-projects",
    provider=AWS,
    description="aws codebuild batch-get-projects",
    sniff_json=sniff,
    load=load,
)
