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

from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.cli.plan import plan_document, service_files, write_plan
from eks_irsa.testing import config_from_stack_file, encode_config, run_program
from tests.conftest import ROOT, STACK_FILES

PROGRAM = ROOT / "__main__.py"
PROVIDER_PREFIX = "arn:aws:iam::111122223333:oidc-provider"


def _stack(path) -> str:
    return path.name.split(".")[1]


@pytest.fixture(scope="module", params=STACK_FILES, ids=_stack)
def stack_run(request):
    config = config_from_stack_file(request.param)
    return _stack(request.param), config, run_program(PROGRAM, config, _stack(request.param))


def _of(run, type_):
    return [r for r in run.registrations if r.type == type_]


def _expected_service_accounts(name: str, entry: dict) -> list[str]:
    if not entry.get("createServiceAccount", True):
        return []
    if "serviceAccounts" in entry:
        return sorted(entry["serviceAccounts"])
    if "subjectPattern" in entry and "serviceAccount" not in entry:
        return []
    return [entry.get("serviceAccount", name)]


def test_one_role_and_the_named_service_accounts_per_service(stack_run):
    _, config, run = stack_run
    services = config["eks-irsa:services"]
    roles = {r.parent for r in _of(run, "aws:iam/role:Role") if r.parent in services}
    assert roles == {name for name, entry in services.items() if "existingRoleArn" not in entry}
    for name, entry in services.items():
        made = sorted(
            r.inputs["metadata"]["name"] for r in _of(run, "kubernetes:core/v1:ServiceAccount") if r.parent == name
        )
        assert made == _expected_service_accounts(name, entry), name
    assert run.invokes == ()


