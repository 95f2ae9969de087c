"""Cluster-side inputs a caller may hold as Outputs (a VPC, subnets or a security group made in the same
program, an account role, another stack's cluster name), and the closed set of AWS partitions.

A direct Python caller passing Outputs registers the same children as one passing the plain values, in a
first preview (values unknown) and a first up; a bad value inside an Output fails with the problem text a
plain one gets. What mocks cannot prove: that EKS accepts the subnets (two availability zones) or that the
engine shows the error raised inside an ``apply`` as the CLI prints a plain one; ids here are the mock
monitor's ``<name>-id`` placeholders.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest
from botocore.loaders import Loader

from eks_irsa import (
    AccountOidcProvider,
    AwsPartition,
    EksCluster,
    EksClusterArgs,
    ExistingCluster,
    IrsaConfigError,
)
from eks_irsa.iam.names import short_hash
from eks_irsa.testing import UNKNOWN, EksIrsaMocks, run_program
from tests.conftest import raised_problems

ACCOUNT = "111122223333"
GROUP = "sg-0123456789abcdef0"
CLUSTER = "eks:index:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
NETWORK = ("aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/securityGroup:SecurityGroup")


EC2_PREFIXES = {
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
}


def _ec2_id(prefix: str, name: str) -> str:
    """The ID :class:`_Mocks` gives the EC2 resource ``name``: shaped as EC2's (prefix and 17 hex digits)."""
    return f"{prefix}-{short_hash(name, 17)}"


def _args(**overrides) -> EksClusterArgs:
    base = dict(
        cluster_name="acme",
        partition="aws",
        vpc_id=_ec2_id("vpc", "vpc"),
        private_subnet_ids=[_ec2_id("subnet", "private-a"), _ec2_id("subnet", "private-b")],
        public_subnet_ids=[_ec2_id("subnet", "public-a")],
        private_access_security_group_ids=[GROUP],
        admin_principal_arns=[f"arn:aws:iam::{ACCOUNT}:role/platform-admin"],
        deployer_arn=f"arn:aws:iam::{ACCOUNT}:role/ci-deployer",
        node_groups=[{"name": "general", "instance_types": ["m6i.large"]}],
    )
    base.update(overrides)
    return EksClusterArgs(**base)  # a TypedDict: a plain dict at run time


class _Mocks(EksIrsaMocks):
    """The package's mocks, with VPC, subnet and security group ids shaped as EC2's (prefix and 17 hex digits)."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        id_, outputs = super().new_resource(args)
        if args.typ in EC2_PREFIXES and id_:
            return _ec2_id(EC2_PREFIXES[args.typ], args.name), outputs
        return id_, outputs


def _run(build, preview: bool = False):
    return run_program(build, {}, "t", mocks=_Mocks(account_id=ACCOUNT, preview=preview))


def _network_outputs() -> dict:
    """The overrides of a caller that makes its VPC, subnets and a bastion's security group in the same program."""
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    subnet = {
        key: aws.ec2.Subnet(key, vpc_id=vpc.id, cidr_block=cidr)
        for key, cidr in (("private-a", "10.0.0.0/20"), ("private-b", "10.0.16.0/20"), ("public-a", "10.0.32.0/20"))
    }
    bastion = aws.ec2.SecurityGroup("bastion", vpc_id=vpc.id)
    return {
        "vpc_id": vpc.id,
        "private_subnet_ids": [subnet["private-a"].id, subnet["private-b"].id],
        "public_subnet_ids": pulumi.Output.all(subnet["public-a"].id),
        "private_access_security_group_ids": [bastion.id],
    }


def _of(run, type_: str) -> list:
    return [r for r in run.registrations if r.type == type_]


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_a_vpc_subnets_and_a_security_group_made_in_the_same_program_register_the_same_children(preview):
    plain = _run(lambda: EksCluster("c", _args()), preview)
    fed = _run(lambda: EksCluster("c", _args(**_network_outputs())), preview)
    renamed = {f"c-api-{short_hash(GROUP)}": "c-api-sg0"}
    expected = [(r.type, renamed.get(r.name, r.name), r.parent) for r in plain.registrations]
    assert [(r.type, r.name, r.parent) for r in fed.registrations if r.type not in NETWORK] == expected
    [cluster] = _of(fed, CLUSTER)
    [group] = _of(fed, NODE_GROUP)
    [rule] = _of(fed, INGRESS)
    if preview:
        assert cluster.inputs["vpcId"] == UNKNOWN and rule.inputs["referencedSecurityGroupId"] == UNKNOWN
    else:
        private = [_ec2_id("subnet", "private-a"), _ec2_id("subnet", "private-b")]
        assert cluster.inputs["vpcId"] == _ec2_id("vpc", "vpc")
        assert cluster.inputs["privateSubnetIds"] == group.inputs["subnetIds"] == private
        assert cluster.inputs["publicSubnetIds"] == [_ec2_id("subnet", "public-a")]
        bastion = f"sg-{short_hash('bastion', 17)}"
        assert rule.inputs["referencedSecurityGroupId"] == bastion
        assert rule.inputs["description"] == f"Kubernetes API of acme from {bastion}"
        assert {"vpc", "private-a", "private-b", "public-a"} <= set(cluster.dependencies)
        assert "bastion" in rule.dependencies


