"""`aws iam list-instance-profiles`: which role each instance profile hands to EC2 instances."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.workloads import InstanceProfileList
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("InstanceProfiles"), list)


def load(source: str, value: object) -> InstanceProfileList:
    document = Fields(value, source)
    profiles = {
        item.string("Arn"): tuple(role.string("Arn") for role in item.objects("Roles"))
        for item in document.objects("InstanceProfiles")
    }
    return InstanceProfileList(roles_by_profile=profiles)


FORMAT = InputFormat(
    name="aws-instance-profiles",
    provider=AWS,
    description="aws iam list-instance-profiles",
    sniff_json=sniff,
    load=load,
)
