"""An organisation's collection: its description, IAM policy, custom roles and deny policies; every folder
(recursively) with its IAM and deny policies; and the projects under each, which ``fetch`` then collects."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from nhi_scan.connectors.gcp import fetch_iam
from nhi_scan.connectors.gcp.fetch_http import FAILURES, ApiError
from nhi_scan.connectors.gcp.fetch_project import Context
from nhi_scan.connectors.gcp.fetch_snapshot import CollectionFailure, safe_name
from nhi_scan.errors import NhiScanError


def _policies(ctx: Context, resource: str, base: str) -> None:
    """IAM policy and deny policies of an organisation or folder."""
    what = "organization" if resource.startswith("organizations/") else "folder"
    ctx.optional(
        resource,
        "IAM policy",
        f"roles granted on the {what} (inherited by everything under it) unknown",
        lambda: ctx.snapshot.json(f"{base}/iam-policy.json", ctx.resources.iam_policy(resource)),
    )
    ctx.optional(
        resource,
        "deny policies",
        f"deny policies of the {what} unknown: denied permissions counted as granted",
        lambda: ctx.snapshot.json(
            f"{base}/deny-policies.json", fetch_iam.deny_policies(ctx.rest, ctx.endpoints, resource)
        ),
    )


def _folders(ctx: Context, organization: str) -> list[dict[str, Any]]:
    """Every active folder under the organisation, parents before children."""
    root = f"organizations/{organization}"
    ctx.progress.phase(f"organization {organization}", "folders")
    try:
        found = ctx.resources.list_folders(root)
    except FAILURES as raised:
        exc = ApiError.of(raised, "resourcemanager.folders.list")
        raise NhiScanError(
            f"--organization {organization}: cannot list its folders: {exc} (the scanning identity needs the "
            "nhi-scan role on the organization: see nhi-scan collect gcp --print-role)"
        ) from None
    queue = [str(f["name"]) for f in found]
    while queue:
        parent = queue.pop(0)
        try:
            children = ctx.resources.list_folders(parent)
        except FAILURES as raised:
            exc = ApiError.of(raised, "resourcemanager.folders.list")
            impact = "its subfolders and their projects not scanned"
            ctx.fail(CollectionFailure(scope=parent, phase="folders", call=exc.call, error=exc.detail, impact=impact))
            continue
        found.extend(children)
        queue.extend(str(f["name"]) for f in children)
    return found


def _projects_under(ctx: Context, parent: str) -> list[dict[str, Any]]:
    try:
        return ctx.resources.list_projects(parent)
    except FAILURES as raised:
        exc = ApiError.of(raised, "resourcemanager.projects.list")
        impact = "projects directly under it not scanned"
        ctx.fail(CollectionFailure(scope=parent, phase="projects", call=exc.call, error=exc.detail, impact=impact))
        return []


def collect_organization(ctx: Context, organization: str, workers: int) -> list[dict[str, Any]]:
    """Write the organisation's and its folders' documents; return every project under it (gcloud shape)."""
    scope = f"organizations/{organization}"
    base = f"organizations/{safe_name(organization)}"
    ctx.optional(
        scope,
        "organization",
        "the organization's name and directory unknown",
        lambda: ctx.snapshot.json(f"{base}/organization.json", ctx.resources.get_organization(organization)),
    )
    _policies(ctx, scope, base)
    ctx.optional(
        scope,
        "custom roles",
        "permissions of the organization's custom roles unknown",
        lambda: ctx.snapshot.json(f"{base}/roles.json", fetch_iam.custom_roles(ctx.rest, ctx.endpoints, scope)),
    )
    folders = _folders(ctx, organization)
    ctx.snapshot.json(f"{base}/folders.json", folders)
    names = [str(f["name"]) for f in folders]
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="nhi-scan-gcp-folder") as pool:
        list(pool.map(lambda name: _policies(ctx, name, f"folders/{safe_name(name.partition('/')[2])}"), names))
        ctx.progress.phase(f"organization {organization}", "projects")
        listed = list(pool.map(lambda parent: _projects_under(ctx, parent), [scope, *names]))
    ctx.progress.finished(f"organization {organization}", f"{len(folders)} folders", True)
    return [project for projects in listed for project in projects]
