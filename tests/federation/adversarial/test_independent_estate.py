"""Federation across clouds, judged on an independent multi-cloud estate ("Acme Orbital") written from scratch in
the three clouds' own export shapes. The planted real chains must be found hop by hop; the look-alikes (trusts whose
conditions pin another subject, audience or account) must not be; odd-but-valid spellings must not change that.

An independent multi-cloud estate ("Acme Orbital"), written from scratch in the three clouds' own export shapes:
``aws iam get-account-authorization-details``, gcloud ``--format=json`` answers laid out as ``collect gcp`` lays
them out, and Microsoft Graph / az CLI JSON laid out as ``collect azure`` does. Nothing is copied from sample_data.

The estate is plain data (:class:`Estate`) that a test may change before :meth:`Estate.write` puts it on disk, so
every variant is the base estate with one thing changed. Tests marked @bug pin a scanner bug, since fixed: the
input is one the real cloud accepts and the scanner's answer was wrong (each reason says how)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from nhi_scan.engine import Analysis, analyse, run_scan
from nhi_scan.graph import Edge, EdgeKind, IdentityGraph, NodeKind
from nhi_scan.model import Finding
from nhi_scan.reach import reach_towards, reachable_from
from nhi_scan.settings import Settings
from tests.conftest import RunCli

# -- ids (none of them appears in sample_data/) ----------------------------------------------------------------------

ACCOUNT = "246813579024"
OTHER_ACCOUNT = "975318642086"
PROJECT = "orbit-core-prod"
PROJECT_NUMBER = "502938471620"
ORG = "771234509876"
TENANT = "5c2e9f14-8a3b-4d6e-9f01-7b2c4d6e8a90"
SUBSCRIPTION = "1d7a3c5e-2f4b-4a6c-8e0d-9b1a3c5e7f20"
RG = "rg-orbit-identity"

GITHUB = "token.actions.githubusercontent.com"
GITHUB_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
ENTRA_V1 = f"sts.windows.net/{TENANT}/"
ENTRA_V2 = f"login.microsoftonline.com/{TENANT}/v2.0"
ENTRA_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ENTRA_V1}"

# AWS roles
R1 = "gha-infra-prod"  # GitHub acme/infra env prod -> R1 -> GCP aws-landing (owner)
OTHER = "batch-reporter"  # exists; only it may reach report-sink
R3 = "entra-ops-admin"  # Entra MI id-aws-ops -> R3 (AdministratorAccess)
LA_GOOGLE = "google-pinned-nobody"  # look-alike a
LA_ENTRA = "entra-pinned-nobody"  # look-alike b
LA_FOREIGN = "foreign-github-provider"  # look-alike e
LA_FOREIGN_ENTRA = "foreign-entra-provider"  # look-alike e, with claims an estate identity does carry


def arn(role: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{role}"


def session(role: str) -> str:
    return f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}"


AWS_ADMIN = f"admin:aws:{ACCOUNT}"

# GCP service accounts: (email local part, uniqueId)
SA1 = ("aws-landing", "108273645501928374650")  # bound to R1's sessions; roles/owner on the project
SA_C = ("report-sink", "113355779911224466880")  # bound to OTHER's sessions (look-alike c)
SA2 = ("entra-sync", "104729384756102938475")  # its ID token signs in to Entra app directory-sync (Global Admin)
SA2B = ("arm-deployer", "117788990011223344556")  # its ID token signs in to managed identity id-gcp-deployer (Owner)
NOBODY_GOOGLE = "111111111111111111111"  # look-alike a: the uniqueId of no service account
OTHER_GOOGLE = "109999999999999999999"  # look-alike d: another uniqueId


def email(sa: tuple[str, str]) -> str:
    return f"{sa[0]}@{PROJECT}.iam.gserviceaccount.com"


def member(sa: tuple[str, str]) -> str:
    return f"serviceAccount:{email(sa)}"


POOL_AWS = "aws-fed"
POOL_ENTRA = "entra-fed"


def pool_name(pool: str) -> str:
    return f"projects/{PROJECT_NUMBER}/locations/global/workloadIdentityPools/{pool}"


def role_set(role: str, pool: str = POOL_AWS) -> str:
    return f"principalSet://iam.googleapis.com/{pool_name(pool)}/attribute.aws_role/{session(role)}"


# Entra objects: apps (object id, app id) and service principals (object id)
DIRSYNC_APP = ("0b7d2c91-5e44-4f0a-9a63-2d8e1f4c7a15", "c3a9e6f2-71d8-4b25-8e0c-5f1a2b3c4d61")
DIRSYNC_SP = "6f1e8d2a-3b4c-4d5e-8f60-7a8b9c0d1e2f"
LOOKALIKE_APP = ("2c4e6a8b-0d1f-4a3b-9c5d-7e9f1a3b5c70", "d4b6f8a0-2c4e-4a6b-8d0f-1b3d5f7a9c82")
LOOKALIKE_SP = "7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
WILDCARD_APP = ("3d5f7b9c-1e2a-4b4c-8d6e-8f0a2b4c6d81", "e5c7a9b1-3d5f-4b7c-9e1a-2c4e6a8b0d93")
WILDCARD_SP = "8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
MI_AWS = ("id-aws-ops", "3e8d1c4b-6a2f-4b7e-9d05-1f3a5c7e9b21", "4f9e2d5c-7b3a-4c8f-8e16-2a4b6c8d0e32")
MI_GCP = ("id-gcp-deployer", "5a0f3e6d-8c4b-4d9a-9f27-3b5c7d9e1f43", "6b1a4f7e-9d5c-4eab-8a38-4c6d8e0f2a54")
# resource apps whose identifier URIs are the audiences the AWS and GCP trusts expect (tokens are issued only for
# resources the tenant has a service principal of)
AWS_RESOURCE_APP = ("4e6f8a0b-2c4d-4e6f-8a0b-2c4d6e8f0a11", "f6d8b0c2-4e6a-4c8d-8f2b-3d5f7b9d1f22")
AWS_RESOURCE_SP = "9c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f"
GCP_RESOURCE_APP = ("5f7a9b1c-3d5e-4f7a-9b1c-3d5e7f9a1b33", "a7e9c1d3-5f7b-4d9e-9a3c-4e6a8c0e2a44")
GCP_RESOURCE_SP = "ad5e6f7a-8b9c-4dae-9f1a-3b4c5d6e7f80"
NOBODY_OID = "00000000-dead-4bef-8000-000000000001"  # look-alike b: the object id of no identity

AUTHORIZATION = f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization"
GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def sp_id(object_id: str) -> str:
    return f"servicePrincipals/{object_id}"


def mi_resource(name: str) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.ManagedIdentity/"
        f"userAssignedIdentities/{name}"
    )


# -- AWS -------------------------------------------------------------------------------------------------------------


def _role_id(name: str) -> str:
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
    return "AROA" + digest[:17]


def web_identity(
    federated: str, condition: dict[str, Any], action: str = "sts:AssumeRoleWithWebIdentity"
) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"Federated": federated}, "Action": action, "Condition": condition}


def aws_role(name: str, statements: list[dict[str, Any]], *, admin: bool = False) -> dict[str, Any]:
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": _role_id(name),
        "Arn": arn(name),
        "CreateDate": "2025-04-02T08:15:00+00:00",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        "InstanceProfileList": [],
        "RolePolicyList": []
        if admin
        else [
            {
                "PolicyName": "read-reports",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orbit-reports/*"}
                    ],
                },
            }
        ],
        "AttachedManagedPolicies": (
            [{"PolicyName": "AdministratorAccess", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]
            if admin
            else []
        ),
        "Tags": [{"Key": "owner", "Value": "orbit-platform"}],
        "RoleLastUsed": {"LastUsedDate": "2026-11-27T11:02:00+00:00", "Region": "eu-west-1"},
    }


ADMINISTRATOR_ACCESS = {
    "PolicyName": "AdministratorAccess",
    "PolicyId": "ANPAIWMBCKSKIEE64ZLYK",
    "Arn": "arn:aws:iam::aws:policy/AdministratorAccess",
    "Path": "/",
    "DefaultVersionId": "v1",
    "AttachmentCount": 1,
    "PermissionsBoundaryUsageCount": 0,
    "IsAttachable": True,
    "CreateDate": "2015-02-06T18:39:46+00:00",
    "UpdateDate": "2015-02-06T18:39:46+00:00",
    "PolicyVersionList": [
        {
            "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": "2015-02-06T18:39:46+00:00",
        }
    ],
}


def base_aws_roles() -> dict[str, dict[str, Any]]:
    gh = web_identity(
        GITHUB_PROVIDER,
        {"StringEquals": {f"{GITHUB}:sub": "repo:acme/infra:environment:prod", f"{GITHUB}:aud": "sts.amazonaws.com"}},
    )
    ec2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    entra = web_identity(
        ENTRA_PROVIDER,
        {"StringEquals": {f"{ENTRA_V1}:sub": MI_AWS[1], f"{ENTRA_V1}:aud": "api://orbit-aws-federation"}},
    )
    google_nobody = web_identity("accounts.google.com", {"StringEquals": {"accounts.google.com:aud": NOBODY_GOOGLE}})
    entra_nobody = web_identity(ENTRA_PROVIDER, {"StringEquals": {f"{ENTRA_V1}:sub": NOBODY_OID}})
    foreign = web_identity(
        f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{GITHUB}",
        {"StringEquals": {f"{GITHUB}:sub": "repo:acme/infra:environment:prod", f"{GITHUB}:aud": "sts.amazonaws.com"}},
    )
    foreign_entra = web_identity(
        f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{ENTRA_V1}", {"StringEquals": {f"{ENTRA_V1}:sub": MI_AWS[1]}}
    )
    return {
        R1: aws_role(R1, [gh]),
        OTHER: aws_role(OTHER, [ec2]),
        R3: aws_role(R3, [entra], admin=True),
        LA_GOOGLE: aws_role(LA_GOOGLE, [google_nobody], admin=True),
        LA_ENTRA: aws_role(LA_ENTRA, [entra_nobody], admin=True),
        LA_FOREIGN: aws_role(LA_FOREIGN, [foreign], admin=True),
        LA_FOREIGN_ENTRA: aws_role(LA_FOREIGN_ENTRA, [foreign_entra], admin=True),
    }


# -- GCP -------------------------------------------------------------------------------------------------------------


def service_account(sa: tuple[str, str], *, disabled: bool = False) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "displayName": sa[0].replace("-", " "),
        "email": email(sa),
        "etag": "MDEwMjE5MjA=",
        "name": f"projects/{PROJECT}/serviceAccounts/{email(sa)}",
        "oauth2ClientId": sa[1],
        "projectId": PROJECT,
        "uniqueId": sa[1],
    }
    if disabled:
        entry["disabled"] = True
    return entry


def aws_provider(pool: str, provider: str, account: str = ACCOUNT, **extra: Any) -> dict[str, Any]:
    return {
        "name": f"{pool_name(pool)}/providers/{provider}",
        "aws": {"accountId": account},
        "state": "ACTIVE",
        **extra,
    }


def oidc_provider(pool: str, provider: str, issuer: str, **extra: Any) -> dict[str, Any]:
    oidc = {"issuerUri": issuer, **extra.pop("oidc", {})}
    return {"name": f"{pool_name(pool)}/providers/{provider}", "oidc": oidc, "state": "ACTIVE", **extra}


def base_gcp() -> dict[str, Any]:
    return {
        "service_accounts": [service_account(s) for s in (SA1, SA_C, SA2, SA2B)],
        "project_bindings": [
            {"role": "roles/owner", "members": [member(SA1), "user:ops-lead@acme-orbital.example"]},
            {"role": "roles/bigquery.dataViewer", "members": [member(SA_C)]},
        ],
        "sa_bindings": {
            email(SA1): [{"role": "roles/iam.workloadIdentityUser", "members": [role_set(R1)]}],
            email(SA_C): [{"role": "roles/iam.workloadIdentityUser", "members": [role_set(OTHER)]}],
        },
        "pools": [
            {"name": pool_name(POOL_AWS), "displayName": "AWS", "state": "ACTIVE"},
            {"name": pool_name(POOL_ENTRA), "displayName": "Entra", "state": "ACTIVE"},
        ],
        "providers": [aws_provider(POOL_AWS, "orbit-aws")],
    }


# -- Azure -----------------------------------------------------------------------------------------------------------


def fic(
    fic_id: str, name: str, issuer: str, subject: str, audiences: tuple[str, ...] = ("api://AzureADTokenExchange",)
) -> dict[str, Any]:
    return {
        "audiences": list(audiences),
        "description": None,
        "id": fic_id,
        "issuer": issuer,
        "name": name,
        "subject": subject,
    }


def application(
    app: tuple[str, str], name: str, fics: list[dict[str, Any]], identifier_uris: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "id": app[0],
        "appId": app[1],
        "createdDateTime": "2025-06-10T09:00:00Z",
        "deletedDateTime": None,
        "displayName": name,
        "identifierUris": list(identifier_uris),
        "keyCredentials": [],
        "passwordCredentials": [],
        "publisherDomain": "acme-orbital.example",
        "requiredResourceAccess": [],
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
        "federatedIdentityCredentials": fics,
    }


def app_service_principal(object_id: str, app: tuple[str, str], name: str, *, enabled: bool = True) -> dict[str, Any]:
    return {
        "id": object_id,
        "accountEnabled": enabled,
        "alternativeNames": [],
        "appDisplayName": name,
        "appId": app[1],
        "appOwnerOrganizationId": TENANT,
        "appRoleAssignmentRequired": False,
        "appRoles": [],
        "createdDateTime": "2025-06-10T09:00:05Z",
        "deletedDateTime": None,
        "displayName": name,
        "keyCredentials": [],
        "passwordCredentials": [],
        "servicePrincipalNames": [app[1]],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
    }


def mi_service_principal(mi: tuple[str, str, str], *, enabled: bool = True) -> dict[str, Any]:
    name, object_id, client_id = mi
    return {
        "id": object_id,
        "accountEnabled": enabled,
        "alternativeNames": ["isExplicit=True", mi_resource(name)],
        "appDisplayName": None,
        "appId": client_id,
        "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
        "appRoleAssignmentRequired": False,
        "appRoles": [],
        "createdDateTime": "2025-07-01T10:00:00Z",
        "deletedDateTime": None,
        "displayName": name,
        "keyCredentials": [],
        "passwordCredentials": [],
        "servicePrincipalNames": [client_id, f"https://identity.azure.net/{base64.b64encode(name.encode()).decode()}"],
        "servicePrincipalType": "ManagedIdentity",
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "owners": [],
    }


def user_assigned_identity(mi: tuple[str, str, str]) -> dict[str, Any]:
    name, object_id, client_id = mi
    return {
        "clientId": client_id,
        "id": mi_resource(name),
        "location": "northeurope",
        "name": name,
        "principalId": object_id,
        "resourceGroup": RG,
        "systemData": None,
        "tags": {"owner": "orbit-platform"},
        "tenantId": TENANT,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
    }


def mi_fic(mi: tuple[str, str, str], name: str, issuer: str, subject: str) -> dict[str, Any]:
    return {
        "audiences": ["api://AzureADTokenExchange"],
        "id": f"{mi_resource(mi[0])}/federatedIdentityCredentials/{name}",
        "issuer": issuer,
        "name": name,
        "resourceGroup": RG,
        "subject": subject,
        "systemData": None,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    }


def directory_role(principal: str, definition: str = GLOBAL_ADMIN) -> dict[str, Any]:
    digest = hashlib.sha256(f"{principal}{definition}".encode()).hexdigest()[:30]
    return {"directoryScopeId": "/", "id": f"dra-{digest}", "principalId": principal, "roleDefinitionId": definition}


def rbac(principal: str, role_guid: str = OWNER_ROLE, name: str = "Owner") -> dict[str, Any]:
    digest = hashlib.sha256(f"{principal}{role_guid}".encode()).hexdigest()
    guid = f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
    return {
        "condition": None,
        "conditionVersion": None,
        "id": f"{AUTHORIZATION}/roleAssignments/{guid}",
        "name": guid,
        "principalId": principal,
        "principalType": "ServicePrincipal",
        "roleDefinitionId": f"{AUTHORIZATION}/roleDefinitions/{role_guid}",
        "roleDefinitionName": name,
        "scope": f"/subscriptions/{SUBSCRIPTION}",
        "type": "Microsoft.Authorization/roleAssignments",
    }


def base_azure() -> dict[str, Any]:
    google = "https://accounts.google.com"
    return {
        "applications": [
            application(
                DIRSYNC_APP, "directory-sync", [fic("9c1d2e3f-0000-4a00-8000-00000000a001", "from-gcp", google, SA2[1])]
            ),
            application(
                LOOKALIKE_APP,
                "gcp-lookalike-app",
                [fic("9c1d2e3f-0000-4a00-8000-00000000a002", "from-gcp-old", google, OTHER_GOOGLE)],
            ),
            application(
                WILDCARD_APP,
                "gha-wildcard-app",
                [fic("9c1d2e3f-0000-4a00-8000-00000000a003", "acme-any", f"https://{GITHUB}", "repo:acme/*")],
            ),
            application(AWS_RESOURCE_APP, "aws-federation", [], ("api://orbit-aws-federation",)),
            application(GCP_RESOURCE_APP, "gcp-federation", [], ("api://orbit-gcp",)),
        ],
        "service_principals": [
            app_service_principal(DIRSYNC_SP, DIRSYNC_APP, "directory-sync"),
            app_service_principal(LOOKALIKE_SP, LOOKALIKE_APP, "gcp-lookalike-app"),
            app_service_principal(WILDCARD_SP, WILDCARD_APP, "gha-wildcard-app"),
            mi_service_principal(MI_AWS),
            mi_service_principal(MI_GCP),
            app_service_principal(AWS_RESOURCE_SP, AWS_RESOURCE_APP, "aws-federation"),
            app_service_principal(GCP_RESOURCE_SP, GCP_RESOURCE_APP, "gcp-federation"),
        ],
        "identities": [user_assigned_identity(MI_AWS), user_assigned_identity(MI_GCP)],
        "mi_fics": {MI_GCP[0]: [mi_fic(MI_GCP, "from-gcp-arm-deployer", google, SA2B[1])]},
        "directory_roles": [directory_role(DIRSYNC_SP), directory_role(LOOKALIKE_SP)],
        "rbac": [rbac(MI_GCP[1]), rbac(WILDCARD_SP)],
    }


# -- the estate ------------------------------------------------------------------------------------------------------


@dataclass
class Estate:
    aws_roles: dict[str, dict[str, Any]] = field(default_factory=base_aws_roles)
    gcp: dict[str, Any] = field(default_factory=base_gcp)
    azure: dict[str, Any] = field(default_factory=base_azure)

    def copy(self) -> Estate:
        return copy.deepcopy(self)

    def write(self, root: Path) -> Path:
        self._write_aws(root / "aws")
        self._write_gcp(root / "gcp")
        self._write_azure(root / "azure")
        return root

    def _write_aws(self, root: Path) -> None:
        authz = {
            "UserDetailList": [],
            "GroupDetailList": [],
            "RoleDetailList": list(self.aws_roles.values()),
            "Policies": [ADMINISTRATOR_ACCESS],
            "IsTruncated": False,
        }
        _dump(root / "authz.json", authz)

    def _write_gcp(self, root: Path) -> None:
        g = self.gcp
        _dump(
            root / "projects.json",
            [
                {
                    "createTime": "2022-01-18T09:30:00.000Z",
                    "labels": {"env": "prod"},
                    "lifecycleState": "ACTIVE",
                    "name": PROJECT,
                    "parent": {"id": ORG, "type": "organization"},
                    "projectId": PROJECT,
                    "projectNumber": PROJECT_NUMBER,
                }
            ],
        )
        project = root / "projects" / PROJECT
        _dump(project / "service-accounts.json", g["service_accounts"])
        _dump(project / "iam-policy.json", {"bindings": g["project_bindings"], "etag": "BwYz1Qx0abc=", "version": 1})
        for sa_email, bindings in g["sa_bindings"].items():
            _dump(
                project / "service-accounts" / sa_email / "iam-policy.json",
                {"bindings": bindings, "etag": "BwYz1Qx0def=", "version": 1},
            )
        _dump(project / "workload-identity-pools.json", g["pools"])
        _dump(project / "workload-identity-providers.json", g["providers"])

    def _write_azure(self, root: Path) -> None:
        a = self.azure
        graph = root / "graph"
        base = "https://graph.microsoft.com/v1.0/$metadata#"
        _dump(
            graph / "organization.json",
            {
                "@odata.context": f"{base}organization",
                "value": [
                    {
                        "id": TENANT,
                        "displayName": "Acme Orbital",
                        "tenantType": "AAD",
                        "verifiedDomains": [
                            {"isDefault": True, "isInitial": False, "name": "acme-orbital.example", "type": "Managed"},
                            {
                                "isDefault": False,
                                "isInitial": True,
                                "name": "acmeorbital.onmicrosoft.com",
                                "type": "Managed",
                            },
                        ],
                    }
                ],
            },
        )
        _dump(graph / "applications.json", {"@odata.context": f"{base}applications", "value": a["applications"]})
        _dump(
            graph / "servicePrincipals.json",
            {"@odata.context": f"{base}servicePrincipals", "value": a["service_principals"]},
        )
        _dump(
            graph / "roleDefinitions.json",
            {
                "@odata.context": f"{base}roleManagement/directory/roleDefinitions",
                "value": [
                    {
                        "description": "Can manage all aspects of Microsoft Entra ID.",
                        "displayName": "Global Administrator",
                        "id": GLOBAL_ADMIN,
                        "isBuiltIn": True,
                        "isPrivileged": True,
                        "templateId": GLOBAL_ADMIN,
                    }
                ],
            },
        )
        _dump(
            graph / "roleAssignments.json",
            {"@odata.context": f"{base}roleManagement/directory/roleAssignments", "value": a["directory_roles"]},
        )
        arm = root / "arm"
        _dump(
            arm / "subscriptions.json",
            [
                {
                    "cloudName": "AzureCloud",
                    "homeTenantId": TENANT,
                    "id": SUBSCRIPTION,
                    "isDefault": True,
                    "managedByTenants": [],
                    "name": "orbit-prod",
                    "state": "Enabled",
                    "tenantId": TENANT,
                    "user": {"name": "ops-lead@acme-orbital.example", "type": "user"},
                }
            ],
        )
        sub = arm / "subscriptions" / SUBSCRIPTION
        _dump(sub / "roleAssignments.json", a["rbac"])
        _dump(sub / "roleDefinitions.json", [])
        _dump(
            sub / "resourceGroups.json",
            [
                {
                    "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}",
                    "location": "northeurope",
                    "managedBy": None,
                    "name": RG,
                    "properties": {"provisioningState": "Succeeded"},
                    "tags": {},
                    "type": "Microsoft.Resources/resourceGroups",
                }
            ],
        )
        _dump(sub / "identities.json", a["identities"])
        for name, credentials in a["mi_fics"].items():
            _dump(sub / "identities" / name / "federatedCredentials.json", credentials)


def _dump(path: Path, document: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


# -- running the scanner ---------------------------------------------------------------------------------------------

NOW = datetime(2026, 11, 29, tzinfo=UTC)
GCP_ADMIN = f"admin:gcp:projects/{PROJECT}"
TENANT_ADMIN = f"admin:azure:tenants/{TENANT}"
SUB_ADMIN = f"admin:azure:/subscriptions/{SUBSCRIPTION}"
ESTATE_CLOUDS = ("aws", "gcp", "azure")


def graph_of(tmp: Path, estate: Estate) -> IdentityGraph:
    return analyse([estate.write(tmp)], settings=Settings(), now=NOW).graph


def findings_of(root: Path) -> tuple[Finding, ...]:
    return run_scan([root], now=NOW).findings


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Estate().write(tmp_path_factory.mktemp("acme-orbital"))


@pytest.fixture(scope="module")
def estate(root: Path) -> Analysis:
    return analyse([root], settings=Settings(), now=NOW)


@pytest.fixture(scope="module")
def findings(root: Path) -> tuple[Finding, ...]:
    return findings_of(root)


def federations(graph: IdentityGraph) -> list[Edge]:
    return [e for n in list(graph.nx.nodes) for e in graph.edges_from(n) if e.kind is EdgeKind.FEDERATES]


def federates(graph: IdentityGraph, source: str) -> set[str]:
    return {e.target for e in graph.edges_from(source) if e.kind is EdgeKind.FEDERATES}


def federated_into(graph: IdentityGraph, target: str) -> set[str]:
    return {e.source for e in graph.edges_to(target) if e.kind is EdgeKind.FEDERATES}


def edge(graph: IdentityGraph, source: str, target: str) -> Edge:
    [found] = [e for e in graph.edges_from(source) if e.target == target and e.kind is EdgeKind.FEDERATES]
    return found


def identities_reaching(graph: IdentityGraph, goal: str) -> set[str]:
    """Every estate identity with a path (certain or conditional) to ``goal``, through any hub."""
    return {n for n in reach_towards(graph, [goal], allow_conditional=True).first_edge if graph.identity(n)}


def entry_into(graph: IdentityGraph, target: str) -> list[str]:
    return [n for n in federated_into(graph, target) if n.startswith("issuer:")]


def cloud(graph: IdentityGraph, node: str) -> str:
    identity = graph.identity(node)
    return str(identity.provider) if identity else ""


def about(findings: tuple[Finding, ...], check: str, node: str) -> list[Finding]:
    """Findings of ``check`` whose subject is ``node`` or whose path passes through it."""
    return [f for f in findings if f.check_id == check and (f.subject == node or any(h.target == node for h in f.path))]


# -- the planted chains ----------------------------------------------------------------------------------------------


def test_chain_1_github_environment_to_aws_role_to_gcp_owner(estate: Analysis) -> None:
    graph = estate.graph
    [entry] = entry_into(graph, arn(R1))
    assert graph.node_kind(entry) is NodeKind.ISSUER
    assert graph.label(entry) == "a workflow of repository acme/infra deploying to environment prod"
    hop1 = edge(graph, entry, arn(R1))
    assert "trust policy statement 0 of role gha-infra-prod" in hop1.reason
    assert "sub = repo:acme/infra:environment:prod" in hop1.reason and GITHUB in hop1.reason
    hop2 = edge(graph, arn(R1), member(SA1))
    assert f"aws_role = {session(R1)}" in hop2.reason
    assert "roles/iam.workloadIdentityUser" in hop2.reason and "provider orbit-aws" in hop2.reason
    assert f"aws-account/{ACCOUNT}" in hop2.reason
    assert not hop1.conditional and not hop2.conditional
    path = reachable_from(graph, entry)[GCP_ADMIN]
    assert [e.target for e in path] == [arn(R1), member(SA1), GCP_ADMIN]
    towards = reach_towards(graph, [GCP_ADMIN], allow_conditional=False)
    assert [e.target for e in towards.path(entry)] == [arn(R1), member(SA1), GCP_ADMIN]
    assert [cloud(graph, e.target) for e in path[:-1]] == ["aws", "gcp"]


def test_chain_1_findings(findings: tuple[Finding, ...]) -> None:
    [entry] = [f for f in findings if f.check_id == "external-entry-point" and "acme/infra" in f.message]
    assert entry.severity.label == "critical"
    assert entry.evidence["clouds"] == ["aws", "gcp"]
    assert [h.target for h in entry.path] == [arn(R1), member(SA1), GCP_ADMIN]
    assert "across aws → gcp" in entry.message
    [escalation] = [f for f in findings if f.check_id == "privilege-escalation" and f.subject == arn(R1)]
    assert [h.target for h in escalation.path] == [member(SA1), GCP_ADMIN]
    assert escalation.path[0].edge == "FEDERATES" and session(R1) in escalation.path[0].reason


def test_chain_2_gcp_service_account_to_entra_global_administrator(
    estate: Analysis, findings: tuple[Finding, ...]
) -> None:
    graph = estate.graph
    assert federated_into(graph, sp_id(DIRSYNC_SP)) == {member(SA2)}  # pinned: no outsider, nobody else
    hop = edge(graph, member(SA2), sp_id(DIRSYNC_SP))
    assert f"sub = {SA2[1]}" in hop.reason and "federated identity credential from-gcp" in hop.reason
    assert "accounts.google.com" in hop.reason and not hop.conditional
    path = reachable_from(graph, member(SA2))[TENANT_ADMIN]
    assert [e.target for e in path] == [sp_id(DIRSYNC_SP), TENANT_ADMIN]
    assert "Global Administrator" in path[-1].reason
    assert [cloud(graph, n) for n in (member(SA2), sp_id(DIRSYNC_SP))] == ["gcp", "azure"]
    [escalation] = [f for f in findings if f.check_id == "privilege-escalation" and f.subject == member(SA2)]
    assert [h.target for h in escalation.path] == [sp_id(DIRSYNC_SP), TENANT_ADMIN]
    assert "Global Administrator" in escalation.message


def test_chain_2b_gcp_service_account_to_managed_identity_owning_the_subscription(
    estate: Analysis, findings: tuple[Finding, ...]
) -> None:
    graph = estate.graph
    assert federated_into(graph, sp_id(MI_GCP[1])) == {member(SA2B)}
    hop = edge(graph, member(SA2B), sp_id(MI_GCP[1]))
    assert f"sub = {SA2B[1]}" in hop.reason and "from-gcp-arm-deployer of the managed identity" in hop.reason
    path = reach_towards(graph, [SUB_ADMIN], allow_conditional=False).path(member(SA2B))
    assert [e.target for e in path] == [sp_id(MI_GCP[1]), SUB_ADMIN]
    [escalation] = [f for f in findings if f.check_id == "privilege-escalation" and f.subject == member(SA2B)]
    assert [h.target for h in escalation.path] == [sp_id(MI_GCP[1]), SUB_ADMIN]


def test_chain_3_managed_identity_to_aws_administrator(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    mi = sp_id(MI_AWS[1])
    identity = graph.identity(mi)
    assert identity is not None and identity.kind.value == "managed-identity"
    assert federated_into(graph, arn(R3)) == {mi}
    hop = edge(graph, mi, arn(R3))
    assert f"sub = {MI_AWS[1]}" in hop.reason and f"sts.windows.net/{TENANT}" in hop.reason
    assert "trust policy statement 0 of role entra-ops-admin" in hop.reason and not hop.conditional
    assert [e.target for e in reachable_from(graph, mi)[AWS_ADMIN]] == [arn(R3), AWS_ADMIN]
    assert identities_reaching(graph, arn(R3)) == {mi}
    [escalation] = [f for f in findings if f.check_id == "privilege-escalation" and f.subject == mi]
    assert [h.target for h in escalation.path] == [arn(R3), AWS_ADMIN]


@pytest.mark.parametrize(
    ("start", "clouds", "hops"),
    [
        (sp_id(MI_AWS[1]), ["azure", "aws"], [("azure", "aws")]),
        (member(SA2), ["gcp", "azure"], [("gcp", "azure")]),
        (arn(R1), ["aws", "gcp"], [("aws", "gcp")]),
    ],
)
def test_paths_cli_tags_the_clouds_of_each_hop(
    root: Path, run_cli: RunCli, start: str, clouds: list[str], hops: list[tuple[str, str]]
) -> None:
    result = run_cli("paths", root, "--from", start, "-f", "json", "--now", "2026-11-29T00:00:00Z")
    assert result.returncode == 0, result.stderr
    [found] = json.loads(result.stdout)
    assert found["clouds"] == clouds and not found["conditional"]
    federated = [(h["from_cloud"], h["to_cloud"]) for h in found["path"] if h["edge"] == "FEDERATES"]
    assert federated == hops


def test_markdown_report_tags_each_hop_with_its_cloud(root: Path, run_cli: RunCli) -> None:
    result = run_cli("scan", root, "-f", "markdown", "--now", "2026-11-29T00:00:00Z")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert f"`{arn(R1)}` [aws] → `{member(SA1)}` [gcp] (FEDERATES:" in report
    assert f"`{member(SA2)}` [gcp] → `{sp_id(DIRSYNC_SP)}` [azure] (FEDERATES:" in report
    assert f"`{sp_id(MI_AWS[1])}` [azure] → `{arn(R3)}` [aws] (FEDERATES:" in report


def test_exactly_the_planted_edges_leave_estate_identities(estate: Analysis) -> None:
    graph = estate.graph
    from_identities = {(e.source, e.target) for e in federations(graph) if graph.identity(e.source)}
    assert from_identities == {
        (arn(R1), member(SA1)),
        (arn(OTHER), member(SA_C)),
        (member(SA2), sp_id(DIRSYNC_SP)),
        (member(SA2B), sp_id(MI_GCP[1])),
        (sp_id(MI_AWS[1]), arn(R3)),
    }
    assert not [e for e in federations(graph) if graph.node_kind(e.source) is NodeKind.HUB]


def test_entry_points_are_the_github_environment_and_the_two_outside_google_ids(estate: Analysis) -> None:
    graph = estate.graph
    labels = sorted(graph.label(n) for n in graph.entry_points())
    assert labels == [
        "a workflow of repository acme/infra deploying to environment prod",
        f"the Google account or service account {OTHER_GOOGLE} (not in the scanned estate)",
        f"the Google account or service account {NOBODY_GOOGLE} (not in the scanned estate)",
    ]


# -- look-alikes -----------------------------------------------------------------------------------------------------


def test_lookalike_a_google_audience_of_no_service_account(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    assert identities_reaching(graph, arn(LA_GOOGLE)) == set()
    [outsider] = federated_into(graph, arn(LA_GOOGLE))
    assert NOBODY_GOOGLE in graph.label(outsider) and "not in the scanned estate" in graph.label(outsider)
    assert not about(findings, "privilege-escalation", arn(LA_GOOGLE))
    for finding in about(findings, "external-entry-point", arn(LA_GOOGLE)):
        assert finding.subject == outsider and NOBODY_GOOGLE in finding.message
    assert not [f for f in findings if f.check_id == "trust-oidc-unscoped" and f.subject == arn(LA_GOOGLE)]


def test_lookalike_b_entra_subject_of_no_identity(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    assert federated_into(graph, arn(LA_ENTRA)) == set()  # a scanned tenant: no outsider holds its tokens
    assert identities_reaching(graph, arn(LA_ENTRA)) == set()
    assert not about(findings, "privilege-escalation", arn(LA_ENTRA))
    assert not about(findings, "external-entry-point", arn(LA_ENTRA))


def test_lookalike_c_binding_to_another_role_admits_only_that_role(estate: Analysis) -> None:
    graph = estate.graph
    assert federated_into(graph, member(SA_C)) == {arn(OTHER)}
    assert member(SA_C) not in reachable_from(graph, arn(R1))
    assert identities_reaching(graph, member(SA1)) == {arn(R1)}
    assert "assumed-role/batch-reporter" in edge(graph, arn(OTHER), member(SA_C)).reason


def test_lookalike_d_entra_credential_for_another_google_id(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    target = sp_id(LOOKALIKE_SP)
    assert identities_reaching(graph, target) == set()
    [outsider] = federated_into(graph, target)
    assert OTHER_GOOGLE in graph.label(outsider)
    assert not about(findings, "privilege-escalation", target)
    for finding in about(findings, "external-entry-point", target):
        assert finding.subject == outsider


def test_lookalike_e_oidc_provider_of_another_account(estate: Analysis, findings: tuple[Finding, ...]) -> None:
    graph = estate.graph
    for role in (LA_FOREIGN, LA_FOREIGN_ENTRA):
        assert federated_into(graph, arn(role)) == set()
        assert identities_reaching(graph, arn(role)) == set()
        for check in ("privilege-escalation", "external-entry-point", "trust-oidc-unscoped"):
            assert not about(findings, check, arn(role)), check


def test_lookalike_f_exact_subject_with_a_wildcard_admits_nobody(
    estate: Analysis, findings: tuple[Finding, ...]
) -> None:
    graph = estate.graph
    target = sp_id(WILDCARD_SP)
    assert federated_into(graph, target) == set()
    assert not about(findings, "external-entry-point", target)
    assert not about(findings, "privilege-escalation", target)


def test_no_lookalike_admin_is_claimed_reachable_by_an_estate_identity(findings: tuple[Finding, ...]) -> None:
    escalated = {f.subject for f in findings if f.check_id == "privilege-escalation"}
    assert escalated == {arn(R1), member(SA2), member(SA2B), sp_id(MI_AWS[1])}


Test = TypeVar("Test", bound=Callable[..., None])


def bug(reason: str) -> Callable[[Test], Test]:
    """A scanner bug this estate found (the reason says what was wrong), fixed since: the test pins the fix."""

    def keep(test: Test) -> Test:
        test.__doc__ = f"{test.__doc__ or ''}\n\nWas: {reason}".strip()
        return test

    return keep


STARTS_WITH = bug(
    "gcp/federation.py _condition(): part.strip().strip('()') eats the closing ')' of .startsWith('...'), so no "
    "startsWith term ever parses; the trust is left unjudged with no claim test, and every token of the issuer "
    "(every tenant identity / every role of the account) gets a conditional edge"
)


# -- odd but valid: the same chains spelled differently ----------------------------------------------------------


def with_trust(estate: Estate, role: str, *statements: dict[str, Any]) -> Estate:
    estate.aws_roles[role]["AssumeRolePolicyDocument"]["Statement"] = list(statements)
    return estate


def entra_trust(condition: dict[str, Any], issuer: str = ENTRA_V1, account: str = ACCOUNT) -> dict[str, Any]:
    return web_identity(f"arn:aws:iam::{account}:oidc-provider/{issuer}", condition)


def test_stringlike_with_a_star_on_the_github_subject(tmp_path: Path) -> None:
    statement = web_identity(
        GITHUB_PROVIDER,
        {"StringLike": {f"{GITHUB}:sub": "repo:acme/infra:*"}, "StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com"}},
    )
    graph = graph_of(tmp_path, with_trust(Estate(), R1, statement))
    [entry] = entry_into(graph, arn(R1))
    assert graph.label(entry) == "a workflow of repository acme/infra on any branch, tag, environment or pull request"
    assert "sub matches repo:acme/infra:*" in edge(graph, entry, arn(R1)).reason
    assert [e.target for e in reachable_from(graph, entry)[GCP_ADMIN]] == [arn(R1), member(SA1), GCP_ADMIN]


def test_exact_github_subject_with_a_wildcard_admits_nobody(tmp_path: Path) -> None:
    statement = web_identity(GITHUB_PROVIDER, {"StringEquals": {f"{GITHUB}:sub": "repo:acme/*"}})
    graph = graph_of(tmp_path, with_trust(Estate(), R1, statement))
    assert federated_into(graph, arn(R1)) == set()


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {f"{ENTRA_V1}:sub": MI_AWS[1]}},
        {"ForAnyValue:StringEquals": {f"{ENTRA_V1}:sub": [NOBODY_OID, MI_AWS[1]]}},
        {"StringEquals": {f"{ENTRA_V1}:SUB".upper().replace("STS.WINDOWS.NET", "Sts.Windows.Net"): MI_AWS[1]}},
        {"StringEquals": {f"{ENTRA_V1}:oid": MI_AWS[1]}},
    ],
    ids=["stringlike-exact", "foranyvalue", "key-case", "oid"],
)
def test_entra_subject_spellings_still_pin_the_managed_identity(tmp_path: Path, condition: dict[str, Any]) -> None:
    graph = graph_of(tmp_path, with_trust(Estate(), R3, entra_trust(condition)))
    assert federated_into(graph, arn(R3)) == {sp_id(MI_AWS[1])}
    assert not edge(graph, sp_id(MI_AWS[1]), arn(R3)).conditional


def test_stringlike_star_on_the_entra_subject_admits_every_tenant_identity_as_a_set(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, with_trust(Estate(), R3, entra_trust({"StringLike": {f"{ENTRA_V1}:sub": "*"}})))
    [hub] = federated_into(graph, arn(R3))
    assert graph.node_kind(hub) is NodeKind.HUB and graph.label(hub).startswith("any of the ")
    members = {e.source for e in graph.edges_to(hub)}
    assert {sp_id(MI_AWS[1]), sp_id(MI_GCP[1]), sp_id(DIRSYNC_SP)} <= members
    assert not entry_into(graph, arn(R3))  # the tenant is scanned: nobody outside holds its tokens


def test_aws_provider_url_without_the_trailing_slash(tmp_path: Path) -> None:
    bare = ENTRA_V1.rstrip("/")
    statement = entra_trust({"StringEquals": {f"{bare}:sub": MI_AWS[1]}}, issuer=bare)
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert federated_into(graph, arn(R3)) == {sp_id(MI_AWS[1])}


def test_managed_identity_token_from_the_v2_issuer(tmp_path: Path) -> None:
    statement = entra_trust({"StringEquals": {f"{ENTRA_V2}:sub": MI_AWS[1]}}, issuer=ENTRA_V2)
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert federated_into(graph, arn(R3)) == {sp_id(MI_AWS[1])}
    hop = edge(graph, sp_id(MI_AWS[1]), arn(R3))
    assert ENTRA_V2 in hop.reason and "(v2)" in hop.reason


def test_v2_trust_pinned_to_no_identity_admits_nobody(tmp_path: Path) -> None:
    statement = entra_trust({"StringEquals": {f"{ENTRA_V2}:sub": NOBODY_OID}}, issuer=ENTRA_V2)
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert federated_into(graph, arn(R3)) == set()


def entra_pool(estate: Estate, issuer: str, member_: str, *, condition: str | None = None) -> Estate:
    """SA_C bound (instead of OTHER's sessions) to ``member_`` of pool entra-fed, whose provider trusts ``issuer``."""
    extra: dict[str, Any] = {"attributeMapping": {"google.subject": "assertion.sub"}}
    extra["oidc"] = {"allowedAudiences": ["api://orbit-gcp"]}
    if condition:
        extra["attributeCondition"] = condition
    estate.gcp["providers"].append(oidc_provider(POOL_ENTRA, "tenant", issuer, **extra))
    estate.gcp["sa_bindings"][email(SA_C)] = [{"role": "roles/iam.workloadIdentityUser", "members": [member_]}]
    return estate


def subject_of(object_id: str) -> str:
    return f"principal://iam.googleapis.com/{pool_name(POOL_ENTRA)}/subject/{object_id}"


@pytest.mark.parametrize(
    "issuer",
    [
        f"https://sts.windows.net/{TENANT}/",
        f"https://sts.windows.net/{TENANT}",
        f"https://STS.Windows.NET/{TENANT}/",
        f"https://login.microsoftonline.com/{TENANT}/v2.0",
        f"https://login.microsoftonline.com/{TENANT}/v2.0/",
    ],
)
def test_gcp_pool_issuer_spellings(tmp_path: Path, issuer: str) -> None:
    graph = graph_of(tmp_path, entra_pool(Estate(), issuer, subject_of(MI_AWS[1])))
    assert federated_into(graph, member(SA_C)) == {sp_id(MI_AWS[1])}
    assert f"sub = {MI_AWS[1]}" in edge(graph, sp_id(MI_AWS[1]), member(SA_C)).reason


def test_gcp_pool_subject_of_no_identity(tmp_path: Path) -> None:
    graph = graph_of(tmp_path, entra_pool(Estate(), f"https://sts.windows.net/{TENANT}/", subject_of(NOBODY_OID)))
    assert federated_into(graph, member(SA_C)) == set()


@STARTS_WITH
def test_gcp_attribute_condition_starts_with(tmp_path: Path) -> None:
    everyone = f"principalSet://iam.googleapis.com/{pool_name(POOL_ENTRA)}/*"
    prefix = MI_AWS[1][:9]
    estate = entra_pool(
        Estate(), f"https://sts.windows.net/{TENANT}/", everyone, condition=f"assertion.sub.startsWith('{prefix}')"
    )
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, member(SA_C)) == {sp_id(MI_AWS[1])}
    hop = edge(graph, sp_id(MI_AWS[1]), member(SA_C))
    assert f"sub starts with {prefix}" in hop.reason and not hop.conditional


