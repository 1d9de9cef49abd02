"""Generate a synthetic AWS account export for benchmarks: GAAD `authz.json` + `credential-report.csv`.

    python bench/generate_aws.py --principals 10000 --out /tmp/aws-10k [--seed 1]

The files have exactly the shapes the AWS CLI writes (`aws iam get-account-authorization-details`, the decoded IAM
credential report). About 45% users, 50% roles, 5% groups, 3 customer-managed policies per 100 principals
(1-5 versions each). Output is written entry by entry, so memory stays flat; the same --seed gives the same bytes.
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aws_catalog as cat

ACCOUNT = "111122223333"
EXPORT_TIME = datetime(2026, 11, 28, 6, 0, 0, tzinfo=UTC)
FIRST_DAY = datetime(2016, 1, 4, tzinfo=UTC)
OTHER_ACCOUNTS = (
    "444455556666",
    "777788889999",
    "210987654321",
    "464622532012",
    "123456789012",
    "098765432109",
    "555566667777",
    "999900001111",
)
CSV_HEADER = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
Doc = dict[str, Any]


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+00:00")


class Account:
    """Names of every principal and policy, decided up front so documents can reference each other."""

    def __init__(self, principals: int, rng: random.Random) -> None:
        self.rng = rng
        n_groups = max(1, round(principals * 0.05))
        n_users = max(1, round(principals * 0.45))
        n_roles = max(1, principals - n_users - n_groups)
        self.taken: set[str] = set()
        classic = ("Admins", "Developers", "ReadOnly", "Billing", "Auditors", "ci-machines")
        self.groups = [self._unique(classic[i] if i < len(classic) else self._group_name()) for i in range(n_groups)]
        self.users = [self._user() for _ in range(n_users)]
        self.roles = [self._role(i) for i in range(n_roles)]
        n_policies = max(10, round(principals * 0.03))
        self.policies = [
            (self._unique(self._policy_name()), rng.choice(("/", "/", "/", "/app/", "/ci/"))) for _ in range(n_policies)
        ]
        self.role_arns = [f"arn:aws:iam::{ACCOUNT}:role{path}{name}" for name, path, _ in self.roles]

    def _unique(self, name: str) -> str:
        base, n = name, 2
        while name.lower() in self.taken:
            name, n = f"{base}{n}" if "." in base else f"{base}-{n}", n + 1
        self.taken.add(name.lower())
        return name

    def _group_name(self) -> str:
        r = self.rng
        return r.choice(
            (
                f"{r.choice(cat.APPS)}-{r.choice(('developers', 'admins', 'readers', 'oncall'))}",
                f"team-{r.choice(cat.APPS)}",
                f"{r.choice(cat.APPS)}-{r.choice(cat.ENVS)}-deployers",
            )
        )

    def _policy_name(self) -> str:
        r = self.rng
        return r.choice(
            (
                f"{r.choice(cat.APPS)}-{r.choice(cat.ENVS)}-access",
                f"{r.choice(cat.APPS)}-{r.choice(('read', 'write', 'deploy', 'runtime'))}",
                f"nw-{r.choice(('guardrail', 'boundary', 'baseline'))}-{r.choice(cat.APPS)}",
            )
        )

    def _user(self) -> tuple[str, str, bool]:
        r = self.rng
        if r.random() < 0.4:
            name = f"{r.choice(cat.FIRST)}.{r.choice(cat.LAST)}"
            path = "/contractors/" if r.random() < 0.05 else "/"
            return self._unique(name), path, True
        kind = r.choice(cat.MACHINE_USER_KINDS)
        name = r.choice(
            (
                f"{r.choice(cat.APPS)}-{kind}",
                f"{kind}-{r.choice(cat.APPS)}",
                f"svc-{r.choice(cat.APPS)}-{r.choice(cat.ENVS)}",
                f"{r.choice(cat.VENDORS)}-integration",
            )
        )
        path = r.choice(("/", "/", "/", "/ci/", "/service/", "/system/"))
        return self._unique(name), path, False

    def _role(self, index: int) -> tuple[str, str, str]:
        """(name, path, trust kind)."""
        r = self.rng
        if index < len(cat.SERVICE_LINKED):
            name, service, _ = cat.SERVICE_LINKED[index]
            return self._unique(name), f"/aws-service-role/{service}/", "service-linked"
        kind = r.choices(("service", "same-account", "cross-account", "oidc", "sso"), (55, 15, 12, 13, 5))[0]
        app, env = r.choice(cat.APPS), r.choice(cat.ENVS)
        if kind == "service":
            service = r.choices([s for s, _ in cat.SERVICE_PRINCIPALS], [w for _, w in cat.SERVICE_PRINCIPALS])[0]
            short = service.split(".")[0]
            if short == "bedrock" and r.random() < 0.5:
                return self._unique(f"AmazonBedrockExecutionRoleForAgents_{app}"), "/service-role/", service
            path = "/service-role/" if r.random() < 0.3 else "/"
            return self._unique(f"{short}-{app}-{env}"), path, service
        if kind == "sso":
            perm = r.choice(cat.PERMISSION_SETS)
            suffix = "".join(r.choice("0123456789abcdef") for _ in range(16))
            return self._unique(f"AWSReservedSSO_{perm}_{suffix}"), "/aws-reserved/sso.amazonaws.com/", "sso"
        if kind == "oidc":
            name = f"github-actions-{app}-{env}" if r.random() < 0.75 else f"eks-{app}-{env}-irsa"
            return self._unique(name), "/", "oidc"
        if kind == "cross-account":
            name = f"{r.choice(cat.VENDORS)}-integration-role" if r.random() < 0.5 else f"{app}-cross-account"
            return self._unique(name), "/", kind
        return self._unique(f"{app}-{env}-{r.choice(('admin', 'operator', 'deployer', 'reader', 'runner'))}"), "/", kind


class Generator:
    def __init__(self, account: Account, rng: random.Random) -> None:
        self.a = account
        self.rng = rng
        self.attachments: dict[str, int] = {}
        self.boundaries: dict[str, int] = {}

    # ------------------------------------------------------------------ primitives
    def uid(self, prefix: str, length: int = 17) -> str:
        bits = self.rng.getrandbits(5 * length)
        return prefix + "".join(B32[(bits >> (5 * i)) & 31] for i in range(length))

    def date_between(self, start: datetime, end: datetime) -> datetime:
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))

    def resource(self, service: str) -> str:
        template = cat.SERVICES[service][1]
        if not template:
            return "*"
        r = self.rng
        name = f"{r.choice(cat.APPS)}-{r.choice(cat.ENVS)}"
        if service == "s3":
            name = f"northwind-{name}" + r.choice(("", "/*", "/*", "/uploads/*"))
        elif service == "bedrock":
            name = r.choice(("anthropic.claude-3-5-sonnet-20240620-v1:0", "amazon.titan-embed-text-v2:0", "*"))
        elif service == "kms":
            name = "".join(r.choice("0123456789abcdef") for _ in range(8)) + "-1f2e-4d3c-8b9a-0123456789ab"
        if r.random() < 0.25:
            name = name.split("-")[0] + "-*"
        return template.format(a=ACCOUNT, r=r.choice(cat.REGIONS), n=name)

    # ------------------------------------------------------------------ statements
    def statement(self) -> Doc:
        r = self.rng
        kind = r.choices(
            (
                "scoped",
                "service-wildcard",
                "read",
                "deny",
                "not-action",
                "iam",
                "passrole",
                "assume",
                "not-resource",
                "star",
            ),
            (44, 12, 14, 8, 2, 5, 5, 8, 1, 1),
        )[0]
        statement: Doc = {}
        if r.random() < 0.45:
            statement["Sid"] = f"{kind.title().replace('-', '')}{r.randint(1, 99)}"
        service = r.choice(list(cat.SERVICES))
        actions = cat.SERVICES[service][0]
        effect, condition = "Allow", None
        if kind == "scoped":
            action: Any = [f"{service}:{x}" for x in r.sample(actions, r.randint(1, min(3, len(actions))))]
            resource: Any = [self.resource(service) for _ in range(r.choice((1, 1, 1, 2)))]
        elif kind == "service-wildcard":
            action, resource = f"{service}:*", r.choice(("*", self.resource(service)))
        elif kind == "read":
            action = [
                f"{s}:{p}"
                for s in r.sample(list(cat.SERVICES), r.randint(1, 2))
                for p in r.sample(cat.READ_PREFIXES, 2)
            ]
            resource = "*"
        elif kind == "deny":
            effect = "Deny"
            action = r.choice(
                (
                    ["iam:*", "organizations:*"],
                    [f"{service}:Delete*"],
                    "s3:DeleteBucket",
                    ["iam:PassRole"],
                    ["sts:AssumeRole"],
                    ["kms:ScheduleKeyDeletion"],
                )
            )
            resource = "*"
            if r.random() < 0.4:
                condition = r.choice(cat.CONDITIONS)
        elif kind == "not-action":
            statement.update(
                {
                    "Effect": "Deny" if r.random() < 0.6 else "Allow",
                    "NotAction": ["iam:*", "sts:*", "organizations:*", "cloudfront:*", "support:*"],
                    "Resource": "*",
                }
            )
            if statement["Effect"] == "Deny":
                statement["Condition"] = {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}
            return statement
        elif kind == "iam":
            action, resource = self.iam_statement()
        elif kind == "passrole":
            action = "iam:PassRole"
            resource = (
                "*" if r.random() < 0.25 else r.sample(self.a.role_arns, min(len(self.a.role_arns), r.randint(1, 2)))
            )
            if r.random() < 0.6:
                service_principal = r.choice(cat.SERVICE_PRINCIPALS)[0]
                condition = {"StringEquals": {"iam:PassedToService": service_principal}}
        elif kind == "assume":
            action = "sts:AssumeRole"
            pick = r.random()
            if pick < 0.6:
                resource = r.sample(self.a.role_arns, min(len(self.a.role_arns), r.randint(1, 3)))
            elif pick < 0.8:
                resource = f"arn:aws:iam::{r.choice(OTHER_ACCOUNTS)}:role/{r.choice(cat.APPS)}-*"
            else:
                resource = f"arn:aws:iam::{ACCOUNT}:role/{r.choice(cat.APPS)}-*"
        elif kind == "not-resource":
            statement.update(
                {
                    "Effect": "Allow",
                    "Action": "s3:*",
                    "NotResource": [
                        f"arn:aws:s3:::northwind-{r.choice(cat.APPS)}-prod",
                        f"arn:aws:s3:::northwind-{r.choice(cat.APPS)}-prod/*",
                    ],
                }
            )
            return statement
        else:
            action, resource = "*", "*"
        if isinstance(action, list) and len(action) == 1 and r.random() < 0.5:
            action = action[0]
        if isinstance(resource, list) and len(resource) == 1 and r.random() < 0.6:
            resource = resource[0]
        statement.update({"Effect": effect, "Action": action, "Resource": resource})
        if condition is None and r.random() < 0.15:
            condition = r.choice(cat.CONDITIONS)
        if condition:
            statement["Condition"] = condition
        return statement

    def iam_statement(self) -> tuple[Any, Any]:
        r = self.rng
        target = r.choice(("user", "role", "group", "policy"))
        if target == "user":
            name, path, _ = r.choice(self.a.users)
            actions = r.sample(cat.IAM_USER_ACTIONS, r.randint(1, 2))
            resource = (
                f"arn:aws:iam::{ACCOUNT}:user{path}{name}" if r.random() < 0.7 else f"arn:aws:iam::{ACCOUNT}:user/*"
            )
        elif target == "role":
            actions = r.sample(cat.IAM_ROLE_ACTIONS, r.randint(1, 2))
            resource = r.choice(self.a.role_arns) if r.random() < 0.8 else f"arn:aws:iam::{ACCOUNT}:role/*"
        elif target == "group":
            actions = r.sample(cat.IAM_GROUP_ACTIONS, 1)
            resource = f"arn:aws:iam::{ACCOUNT}:group/{r.choice(self.a.groups)}"
        else:
            actions = r.sample(cat.IAM_POLICY_ACTIONS, r.randint(1, 2))
            name, path = r.choice(self.a.policies)
            resource = f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"
        return actions, resource

    def document(self, low: int, high: int) -> Doc:
        return {"Version": "2012-10-17", "Statement": [self.statement() for _ in range(self.rng.randint(low, high))]}

    def inline(self, weights: tuple[int, ...], prefix: str) -> list[Doc]:
        count = self.rng.choices(range(len(weights)), weights)[0]
        return [
            {
                "PolicyName": f"{prefix}-{self.rng.choice(('access', 'runtime', 'deploy', 'extra', 'legacy'))}-{i}",
                "PolicyDocument": self.document(1, 2),
            }
            for i in range(count)
        ]

    # ------------------------------------------------------------------ attachments
    def attach(self, arns: list[str]) -> list[Doc]:
        seen: list[str] = []
        for policy_arn in arns:
            if policy_arn not in seen:
                seen.append(policy_arn)
                self.attachments[policy_arn] = self.attachments.get(policy_arn, 0) + 1
        return [{"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": p} for p in seen]

    def customer_policy_arn(self) -> str:
        name, path = self.rng.choice(self.a.policies)
        return f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"

    @staticmethod
    def aws_arn(name: str) -> str:
        path = cat.AWS_MANAGED[name][0] if name in cat.AWS_MANAGED else "/aws-service-role/"
        return f"arn:aws:iam::aws:policy{path}{name}"

    def broad_managed(self, count: int) -> list[str]:
        names = self.rng.choices([n for n, _ in cat.BROAD_MANAGED], [w for _, w in cat.BROAD_MANAGED], k=count)
        return [self.aws_arn(n) for n in names]

    def boundary(self, detail: Doc, probability: float) -> None:
        if self.rng.random() < probability:
            policy_arn = self.customer_policy_arn()
            self.boundaries[policy_arn] = self.boundaries.get(policy_arn, 0) + 1
            detail["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": policy_arn}

    def tags(self, probability: float, human: bool = False) -> list[Doc]:
        r = self.rng
        if r.random() >= probability:
            return []
        keys = r.sample(cat.TAG_KEYS, r.randint(1, 3))
        values = {
            "team": r.choice(cat.APPS) + "-team",
            "owner": f"{r.choice(cat.FIRST)}.{r.choice(cat.LAST)}",
            "env": r.choice(cat.ENVS),
            "cost-center": f"CC-{r.randint(1000, 9999)}",
            "app": r.choice(cat.APPS),
            "managed-by": r.choice(("terraform", "cloudformation", "cdk", "manual")),
            "purpose": r.choice(("ci", "etl", "monitoring", "integration", "backup")),
            "data-classification": r.choice(("public", "internal", "confidential")),
        }
        if human:
            keys = [k for k in keys if k in ("team", "cost-center")] or ["team"]
        return [{"Key": k, "Value": values[k]} for k in keys]

    # ------------------------------------------------------------------ credentials (credential report row)
    def recent(self, start: datetime) -> datetime:
        """A last-use time after start: mostly within the last month, sometimes long ago."""
        if self.rng.random() < 0.7:
            start = max(start, EXPORT_TIME - timedelta(days=30))
        return self.date_between(start, EXPORT_TIME)

    def key_slot(self, created_user: datetime, active: bool) -> list[str]:
        r = self.rng
        age_limit = min(1500.0, (EXPORT_TIME - created_user).total_seconds() / 86400)
        created = EXPORT_TIME - timedelta(days=r.uniform(0, age_limit))
        created = max(created, created_user).replace(microsecond=0)
        if r.random() < 0.15:
            return ["true" if active else "false", iso(created), "N/A", "N/A", "N/A"]
        service = r.choice(("s3", "sts", "iam", "ec2", "lambda", "dynamodb", "sqs", "ecr", "logs", "monitoring"))
        region = "us-east-1" if service == "iam" else r.choice(cat.REGIONS)
        return ["true" if active else "false", iso(created), iso(self.recent(created)), region, service]

    def credential_row(self, name: str, arn: str, created: datetime, human: bool) -> list[str]:
        r = self.rng
        row = [name, arn, iso(created)]
        if r.random() < (0.9 if human else 0.05):
            changed = self.date_between(created, EXPORT_TIME)
            used = "no_information" if r.random() < 0.07 else iso(self.recent(changed))
            row += ["true", used, iso(changed), "N/A", "true" if r.random() < (0.85 if human else 0.1) else "false"]
        else:
            row += ["false", "N/A", "N/A", "N/A", "false"]
        keys = r.choices((0, 1, 2), (70, 25, 5) if human else (10, 72, 18))[0]
        for slot in range(2):
            row += self.key_slot(created, r.random() < 0.85) if slot < keys else ["false", "N/A", "N/A", "N/A", "N/A"]
        if r.random() < 0.01:
            row += ["true", iso(self.date_between(created, EXPORT_TIME)), "false", "N/A"]
        else:
            row += ["false", "N/A", "false", "N/A"]
        return row

    # ------------------------------------------------------------------ principals
    def user(self, name: str, path: str, human: bool) -> tuple[Doc, list[str]]:
        r = self.rng
        created = self.date_between(FIRST_DAY, EXPORT_TIME - timedelta(days=1))
        arn = f"arn:aws:iam::{ACCOUNT}:user{path}{name}"
        n_groups = r.choices((0, 1, 2, 3), (5, 60, 30, 5) if human else (35, 45, 15, 5))[0]
        attached = self.broad_managed(r.choices((0, 1), (85, 15))[0])
        if not human:
            attached = [self.customer_policy_arn() for _ in range(r.choices((0, 1, 2, 3), (35, 40, 18, 7))[0])] + (
                self.broad_managed(1) if r.random() < 0.2 else []
            )
        detail: Doc = {
            "Path": path,
            "UserName": name,
            "UserId": self.uid("AIDA"),
            "Arn": arn,
            "CreateDate": iso(created),
            "UserPolicyList": self.inline((85, 12, 3) if human else (50, 38, 10, 2), name.split(".")[0]),
            "GroupList": r.sample(self.a.groups, min(n_groups, len(self.a.groups))),
            "AttachedManagedPolicies": self.attach(attached),
        }
        self.boundary(detail, 0.02 if human else 0.06)
        detail["Tags"] = self.tags(0.6 if human else 0.5, human)
        return detail, self.credential_row(name, arn, created, human)

    def group(self, name: str) -> Doc:
        r = self.rng
        attached = self.broad_managed(r.choices((0, 1, 2), (30, 50, 20))[0])
        attached += [self.customer_policy_arn() for _ in range(r.choices((0, 1, 2), (40, 40, 20))[0])]
        return {
            "Path": "/",
            "GroupName": name,
            "GroupId": self.uid("AGPA"),
            "Arn": f"arn:aws:iam::{ACCOUNT}:group/{name}",
            "CreateDate": iso(self.date_between(FIRST_DAY, EXPORT_TIME - timedelta(days=1))),
            "GroupPolicyList": self.inline((45, 40, 15), "group"),
            "AttachedManagedPolicies": self.attach(attached),
        }

    def trust(self, kind: str, path: str) -> Doc:
        r = self.rng
        statement: Doc = {"Effect": "Allow"}
        if kind == "service-linked":
            statement.update(Principal={"Service": path.split("/")[2]}, Action="sts:AssumeRole")
        elif kind.endswith(".amazonaws.com"):
            statement.update(Principal={"Service": kind}, Action="sts:AssumeRole")
            if (kind.startswith("bedrock") and r.random() < 0.7) or r.random() < 0.12:
                statement["Condition"] = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
                if kind == "bedrock.amazonaws.com":
                    statement["Condition"]["ArnLike"] = {
                        "aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/*"
                    }
        elif kind == "same-account":
            pick = r.random()
            if pick < 0.3:
                statement.update(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="sts:AssumeRole")
                if r.random() < 0.5:
                    statement["Condition"] = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
            elif pick < 0.33:
                statement.update(
                    Principal={"AWS": "*"},
                    Action="sts:AssumeRole",
                    Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
                )
            else:
                principals = r.sample(self.a.role_arns, min(len(self.a.role_arns), r.choice((1, 1, 2, 3))))
                if r.random() < 0.03:
                    principals.append(self.uid("AROA"))
                if r.random() < 0.2:
                    uname, upath, _ = r.choice(self.a.users)
                    principals.append(f"arn:aws:iam::{ACCOUNT}:user{upath}{uname}")
                statement.update(
                    Principal={"AWS": principals[0] if len(principals) == 1 else principals}, Action="sts:AssumeRole"
                )
        elif kind == "cross-account":
            account = r.choice(OTHER_ACCOUNTS)
            principal = (
                f"arn:aws:iam::{account}:root"
                if r.random() < 0.7
                else f"arn:aws:iam::{account}:role/{r.choice(cat.APPS)}-access"
            )
            statement.update(Principal={"AWS": principal}, Action="sts:AssumeRole")
            if r.random() < 0.55:
                statement["Condition"] = {"StringEquals": {"sts:ExternalId": f"{r.getrandbits(64):016x}"}}
        elif kind == "oidc":
            statement.update(self.oidc_trust())
        else:  # sso
            statement.update(
                Principal={"Federated": f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_5d2e8a9c1f4b7e36_DO_NOT_DELETE"},
                Action=["sts:AssumeRoleWithSAML", "sts:TagSession"],
                Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            )
        statements = [statement]
        if kind not in ("sso", "service-linked") and r.random() < 0.08:
            statements.append(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": r.choice(cat.SERVICE_PRINCIPALS)[0]},
                    "Action": "sts:AssumeRole",
                }
            )
        return {"Version": "2012-10-17", "Statement": statements}

    def oidc_trust(self) -> Doc:
        r = self.rng
        if r.random() < 0.75:
            issuer = "token.actions.githubusercontent.com"
            condition: Doc = {"StringEquals": {f"{issuer}:aud": "sts.amazonaws.com"}}
            repo = f"northwind/{r.choice(cat.APPS)}"
            pick = r.random()
            if pick < 0.5:
                condition["StringEquals"][f"{issuer}:sub"] = f"repo:{repo}:ref:refs/heads/main"
            elif pick < 0.8:
                condition["StringLike"] = {f"{issuer}:sub": r.choice(("repo:northwind/*", f"repo:{repo}:*"))}
            elif pick < 0.9:
                condition["StringLike"] = {f"{issuer}:sub": f"repo:{repo}:environment:*"}
        else:
            issuer = f"oidc.eks.us-east-1.amazonaws.com/id/{r.getrandbits(128):032X}"
            condition = {
                "StringEquals": {
                    f"{issuer}:aud": "sts.amazonaws.com",
                    f"{issuer}:sub": f"system:serviceaccount:{r.choice(cat.APPS)}:default",
                }
            }
        return {
            "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }

    def role(self, name: str, path: str, kind: str) -> Doc:
        r = self.rng
        created = self.date_between(FIRST_DAY, EXPORT_TIME - timedelta(days=1))
        arn = f"arn:aws:iam::{ACCOUNT}:role{path}{name}"
        trust = self.trust(kind, path)
        attached: list[str] = []
        inline: list[Doc] = []
        if kind == "service-linked":
            attached = [self.aws_arn(next(p for n, _, p in cat.SERVICE_LINKED if n == name))]
        elif kind == "sso":
            permission_set = name.split("_")[1]
            if permission_set in cat.AWS_MANAGED:
                attached = [self.aws_arn(permission_set)]
            else:
                inline = [{"PolicyName": "AwsSSOInlinePolicy", "PolicyDocument": self.document(2, 5)}]
        else:
            typical = cat.SERVICE_MANAGED.get(kind, ())
            if typical:
                attached = [self.aws_arn(p) for p in r.sample(typical, r.randint(0, min(2, len(typical))))]
            attached += [self.customer_policy_arn() for _ in range(r.choices((0, 1, 2), (45, 40, 15))[0])]
            if r.random() < 0.15:
                attached += self.broad_managed(1)
            inline = self.inline((62, 31, 6, 1), "role")
        role_id = self.uid("AROA")
        profiles: list[Doc] = []
        if kind == "ec2.amazonaws.com" and r.random() < 0.85:
            profiles.append(
                {
                    "Path": "/",
                    "InstanceProfileName": name,
                    "InstanceProfileId": self.uid("AIPA"),
                    "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile/{name}",
                    "CreateDate": iso(created),
                    "Roles": [
                        {
                            "Path": path,
                            "RoleName": name,
                            "RoleId": role_id,
                            "Arn": arn,
                            "CreateDate": iso(created),
                            "AssumeRolePolicyDocument": trust,
                        }
                    ],
                }
            )
        detail: Doc = {
            "Path": path,
            "RoleName": name,
            "RoleId": role_id,
            "Arn": arn,
            "CreateDate": iso(created),
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": profiles,
            "RolePolicyList": inline,
            "AttachedManagedPolicies": self.attach(attached),
        }
        if kind not in ("service-linked", "sso"):
            self.boundary(detail, 0.05)
        detail["Tags"] = [] if kind in ("service-linked", "sso") else self.tags(0.5)
        last_used: Doc = {}
        if r.random() < 0.8:
            last_used = {"LastUsedDate": iso(self.recent(created)), "Region": r.choice(cat.REGIONS)}
        detail["RoleLastUsed"] = last_used
        return detail

    # ------------------------------------------------------------------ managed policies (after all attachments)
    def policies(self) -> Iterator[Doc]:
        r = self.rng
        for name, path in self.a.policies:
            arn = f"arn:aws:iam::{ACCOUNT}:policy{path}{name}"
            count = r.choices((1, 2, 3, 4, 5), (40, 25, 15, 10, 10))[0]
            created = self.date_between(FIRST_DAY, EXPORT_TIME - timedelta(days=2))
            dates = sorted(self.date_between(created, EXPORT_TIME) for _ in range(count - 1))
            versions = [(f"v{i + 1}", moment) for i, moment in enumerate([created, *dates])]
            default = versions[-1][0] if r.random() < 0.85 else r.choice(versions)[0]
            yield {
                "PolicyName": name,
                "PolicyId": self.uid("ANPA"),
                "Arn": arn,
                "Path": path,
                "DefaultVersionId": default,
                "AttachmentCount": self.attachments.get(arn, 0),
                "PermissionsBoundaryUsageCount": self.boundaries.get(arn, 0),
                "IsAttachable": True,
                "CreateDate": iso(created),
                "UpdateDate": iso(versions[-1][1]),
                "PolicyVersionList": [
                    {
                        "Document": self.document(1, 5),
                        "VersionId": vid,
                        "IsDefaultVersion": vid == default,
                        "CreateDate": iso(moment),
                    }
                    for vid, moment in reversed(versions)
                ],
            }
        for arn in sorted(a for a in self.attachments if a.startswith("arn:aws:iam::aws:")):
            name = arn.rsplit("/", 1)[-1]
            path, version, document = cat.AWS_MANAGED.get(
                name, ("/aws-service-role/", "v1", cat.SERVICE_LINKED_POLICY_DOC)
            )
            yield {
                "PolicyName": name,
                "PolicyId": self.uid("ANPA"),
                "Arn": arn,
                "Path": path,
                "DefaultVersionId": version,
                "AttachmentCount": self.attachments[arn],
                "PermissionsBoundaryUsageCount": 0,
                "IsAttachable": True,
                "CreateDate": "2015-02-06T18:39:46+00:00",
                "UpdateDate": "2024-06-12T17:05:21+00:00",
                "PolicyVersionList": [
                    {
                        "Document": document,
                        "VersionId": version,
                        "IsDefaultVersion": True,
                        "CreateDate": "2024-06-12T17:05:21+00:00",
                    }
                ],
            }


def write_list(out: TextIO, key: str, entries: Iterator[Doc]) -> None:
    """One GAAD list at the CLI's 4-space indentation, one entry at a time."""
    out.write(f'    "{key}": [')
    separator = "\n        "
    empty = True
    for entry in entries:
        out.write(separator + json.dumps(entry, indent=4).replace("\n", "\n        "))
        separator, empty = ",\n        ", False
    out.write("]" if empty else "\n    ]")
    out.write(",\n")


