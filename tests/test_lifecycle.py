"""The second ``pulumi up`` and later changes: node groups, add-on versions, add-ons whose roles we make,
controllers' ServiceAccounts, role-only settings, namespaces, and the lifecycle options the plan records.

What mocks cannot prove: that EKS accepts the pinned add-on versions, that a node group replacement
drains in time, that AWS keeps an add-on's version when none is sent (the AWS provider's ``addonVersion``
is optional and computed; read from its schema, not run), or what pulumi-eks's own children do (its
kube-proxy add-on runs in its provider). What is asserted is what the program sends: inputs and the
resource options on the SDK's ``RegisterResourceRequest``.
"""

from __future__ import annotations

import copy
import datetime
import json

import pulumi
import pulumi_aws as aws
import pytest

from eks_irsa import AmiType, EksCluster, IrsaConfigError, IrsaRole, SupportType, plan_role
from eks_irsa.addons import ADDONS
from eks_irsa.addons.spec import EksAddon, HelmChart
from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.cli.plan import plan_document
from eks_irsa.cluster import check_cluster_args
from eks_irsa.nodegroup import check_ami_type, data_volume_device
from eks_irsa.plan.cluster import CATALOG_EKS_ADDONS
from eks_irsa.testing import PLACEHOLDER, encode_config, run_program
from eks_irsa.versions import ADDON_VERSIONS, EKS_SUPPORT, NODE_ADDONS, UPGRADE_ORDER, VersionRule, cluster_addons
from tests.conftest import PROGRAM, PROJECT, ROOT, STACK_FILES, cluster_args

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"


def _stack(path) -> str:
    return path.name.split(".")[1]


def _of(run, type_):
    return [r for r in run.registrations if r.type == type_]


def _run(config, stack="dev", preview=False):
    return run_program(PROGRAM, config, stack, preview=preview)


@pytest.fixture(scope="module", params=[(f, p) for f in STACK_FILES for p in (False, True)], ids=str)
def stack_run(request, stack_plans):
    path, preview = request.param
    stack = _stack(path)
    return stack_plans.config(stack), stack_plans.preview(stack) if preview else stack_plans.plan(stack)[0]


# --- 4. node groups ---------------------------------------------------------------------------------------


def test_node_groups_get_a_generated_name_the_cluster_version_and_ignore_desired_size(stack_run):
    config, run = stack_run
    cluster = config["eks-irsa:cluster"]
    groups = _of(run, NODE_GROUP)
    assert sorted(g.name for g in groups) == sorted(f"{cluster['name']}-{n}" for n in cluster["nodeGroups"])
    for group in groups:
        key = group.name.removeprefix(f"{cluster['name']}-")
        assert "nodeGroupName" not in group.inputs
        assert group.inputs["nodeGroupNamePrefix"] == f"{key}-"
        assert group.inputs["version"] == cluster["kubernetesVersion"]
        assert group.ignore_changes == ("scalingConfig.desiredSize",)
        assert group.delete_before_replace is False


@pytest.mark.parametrize(
    ("ami_type", "version", "rule"),
    [
        ("AL2_x86_64", "1.33", "has no EKS-optimized AMI for Kubernetes 1.33"),
        ("AL2_ARM_64", "1.35", "has no EKS-optimized AMI for Kubernetes 1.35"),
        ("AL2023_x86_64", "1.35", "is not an AMI type of an EKS managed node group"),
        ("CUSTOM", "1.35", "is not an AMI type of an EKS managed node group"),
    ],
)
def test_ami_types_are_a_closed_set_checked_against_the_version(ami_type, version, rule):
    [problem] = check_ami_type("ami_type", ami_type, version)
    assert rule in problem.rule and problem.value == ami_type


@pytest.mark.parametrize(("ami_type", "version"), [("AL2_x86_64", "1.32"), ("BOTTLEROCKET_ARM_64", "1.35")])
def test_ami_types_that_exist_for_the_version_pass(ami_type, version):
    assert check_ami_type("ami_type", ami_type, version) == []


def test_the_al2_refusal_names_the_al2023_successor():
    [problem] = check_ami_type("ami_type", "AL2_x86_64_GPU", "1.34")
    assert problem.fix.startswith("use AL2023_x86_64_NVIDIA")