@STARTS_WITH
def test_gcp_attribute_condition_starts_with_nobody(tmp_path: Path) -> None:
    everyone = f"principalSet://iam.googleapis.com/{pool_name(POOL_ENTRA)}/*"
    estate = entra_pool(
        Estate(), f"https://sts.windows.net/{TENANT}/", everyone, condition="assertion.sub.startsWith('ffffffff-')"
    )
    assert federated_into(graph_of(tmp_path, estate), member(SA_C)) == set()


@pytest.mark.parametrize("issuer", ["https://accounts.google.com/", "https://Accounts.Google.com"])
def test_entra_credential_issuer_spellings(tmp_path: Path, issuer: str) -> None:
    estate = Estate()
    estate.azure["applications"][0]["federatedIdentityCredentials"][0]["issuer"] = issuer
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, sp_id(DIRSYNC_SP)) == {member(SA2)}


@STARTS_WITH
def test_aws_provider_condition_on_the_session_arn(tmp_path: Path) -> None:
    estate = Estate()
    estate.gcp["providers"] = [
        aws_provider(POOL_AWS, "orbit-aws", attributeCondition=f"assertion.arn.startsWith('{session(OTHER)}/')")
    ]
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, member(SA1)) == set()  # R1's sessions fail the condition
    assert federated_into(graph, member(SA_C)) == {arn(OTHER)}


