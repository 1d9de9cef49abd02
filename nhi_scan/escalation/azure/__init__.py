"""Azure / Microsoft Entra escalation and lateral-movement methods as data: one TOML file per method in ``methods/``.

:mod:`.catalog` reads and validates the files on first use (nothing at import time); the graph builder matches each
method's grantors (Entra roles, Microsoft Graph application permissions, ownership, Azure RBAC actions and data
actions, Key Vault access policy permissions) against what a principal holds. ``README.md`` next to this file
describes the schema.
"""
