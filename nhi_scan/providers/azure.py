"""The Azure / Microsoft Entra provider plug-in: Microsoft Graph and Azure Resource Manager exports (and AzureHound
output), Entra directory roles, Graph permissions, ownership and Azure RBAC, the escalation methods of
``escalation/azure``, and the Azure checks.

Its parts live along the package's layers (``connectors/azure``, ``policy/azure``, ``escalation/azure``,
``checks/azure``); this module joins them to the seam, importing them lazily."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from nhi_scan.connectors.azure import AZURE
from nhi_scan.connectors.azure.live import COLLECTOR
from nhi_scan.connectors.azure.secret_shapes import SHAPES as SECRET_SHAPES
from nhi_scan.connectors.formats import InputFormat, formats_in
from nhi_scan.connectors.loader import LoadedDocument
from nhi_scan.model import Inventory, IssuedToken
from nhi_scan.plugin import AnalysisRequest, ParseOptions, ProviderAnalysis, ProviderPlugin


def _formats() -> Sequence[InputFormat]:
    return formats_in("nhi_scan.connectors.azure.formats")


def _parse(documents: Sequence[LoadedDocument], options: ParseOptions) -> Inventory:
    from nhi_scan.connectors.azure.parse import parse

    return parse(documents, owner_tag_keys=options.owner_tag_keys)


def _analyse(request: AnalysisRequest) -> ProviderAnalysis:
    from nhi_scan.escalation.azure.build import build_azure

    return build_azure(request.graph, request.inventory, request.now, permissions_known=request.permissions_known)


def _input_warnings(kinds: frozenset[str]) -> list[str]:
    azure = {k for k in kinds if k.startswith("azure-")}
    if not azure or "azure-azurehound" in azure:
        return []
    warnings = []
    if not azure & {"azure-graph-service-principals", "azure-graph-applications"}:
        warnings.append("no Entra applications or service principals given (az ad sp list --all; az ad app list --all)")
    if "azure-arm-role-assignments" not in azure:
        warnings.append(
            "no Azure role assignments given: RBAC paths are unknown "
            "(az role assignment list --all --include-inherited)"
        )
    if "azure-graph-role-assignments" not in azure:
        warnings.append(
            "no Entra directory role assignments given (az rest --url .../roleManagement/directory/roleAssignments)"
        )
    return warnings


def _issued_tokens(inventory: Inventory) -> Iterable[IssuedToken]:
    from nhi_scan.connectors.azure.tokens import issued_tokens

    return issued_tokens(inventory)


REMEDIATION = {
    "admin-identity": (
        "Remove the directory role, Microsoft Graph application permission or Azure role that makes it admin "
        "(Global Administrator, RoleManagement.ReadWrite.Directory, AppRoleAssignment.ReadWrite.All, Owner / User "
        "Access Administrator); give the workload the least privileged role on the scope it needs."
    ),
    "privilege-escalation": (
        "Break the first hop: remove the ownership, the Application Administrator assignment (or scope it to one "
        "application), the Graph permission, or the Azure role on the resource it names."
    ),
    "lateral-movement": (
        "Check that each listed identity is meant to be reachable; remove owners that need not be owners, scope "
        "application roles to single applications, and give resources their own managed identities."
    ),
    "credential-not-rotated": (
        "Replace the client secret with a certificate, a federated identity credential or a managed identity; if a "
        "secret must stay, rotate it (az ad app credential reset) and shorten its lifetime."
    ),
    "credential-unused": "Remove the unused credential (az ad app credential delete --id APP --key-id KEY_ID).",
    "identity-unused": "Disable the service principal (accountEnabled false), wait for complaints, then delete it.",
    "missing-owner": "Add an owner to the application and its service principal (az ad app owner add).",
}

SCAN_HELP = """Azure:

  nhi-scan scan azure-export/                         (Graph and ARM JSON, or AzureHound output)
  nhi-scan scan --azure                               (live: the credentials' tenant, every subscription)
  nhi-scan scan --azure --tenant contoso.onmicrosoft.com --subscription SUB_ID"""

PROVIDER = ProviderPlugin(
    id=AZURE,
    display_name="Azure",
    formats=_formats,
    parse=_parse,
    analyse=_analyse,
    input_warnings=_input_warnings,
    checks_package="nhi_scan.checks.azure",
    remediation=REMEDIATION,
    live=COLLECTOR,
    scan_help=SCAN_HELP,
    issued_tokens=_issued_tokens,
    secret_shapes=SECRET_SHAPES,
)
