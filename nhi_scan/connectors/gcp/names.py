"""Canonical GCP names, once every project's number and id are known.

Exports name a project by id (``projects/my-app``) or by number (``projects/123``: CAI ancestors, v3 APIs, pool
providers), a service account by email or unique id. nhi-scan names each scope and resource one way:
``organizations/O``, ``folders/F``, ``projects/PROJECT_ID``, ``projects/P/serviceAccounts/EMAIL``,
``projects/P/buckets/B`` (the directory convention's names), and each principal as its IAM member
(``serviceAccount:EMAIL``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nhi_scan.connectors.gcp.records import ScopeRecord, ServiceAccountRecord

_SA = re.compile(r"^projects/([^/]+)/serviceAccounts/([^/]+)(/.*)?$")
_PROJECT = re.compile(r"^projects/([^/]+)(/.*)?$")
#: Google-managed service agents: Google creates and owns them (their grants are still the customer's to judge).
_AGENT_DOMAINS = re.compile(
    r"^service-\d+@[a-z0-9-]+\.iam\.gserviceaccount\.com$"  # every per-service agent (gcp-sa-*, gcf-admin-robot...)
    r"|^\d+@(cloudservices|cloudbuild)\.gserviceaccount\.com$"  # the Google APIs and legacy Cloud Build accounts
    r"|@(gcp-sa-[a-z0-9-]+|container-engine-robot|compute-system)\.iam\.gserviceaccount\.com$"
)
_DEFAULT_COMPUTE = re.compile(r"^(\d+)-compute@developer\.gserviceaccount\.com$")
_DEFAULT_APP_ENGINE = re.compile(r"^([a-z][a-z0-9-]+)@appspot\.gserviceaccount\.com$")
_USER_MANAGED = re.compile(r"^[^@]+@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$")
_NUMBERED = re.compile(r"^(?:service-)?(\d+)(?:-compute)?@")


def member_of_email(email: str) -> str:
    return f"serviceAccount:{email}"


def service_agent(email: str) -> bool:
    return bool(_AGENT_DOMAINS.search(email))


def default_account(email: str) -> str | None:
    """ "compute" or "app-engine" for a project's default service account (Google grants it Editor by default)."""
    if _DEFAULT_COMPUTE.match(email):
        return "compute"
    if _DEFAULT_APP_ENGINE.match(email):
        return "app-engine"
    return None


class Names:
    """Project numbers -> ids, service account unique ids -> emails, and the project each account lives in."""

    def __init__(self, scopes: Iterable[ScopeRecord], accounts: Iterable[ServiceAccountRecord]) -> None:
        self.project_ids: dict[str, str] = {}
        self.project_numbers: dict[str, str] = {}
        for scope in scopes:
            if scope.project_id:
                self.project_ids[scope.project_id] = scope.project_id
                if scope.project_number:
                    self.project_ids[scope.project_number] = scope.project_id
                    self.project_numbers[scope.project_id] = scope.project_number
        self.emails: dict[str, str] = {}
        self.account_projects: dict[str, str] = {}
        for account in accounts:
            if account.unique_id:
                self.emails[account.unique_id] = account.email
            self.account_projects[account.email] = self.project(account.project) or account.project

    def project(self, ref: str | None) -> str | None:
        """A project id from an id, a number or ``projects/X``; the reference itself when unknown."""
        if ref is None:
            return None
        bare = ref.split("/", 1)[1] if ref.startswith("projects/") else ref
        return self.project_ids.get(bare, bare)

    def email(self, ref: str) -> str:
        """A service account's email from its email or unique id."""
        return self.emails.get(ref, ref)

    def project_of_account(self, email: str) -> str | None:
        """The project a service account lives in: listed, or read from its email."""
        known = self.account_projects.get(email)
        if known:
            return known
        numbered = _NUMBERED.match(email)
        if numbered and (service_agent(email) or _DEFAULT_COMPUTE.match(email)):
            return self.project_ids.get(numbered.group(1))  # service-NUM@gcf-admin-robot...: NUM's project
        for pattern in (_USER_MANAGED, _DEFAULT_APP_ENGINE):
            match = pattern.match(email)
            if match:
                return match.group(1)
        match = _DEFAULT_COMPUTE.match(email) or _NUMBERED.match(email)
        if match:
            return self.project_ids.get(match.group(1))
        return None

    def resource(self, name: str) -> str:
        """The canonical name of a scope or resource."""
        match = _SA.match(name)
        if match:
            email = self.email(match.group(2))
            owner = self.project_of_account(email) if match.group(1) == "-" else self.project(match.group(1))
            return f"projects/{owner or match.group(1)}/serviceAccounts/{email}{match.group(3) or ''}"
        match = _PROJECT.match(name)
        if match:
            return f"projects/{self.project(match.group(1))}{match.group(2) or ''}"
        return name
