"""`aws bedrock-agentcore-control get-gateway` answers (one, or a JSON array).

A gateway exposes tools to AI agents and calls its targets as its ``roleArn``: an identity agents act through.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import answers, sniff_answers
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return sniff_answers(value, lambda answer: "gatewayArn" in answer and "gatewayId" in answer)


def load(source: str, value: object) -> WorkloadList:
    records = []
    for answer in answers(source, value):
        arn = answer.string("gatewayArn")
        identity = answer.obj("workloadIdentityDetails")
        records.append(
            WorkloadRecord(
                id=arn,
                kind="agentcore-gateway",
                service="bedrock-agentcore",
                name=answer.opt_str("name") or answer.string("gatewayId"),
                role=answer.opt_str("roleArn"),
                account=arn_account(arn),
                region=arn_region(arn),
                attributes={
                    "status": answer.opt_str("status"),
                    "workload_identity": identity.opt_str("workloadIdentityArn") if identity else None,
                },
                agent=True,
            )
        )
    return WorkloadList(kind="agentcore-gateway", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-agentcore-gateways",
    provider=AWS,
    description="aws bedrock-agentcore-control get-gateway",
    sniff_json=sniff,
    load=load,
)
