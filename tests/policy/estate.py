"""A synthetic estate: many principals sharing a few dozen managed policies (for the speed test and the bench)."""

from __future__ import annotations

import random
from typing import Any

from nhi_scan.model import Grant, PolicyKind
from nhi_scan.policy.aws import PolicyCache, PrincipalPermissions, catalog
from tests.policy.builders import ACCOUNT, context, doc, grant, stmt

ROLE = f"arn:aws:iam::{ACCOUNT}:role/"


def candidate_actions(count: int = 100) -> list[str]:
    """``count`` real actions, weighted to IAM like the escalation methods (catalogue spellings)."""
    escalation = ["iam:passrole", "iam:createaccesskey", "iam:attachuserpolicy", "iam:putrolepolicy", "sts:assumerole"]
    iam = escalation + sorted(catalog.service_actions("iam") - set(escalation))[: count // 2 - len(escalation)]
    others = sorted(
        a for s in ("sts", "lambda", "ec2", "glue", "cloudformation", "ssm") for a in catalog.service_actions(s)
    )
    picked = iam + random.Random(1).sample(others, count - len(iam))
    return [(info.name if (info := catalog.info(a)) else a) for a in picked]


def managed_documents(rng: random.Random, count: int = 50) -> list[dict[str, Any]]:
    services = ["s3", "ec2", "iam", "lambda", "sts", "glue", "ssm", "dynamodb", "logs", "kms"]
    documents = []
    for index in range(count):
        statements = []
        for _ in range(rng.randint(2, 6)):
            service = rng.choice(services)
            action = rng.choice([f"{service}:*", f"{service}:Get*", f"{service}:Create*", f"{service}:Pass*"])
            resource = rng.choice(["*", ROLE + "app-*", f"arn:aws:{service}:*:{ACCOUNT}:*"])
            body = stmt(action=[action], resource=resource)
            roll = rng.random()
            if roll < 0.15:
                body["Condition"] = {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}
            elif roll < 0.25:
                body["Condition"] = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}
            statements.append(body)
        if index % 7 == 0:
            statements.append(stmt("Deny", action="iam:CreateAccessKey"))
        if index % 11 == 0:
            statements = [stmt(not_action=["iam:*", "organizations:*"])]
        if index % 13 == 5:
            statements = [stmt(action="*")]
        documents.append(doc(*statements))
    return documents


def principal_grants(count: int, seed: int = 3) -> list[tuple[str, list[Grant], dict[str, str]]]:
    rng = random.Random(seed)
    documents = managed_documents(rng)
    estate = []
    for index in range(count):
        arn = ROLE + f"r{index}"
        picks = rng.sample(range(len(documents)), rng.randint(2, 5))
        grants = [
            grant(documents[p], name=f"managed-{p}", kind=PolicyKind.MANAGED, principal=arn) for p in sorted(picks)
        ]
        if index % 3 == 0:
            inline = doc(stmt(action="iam:PassRole", resource=ROLE + f"app-{index % 40}"))
            grants.append(grant(inline, name=f"{arn}#inline/pass", principal=arn))
        tags = {"team": rng.choice(["blue", "red"])}
        estate.append((arn, grants, tags))
    return estate


def build(estate: list[tuple[str, list[Grant], dict[str, str]]], cache: PolicyCache) -> list[PrincipalPermissions]:
    return [
        PrincipalPermissions.from_grants(grants, context=context(arn, principal_tags=tags), cache=cache)
        for arn, grants, tags in estate
    ]
