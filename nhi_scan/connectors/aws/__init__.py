"""AWS connector: IAM exports (GAAD, credential report, access keys) and, later, live collection."""
