"""Cloud Asset Inventory assets -> records: `gcloud asset export` (newline-delimited, snake_case top level) and
`gcloud asset list` (camelCase); ``resource.data`` is the REST representation, read by ``rest``.

Asset types nhi-scan does not judge are counted, not reported one by one."""

from __future__ import annotations

from collections.abc import Callable

from nhi_scan.connectors.fields import Fields
from nhi_scan.connectors.gcp import rest
from nhi_scan.connectors.gcp.records import Record
from nhi_scan.connectors.gcp.workload_assets import reader as workload_reader
from nhi_scan.connectors.unreadable import note_unreadable
from nhi_scan.redact import quote

Reader = Callable[[Fields], Record]

#: Asset type -> the reader of its ``resource.data``.
READERS: dict[str, Reader] = {
    "cloudresourcemanager.googleapis.com/Project": rest.project,
    "cloudresourcemanager.googleapis.com/Folder": rest.folder_or_organization,
    "cloudresourcemanager.googleapis.com/Organization": rest.folder_or_organization,
    "iam.googleapis.com/ServiceAccount": rest.service_account,
    "iam.googleapis.com/ServiceAccountKey": rest.key,
    "iam.googleapis.com/Role": rest.role,
    "iam.googleapis.com/WorkloadIdentityPoolProvider": rest.pool_provider,
    "compute.googleapis.com/Instance": rest.instance,
    "cloudfunctions.googleapis.com/CloudFunction": rest.function,
    "cloudfunctions.googleapis.com/Function": rest.function,
    "run.googleapis.com/Service": rest.run_service,
    "aiplatform.googleapis.com/ReasoningEngine": rest.reasoning_engine,
}
#: Collections of the canonical names of resources below a project (as the directory convention names them).
COLLECTIONS = {
    "storage.googleapis.com/Bucket": "buckets",
    "secretmanager.googleapis.com/Secret": "secrets",
    "pubsub.googleapis.com/Topic": "topics",
    "bigquery.googleapis.com/Dataset": "datasets",
}


def _field(asset: Fields, snake: str, camel: str) -> str:
    return snake if asset.has(snake) else camel


def project_of(ancestors: list[str]) -> str | None:
    return next((a.split("/", 1)[1] for a in ancestors if a.startswith("projects/")), None)


def policy_resource(name: str, asset_type: str | None, project: str | None) -> str:
    """The canonical name of a resource whose policy an asset carries: ``projects/P/buckets/B`` for a bucket of P."""
    short = rest.short_name(name)
    collection = COLLECTIONS.get(asset_type or "")
    if collection and project:
        return f"projects/{project}/{collection}/{short.rsplit('/', 1)[-1]}"
    return short


#: Fields of an asset that say what it is, not what it holds (all that a names-only export writes).
ABOUT = frozenset({"name", "asset_type", "assetType", "ancestors", "update_time", "updateTime"})


def has_content(asset: dict[str, object]) -> bool:
    """Whether the asset holds content (its resource, IAM policy, org policy...), not only its name and type."""
    return bool(asset.keys() - ABOUT)


def _needs_project(entry: Fields, key: str, asset_type: str | None, project: str | None) -> None:
    """A bucket, secret, topic or dataset is named below its project (``projects/P/buckets/B``): without the
    project its policy would land on a bare name of no scope, and the grants on it would be judged nowhere."""
    if project is None and asset_type in COLLECTIONS:
        raise entry.error(key, f"no project: the {asset_type.rsplit('/', 1)[-1].lower()} cannot be named below it")


#: Resource names that are canonical without their asset type.
_NAMED_BELOW = ("projects/", "folders/", "organizations/")
#: Asset types whose ``resource.data.parent`` the asset's ``ancestors`` also give.
_SCOPES = ("cloudresourcemanager.googleapis.com/Project", "cloudresourcemanager.googleapis.com/Folder")


def _with_parent(data: Fields, asset_type: str, ancestors: list[str]) -> Fields:
    """A project or folder without ``parent`` in its data takes it from ``ancestors`` (itself, then its parent...),
    which Cloud Asset always writes: read as no parent, it would leave its organization and every grant inherited
    from it."""
    if asset_type not in _SCOPES or data.raw.get("parent") is not None or len(ancestors) < 2:
        return data
    return Fields({**data.raw, "parent": ancestors[1]}, data.source, data.where)


def records_of(asset: Fields) -> tuple[list[Record], bool]:
    """The records of one asset, and whether its type was one nhi-scan reads."""
    name = asset.string("name")
    if not name:
        raise asset.error("name", "an empty asset name")
    asset_type = asset.opt_str(_field(asset, "asset_type", "assetType"))
    if not asset_type:
        raise asset.error("asset_type", "missing required field")
    ancestors = asset.strings("ancestors")
    project = project_of(ancestors)
    found: list[Record] = []
    known = False
    policy = asset.obj(_field(asset, "iam_policy", "iamPolicy"))
    if policy is not None:
        _needs_project(asset, "ancestors", asset_type, project)
        found.append(
            rest.policy(policy, policy_resource(name, asset_type, project), project=project, asset_type=asset_type)
        )
        known = True
    resource = asset.obj("resource")
    reader = READERS.get(asset_type or "") or workload_reader(asset_type or "", project)
    if reader is not None and resource is None and policy is None:
        raise asset.error("resource", "missing: the asset has neither its resource nor its IAM policy")
    if resource is not None and reader is not None:
        data = resource.obj("data")
        if data is None:
            raise resource.error("data", "missing: the resource of an asset nhi-scan reads")
        found.append(reader(_with_parent(data, asset_type, ancestors)))
        _check_read(data, asset_type, name)
        known = True
    return found, known


def _check_read(data: Fields, asset_type: str, name: str) -> None:
    """What the asset's name and type say its data must hold. A custom role's asset always lists its permissions
    (read without them it grants nothing, and every grant of it vanishes); a project's asset is named by its
    number (another number in its data would name another project)."""
    role = asset_type == "iam.googleapis.com/Role" and not data.raw.get("deleted")
    if role and "includedPermissions" not in data.raw:
        note_unreadable(data.source, data.path_of("includedPermissions"), "missing: read as granting nothing")
    if asset_type == "cloudresourcemanager.googleapis.com/Project":
        named = rest.short_name(name).removeprefix("projects/")
        number = data.raw.get("projectNumber")
        if named.isdigit() and number is not None and str(number) != named:
            raise data.error("projectNumber", f"not the number the asset is named by ({quote(named)})")


def search_result(item: Fields) -> Record:
    """One answer of `gcloud asset search-all-iam-policies`: a resource and its policy."""
    asset_type = item.opt_str("assetType")
    if asset_type == "":
        raise item.error("assetType", "an empty asset type")
    project = item.opt_str("project")
    if project == "":
        raise item.error("project", "an empty project")
    if not item.string("resource"):
        raise item.error("resource", "an empty resource name")
    if asset_type is None and not rest.short_name(item.string("resource")).startswith(_NAMED_BELOW):
        # Every search result carries its type; without it a bucket (//storage.googleapis.com/B) would be read
        # on a bare name, outside its project, and the grants on it judged nowhere.
        raise item.error("assetType", "missing: the resource's name does not say what it is")
    project_id = project.split("/", 1)[1] if project and "/" in project else project
    _needs_project(item, "project", asset_type, project_id)
    policy = item.obj("policy")
    if policy is None:
        raise item.error("policy", "missing required field")
    resource = policy_resource(item.string("resource"), asset_type, project_id)
    return rest.policy(policy, resource, project=project_id, asset_type=asset_type)
