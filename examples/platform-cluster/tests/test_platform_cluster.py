"""The platform-cluster example's real ``__main__.py`` under the mock monitor: the cluster and its four exports.

What mocks cannot prove: that AWS creates the cluster with these subnets, that pulumi-eks's own
children (its security groups, access entries) exist as documented (a remote component's children
are made by its provider, which does not run here), or that the exported kubeconfig reaches the API
server. The issuer and provider ARN are the mocks' labelled placeholders.
"""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
import pytest
import yaml

from eks_irsa.testing import OfflineRun, config_from_stack_file, run_program

EXAMPLE = Path(__file__).resolve().parents[1]
PROJECT = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())["name"]
CONTRACT = {"clusterName", "oidcProviderArn", "oidcIssuer", "kubeconfig"}
"""What an app team reads through its StackReference (examples/app-team)."""


def _run(config: dict) -> OfflineRun:
    """Run the example's program (stack ``prod``) as the CLI would."""
    return run_program(EXAMPLE / "__main__.py", config, "prod")


@pytest.fixture
def prod() -> tuple[dict, OfflineRun]:
    config = config_from_stack_file(EXAMPLE / "Pulumi.prod.yaml")
    return config, _run(config)


def _of(run: OfflineRun, type_: str) -> list:
    return [r for r in run.registrations if r.type == type_]


def test_registers_one_protected_cluster_and_no_workload_role(prod):
    config, run = prod
    name = config[f"{PROJECT}:clusterName"]
    [component] = _of(run, "eks-irsa:index:EksCluster")
    assert (component.name, component.protect) == (name, True)
    [cluster] = _of(run, "eks:index:Cluster")
    assert cluster.inputs["name"] == name
    assert cluster.inputs["privateSubnetIds"] == config[f"{PROJECT}:privateSubnetIds"]
    # The only IrsaRole is the cluster's own VPC CNI role, and it creates no ServiceAccount.
    assert [r.name for r in _of(run, "eks-irsa:index:IrsaRole")] == [f"{name}-vpc-cni"]
    assert _of(run, "kubernetes:core/v1:ServiceAccount") == []
    [group] = _of(run, "aws:eks/nodeGroup:NodeGroup")
    assert group.inputs["scalingConfig"] == {"minSize": 2, "desiredSize": 3, "maxSize": 6}
    # who created the cluster: none exists yet, so the identity deploying it, recorded in its tag
    assert run.invokes == ("aws:eks/getClusters:getClusters", "aws:index/getCallerIdentity:getCallerIdentity")
    assert "eks-irsa:creator" in cluster.inputs["clusterTags"]


def test_exports_exactly_what_an_app_team_reads(prod):
    config, run = prod
    exported = run.exports
    [cluster] = _of(run, "eks:index:Cluster")
    assert set(exported) == CONTRACT
    assert exported["clusterName"] == config[f"{PROJECT}:clusterName"]
    assert exported["oidcIssuer"] == cluster.outputs["oidcIssuer"]
    [provider] = _of(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")  # the component's own
    assert exported["oidcProviderArn"] == provider.outputs["arn"]
    assert exported["oidcProviderArn"].startswith("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.")
    assert json.loads(exported["kubeconfig"])["kind"] == "Config"


def test_a_missing_required_key_stops_the_program_and_names_the_key():
    config = config_from_stack_file(EXAMPLE / "Pulumi.prod.yaml")
    del config[f"{PROJECT}:vpcId"]
    with pytest.raises(pulumi.ConfigMissingError, match="vpcId"):
        _run(config)
