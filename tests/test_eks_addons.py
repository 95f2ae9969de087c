"""Duplicates AWS rejects and EKS add-ons bound to the wrong service account are refused before anything is
registered; removing an EKS add-on service leaves nothing pointing at a deleted role.

What mocks cannot prove: that EKS answers ResourceInUseException to a second add-on of a name, or IAM
EntityAlreadyExists to a second provider for one URL (read from their API references); that DeleteAddon
without ``preserve`` removes the add-on's workloads and ServiceAccount (EKS API Reference, DeleteAddon); and
the order in which the engine deletes (its rule, dependents before what they depend on, is applied here to
the dependencies the SDK sends).
"""

from __future__ import annotations

import json
from graphlib import TopologicalSorter

import pytest

from eks_irsa.catalog import load_catalog
from eks_irsa.errors import IrsaConfigError
from eks_irsa.testing import Registration, run_program
from tests.conftest import PROGRAM, PROJECT, cluster_args

S = "eks-irsa:services"
A = "eks-irsa:accounts"


def _problems(config: dict) -> list[tuple[str, str]]:
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(config, PROJECT)
    return [(p.field, p.rule) for p in caught.value.problems]


# --- other accounts --------------------------------------------------------------------------------------------


def _with_account(config: dict, key: str, account_id: str, service: str = "orders-api") -> None:
    config.setdefault(A, {})[key] = {"accountId": account_id, "assumeRoleArn": f"arn:aws:iam::{account_id}:role/d"}
    config[S][service]["account"] = key


def test_an_accounts_entry_for_the_stack_s_own_account_is_refused(dev_config) -> None:
    own = dev_config["aws:allowedAccountIds"][0]
    _with_account(dev_config, "self", own)
    [(field, rule)] = _problems(dev_config)
    assert field == f"{A}.self.accountId"
    assert rule.startswith("is the stack's own account") and "EntityAlreadyExists" in rule


def test_an_unused_entry_for_the_own_account_is_refused_too(dev_config) -> None:
    own = dev_config["aws:allowedAccountIds"][0]
    dev_config[A] = {"self": {"accountId": own, "assumeRoleArn": f"arn:aws:iam::{own}:role/d"}}
    assert [f for f, _ in _problems(dev_config)] == [f"{A}.self.accountId"]


def test_two_entries_services_use_for_one_account_are_refused(dev_config) -> None:
    _with_account(dev_config, "data", "222233334444", "orders-api")
    _with_account(dev_config, "data2", "222233334444", "payments-api")
    [(field, rule)] = _problems(dev_config)
    assert field == f"{A}.data2.accountId"
    assert rule.startswith(f"is also the accountId of {A}.data,")


def test_other_accounts_of_their_own_pass(dev_config) -> None:
    _with_account(dev_config, "data", "222233334444", "orders-api")
    _with_account(dev_config, "billing", "555566667777", "payments-api")
    settings = load_catalog(dev_config, PROJECT)
    assert {s.name: s.account for s in settings.services if s.account} == {
        "orders-api": "data",
        "payments-api": "billing",
    }


# --- EKS add-ons in the catalog --------------------------------------------------------------------------------


def test_a_second_service_with_the_same_eks_addon_is_refused(dev_config) -> None:
    # The attack: the second one names its own service account, so the service-account uniqueness passes.
    dev_config[S]["ebs-csi-second"] = {
        "namespace": "kube-system",
        "serviceAccount": "ebs-csi-node-sa",
        "addon": {"name": "ebs-csi-driver"},
    }
    problems = _problems(dev_config)
    assert (
        f"{S}.ebs-csi-second.addon",
        f"installs the EKS add-on aws-ebs-csi-driver, which {S}.ebs-csi-driver.addon installs already",
    ) in problems
    assert {f for f, _ in problems} == {f"{S}.ebs-csi-second.addon", f"{S}.ebs-csi-second.serviceAccount"}


def test_a_helm_chart_addon_twice_is_the_user_s_business(dev_config) -> None:
    dev_config[S]["dns-internal"] = {"namespace": "dns-internal", "addon": {"name": "external-dns"}}
    dev_config[S]["dns-public"] = {"namespace": "dns-public", "addon": {"name": "external-dns"}}
    for name in ("dns-internal", "dns-public"):
        dev_config[S][name]["addon"]["hostedZoneIds"] = ["Z0A1B2C3D4E5F6G7H8I9J"]
    assert {s.name for s in load_catalog(dev_config, PROJECT).services} >= {"dns-internal", "dns-public"}


@pytest.mark.parametrize(
    ("change", "field", "value"),
    [
        ({"serviceAccount": "ebs-csi-driver"}, "serviceAccount", "ebs-csi-driver"),
        ({"serviceAccounts": ["ebs-csi-controller-sa", "x"]}, "serviceAccounts", ["ebs-csi-controller-sa", "x"]),
        ({"subjectPattern": "ebs-csi-*"}, "subjectPattern", "ebs-csi-*"),
        ({"namespace": "storage"}, "namespace", "storage"),
    ],
)
def test_an_eks_addon_service_trusts_only_the_addon_s_own_service_account(dev_config, change, field, value) -> None:
    dev_config[S]["ebs-csi-driver"].update(change)
    with pytest.raises(IrsaConfigError) as caught:
        load_catalog(dev_config, PROJECT)
    [problem] = [p for p in caught.value.problems if p.field == f"{S}.ebs-csi-driver.{field}"]
    assert problem.value == value
    assert problem.rule.startswith(
        "is not the service account of the EKS add-on aws-ebs-csi-driver (kube-system/ebs-csi-controller-sa)"
    )


