"""``eks-irsa audit`` against moto (in process, ``mock_aws``), and the pure rules of ``eks_irsa.audit``.

A clean account (roles rendered by this package's own renderers) gives no finding; each bad pattern,
seeded on top of it, gives its code with a message naming the resource and a fix. The audit is read
only (a refused mutation is never sent), pages through 1,200 roles, survives throttling, and finds
nothing in the account our own dev stack would create, read with the ServiceAccounts it registers.

What moto cannot show (moto 5.2.5): EKS Pod Identity associations are not implemented (moto answers
404 "Not yet implemented"), so a fake answering ``ListPodIdentityAssociations`` and
``DescribePodIdentityAssociation`` on the session (its answers checked against botocore's EKS output
shapes) stands in; moto's EKS clusters get a random issuer, so the dev stack test sets the plan's
issuer on moto's cluster; moto never throttles, so a ``before-send`` hook answers ``Throttling``.
Launch template metadata options, node groups, OIDC providers, roles, inline and managed policies
(AWS managed ones with ``MOTO_IAM_LOAD_MANAGED_POLICIES``, only those the tests attach) are moto's own.
No real account was read.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import botocore.endpoint
import botocore.retries.bucket
import moto
import moto.iam.models as moto_iam
import pytest
from botocore.awsrequest import AWSResponse
from botocore.validate import ParamValidator

from eks_irsa import audit as rules
from eks_irsa.cli import audit as cli
from eks_irsa.cli import main as dispatcher
from eks_irsa.iam.trust import Subject, render_pod_identity_trust_policy, render_trust_policy

ALL_MANAGED_POLICIES = json.loads(moto_iam.aws_managed_policies_data)


def managed_policies(*names: str) -> str:
    """moto's own copies of the AWS managed policies ``names``, as moto's data module holds them."""
    return json.dumps({k: v for k, v in ALL_MANAGED_POLICIES.items() if k in names})


MANAGED_POLICIES = managed_policies(
    "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"
)
"""The AWS managed policies these tests attach; loading all ~1,300 of moto's costs a second per test."""

REGION = "us-west-2"
ACCOUNT = "123456789012"
NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
ORDERS_PERMISSIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/o"}
    ],
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, moto_speedups: None) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_REGION", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(moto_iam, "aws_managed_policies_data", MANAGED_POLICIES)
    with moto.mock_aws():
        yield


# --- the Pod Identity stand-in ---------------------------------------------------------------------------


@dataclass
class PodIdentityFake:
    """Answers the two Pod Identity reads moto lacks, checked against botocore's EKS output shapes."""

    associations: list[dict[str, str]] = field(default_factory=list)

    def add(self, cluster: str, namespace: str, service_account: str, role_arn: str) -> None:
        association_id = f"a-{len(self.associations):017d}"
        self.associations.append(
            {
                "clusterName": cluster,
                "namespace": namespace,
                "serviceAccount": service_account,
                "roleArn": role_arn,
                "associationId": association_id,
                "associationArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:podidentityassociation/{cluster}/{association_id}",
            }
        )

    def install(self, session: boto3.Session) -> None:
        session.events.register("before-call.eks.ListPodIdentityAssociations", self._list)
        session.events.register("before-call.eks.DescribePodIdentityAssociation", self._describe)

    def _answer(self, model, parsed: dict) -> tuple[AWSResponse, dict]:
        report = ParamValidator().validate(parsed, model.output_shape)
        assert not report.has_errors(), report.generate_report()
        return AWSResponse("https://eks.fake", 200, {}, None), parsed

    def _list(self, model, params, **_):
        cluster = params["url_path"].split("/")[2]
        keep = ("clusterName", "namespace", "serviceAccount", "associationId", "associationArn")
        found = [{k: a[k] for k in keep} for a in self.associations if a["clusterName"] == cluster]
        return self._answer(model, {"associations": found})

    def _describe(self, model, params, **_):
        association_id = params["url_path"].split("/")[-1]
        found = next(a for a in self.associations if a["associationId"] == association_id)
        return self._answer(model, {"association": dict(found)})


# --- a clean account, and changes that break it ------------------------------------------------------


