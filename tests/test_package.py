"""The package contract: public names, version, the SDK's component analyzer, and one owner per rule.

What these tests cannot prove: that `pulumi package add` generates working SDKs in other languages
(that needs the Pulumi CLI), or that IAM and Kubernetes accept what the mocks record.
"""

from __future__ import annotations

import importlib.metadata

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

import eks_irsa
from eks_irsa import EksCluster, ExistingCluster, IrsaConfigError, IrsaRole, load_catalog, provider
from eks_irsa.testing import EksIrsaMocks, run_program
from tests.conftest import PROGRAM, PROJECT

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
COMPONENTS = [EksCluster, IrsaRole, ExistingCluster, eks_irsa.AccountOidcProvider]

BAD_STATEMENTS = [
    {"actions": ["sqs:*"], "resources": ["*"]},
    {"actions": ["sqs:RecieveMessage"], "resources": [f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"]},
    {"actions": ["sqs:ReceiveMessage"], "resources": [f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:orders"]},
]
"""What a library caller used to get past the component although `make plan` refused it."""


def _schema() -> dict:
    """The schema the multi-language provider serves (``provider/``; see tests/test_provider.py)."""
    return provider.schema()


def test_public_names_import_and_the_version_matches_the_distribution():
    assert all(hasattr(eks_irsa, name) for name in eks_irsa.__all__)
    assert importlib.metadata.version("eks-irsa") == eks_irsa.__version__ == "0.4.0"


def test_the_sdk_component_analyzer_builds_a_schema_for_every_component():
    schema = _schema()
    resources = schema["resources"]
    assert set(provider.COMPONENTS) == set(COMPONENTS)
    assert sorted(resources) == sorted(f"eks-irsa:index:{c.__name__}" for c in COMPONENTS)
    irsa = resources["eks-irsa:index:IrsaRole"]
    assert irsa["isComponent"] is True
    assert sorted(irsa["requiredInputs"]) == ["clusterName", "namespace"]
    assert irsa["inputProperties"]["identity"]["$ref"] == "#/types/eks-irsa:index:IdentityType"
    assert [e["value"] for e in schema["types"]["eks-irsa:index:IdentityType"]["enum"]] == [
        "irsa",
        "pod-identity",
        "both",
    ]
    statement = schema["types"]["eks-irsa:index:PermissionStatement"]
    assert sorted(statement["required"]) == ["actions", "resources"]
    assert (
        "roleArn" in irsa["properties"]
        and "kubernetesProvider" not in resources["eks-irsa:index:EksCluster"]["properties"]
    )


def test_every_schema_property_has_a_description():
    schema = _schema()
    missing = [
        f"{resource}.{name}"
        for resource, spec in schema["resources"].items()
        for section in ("inputProperties", "properties")
        for name, prop in spec.get(section, {}).items()
        if not prop.get("description")
    ]
    missing += [
        f"{type_name}.{name}"
        for type_name, spec in schema["types"].items()
        for name, prop in spec.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert missing == []


def _run(build):
    return run_program(build, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT))


def _args(**overrides) -> dict:
    return {
        "oidc_provider_arn": PROVIDER_ARN,
        "oidc_issuer": ISSUER,
        "cluster_name": "acme-dev",
        "namespace": "orders",
        "create_service_account": False,
        "statements": [{"actions": ["sqs:ReceiveMessage"], "resources": [f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"]}],
        **overrides,
    }


def test_a_direct_caller_is_refused_what_the_catalog_refuses_with_the_same_problem_text(dev_config):
    caught = []

    def build():
        with pytest.raises(IrsaConfigError) as error:
            IrsaRole("orders-api", _args(statements=BAD_STATEMENTS))
        caught.extend(error.value.problems)

    run = _run(build)
    assert run.registrations == ()
    dev_config["eks-irsa:services"]["orders-api"]["statements"] = BAD_STATEMENTS
    with pytest.raises(IrsaConfigError) as catalog:
        load_catalog(dev_config, PROJECT)
    direct = {(p.rule, p.source, p.fix) for p in caught}
    assert direct and direct <= {(p.rule, p.source, p.fix) for p in catalog.value.problems}
    rules = " ".join(p.rule for p in caught)
    assert "sqs:RecieveMessage" in rules or any(p.value == ["sqs:RecieveMessage"] for p in caught)
    assert "names partition 'aws-cn', but the role's is 'aws'" in rules
    assert any("IRSA_ALL_ACTIONS" in p.rule or "IRSA_SERVICE_WILDCARD" in p.rule for p in caught)
    assert {p.field.split(": ")[0] for p in caught} == {"IrsaRole orders-api"}


def test_catalog_problems_name_catalog_keys_and_direct_problems_name_args_fields(dev_config):
    dev_config["eks-irsa:services"]["orders-api"]["trustedClusters"] = [
        {"oidcProviderArn": "arn:aws:iam::1:role/x", "oidcIssuer": ISSUER}
    ]
    with pytest.raises(IrsaConfigError) as catalog:
        load_catalog(dev_config, PROJECT)
    assert "eks-irsa:services.orders-api.trustedClusters[0].oidcProviderArn" in [
        p.field for p in catalog.value.problems
    ]
    caught = []

    def build():
        with pytest.raises(IrsaConfigError) as error:
            IrsaRole(
                "orders-api",
                _args(additional_clusters=[{"oidc_provider_arn": "arn:aws:iam::1:role/x", "oidc_issuer": ISSUER}]),
            )
        caught.extend(p.field for p in error.value.problems)

    _run(build)
    assert caught == ["IrsaRole orders-api: additional_clusters[0].oidc_provider_arn"]


def test_the_cluster_name_may_be_an_output():
    def build():
        IrsaRole("orders-api", _args(cluster_name=pulumi.Output.from_input("acme-prod")))

    role = next(r for r in _run(build).registrations if r.type == "aws:iam/role:Role")
    assert role.inputs["name"] == "acme-prod-orders-orders-api"
    assert role.inputs["tags"]["eks-irsa/cluster"] == "acme-prod"


def test_a_provider_that_is_not_a_kubernetes_provider_is_refused_before_registering():
    caught = []

    def build():
        wrong = aws.Provider("not-k8s", region="us-west-2")
        with pytest.raises(IrsaConfigError, match="is not a Kubernetes provider") as error:
            IrsaRole(
                "orders-api",
                _args(create_service_account=True),
                opts=pulumi.ResourceOptions(providers={"kubernetes": wrong}),
            )
        caught.append(error.value)

    run = _run(build)
    assert caught and [r.type for r in run.registrations] == ["pulumi:providers:aws"]


def test_a_kubernetes_provider_in_opts_providers_is_the_service_accounts_provider():
    def build():
        provider = k8s.Provider("cluster-k8s", kubeconfig="{}")
        IrsaRole(
            "orders-api",
            _args(create_service_account=True),
            opts=pulumi.ResourceOptions(providers=[provider]),
        )

    sa = next(r for r in _run(build).registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    assert sa.provider == "cluster-k8s"


def test_a_platform_stack_without_a_catalog_renders_only_the_cluster(dev_config):
    del dev_config["eks-irsa:services"]
    run = run_program(PROGRAM, dev_config, "dev")
    irsa_roles = [r.name for r in run.registrations if r.type == "eks-irsa:index:IrsaRole"]
    assert irsa_roles == [f"{dev_config['eks-irsa:cluster']['name']}-vpc-cni"]


def test_a_service_indented_out_of_its_key_is_an_error_not_dropped(dev_config):
    from eks_irsa.catalog import decode_stack_config
    from eks_irsa.testing import encode_config

    dev_config["invoice-worker"] = {"namespace": "billing", "statements": []}
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(decode_stack_config(encode_config(dev_config)), PROJECT)
    problem = next(p for p in caught.value.problems if p.field == "eks-irsa:invoice-worker")
    assert "under eks-irsa:services" in problem.fix
