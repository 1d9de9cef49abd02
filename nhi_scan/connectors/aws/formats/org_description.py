"""`aws organizations describe-organization`: which account is the management account (SCPs skip it)."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.organization import OrgDescription
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Organization"), dict)


def load(source: str, value: object) -> OrgDescription:
    organization = Fields(value, source).obj("Organization")
    assert organization is not None  # sniffed
    return OrgDescription(org_id=organization.opt_str("Id"), management_account=organization.opt_str("MasterAccountId"))


FORMAT = InputFormat(
    name="aws-org-description",
    provider=AWS,
    description="aws organizations describe-organization",
    sniff_json=sniff,
    load=load,
)