@dataclass
class Account:
    """A clean account: cluster ``acme`` with its OIDC provider, a node group closed to pods (IMDSv2, hop
    limit 1) whose node role has only the node policies, an IRSA role for ``orders/orders-api`` and a Pod
    Identity role for ``billing/invoicer``, both rendered by this package; the dump holds their
    ServiceAccounts and pods."""

    iam: object
    eks: object
    ec2: object
    pod_identity: PodIdentityFake
    cluster_arn: str = ""
    issuer: str = ""
    provider_arn: str = ""
    node_role: str = ""
    irsa_role: str = ""
    pi_role: str = ""
    template_id: str = ""
    dump: dict = field(default_factory=lambda: {"apiVersion": "v1", "kind": "List", "items": []})

    @classmethod
    def clean(cls) -> Account:
        account = cls(boto3.client("iam"), boto3.client("eks"), boto3.client("ec2"), PodIdentityFake())
        account.node_role = account.role("acme-node", EC2_TRUST)
        for name in NODE_POLICIES:
            account.iam.attach_role_policy(RoleName="acme-node", PolicyArn=f"arn:aws:iam::aws:policy/{name}")
        cluster = account.eks.create_cluster(name="acme", roleArn=account.node_role, resourcesVpcConfig={})
        account.cluster_arn = cluster["cluster"]["arn"]
        account.issuer = cluster["cluster"]["identity"]["oidc"]["issuer"].removeprefix("https://")
        account.provider_arn = account.provider(account.issuer)
        account.template_id = account.template({"HttpTokens": "required", "HttpPutResponseHopLimit": 1})
        account.node_group("acme", "general", account.template_id)
        account.irsa_role = account.irsa("acme-orders-orders-api", "orders", "orders-api")
        account.iam.put_role_policy(
            RoleName="acme-orders-orders-api", PolicyName="permissions", PolicyDocument=json.dumps(ORDERS_PERMISSIONS)
        )
        account.pi_role = account.role(
            "acme-billing-invoicer", render_pod_identity_trust_policy(ACCOUNT, [account.cluster_arn])
        )
        account.pod_identity.add("acme", "billing", "invoicer", account.pi_role)
        account.service_account("orders", "orders-api", account.irsa_role)
        account.service_account("billing", "invoicer")
        account.pod("orders", "orders-api-0", "orders-api")
        account.pod("billing", "invoicer-0", "invoicer")
        account.pod("kube-system", "kube-proxy-0", "kube-proxy", host_network=True)
        account.service_account("kube-system", "kube-proxy")
        return account

    def role(self, name: str, trust: dict) -> str:
        return self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]

    def irsa(self, name: str, namespace: str, service_account: str) -> str:
        trust = render_trust_policy(self.provider_arn, self.issuer, [Subject(namespace, service_account)])
        return self.role(name, trust)

    def web_identity(self, name: str, condition: dict, provider: str | None = None) -> str:
        statement = {
            "Effect": "Allow",
            "Principal": {"Federated": provider or self.provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }
        return self.role(name, {"Version": "2012-10-17", "Statement": [statement]})

    def provider(self, issuer: str) -> str:
        return self.iam.create_open_id_connect_provider(
            Url=f"https://{issuer}", ClientIDList=["sts.amazonaws.com"], ThumbprintList=["9" * 40]
        )["OpenIDConnectProviderArn"]

    def template(self, options: dict) -> str:
        name = f"lt-{len(self.ec2.describe_launch_templates()['LaunchTemplates'])}"
        data = {"MetadataOptions": options} if options else {}
        return self.ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData=data)["LaunchTemplate"][
            "LaunchTemplateId"
        ]

    def node_group(self, cluster: str, name: str, template_id: str | None, role: str | None = None) -> None:
        extra = {"launchTemplate": {"id": template_id, "version": "1"}} if template_id else {}
        self.eks.create_nodegroup(
            clusterName=cluster, nodegroupName=name, nodeRole=role or self.node_role, subnets=["subnet-1"], **extra
        )

    def service_account(self, namespace: str, name: str, role_arn: str | None = None) -> None:
        metadata: dict = {"name": name, "namespace": namespace}
        if role_arn:
            metadata["annotations"] = {"eks.amazonaws.com/role-arn": role_arn}
        self.dump["items"].append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata})

    def pod(self, namespace: str, name: str, service_account: str, host_network: bool = False) -> None:
        spec = {"serviceAccountName": service_account, "hostNetwork": host_network, "containers": []}
        self.dump["items"].append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": namespace},
                "spec": spec,
                "status": {"phase": "Running"},
            }
        )


def stand_in(monkeypatch: pytest.MonkeyPatch, fake: PodIdentityFake, *hooks: tuple[str, Callable]) -> None:
    """Every read-only session the command makes gets the Pod Identity stand-in (and ``hooks``)."""
    made = cli.read_only_session

    def session(profile=None, region=None):
        result = made(profile, region)
        fake.install(result)
        for event, hook in hooks:
            result.events.register(event, hook)
        return result

    monkeypatch.setattr(cli, "read_only_session", session)


def run_cli(
    account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, dump: bool = True
) -> tuple[int, dict]:
    """``eks-irsa audit --json`` (with the account's dump), through the dispatcher, with the stand-in."""
    stand_in(monkeypatch, account.pod_identity)
    path = tmp_path / "sa-pods.json"
    path.write_text(json.dumps(account.dump))
    code = dispatcher(["audit", "--region", REGION, "--json", *(["--kube-dump", str(path)] if dump else [])])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {}


def codes(report: dict) -> list[str]:
    return sorted(f["code"] for f in report["findings"])


def test_clean_account_has_no_finding(aws, tmp_path, monkeypatch, capsys):
    account = Account.clean()
    code, report = run_cli(account, tmp_path, monkeypatch, capsys)
    assert report["findings"] == []
    assert code == 0
    access = {(r["namespace"], r["serviceAccount"]): r for r in report["serviceAccounts"]}
    assert access[("orders", "orders-api")]["admitted"] is True
    assert access[("orders", "orders-api")]["permissions"] == [
        f"permissions: dynamodb:GetItem on arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/o"
    ]
    assert access[("billing", "invoicer")]["identity"] == "pod-identity"
    assert access[("billing", "invoicer")]["roleArn"] == account.pi_role
    assert report["nodeGroups"][0]["podsReachImds"] is False
    assert report["oidcProviders"] == {"count": 1, "quota": 100}