def test_plain_and_output_security_groups_together_keep_the_plain_one_s_rule():
    fed = _run(lambda: EksCluster("c", _args(private_access_security_group_ids=[GROUP, aws.ec2.SecurityGroup("b").id])))
    rules = {r.name: r.inputs["referencedSecurityGroupId"] for r in _of(fed, INGRESS)}
    assert rules == {f"c-api-{short_hash(GROUP)}": GROUP, "c-api-sg1": f"sg-{short_hash('b', 17)}"}


def test_a_private_only_endpoint_with_only_an_output_security_group_has_a_way_in():
    fed = _run(lambda: EksCluster("c", _args(private_access_security_group_ids=[aws.ec2.SecurityGroup("b").id])))
    assert len(_of(fed, INGRESS)) == 1


def _problem_text(group: str, as_output: bool) -> list[str]:
    """The problems the caller gets: raised by the constructor for a plain id; for an Output, raised inside its
    ``apply`` and reaching the run as the cause of the SDK's 'While processing resource' errors."""

    def build() -> None:
        given = pulumi.Output.from_input(group) if as_output else group
        EksCluster("c", _args(private_access_security_group_ids=[given]))

    return raised_problems(_run, build)


def test_a_bad_security_group_id_inside_an_output_fails_with_the_plain_value_s_problem_text():
    plain = _problem_text("sg-xyz", as_output=False)
    assert plain == [
        "EksCluster c: private_access_security_group_ids[0]: 'sg-xyz' is not a security group id "
        "(rule: EC2 API Reference, SecurityGroup.GroupId). Fix: give an id like sg-0123456789abcdef0"
    ]
    assert _problem_text("sg-xyz", as_output=True) == plain


def test_a_partition_outside_the_closed_set_is_refused_before_anything_is_registered():
    caught = []

    def build():
        for component, args in (
            (EksCluster, _args(partition="aws-mars")),
            (ExistingCluster, {"cluster_name": "acme", "partition": "aws-mars", "account_id": ACCOUNT}),
        ):
            with pytest.raises(IrsaConfigError) as error:
                component("c", args)
            caught.extend((p.field, p.value, p.fix.startswith("use one of aws, aws-cn,")) for p in error.value.problems)

    assert _run(build).registrations == ()
    assert caught == [("EksCluster c: partition", "aws-mars", True), ("ExistingCluster c: partition", "aws-mars", True)]


def test_the_partition_enum_is_botocore_s_partition_table():
    assert {p.value for p in AwsPartition} == {p["id"] for p in Loader().load_data("partitions")["partitions"]}


def test_the_partition_given_as_the_enum_registers_what_its_string_does():
    def children(partition):
        return [
            (r.type, r.name, r.inputs) for r in _run(lambda: EksCluster("c", _args(partition=partition))).registrations
        ]

    assert children(AwsPartition.AWS_US_GOV) == children("aws-us-gov")


def test_an_existing_cluster_looked_up_by_an_output_name_waits_for_it():
    def build():
        name = aws.ssm.Parameter("cluster-name", type="String", insecure_value="acme-prod").insecure_value
        cluster = ExistingCluster("prod", {"cluster_name": name, "partition": "aws", "account_id": ACCOUNT})
        pulumi.export("name", cluster.cluster_name)
        pulumi.export("issuer", cluster.oidc_issuer)
        pulumi.export("kubeconfig", cluster.kubeconfig)

    run = _run(build)
    assert run.invokes.count("aws:eks/getCluster:getCluster") == 1
    assert run.exports["name"] == "acme-prod"
    assert run.exports["issuer"] == EksIrsaMocks(account_id=ACCOUNT).issuer("acme-prod")
    assert "acme-prod" in str(run.exports["kubeconfig"])


def test_an_account_oidc_provider_assumes_a_role_made_in_the_same_program():
    def build():
        deploy = aws.iam.Role("deploy", assume_role_policy="{}")
        AccountOidcProvider(
            "other",
            {
                "account_id": pulumi.Output.from_input("444455556666"),
                "assume_role_arn": deploy.arn,
                "region": pulumi.Output.from_input("us-west-2"),
                "oidc_issuer": "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE",
            },
        )

    run = _run(build)
    [provider] = _of(run, "pulumi:providers:aws")
    [role] = _of(run, "aws:iam/role:Role")
    assert provider.inputs["region"] == "us-west-2"
    assert "deploy" in provider.dependencies
    assert role.outputs["arn"] in str(provider.inputs["assumeRoles"])
    assert "444455556666" in str(provider.inputs["allowedAccountIds"])


ADMIN = f"arn:aws:iam::{ACCOUNT}:role/platform-admin"


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("admin_principal_arns", lambda: [pulumi.Output.from_input(ADMIN)], "admin_principal_arns[0]"),
        ("deployer_arn", lambda: pulumi.Output.from_input(ADMIN), "deployer_arn"),
        ("private_access_cidrs", lambda: [pulumi.Output.from_input("10.0.0.0/16")], "private_access_cidrs[0]"),
        (
            "private_access_security_group_ids",
            lambda: pulumi.Output.from_input([GROUP]),
            "private_access_security_group_ids",
        ),
    ],
    ids=["admin", "deployer", "cidr", "group-list"],
)
def test_an_output_in_a_plain_field_is_refused_by_name_before_anything_is_registered(key, value, field):
    caught = []

    def build():
        with pytest.raises(IrsaConfigError) as error:
            EksCluster("c", _args(**{key: value()}))
        caught.extend((p.field, p.value) for p in error.value.problems)

    assert _run(build).registrations == ()
    assert caught == [(f"EksCluster c: {field}", "<Output>")]