def test_aws_user_reaches_a_service_account_bound_to_its_arn(tmp_path: Path) -> None:
    estate = Estate()
    user_arn = f"arn:aws:iam::{ACCOUNT}:user/ci-bot"
    estate.gcp["sa_bindings"][email(SA_C)] = [
        {
            "role": "roles/iam.workloadIdentityUser",
            "members": [f"principal://iam.googleapis.com/{pool_name(POOL_AWS)}/subject/{user_arn}"],
        }
    ]
    root = estate.write(tmp_path)
    authz = json.loads((root / "aws" / "authz.json").read_text())
    authz["UserDetailList"] = [
        {
            "Path": "/",
            "UserName": "ci-bot",
            "UserId": "AIDA" + _role_id("ci-bot")[4:],
            "Arn": user_arn,
            "CreateDate": "2025-04-02T08:15:00+00:00",
            "UserPolicyList": [],
            "GroupList": [],
            "AttachedManagedPolicies": [],
            "Tags": [],
        }
    ]
    (root / "aws" / "authz.json").write_text(json.dumps(authz))
    graph = analyse([root], settings=Settings(), now=NOW).graph
    assert federated_into(graph, member(SA_C)) == {user_arn}


def test_managed_identity_as_the_federated_credential_of_an_app(tmp_path: Path) -> None:
    """An app trusting a managed identity of its own tenant (Entra's documented "managed identity as a federated
    identity credential": issuer the tenant's v2 issuer, subject the identity's object id)."""
    estate = Estate()
    estate.azure["applications"][0]["federatedIdentityCredentials"] = [
        fic(
            "9c1d2e3f-0000-4a00-8000-00000000a004",
            "from-mi",
            f"https://login.microsoftonline.com/{TENANT}/v2.0",
            MI_AWS[1],
        )
    ]
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, sp_id(DIRSYNC_SP)) == {sp_id(MI_AWS[1])}
    assert [e.target for e in reachable_from(graph, sp_id(MI_AWS[1]))[TENANT_ADMIN]] == [
        sp_id(DIRSYNC_SP),
        TENANT_ADMIN,
    ]