def _anded(account: Account) -> None:
    old = "oidc.eks.us-west-2.amazonaws.com/id/OLDCLUSTER"
    account.provider(old)
    sub = "system:serviceaccount:orders:orders-api"
    account.web_identity(
        "anded",
        {
            "StringEquals": {
                f"{account.issuer}:sub": sub,
                f"{account.issuer}:aud": "sts.amazonaws.com",
                f"{old}:sub": sub,
                f"{old}:aud": "sts.amazonaws.com",
            }
        },
    )


def _missing_provider(account: Account) -> None:
    gone = account.provider("oidc.eks.us-west-2.amazonaws.com/id/REPLACED")
    account.web_identity(
        "stale",
        {"StringEquals": {"oidc.eks.us-west-2.amazonaws.com/id/REPLACED:sub": "system:serviceaccount:a:b"}},
        gone,
    )
    account.iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=gone)


def _quota(account: Account) -> None:
    for index in range(79):
        account.provider(f"oidc.eks.eu-west-1.amazonaws.com/id/Q{index:03d}")


def _reused(account: Account) -> None:
    other = account.eks.create_cluster(name="acme-green", roleArn=account.node_role, resourcesVpcConfig={})
    trust = render_pod_identity_trust_policy(ACCOUNT, [account.cluster_arn, other["cluster"]["arn"]])
    account.iam.update_assume_role_policy(RoleName="acme-billing-invoicer", PolicyDocument=json.dumps(trust))
    account.pod_identity.add("acme-green", "billing", "invoicer", account.pi_role)


def _pod_identity_unscoped(account: Account) -> None:
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    account.iam.update_assume_role_policy(RoleName="acme-billing-invoicer", PolicyDocument=json.dumps(trust))


