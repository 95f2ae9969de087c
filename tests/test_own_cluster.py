"""Plan time, not apply time: an ``IrsaRole`` fed this program's own ``EksCluster`` Outputs runs the rules that need
the issuer before anything of it is registered (also in a first preview, where the Outputs are unknown), and the
cluster's partition is held against the stack's region.

What this cannot prove: the length of the ids EKS will give real issuers (the bound is the 32 characters every
EKS issuer has had), or the region of an explicit AWS provider (the check then does not run).
"""

from __future__ import annotations

import gc
from typing import Any

import pytest

from eks_irsa import EksCluster, IrsaConfigError, IrsaRole
from eks_irsa.contract import own
from eks_irsa.contract.own import ISSUER_ID_LENGTH, ClusterIdentity, mark_own, own_cluster
from eks_irsa.testing import EksIrsaMocks, run_program

ACCOUNT = "111122223333"
QUEUE = f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"
CLUSTER = {
    "cluster_name": "acme-dev",
    "partition": "aws",
    "vpc_id": "vpc-0a1b2c3d4e5f60718",
    "private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    "private_access_cidrs": ["10.0.0.0/16"],
    "node_groups": [{"name": "general", "instance_types": ["m6i.large"]}],
}
CONFIG = {"aws:region": "us-west-2"}


def _role(cluster: EksCluster, **extra: Any) -> dict[str, Any]:
    return {
        "cluster_name": "acme-dev",
        "namespace": "orders",
        "oidc_provider_arn": cluster.oidc_provider_arn,
        "oidc_issuer": cluster.oidc_issuer,
        "create_service_account": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **extra,
    }


def _refused(build, preview: bool, config: dict[str, str] = CONFIG) -> tuple[list, list[str]]:
    caught: list[IrsaConfigError] = []

    def program() -> None:
        with pytest.raises(IrsaConfigError) as raised:
            build()
        caught.append(raised.value)

    run = run_program(program, config, "t", mocks=EksIrsaMocks(account_id=ACCOUNT, preview=preview))
    roles = [r.name for r in run.registrations if r.type.startswith("eks-irsa:index:IrsaRole") and r.name == "orders"]
    return caught[0].problems, roles


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_the_clusters_own_issuer_listed_again_is_refused_before_the_role_is_registered(preview):
    def build() -> None:
        cluster = EksCluster("c", CLUSTER)
        again = {"oidc_provider_arn": cluster.oidc_provider_arn, "oidc_issuer": cluster.oidc_issuer}
        IrsaRole("orders", _role(cluster, additional_clusters=[again]))

    problems, roles = _refused(build, preview)
    assert roles == []
    assert [(p.field, p.rule) for p in problems] == [
        ("IrsaRole orders: additional_clusters[0].oidc_issuer", "repeats an issuer already trusted")
    ]


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_a_trust_policy_past_its_quota_is_refused_at_the_bound_of_the_unknown_issuer(preview):
    many = [f"worker-{i:03d}" for i in range(40)]

    def build() -> None:
        IrsaRole("orders", _role(EksCluster("c", CLUSTER), service_accounts=many))

    problems, roles = _refused(build, preview)
    assert roles == []
    assert [p.field for p in problems] == ["IrsaRole orders: trust_policy"]
    assert "2048" in problems[0].rule.replace(",", "")


def test_a_trust_just_under_the_quota_at_the_bound_is_accepted():
    def program() -> None:
        IrsaRole("orders", _role(EksCluster("c", CLUSTER), service_accounts=[f"worker-{i:03d}" for i in range(20)]))

    run = run_program(program, CONFIG, "t", mocks=EksIrsaMocks(account_id=ACCOUNT, preview=True))
    assert any(r.name == "orders-role" for r in run.registrations)


def test_two_clusters_of_one_program_are_not_one_issuer_listed_twice():
    def program() -> None:
        blue = EksCluster("blue", CLUSTER)
        green = EksCluster("green", {**CLUSTER, "cluster_name": "acme-green"})
        other = {"oidc_provider_arn": green.oidc_provider_arn, "oidc_issuer": green.oidc_issuer}
        IrsaRole("orders", _role(blue, additional_clusters=[other]))

    run = run_program(program, CONFIG, "t", mocks=EksIrsaMocks(account_id=ACCOUNT, preview=True))
    assert any(r.name == "orders-role" for r in run.registrations)


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_an_audience_the_clusters_provider_does_not_accept_is_refused(preview):
    def build() -> None:
        cluster = EksCluster("c", CLUSTER)
        IrsaRole("orders", _role(cluster, audience="vault", provider_client_ids=["sts.amazonaws.com", "vault"]))

    problems, roles = _refused(build, preview)
    assert roles == []
    assert [(p.field, p.value) for p in problems] == [("IrsaRole orders: audience", "vault")]


def test_an_audience_the_cluster_registers_is_accepted():
    def program() -> None:
        cluster = EksCluster("c", {**CLUSTER, "oidc_client_ids": ["sts.amazonaws.com", "vault"]})
        IrsaRole("orders", _role(cluster, audience="vault"))

    run = run_program(program, CONFIG, "t", mocks=EksIrsaMocks(account_id=ACCOUNT, preview=True))
    assert any(r.name == "orders-role" for r in run.registrations)


@pytest.mark.parametrize(
    ("partition", "region", "actual"),
    [("aws", "cn-north-1", "aws-cn"), ("aws-cn", "us-west-2", "aws"), ("aws-us-gov", "eu-west-1", "aws")],
)
def test_a_partition_that_is_not_the_regions_is_refused_before_the_cluster_is_registered(partition, region, actual):
    problems, _ = _refused(lambda: EksCluster("c", {**CLUSTER, "partition": partition}), False, {"aws:region": region})
    assert [(p.field, p.value) for p in problems] == [("EksCluster c: partition", partition)]
    assert f"give partition {actual}" in problems[0].fix


def test_the_identity_is_carried_by_the_clusters_own_outputs_only():
    seen: dict[str, Any] = {}

    def program() -> None:
        cluster = EksCluster("c", CLUSTER)
        seen["issuer"] = own_cluster(cluster.oidc_issuer)
        seen["arn"] = own_cluster(cluster.oidc_provider_arn)
        seen["derived"] = own_cluster(cluster.oidc_issuer.apply(lambda i: i))
        seen["plain"] = own_cluster("oidc.eks.us-west-2.amazonaws.com/id/X")

    run_program(program, CONFIG, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    identity = seen["issuer"]
    assert identity is seen["arn"] and seen["derived"] is None and seen["plain"] is None
    assert identity.issuer_bound.startswith("oidc.eks.us-west-2.amazonaws.com/id/")
    assert len(identity.issuer_bound.rsplit("/", 1)[1]) == ISSUER_ID_LENGTH
    assert identity.client_ids == ("sts.amazonaws.com",) and identity.partition == "aws"


def test_a_marked_value_is_forgotten_with_it():
    value = type("Value", (), {})()
    mark_own(ClusterIdentity.of("c", "aws", "us-west-2", "amazonaws.com", ("sts.amazonaws.com",)), value)
    assert own_cluster(value) is not None
    marked = len(own._OWN)
    del value
    gc.collect()
    assert len(own._OWN) <= marked - 1
