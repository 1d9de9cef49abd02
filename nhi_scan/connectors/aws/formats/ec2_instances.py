"""`aws ec2 describe-instances`: instances with an instance profile run as its role."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import region_of_zone
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat

_GONE = frozenset({"terminated", "shutting-down"})


def sniff(value: object) -> bool:
    return isinstance(value, dict) and "Reservations" in value


def _instance(item: Fields, owner: str | None, region_hint: str | None) -> WorkloadRecord | None:
    instance_id = item.string("InstanceId")
    state = item.obj("State")
    state_name = state.opt_str("Name") if state else None
    profile = item.obj("IamInstanceProfile")
    profile_arn = profile.opt_str("Arn") if profile else None
    if profile_arn is None or state_name in _GONE:
        return None
    placement = item.obj("Placement")
    region = region_of_zone(placement.opt_str("AvailabilityZone") if placement else None) or region_hint
    account = owner or arn_account(profile_arn)
    partition = profile_arn.split(":")[1] if profile_arn.count(":") > 1 else "aws"
    tags = item.tags("Tags")
    metadata = item.obj("MetadataOptions")
    tokens = metadata.opt_str("HttpTokens") if metadata else None
    return WorkloadRecord(
        id=f"arn:{partition}:ec2:{region or ''}:{account or ''}:instance/{instance_id}",
        kind="ec2-instance",
        service="ec2",
        name=tags.get("Name") or instance_id,
        role=None,
        instance_profile=profile_arn,
        account=account,
        region=region,
        tags=tags,
        attributes={"instance_id": instance_id, "state": state_name, "imdsv1_allowed": tokens == "optional"},
    )


def load(source: str, value: object) -> WorkloadList:
    document = Fields(value, source)
    region_hint = document.opt_str("Region")
    records = []
    for reservation in document.objects("Reservations"):
        owner = reservation.opt_str("OwnerId")
        for item in reservation.objects("Instances"):
            record = _instance(item, owner, region_hint)
            if record is not None:
                records.append(record)
    return WorkloadList(kind="ec2-instance", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-ec2-instances",
    provider=AWS,
    description="aws ec2 describe-instances",
    sniff_json=sniff,
    load=load,
)
