"""`aws glue get-dev-endpoints`: a development endpoint runs as its ``RoleArn`` (and anyone with SSH access to it)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats.glue_jobs import glue_arn
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("DevEndpoints"), list)


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    region = document.opt_str("Region")
    records = []
    for item in document.objects("DevEndpoints"):
        name = item.string("EndpointName")
        role = item.opt_str("RoleArn")
        account = document.opt_str("Account") or (arn_account(role) if role else None)
        records.append(
            WorkloadRecord(
                id=glue_arn(role, region, account, f"devEndpoint/{name}"),
                kind="glue-dev-endpoint",
                service="glue",
                name=name,
                role=role,
                account=account,
                region=region,
                attributes={"status": item.opt_str("Status")},
            )
        )
    return WorkloadList(kind="glue-dev-endpoint", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-glue-dev-endpoints",
    provider=AWS,
    description="aws glue get-dev-endpoints",
    sniff_json=sniff,
    load=load,
)