def _source_arn_mismatch(account: Account) -> None:
    trust = render_pod_identity_trust_policy(ACCOUNT, [f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/acme-old"])
    account.iam.update_assume_role_policy(RoleName="acme-billing-invoicer", PolicyDocument=json.dumps(trust))


def _open_nodes(options: dict) -> Callable[[Account], None]:
    def change(account: Account) -> None:
        account.node_group("acme", "open", account.template(options))
        account.pod("shop", "cart-0", "default")
        account.service_account("shop", "default")

    return change


def _other_account_provider(account: Account) -> None:
    account.web_identity(
        "foreign",
        {"StringEquals": {f"{account.issuer}:sub": "system:serviceaccount:a:b", f"{account.issuer}:aud": "sts"}},
        account.provider_arn.replace(ACCOUNT, "999999999999"),
    )


def _cluster_gone(account: Account) -> None:
    """A cluster deleted without its provider: the role still trusts the issuer, pinned as we render it."""
    gone = "oidc.eks.us-west-2.amazonaws.com/id/DELETED"
    provider = account.provider(gone)
    account.role("gone-cluster", render_trust_policy(provider, gone, [Subject("orders", "orders-api")]))


def _no_tag_session(account: Account) -> None:
    trust = render_pod_identity_trust_policy(ACCOUNT, [account.cluster_arn])
    trust["Statement"][0]["Action"] = "sts:AssumeRole"
    account.iam.update_assume_role_policy(RoleName="acme-billing-invoicer", PolicyDocument=json.dumps(trust))


def _also_trusting(principal: object):
    """The shipped IRSA role's own trust plus a second statement letting ``principal`` call sts:AssumeRole."""

    def change(account: Account) -> None:
        trust = render_trust_policy(account.provider_arn, account.issuer, [Subject("orders", "orders-api")])
        trust["Statement"].append({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})
        account.iam.update_assume_role_policy(RoleName="acme-orders-orders-api", PolicyDocument=json.dumps(trust))

    return change


SUB = "system:serviceaccount:orders:orders-api"

BAD_PATTERNS = {
    # name: (change, {code: [words every message of that code holds]})
    "missing aud": (
        lambda a: a.web_identity("no-aud", {"StringEquals": {f"{a.issuer}:sub": SUB}}),
        {"TRUST_AUDIENCE_NOT_PINNED": ["role no-aud", "(no :aud condition)", "another audience"]},
    ),
    "wildcard subject": (
        lambda a: a.web_identity(
            "wild",
            {
                "StringLike": {f"{a.issuer}:sub": "system:serviceaccount:*"},
                "StringEquals": {f"{a.issuer}:aud": "sts.amazonaws.com"},
            },
        ),
        {"TRUST_SUBJECT_ANY_NAMESPACE": ["role wild", "system:serviceaccount:*", "any matching namespace"]},
    ),
    "no sub at all": (
        lambda a: a.web_identity("no-sub", {"StringEquals": {f"{a.issuer}:aud": "sts.amazonaws.com"}}),
        {"TRUST_SUBJECT_NOT_PINNED": ["role no-sub", "no :sub condition", "any service account"]},
    ),
    "namespace-wide subject": (
        lambda a: a.web_identity(
            "ns-wide",
            {
                "StringLike": {f"{a.issuer}:sub": "system:serviceaccount:orders:*"},
                "StringEquals": {f"{a.issuer}:aud": "sts.amazonaws.com"},
            },
        ),
        {"TRUST_SUBJECT_NAMESPACE_WIDE": ["role ns-wide", "namespace orders"]},
    ),
    "StringLike without a pattern": (
        lambda a: a.web_identity(
            "like",
            {
                "StringLike": {f"{a.issuer}:sub": "system:serviceaccount:shop:cart"},
                "StringEquals": {f"{a.issuer}:aud": "sts.amazonaws.com"},
            },
        ),
        {
            "TRUST_STRINGLIKE_WITHOUT_PATTERN": ["role like", "StringEquals was meant"],
            "ROLE_SERVICE_ACCOUNT_MISSING": ["role like", "system:serviceaccount:shop:cart"],
        },
    ),
    "wildcard under StringEquals": (
        lambda a: a.web_identity(
            "eq-wild",
            {
                "StringEquals": {
                    f"{a.issuer}:sub": "system:serviceaccount:spark:driver-*",
                    f"{a.issuer}:aud": "sts.amazonaws.com",
                }
            },
        ),
        {
            "TRUST_WILDCARD_UNDER_STRINGEQUALS": ["role eq-wild", "driver-*"],
            "ROLE_SERVICE_ACCOUNT_MISSING": ["role eq-wild"],
        },
    ),
    "two issuers ANDed": (
        _anded,
        {
            "TRUST_ISSUERS_ANDED": ["role anded", "OLDCLUSTER", "one statement per OIDC provider"],
            "PROVIDER_UNUSED": ["OLDCLUSTER", "trusted by no role"],
        },
    ),
    "trust on a provider that no longer exists": (
        _missing_provider,
        {
            "TRUST_PROVIDER_MISSING": ["role stale", "REPLACED", "no longer exists"],
            "TRUST_AUDIENCE_NOT_PINNED": ["role stale", "(no :aud condition)"],
        },
    ),
    "provider in another account": (
        _other_account_provider,
        {
            "TRUST_PROVIDER_OTHER_ACCOUNT": ["role foreign", "999999999999"],
            "TRUST_AUDIENCE_UNUSUAL": ["role foreign", "'sts'"],
        },
    ),
    "wildcard namespace prefix": (
        lambda a: a.web_identity(
            "team-wide",
            {
                "StringLike": {f"{a.issuer}:sub": "system:serviceaccount:team-*:*"},
                "StringEquals": {f"{a.issuer}:aud": "sts.amazonaws.com"},
            },
        ),
        {
            "TRUST_SUBJECT_ANY_NAMESPACE": ["role team-wide", "team-*:*", "literal"],
            "ROLE_SERVICE_ACCOUNT_MISSING": ["role team-wide", "team-*:*"],
        },
    ),
    "Principal star with web identity": (
        lambda a: a.role(
            "anyone",
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}],
            },
        ),
        {"TRUST_PRINCIPAL_ANY": ["role anyone", "any OIDC provider registered in the account"]},
    ),
    "IRSA role also trusting every AWS principal": (
        _also_trusting({"AWS": "*"}),
        {"TRUST_PRINCIPAL_ANY": ["acme-orders-orders-api", "any principal of any AWS account", "role of its own"]},
    ),
    "IRSA role also trusting another account": (
        _also_trusting({"AWS": "arn:aws:iam::444455556666:root"}),
        {"TRUST_PRINCIPAL_OTHER_ACCOUNT": ["acme-orders-orders-api", "account 444455556666", "role of its own"]},
    ),
    "IRSA role that may attach any policy to every role": (
        lambda a: a.iam.put_role_policy(
            RoleName="acme-orders-orders-api",
            PolicyName="esc",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "iam:AttachRolePolicy",
                            "Resource": f"arn:aws:iam::{ACCOUNT}:role/*",
                        }
                    ],
                }
            ),
        ),
        {
            "IRSA_PRIVILEGE_ESCALATION": ["role acme-orders-orders-api.esc", "AttachRolePolicy", "Rhino"],
            "IRSA_RISK_UNJUSTIFIED": ["role acme-orders-orders-api.esc", "justification does not name it"],
        },
    ),
    "audience typo": (
        lambda a: a.web_identity(
            "typo-aud", {"StringEquals": {f"{a.issuer}:sub": SUB, f"{a.issuer}:aud": "sts.amazon.com"}}
        ),
        {"TRUST_AUDIENCE_TYPO": ["role typo-aud", "sts.amazon.com", "typo of sts.amazonaws.com"]},
    ),
    "audience the provider does not list": (
        lambda a: a.web_identity("vault-aud", {"StringEquals": {f"{a.issuer}:sub": SUB, f"{a.issuer}:aud": "vault"}}),
        {"TRUST_AUDIENCE_NOT_CLIENT_ID": ["role vault-aud", "'vault' is not a client ID", "sts.amazonaws.com"]},
    ),
    "trust in a deleted cluster whose provider was kept": (
        _cluster_gone,
        {"TRUST_ISSUER_CLUSTER_GONE": ["role gone-cluster", "DELETED", "no longer exists in us-west-2"]},
    ),
    "Pod Identity trust without sts:TagSession": (
        _no_tag_session,
        {"POD_IDENTITY_NO_TAG_SESSION": ["role acme-billing-invoicer", "sts:TagSession"]},
    ),
    "https in the condition key": (
        lambda a: a.web_identity(
            "scheme",
            {"StringEquals": {f"https://{a.issuer}:sub": SUB, f"https://{a.issuer}:aud": "sts.amazonaws.com"}},
        ),
        {"TRUST_CONDITION_KEY_SCHEME": ["role scheme", "https://", "never holds"]},
    ),
    "unreadable trust": (
        lambda a: a.web_identity("numeric", {"NumericEquals": {f"{a.issuer}:sub": "1"}}),
        {
            "TRUST_SUBJECT_MALFORMED": ["role numeric", "NumericEquals never compares"],
            "TRUST_AUDIENCE_NOT_PINNED": ["role numeric"],
        },
    ),
    "provider no role trusts": (
        lambda a: a.provider("oidc.eks.us-east-1.amazonaws.com/id/UNUSED"),
        {"PROVIDER_UNUSED": ["UNUSED", "trusted by no role"]},
    ),
    "80 providers": (
        _quota,
        {"PROVIDER_QUOTA": ["80 OIDC providers", "LimitExceeded"], "PROVIDER_UNUSED": ["trusted by no role"]},
    ),
    "Pod Identity trust without SourceAccount and SourceArn": (
        _pod_identity_unscoped,
        {"POD_IDENTITY_TRUST_UNSCOPED": ["role acme-billing-invoicer", "(no aws:Source"]},
    ),
    "Pod Identity role reused across clusters": (
        _reused,
        {"POD_IDENTITY_ROLE_REUSED": ["acme, acme-green", "its own role"]},
    ),
    "association to a missing role": (
        lambda a: a.pod_identity.add("acme", "billing", "ghost", f"arn:aws:iam::{ACCOUNT}:role/ghost"),
        {"POD_IDENTITY_ROLE_MISSING": ["acme/billing/ghost", "role/ghost", "does not exist"]},
    ),
    "association to a role not trusting Pod Identity": (
        lambda a: a.pod_identity.add("acme", "billing", "node-borrower", a.node_role),
        {"POD_IDENTITY_ROLE_NOT_TRUSTING": ["acme/billing/node-borrower", "acme-node"]},
    ),
    "aws:SourceArn of another cluster": (
        _source_arn_mismatch,
        {"POD_IDENTITY_SOURCE_ARN_MISMATCH": ["acme/billing/invoicer", "cluster/acme"]},
    ),
    "IMDSv1 allowed": (
        _open_nodes({"HttpTokens": "optional", "HttpPutResponseHopLimit": 1}),
        {
            "NODE_IMDSV1_ALLOWED": ["acme/open", "HttpTokens optional", "AmazonEKSWorkerNodePolicy"],
            "POD_WITHOUT_ROLE": ["acme/shop/cart-0", "acme-node"],
        },
    ),
    "hop limit 2": (
        _open_nodes({"HttpTokens": "required", "HttpPutResponseHopLimit": 2}),
        {
            "NODE_HOP_LIMIT": ["acme/open", "hop limit 2", "eks:DescribeCluster"],
            "POD_WITHOUT_ROLE": ["acme/shop/cart-0", "no IAM role"],
        },
    ),
    "no launch template": (
        lambda a: a.node_group("acme", "default-lt", None),
        {"NODE_NO_LAUNCH_TEMPLATE": ["acme/default-lt", "launch template"]},
    ),
    "node role with more than the node policies": (
        lambda a: a.iam.attach_role_policy(
            RoleName="acme-node", PolicyArn="arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
        ),
        {"NODE_ROLE_EXTRA_POLICIES": ["acme-node", "AmazonEKS_CNI_Policy", "its own IRSA role"]},
    ),
    "ServiceAccount annotated with a role that does not trust it": (
        lambda a: a.service_account("orders", "orders-worker", a.irsa_role),
        {"SA_ROLE_NOT_TRUSTED": ["acme/orders/orders-worker", "wrong service account"]},
    ),
    "ServiceAccount annotated with a missing role": (
        lambda a: a.service_account("orders", "lost", f"arn:aws:iam::{ACCOUNT}:role/lost"),
        {"SA_ROLE_MISSING": ["acme/orders/lost", "role/lost"]},
    ),
    "ServiceAccount annotated with no ARN": (
        lambda a: a.service_account("orders", "typo", "acme-orders-orders-api"),
        {"SA_ROLE_ARN_MALFORMED": ["acme/orders/typo", "not an IAM role ARN"]},
    ),
    "role trusting a ServiceAccount that does not exist": (
        lambda a: a.irsa("acme-gone-gone", "gone", "gone"),
        {"ROLE_SERVICE_ACCOUNT_MISSING": ["role acme-gone-gone", "system:serviceaccount:gone:gone"]},
    ),
}


