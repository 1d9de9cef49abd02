"""Azure RBAC and Microsoft Entra semantics: built-in roles, directory roles, Graph app roles and tier 0."""
