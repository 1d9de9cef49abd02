"""`aws bedrock-agentcore-control get-agent-runtime` answers (one, or a JSON array).

An AgentCore runtime hosts an AI agent that runs as its execution role (``roleArn``); its workload identity
(``workloadIdentityDetails``) is recorded as an attribute.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import answers, sniff_answers
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return sniff_answers(value, lambda answer: "agentRuntimeArn" in answer and "roleArn" in answer)


def load(source: str, value: object) -> WorkloadList:
    records = []
    for answer in answers(source, value):
        arn = answer.string("agentRuntimeArn")
        identity = answer.obj("workloadIdentityDetails")
        records.append(
            WorkloadRecord(
                id=arn,
                kind="agentcore-runtime",
                service="bedrock-agentcore",
                name=answer.opt_str("agentRuntimeName") or arn.rsplit("/", 1)[-1],
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
    return WorkloadList(kind="agentcore-runtime", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-agentcore-runtimes",
    provider=AWS,
    description="aws bedrock-agentcore-control get-agent-runtime",
    sniff_json=sniff,
    load=load,
)