WITHOUT_DUMP = {"Pod Identity role reused across clusters"}
"""Two clusters: a dump would need --cluster, which narrows the audit to that cluster's associations."""


@pytest.mark.parametrize("name", BAD_PATTERNS)
def test_each_bad_pattern_is_found(name, aws, tmp_path, monkeypatch, capsys):
    change, expected = BAD_PATTERNS[name]
    account = Account.clean()
    change(account)
    code, report = run_cli(account, tmp_path, monkeypatch, capsys, dump=name not in WITHOUT_DUMP)
    assert code == 1
    assert sorted(set(codes(report))) == sorted(expected)
    for finding in report["findings"]:
        for word in expected[finding["code"]]:
            assert word in finding["message"] + finding["fix"], finding
        assert finding["fix"] and finding["source"]


def test_a_read_that_fails_is_reported_not_fatal(aws, tmp_path, monkeypatch, capsys):
    """Without the stand-in, moto's 404 for ListPodIdentityAssociations becomes AUDIT_INCOMPLETE."""
    account = Account.clean()
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps(account.dump))
    assert dispatcher(["audit", "--region", REGION, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert codes(report) == ["AUDIT_INCOMPLETE"]
    assert "ListPodIdentityAssociations for acme failed" in report["findings"][0]["message"]


def test_table_by_severity_and_deterministic_json(aws, tmp_path, monkeypatch, capsys):
    account = Account.clean()
    BAD_PATTERNS["wildcard subject"][0](account)
    BAD_PATTERNS["provider no role trusts"][0](account)
    _, first = run_cli(account, tmp_path, monkeypatch, capsys)
    run_cli(account, tmp_path, monkeypatch, capsys)
    assert dispatcher(["audit", "--region", REGION, "--json", "--kube-dump", str(tmp_path / "sa-pods.json")]) == 1
    again = capsys.readouterr().out
    assert json.dumps(first, indent=2, sort_keys=True) + "\n" == again
    assert dispatcher(["audit", "--region", REGION, "--kube-dump", str(tmp_path / "sa-pods.json")]) == 1
    table = capsys.readouterr().out
    assert table.index("CRITICAL (1)") < table.index("TRUST_SUBJECT_ANY_NAMESPACE") < table.index("LOW (")
    assert "orders/orders-api -> " + account.irsa_role + " (irsa, admitted)" in table


# --- read-only, pagination, throttling -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "params"),
    [
        ("iam", "create_role", {"RoleName": "x", "AssumeRolePolicyDocument": "{}"}),
        ("iam", "delete_open_id_connect_provider", {"OpenIDConnectProviderArn": "arn:aws:iam::1:oidc-provider/x"}),
        ("sts", "assume_role", {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/x", "RoleSessionName": "s"}),
        ("ec2", "modify_instance_metadata_options", {"InstanceId": "i-1", "HttpTokens": "required"}),
        ("eks", "delete_pod_identity_association", {"clusterName": "acme", "associationId": "a-1"}),
    ],
)
def test_the_audit_session_refuses_every_mutation_before_sending(aws, service, operation, params):
    sent: list[str] = []
    session = cli.read_only_session(region=REGION)
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    with pytest.raises(cli.MutatingCallRefused, match="only reads"):
        getattr(session.client(service), operation)(**params)
    assert sent == []
    assert boto3.client("iam").list_roles()["Roles"] == []


def test_a_whole_audit_calls_only_reads(aws, tmp_path, monkeypatch):
    account = Account.clean()
    called: list[str] = []
    stand_in(
        monkeypatch, account.pod_identity, ("before-parameter-build", lambda model, **_: called.append(model.name))
    )
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps(account.dump))
    assert cli.main(["--region", REGION, "--kube-dump", str(dump)]) == 0
    assert {"ListRoles", "ListOpenIDConnectProviders", "DescribeNodegroup", "DescribePodIdentityAssociation"} <= set(
        called
    )
    assert all(name.startswith(("Get", "List", "Describe")) for name in called)


def test_clients_retry_adaptively():
    config = cli.client_config()
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 10}


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


THROTTLED = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
    b"<Message>Rate exceeded</Message></Error></ErrorResponse>"
)


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record retry delays instead of sleeping; the adaptive rate limiter's clock runs 1,000 times fast."""
    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint.time, "sleep", delays.append)
    monkeypatch.setattr(botocore.retries.bucket.Clock, "current_time", lambda self: time.monotonic() * 1000)
    monkeypatch.setattr(botocore.retries.bucket.Clock, "sleep", lambda self, amount: delays.append(amount))
    return delays


