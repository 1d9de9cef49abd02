"""`aws glue get-jobs`: each job runs as its ``Role`` (an ARN or a bare role name).

The answer names neither account nor region; `nhi-scan collect` adds top-level ``Account`` and ``Region``.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Jobs"), list):
        return False
    return all(isinstance(job, dict) and ("Role" in job or "Command" in job) for job in value["Jobs"])


def glue_arn(role: str | None, region: str | None, account: str | None, resource: str) -> str:
    partition = role.split(":")[1] if role and role.startswith("arn:") else "aws"
    return f"arn:{partition}:glue:{region or ''}:{account or ''}:{resource}"


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    region = document.opt_str("Region")
    records = []
    for item in document.objects("Jobs"):
        name = item.string("Name")
        role = item.opt_str("Role")
        account = document.opt_str("Account") or (arn_account(role) if role else None)
        command = item.obj("Command")
        records.append(
            WorkloadRecord(
                id=glue_arn(role, region, account, f"job/{name}"),
                kind="glue-job",
                service="glue",
                name=name,
                role=role,
                account=account,
                region=region,
                attributes={"command": command.opt_str("Name") if command else None},
            )
        )
    return WorkloadList(kind="glue-job", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-glue-jobs",
    provider=AWS,
    description="aws glue get-jobs",
    sniff_json=sniff,
    load=load,
)
