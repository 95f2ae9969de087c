"""One refusal, three paths: each bad input goes through the catalog (``load_catalog``), ``IrsaRole`` called from
Python, and the multi-language provider (``EksIrsaProvider.construct`` as the engine calls it); the same rule
(rule text and source) fires on all three, before anything is registered, each naming the field as that caller
wrote it and giving the fix in that caller's words.

What this cannot prove: how the Pulumi CLI prints the provider's error, or that a TypeScript or YAML program
serialises its inputs exactly as the SDK's serialiser here does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi.errors import InputPropertiesError

from eks_irsa import EksCluster, ExistingCluster, IrsaConfigError, IrsaRole, load_catalog
from eks_irsa.catalog.load import SCHEMA_SOURCE
from eks_irsa.errors import Problem
from eks_irsa.shape import UNKNOWN_FIELD
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import PROJECT
from tests.test_provider import _construct

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN0123456789ABCDEF0123456789A"
GREEN_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN}"
DUAL_STACK = "oidc-eks.us-west-2.api.aws/id/GREEN0123456789ABCDEF0123456789A"
QUEUE = f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"
SERVICE = "orders-api"


@dataclass(frozen=True)
class Bad:
    """One bad input in the three vocabularies, and where each caller should be told it is."""

    catalog: dict[str, Any]
    python: dict[str, Any]
    engine: dict[str, Any]
    fields: tuple[str, str, str]
    """The problem's field on the catalog, Python and provider paths (after the path's prefix)."""
    rule: str
    fixes: tuple[str, str, str] | None = None
    """The fix on each path, when the fix names a field."""
    python_remove: tuple[str, ...] = field(default=())
    """Base inputs to leave out on the Python and provider paths (``statements`` beside an existing role)."""


CASES: dict[str, Bad] = {
    "misspelled key": Bad(
        {"serviceAcount": "orders"},
        {"service_acount": "orders"},
        {"serviceAcount": "orders"},
        ("serviceAcount", "service_acount", "serviceAcount"),
        UNKNOWN_FIELD,
        ("did you mean serviceAccount?", "did you mean service_account?", "did you mean serviceAccount?"),
    ),
    "misspelled statement key": Bad(
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        {"statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]},
        ("statements[0].efect", "statements[0].efect", "statements[0].efect"),
        UNKNOWN_FIELD,
        ("did you mean effect?", "did you mean effect?", "did you mean effect?"),
    ),
    "a string where a boolean goes": Bad(
        {"createServiceAccount": "false"},
        {"create_service_account": "false"},
        {"createServiceAccount": "false"},
        ("createServiceAccount", "create_service_account", "createServiceAccount"),
        "is not of the expected type (boolean, true or false)",
    ),
    "namespace not a DNS label": Bad(
        {"namespace": "Orders"},
        {"namespace": "Orders"},
        {"namespace": "Orders"},
        ("namespace", "namespace", "namespace"),
        "is not a DNS-1123 label",
    ),
    "session outside IAM's bounds": Bad(
        {"maxSessionDuration": 60},
        {"max_session_duration": 60},
        {"maxSessionDuration": 60},
        ("maxSessionDuration", "max_session_duration", "maxSessionDuration"),
        "3600",
    ),
    "token lifetime outside the webhook's bounds": Bad(
        {"tokenExpiration": 60},
        {"service_account_options": {"token_expiration": 60}},
        {"serviceAccountOptions": {"tokenExpiration": 60}},
        ("tokenExpiration", "service_account_options.token_expiration", "serviceAccountOptions.tokenExpiration"),
        "600",
    ),
    "a trusted cluster listed twice": Bad(
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN}] * 2},
        {"additional_clusters": [{"oidc_provider_arn": GREEN_ARN, "oidc_issuer": GREEN}] * 2},
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN}] * 2},
        ("trustedClusters[1].oidcIssuer", "additional_clusters[1].oidc_issuer", "trustedClusters[1].oidcIssuer"),
        "repeats an issuer already trusted",
    ),
    "a dual-stack issuer": Bad(
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": DUAL_STACK}]},
        {"additional_clusters": [{"oidc_provider_arn": GREEN_ARN, "oidc_issuer": DUAL_STACK}]},
        {"trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": DUAL_STACK}]},
        ("trustedClusters[0].oidcIssuer", "additional_clusters[0].oidc_issuer", "trustedClusters[0].oidcIssuer"),
        "is the dual-stack (IPv6) endpoint of an EKS issuer",
    ),
    "an existing role ARN with a colon after role": Bad(
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role:role/velero", "statements": []},
        {"existing_role_arn": f"arn:aws:iam::{ACCOUNT}:role:role/velero"},
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role:role/velero"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
    "an existing role ARN with a wildcard name (attacker review after issue 16)": Bad(
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role/*", "statements": []},
        {"existing_role_arn": f"arn:aws:iam::{ACCOUNT}:role/*"},
        {"existingRoleArn": f"arn:aws:iam::{ACCOUNT}:role/*"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
    "an existing role ARN with an 11-digit account": Bad(
        {"existingRoleArn": "arn:aws:iam::11112222333:role/velero", "statements": []},
        {"existing_role_arn": "arn:aws:iam::11112222333:role/velero"},
        {"existingRoleArn": "arn:aws:iam::11112222333:role/velero"},
        ("existingRoleArn", "existing_role_arn", "existingRoleArn"),
        "is not an IAM role ARN",
        python_remove=("statements",),
    ),
}


def _python_args(case: Bad) -> dict[str, Any]:
    args = {
        "cluster_name": "acme-dev",
        "namespace": "orders",
        "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidc_issuer": ISSUER,
        "create_service_account": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.python,
    }
    return {k: v for k, v in args.items() if k not in case.python_remove}


def _engine_inputs(case: Bad) -> dict[str, Any]:
    inputs = {
        "clusterName": "acme-dev",
        "namespace": "orders",
        "oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidcIssuer": ISSUER,
        "createServiceAccount": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.engine,
    }
    return {k: v for k, v in inputs.items() if k not in case.python_remove}


def _through_catalog(case: Bad, dev_config: dict) -> list[Problem]:
    entry = {
        "namespace": "orders",
        "createServiceAccount": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
        **case.catalog,
    }
    if not entry["statements"]:
        del entry["statements"]
    dev_config["eks-irsa:services"] = {SERVICE: entry}
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(dev_config, PROJECT)
    prefix = f"eks-irsa:services.{SERVICE}."
    return [_relative(p, prefix) for p in raised.value.problems if p.field.startswith(prefix)]


def _through_python(case: Bad) -> list[Problem]:
    caught: list[IrsaConfigError] = []

    def program() -> None:
        with pytest.raises(IrsaConfigError) as raised:
            IrsaRole(SERVICE, _python_args(case))
        caught.append(raised.value)

    assert run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT)).registrations == ()
    return [_relative(p, f"IrsaRole {SERVICE}: ") for p in caught[0].problems]


def _through_provider(case: Bad) -> list[Problem]:
    caught: list[BaseException] = []

    def program() -> None:
        with pytest.raises(InputPropertiesError) as raised:
            _construct("eks-irsa:index:IrsaRole", SERVICE, _engine_inputs(case))
        caught.append(raised.value.__cause__)

    assert run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT)).registrations == ()
    assert isinstance(caught[0], IrsaConfigError)
    return [_relative(p, f"IrsaRole {SERVICE}: ") for p in caught[0].problems]


def _relative(problem: Problem, prefix: str) -> Problem:
    assert problem.field.startswith(prefix), problem.field
    return Problem(problem.field[len(prefix) :], problem.value, problem.rule, problem.source, problem.fix)


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_the_same_rule_fires_on_every_path_in_each_callers_words(name, dev_config):
    case = CASES[name]
    found = [_through_catalog(case, dev_config), _through_python(case), _through_provider(case)]
    fired = []
    for path, (problems, where) in enumerate(zip(found, case.fields, strict=True)):
        matching = [p for p in problems if p.field == where and case.rule in p.rule]
        assert matching, (name, path, [(p.field, p.rule) for p in problems])
        fired.append(matching[0])
        if case.fixes is not None:
            assert matching[0].fix == case.fixes[path]
    assert len({(p.rule, p.source) for p in fired}) == 1, fired


def test_no_python_name_reaches_a_catalog_or_provider_caller(dev_config):
    for name, case in CASES.items():
        for problem in _through_catalog(case, dev_config) + _through_provider(case):
            assert "_" not in problem.field and "_" not in problem.fix.split(";")[0], (name, problem)


CREATOR = f"arn:aws:iam::{ACCOUNT}:role/creator"
CLUSTER = "acme"


@dataclass(frozen=True)
class BadCluster:
    """One bad cluster input in the three vocabularies: ``catalog`` merged into an ``eks-irsa:cluster`` entry (a
    node group's keys into ``nodeGroups.general``), ``python`` into ``EksClusterArgs`` (its node group's into
    ``node_groups[0]``), ``engine`` into the provider's ``EksCluster`` inputs; ``group`` says which."""

    catalog: dict[str, Any]
    python: dict[str, Any]
    engine: dict[str, Any]
    fields: tuple[str, str, str]
    rule: str
    group: bool = False


