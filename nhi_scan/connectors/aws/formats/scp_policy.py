"""`aws organizations describe-policy` of a service control policy: its document (``Content``, JSON text)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.organization import ScpDocument
from nhi_scan.connectors.aws.policy_shape import checked
from nhi_scan.connectors.fields import Fields, decode_policy_document
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Policy"), dict):
        return False
    summary = value["Policy"].get("PolicySummary")
    return isinstance(summary, dict) and summary.get("Type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"


def load(source: str, value: object) -> ScpDocument:
    policy = Fields(value, source).obj("Policy")
    assert policy is not None  # sniffed
    summary = policy.obj("PolicySummary")
    if summary is None:
        raise policy.error("PolicySummary", "missing required field")
    content = policy.raw.get("Content")
    if content is None:
        raise policy.error("Content", "missing policy document")
    return ScpDocument(
        policy_id=summary.string("Id"),
        arn=summary.opt_str("Arn") or summary.string("Id"),
        name=summary.opt_str("Name") or summary.string("Id"),
        document=checked(decode_policy_document(content, source, "Policy.Content"), source, "Policy.Content", scp=True),
        aws_managed=bool(summary.opt_bool("AwsManaged")),
    )


FORMAT = InputFormat(
    name="aws-scp",
    provider=AWS,
    description="aws organizations describe-policy (service control policy)",
    sniff_json=sniff,
    load=load,
)
