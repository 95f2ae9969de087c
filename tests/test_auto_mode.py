"""EKS Auto Mode: the cluster option, what it leaves to EKS, and the catalog entries it refuses.

What mocks cannot prove: pulumi-eks's own children for Auto Mode (its node role, the cluster role's Auto
Mode policies) run in its provider, which is absent here; that EKS accepts the cluster is for a real deploy.
"""

from __future__ import annotations

import copy
import json

import pytest

from eks_irsa.catalog import AUTO_MODE_ADDONS, decode_stack_config, load_catalog
from eks_irsa.cluster import EksCluster, EksClusterArgs, NodeGroupArgs
from eks_irsa.errors import IrsaConfigError
from eks_irsa.testing import EksIrsaMocks, config_from_stack_file, run_program
from tests.conftest import PROGRAM, PROJECT


def _cluster(**overrides) -> EksClusterArgs:
    base = dict(
        cluster_name="c",
        partition="aws",
        vpc_id="vpc-01234567",
        private_subnet_ids=["subnet-0000000a", "subnet-0000000b"],
        private_access_cidrs=["10.255.0.0/20"],
        pod_identity_agent=True,
    )
    base.update(overrides)
    return EksClusterArgs(**base)


def _types(run) -> list[tuple[str, str]]:
    return sorted((r.type, r.name) for r in run.registrations)


def test_auto_mode_goes_to_pulumi_eks_and_leaves_networking_and_the_agent_to_eks():
    run = run_program(lambda: EksCluster("c", _cluster(auto_mode=True)), {}, "t", mocks=EksIrsaMocks())
    cluster = next(r for r in run.registrations if r.type == "eks:index:Cluster")
    assert cluster.inputs["autoMode"] == {"enabled": True, "createNodeRole": True}
    names = [name for _, name in _types(run)]
    assert not [n for n in names if "vpc-cni" in n or "pod-identity-agent" in n]


def test_auto_mode_with_a_node_group_gives_its_nodes_networking_kube_proxy_and_the_agent():
    # EKS bootstraps nothing in Auto Mode (pulumi-eks sets bootstrapSelfManagedAddons false) and runs its add-ons
    # only on its own nodes: a managed node group without these stays NotReady and ends CREATE_FAILED.
    group = NodeGroupArgs(name="g", instance_types=["m6i.large"])
    run = run_program(
        lambda: EksCluster("c", _cluster(auto_mode=True, node_groups=[group])), {}, "t", mocks=EksIrsaMocks()
    )
    cluster = next(r for r in run.registrations if r.type == "eks:index:Cluster")
    assert cluster.inputs["autoMode"] == {"enabled": True, "createNodeRole": True}
    assert cluster.inputs["kubeProxyAddonOptions"]["enabled"] is True
    names = [name for _, name in _types(run)]
    assert {"c-vpc-cni", "c-vpc-cni-addon", "c-pod-identity-agent", "c-coredns-addon"} <= set(names)
    [role] = [r for r in run.registrations if r.type == "aws:iam/role:Role" and r.parent == "c-vpc-cni"]
    assert "kube-system:aws-node" in json.dumps(role.inputs["assumeRolePolicy"])
    node_group = next(r for r in run.registrations if r.type == "aws:eks/nodeGroup:NodeGroup")
    assert {"c-vpc-cni-addon", "c-pod-identity-agent"} <= set(node_group.dependencies)


def test_auto_mode_alone_leaves_kube_proxy_to_pulumi_eks_s_default():
    run = run_program(lambda: EksCluster("c", _cluster(auto_mode=True)), {}, "t", mocks=EksIrsaMocks())
    cluster = next(r for r in run.registrations if r.type == "eks:index:Cluster")
    assert "enabled" not in cluster.inputs["kubeProxyAddonOptions"]  # pulumi-eks: off in Auto Mode


