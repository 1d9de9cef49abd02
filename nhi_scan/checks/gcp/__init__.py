"""GCP-only checks (service account keys, basic roles, impersonation granted broadly, public members, workload
identity federation): one module per check, found through the GCP provider plug-in."""
