"""`aws sagemaker describe-notebook-instance` answers (one, or a JSON array): a notebook runs as its ``RoleArn``."""

from __future__ import annotations

from nhi_scan.connectors.aws import AWS
from nhi_scan.connectors.aws.formats._common import answers, sniff_answers
from nhi_scan.connectors.aws.workloads import WorkloadList, WorkloadRecord, arn_account, arn_region
from nhi_scan.connectors.formats import InputFormat


def sniff(value: object) -> bool:
    return sniff_answers(value, lambda answer: "NotebookInstanceArn" in answer and "NotebookInstanceName" in answer)


def load(source: str, value: object) -> WorkloadList:
    records = []
    for answer in answers(source, value):
        arn = answer.string("NotebookInstanceArn")
        status = answer.opt_str("NotebookInstanceStatus")
        if status == "Deleting":
            continue
        records.append(
            WorkloadRecord(
                id=arn,
                kind="sagemaker-notebook",
                service="sagemaker",
                name=answer.opt_str("NotebookInstanceName") or arn.rsplit("/", 1)[-1],
                role=answer.opt_str("RoleArn"),
                account=arn_account(arn),
                region=arn_region(arn),
                attributes={
                    "status": status,
                    "direct_internet_access": answer.opt_str("DirectInternetAccess"),
                    "root_access": answer.opt_str("RootAccess"),
                },
            )
        )
    return WorkloadList(kind="sagemaker-notebook", workloads=tuple(records))


FORMAT = InputFormat(
    name="aws-sagemaker-notebooks",
    provider=AWS,
    description="aws sagemaker describe-notebook-instance",
    sniff_json=sniff,
    load=load,
)