def _throttle_list_roles(session: boto3.Session, times: int) -> list[int]:
    attempts: list[int] = []

    def answer(request, **_):
        attempts.append(1)
        if len(attempts) <= times:
            return AWSResponse(request.url, 400, {}, _Body(THROTTLED))
        return None

    session.events.register_first("before-send.iam.ListRoles", answer)
    return attempts


def test_throttling_is_retried_with_backoff(aws, no_waiting):
    Account.clean()
    session = cli.read_only_session(region=REGION)
    attempts = _throttle_list_roles(session, 3)
    snapshot = cli.collect(session)
    assert len(attempts) == 4
    assert len([d for d in no_waiting if d > 0]) >= 3
    assert {r.name for r in snapshot.roles} >= {"acme-node", "acme-orders-orders-api"}


def test_throttling_beyond_max_attempts_is_exit_2(aws, no_waiting, monkeypatch, capsys):
    attempts: list[int] = []

    def always(request, **_):
        attempts.append(1)
        return AWSResponse(request.url, 400, {}, _Body(THROTTLED))

    stand_in(monkeypatch, PodIdentityFake(), ("before-send.iam.ListRoles", always))
    assert cli.main(["--region", REGION, "--max-attempts", "4"]) == 2
    assert "Throttling" in capsys.readouterr().err
    assert len(attempts) == 4


def test_1200_roles_are_read_page_by_page(aws):
    account = Account.clean()
    for index in range(1200):
        if index == 1150:
            account.web_identity(f"bulk-{index:04d}", {"StringEquals": {f"{account.issuer}:aud": "sts.amazonaws.com"}})
        else:
            account.role(f"bulk-{index:04d}", EC2_TRUST)
    pages: list[int] = []
    session = cli.read_only_session(region=REGION)
    account.pod_identity.install(session)
    session.events.register("after-call.iam.ListRoles", lambda parsed, **_: pages.append(len(parsed["Roles"])))
    snapshot = cli.collect(session)
    report = rules.audit(snapshot)
    assert sum(pages) == 1203
    assert len(pages) == 13
    assert max(pages) == 100
    assert report.roles_read == 1203
    assert [(f.code, f.resource) for f in report.findings] == [
        ("TRUST_SUBJECT_NOT_PINNED", f"arn:aws:iam::{ACCOUNT}:role/bulk-1150")
    ]
    unread = [r for r in snapshot.roles if r.policies is None]
    assert len(unread) == 1200 - 1


