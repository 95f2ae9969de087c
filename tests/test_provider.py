"""The multi-language package: the committed schema, its shape, and every component constructed through
the provider the way the engine calls it, against the same component called from Python.

A construct here goes the engine's way: the caller's inputs (camelCase, as a TypeScript or YAML program
writes them) are serialised to the protobuf ``Struct`` the engine forwards (numbers become doubles,
values from other resources carry their dependencies, provider references are ``urn::id``), read back by
the SDK's provider server (``ProviderServicer._construct_inputs`` / ``_construct_options``) and handed to
:class:`EksIrsaProvider.construct`, all under the mock monitor.

What these tests cannot prove: that ``pulumi package add`` installs the plugin and generates SDKs that
compile (that needs the Pulumi CLI and each language's toolchain), that a TypeScript, Go, C# or YAML
program sends exactly these values (the SDK's own serialiser stands in for theirs), or that the engine
displays the error as the provider server reports it.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_origin

import grpc
import jsonschema
import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.errors import InputPropertiesError, InputPropertyError
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ProviderServicer
from pulumi.runtime import proto, rpc, settings
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, resource_pb2
from pulumi.runtime.sync_await import _sync_await

import eks_irsa
from eks_irsa import IrsaConfigError
from eks_irsa.contract.fields import schema_name
from eks_irsa.provider import COMPONENTS, PYTHON_ONLY, EksIrsaProvider, schema, schema_json, schema_problem
from eks_irsa.shape import UNKNOWN_FIELD
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import ROOT

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GREEN_ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/GREEN0123456789ABCDEF0123456789"
GREEN_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN_ISSUER}"
CLUSTER_ARN = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme-dev"
QUEUE = f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"
METASCHEMA = ROOT / "tests" / "data" / "pulumi-package-metaschema.json"
SCHEMA_FILE = ROOT / "provider" / "schema.json"


def _camel(name: str) -> str:
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def _snake(name: str) -> str:
    return re.sub(r"([A-Z])", r"_\1", name).lower()


# --- the schema ------------------------------------------------------------------------------------


def test_every_public_component_is_hosted():
    public = {
        name
        for name in eks_irsa.__all__
        if isinstance(getattr(eks_irsa, name), type) and issubclass(getattr(eks_irsa, name), pulumi.ComponentResource)
    }
    assert public == {"AccountOidcProvider", "AccountProvider", "EksCluster", "ExistingCluster", "IrsaRole"}
    hosted = public - PYTHON_ONLY
    assert {c.__name__ for c in COMPONENTS} == hosted
    assert sorted(schema()["resources"]) == sorted(f"eks-irsa:index:{name}" for name in hosted)


def test_the_committed_schema_is_the_one_the_code_derives():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_json(), (
        "provider/schema.json differs from what the component analyzer derives from the Args: "
        "run `make schema` (python -m eks_irsa.provider --schema provider/schema.json) and commit it"
    )


def test_the_schema_json_is_byte_identical_on_every_run():
    assert schema_json() == schema_json()
    assert schema_json().endswith("}\n")


def _metaschema_validator() -> jsonschema.Draft202012Validator:
    """Pulumi's package metaschema; its Go/ECMAScript named groups ``(?<name>...)`` respelled ``(?P<name>...)``
    for Python's ``re``, which jsonschema uses for ``pattern``."""
    text = re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", METASCHEMA.read_text(encoding="utf-8"))
    metaschema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(metaschema)
    return jsonschema.Draft202012Validator(metaschema)


def test_the_schema_is_a_valid_pulumi_package_schema():
    validator = _metaschema_validator()
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(schema())] == []


def test_the_metaschema_check_catches_a_malformed_schema():
    broken = schema()
    broken["resources"]["eks-irsa:index:IrsaRole"]["inputProperties"]["namespace"]["type"] = "text"
    broken["resources"]["eks-irsa:IrsaRole"] = broken["resources"].pop("eks-irsa:index:EksCluster")
    broken["version"] = "v0.3"
    errors = {"/".join(map(str, e.absolute_path)): e.message for e in _metaschema_validator().iter_errors(broken)}
    assert sorted(errors) == ["resources", "resources/eks-irsa:index:IrsaRole/inputProperties/namespace", "version"]
    assert errors["resources"].startswith("'eks-irsa:IrsaRole' does not match")