def test_disabled_pool_provider_admits_nothing(tmp_path: Path) -> None:
    estate = Estate()
    estate.gcp["providers"][0]["disabled"] = True
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, member(SA1)) == set() and federated_into(graph, member(SA_C)) == set()


def test_deleted_pool_provider_admits_nothing(tmp_path: Path) -> None:
    estate = Estate()
    estate.gcp["providers"][0]["state"] = "DELETED"
    assert federated_into(graph_of(tmp_path, estate), member(SA1)) == set()


def test_disabled_service_principal_obtains_no_token(tmp_path: Path) -> None:
    estate = Estate()
    estate.azure["service_principals"][3]["accountEnabled"] = False  # id-aws-ops
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, arn(R3)) == set()
    assert AWS_ADMIN not in reachable_from(graph, sp_id(MI_AWS[1]))


def test_disabled_gcp_service_account_obtains_no_token(tmp_path: Path) -> None:
    estate = Estate()
    estate.gcp["service_accounts"][2]["disabled"] = True  # entra-sync
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, sp_id(DIRSYNC_SP)) != {member(SA2)}
    assert TENANT_ADMIN not in reachable_from(graph, member(SA2))


# -- inputs a real cloud accepts whose meaning the scanner must not miss -----------------------------------------


@bug(
    "a pool's `disabled: true` is never read: gcp/formats/workload_identity.py load() drops pools and "
    "federated_trusts() only checks each provider's own state, so the pool's providers keep admitting tokens"
)
def test_disabled_pool_admits_nothing(tmp_path: Path) -> None:
    """A disabled pool refuses every token exchange, whatever its providers say."""
    estate = Estate()
    estate.gcp["pools"][0]["disabled"] = True
    graph = graph_of(tmp_path, estate)
    assert federated_into(graph, member(SA1)) == set()
    assert GCP_ADMIN not in reachable_from(graph, arn(R1))


