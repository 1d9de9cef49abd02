"""Live Access Advisor collection: one service-last-accessed job per user and role, with bounded concurrency.

GenerateServiceLastAccessedDetails starts a report job (it changes nothing in the account); the job is polled
until it completes, and its answer is written with the principal's ``Arn`` added, which the answer lacks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nhi_scan.connectors.aws.fetch_api import Api, ApiError, map_bounded
from nhi_scan.connectors.aws.fetch_iam import Sleep
from nhi_scan.connectors.aws.fetch_snapshot import Snapshot, safe_name


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    kind: str
    name: str
    arn: str


def principals(gaad: dict[str, Any]) -> list[Principal]:
    """Users and roles worth asking about (service-linked roles belong to AWS and are skipped)."""
    found = [Principal(kind="user", name=u["UserName"], arn=u["Arn"]) for u in gaad.get("UserDetailList", [])]
    for role in gaad.get("RoleDetailList", []):
        if not str(role.get("Path", "/")).startswith("/aws-service-role/"):
            found.append(Principal(kind="role", name=role["RoleName"], arn=role["Arn"]))
    return found


def _job(api: Api, principal: Principal, *, timeout: float, interval: float, sleep: Sleep) -> dict[str, Any]:
    job_id = api.call(
        "iam", "generate_service_last_accessed_details", Arn=principal.arn, Granularity="ACTION_LEVEL"
    ).get("JobId")
    if not job_id:
        raise ApiError("iam:GenerateServiceLastAccessedDetails", f"no JobId for {principal.arn}")
    deadline = time.monotonic() + timeout
    wait = min(interval, 0.5)
    while True:
        answer = api.call("iam", "get_service_last_accessed_details", JobId=job_id)
        if answer.get("JobStatus") != "IN_PROGRESS":
            break
        if time.monotonic() + wait > deadline:
            raise ApiError(
                "iam:GetServiceLastAccessedDetails", f"job for {principal.arn} not done after {timeout:.0f}s"
            )
        sleep(wait)
        wait = min(wait * 2, interval)
    services = list(answer.get("ServicesLastAccessed") or [])
    while answer.get("IsTruncated") and answer.get("Marker"):
        answer = api.call("iam", "get_service_last_accessed_details", JobId=job_id, Marker=answer["Marker"])
        services.extend(answer.get("ServicesLastAccessed") or [])
    answer.pop("Marker", None)
    return {**answer, "Arn": principal.arn, "IsTruncated": False, "ServicesLastAccessed": services}


def access_advisor(
    api: Api,
    snapshot: Snapshot,
    found: Sequence[Principal],
    *,
    workers: int,
    timeout: float,
    interval: float,
    sleep: Sleep = time.sleep,
) -> None:
    def one(principal: Principal) -> None:
        answer = _job(api, principal, timeout=timeout, interval=interval, sleep=sleep)
        snapshot.document(
            f"access-advisor/{principal.kind}-{safe_name(principal.name)}.json",
            answer,
            account=api.account,
            call="iam:GetServiceLastAccessedDetails",
        )

    map_bounded(one, found, workers)