CLUSTER_CASES: dict[str, BadCluster] = {
    "a VPC ID of another form": BadCluster(
        {"vpcId": "vpc-123"},
        {"vpc_id": "vpc-123"},
        {"vpcId": "vpc-123"},
        ("vpcId", "vpc_id", "vpcId"),
        "is not a VPC ID",
    ),
    "a VPC ID of 12 hexadecimal digits": BadCluster(
        {"vpcId": "vpc-0a1b2c3d4e5f"},
        {"vpc_id": "vpc-0a1b2c3d4e5f"},
        {"vpcId": "vpc-0a1b2c3d4e5f"},
        ("vpcId", "vpc_id", "vpcId"),
        "is not a VPC ID",
    ),
    "one private subnet": BadCluster(
        {"privateSubnetIds": ["subnet-0a1b2c3d4e5f60001"]},
        {"private_subnet_ids": ["subnet-0a1b2c3d4e5f60001"]},
        {"privateSubnetIds": ["subnet-0a1b2c3d4e5f60001"]},
        ("privateSubnetIds", "private_subnet_ids", "privateSubnetIds"),
        "the control plane needs subnets in at least two Availability Zones",
    ),
    "a private subnet ID of another form": BadCluster(
        {"privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-b"]},
        {"private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-b"]},
        {"privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-b"]},
        ("privateSubnetIds[1]", "private_subnet_ids[1]", "privateSubnetIds[1]"),
        "is not a subnet ID",
    ),
    "a public subnet ID of another form": BadCluster(
        {"publicSubnetIds": ["sg-0a1b2c3d"]},
        {"public_subnet_ids": ["sg-0a1b2c3d"]},
        {"publicSubnetIds": ["sg-0a1b2c3d"]},
        ("publicSubnetIds[0]", "public_subnet_ids[0]", "publicSubnetIds[0]"),
        "is not a subnet ID",
    ),
    "a 10 GiB disk (below the AMIs' 20 GiB volume)": BadCluster(
        {"diskSize": 10},
        {"disk_size": 10},
        {"diskSize": 10},
        ("nodeGroups.general.diskSize", "node_groups.general.disk_size", "nodeGroups.general.diskSize"),
        "is outside 20..16384",
        group=True,
    ),
    "a disk above gp3's 16 TiB": BadCluster(
        {"diskSize": 16385},
        {"disk_size": 16385},
        {"diskSize": 16385},
        ("nodeGroups.general.diskSize", "node_groups.general.disk_size", "nodeGroups.general.diskSize"),
        "is outside 20..16384",
        group=True,
    ),
    "a negative desired size": BadCluster(
        {"minSize": 0, "desiredSize": -1},
        {"min_size": 0, "desired_size": -1},
        {"minSize": 0, "desiredSize": -1},
        ("nodeGroups.general.desiredSize", "node_groups.general.desired_size", "nodeGroups.general.desiredSize"),
        "is outside 0..1000",
        group=True,
    ),
    "no node at most": BadCluster(
        {"minSize": 0, "desiredSize": 0, "maxSize": 0},
        {"min_size": 0, "desired_size": 0, "max_size": 0},
        {"minSize": 0, "desiredSize": 0, "maxSize": 0},
        ("nodeGroups.general.maxSize", "node_groups.general.max_size", "nodeGroups.general.maxSize"),
        "is outside 1..1000",
        group=True,
    ),
    "a hop limit above EC2's 64": BadCluster(
        {"imdsHopLimit": 65, "allowPodImdsAccess": True},
        {"imds_hop_limit": 65, "allow_pod_imds_access": True},
        {"imdsHopLimit": 65, "allowPodImdsAccess": True},
        ("nodeGroups.general.imdsHopLimit", "node_groups.general.imds_hop_limit", "nodeGroups.general.imdsHopLimit"),
        "is outside 1..64",
        group=True,
    ),
    "a Kubernetes version with a patch number": BadCluster(
        {"kubernetesVersion": "1.33.1"},
        {"kubernetes_version": "1.33.1"},
        {"kubernetesVersion": "1.33.1"},
        ("kubernetesVersion", "kubernetes_version", "kubernetesVersion"),
        "is not a Kubernetes minor version",
    ),
    "an admin of an 11-digit account": BadCluster(
        {"admins": ["arn:aws:iam::11112222333:role/ops"]},
        {"admin_principal_arns": ["arn:aws:iam::11112222333:role/ops"]},
        {"adminPrincipalArns": ["arn:aws:iam::11112222333:role/ops"]},
        ("admins[0]", "admin_principal_arns[0]", "adminPrincipalArns[0]"),
        "is not an IAM role or user ARN",
    ),
    "an STS session as an admin": BadCluster(
        {"admins": ["arn:aws:sts::111122223333:assumed-role/ops/me"]},
        {"admin_principal_arns": ["arn:aws:sts::111122223333:assumed-role/ops/me"]},
        {"adminPrincipalArns": ["arn:aws:sts::111122223333:assumed-role/ops/me"]},
        ("admins[0]", "admin_principal_arns[0]", "adminPrincipalArns[0]"),
        "is not an IAM role or user ARN",
    ),
    "no OIDC client id": BadCluster(
        {"oidcClientIds": []},
        {"oidc_client_ids": []},
        {"oidcClientIds": []},
        ("oidcClientIds", "oidc_client_ids", "oidcClientIds"),
        "must hold 1 to 100 ids",
    ),
    "an OIDC client id of 256 characters": BadCluster(
        {"oidcClientIds": ["sts.amazonaws.com", "a" * 256]},
        {"oidc_client_ids": ["sts.amazonaws.com", "a" * 256]},
        {"oidcClientIds": ["sts.amazonaws.com", "a" * 256]},
        ("oidcClientIds[1]", "oidc_client_ids[1]", "oidcClientIds[1]"),
        "is not 1 to 255 characters",
    ),
    "an empty private access CIDR": BadCluster(
        {"endpoint": {"privateAccessCidrs": ["10.255.0.0/20", ""]}},
        {"private_access_cidrs": ["10.255.0.0/20", ""]},
        {"privateAccessCidrs": ["10.255.0.0/20", ""]},
        ("endpoint.privateAccessCidrs[1]", "private_access_cidrs[1]", "privateAccessCidrs[1]"),
        "is not an IPv4 network",
    ),
    "an empty security group id": BadCluster(
        {"endpoint": {"privateAccessSecurityGroupIds": [""]}},
        {"private_access_security_group_ids": [""]},
        {"privateAccessSecurityGroupIds": [""]},
        (
            "endpoint.privateAccessSecurityGroupIds[0]",
            "private_access_security_group_ids[0]",
            "privateAccessSecurityGroupIds[0]",
        ),
        "is not a security group id",
    ),
    "no node group without Auto Mode": BadCluster(
        {"nodeGroups": {}},
        {"node_groups": []},
        {"nodeGroups": []},
        ("nodeGroups", "node_groups", "nodeGroups"),
        "is empty and EKS Auto Mode is off",
    ),
    "no instance type": BadCluster(
        {"instanceTypes": []},
        {"instance_types": []},
        {"instanceTypes": []},
        ("nodeGroups.general.instanceTypes", "node_groups.general.instance_types", "nodeGroups.general.instanceTypes"),
        "is empty",
        group=True,
    ),
    "an instance type without a size": BadCluster(
        {"instanceTypes": ["m6i"]},
        {"instance_types": ["m6i"]},
        {"instanceTypes": ["m6i"]},
        (
            "nodeGroups.general.instanceTypes[0]",
            "node_groups.general.instance_types[0]",
            "nodeGroups.general.instanceTypes[0]",
        ),
        "is not an EC2 instance type",
        group=True,
    ),
}