# --- bad input -------------------------------------------------------------------------------------------


def test_bad_dump_is_exit_2_naming_the_item(aws, tmp_path, capsys):
    Account.clean()
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps({"kind": "List", "items": [{"kind": "ServiceAccount", "metadata": {"name": "x"}}]}))
    assert dispatcher(["audit", "--region", REGION, "--kube-dump", str(dump)]) == 2
    assert "--kube-dump.items[0].metadata" in capsys.readouterr().err
    dump.write_text("not json")
    assert dispatcher(["audit", "--region", REGION, "--kube-dump", str(dump)]) == 2
    assert "kubectl get sa,pods -A -o json" in capsys.readouterr().err


def test_dump_needs_the_cluster_when_there_are_several(aws, tmp_path, capsys):
    account = Account.clean()
    account.eks.create_cluster(name="other", roleArn=account.node_role, resourcesVpcConfig={})
    dump = tmp_path / "d.json"
    dump.write_text(json.dumps(account.dump))
    assert dispatcher(["audit", "--region", REGION, "--kube-dump", str(dump)]) == 2
    assert "--cluster" in capsys.readouterr().err
    assert dispatcher(["audit", "--region", REGION, "--cluster", "nope"]) == 2
    assert "'nope' is not a cluster of us-west-2" in capsys.readouterr().err


def test_no_credentials_is_exit_2(monkeypatch, capsys, tmp_path):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert dispatcher(["audit", "--region", REGION]) == 2
    assert "cannot read the account" in capsys.readouterr().err


# --- our own plan ----------------------------------------------------------------------------------------


def _seed_from_plan(run, iam, eks, ec2) -> dict:
    """Create in moto what the plan registers (IAM and EKS parts), and return the ServiceAccount dump the
    cluster would hold: the ServiceAccounts the plan registers, those an add-on or chart creates for a role
    made with ``createServiceAccount: false`` (annotated with that role, as the add-on does), one pod each."""
    cluster = run.exports["clusterName"]
    issuer = run.exports["oidcIssuer"]
    for r in run.registrations:
        if r.type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            iam.create_open_id_connect_provider(
                Url=r.inputs["url"], ClientIDList=list(r.inputs["clientIdLists"]), ThumbprintList=["9" * 40]
            )
    handled = {
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        "aws:iam/role:Role",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    }
    unknown = {r.type for r in run.registrations if r.type.startswith("aws:iam/")} - handled
    assert not unknown, f"seed these IAM types too: {unknown}"
    items: list[dict] = []
    registered_accounts = set()
    roles = {}
    for r in run.registrations:
        if r.type == "aws:iam/role:Role":
            iam.create_role(RoleName=r.outputs["name"], AssumeRolePolicyDocument=r.inputs["assumeRolePolicy"])
            roles[r.outputs["arn"]] = json.loads(r.inputs["assumeRolePolicy"])
        elif r.type == "kubernetes:core/v1:ServiceAccount":
            items.append({"kind": "ServiceAccount", "metadata": dict(r.inputs["metadata"])})
            registered_accounts.add((r.inputs["metadata"]["namespace"], r.inputs["metadata"]["name"]))
    for r in run.registrations:
        if r.type == "aws:iam/rolePolicy:RolePolicy":
            iam.put_role_policy(RoleName=r.inputs["role"], PolicyName=r.name, PolicyDocument=r.inputs["policy"])
        elif r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            iam.attach_role_policy(RoleName=r.inputs["role"], PolicyArn=r.inputs["policyArn"])
    for arn, trust in roles.items():
        for statement in trust["Statement"]:
            for key, value in statement.get("Condition", {}).get("StringEquals", {}).items():
                subject = Subject.from_value(value) if key.endswith(":sub") else None
                if subject and (subject.namespace, subject.service_account) not in registered_accounts:
                    metadata = {"namespace": subject.namespace, "name": subject.service_account}
                    items.append(
                        {
                            "kind": "ServiceAccount",
                            "metadata": {**metadata, "annotations": {"eks.amazonaws.com/role-arn": arn}},
                        }
                    )
    node_role = next(r.inputs["nodeRoleArn"] for r in run.registrations if r.type == "aws:eks/nodeGroup:NodeGroup")
    eks.create_cluster(name=cluster, roleArn=node_role, resourcesVpcConfig={})
    from moto.eks.models import eks_backends

    eks_backends[run.mocks.account_id][REGION].clusters[cluster].identity = {"oidc": {"issuer": f"https://{issuer}"}}
    for r in run.registrations:
        if r.type == "aws:ec2/launchTemplate:LaunchTemplate":
            options = r.inputs["metadataOptions"]
            template = ec2.create_launch_template(
                LaunchTemplateName=r.name,
                LaunchTemplateData={
                    "MetadataOptions": {
                        "HttpTokens": options["httpTokens"],
                        "HttpPutResponseHopLimit": int(options["httpPutResponseHopLimit"]),
                        "HttpEndpoint": options["httpEndpoint"],
                    }
                },
            )["LaunchTemplate"]["LaunchTemplateId"]
        elif r.type == "aws:eks/nodeGroup:NodeGroup":
            eks.create_nodegroup(
                clusterName=cluster,
                nodegroupName=r.outputs.get("nodeGroupName", r.name),
                nodeRole=r.inputs["nodeRoleArn"],
                subnets=list(r.inputs["subnetIds"]),
                launchTemplate={"id": template, "version": "1"},
            )
    pods = [
        {
            "kind": "Pod",
            "metadata": {"namespace": i["metadata"]["namespace"], "name": f"{i['metadata']['name']}-0"},
            "spec": {"serviceAccountName": i["metadata"]["name"]},
            "status": {"phase": "Running"},
        }
        for i in items
    ]
    return {"apiVersion": "v1", "kind": "List", "items": items + pods}