ARGS = {
    "eks-irsa:index:EksCluster": eks_irsa.EksClusterArgs,
    "eks-irsa:index:IrsaRole": eks_irsa.IrsaRoleArgs,
    "eks-irsa:index:ExistingCluster": eks_irsa.ExistingClusterArgs,
    "eks-irsa:index:AccountOidcProvider": eks_irsa.AccountOidcProviderArgs,
}
NESTED = {
    "eks-irsa:index:KubeconfigCredentials": eks_irsa.KubeconfigCredentials,
    "eks-irsa:index:NodeGroupArgs": eks_irsa.NodeGroupArgs,
    "eks-irsa:index:PermissionStatement": eks_irsa.PermissionStatement,
    "eks-irsa:index:ServiceAccountOptions": eks_irsa.ServiceAccountOptions,
    "eks-irsa:index:TargetRole": eks_irsa.TargetRole,
    "eks-irsa:index:TrustedCluster": eks_irsa.TrustedCluster,
}


def test_inputs_and_required_inputs_are_the_args_fields():
    resources = schema()["resources"]
    assert sorted(resources) == sorted(ARGS)
    for token, args in ARGS.items():
        spec = resources[token]
        assert sorted(spec["inputProperties"]) == sorted(schema_name(args, k) for k in args.__annotations__), token
        assert sorted(spec.get("requiredInputs", [])) == sorted(schema_name(args, k) for k in args.__required_keys__)
    objects = {token: spec for token, spec in schema()["types"].items() if spec["type"] == "object"}
    assert sorted(objects) == sorted(NESTED)
    for token, cls in NESTED.items():
        assert sorted(objects[token]["properties"]) == sorted(schema_name(cls, k) for k in cls.__annotations__), token
        assert sorted(objects[token].get("required", [])) == sorted(schema_name(cls, k) for k in cls.__required_keys__)


def test_outputs_are_the_components_output_annotations():
    resources = schema()["resources"]
    for component in COMPONENTS:
        hints = vars(component).get("__annotations__", {})
        outputs = sorted(_camel(name) for name, hint in hints.items() if get_origin(hint) is pulumi.Output)
        assert sorted(resources[f"eks-irsa:index:{component.__name__}"]["properties"]) == outputs, component


def test_closed_sets_are_enums():
    types = schema()["types"]
    enums = {token: [e["value"] for e in spec["enum"]] for token, spec in types.items() if "enum" in spec}
    assert enums == {
        "eks-irsa:index:IdentityType": ["irsa", "pod-identity", "both"],
        "eks-irsa:index:Effect": ["Allow", "Deny"],
        "eks-irsa:index:AmiType": [t.value for t in eks_irsa.AmiType],
        "eks-irsa:index:SupportType": ["EXTENDED", "STANDARD"],
        "eks-irsa:index:ControlPlaneLog": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
        "eks-irsa:index:AwsPartition": [
            "aws",
            "aws-cn",
            "aws-eusc",
            "aws-iso",
            "aws-iso-b",
            "aws-iso-e",
            "aws-iso-f",
            "aws-us-gov",
        ],
    }
    assert "AL2023_x86_64_STANDARD" in enums["eks-irsa:index:AmiType"]
    cluster = schema()["resources"]["eks-irsa:index:EksCluster"]["inputProperties"]
    assert cluster["upgradeSupportType"]["$ref"] == "#/types/eks-irsa:index:SupportType"
    existing = schema()["resources"]["eks-irsa:index:ExistingCluster"]["inputProperties"]
    assert cluster["partition"]["$ref"] == existing["partition"]["$ref"] == "#/types/eks-irsa:index:AwsPartition"
    node_group = types["eks-irsa:index:NodeGroupArgs"]["properties"]["amiType"]
    assert node_group["$ref"] == "#/types/eks-irsa:index:AmiType"
    irsa = schema()["resources"]["eks-irsa:index:IrsaRole"]["inputProperties"]
    assert irsa["identity"]["$ref"] == "#/types/eks-irsa:index:IdentityType"
    effect = types["eks-irsa:index:PermissionStatement"]["properties"]["effect"]
    assert effect["$ref"] == "#/types/eks-irsa:index:Effect"


def test_every_resource_type_and_property_is_described():
    spec = schema()
    missing = [token for token, r in spec["resources"].items() if not r.get("description")]
    missing += [token for token, t in spec["types"].items() if not t.get("description")]
    for token, r in spec["resources"].items():
        for section in ("inputProperties", "properties"):
            missing += [f"{token}.{section}.{n}" for n, p in r[section].items() if not p.get("description")]
    for token, t in spec["types"].items():
        missing += [f"{token}.{n}" for n, p in t.get("properties", {}).items() if not p.get("description")]
        missing += [f"{token}.{e['value']}" for e in t.get("enum", []) if not e.get("description")]
    assert missing == []


