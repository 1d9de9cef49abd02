"""`aws organizations list-targets-for-policy` with the ``PolicyId`` it was asked for.

The policy id comes from a top-level ``PolicyId`` (added by `nhi-scan collect`) or from the file name
(``scp-targets-p-abcd1234.json``).
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import id_from_name
from nhi_scan.connectors.aws.organization import ScpTargets
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Targets"), list):
        return False
    return all(isinstance(t, dict) and "TargetId" in t for t in value["Targets"])


def load(source: str, value: object) -> ScpTargets:
    document = Fields(value, source)
    policy_id = document.opt_str("PolicyId") or id_from_name(source, r"(?<![0-9A-Za-z])p-[0-9A-Za-z_]{4,128}")
    if policy_id is None:
        raise document.error("PolicyId", "missing: add the id of the policy these targets were listed for")
    return ScpTargets(policy_id=policy_id, targets=tuple(t.string("TargetId") for t in document.objects("Targets")))


FORMAT = InputFormat(
    name="aws-scp-targets",
    provider=AWS,
    description="aws organizations list-targets-for-policy",
    sniff_json=sniff,
    load=load,
)
