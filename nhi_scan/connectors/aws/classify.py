"""Decide from evidence whether an IAM user or role is used by a machine or by a person, and say why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: Tag keys whose value states the identity type outright (compared case-insensitively).
_TYPE_TAG_KEYS = frozenset(
    {"nhi-scan:type", "identity-type", "identitytype", "principal-type", "usertype", "user-type"}
)
_MACHINE_VALUES = frozenset({"machine", "service", "nhi", "non-human", "automation", "bot", "application", "workload"})
_HUMAN_VALUES = frozenset({"human", "person", "employee", "user", "people", "contractor"})
_MACHINE_TOKENS = frozenset(
    [
        "bot",
        "bots",
        "svc",
        "service",
        "services",
        "srv",
        "ci",
        "cd",
        "cicd",
        "deploy",
        "deployer",
        "deployment",
        "deployments",
        "automation",
        "automated",
        "terraform",
        "tf",
        "jenkins",
        "github",
        "gitlab",
        "bitbucket",
        "circleci",
        "travis",
        "buildkite",
        "argo",
        "argocd",
        "spinnaker",
        "pipeline",
        "pipelines",
        "build",
        "builder",
        "app",
        "apps",
        "api",
        "system",
        "sys",
        "backup",
        "backups",
        "sync",
        "integration",
        "etl",
        "batch",
        "cron",
        "job",
        "jobs",
        "worker",
        "workers",
        "agent",
        "agents",
        "daemon",
        "monitor",
        "monitoring",
        "robot",
        "machine",
        "lambda",
        "packer",
        "ansible",
        "pulumi",
        "datadog",
        "splunk",
        "newrelic",
        "runner",
        "scanner",
        "uploader",
        "upload",
        "exporter",
        "export",
        "ingest",
        "ingestion",
        "replication",
        "mailer",
        "smtp",
        "sftp",
        "ftp",
        "webhook",
        "noreply",
        "bedrock",
        "llm",
        "s3",
        "sqs",
        "sns",
        "iot",
        "kinesis",
        "airflow",
        "dbt",
        "snowflake",
        "metrics",
        "logging",
        "logs",
        "vault",
        "readonly",
        "sa",
        "nhi",
        "integrations",
        "connector",
        "sdk",
        "cli",
        "programmatic",
    ]
)
_MACHINE_PATHS = re.compile(r"/(service|services|system|automation|bots?|ci|cd|apps?|machines?|workloads?)/", re.I)
_TOKEN_SPLIT = re.compile(r"[^A-Za-z]+|(?<=[a-z])(?=[A-Z])")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PERSON = re.compile(r"^[A-Za-z][a-z]+[._][A-Za-z][a-z]+$")


@dataclass(frozen=True, slots=True, kw_only=True)
class UserEvidence:
    name: str
    path: str
    tags: Mapping[str, str]
    #: None = unknown (no credential report).
    password_enabled: bool | None
    mfa_active: bool | None
    active_keys: int


def _tag_verdict(tags: Mapping[str, str]) -> tuple[bool, str] | None:
    for key, value in tags.items():
        if key.lower() in _TYPE_TAG_KEYS:
            lowered = value.strip().lower()
            if lowered in _MACHINE_VALUES:
                return True, f"tag {key}={value}"
            if lowered in _HUMAN_VALUES:
                return False, f"tag {key}={value}"
    return None


def machine_token(name: str) -> str | None:
    """The first token of ``name`` that marks automation (``ci-deploy`` -> ``ci``), if any."""
    for token in _TOKEN_SPLIT.split(name):
        if token and token.lower() in _MACHINE_TOKENS:
            return token.lower()
    return None


def classify_user(evidence: UserEvidence) -> tuple[bool, str]:
    """Return (machine, reason). Strongest evidence first; the reason names it."""
    verdict = _tag_verdict(evidence.tags)
    if verdict is not None:
        return verdict
    if _MACHINE_PATHS.search(evidence.path):
        return True, f"IAM path {evidence.path} is used for automation"
    token = machine_token(evidence.name)
    if token is not None:
        return True, f"name {evidence.name!r} contains the automation term {token!r}"
    if _EMAIL.match(evidence.name) or _PERSON.match(evidence.name):
        return False, f"name {evidence.name!r} is a person's name or e-mail address"
    if evidence.password_enabled:
        mfa = " with MFA" if evidence.mfa_active else ""
        return False, f"console password enabled{mfa}, no automation naming"
    if evidence.mfa_active:
        return False, "MFA device enrolled, no automation naming"
    if evidence.active_keys:
        return True, "programmatic access only: active access keys, no console password"
    if evidence.password_enabled is None:
        return True, "no console sign-in evidence (no credential report given); treated as programmatic"
    return True, "no console password: programmatic-only user"


def classify_role(*, name: str, path: str, saml_federated: bool, trusted_services: tuple[str, ...]) -> tuple[bool, str]:
    """Roles are machine identities unless people sign in through them (SSO / SAML federation)."""
    if path.startswith("/aws-reserved/sso.amazonaws.com/") or name.startswith("AWSReservedSSO_"):
        return False, "IAM Identity Center permission-set role: assumed by people"
    if path.startswith("/aws-service-role/"):
        return True, "service-linked role used by an AWS service"
    if trusted_services:
        return True, "assumed by AWS service " + ", ".join(sorted(trusted_services)[:3])
    if saml_federated:
        return False, "assumed through SAML federation: used by people"
    return True, "IAM role: assumed by workloads or other principals"