def test_each_role_trusts_exactly_its_own_service_accounts_and_the_annotation_is_its_arn(stack_run):
    _, config, run = stack_run
    cluster = _of(run, "eks:index:Cluster")[0]
    issuer = cluster.outputs["oidcIssuer"]
    roles = {r.parent: r for r in _of(run, "aws:iam/role:Role")}
    associations = {
        (a.inputs["namespace"], a.inputs["serviceAccount"]): a
        for a in _of(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    }
    checked = 0
    for sa in _of(run, "kubernetes:core/v1:ServiceAccount"):
        entry = config["eks-irsa:services"][sa.parent]
        meta = sa.inputs["metadata"]
        assert meta["namespace"] == entry["namespace"]
        assert sa.provider == f"{cluster.name}-k8s"
        annotations = meta.get("annotations") or {}
        if "existingRoleArn" in entry:
            assert annotations["eks.amazonaws.com/role-arn"].endswith(entry["existingRoleArn"].rsplit(":", 1)[1])
            continue
        role = roles[sa.parent]
        if entry.get("identity") == "pod-identity":
            assert "eks.amazonaws.com/role-arn" not in annotations
            assert associations[(meta["namespace"], meta["name"])].inputs["roleArn"] == role.outputs["arn"]
            continue
        statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        own = next(s for s in statement if f"{issuer}:aud" in s["Condition"]["StringEquals"])
        subs = own["Condition"]["StringEquals"][f"{issuer}:sub"]
        expected = [
            f"system:serviceaccount:{meta['namespace']}:{n}" for n in _expected_service_accounts(sa.parent, entry)
        ]
        assert (subs if isinstance(subs, list) else [subs]) == expected
        assert own["Condition"]["StringEquals"][f"{issuer}:aud"] == "sts.amazonaws.com"
        assert annotations["eks.amazonaws.com/role-arn"] == role.outputs["arn"]
        checked += 1
    assert checked >= 1


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
    addon = next(a for a in _of(run, "aws:eks/addon:Addon") if a.inputs["addonName"] == "vpc-cni")
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
    _, config, run = stack_run
    for texts in service_files(run, load_catalog(decode_stack_config(encode_config(config)), ROOT)).values():
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


def test_staging_puts_the_cross_account_role_and_its_oidc_provider_in_the_data_account():
    run = run_program(PROGRAM, config_from_stack_file(ROOT / "stacks" / "Pulumi.staging.yaml"), "staging")
    provider = next(r for r in run.registrations if r.type == "aws:iam/openIdConnectProvider:OpenIdConnectProvider")
    assert provider.provider == "account-data-aws"
    assert provider.inputs["url"].startswith("https://oidc.eks.us-east-2.amazonaws.com/id/")
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    role = next(r for r in run.registrations if r.name == "warehouse-loader-role")
    assert role.provider == "account-data-aws"
    federated = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"]["Federated"]
    assert federated == provider.outputs["arn"]
    assert federated.split(":")[4] == role.outputs["arn"].split(":")[4] == "222233334444"
    addons = sorted(a.inputs["addonName"] for a in run.registrations if a.type == "aws:eks/addon:Addon")
    assert addons == ["eks-pod-identity-agent", "vpc-cni"]


@pytest.mark.parametrize("stack_file", STACK_FILES, ids=_stack)
def test_every_stack_passes_the_permissions_lint(stack_file):
    """Lint errors make a catalog invalid (load_catalog raises); every service gets a plan, warnings only."""
    config = config_from_stack_file(stack_file)
    settings = load_catalog(decode_stack_config(encode_config(config)), ROOT)
    assert sorted(settings.plans) == sorted(config.get("eks-irsa:services", {}))
    assert not [w for plan in settings.plans.values() for w in plan.warnings if " error " in w]


@pytest.mark.parametrize(
    ("existing", "invokes"),
    [
        (
            {"name": "acme-dev"},
            ["aws:eks/getCluster:getCluster", "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider"],
        ),
        ({"name": "acme-dev", "stackReference": "acme/eks-irsa/acme-dev"}, []),
    ],
    ids=["lookup-by-name", "stack-reference"],
)
def test_bring_your_own_cluster_costs_at_most_two_invokes_per_stack(existing, invokes):
    config = config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    del config["eks-irsa:cluster"]
    config["eks-irsa:existingCluster"] = existing
    run = run_program(PROGRAM, config, "tenant")
    assert sorted(run.invokes) == invokes
    assert not _of(run, "eks:index:Cluster") and not _of(run, "aws:eks/nodeGroup:NodeGroup")
    issuer = run.mocks.issuer("acme-dev")
    provider_arn = f"arn:aws:iam::111122223333:oidc-provider/{issuer}"
    roles = [r for r in _of(run, "aws:iam/role:Role")]
    assert len(roles) == len(config["eks-irsa:services"])
    for role in roles:
        statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
        assert statement["Principal"]["Federated"] == provider_arn
        assert f"{issuer}:sub" in statement["Condition"]["StringEquals"]
    assert {sa.provider for sa in _of(run, "kubernetes:core/v1:ServiceAccount")} == {"acme-dev-k8s"}


def test_both_or_neither_cluster_keys_are_refused(dev_config):
    from eks_irsa.catalog import load_catalog
    from eks_irsa.errors import IrsaConfigError

    dev_config["eks-irsa:existingCluster"] = {"name": "acme-dev"}
    with pytest.raises(IrsaConfigError, match="exactly one of eks-irsa:cluster"):
        load_catalog(dev_config, ROOT)
    del dev_config["eks-irsa:existingCluster"], dev_config["eks-irsa:cluster"]
    with pytest.raises(IrsaConfigError, match="exactly one of eks-irsa:cluster"):
        load_catalog(dev_config, ROOT)
    dev_config["eks-irsa:clustr"] = {}
    with pytest.raises(IrsaConfigError, match="eks-irsa:clustr: '\\(key\\)' is not a config key"):
        load_catalog(dev_config, ROOT)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"serviceAccounts": [f"worker-{i:03d}" for i in range(60)]}, "exceed the trust policy quota of 2048"),
        (
            {
                "trustedClusters": [
                    {
                        "oidcProviderArn": f"{PROVIDER_PREFIX}/oidc.eks.us-west-2.amazonaws.com/id/B",
                        "oidcIssuer": "oidc.eks.us-west-2.amazonaws.com/id/B",
                    }
                ]
                * 2
            },
            "repeats an issuer already trusted",
        ),
        (
            {
                "trustedClusters": [
                    {
                        "oidcProviderArn": f"{PROVIDER_PREFIX}/oidc.eks.us-west-2.amazonaws.com/id/B",
                        "oidcIssuer": "oidc.eks.us-west-2.amazonaws.com/id/G",
                    }
                ]
            },
            "is not the IAM OIDC provider of issuer",
        ),
        (
            {
                "trustedClusters": [
                    {
                        "oidcProviderArn": PROVIDER_PREFIX + "/oidc.eks.${region}.amazonaws.com/id/B",
                        "oidcIssuer": "oidc.eks.${region}.amazonaws.com/id/B",
                    }
                ],
                "serviceAccount": "orders-api",
            },
            None,
        ),
    ],
)
def test_trust_problems_surface_before_anything_is_registered(change, rule):
    from eks_irsa.errors import IrsaConfigError
    from eks_irsa.testing import EksIrsaMocks

    config = config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    config["eks-irsa:services"]["orders-api"].update(change)
    mocks = EksIrsaMocks(account_id="111122223333")
    if rule is None:
        run = run_program(PROGRAM, config, "dev", mocks=mocks)
        trust = json.loads(next(r for r in run.registrations if r.name == "orders-api-role").inputs["assumeRolePolicy"])
        assert "${region}" not in json.dumps(trust) and len(trust["Statement"]) == 2
        return
    with pytest.raises(IrsaConfigError, match=rule):
        run_program(PROGRAM, config, "dev", mocks=mocks)
    assert mocks.inputs == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tokenExpiration": 3600, "identity": "pod-identity"}, "eks-irsa:services.orders-api"),
        ({"annotations": {"eks.amazonaws.com/audience": "x"}}, "eks-irsa:services.orders-api.annotations"),
        ({"audience": "api.example"}, "eks-irsa:services.orders-api.audience"),
    ],
)
def test_component_errors_name_catalog_fields(change, field):
    from eks_irsa.errors import IrsaConfigError

    config = config_from_stack_file(ROOT / "stacks" / "Pulumi.dev.yaml")
    config["eks-irsa:services"]["orders-api"].update(change)
    with pytest.raises(IrsaConfigError) as caught:
        run_program(PROGRAM, config, "dev")
    assert field in [p.field for p in caught.value.problems]