@bug(
    "federation/link.py link_federation() checks only that the target exists: a FIC on an app whose "
    "service principal has accountEnabled false still becomes a FEDERATES edge (and a path to Global Admin)"
)
def test_disabled_service_principal_cannot_be_signed_in_to(tmp_path: Path) -> None:
    """accountEnabled false: Entra refuses to issue tokens for the service principal, federated or not."""
    estate = Estate()
    estate.azure["service_principals"][0]["accountEnabled"] = False  # directory-sync
    graph = graph_of(tmp_path, estate)
    assert sp_id(DIRSYNC_SP) not in federates(graph, member(SA2))
    assert TENANT_ADMIN not in reachable_from(graph, member(SA2))


@bug(
    "link_federation() / gcp parse._federation() ignore the target service account's disabled flag: "
    "R1 still federates into the disabled aws-landing"
)
def test_disabled_gcp_service_account_cannot_be_impersonated(tmp_path: Path) -> None:
    """A disabled service account issues no access token, to a federated principal either."""
    estate = Estate()
    estate.gcp["service_accounts"][0]["disabled"] = True  # aws-landing
    graph = graph_of(tmp_path, estate)
    assert member(SA1) not in federates(graph, arn(R1))


@bug(
    "gcp parse._federation() / federation.federated_trusts() turn a principal:// or principalSet:// "
    "member of ANY role on a service account into a federated trust; only roles with "
    "iam.serviceAccounts.getAccessToken (workloadIdentityUser, serviceAccountTokenCreator) allow it"
)
def test_a_binding_that_grants_no_impersonation_is_no_federation(tmp_path: Path) -> None:
    """roles/iam.serviceAccountViewer on the service account lets the federated principal read it, not act as it
    (that needs iam.serviceAccounts.getAccessToken: workloadIdentityUser or serviceAccountTokenCreator)."""
    estate = Estate()
    estate.gcp["sa_bindings"][email(SA1)] = [{"role": "roles/iam.serviceAccountViewer", "members": [role_set(R1)]}]
    graph = graph_of(tmp_path, estate)
    assert member(SA1) not in federates(graph, arn(R1))
    assert GCP_ADMIN not in reachable_from(graph, arn(R1))


