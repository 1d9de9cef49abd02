"""`aws bedrock-agent get-agent` answers (one, or a JSON array): an agent runs as its ``agentResourceRoleArn``."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import answers, sniff_answers
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return sniff_answers(value, lambda answer: isinstance(answer.get("agent"), dict))


def load(source: str, value: object) -> WorkloadList:
    records = []
    for answer in answers(source, value):
        agent = answer.obj("agent")
        if agent is None:
            raise answer.error("agent", "missing required field")
        arn = agent.string("agentArn")
        records.append(
            WorkloadRecord(
                id=arn,
                kind="bedrock-agent",
                service="bedrock",
                name=agent.opt_str("agentName") or arn.rsplit("/", 1)[-1],
                role=agent.opt_str("agentResourceRoleArn"),
                account=arn_account(arn),
                region=arn_region(arn),
                attributes={"status": agent.opt_str("agentStatus"), "model": agent.opt_str("foundationModel")},
                agent=True,
            )
        )
    return WorkloadList(kind="bedrock-agent", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-bedrock-agents",
    provider=AWS,
    description="aws bedrock-agent get-agent",
    sniff_json=sniff,
    load=load,
)