def test_a_catalog_with_an_al2_node_group_on_1_33_is_refused_before_anything_registers(dev_config):
    dev_config["eks-irsa:cluster"]["kubernetesVersion"] = "1.33"
    dev_config["eks-irsa:cluster"]["nodeGroups"]["general"]["amiType"] = "AL2_x86_64"
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(decode_stack_config(encode_config(dev_config)), PROJECT)
    [problem] = caught.value.problems
    assert problem.field == "eks-irsa:cluster.nodeGroups.general.amiType"


@pytest.mark.parametrize(("name", "ok"), [("a", True), ("g" * 36, True), ("g" * 37, False), ("-x", False)])
def test_node_group_names_leave_room_for_the_generated_suffix(name, ok):
    problems = check_cluster_args(cluster_args(node_groups=[{"name": name, "instance_types": ["m6i.large"]}]))
    assert (problems == []) is ok


@pytest.mark.parametrize(
    ("ami_type", "device"),
    [
        (AmiType.BOTTLEROCKET_X86_64, "/dev/xvdb"),
        (AmiType.AL2023_ARM_64_STANDARD, "/dev/xvda"),
        (AmiType.WINDOWS_CORE_2022_X86_64, "/dev/sda1"),
    ],
)
def test_the_disk_setting_resizes_the_data_volume(ami_type, device):
    assert data_volume_device(ami_type) == device


def test_a_bottlerocket_node_group_sizes_xvdb_not_its_os_volume(dev_config):
    dev_config["eks-irsa:cluster"]["nodeGroups"]["general"].update(amiType="BOTTLEROCKET_x86_64", diskSize=80)
    run = _run(dev_config)
    [template] = _of(run, "aws:ec2/launchTemplate:LaunchTemplate")
    [mapping] = template.inputs["blockDeviceMappings"]
    assert mapping["deviceName"] == "/dev/xvdb" and mapping["ebs"]["volumeSize"] == 80


# --- 5. versions that do not move by themselves -----------------------------------------------------------


def _version_of(addon: str, kubernetes_version: str) -> str:
    """What the table gives, or the mocks' placeholder for EKS's default version."""
    row = ADDON_VERSIONS[addon]
    if row.rule is VersionRule.PINNED:
        return row.pinned[kubernetes_version]
    return f"{PLACEHOLDER}-default-{addon}-for-{kubernetes_version}"


def test_the_cluster_sets_its_upgrade_policy_pins_kube_proxy_and_leaves_coredns_to_us(stack_run):
    config, run = stack_run
    version = config["eks-irsa:cluster"]["kubernetesVersion"]
    [cluster] = _of(run, "eks:index:Cluster")
    assert cluster.inputs["upgradePolicy"] == {"supportType": "EXTENDED"}
    assert cluster.inputs["kubeProxyAddonOptions"]["version"] == ADDON_VERSIONS["kube-proxy"].pinned[version]
    assert cluster.inputs["corednsAddonOptions"]["enabled"] is False


def test_coredns_is_an_addon_created_after_every_node_group(stack_run):
    config, run = stack_run
    version = config["eks-irsa:cluster"]["kubernetesVersion"]
    [coredns] = [a for a in _of(run, ADDON) if a.inputs["addonName"] == "coredns"]
    assert coredns.inputs["addonVersion"] == ADDON_VERSIONS["coredns"].pinned[version]
    assert {g.name for g in _of(run, NODE_GROUP)} <= set(coredns.dependencies)


def test_the_cluster_s_own_addons_are_preserved_and_every_addon_versioned_by_the_one_table(stack_run):
    config, run = stack_run
    version = config["eks-irsa:cluster"]["kubernetesVersion"]
    addons = _of(run, ADDON)
    assert {"vpc-cni", "coredns"} <= {a.inputs["addonName"] for a in addons}  # every shipped stack has node groups
    # a catalog service's add-on leaves with the service (tests/test_eks_addons.py)
    catalog = {f"{config['eks-irsa:cluster']['name']}-{s}-addon" for s in config["eks-irsa:services"]}
    for addon in addons:
        assert addon.inputs["preserve"] is (addon.name not in catalog)
        assert addon.inputs["addonVersion"] == _version_of(addon.inputs["addonName"], version)