@bug(
    "aws/trust.py trusts_from_document() and link_federation() never look at the statement's Action: "
    "a Federated statement allowing only sts:AssumeRole/sts:TagSession still links the web-identity token"
)
def test_a_federated_trust_that_allows_only_assume_role_admits_no_web_identity(tmp_path: Path) -> None:
    """AssumeRoleWithWebIdentity is authorised by the trust's Action: a statement allowing only sts:AssumeRole
    (or sts:TagSession) does not let a web-identity token in."""
    statement = entra_trust({"StringEquals": {f"{ENTRA_V1}:sub": MI_AWS[1]}})
    statement["Action"] = ["sts:AssumeRole", "sts:TagSession"]
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert arn(R3) not in federates(graph, sp_id(MI_AWS[1]))


@bug(
    "link_federation() skips Deny trusts instead of subtracting them: a Deny statement pinning the "
    "managed identity's sub leaves it in the set admitted by the Allow"
)
def test_an_explicit_deny_in_the_trust_policy_wins(tmp_path: Path) -> None:
    allow = entra_trust({"StringEquals": {f"{ENTRA_V1}:aud": "api://orbit-aws-federation"}})
    deny = {**entra_trust({"StringEquals": {f"{ENTRA_V1}:sub": MI_AWS[1]}}), "Effect": "Deny"}
    graph = graph_of(tmp_path, with_trust(Estate(), R3, allow, deny))
    assert sp_id(MI_AWS[1]) not in identities_reaching(graph, arn(R3))
    assert sp_id(MI_GCP[1]) in identities_reaching(graph, arn(R3))  # the allow still admits the others


