"""The AWS live collector behind `scan --aws` and `collect aws` (read-only calls; see ``fetch``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from nhi_scan.errors import NhiScanError, UsageError
from nhi_scan.plugin import CollectUi, LiveCollector, LiveOption

DEFAULT_ROLE_NAME = "OrganizationAccountAccessRole"

OPTIONS = (
    LiveOption(
        name="org",
        flags=("--org",),
        help="With --aws: every account of the AWS Organization.",
        type=bool,
        default=False,
    ),
    LiveOption(name="profile", flags=("--profile",), help="With --aws: AWS profile."),
    LiveOption(
        name="region",
        flags=("--region",),
        help="With --aws: region for workloads (repeat; default: every enabled region).",
        type=list[str],
    ),
    LiveOption(
        name="role_name",
        flags=("--role-name",),
        help="With --org: role assumed in each member account.",
        default=DEFAULT_ROLE_NAME,
    ),
)


def check_regions(regions: Sequence[str] | None) -> tuple[str, ...]:
    values = tuple(part.strip() for value in regions or () for part in value.split(",") if part.strip())
    if "all" in values and len(values) > 1:
        raise UsageError("--region all cannot be combined with other regions")
    return values


class _AccountUi:
    """Names each scope "account N" on the generic progress display."""

    def __init__(self, ui: CollectUi) -> None:
        self._ui = ui

    def phase(self, account: str, text: str) -> None:
        self._ui.phase(f"account {account}", text)

    def finished(self, account: str, text: str, ok: bool) -> None:
        self._ui.finished(f"account {account}", text, ok)

    def warn(self, text: str) -> None:
        self._ui.warn(text)


def collect(out: Path, values: Mapping[str, Any], ui: CollectUi) -> bool:
    """Collect into ``out``; True when everything was collected. NhiScanError when nothing usable was."""
    from nhi_scan.connectors.aws.fetch import FetchOptions
    from nhi_scan.connectors.aws.fetch import collect as fetch

    options = FetchOptions(
        profile=values.get("profile"),
        regions=check_regions(values.get("region")),
        org=bool(values.get("org")),
        role_name=values.get("role_name") or DEFAULT_ROLE_NAME,
        account_workers=int(values.get("workers") or 4),
        access_advisor=values.get("access_advisor", True) is not False,
        workloads=values.get("workloads", True) is not False,
    )
    result = fetch(out, options, _AccountUi(ui))
    if len(result.failed_accounts) == len(result.accounts):
        reasons = "; ".join(f.line() for f in result.failures[:3])
        raise NhiScanError(f"no AWS account could be collected: {reasons}")
    return result.complete


def validate(values: Mapping[str, Any], enabled: bool) -> None:
    check_regions(values.get("region"))
    if values.get("org") and not enabled:
        raise UsageError("--org needs --aws (or use nhi-scan collect aws --org)")


def _register_collect(app: Any) -> None:
    from nhi_scan.connectors.aws.cli import register

    register(app)


COLLECTOR = LiveCollector(
    help="Scan AWS live (read-only calls) instead of exports.",
    options=OPTIONS,
    collect=collect,
    validate=validate,
    register_collect=_register_collect,
)