def test_the_account_our_dev_plan_makes_is_clean(aws, tmp_path, monkeypatch, capsys, stack_plans):
    logging.disable(logging.WARNING)
    try:
        run, _, _ = stack_plans.plan("dev")
    finally:
        logging.disable(logging.NOTSET)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", run.mocks.account_id)
    attached = [r.inputs["policyArn"].rsplit("/", 1)[1] for r in run.registrations if "policyArn" in r.inputs]
    monkeypatch.setattr(moto_iam, "aws_managed_policies_data", managed_policies(*attached))
    dump = _seed_from_plan(run, boto3.client("iam"), boto3.client("eks"), boto3.client("ec2"))
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(dump))
    stand_in(monkeypatch, PodIdentityFake())  # the dev stack has no Pod Identity association
    # The --justifications file eks-irsa plan wrote beside plan.json.
    reasons = stack_plans.build / "dev" / "audit-justifications.json"
    argv = ["audit", "--region", REGION, "--kube-dump", str(path), "--json"]
    code = dispatcher([*argv, "--justifications", str(reasons)])
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    assert code == 0
    # Without the catalog's justifications the live roles' published policies are judged as unjustified.
    assert dispatcher(argv) == 1
    unjustified = json.loads(capsys.readouterr().out)["findings"]
    assert unjustified and {f["code"] for f in unjustified} <= {
        "IRSA_RISK_UNJUSTIFIED",
        "IRSA_RESOURCE_STAR",
        "IRSA_ANY_ACCOUNT",
    }
    rows = report["serviceAccounts"]
    plan_accounts = [r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount"]
    assert len(rows) >= len(plan_accounts) > 0
    assert all(row["admitted"] is True for row in rows), rows
    assert report["nodeGroups"] and not any(n["podsReachImds"] for n in report["nodeGroups"])


# --- pure rules ------------------------------------------------------------------------------------------


def _snapshot(roles: list[rules.Role]) -> rules.AccountSnapshot:
    issuer = "oidc.eks.us-west-2.amazonaws.com/id/ABC"
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"
    return rules.AccountSnapshot(
        ACCOUNT,
        REGION,
        (rules.OidcProvider(provider, issuer),),
        tuple(roles),
        (rules.Cluster("acme", f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/acme", issuer),),
    )


def test_report_does_not_depend_on_the_order_of_the_account():
    issuer = "oidc.eks.us-west-2.amazonaws.com/id/ABC"
    provider = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"
    roles = [
        rules.Role(
            f"arn:aws:iam::{ACCOUNT}:role/r{index}",
            f"r{index}",
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringLike": {f"{issuer}:sub": f"system:serviceaccount:ns{index}:*"}},
                },
            },
        )
        for index in range(5)
    ]
    forward = json.dumps(rules.audit(_snapshot(roles)).to_json(), sort_keys=True)
    backward = json.dumps(rules.audit(_snapshot(roles[::-1])).to_json(), sort_keys=True)
    assert forward == backward
    assert forward.count("TRUST_SUBJECT_NAMESPACE_WIDE") == 5
    assert forward.count("TRUST_AUDIENCE_NOT_PINNED") == 5


def test_dump_reading_follows_kubernetes_defaults():
    dump = rules.parse_kube_dump(
        {
            "kind": "List",
            "items": [
                {
                    "kind": "Pod",
                    "metadata": {"name": "a", "namespace": "n"},
                    "spec": {},
                    "status": {"phase": "Running"},
                },
                {"kind": "Pod", "metadata": {"name": "b", "namespace": "n"}, "spec": {}, "status": {"phase": "Failed"}},
                {"kind": "ConfigMap", "metadata": {}},
                {
                    "kind": "ServiceAccount",
                    "metadata": {
                        "name": "s",
                        "namespace": "n",
                        "annotations": {
                            "eks.amazonaws.com/role-arn": f"arn:aws:iam::{ACCOUNT}:role/x",
                            "eks.amazonaws.com/audience": "vault",
                        },
                    },
                },
            ],
        }
    )
    assert dump.pods == (rules.Pod("n", "a", "default", False),)
    assert dump.service_accounts == (rules.ServiceAccount("n", "s", f"arn:aws:iam::{ACCOUNT}:role/x", "vault"),)


def test_without_boto3_the_command_names_the_audit_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "boto3", None)
    monkeypatch.delitem(sys.modules, "eks_irsa.cli.audit")
    assert dispatcher(["audit", "--region", REGION]) == 2
    assert "needs boto3: pip install 'eks-irsa[audit]'" in capsys.readouterr().err