@bug(
    "gcp parse.policy bindings: only bindings on a /serviceAccounts/ resource become federated trusts; "
    "workloadIdentityUser granted on the project (inherited by its service accounts) is missed: a real chain lost"
)
def test_workload_identity_user_granted_on_the_project_covers_its_service_accounts(tmp_path: Path) -> None:
    """Service accounts inherit their project's policy: workloadIdentityUser granted there to the principal set
    lets it impersonate every service account of the project, aws-landing (owner) included."""
    estate = Estate()
    del estate.gcp["sa_bindings"][email(SA1)]
    estate.gcp["project_bindings"].append({"role": "roles/iam.workloadIdentityUser", "members": [role_set(R1)]})
    graph = graph_of(tmp_path, estate)
    assert GCP_ADMIN in reachable_from(graph, arn(R1))


def test_direct_resource_access_of_a_federated_principal(tmp_path: Path) -> None:
    """Workload identity federation without impersonation ("direct resource access"): the principal set itself
    holds projectIamAdmin on the project, so R1's sessions can set the project's IAM policy. Not marked xfail: a
    real chain the scanner misses, but whether Resource Manager honours every role granted to a principal set was
    not checked against Google's list of products that support federated principals."""
    estate = Estate()
    del estate.gcp["sa_bindings"][email(SA1)]
    estate.gcp["project_bindings"].append({"role": "roles/resourcemanager.projectIamAdmin", "members": [role_set(R1)]})
    graph = graph_of(tmp_path, estate)
    assert GCP_ADMIN in reachable_from(graph, arn(R1))


