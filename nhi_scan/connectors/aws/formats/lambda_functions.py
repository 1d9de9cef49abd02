"""`aws lambda list-functions`: each function runs as its execution role (``Role``)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Functions"), list):
        return False
    return all(isinstance(item, dict) and "FunctionArn" in item for item in value["Functions"])


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    records = []
    for item in document.objects("Functions"):
        arn = item.string("FunctionArn")
        records.append(
            WorkloadRecord(
                id=arn,
                kind="lambda-function",
                service="lambda",
                name=item.opt_str("FunctionName") or arn.rsplit(":", 1)[-1],
                role=item.string("Role"),
                account=arn_account(arn),
                region=arn_region(arn),
                attributes={"runtime": item.opt_str("Runtime"), "package_type": item.opt_str("PackageType")},
            )
        )
    return WorkloadList(kind="lambda-function", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-lambda-functions",
    provider=AWS,
    description="aws lambda list-functions",
    sniff_json=sniff,
    load=load,
)
