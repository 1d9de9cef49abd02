"""Live collection of what runs as a role, per region, each service's answer in its own CLI shape.

Only the fields the parser reads are kept: environment variables, job arguments, stack parameters and the like
can hold secrets, so they are never written (nhi-scan never stores or prints secret material).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nhi_scan.connectors.aws.fetch_api import Api, map_bounded

Collector = Callable[[Api, str, int], Any]


def pick(item: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: item[key] for key in keys if item.get(key) is not None}


def ec2_instances(api: Api, region: str, workers: int) -> dict[str, Any]:
    reservations = []
    for page in api.pages("ec2", "describe_instances", region=region):
        for reservation in page.get("Reservations", []):
            instances = [
                {
                    **pick(i, ("InstanceId", "IamInstanceProfile", "State", "Tags", "LaunchTime")),
                    "Placement": pick(i.get("Placement") or {}, ("AvailabilityZone",)),
                    "MetadataOptions": pick(i.get("MetadataOptions") or {}, ("HttpTokens",)),
                }
                for i in reservation.get("Instances", [])
            ]
            reservations.append({**pick(reservation, ("ReservationId", "OwnerId")), "Instances": instances})
    return {"Reservations": reservations, "Region": region}


def lambda_functions(api: Api, region: str, workers: int) -> dict[str, Any]:
    keys = ("FunctionName", "FunctionArn", "Role", "Runtime", "PackageType", "LastModified")
    answer = api.merged("lambda", "list_functions", ["Functions"], region=region)
    return {"Functions": [pick(f, keys) for f in answer["Functions"]]}


def ecs_task_definitions(api: Api, region: str, workers: int) -> list[dict[str, Any]]:
    arns = api.merged("ecs", "list_task_definitions", ["taskDefinitionArns"], region=region, status="ACTIVE")
    keys = ("taskDefinitionArn", "family", "revision", "taskRoleArn", "executionRoleArn", "status", "registeredAt")

    def describe(arn: str) -> dict[str, Any]:
        answer = api.call("ecs", "describe_task_definition", region=region, taskDefinition=arn, include=["TAGS"])
        return {"taskDefinition": pick(answer.get("taskDefinition") or {}, keys), "tags": answer.get("tags") or []}

    return map_bounded(describe, arns["taskDefinitionArns"], workers)


def cloudformation_stacks(api: Api, region: str, workers: int) -> dict[str, Any]:
    keys = ("StackId", "StackName", "RoleARN", "StackStatus", "CreationTime", "Tags")
    answer = api.merged("cloudformation", "describe_stacks", ["Stacks"], region=region)
    return {"Stacks": [pick(s, keys) for s in answer["Stacks"]]}


def codebuild_projects(api: Api, region: str, workers: int) -> dict[str, Any]:
    names = api.merged("codebuild", "list_projects", ["projects"], region=region)["projects"]
    projects: list[dict[str, Any]] = []
    missing: list[str] = []
    for start in range(0, len(names), 100):
        answer = api.call("codebuild", "batch_get_projects", region=region, names=names[start : start + 100])
        projects += [pick(p, ("name", "arn", "serviceRole", "tags", "created")) for p in answer.get("projects", [])]
        missing += answer.get("projectsNotFound") or []
    return {"projects": projects, "projectsNotFound": missing}


def glue_jobs(api: Api, region: str, workers: int) -> dict[str, Any]:
    answer = api.merged("glue", "get_jobs", ["Jobs"], region=region)
    jobs = [
        {**pick(j, ("Name", "Role", "CreatedOn")), "Command": pick(j.get("Command") or {}, ("Name",))}
        for j in answer["Jobs"]
    ]
    return {"Jobs": jobs, "Account": api.account, "Region": region}


def glue_dev_endpoints(api: Api, region: str, workers: int) -> dict[str, Any]:
    answer = api.merged("glue", "get_dev_endpoints", ["DevEndpoints"], region=region)
    keys = ("EndpointName", "RoleArn", "Status", "CreatedTimestamp")
    return {"DevEndpoints": [pick(e, keys) for e in answer["DevEndpoints"]], "Account": api.account, "Region": region}


def sagemaker_notebooks(api: Api, region: str, workers: int) -> list[dict[str, Any]]:
    listing = api.merged("sagemaker", "list_notebook_instances", ["NotebookInstances"], region=region)
    keys = (
        "NotebookInstanceArn",
        "NotebookInstanceName",
        "NotebookInstanceStatus",
        "RoleArn",
        "CreationTime",
        "DirectInternetAccess",
        "RootAccess",
    )

    def describe(item: dict[str, Any]) -> dict[str, Any]:
        answer = api.call(
            "sagemaker", "describe_notebook_instance", region=region, NotebookInstanceName=item["NotebookInstanceName"]
        )
        return pick(answer, keys)

    return map_bounded(describe, listing["NotebookInstances"], workers)


def bedrock_agents(api: Api, region: str, workers: int) -> list[dict[str, Any]]:
    listing = api.merged("bedrock-agent", "list_agents", ["agentSummaries"], region=region)
    keys = (
        "agentId",
        "agentName",
        "agentArn",
        "agentResourceRoleArn",
        "agentStatus",
        "foundationModel",
        "createdAt",
        "updatedAt",
    )

    def get(summary: dict[str, Any]) -> dict[str, Any]:
        answer = api.call("bedrock-agent", "get_agent", region=region, agentId=summary["agentId"])
        return {"agent": pick(answer.get("agent") or {}, keys)}

    return map_bounded(get, listing["agentSummaries"], workers)


def agentcore_runtimes(api: Api, region: str, workers: int) -> list[dict[str, Any]]:
    listing = api.merged("bedrock-agentcore-control", "list_agent_runtimes", ["agentRuntimes"], region=region)
    keys = (
        "agentRuntimeArn",
        "agentRuntimeName",
        "agentRuntimeId",
        "roleArn",
        "status",
        "workloadIdentityDetails",
        "createdAt",
    )

    def get(summary: dict[str, Any]) -> dict[str, Any]:
        answer = api.call(
            "bedrock-agentcore-control", "get_agent_runtime", region=region, agentRuntimeId=summary["agentRuntimeId"]
        )
        return pick(answer, keys)

    return map_bounded(get, listing["agentRuntimes"], workers)


def agentcore_gateways(api: Api, region: str, workers: int) -> list[dict[str, Any]]:
    listing = api.merged("bedrock-agentcore-control", "list_gateways", ["items"], region=region)
    keys = ("gatewayArn", "gatewayId", "name", "roleArn", "status", "workloadIdentityDetails", "createdAt")

    def get(summary: dict[str, Any]) -> dict[str, Any]:
        answer = api.call(
            "bedrock-agentcore-control", "get_gateway", region=region, gatewayIdentifier=summary["gatewayId"]
        )
        return pick(answer, keys)

    return map_bounded(get, listing["items"], workers)


def agentcore_workload_identities(api: Api, region: str, workers: int) -> dict[str, Any]:
    listing = api.merged("bedrock-agentcore-control", "list_workload_identities", ["workloadIdentities"], region=region)

    def tagged(item: dict[str, Any]) -> dict[str, Any]:
        answer = api.call(
            "bedrock-agentcore-control",
            "list_tags_for_resource",
            region=region,
            resourceArn=item["workloadIdentityArn"],
        )
        return {**pick(item, ("name", "workloadIdentityArn")), "tags": answer.get("tags") or {}}

    return {"workloadIdentities": map_bounded(tagged, listing["workloadIdentities"], workers)}


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkloadSource:
    file: str
    service: str
    call: str
    what: str
    collect: Collector
    #: Workload kinds the answer lists in full (none for agent identities, which are not workloads).
    kinds: tuple[str, ...] = ()


WORKLOAD_SOURCES = (
    WorkloadSource(
        file="ec2-instances.json",
        service="ec2",
        call="ec2:DescribeInstances",
        what="EC2 instances",
        collect=ec2_instances,
        kinds=("ec2-instance",),
    ),
    WorkloadSource(
        file="lambda-functions.json",
        service="lambda",
        call="lambda:ListFunctions",
        what="Lambda functions",
        collect=lambda_functions,
        kinds=("lambda-function",),
    ),
    WorkloadSource(
        file="ecs-task-definitions.json",
        service="ecs",
        call="ecs:DescribeTaskDefinition",
        what="ECS task definitions",
        collect=ecs_task_definitions,
        kinds=("ecs-task", "ecs-task-execution"),
    ),
    WorkloadSource(
        file="cloudformation-stacks.json",
        service="cloudformation",
        call="cloudformation:DescribeStacks",
        what="CloudFormation stacks",
        collect=cloudformation_stacks,
        kinds=("cloudformation-stack",),
    ),
    WorkloadSource(
        file="codebuild-projects.json",
        service="codebuild",
        call="codebuild:BatchGetProjects",
        what="CodeBuild projects",
        collect=codebuild_projects,
        kinds=("codebuild-project",),
    ),
    WorkloadSource(
        file="glue-jobs.json",
        service="glue",
        call="glue:GetJobs",
        what="Glue jobs",
        collect=glue_jobs,
        kinds=("glue-job",),
    ),
    WorkloadSource(
        file="glue-dev-endpoints.json",
        service="glue",
        call="glue:GetDevEndpoints",
        what="Glue development endpoints",
        collect=glue_dev_endpoints,
        kinds=("glue-dev-endpoint",),
    ),
    WorkloadSource(
        file="sagemaker-notebooks.json",
        service="sagemaker",
        call="sagemaker:DescribeNotebookInstance",
        what="SageMaker notebook instances",
        collect=sagemaker_notebooks,
        kinds=("sagemaker-notebook",),
    ),
    WorkloadSource(
        file="bedrock-agents.json",
        service="bedrock-agent",
        call="bedrock:GetAgent",
        what="Bedrock agents",
        collect=bedrock_agents,
        kinds=("bedrock-agent",),
    ),
    WorkloadSource(
        file="agentcore-runtimes.json",
        service="bedrock-agentcore-control",
        call="bedrock-agentcore:GetAgentRuntime",
        what="AgentCore runtimes",
        collect=agentcore_runtimes,
        kinds=("agentcore-runtime",),
    ),
    WorkloadSource(
        file="agentcore-gateways.json",
        service="bedrock-agentcore-control",
        call="bedrock-agentcore:GetGateway",
        what="AgentCore gateways",
        collect=agentcore_gateways,
        kinds=("agentcore-gateway",),
    ),
    WorkloadSource(
        file="agentcore-workload-identities.json",
        service="bedrock-agentcore-control",
        call="bedrock-agentcore:ListWorkloadIdentities",
        what="AgentCore workload identities",
        collect=agentcore_workload_identities,
    ),
)