def test_naming_the_addon_s_own_service_account_is_accepted(dev_config) -> None:
    dev_config[S]["ebs-csi-driver"]["serviceAccount"] = "ebs-csi-controller-sa"
    plan = load_catalog(dev_config, PROJECT).plans["ebs-csi-driver"]
    assert (plan.namespace, plan.service_accounts) == ("kube-system", ("ebs-csi-controller-sa",))


# --- the EKS add-on's lifecycle: the service present, then removed from the catalog ------------------------------

ADDON = "aws:eks/addon:Addon"


def _deletion_order(removed: list[Registration]) -> list[str]:
    """The order the engine deletes ``removed`` in: each resource before every resource it depends on."""
    names = {r.name for r in removed}
    order: TopologicalSorter[str] = TopologicalSorter()
    for resource in removed:
        order.add(resource.name)
        for dependency in set(resource.dependencies) & names:
            order.add(dependency, resource.name)
    return list(order.static_order())


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_removing_an_addon_service_removes_the_addon_before_its_role(dev_config, identity: str) -> None:
    dev_config[S]["ebs-csi-driver"]["identity"] = identity
    present = run_program(PROGRAM, dev_config, "dev")
    # moment 1, the service present: its add-on is not preserved and waits for the whole IrsaRole
    [addon] = [a for a in present.registrations if a.type == ADDON and a.inputs["addonName"] == "aws-ebs-csi-driver"]
    assert addon.inputs["preserve"] is False
    service_children = {r.name for r in present.registrations if r.parent == "ebs-csi-driver" and r.custom}
    association = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
    assert {r.type for r in present.registrations if r.name in service_children} >= {
        "aws:iam/role:Role",
        *([association] if identity == "pod-identity" else []),
    }
    assert service_children <= set(addon.dependencies)
    # the cluster's own add-ons stay preserved: removing their resource never strips running nodes
    assert {a.inputs["addonName"]: a.inputs["preserve"] for a in present.registrations if a.type == ADDON} == {
        "vpc-cni": True,
        "coredns": True,
        "aws-ebs-csi-driver": False,
        **({"eks-pod-identity-agent": True} if identity == "pod-identity" else {}),
    }

    # moment 2, the service removed from the catalog: the engine deletes what the program no longer registers
    del dev_config[S]["ebs-csi-driver"]
    removed_from_catalog = run_program(PROGRAM, dev_config, "dev")
    kept = {(r.type, r.name) for r in removed_from_catalog.registrations}
    removed = [r for r in present.registrations if (r.type, r.name) not in kept]
    assert {r.name for r in removed if r.custom} == service_children | {addon.name} | (
        {f"{dev_config['eks-irsa:cluster']['name']}-pod-identity-agent"} if identity == "pod-identity" else set()
    )
    order = _deletion_order(removed)
    assert all(order.index(addon.name) < order.index(child) for child in service_children)
    # nothing that stays names the deleted role
    [role] = [r for r in removed if r.type == "aws:iam/role:Role"]
    assert not [r.name for r in removed_from_catalog.registrations if role.outputs["arn"] in json.dumps(r.inputs)]


# --- the same rules on EksCluster.install_addon, for a program of one's own ------------------------------------


def _cluster_and_role(service_account: str = "ebs-csi-controller-sa"):
    from eks_irsa import EksCluster, IrsaRole

    cluster = EksCluster("c", cluster_args())
    role = IrsaRole(
        "ebs",
        {
            "cluster_name": "acme",
            "namespace": "kube-system",
            "service_account": service_account,
            "oidc_provider_arn": cluster.oidc_provider_arn,
            "oidc_issuer": cluster.oidc_issuer,
            # one narrow grant: the rules under test are the add-on's, not the permissions lint's
            "statements": [
                {"actions": ["dynamodb:GetItem"], "resources": ["arn:aws:dynamodb:us-west-2:123456789012:table/t"]}
            ],
            "create_service_account": False,
        },
    )
    return cluster, role


def test_install_addon_refuses_a_role_of_another_service_account_before_the_addon() -> None:
    def program() -> None:
        cluster, role = _cluster_and_role("ebs-csi-driver")
        cluster.install_addon("ebs", "ebs-csi-driver", role)

    with pytest.raises(IrsaConfigError) as caught:
        run_program(program, {}, "t")
    [problem] = caught.value.problems
    assert problem.field == "EksCluster c.install_addon('ebs'): role service_accounts"
    assert problem.value == ["ebs-csi-driver"]


def test_install_addon_refuses_a_second_install_of_one_addon() -> None:
    installed = []

    def program() -> None:
        cluster, role = _cluster_and_role()
        installed.append(cluster.install_addon("ebs", "ebs-csi-driver", role))
        cluster.install_addon("ebs-again", "ebs-csi-driver", role)

    with pytest.raises(IrsaConfigError) as caught:
        run_program(program, {}, "t")
    [problem] = caught.value.problems
    assert problem.field == "EksCluster c.install_addon('ebs-again')"
    assert "which EksCluster c.install_addon('ebs') installs already" in problem.rule
    assert installed and installed[0] is not None
