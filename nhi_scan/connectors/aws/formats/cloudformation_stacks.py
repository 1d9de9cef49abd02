"""`aws cloudformation describe-stacks`: a stack with a service role (``RoleARN``) deploys as that role."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Stacks"), list)


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    records = []
    for item in document.objects("Stacks"):
        stack_id = item.string("StackId")
        role = item.opt_str("RoleARN")
        status = item.opt_str("StackStatus")
        if role is None or status == "DELETE_COMPLETE":
            continue  # without a service role a stack acts with its caller's credentials
        records.append(
            WorkloadRecord(
                id=stack_id,
                kind="cloudformation-stack",
                service="cloudformation",
                name=item.opt_str("StackName") or stack_id.split("/")[1],
                role=role,
                account=arn_account(stack_id),
                region=arn_region(stack_id),
                tags=item.tags("Tags"),
                attributes={"status": status},
            )
        )
    return WorkloadList(kind="cloudformation-stack", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-cloudformation-stacks",
    provider=AWS,
    description="aws cloudformation describe-stacks",
    sniff_json=sniff,
    load=load,
)