def test_inputs_a_program_feeds_from_other_resources_accept_outputs_in_every_language():
    """``plain`` inputs take only literal values in a generated SDK; these must take another resource's output."""
    spec = schema()
    irsa = spec["resources"]["eks-irsa:index:IrsaRole"]["inputProperties"]
    trusted = spec["types"]["eks-irsa:index:TrustedCluster"]["properties"]
    oidc = spec["resources"]["eks-irsa:index:AccountOidcProvider"]["inputProperties"]
    cluster = spec["resources"]["eks-irsa:index:EksCluster"]["inputProperties"]
    existing = spec["resources"]["eks-irsa:index:ExistingCluster"]["inputProperties"]
    fed = [irsa[k] for k in ("clusterName", "oidcProviderArn", "oidcIssuer", "clusterArn", "permissionsBoundary")]
    fed += [trusted["oidcProviderArn"], trusted["oidcIssuer"]]
    fed += [oidc[k] for k in ("oidcIssuer", "accountId", "assumeRoleArn", "region")]
    fed += [cluster["vpcId"], existing["clusterName"]]
    fed += [cluster[k] for k in ("privateSubnetIds", "publicSubnetIds")]
    fed += [cluster[k]["items"] for k in ("privateSubnetIds", "publicSubnetIds")]
    assert [p.get("plain") for p in fed] == [None] * len(fed)


def test_a_list_whose_length_decides_the_children_is_plain_and_its_ids_accept_outputs():
    """One API ingress rule per security group: the list is literal (its length is the rule count), each id an input."""
    groups = schema()["resources"]["eks-irsa:index:EksCluster"]["inputProperties"]["privateAccessSecurityGroupIds"]
    assert (groups.get("plain"), groups["items"].get("plain")) == (True, None)


# --- construct through the provider --------------------------------------------------------------------


def _construct(
    type_token: str,
    name: str,
    inputs: dict[str, Any],
    providers: tuple[pulumi.ProviderResource, ...] = (),
    depends_on: tuple[pulumi.Resource, ...] = (),
    keep_output_values: bool = False,
) -> dict[str, Any]:
    """Construct ``type_token`` through :class:`EksIrsaProvider` as the engine does; the outputs it returns.
    ``keep_output_values``: outputs inside the inputs travel as output values, each with its own dependencies,
    as an SDK sends them to a remote component when the engine supports it (the provider accepts them:
    ``acceptOutputs``). The SDK's mock monitor turns that feature off, so it is on for this serialisation only."""

    async def engine_request() -> tuple[dict, pulumi.ResourceOptions]:
        dependencies: dict[str, list[pulumi.Resource]] = {}
        features = settings.SETTINGS.monitor_features
        feature = resource_pb2.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES
        added = keep_output_values and feature not in features
        if added:
            features.add(feature)
        try:
            struct = await rpc.serialize_properties(inputs, dependencies, keep_output_values=keep_output_values)
        finally:
            if added:
                features.discard(feature)
        request = proto.ConstructRequest(
            type=type_token,
            name=name,
            inputs=struct,
            inputDependencies={
                key: proto.ConstructRequest.PropertyDependencies(urns=[await r.urn.future() for r in resources])
                for key, resources in dependencies.items()
            },
            providers={p.package: f"{await p.urn.future()}::{await p.id.future() or rpc.UNKNOWN}" for p in providers},
            dependencies=[await r.urn.future() for r in depends_on],
        )
        received = await ProviderServicer._construct_inputs(request.inputs, request.inputDependencies)
        return received, ProviderServicer._construct_options(request)

    received, options = _sync_await(engine_request())
    return dict(EksIrsaProvider().construct(name, type_token, received, options).state)


@dataclass(frozen=True)
class Case:
    """One component called from Python and, with the same inputs in camelCase, through the provider."""

    component: type[pulumi.ComponentResource]
    python: Callable[[dict], dict]
    engine: Callable[[dict], dict]
    outputs: tuple[str, ...]
    in_cluster: bool = False
    """Given the cluster's Kubernetes provider (``providers``) and its Namespace (``depends_on``)."""


def _setup() -> dict:
    """Resources of the caller's program both calls share: a Kubernetes provider, a Namespace, an OIDC provider."""
    provider = k8s.Provider("cluster-k8s", kubeconfig="{}")
    return {
        "k8s": provider,
        "namespace": k8s.core.v1.Namespace(
            "orders-ns", metadata={"name": "orders"}, opts=pulumi.ResourceOptions(provider=provider)
        ),
        "oidc": aws.iam.OpenIdConnectProvider(
            "cluster-oidc", url=f"https://{ISSUER}", client_id_lists=["sts.amazonaws.com"]
        ),
    }