def _cluster_config(case: BadCluster) -> dict[str, Any]:
    group = {"instanceTypes": ["m6i.large"], **(case.catalog if case.group else {})}
    entry = {
        "name": CLUSTER,
        "vpcId": "vpc-0a1b2c3d4e5f60718",
        "privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        "endpoint": {"privateAccessCidrs": ["10.255.0.0/20"]},
        "nodeGroups": {"general": group},
        **({} if case.group else case.catalog),
    }
    return {"aws:region": "us-west-2", "aws:allowedAccountIds": [ACCOUNT], "eks-irsa:cluster": entry}


def _cluster_args(case: BadCluster) -> dict[str, Any]:
    group = {"name": "general", "instance_types": ["m6i.large"], **(case.python if case.group else {})}
    return {
        "cluster_name": CLUSTER,
        "partition": "aws",
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        "private_access_cidrs": ["10.255.0.0/20"],
        "creator_arn": CREATOR,
        "node_groups": [group],
        **({} if case.group else case.python),
    }


def _cluster_inputs(case: BadCluster) -> dict[str, Any]:
    group = {"name": "general", "instanceTypes": ["m6i.large"], **(case.engine if case.group else {})}
    return {
        "clusterName": CLUSTER,
        "partition": "aws",
        "vpcId": "vpc-0a1b2c3d4e5f60718",
        "privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        "privateAccessCidrs": ["10.255.0.0/20"],
        "creatorArn": CREATOR,
        "nodeGroups": [group],
        **({} if case.group else case.engine),
    }


