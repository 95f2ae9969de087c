"""Plan time, not apply time: an ``IrsaRole`` fed this program's own ``EksCluster`` Outputs runs the rules that need
the issuer before anything of it is registered (also in a first preview, where the Outputs are unknown), and the
cluster's partition is held against the stack's region.

The account a role is created in is held against the accounts of the OIDC providers it trusts, when the
account components or the stack's ``aws:allowedAccountIds`` make it known.

What this cannot prove: the length of the ids EKS will give real issuers (the bound is the 32 characters every
EKS issuer has had), the region or the account of an AWS provider made elsewhere (the checks then do not run).
"""

from __future__ import annotations

import gc
from typing import Any

import pulumi_aws as aws
import pytest
from pulumi import ResourceOptions

from eks_irsa import AccountOidcProvider, AccountProvider, EksCluster, IrsaConfigError, IrsaRole
from eks_irsa.contract import own
from eks_irsa.contract.own import ISSUER_ID_LENGTH, ClusterIdentity, mark_own, own_cluster
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import cluster_args

ACCOUNT = "111122223333"
QUEUE = f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"
CLUSTER = cluster_args(cluster_name="acme-dev")
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


# --- the account a role is created in, against the accounts of the OIDC providers it trusts ----------------------

OTHER = "444455556666"
ONE_ACCOUNT = {**CONFIG, "aws:allowedAccountIds": [ACCOUNT]}


def _other_account(cluster: EksCluster) -> AccountOidcProvider:
    return AccountOidcProvider(
        "other",
        {
            "account_id": OTHER,
            "assume_role_arn": f"arn:aws:iam::{OTHER}:role/deployer",
            "region": "us-west-2",
            "oidc_issuer": cluster.oidc_issuer,
        },
    )


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_a_role_made_through_another_accounts_provider_must_trust_that_accounts_oidc_provider(preview):
    def build() -> None:
        cluster = EksCluster("c", CLUSTER)
        other = _other_account(cluster)
        # The cluster's own provider (in the stack's one allowed account) for a role created in the other account.
        IrsaRole("orders", _role(cluster), opts=ResourceOptions(provider=other.aws_provider))

    problems, roles = _refused(build, preview, ONE_ACCOUNT)
    assert roles == []
    [problem] = problems
    assert problem.field == "IrsaRole orders: oidc_provider_arn"
    assert problem.rule == (
        f"is in account {ACCOUNT}, but the role is created in account {OTHER} (the AWS provider in opts allows only "
        "that account); IAM OIDC providers are per account"
    )


def test_role_account_id_must_be_the_account_of_the_provider_the_role_is_created_with():
    def build() -> None:
        other = _other_account(EksCluster("c", CLUSTER))
        args = _role(EksCluster("d", {**CLUSTER, "cluster_name": "acme-d"}), role_account_id=ACCOUNT)
        opts = ResourceOptions(provider=other.aws_provider)
        IrsaRole("orders", {**args, "oidc_provider_arn": other.provider_arn}, opts=opts)

    problems, _ = _refused(build, False, ONE_ACCOUNT)
    assert [(p.field, p.value) for p in problems] == [("IrsaRole orders: role_account_id", ACCOUNT)]


def test_an_output_of_another_accounts_oidc_provider_is_held_to_role_account_id():
    def build() -> None:
        other = _other_account(EksCluster("c", CLUSTER))
        IrsaRole(
            "orders", _role(EksCluster("d", CLUSTER), role_account_id=ACCOUNT, oidc_provider_arn=other.provider_arn)
        )

    problems, _ = _refused(build, False, CONFIG)  # no aws:allowedAccountIds: the account is role_account_id's
    assert [(p.field, p.value) for p in problems] == [
        ("IrsaRole orders: oidc_provider_arn", f"<Output of an OIDC provider in account {OTHER}>")
    ]


def test_the_stacks_default_provider_refuses_another_accounts_oidc_provider_and_takes_its_own():
    def build() -> None:
        cluster = EksCluster("c", CLUSTER)
        IrsaRole("own", _role(cluster))  # the cluster's provider, the stack's account: accepted
        IrsaRole("orders", _role(cluster, oidc_provider_arn=_other_account(cluster).provider_arn))

    problems, _ = _refused(build, False, ONE_ACCOUNT)
    assert [p.rule.split(";")[0] for p in problems] == [
        f"is in account {OTHER}, but the role is created in account {ACCOUNT} (the stack's default AWS provider "
        "allows only that account (aws:allowedAccountIds))"
    ]


def test_a_role_with_the_matching_accounts_provider_and_oidc_provider_is_registered():
    def program() -> None:
        cluster = EksCluster("c", CLUSTER)
        other = _other_account(cluster)
        args = _role(cluster, role_account_id=OTHER, oidc_provider_arn=other.provider_arn)
        IrsaRole("orders", args, opts=ResourceOptions(provider=other.aws_provider))

    run = run_program(program, ONE_ACCOUNT, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    assert [r.name for r in run.registrations if r.type == "eks-irsa:index:IrsaRole"] == ["c-vpc-cni", "orders"]


def test_a_provider_made_elsewhere_has_no_known_account_so_the_rule_does_not_run():
    # pulumi_aws.Provider keeps neither allowed_account_ids nor assume_roles on the Python object: only a provider
    # call (sts:GetCallerIdentity) through it could tell its account, so nothing is judged before registration.
    def program() -> None:
        cluster = EksCluster("c", CLUSTER)
        elsewhere = aws.Provider("elsewhere", region="us-west-2", allowed_account_ids=[OTHER])
        IrsaRole("orders", _role(cluster), opts=ResourceOptions(provider=elsewhere))

    run = run_program(program, ONE_ACCOUNT, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    assert "orders" in [r.name for r in run.registrations if r.type == "eks-irsa:index:IrsaRole"]


THIRD = "777788889999"


def test_a_target_roles_provider_must_allow_the_target_account():
    def build() -> None:
        third = AccountProvider(
            "third",
            {
                "account_id": "777788889999",
                "assume_role_arn": "arn:aws:iam::777788889999:role/d",
                "region": "us-west-2",
            },
        )
        IrsaRole(
            "reports",
            {
                "cluster_name": "acme-dev",
                "namespace": "reports",
                "identity": "pod-identity",
                "cluster_arn": f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme-dev",
                "create_service_account": False,
                "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
                "target_role": {"account_id": OTHER, "provider": third.aws_provider},
            },
        )

    problems, _ = _refused(build, False, ONE_ACCOUNT)
    assert [(p.field, p.rule) for p in problems] == [
        (
            "IrsaRole reports: target_role.provider",
            f"allows only account {THIRD}, but the target role is to be created in {OTHER}",
        )
    ]