IRSA_OUTPUTS = ("roleArn", "roleName", "serviceAccountName", "serviceAccountNamespace", "trustPolicy", "roleArnHash")
CLUSTER_OUTPUTS = ("clusterName", "oidcProviderArn", "oidcIssuer", "kubeconfig")

CASES = {
    "irsa-role": Case(
        eks_irsa.IrsaRole,
        lambda s: {
            "oidc_provider_arn": s["oidc"].arn,
            "oidc_issuer": ISSUER,
            "cluster_name": "acme-dev",
            "namespace": "orders",
            "service_accounts": ["orders-api", "orders-worker"],
            "additional_clusters": [{"oidc_provider_arn": GREEN_ARN, "oidc_issuer": GREEN_ISSUER}],
            "statements": [
                {
                    "actions": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "resources": [QUEUE],
                    "effect": "Allow",
                    "conditions": {"StringEquals": {"aws:RequestedRegion": ["us-west-2"]}},
                    "sid": "Orders",
                }
            ],
            "managed_policy_arns": [f"arn:aws:iam::{ACCOUNT}:policy/orders-read"],
            "tags": {"team": "orders", "cost_center": "42"},
            "max_session_duration": 7200,
            "service_account_options": {
                "labels": {"app.kubernetes.io/name": "orders"},
                "sts_regional_endpoints": True,
                "token_expiration": 3600,
            },
        },
        lambda s: {
            "oidcProviderArn": s["oidc"].arn,
            "oidcIssuer": ISSUER,
            "clusterName": "acme-dev",
            "namespace": "orders",
            "serviceAccounts": ["orders-api", "orders-worker"],
            "trustedClusters": [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN_ISSUER}],
            "statements": [
                {
                    "actions": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                    "resources": [QUEUE],
                    "effect": "Allow",
                    "conditions": {"StringEquals": {"aws:RequestedRegion": ["us-west-2"]}},
                    "sid": "Orders",
                }
            ],
            "managedPolicyArns": [f"arn:aws:iam::{ACCOUNT}:policy/orders-read"],
            "tags": {"team": "orders", "cost_center": "42"},
            "maxSessionDuration": 7200,
            "serviceAccountOptions": {
                "labels": {"app.kubernetes.io/name": "orders"},
                "stsRegionalEndpoints": True,
                "tokenExpiration": 3600,
            },
        },
        IRSA_OUTPUTS,
        in_cluster=True,
    ),
    "pod-identity-role": Case(
        eks_irsa.IrsaRole,
        lambda s: {
            "identity": "pod-identity",
            "cluster_name": "acme-dev",
            "cluster_arn": CLUSTER_ARN,
            "namespace": "billing",
            "service_account": "invoice-worker",
            "create_service_account": False,
            "statements": [{"actions": ["sqs:SendMessage"], "resources": [QUEUE]}],
        },
        lambda s: {
            "identity": "pod-identity",
            "clusterName": "acme-dev",
            "clusterArn": CLUSTER_ARN,
            "namespace": "billing",
            "serviceAccount": "invoice-worker",
            "createServiceAccount": False,
            "statements": [{"actions": ["sqs:SendMessage"], "resources": [QUEUE]}],
        },
        IRSA_OUTPUTS,
    ),
    "eks-cluster": Case(
        eks_irsa.EksCluster,
        lambda s: {
            "cluster_name": "acme-dev",
            "partition": "aws",
            "vpc_id": "vpc-0a1b2c3d4e5f60718",
            "private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            "private_access_cidrs": ["10.255.0.0/20"],
            "admin_principal_arns": [f"arn:aws:iam::{ACCOUNT}:role/platform-admin"],
            "node_groups": [
                {
                    "name": "general",
                    "instance_types": ["m6i.large"],
                    "min_size": 2,
                    "desired_size": 3,
                    "max_size": 6,
                    "imds_hop_limit": 1,
                },
                {"name": "gpu", "instance_types": ["g5.xlarge"], "disk_size": 100, "labels": {"gpu": "true"}},
            ],
            "tags": {"team": "platform"},
            "pod_identity_agent": True,
        },
        lambda s: {
            "clusterName": "acme-dev",
            "partition": "aws",
            "vpcId": "vpc-0a1b2c3d4e5f60718",
            "privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            "privateAccessCidrs": ["10.255.0.0/20"],
            "adminPrincipalArns": [f"arn:aws:iam::{ACCOUNT}:role/platform-admin"],
            "nodeGroups": [
                {
                    "name": "general",
                    "instanceTypes": ["m6i.large"],
                    "minSize": 2,
                    "desiredSize": 3,
                    "maxSize": 6,
                    "imdsHopLimit": 1,
                },
                {"name": "gpu", "instanceTypes": ["g5.xlarge"], "diskSize": 100, "labels": {"gpu": "true"}},
            ],
            "tags": {"team": "platform"},
            "podIdentityAgent": True,
        },
        (*CLUSTER_OUTPUTS, "nodeRoleArn"),
    ),
    "existing-cluster-by-stack-reference": Case(
        eks_irsa.ExistingCluster,
        lambda s: {
            "cluster_name": "acme-prod",
            "partition": "aws",
            "account_id": ACCOUNT,
            "stack_reference": "acme/platform/acme-prod",
        },
        lambda s: {
            "clusterName": "acme-prod",
            "partition": "aws",
            "accountId": ACCOUNT,
            "stackReference": "acme/platform/acme-prod",
        },
        CLUSTER_OUTPUTS,
    ),
    "existing-cluster-by-lookup": Case(
        eks_irsa.ExistingCluster,
        lambda s: {"cluster_name": "acme-prod", "partition": "aws", "account_id": ACCOUNT},
        lambda s: {"clusterName": "acme-prod", "partition": "aws", "accountId": ACCOUNT},
        CLUSTER_OUTPUTS,
    ),
    "account-oidc-provider": Case(
        eks_irsa.AccountOidcProvider,
        lambda s: {
            "account_id": "444455556666",
            "assume_role_arn": "arn:aws:iam::444455556666:role/pulumi-deploy",
            "region": "us-west-2",
            "oidc_issuer": ISSUER,
            "client_ids": ["sts.amazonaws.com"],
        },
        lambda s: {
            "accountId": "444455556666",
            "assumeRoleArn": "arn:aws:iam::444455556666:role/pulumi-deploy",
            "region": "us-west-2",
            "oidcIssuer": ISSUER,
            "clientIds": ["sts.amazonaws.com"],
        },
        ("providerArn",),
    ),
}