def _refused(build: Any, expected: type[BaseException]) -> BaseException:
    """The error ``build()`` raises inside a program under mocks, which registers nothing."""
    caught: list[BaseException] = []

    def program() -> None:
        with pytest.raises(expected) as raised:
            build()
        caught.append(raised.value)

    assert run_program(program, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT)).registrations == ()
    return caught[0]


def _cluster_paths(case: BadCluster) -> list[list[Problem]]:
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(_cluster_config(case), PROJECT, creator=lambda name: CREATOR)
    catalog = [_relative(p, "eks-irsa:cluster.") for p in raised.value.problems]
    python = _refused(lambda: EksCluster(CLUSTER, _cluster_args(case)), IrsaConfigError)
    engine = _refused(lambda: _construct("eks-irsa:index:EksCluster", CLUSTER, _cluster_inputs(case)), Exception)
    assert isinstance(python, IrsaConfigError) and isinstance(engine.__cause__, IrsaConfigError)
    prefix = f"EksCluster {CLUSTER}: "
    return [
        catalog,
        [_relative(p, prefix) for p in python.problems],
        [_relative(p, prefix) for p in engine.__cause__.problems],
    ]


@pytest.mark.parametrize("name", list(CLUSTER_CASES), ids=list(CLUSTER_CASES))
def test_a_cluster_bound_has_one_owner_and_fires_the_same_way_on_every_path(name):
    case = CLUSTER_CASES[name]
    found = _cluster_paths(case)
    fired = []
    for path, (problems, where) in enumerate(zip(found, case.fields, strict=True)):
        matching = [p for p in problems if p.field == where and case.rule in p.rule]
        assert len(matching) == 1, (name, path, [(p.field, p.rule) for p in problems])
        assert SCHEMA_SOURCE not in {p.source for p in problems}, (name, path, problems)
        fired.append(matching[0])
    assert len({len(problems) for problems in found}) == 1, found
    assert len({(p.rule, p.source, repr(p.value)) for p in fired}) == 1, fired
    assert "_" not in fired[0].fix.split("(")[0] and "_" not in fired[2].fix.split("(")[0]


