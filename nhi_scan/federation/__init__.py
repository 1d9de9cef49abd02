"""Federation across clouds: the pass that joins every cloud's federated trusts with the tokens every cloud's
identities can obtain, and the external issuers (GitHub Actions, GitLab, Kubernetes clusters...) that enter."""
