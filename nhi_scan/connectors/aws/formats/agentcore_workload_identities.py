"""`aws bedrock-agentcore-control list-workload-identities`: the identities of AI agents themselves.

`nhi-scan collect` adds each identity's ``tags`` (from list-tags-for-resource) so owners are known.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import map_tags
from nhi_scan.connectors.aws.workloads import AgentIdentityList, AgentIdentityRecord, arn_account
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat
from nhi_scan.redact import quote


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("workloadIdentities"), list)


def load(source: str, value: object) -> AgentIdentityList:
    document = Fields(value, source)
    records = []
    for item in document.objects("workloadIdentities"):
        arn = item.string("workloadIdentityArn")
        account = arn_account(arn)
        if account is None:
            raise item.error("workloadIdentityArn", f"not an ARN with an account: {quote(arn)}")
        records.append(
            AgentIdentityRecord(
                arn=arn,
                name=item.opt_str("name") or arn.rsplit("/", 1)[-1],
                account=account,
                created=item.timestamp("createdTime"),
                tags=map_tags(item),
            )
        )
    return AgentIdentityList(identities=tuple(records))


FORMAT = InputFormat(
    name="aws-agentcore-workload-identities",
    provider=AWS,
    description="aws bedrock-agentcore-control list-workload-identities",
    sniff_json=sniff,
    load=load,
)
