"""`aws organizations list-roots`: the top of the OU tree (SCPs attached there apply to every account)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.organization import OrgRootList
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Roots"), list)


def load(source: str, value: object) -> OrgRootList:
    return OrgRootList(roots=tuple(item.string("Id") for item in Fields(value, source).objects("Roots")))


FORMAT = InputFormat(
    name="aws-org-roots",
    provider=AWS,
    description="aws organizations list-roots",
    sniff_json=sniff,
    load=load,
)
