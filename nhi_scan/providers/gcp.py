"""The GCP provider plug-in: gcloud and Cloud Asset Inventory exports, IAM across the resource hierarchy (roles,
conditions, deny policies), the escalation methods of ``escalation/gcp``, GCP checks and live collection.

Its parts live along the package's layers (``connectors/gcp``, ``policy/gcp``, ``escalation/gcp``,
``checks/gcp``); this module joins them to the seam, importing them lazily."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nhi_scan.connectors.formats import InputFormat, formats_in
from nhi_scan.connectors.gcp import GCP
from nhi_scan.connectors.gcp.live import COLLECTOR
from nhi_scan.connectors.gcp.secret_shapes import SHAPES as SECRET_SHAPES
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import Inventory, IssuedToken
from nhi_scan.plugin import AnalysisRequest, ParseOptions, ProviderAnalysis, ProviderPlugin


def _formats() -> Sequence[InputFormat]:
    return formats_in("nhi_scan.connectors.gcp.formats")


def _parse(documents: Sequence[LoadedDocument], options: ParseOptions) -> Inventory:
    from nhi_scan.connectors.gcp.parse import parse

    return parse(documents, owner_tag_keys=options.owner_tag_keys)


def _analyse(request: AnalysisRequest) -> ProviderAnalysis:
    from nhi_scan.escalation.gcp.build import build_gcp

    return build_gcp(request.graph, request.inventory, request.now, permissions_known=request.permissions_known)


def _input_warnings(kinds: frozenset[str]) -> list[str]:
    gcp = {k for k in kinds if k.startswith("gcp-")}
    if not gcp:
        return []
    warnings = []
    whole = {"gcp-asset-export", "gcp-asset-list", "gcp-asset-iam-search"}
    if not gcp & ({"gcp-iam-policy"} | whole):
        warnings.append(
            "no GCP IAM policies given: who may do what is unknown (gcloud projects get-iam-policy, "
            "or gcloud asset search-all-iam-policies for an organisation)"
        )
    if "gcp-service-accounts" not in gcp and not gcp & {"gcp-asset-export", "gcp-asset-list"}:
        warnings.append("no GCP service account list given (gcloud iam service-accounts list)")
    if "gcp-activity" not in gcp:
        warnings.append(
            "no GCP Activity Analyzer answers given: key and service account use are unknown "
            "(gcloud policy-intelligence query-activity)"
        )
    return warnings


def _issued_tokens(inventory: Inventory) -> Iterable[IssuedToken]:
    from nhi_scan.connectors.gcp.tokens import issued_tokens

    return issued_tokens(inventory)


REMEDIATION = {
    "admin-identity": (
        "Replace basic and admin roles (roles/owner, roles/editor, roles/resourcemanager.*Admin, "
        "roles/iam.securityAdmin) with predefined roles for what the workload does, bound on the resources it "
        "needs rather than the project, folder or organization."
    ),
    "privilege-escalation": (
        "Break the first hop: remove or narrow the binding it names (bind roles/iam.serviceAccountUser and "
        "roles/iam.serviceAccountTokenCreator on the one service account needed, not on the project), or add an "
        "IAM deny policy for the permission."
    ),
    "lateral-movement": (
        "Check that each listed service account is meant to be reachable; bind impersonation roles "
        "(roles/iam.serviceAccountTokenCreator, roles/iam.serviceAccountUser) on single service accounts, never on "
        "projects or folders."
    ),
    "credential-not-rotated": (
        "Rotate the key (gcloud iam service-accounts keys create, switch consumers, then keys delete), or better "
        "replace it with workload identity federation or an attached service account; enforce "
        "iam.disableServiceAccountKeyCreation."
    ),
    "credential-unused": "Disable the unused key (gcloud iam service-accounts keys disable), then delete it.",
    "identity-unused": (
        "Disable the service account (gcloud iam service-accounts disable), wait for complaints, then delete it."
    ),
    "missing-owner": "Write its owner into the service account's description (e.g. owner=team-payments).",
}

SCAN_HELP = """GCP:

  nhi-scan scan gcp-export/                           (gcloud JSON in the layout `collect gcp` writes)

  nhi-scan scan assets.ndjson search-all-iam-policies.json   (Cloud Asset Inventory of an organisation)"""

PROVIDER = ProviderPlugin(
    id=GCP,
    display_name="GCP",
    formats=_formats,
    parse=_parse,
    analyse=_analyse,
    input_warnings=_input_warnings,
    checks_package="nhi_scan.checks.gcp",
    remediation=REMEDIATION,
    live=COLLECTOR,
    scan_help=SCAN_HELP,
    issued_tokens=_issued_tokens,
    secret_shapes=SECRET_SHAPES,
)
