"""`aws organizations list-organizational-units-for-parent` with the ``ParentId`` it was asked for.

The parent comes from a top-level ``ParentId`` (added by `nhi-scan collect`) or from the file name.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import id_from_name
from nhi_scan.connectors.aws.formats.org_accounts import PARENT_ID
from nhi_scan.connectors.aws.organization import OrgUnitList
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("OrganizationalUnits"), list)


def load(source: str, value: object) -> OrgUnitList:
    document = Fields(value, source)
    parent = document.opt_str("ParentId") or id_from_name(source, PARENT_ID)
    if parent is None:
        raise document.error("ParentId", "missing: add the id of the root or OU these units were listed for")
    units = {item.string("Id"): item.opt_str("Name") or "" for item in document.objects("OrganizationalUnits")}
    return OrgUnitList(parent=parent, units=units)


FORMAT = InputFormat(
    name="aws-org-units",
    provider=AWS,
    description="aws organizations list-organizational-units-for-parent",
    sniff_json=sniff,
    load=load,
)