def test_the_table_has_a_row_for_every_addon_we_install_with_its_source_and_date():
    assert set(ADDON_VERSIONS) == set(cluster_addons(False, True, True)) | CATALOG_EKS_ADDONS
    for row in ADDON_VERSIONS.values():
        assert row.source
        assert (row.read is not None) is (row.rule is VersionRule.PINNED)
        assert all(k in EKS_SUPPORT and v.startswith("v") and "-eksbuild." in v for k, v in row.pinned.items())


@pytest.mark.parametrize(
    ("auto_mode", "node_groups", "agent", "expected"),
    [
        (False, True, False, ("coredns", "kube-proxy", "vpc-cni")),
        (False, False, True, ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")),
        (True, False, True, ("coredns",)),
        (True, True, True, ("coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni")),
    ],
)
def test_the_cluster_installs_node_addons_for_every_ec2_node_outside_auto_mode(auto_mode, node_groups, agent, expected):
    assert cluster_addons(auto_mode, node_groups, agent) == expected


def _closure(run) -> dict[str, set[str]]:
    """Each registration's dependencies, transitively, by logical name."""
    direct = {r.name: set(r.dependencies) | ({r.parent} if r.parent else set()) for r in run.registrations}
    seen: dict[str, set[str]] = {}

    def walk(name: str) -> set[str]:
        if name not in seen:
            seen[name] = set()
            for dep in direct.get(name, ()):
                seen[name] |= {dep} | walk(dep)
        return seen[name]

    return {name: walk(name) for name in direct}


def _upgrade_steps(run) -> dict[str, list[str]]:
    """The version-bearing registrations by :data:`UPGRADE_ORDER` step."""
    steps: dict[str, list[str]] = {step: [] for step in UPGRADE_ORDER}
    steps["control plane"] = [r.name for r in _of(run, "eks:index:Cluster")]
    steps["node groups"] = [r.name for r in _of(run, NODE_GROUP)]
    for addon in _of(run, ADDON):
        node = addon.inputs["addonName"] in NODE_ADDONS
        steps["node add-ons" if node else "workload add-ons"].append(addon.name)
    return steps


@pytest.mark.parametrize("stack", ["dev", "staging"])
def test_an_upgrade_moves_every_version_and_applies_in_the_documented_order(stack):
    from eks_irsa.testing import config_from_stack_file

    config = copy.deepcopy(config_from_stack_file(PROJECT / "stacks" / f"Pulumi.{stack}.yaml"))
    runs = {}
    for version in ("1.34", "1.35"):
        config["eks-irsa:cluster"]["kubernetesVersion"] = version
        runs[version] = _run(config, stack)
    for version, run in runs.items():
        [cluster] = _of(run, "eks:index:Cluster")
        assert cluster.inputs["version"] == version
        assert cluster.inputs["kubeProxyAddonOptions"]["version"] == ADDON_VERSIONS["kube-proxy"].pinned[version]
        assert {g.inputs["version"] for g in _of(run, NODE_GROUP)} == {version}
        assert all(a.inputs["addonVersion"] == _version_of(a.inputs["addonName"], version) for a in _of(run, ADDON))
    assert [a.name for a in _of(runs["1.34"], ADDON)] == [a.name for a in _of(runs["1.35"], ADDON)]  # no new add-on
    run = runs["1.35"]
    closure, steps = _closure(run), _upgrade_steps(run)
    assert all(steps[step] for step in ("control plane", "node add-ons", "node groups", "workload add-ons"))
    for later_index, later in enumerate(UPGRADE_ORDER):
        for earlier in UPGRADE_ORDER[:later_index]:
            for name in steps[later]:
                assert set(steps[earlier]) <= closure[name], (name, earlier)


END_OF_STANDARD_SUPPORT = {
    "1.32": datetime.date(2026, 3, 23),
    "1.33": datetime.date(2026, 7, 29),
    "1.34": datetime.date(2026, 12, 2),
    "1.35": datetime.date(2027, 3, 27),
}
"""EKS release calendar (EKS User Guide, 'Understand the Kubernetes version lifecycle on EKS')."""
RELEASE_DATE = datetime.date(2026, 12, 2)


def test_a_stack_without_a_version_gets_one_in_standard_support_and_an_explicit_policy(dev_config):
    del dev_config["eks-irsa:cluster"]["kubernetesVersion"]
    run = _run(dev_config)
    [cluster] = _of(run, "eks:index:Cluster")
    assert END_OF_STANDARD_SUPPORT[cluster.inputs["version"]] > RELEASE_DATE
    assert cluster.inputs["upgradePolicy"] == {"supportType": SupportType.EXTENDED.value}
    assert {g.inputs["version"] for g in _of(run, NODE_GROUP)} == {cluster.inputs["version"]}


@pytest.mark.parametrize("path", STACK_FILES, ids=_stack)
def test_every_shipped_stack_runs_a_version_in_standard_support(path):
    from eks_irsa.testing import config_from_stack_file

    version = config_from_stack_file(path)["eks-irsa:cluster"]["kubernetesVersion"]
    assert END_OF_STANDARD_SUPPORT[version] > RELEASE_DATE


def test_an_unpinned_kubernetes_version_needs_explicit_addon_versions():
    problems = check_cluster_args(cluster_args(kubernetes_version="1.36"))
    fields = ["addon_versions.coredns", "addon_versions.kube-proxy", "addon_versions.vpc-cni"]
    assert sorted(p.field for p in problems) == fields
    pinned = {"kube-proxy": "v1.36.0-eksbuild.1", "coredns": "v1.14.0-eksbuild.1", "vpc-cni": "v1.22.0-eksbuild.1"}
    assert check_cluster_args(cluster_args(kubernetes_version="1.36", addon_versions=pinned)) == []


def test_an_addon_version_override_wins_and_unknown_addons_are_refused(dev_config):
    dev_config["eks-irsa:cluster"]["addonVersions"] = {"vpc-cni": "v1.21.0-eksbuild.1"}
    run = _run(dev_config)
    [cni] = [a for a in _of(run, ADDON) if a.inputs["addonName"] == "vpc-cni"]
    assert cni.inputs["addonVersion"] == "v1.21.0-eksbuild.1"
    [problem] = check_cluster_args(cluster_args(addon_versions={"kube-proxi": "v1"}))
    assert problem.field == "addon_versions.kube-proxi"


# --- 6. add-ons whose roles we make ------------------------------------------------------------------------


def test_every_addon_spec_says_how_it_is_installed():
    for spec in ADDONS.values():
        assert isinstance(spec.installed_by, EksAddon | HelmChart)
        if isinstance(spec.installed_by, HelmChart):
            values = dict(spec.installed_by.values)
            create = next(k for k in values if k.endswith("serviceAccount.create") or k.endswith("server.create"))
            assert values[create] == "false"
            assert spec.service_account in values.values()
        else:
            assert spec.installed_by.name in ADDON_VERSIONS
    lb = dict(ADDONS["aws-load-balancer-controller"].installed_by.values)
    assert lb["region"] == "<region>" and lb["vpcId"] == "<vpc-id>"


@pytest.mark.parametrize("preview", [False, True])
def test_an_eks_managed_addon_service_is_installed_after_the_node_groups_with_its_role(dev_config, preview):
    run = _run(dev_config, preview=preview)
    [addon] = [a for a in _of(run, ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    [role] = [r for r in _of(run, "aws:iam/role:Role") if r.parent == "ebs-csi-driver"]
    assert role.name in addon.dependencies
    assert {g.name for g in _of(run, NODE_GROUP)} <= set(addon.dependencies)
    assert not [sa for sa in _of(run, SERVICE_ACCOUNT) if sa.parent == "ebs-csi-driver"]
    if not preview:
        assert addon.inputs["serviceAccountRoleArn"] == role.outputs["arn"]


def test_a_pod_identity_addon_is_installed_without_a_role_arn_its_association_binds_it(dev_config):
    dev_config["eks-irsa:services"]["ebs-csi-driver"]["identity"] = "pod-identity"
    run = _run(dev_config)
    [addon] = [a for a in _of(run, ADDON) if a.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert "serviceAccountRoleArn" not in addon.inputs
    [association] = _of(run, "aws:eks/podIdentityAssociation:PodIdentityAssociation")
    assert association.inputs["serviceAccount"] == "ebs-csi-controller-sa"


def test_creating_the_service_account_of_an_eks_addon_is_refused(dev_config):
    dev_config["eks-irsa:services"]["ebs-csi-driver"]["createServiceAccount"] = True
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(decode_stack_config(encode_config(dev_config)), PROJECT)
    [problem] = caught.value.problems
    assert problem.field == "eks-irsa:services.ebs-csi-driver.createServiceAccount"


def test_the_program_exports_the_region_and_vpc_the_load_balancer_controller_needs(dev_config):
    run = _run(dev_config)
    assert run.exports["region"] == dev_config["aws:region"]
    assert run.exports["vpcId"] == dev_config["eks-irsa:cluster"]["vpcId"]


# --- 7. ServiceAccounts controllers can use ----------------------------------------------------------------


def test_controllers_mount_the_api_token_plain_workloads_do_not(stack_run):
    config, run = stack_run
    services = config["eks-irsa:services"]
    accounts = _of(run, SERVICE_ACCOUNT)
    assert accounts
    for sa in accounts:
        entry = services[sa.parent]
        expected = entry.get("automountServiceAccountToken", "addon" in entry)
        assert sa.inputs["automountServiceAccountToken"] is expected, sa.parent


def test_a_controller_may_still_turn_the_token_off(dev_config):
    dev_config["eks-irsa:services"]["external-dns"] = {
        "namespace": "external-dns",
        "addon": {"name": "external-dns", "hostedZoneIds": ["Z0A1B2C3D4E5F6G7H8I9J"]},
        "automountServiceAccountToken": False,
    }
    run = _run(dev_config)
    [sa] = [sa for sa in _of(run, SERVICE_ACCOUNT) if sa.parent == "external-dns"]
    assert sa.inputs["automountServiceAccountToken"] is False


# --- 9. role-only settings are refused ---------------------------------------------------------------------


ROLE_ONLY = {
    "cluster_name": "acme",
    "namespace": "apps",
    "oidc_provider_arn": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC",
    "oidc_issuer": "oidc.eks.us-west-2.amazonaws.com/id/ABC",
    "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}],
    "create_service_account": False,
}


@pytest.mark.parametrize(
    ("option", "value", "chart_value"),
    [
        ("sts_regional_endpoints", True, "eks.amazonaws.com/sts-regional-endpoints"),
        ("token_expiration", 3600, "eks.amazonaws.com/token-expiration"),
        ("labels", {"team": "a"}, "serviceAccount.labels"),
        ("annotations", {"x/y": "z"}, "serviceAccount.annotations"),
    ],
)
def test_role_only_settings_that_cannot_take_effect_are_refused_with_the_chart_value(option, value, chart_value):
    args = copy.deepcopy(ROLE_ONLY)
    args["service_account_options"] = {option: value}
    with pytest.raises(IrsaConfigError) as caught:
        plan_role("app", args)
    [problem] = caught.value.problems
    assert problem.field == f"service_account_options.{option}"
    assert chart_value in problem.fix


def test_a_role_only_catalog_entry_with_labels_names_the_catalog_key(dev_config):
    dev_config["eks-irsa:services"]["ebs-csi-driver"]["labels"] = {"team": "storage"}
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(decode_stack_config(encode_config(dev_config)), PROJECT)
    [problem] = caught.value.problems
    assert problem.field == "eks-irsa:services.ebs-csi-driver.labels"


# --- 10. namespaces ----------------------------------------------------------------------------------------


def test_namespaces_we_create_are_retained_on_delete(stack_run):
    _, run = stack_run
    namespaces = _of(run, NAMESPACE)
    assert namespaces
    assert all(ns.retain_on_delete for ns in namespaces)


def test_an_existing_cluster_gets_no_namespace_unless_asked(dev_config):
    del dev_config["eks-irsa:cluster"]
    dev_config["eks-irsa:existingCluster"] = {"name": "acme-dev"}
    assert _of(_run(dev_config), NAMESPACE) == []
    dev_config["eks-irsa:createNamespaces"] = True
    assert _of(_run(dev_config), NAMESPACE)


def test_removing_the_last_service_of_a_namespace_only_forgets_the_namespace(dev_config):
    before = {ns.name: ns for ns in _of(_run(dev_config), NAMESPACE)}
    del dev_config["eks-irsa:services"]["orders-api"]
    after = {ns.name for ns in _of(_run(dev_config), NAMESPACE)}
    assert before.keys() - after == {"namespace-orders"}
    assert before["namespace-orders"].retain_on_delete


# --- the plan shows it -------------------------------------------------------------------------------------


def test_the_plan_records_every_lifecycle_option(dev_config):
    document = plan_document(_run(dev_config), "dev")
    resources = {(r["type"], r["name"]): r for r in document["resources"]}
    keys = {"ignoreChanges", "retainOnDelete", "deleteBeforeReplace", "replaceOnChanges", "protect", "aliases"}
    assert all(keys <= r.keys() for r in resources.values())
    assert resources[(NODE_GROUP, "acme-dev-general")]["ignoreChanges"] == ["scalingConfig.desiredSize"]
    assert resources[(NAMESPACE, "namespace-orders")]["retainOnDelete"] is True
    json.dumps(document)


def test_the_monitor_records_aliases_delete_before_replace_and_replace_on_changes():
    def program():
        aws.iam.Role(
            "r",
            assume_role_policy="{}",
            opts=pulumi.ResourceOptions(
                aliases=[pulumi.Alias(name="old")],
                delete_before_replace=True,
                replace_on_changes=["path", "name"],
                protect=True,
            ),
        )

    [role] = run_program(program, {}, "t").registrations
    assert role.delete_before_replace is True and role.protect is True
    assert role.replace_on_changes == ("name", "path")
    [alias] = role.aliases
    assert json.loads(alias)["name"] == "old"


def test_eks_cluster_install_addon_skips_helm_addons():
    def program():
        cluster = EksCluster("c", cluster_args())
        role = IrsaRole(
            "efs",
            {
                "cluster_name": "acme",
                "namespace": "kube-system",
                "service_account": "efs-csi-controller-sa",
                # one narrow grant: the rules under test are the add-on's, not the permissions lint's
                "statements": [
                    {"actions": ["dynamodb:GetItem"], "resources": ["arn:aws:dynamodb:us-west-2:123456789012:table/t"]}
                ],
                "oidc_provider_arn": cluster.oidc_provider_arn,
                "oidc_issuer": cluster.oidc_issuer,
                "create_service_account": False,
            },
        )
        assert cluster.install_addon("dns", "external-dns", role) is None
        cluster.install_addon("efs", "efs-csi-driver", role)

    run = run_program(program, {}, "t")
    [efs] = [a for a in _of(run, ADDON) if a.inputs["addonName"] == "aws-efs-csi-driver"]
    [role] = [r for r in _of(run, "aws:iam/role:Role") if r.parent == "efs"]
    assert efs.name == "c-efs-addon" and efs.parent == "c"
    assert efs.inputs["serviceAccountRoleArn"] == role.outputs["arn"]


def test_docs_addons_gives_each_addon_s_installation_and_chart_values():
    docs = (ROOT / "docs" / "addons.md").read_text()
    for name, spec in ADDONS.items():
        row = next(
            line
            for line in docs.splitlines()
            if line.startswith(f"| `{name}` | ") and ("| Helm chart" in line or "| EKS add-on" in line)
        )
        if isinstance(spec.installed_by, EksAddon):
            assert f"EKS add-on `{spec.installed_by.name}`" in row
            assert ADDON_VERSIONS[spec.installed_by.name].rule.value in row
        else:
            assert f"Helm chart `{spec.installed_by.chart}`" in row
            assert all(f"`{key}={value}`" in row for key, value in spec.installed_by.values)
        assert row.endswith(f"| {str(spec.kubernetes_api).lower()} |")
