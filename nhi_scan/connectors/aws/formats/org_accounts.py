"""`aws organizations list-accounts`, or `list-accounts-for-parent` with the ``ParentId`` it was asked for.

The parent comes from a top-level ``ParentId`` (added by `nhi-scan collect`) or from the file name
(``accounts-for-parent-ou-ab12-cdef3456.json``).
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import id_from_name
from nhi_scan.connectors.aws.organization import OrgAccount, OrgAccountList
from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.formats import InputFormat

PARENT_ID = r"(?<![0-9a-z])(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[0-9a-z]{8,32})"


def sniff(value: object) -> bool:
    if not isinstance(value, dict) or not isinstance(value.get("Accounts"), list):
        return False
    return all(isinstance(a, dict) and "Id" in a and ("Email" in a or "JoinedMethod" in a) for a in value["Accounts"])


def load(source: str, value: object) -> OrgAccountList:
    document = Fields(value, source)
    parent = document.opt_str("ParentId")
    if parent is None and "parent" in source.lower():
        parent = id_from_name(source, PARENT_ID)
    accounts = tuple(
        OrgAccount(account_id=item.string("Id"), name=item.opt_str("Name"), status=item.opt_str("Status"))
        for item in document.objects("Accounts")
    )
    return OrgAccountList(parent=parent, accounts=accounts)


FORMAT = InputFormat(
    name="aws-org-accounts",
    provider=AWS,
    description="aws organizations list-accounts / list-accounts-for-parent",
    sniff_json=sniff,
    load=load,
)
