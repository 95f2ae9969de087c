"""The real program, ``__main__.py``, for every stack file, under the mock monitor.

What mocks cannot prove: that pulumi-eks creates the OIDC provider it is asked for (its children run
in its own provider, absent here), that EKS accepts the versions and subnets, or that a deploy
succeeds. What is asserted is everything the program registers.
"""

from __future__ import annotations

import json
import random

import pytest
import yaml
from kubernetes_validate import validate as validate_manifest

from components.testing import config_from_stack_file, run_program
from tests.conftest import ROOT, STACK_FILES
from tools.plan import plan_document, service_files, write_plan

PROGRAM = ROOT / "__main__.py"


def _stack(path) -> str:
    return path.name.split(".")[1]


@pytest.fixture(scope="module", params=STACK_FILES, ids=_stack)
def stack_run(request):
    config = config_from_stack_file(request.param)
    return _stack(request.param), config, run_program(PROGRAM, config, _stack(request.param))


def _of(run, type_):
    return [r for r in run.registrations if r.type == type_]


def test_one_role_and_one_service_account_per_service(stack_run):
    _, config, run = stack_run
    services = config["eks-irsa:services"]
    roles = {r.parent for r in _of(run, "aws:iam/role:Role") if r.parent in services}
    assert roles == set(services)
    expected_sas = {name for name, s in services.items() if s.get("createServiceAccount", True)}
    assert {r.parent for r in _of(run, "kubernetes:core/v1:ServiceAccount")} == expected_sas
    assert run.invokes == ()


def test_each_role_trusts_exactly_its_own_service_account_and_the_annotation_is_its_arn(stack_run):
    _, config, run = stack_run
    cluster = _of(run, "eks:index:Cluster")[0]
    issuer = cluster.outputs["oidcIssuer"]
    roles = {r.parent: r for r in _of(run, "aws:iam/role:Role")}
    for sa in _of(run, "kubernetes:core/v1:ServiceAccount"):
        role = roles[sa.parent]
        condition = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
        meta = sa.inputs["metadata"]
        assert condition[f"{issuer}:sub"] == f"system:serviceaccount:{meta['namespace']}:{meta['name']}"
        assert condition[f"{issuer}:aud"] == "sts.amazonaws.com"
        assert meta["annotations"]["eks.amazonaws.com/role-arn"] == role.outputs["arn"]
        assert sa.provider == f"{cluster.name}-k8s"
        entry = config["eks-irsa:services"][sa.parent]
        assert meta["name"] == entry.get("serviceAccount", sa.parent)
        assert meta["namespace"] == entry["namespace"]


def test_cluster_requests_oidc_api_auth_and_no_default_node_group(stack_run):
    stack, config, run = stack_run
    cluster = _of(run, "eks:index:Cluster")[0]
    assert cluster.inputs["createOidcProvider"] is True
    assert cluster.inputs["authenticationMode"] == "API"
    assert cluster.inputs["skipDefaultNodeGroup"] is True
    assert cluster.protect is bool(config["eks-irsa:cluster"].get("protect", False))
    assert cluster.protect is (stack == "prod")


def test_node_groups_keep_imds_out_of_pods_reach(stack_run):
    _, config, run = stack_run
    templates = {t.name: t for t in _of(run, "aws:ec2/launchTemplate:LaunchTemplate")}
    groups = _of(run, "aws:eks/nodeGroup:NodeGroup")
    assert len(groups) == len(config["eks-irsa:cluster"]["nodeGroups"])
    for group in groups:
        template = templates[f"{group.name}-lt"]
        assert template.inputs["metadataOptions"]["httpTokens"] == "required"
        assert template.inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1
        assert f"{group.name}-lt" in group.dependencies


def test_node_role_carries_only_the_node_policies_and_cni_has_its_own_role(stack_run):
    _, _, run = stack_run
    cluster = _of(run, "eks:index:Cluster")[0].name
    node_attachments = [
        a
        for a in _of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if f"{cluster}-node-role" in a.dependencies
    ]
    assert sorted(a.inputs["policyArn"].rsplit("/", 1)[1] for a in node_attachments) == [
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonEKSWorkerNodePolicy",
    ]
    assert not [p for p in _of(run, "aws:iam/rolePolicy:RolePolicy") if f"{cluster}-node-role" in p.dependencies]
    addon = _of(run, "aws:eks/addon:Addon")[0]
    cni_role = next(r for r in _of(run, "aws:iam/role:Role") if r.parent == f"{cluster}-vpc-cni")
    assert addon.inputs["addonName"] == "vpc-cni"
    assert addon.inputs["serviceAccountRoleArn"] == cni_role.outputs["arn"]
    sub = json.loads(cni_role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:kube-system:aws-node" in sub.values()


def _closure(run, start: str) -> set[str]:
    edges = {r.name: {*r.dependencies, *filter(None, [r.parent])} for r in run.registrations}
    seen, todo = set(), [start]
    while todo:
        for dep in edges.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_no_role_waits_for_node_groups_or_the_kubernetes_provider(stack_run):
    _, _, run = stack_run
    blockers = {
        r.name for r in run.registrations if r.type in ("aws:eks/nodeGroup:NodeGroup", "pulumi:providers:kubernetes")
    }
    for role in _of(run, "aws:iam/role:Role"):
        assert not (_closure(run, role.name) & blockers), role.name


def test_service_account_manifests_are_valid_kubernetes(stack_run, tmp_path):
    _, _, run = stack_run
    for texts in service_files(run).values():
        if "serviceaccount.yaml" in texts:
            validate_manifest(yaml.safe_load(texts["serviceaccount.yaml"]), "1.33.0", strict=True)


def test_plan_is_byte_identical_across_runs_and_shuffled_catalogs(tmp_path):
    write_plan("dev", tmp_path / "one")
    config = config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    services = list(config["eks-irsa:services"].items())
    random.Random(3).shuffle(services)
    shuffled = {}
    for name, entry in services:
        entry = dict(reversed(list(entry.items())))
        for statement in entry.get("statements", []):
            statement["actions"] = list(reversed(statement["actions"]))
            statement["resources"] = list(reversed(statement["resources"]))
        shuffled[name] = entry
    config["eks-irsa:services"] = shuffled
    again = json.dumps(plan_document(run_program(PROGRAM, config, "dev"), "dev"), sort_keys=True, indent=2) + "\n"
    first = (tmp_path / "one" / "dev" / "plan.json").read_text()
    assert first == again
    write_plan("dev", tmp_path / "two")
    for path in sorted((tmp_path / "one").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes(), path


def test_china_region_renders_aws_cn_arns_everywhere():
    config = config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    config["aws:region"] = "cn-north-1"
    config["eks-irsa:cluster"]["admins"] = ["arn:aws-cn:iam::111122223333:role/platform-admin"]
    run = run_program(PROGRAM, config, "dev-cn")
    text = json.dumps([r.inputs for r in run.registrations] + [r.outputs for r in run.registrations])
    assert "arn:aws-cn:" in text
    assert "arn:aws:" not in text
    assert ".amazonaws.com.cn/id/" in _of(run, "eks:index:Cluster")[0].outputs["oidcIssuer"]