def test_every_hosted_component_has_a_construct_case():
    assert {case.component for case in CASES.values()} == set(COMPONENTS)


def _direct(case: Case, name: str) -> Callable[[], None]:
    def program() -> None:
        setup = _setup()
        opts = None
        if case.in_cluster:
            opts = pulumi.ResourceOptions(providers={"kubernetes": setup["k8s"]}, depends_on=[setup["namespace"]])
        component = case.component(name, case.python(setup), opts=opts)
        for key in case.outputs:
            pulumi.export(key, getattr(component, _snake(key)))

    return program


def _through_provider(case: Case, name: str) -> Callable[[], None]:
    def program() -> None:
        setup = _setup()
        given = ((setup["k8s"],), (setup["namespace"],)) if case.in_cluster else ((), ())
        token = f"eks-irsa:index:{case.component.__name__}"
        for key, value in _construct(token, name, case.engine(setup), *given).items():
            pulumi.export(key, value)

    return program


def _mocks(preview: bool) -> EksIrsaMocks:
    return EksIrsaMocks(account_id=ACCOUNT, preview=preview)


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_a_component_through_the_provider_registers_what_a_python_caller_registers(case, preview):
    direct = run_program(_direct(CASES[case], case), {}, "test", mocks=_mocks(preview))
    hosted = run_program(_through_provider(CASES[case], case), {}, "test", mocks=_mocks(preview))
    component = next(r for r in direct.registrations if r.name == case)
    assert component.type == f"eks-irsa:index:{CASES[case].component.__name__}" and not component.custom
    assert any(r.parent == case for r in direct.registrations)
    assert [(r.type, r.name) for r in hosted.registrations] == [(r.type, r.name) for r in direct.registrations]
    assert hosted.registrations == direct.registrations
    accounts = [r for r in hosted.registrations if r.type == "kubernetes:core/v1:ServiceAccount"]
    assert len(accounts) == (2 if CASES[case].in_cluster else 0)
    assert all(r.provider == "cluster-k8s" and "orders-ns" in r.dependencies for r in accounts)
    assert sorted(hosted.exports) == sorted(CASES[case].outputs)
    assert hosted.exports == direct.exports


