"""`aws ecs describe-task-definition --include TAGS` answers (one, or a JSON array of them).

The task role is what the application code runs as; the execution role is used by the ECS agent to pull images
and read secrets, so it is recorded as a separate workload of kind ``ecs-task-execution``.
"""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import answers, lower_tags, sniff_answers
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.formats import InputFormat

_RETIRED = frozenset({"INACTIVE", "DELETE_IN_PROGRESS"})


def sniff(value: object) -> bool:
    return sniff_answers(value, lambda answer: isinstance(answer.get("taskDefinition"), dict))


def load(source: str, value: object) -> WorkloadList:
    records = []
    for answer in answers(source, value):
        definition = answer.obj("taskDefinition")
        if definition is None:
            raise answer.error("taskDefinition", "missing required field")
        arn = definition.string("taskDefinitionArn")
        status = definition.opt_str("status")
        if status in _RETIRED:
            continue
        family = definition.opt_str("family") or arn.rsplit("/", 1)[-1].split(":")[0]
        revision = definition.opt_int("revision")
        name = f"{family}:{revision}" if revision is not None else family
        tags = lower_tags(answer)
        for workload_id, kind, role in (
            (arn, "ecs-task", definition.opt_str("taskRoleArn")),
            (f"{arn}#execution", "ecs-task-execution", definition.opt_str("executionRoleArn")),
        ):
            if role:
                records.append(
                    WorkloadRecord(
                        id=workload_id,
                        kind=kind,
                        service="ecs",
                        name=name,
                        role=role,
                        account=arn_account(arn),
                        region=arn_region(arn),
                        tags=tags,
                        attributes={"family": family},
                    )
                )
    return WorkloadList(kind="ecs-task", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-ecs-task-definitions",
    provider=AWS,
    description="aws ecs describe-task-definition",
    sniff_json=sniff,
    load=load,
)
