"""The permissions the Azure collector uses, one per call, and the minimal grant made of them.

The scanner is a non-human identity too: every call names its Microsoft Graph application permission or its Azure
RBAC action here, so `collect azure --print-permissions` lists exactly what the collector may do (every call is a
GET; no secret value is ever read: Key Vault secrets are listed through ARM, which returns names and dates only).
"""

from __future__ import annotations

APPLICATION_READ = "Application.Read.All"
DIRECTORY_READ = "Directory.Read.All"
ROLE_READ = "RoleManagement.Read.Directory"
AUDIT_READ = "AuditLog.Read.All"
BLUEPRINT_READ = "AgentIdentityBlueprint.Read.All"
AGENT_READ = "AgentIdentity.Read.All"
#: Graph application permissions every collection needs.
GRAPH_PERMISSIONS = (APPLICATION_READ, DIRECTORY_READ, ROLE_READ, AUDIT_READ)
#: Needed only in a tenant with Microsoft Entra Agent ID (beta); without them those two listings are recorded.
OPTIONAL_GRAPH_PERMISSIONS = (BLUEPRINT_READ, AGENT_READ)


def _graph(path: str, permission: str) -> str:
    return f"GET {path} ({permission})"


ORGANIZATION = _graph("/v1.0/organization", DIRECTORY_READ)
APPLICATIONS = _graph("/v1.0/applications", APPLICATION_READ)
APPLICATION_FICS_V1 = _graph("/v1.0/applications/{id}/federatedIdentityCredentials", APPLICATION_READ)
APPLICATION_FICS = _graph("/beta/applications/{id}/federatedIdentityCredentials", APPLICATION_READ)
SERVICE_PRINCIPALS = _graph("/v1.0/servicePrincipals", APPLICATION_READ)
APP_ROLE_ASSIGNED_TO = _graph("/v1.0/servicePrincipals/{id}/appRoleAssignedTo", APPLICATION_READ)
GRANTS = _graph("/v1.0/oauth2PermissionGrants", DIRECTORY_READ)
ROLE_DEFINITIONS = _graph("/v1.0/roleManagement/directory/roleDefinitions", ROLE_READ)
ROLE_ASSIGNMENTS = _graph("/v1.0/roleManagement/directory/roleAssignments", ROLE_READ)
ROLE_ELIGIBILITY = _graph("/v1.0/roleManagement/directory/roleEligibilitySchedules", ROLE_READ)
USERS = _graph("/v1.0/users", DIRECTORY_READ)
USERS_SIGN_IN = _graph("/v1.0/users?$select=...,signInActivity", f"{DIRECTORY_READ} and {AUDIT_READ}")
GROUPS = _graph("/v1.0/groups", DIRECTORY_READ)
GROUP_MEMBERS = _graph("/v1.0/groups/{id}/members", DIRECTORY_READ)
ADMINISTRATIVE_UNITS = _graph("/v1.0/directory/administrativeUnits", DIRECTORY_READ)
UNIT_MEMBERS = _graph("/v1.0/directory/administrativeUnits/{id}/members", DIRECTORY_READ)
SIGN_IN_ACTIVITY = _graph("/beta/reports/servicePrincipalSignInActivities", AUDIT_READ)
BLUEPRINTS = _graph("/beta/applications/microsoft.graph.agentIdentityBlueprint", BLUEPRINT_READ)
AGENT_IDENTITIES = _graph("/beta/servicePrincipals/microsoft.graph.agentIdentity", AGENT_READ)

SUBSCRIPTIONS_READ = "Microsoft.Resources/subscriptions/read"
MANAGEMENT_GROUPS_READ = "Microsoft.Management/managementGroups/read"
ROLE_ASSIGNMENTS_READ = "Microsoft.Authorization/roleAssignments/read"
ROLE_DEFINITIONS_READ = "Microsoft.Authorization/roleDefinitions/read"
DENY_ASSIGNMENTS_READ = "Microsoft.Authorization/denyAssignments/read"
RESOURCES_READ = "Microsoft.Resources/subscriptions/resources/read"
RESOURCE_GROUPS_READ = "Microsoft.Resources/subscriptions/resourceGroups/read"
IDENTITIES_READ = "Microsoft.ManagedIdentity/userAssignedIdentities/read"
IDENTITY_FICS_READ = "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read"
VAULTS_READ = "Microsoft.KeyVault/vaults/read"
SECRETS_READ = "Microsoft.KeyVault/vaults/secrets/read"  # ARM: names and attributes, never values
COSMOS_ACCOUNTS_READ = "Microsoft.DocumentDB/databaseAccounts/read"  # never listKeys: that is a POST
COSMOS_SQL_ASSIGNMENTS_READ = "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments/read"
COSMOS_SQL_DEFINITIONS_READ = "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions/read"

#: Every ARM action above, sorted: all reads, all in the built-in Reader role (``*/read``).
ARM_ACTIONS: tuple[str, ...] = tuple(
    sorted(
        {
            SUBSCRIPTIONS_READ,
            MANAGEMENT_GROUPS_READ,
            ROLE_ASSIGNMENTS_READ,
            ROLE_DEFINITIONS_READ,
            DENY_ASSIGNMENTS_READ,
            RESOURCES_READ,
            RESOURCE_GROUPS_READ,
            IDENTITIES_READ,
            IDENTITY_FICS_READ,
            VAULTS_READ,
            SECRETS_READ,
            COSMOS_ACCOUNTS_READ,
            COSMOS_SQL_ASSIGNMENTS_READ,
            COSMOS_SQL_DEFINITIONS_READ,
        }
    )
)


def arm(path: str, action: str) -> str:
    return f"GET {path} ({action})"


_WHAT = {
    APPLICATION_READ: "applications, service principals, owners, federated credentials, app role assignments",
    DIRECTORY_READ: "organization, users, groups and members, administrative units, delegated grants",
    ROLE_READ: "directory role definitions, assignments and PIM eligibility",
    AUDIT_READ: "last sign-in of users and service principals",
    BLUEPRINT_READ: "Agent ID blueprints (beta)",
    AGENT_READ: "Agent ID agent identities (beta)",
}


def permissions_text() -> str:
    """What to grant the scanning identity (an app registration or a managed identity), as `--print-permissions`
    prints it: comment lines, then one permission or action a line."""
    lines = [
        "# Microsoft Graph application permissions (grant admin consent), for the scanning app or managed identity:",
        *(f"{p:<32} # {_WHAT[p]}" for p in GRAPH_PERMISSIONS),
        "# optional, in a tenant with Microsoft Entra Agent ID (without them those listings are recorded as missing):",
        *(f"{p:<32} # {_WHAT[p]}" for p in OPTIONAL_GRAPH_PERMISSIONS),
        "#",
        "# Azure RBAC: the built-in Reader role on each subscription, or on a management group above them:",
        "#   az role assignment create --assignee ID --role Reader --scope /providers/Microsoft.Management/"
        "managementGroups/GROUP",
        "# The Azure actions used, all reads (Reader grants */read):",
        *ARM_ACTIONS,
        "#",
        "# Signed in as a user (az login): Global Reader in Microsoft Entra ID and Reader in Azure read the same.",
    ]
    return "\n".join(lines) + "\n"