def generate(principals: int, out_dir: Path, seed: int = 1) -> dict[str, int]:
    """Write authz.json and credential-report.csv into out_dir; return counts."""
    rng = random.Random(seed)
    account = Account(principals, rng)
    gen = Generator(account, rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        (out_dir / "authz.json").open("w", encoding="utf-8") as gaad,
        (out_dir / "credential-report.csv").open("w", encoding="utf-8", newline="") as report,
    ):
        rows = csv.writer(report, lineterminator="\n")
        rows.writerow(CSV_HEADER)
        root_key = gen.key_slot(FIRST_DAY, True)
        rows.writerow(
            [
                "<root_account>",
                f"arn:aws:iam::{ACCOUNT}:root",
                iso(FIRST_DAY),
                "not_supported",
                iso(gen.recent(FIRST_DAY)),
                "not_supported",
                "not_supported",
                "true",
                *root_key,
                "false",
                "N/A",
                "N/A",
                "N/A",
                "N/A",
                "false",
                "N/A",
                "false",
                "N/A",
            ]
        )

        def users() -> Iterator[Doc]:
            for name, path, human in account.users:
                detail, row = gen.user(name, path, human)
                rows.writerow(row)
                yield detail

        gaad.write("{\n")
        write_list(gaad, "UserDetailList", users())
        write_list(gaad, "GroupDetailList", (gen.group(name) for name in account.groups))
        write_list(gaad, "RoleDetailList", (gen.role(*role) for role in account.roles))
        write_list(gaad, "Policies", gen.policies())
        gaad.write('    "IsTruncated": false\n}\n')
    return {
        "users": len(account.users),
        "groups": len(account.groups),
        "roles": len(account.roles),
        "customer_policies": len(account.policies),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic AWS IAM export (GAAD + credential report).")
    parser.add_argument("--principals", type=int, default=10_000, help="users + roles + groups (default 10000)")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.principals < 20:
        parser.error("--principals must be at least 20")
    started = time.perf_counter()
    counts = generate(args.principals, args.out, args.seed)
    elapsed = time.perf_counter() - started
    sizes = {name: (args.out / name).stat().st_size for name in ("authz.json", "credential-report.csv")}
    print(
        f"{args.out}: {counts['users']} users, {counts['groups']} groups, {counts['roles']} roles, "
        f"{counts['customer_policies']} customer-managed policies; authz.json {sizes['authz.json'] / 1e6:.1f} MB, "
        f"credential-report.csv {sizes['credential-report.csv'] / 1e6:.1f} MB; {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