@pytest.mark.parametrize("preview", [False, True])
def test_a_stack_in_auto_mode_with_a_node_group_gets_what_its_nodes_need(preview):
    config = copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml"))
    config["eks-irsa:cluster"].update(autoMode=True, nodeGroups={"general": {"instanceTypes": ["m6i.large"]}})
    config["eks-irsa:services"]["probe"] = {
        "namespace": "probe",
        "identity": "pod-identity",
        "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:${partition}:s3:::probe/*"]}],
    }
    account, region = config["aws:allowedAccountIds"][0], config["aws:region"]
    mocks = EksIrsaMocks(account_id=account, region=region, preview=preview)
    run = run_program(PROGRAM, config, "staging", mocks=mocks)
    addons = sorted(r.inputs["addonName"] for r in run.registrations if r.type == "aws:eks/addon:Addon")
    assert {"vpc-cni", "eks-pod-identity-agent", "coredns"} <= set(addons)
    [group] = [r for r in run.registrations if r.type == "aws:eks/nodeGroup:NodeGroup"]
    name = config["eks-irsa:cluster"]["name"]
    assert {f"{name}-vpc-cni-addon", f"{name}-pod-identity-agent"} <= set(group.dependencies)


def test_without_auto_mode_the_cluster_keeps_its_vpc_cni_role_and_agent():
    group = NodeGroupArgs(name="g", instance_types=["m6i.large"])
    run = run_program(lambda: EksCluster("c", _cluster(node_groups=[group])), {}, "t", mocks=EksIrsaMocks())
    cluster = next(r for r in run.registrations if r.type == "eks:index:Cluster")
    assert "autoMode" not in cluster.inputs
    names = [name for _, name in _types(run)]
    assert {"c-vpc-cni", "c-vpc-cni-addon", "c-pod-identity-agent"} <= set(names)
    node_group = next(r for r in run.registrations if r.type == "aws:eks/nodeGroup:NodeGroup")
    assert "c-vpc-cni-addon" in node_group.dependencies


def _staging(**cluster) -> dict:
    config = copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml"))
    config = decode_stack_config(config)
    config["eks-irsa:cluster"].update(cluster)
    return config


@pytest.mark.parametrize("addon", sorted(AUTO_MODE_ADDONS))
def test_an_addon_auto_mode_runs_is_refused_with_that_reason(addon):
    config = _staging(autoMode=True)
    config["eks-irsa:services"]["managed"] = {"namespace": "kube-system", "addon": {"name": addon}}
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(config, PROJECT)
    found = [p for p in raised.value.problems if p.field == "eks-irsa:services.managed.addon"]
    assert len(found) == 1 and "run by EKS Auto Mode itself" in found[0].rule


def test_auto_mode_makes_node_groups_optional_and_only_then():
    config = _staging(autoMode=True)
    del config["eks-irsa:cluster"]["nodeGroups"]
    assert load_catalog(config, PROJECT).cluster.auto_mode is True
    config["eks-irsa:cluster"]["autoMode"] = False
    with pytest.raises(IrsaConfigError, match="nodeGroups"):
        load_catalog(config, PROJECT)


def test_pod_identity_on_a_cluster_of_windows_node_groups_only_is_refused():
    config = _staging(autoMode=False)
    for group in config["eks-irsa:cluster"]["nodeGroups"].values():
        group["amiType"] = "WINDOWS_CORE_2022_x86_64"
    with pytest.raises(IrsaConfigError) as raised:
        load_catalog(config, PROJECT)
    refused = sorted(p.field for p in raised.value.problems if "Windows" in p.rule)
    identities = {n: e.get("identity", "irsa") for n, e in config["eks-irsa:services"].items()}
    assert refused == sorted(
        f"eks-irsa:services.{n}.identity" for n, i in identities.items() if i in ("pod-identity", "both")
    )
    config["eks-irsa:cluster"]["nodeGroups"]["linux"] = {"instanceTypes": ["m6i.large"]}
    assert load_catalog(config, PROJECT).plans
