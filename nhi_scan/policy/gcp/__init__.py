"""GCP IAM semantics: roles, members, conditions, inheritance, deny policies."""