def _network() -> dict[str, pulumi.Output[str]]:
    """A VPC, two subnets and a bastion's security group id made in the caller's program."""
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    a = aws.ec2.Subnet("private-a", vpc_id=vpc.id, cidr_block="10.0.0.0/20")
    b = aws.ec2.Subnet("private-b", vpc_id=vpc.id, cidr_block="10.0.16.0/20")
    bastion = aws.ssm.Parameter("bastion-sg", type="String", insecure_value="sg-0123456789abcdef0")
    return {"vpc": vpc.id, "a": a.id, "b": b.id, "sg": bastion.insecure_value}


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_a_cluster_program_passes_its_vpc_subnets_and_security_group_as_outputs_in_any_language(preview):
    """``vpcId: vpc.id`` from TypeScript or YAML registers what the Python caller with the same Outputs registers."""
    base = {
        "cluster_name": "acme-dev",
        "partition": "aws",
        "node_groups": [{"name": "g", "instance_types": ["m6i.large"]}],
    }

    def direct() -> None:
        n = _network()
        eks_irsa.EksCluster(
            "acme-dev",
            {
                **base,
                "vpc_id": n["vpc"],
                "private_subnet_ids": [n["a"], n["b"]],
                "private_access_security_group_ids": [n["sg"]],
            },
        )

    def hosted() -> None:
        n = _network()
        engine = {
            "clusterName": "acme-dev",
            "partition": "aws",
            "nodeGroups": [{"name": "g", "instanceTypes": ["m6i.large"]}],
            "vpcId": n["vpc"],
            "privateSubnetIds": [n["a"], n["b"]],
            "privateAccessSecurityGroupIds": [n["sg"]],
        }
        _construct("eks-irsa:index:EksCluster", "acme-dev", engine, keep_output_values=True)

    python = run_program(direct, {}, "test", mocks=_mocks(preview))
    other = run_program(hosted, {}, "test", mocks=_mocks(preview))
    assert other.registrations == python.registrations
    cluster = next(r for r in other.registrations if r.type == "eks:index:Cluster")
    rule = next(r for r in other.registrations if r.type.endswith("SecurityGroupIngressRule"))
    assert {"vpc", "private-a", "private-b"} <= set(cluster.dependencies) and "bastion-sg" in rule.dependencies
    if not preview:
        assert (
            cluster.inputs["vpcId"] == "vpc-id" and rule.inputs["referencedSecurityGroupId"] == "sg-0123456789abcdef0"
        )


def test_an_integer_from_the_engine_reaches_the_component_as_an_int():
    """The SDK's own ``ComponentProvider`` hands ``maxSessionDuration: 7200`` on as ``7200.0`` (pulumi 3.272.0),
    which the IAM rule refuses; when this test fails, the SDK converts integers itself and the override can go."""
    inputs = {"clusterName": "acme-dev", "namespace": "orders", "maxSessionDuration": 7200}

    async def received() -> dict:
        return await ProviderServicer._construct_inputs(await rpc.serialize_properties(inputs, {}), {})

    engine = asyncio.run(received())
    provider = EksIrsaProvider()
    definition = provider._component_defs["IrsaRole"]
    stock = ComponentProvider.map_input_properties(
        provider, engine, definition.inputs, definition.inputs_mapping, "IrsaRole", ""
    )
    assert stock["max_session_duration"] == 7200.0 and isinstance(stock["max_session_duration"], float)
    ours = provider.map_inputs(engine, definition)
    assert ours["max_session_duration"] == 7200 and isinstance(ours["max_session_duration"], int)


