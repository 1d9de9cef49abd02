"""Azure / Microsoft Entra checks (client secrets and their lifetimes, tier-0 permissions on apps with secrets, owners
of privileged apps, foreign apps, managed identities with subscription roles, federated credentials, Agent ID,
tenant-wide delegated consent): one module per check, found through the Azure provider plug-in."""