DEFAULT_AWS_MAPPING = {
    "google.subject": "assertion.arn",
    "attribute.aws_role": (
        "assertion.arn.contains('assumed-role') ? assertion.arn.extract('{account_arn}assumed-role/') + "
        "'assumed-role/' + assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn"
    ),
}


@bug(
    "gcp/federation.py _claim_of()/_member_tests() read only 'assertion.X' mappings: Google's own "
    "default attribute.aws_role expression, written out, leaves the binding unjudged, so every role of the "
    "account gets a conditional edge (batch-reporter -> aws-landing, gha-infra-prod -> report-sink)"
)
def test_aws_provider_with_google_default_mapping_written_out(tmp_path: Path) -> None:
    """The mapping Google documents as the AWS default, written out explicitly (as Terraform and some exports do):
    it means the same as no mapping, so R1's binding admits R1 alone, for certain."""
    estate = Estate()
    estate.gcp["providers"] = [aws_provider(POOL_AWS, "orbit-aws", attributeMapping=DEFAULT_AWS_MAPPING)]
    graph = graph_of(tmp_path, estate)
    assert identities_reaching(graph, member(SA1)) == {arn(R1)}
    assert identities_reaching(graph, member(SA_C)) == {arn(OTHER)}


# -- more look-alikes: one claim pins someone else ---------------------------------------------------------------


def test_lookalike_google_trust_pinning_one_account_by_aud_and_another_by_sub(tmp_path: Path) -> None:
    statement = web_identity(
        "accounts.google.com",
        {"StringEquals": {"accounts.google.com:aud": SA1[1], "accounts.google.com:sub": SA2[1]}},
    )
    graph = graph_of(tmp_path, with_trust(Estate(), LA_GOOGLE, statement))
    assert identities_reaching(graph, arn(LA_GOOGLE)) == set()


def test_lookalike_google_trust_pinning_the_email_as_aud(tmp_path: Path) -> None:
    """accounts.google.com:aud is compared with azp, the unique id: an email there matches no token."""
    statement = web_identity("accounts.google.com", {"StringEquals": {"accounts.google.com:aud": email(SA1)}})
    graph = graph_of(tmp_path, with_trust(Estate(), LA_GOOGLE, statement))
    assert identities_reaching(graph, arn(LA_GOOGLE)) == set()


def test_lookalike_entra_credential_whose_subject_is_the_service_account_email(tmp_path: Path) -> None:
    """A Google ID token's sub is the unique id, never the email: Entra compares the subject exactly."""
    estate = Estate()
    estate.azure["applications"][0]["federatedIdentityCredentials"][0]["subject"] = email(SA2)
    graph = graph_of(tmp_path, estate)
    assert identities_reaching(graph, sp_id(DIRSYNC_SP)) == set()


def test_lookalike_entra_trust_on_the_right_subject_but_another_tenant(tmp_path: Path) -> None:
    other_tenant = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    issuer = f"sts.windows.net/{other_tenant}/"
    statement = entra_trust({"StringEquals": {f"{issuer}:sub": MI_AWS[1]}}, issuer=issuer)
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert identities_reaching(graph, arn(R3)) == set()
    [outsider] = federated_into(graph, arn(R3))
    assert other_tenant in graph.label(outsider)


def test_lookalike_aws_provider_of_another_account(tmp_path: Path) -> None:
    """The binding names R1's sessions, but the provider verifies callers of another account."""
    estate = Estate()
    estate.gcp["providers"] = [aws_provider(POOL_AWS, "orbit-aws", account=OTHER_ACCOUNT)]
    graph = graph_of(tmp_path, estate)
    assert identities_reaching(graph, member(SA1)) == set()


def test_lookalike_gcp_provider_of_another_issuer(tmp_path: Path) -> None:
    """A binding to the managed identity's object id in a pool that trusts GitHub, not the tenant."""
    estate = entra_pool(Estate(), f"https://{GITHUB}", subject_of(MI_AWS[1]))
    graph = graph_of(tmp_path, estate)
    assert identities_reaching(graph, member(SA_C)) == set()


def test_lookalike_entra_trust_on_an_audience_no_resource_of_the_tenant_has(tmp_path: Path) -> None:
    """Entra issues an access token only for a resource the tenant has a service principal of (else AADSTS500011):
    an audience naming no application of the scanned tenant is one no identity of the tenant can present. Not
    marked xfail: the scanner treats an Entra token's aud as chosen by the holder, by design; the Entra behaviour
    (AADSTS500011) is from memory, not checked here."""
    statement = entra_trust({"StringEquals": {f"{ENTRA_V1}:sub": MI_AWS[1], f"{ENTRA_V1}:aud": "api://no-such-app"}})
    graph = graph_of(tmp_path, with_trust(Estate(), R3, statement))
    assert identities_reaching(graph, arn(R3)) == set()