BAD = {
    "irsa-role": (
        eks_irsa.IrsaRole,
        {
            "oidc_provider_arn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
            "oidc_issuer": ISSUER,
            "cluster_name": "acme-dev",
            "namespace": "Orders",
            "create_service_account": False,
            "max_session_duration": 7200.5,
            "statements": [
                {"actions": ["sqs:*"], "resources": ["*"]},
                {"actions": ["sqs:ReceiveMessage"], "resources": [f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:orders"]},
            ],
        },
        {
            "oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
            "oidcIssuer": ISSUER,
            "clusterName": "acme-dev",
            "namespace": "Orders",
            "createServiceAccount": False,
            "maxSessionDuration": 7200.5,
            "statements": [
                {"actions": ["sqs:*"], "resources": ["*"]},
                {"actions": ["sqs:ReceiveMessage"], "resources": [f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:orders"]},
            ],
        },
    ),
    "eks-cluster": (
        eks_irsa.EksCluster,
        {
            "cluster_name": "acme-dev",
            "partition": "aws",
            "vpc_id": "vpc-0a1b2c3d4e5f60718",
            "private_subnet_ids": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            "node_groups": [{"name": "general", "instance_types": ["m6i.large"], "imds_hop_limit": 2, "max_size": 1}],
        },
        {
            "clusterName": "acme-dev",
            "partition": "aws",
            "vpcId": "vpc-0a1b2c3d4e5f60718",
            "privateSubnetIds": ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            "nodeGroups": [{"name": "general", "instanceTypes": ["m6i.large"], "imdsHopLimit": 2, "maxSize": 1}],
        },
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_through_the_provider_is_refused_with_the_python_callers_problems_in_the_schemas_words(case):
    component, python, engine = BAD[case]
    caught: dict[str, BaseException] = {}

    def direct() -> None:
        with pytest.raises(IrsaConfigError) as error:
            component(case, python)
        caught["direct"] = error.value

    def hosted() -> None:
        with pytest.raises(InputPropertiesError) as error:
            _construct(f"eks-irsa:index:{component.__name__}", case, engine)
        caught["hosted"] = error.value

    assert run_program(direct, {}, "test", mocks=_mocks(False)).registrations == ()
    assert run_program(hosted, {}, "test", mocks=_mocks(False)).registrations == ()
    problems = caught["direct"].problems
    assert len(problems) >= 2
    hosted = caught["hosted"].__cause__
    assert isinstance(hosted, IrsaConfigError) and str(caught["hosted"]) == caught["hosted"].message == str(hosted)
    assert [(p.value, p.source) for p in hosted.problems] == [(p.value, p.source) for p in problems]
    assert hosted.problems == [schema_problem(p) for p in problems]
    fields = {p.field.split(": ", 1)[1] for p in hosted.problems}
    assert fields == {schema_problem(p).field.split(": ", 1)[1] for p in problems}
    assert not any("_" in f.split("[")[0] for f in fields), fields


def test_an_unknown_key_from_another_language_is_refused_with_a_suggestion_in_the_schemas_words():
    """The SDK's mapping drops a key the schema does not know (``serviceAcount``, ``endpointPublic``); the
    provider hands it on so the component's shape check refuses it, named as the caller spelled it."""
    caught: list[IrsaConfigError] = []

    def hosted(token: str, name: str, inputs: dict[str, Any]) -> Callable[[], None]:
        def program() -> None:
            with pytest.raises(InputPropertiesError) as error:
                _construct(token, name, inputs)
            caught.append(error.value.__cause__)

        return program

    role = {**BAD["irsa-role"][2], "namespace": "orders", "serviceAcount": "orders-api"}
    role.pop("maxSessionDuration")
    role["statements"] = [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE], "efect": "Deny"}]
    cluster = {**BAD["eks-cluster"][2], "endpointPublic": True}
    for token, name, inputs in (
        ("eks-irsa:index:IrsaRole", "orders-api", role),
        ("eks-irsa:index:EksCluster", "c", cluster),
    ):
        assert run_program(hosted(token, name, inputs), {}, "test", mocks=_mocks(False)).registrations == ()
    unknown = [(p.field, p.rule, p.fix) for e in caught for p in e.problems if "known field" in p.rule]
    assert unknown == [
        ("IrsaRole orders-api: serviceAcount", UNKNOWN_FIELD, "did you mean serviceAccount?"),
        ("IrsaRole orders-api: statements[0].efect", UNKNOWN_FIELD, "did you mean effect?"),
        ("EksCluster c: endpointPublic", UNKNOWN_FIELD, "did you mean endpointPublicAccess?"),
    ]


def test_a_former_schema_name_is_still_read_with_a_deprecation_warning():
    """``additionalClusters`` (the schema's name before 0.5) reaches the component as ``trustedClusters`` does."""
    role = {
        "clusterName": "acme-dev",
        "namespace": "orders",
        "oidcProviderArn": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        "oidcIssuer": ISSUER,
        "createServiceAccount": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [QUEUE]}],
    }
    green = [{"oidcProviderArn": GREEN_ARN, "oidcIssuer": GREEN_ISSUER}]

    def program(key: str) -> Callable[[], None]:
        return lambda: pulumi.export(
            "trust", _construct("eks-irsa:index:IrsaRole", "r", {**role, key: green})["trustPolicy"]
        )

    old = run_program(program("additionalClusters"), {}, "test", mocks=_mocks(False))
    new = run_program(program("trustedClusters"), {}, "test", mocks=_mocks(False))
    assert old.exports == new.exports and GREEN_ISSUER in old.exports["trust"]
    assert [(s, m) for s, m in old.logs if "deprecated" in m] == [
        ("warning", "IrsaRole: additionalClusters is deprecated; write trustedClusters (same meaning)")
    ]
    assert not [m for _, m in new.logs if "deprecated" in m]


def test_a_missing_required_input_is_refused_by_the_sdk_before_the_component_runs():
    caught = []

    def hosted() -> None:
        with pytest.raises(InputPropertyError) as error:
            _construct("eks-irsa:index:IrsaRole", "orders-api", {"clusterName": "acme-dev"})
        caught.append(error.value)

    assert run_program(hosted, {}, "test", mocks=_mocks(False)).registrations == ()
    assert (caught[0].property_path, caught[0].reason) == (
        "namespace",
        "Missing required input 'namespace' on 'IrsaRole'",
    )


# --- the plugin as the engine starts it ----------------------------------------------------------------


def _plugin_environment() -> dict[str, str]:
    """The environment of a plugin process: this checkout's package first on the path (as provider/venv has it)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "components"), os.environ.get("PYTHONPATH", "")])}


def test_the_plugin_folder_serves_the_schema_and_version_to_the_engine():
    """``python provider <engine address>``, as the Python language host runs it: it prints a port and serves gRPC."""
    plugin = subprocess.Popen(
        [sys.executable, str(ROOT / "provider"), "127.0.0.1:1", "--logtostderr"],
        cwd=ROOT,
        env=_plugin_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(plugin.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            served = stub.GetSchema(provider_pb2.GetSchemaRequest(), timeout=60)
            info = stub.GetPluginInfo(empty_pb2.Empty(), timeout=60)
    finally:
        plugin.terminate()
        plugin.communicate(timeout=60)
    assert json.loads(served.schema) == json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert info.version == eks_irsa.__version__


def test_the_schema_command_writes_the_committed_file(tmp_path):
    written = tmp_path / "schema.json"
    subprocess.run(
        [sys.executable, "-m", "eks_irsa.provider", "--schema", str(written)],
        env=_plugin_environment(),
        check=True,
    )
    assert written.read_bytes() == SCHEMA_FILE.read_bytes()


def _pins(path: Path) -> list[str]:
    lines = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return sorted(line for line in lines if "==" in line)


def test_the_plugin_installs_this_checkout_with_the_programs_exact_versions():
    plugin = (ROOT / "provider" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert "../[lint]" in plugin  # pip runs in provider/, so this is the repository's package with its lint
    assert _pins(ROOT / "provider" / "requirements.txt") == _pins(ROOT / "requirements.txt")
    runtime = yaml.safe_load((ROOT / "provider" / "PulumiPlugin.yaml").read_text(encoding="utf-8"))["runtime"]
    assert runtime == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}


def test_the_docs_yaml_program_uses_only_schema_inputs_and_gives_every_required_one():
    """The YAML program is not run (no Pulumi CLI); its component properties are checked against the schema."""
    section = (ROOT / "docs" / "other-languages.md").read_text(encoding="utf-8")
    program = yaml.safe_load(re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)[0])
    spec = schema()
    ours = {name: r for name, r in program["resources"].items() if r["type"].startswith("eks-irsa:")}
    assert ours
    for name, resource in ours.items():
        declared = spec["resources"][resource["type"]]
        assert set(resource["properties"]) <= set(declared["inputProperties"]), name
        assert set(declared["requiredInputs"]) <= set(resource["properties"]), name
        for statement in resource["properties"].get("statements", []):
            assert set(statement) <= set(spec["types"]["eks-irsa:index:PermissionStatement"]["properties"])
    pinned = program["packages"]["eks-irsa"]  # a full commit id: the repository has no tags
    assert re.fullmatch(r"github\.com/<org>/eks-irsa/provider@[0-9a-f]{40}", pinned), pinned
    assert f"pulumi package add {pinned}\n" in section


def _typescript_object(source: str, call: str) -> dict[str, Any]:
    """The object literal passed after the name in ``call(...)``, read as JSON (quoted keys, no comments)."""
    start = source.index("{", source.index(call))
    end, depth = start, 0
    while end == start or depth:
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        end += 1
    literal = re.sub(r"//[^\n]*", "", source[start:end])
    literal = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', literal)
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", literal))


def test_the_docs_typescript_cluster_is_accepted_through_the_provider():
    """The TypeScript program is not run (no Pulumi CLI); its EksCluster inputs go through the provider."""
    section = (ROOT / "docs" / "other-languages.md").read_text(encoding="utf-8")
    source = re.findall(r"```typescript\n(.*?)```", section, flags=re.DOTALL)[0]
    inputs = _typescript_object(source, "new eksIrsa.EksCluster(")
    assert set(inputs) <= set(schema()["resources"]["eks-irsa:index:EksCluster"]["inputProperties"])

    def program() -> None:
        _construct("eks-irsa:index:EksCluster", "acme-dev", inputs)

    run = run_program(program, {}, "test", mocks=_mocks(False))
    assert [r.name for r in run.registrations if r.type == "eks:index:Cluster"] == ["acme-dev"]
