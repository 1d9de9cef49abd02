"""AWS-only checks (IAM users' keys and passwords, trust policies, IAM policy statements): one module per check,
found by discovery through the AWS provider plug-in. Ids are the module slugs, as for the neutral checks."""