EXISTING_CASES: dict[str, tuple[dict[str, Any], tuple[str, str, str], str]] = {
    "a cluster name that starts with a hyphen": (
        {"cluster_name": "-shared"},
        ("name", "cluster_name", "clusterName"),
        "",
    ),
    "a stack reference of two parts": (
        {"cluster_name": "shared", "stack_reference": "platform/prod"},
        ("stackReference", "stack_reference", "stackReference"),
        "is not a stack name",
    ),
}
"""Bad ``ExistingClusterArgs`` (Python words; the catalog's and the provider's are mapped by hand below): each is
refused by the existing-cluster rule alone (:func:`eks_irsa.plan.existing.check_existing_cluster_args`)."""


@pytest.mark.parametrize("name", list(EXISTING_CASES), ids=list(EXISTING_CASES))
def test_an_existing_cluster_rule_fires_the_same_way_on_every_path(name):
    args, fields_, rule = EXISTING_CASES[name]
    entry = {
        "name": args["cluster_name"],
        **({"stackReference": args["stack_reference"]} if "stack_reference" in args else {}),
    }
    config = {"aws:region": "us-west-2", "aws:allowedAccountIds": [ACCOUNT], "eks-irsa:existingCluster": entry}
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(config, PROJECT)
    catalog = [_relative(p, "eks-irsa:existingCluster.") for p in raised.value.problems]
    full = {**args, "partition": "aws", "account_id": ACCOUNT}
    python = _refused(lambda: ExistingCluster("shared", full), IrsaConfigError)
    inputs = {
        {"cluster_name": "clusterName", "stack_reference": "stackReference", "account_id": "accountId"}.get(k, k): v
        for k, v in full.items()
    }
    engine = _refused(lambda: _construct("eks-irsa:index:ExistingCluster", "shared", inputs), Exception)
    assert isinstance(python, IrsaConfigError) and isinstance(engine.__cause__, IrsaConfigError)
    found = [
        catalog,
        [_relative(p, "ExistingCluster shared: ") for p in python.problems],
        [_relative(p, "ExistingCluster shared: ") for p in engine.__cause__.problems],
    ]
    fired = []
    for path, (problems, where) in enumerate(zip(found, fields_, strict=True)):
        assert [p.field for p in problems] == [where], (name, path, [(p.field, p.rule) for p in problems])
        assert rule in problems[0].rule
        fired.append(problems[0])
    assert len({(p.rule, p.source, repr(p.value)) for p in fired}) == 1, fired
