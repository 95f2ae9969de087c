"""The real program, ``__main__.py``, for every stack file of the tests' copy (tests/data/project/), under the
mock monitor; and for the user's own ``stacks/``, only the properties that hold for any catalog.

What mocks cannot prove: that pulumi-eks creates the OIDC provider it is asked for (its children run
in its own provider, absent here), that EKS accepts the versions and subnets, or that a deploy
succeeds. What is asserted is everything the program registers, as properties of each stack's own
catalog (counts and names read from the stack file, never the sample's numbers), so a fork that adds
services keeps these tests green; ``tests/test_user_catalog.py`` proves that with services added.
"""

from __future__ import annotations

import json
import random

import pytest
import yaml
from kubernetes_validate import validate as validate_manifest

from eks_irsa.addons import ADDONS
from eks_irsa.addons.spec import EksAddon
from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.cli.plan import plan_document, write_plan
from eks_irsa.testing import config_from_stack_file, encode_config, run_program
from tests.conftest import (
    FIRST_RUN_LOOKUPS,
    GET_CLUSTERS,
    PROGRAM,
    PROJECT,
    ROOT,
    STACK_FILES,
    USER_STACK_FILES,
    check_addon_lookups,
    identity_invokes,
)

PROVIDER_PREFIX = "arn:aws:iam::111122223333:oidc-provider"
ROLE = "aws:iam/role:Role"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
OIDC_PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE_ARN_KEY = "eks.amazonaws.com/role-arn"
DEFAULT_AUDIENCE = "sts.amazonaws.com"
"""The ``audience`` default of the catalog table (docs/catalog.md) (and the audience the EKS webhook requests)."""


def _stack(path) -> str:
    return path.name.split(".")[1]


@pytest.fixture(scope="module", params=STACK_FILES, ids=_stack)
def stack_run(request, stack_plans):
    stack = _stack(request.param)
    return stack, stack_plans.config(stack), stack_plans.plan(stack)[0]


def _of(run, type_):
    return [r for r in run.registrations if r.type == type_]


def _children(run, parent: str, type_: str):
    return [r for r in run.registrations if r.parent == parent and r.type == type_]


# Properties of any catalog, read from the stack's own config: a fork that adds services keeps them.
# tests/test_user_catalog.py runs check_catalog over a copy of the dev stack with services added.


def _creates_service_accounts(entry: dict) -> bool:
    pattern_only = "subjectPattern" in entry and "serviceAccount" not in entry
    eks_addon = "addon" in entry and isinstance(ADDONS[entry["addon"]["name"]].installed_by, EksAddon)
    return bool(entry.get("createServiceAccount", not eks_addon)) and not pattern_only


def _named_service_accounts(name: str, entry: dict) -> list[str] | None:
    """The ServiceAccount names the catalog spells out; ``None`` when an add-on picks its usual one."""
    if "serviceAccounts" in entry:
        return sorted(entry["serviceAccounts"])
    if "serviceAccount" in entry:
        return [entry["serviceAccount"]]
    return None if "addon" in entry else [name]


def _fill(text: str, run) -> str:
    """A catalog value with the stack variables filled in as the mocks answer them."""
    for key, value in (("partition", run.mocks.partition), ("account", run.mocks.account_id)):
        text = text.replace("${" + key + "}", value)
    return text


def check_roles(config: dict, run) -> None:
    """One IrsaRole component per service, with one IAM role unless the catalog brings its own, and a second
    one, the target role, for a cross-account Pod Identity target account."""
    services = config["eks-irsa:services"]
    components = {r.name for r in _of(run, "eks-irsa:index:IrsaRole") if r.parent is None}
    assert components == set(services)

    def roles(entry: dict) -> int:
        return (0 if "existingRoleArn" in entry else 1) + ("account" in entry.get("targetRole", {}))

    for name, entry in services.items():
        assert len(_children(run, name, ROLE)) == roles(entry), name
    made_for_services = [r for r in _of(run, ROLE) if r.parent in services]
    assert len(made_for_services) == sum(roles(e) for e in services.values())


def check_service_accounts(config: dict, run) -> None:
    """One ServiceAccount per named account of a service, none when role-only or a pattern."""
    for name, entry in config["eks-irsa:services"].items():
        made = _children(run, name, SERVICE_ACCOUNT)
        if not _creates_service_accounts(entry):
            assert made == [], name
            continue
        names = sorted(sa.inputs["metadata"]["name"] for sa in made)
        expected = _named_service_accounts(name, entry)
        assert names == expected if expected is not None else len(names) == 1, name
        assert {sa.inputs["metadata"]["namespace"] for sa in made} == {entry["namespace"]}, name


def _claims(statement: dict) -> tuple[str, dict[tuple[str, str], list[str]]]:
    """The issuer of a web-identity statement (exactly one) and ``{(claim, operator): sorted values}``."""
    out, issuers = {}, set()
    for operator, keys in statement["Condition"].items():
        for key, value in keys.items():
            issuer, claim = key.rsplit(":", 1)
            issuers.add(issuer)
            out[(claim, operator)] = sorted([value] if isinstance(value, str) else value)
    (issuer,) = issuers
    return issuer, out


def _subject(namespace: str, account: str) -> str:
    return f"system:serviceaccount:{namespace}:{account}"


def check_trust_and_annotations(config: dict, run) -> None:
    """Each IRSA role trusts exactly its ServiceAccounts for the audience; each annotation is its role's ARN."""
    clusters = _of(run, "eks:index:Cluster")
    for name, entry in config["eks-irsa:services"].items():
        accounts = _children(run, name, SERVICE_ACCOUNT)
        annotations = [sa.inputs["metadata"].get("annotations") or {} for sa in accounts]
        if "existingRoleArn" in entry:
            assert [a[ROLE_ARN_KEY] for a in annotations] == [_fill(entry["existingRoleArn"], run)] * len(accounts)
            continue
        (role,) = [r for r in _children(run, name, ROLE) if r.name == f"{name}-role"]
        statements = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        identity = entry.get("identity", "irsa")
        pods = [s for s in statements if s["Principal"] == {"Service": "pods.eks.amazonaws.com"}]
        if identity in ("pod-identity", "both"):
            associations = _children(run, name, ASSOCIATION)
            assert len(pods) == 1, name
            assert {(a.inputs["namespace"], a.inputs["serviceAccount"]) for a in associations} == {
                (sa.inputs["metadata"]["namespace"], sa.inputs["metadata"]["name"]) for sa in accounts
            }, name
            assert {a.inputs["roleArn"] for a in associations} == {role.outputs["arn"]}, name
        if identity == "pod-identity":
            assert statements == pods, name
            assert all(ROLE_ARN_KEY not in a for a in annotations), name
            continue
        statements = [s for s in statements if s not in pods]
        assert [a[ROLE_ARN_KEY] for a in annotations] == [role.outputs["arn"]] * len(accounts), name
        expected: dict[tuple[str, str], list[str] | None] = {
            ("aud", "StringEquals"): [entry.get("audience", DEFAULT_AUDIENCE)]
        }
        if accounts:
            created = [_subject(sa.inputs["metadata"]["namespace"], sa.inputs["metadata"]["name"]) for sa in accounts]
            expected[("sub", "StringEquals")] = sorted(created)
        elif "serviceAccount" in entry or "subjectPattern" not in entry:  # role only: the account someone else makes
            named = _named_service_accounts(name, entry)
            expected[("sub", "StringEquals")] = [_subject(entry["namespace"], n) for n in named] if named else None
        if "subjectPattern" in entry:
            expected[("sub", "StringLike")] = [_subject(entry["namespace"], entry["subjectPattern"])]
        assert len(statements) == 1 + len(entry.get("trustedClusters", [])), name
        issuers = set()
        for statement in statements:
            assert statement["Action"] == "sts:AssumeRoleWithWebIdentity", name
            assert statement["Principal"]["Federated"].split(":")[5].startswith("oidc-provider/"), name
            issuer, claims = _claims(statement)
            issuers.add(issuer)
            assert set(claims) == set(expected), name
            for key, values in expected.items():
                if values is None:  # an add-on's usual account, made elsewhere: one account of the namespace
                    assert len(claims[key]) == 1, name
                    assert claims[key][0].startswith(_subject(entry["namespace"], "")), name
                else:
                    assert claims[key] == values, (name, key)
        assert len(issuers) == len(statements), name
        if clusters:
            assert clusters[0].outputs["oidcIssuer"] in issuers, name


def check_parents_and_providers(run) -> None:
    """Every resource sits under a component (namespaces, shared by services, are the program's own), directly or
    through the resource it belongs to (an admin's policy association under its access entry, as pulumi-eks
    registered them, so their alias carries over); Kubernetes resources name a Kubernetes provider explicitly."""
    components = {r.name for r in run.registrations if not r.custom}
    parents = {r.name: r.parent for r in run.registrations if r.custom}
    k8s_providers = {r.name for r in _of(run, "pulumi:providers:kubernetes")}
    for r in run.registrations:
        if r.custom and r.type != "kubernetes:core/v1:Namespace":
            parent = r.parent
            if r.type == "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
                parent = parents.get(parent)
            assert parent in components, (r.type, r.name)
        if r.type.startswith("kubernetes:"):
            assert r.provider in k8s_providers, (r.type, r.name)


def _closure(run, start: str) -> set[str]:
    edges = {r.name: {*r.dependencies, *filter(None, [r.parent])} for r in run.registrations}
    seen, todo = set(), [start]
    while todo:
        for dep in edges.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def check_no_role_waits_for_node_groups(run) -> None:
    """No role (and so no trust) depends, even through a parent, on a node group or the Kubernetes provider."""
    blockers = {
        r.name for r in run.registrations if r.type in ("aws:eks/nodeGroup:NodeGroup", "pulumi:providers:kubernetes")
    }
    for role in _of(run, ROLE):
        assert not (_closure(run, role.name) & blockers), role.name


def check_catalog(config: dict, run) -> None:
    """Every property above, for any catalog: what a fork's CI can rely on after adding services."""
    check_roles(config, run)
    check_service_accounts(config, run)
    check_trust_and_annotations(config, run)
    check_parents_and_providers(run)
    check_no_role_waits_for_node_groups(run)
    check_invokes(run)


def check_invokes(run) -> None:
    """No invoke per service: at most the creator lookups of a stack that makes its cluster, and one
    ``getAddonVersion`` per EKS add-on without pinned versions."""
    assert identity_invokes(run) in ((), (CALLER_IDENTITY, GET_CLUSTERS), FIRST_RUN_LOOKUPS)
    check_addon_lookups(run)


def test_one_role_per_service_of_the_catalog(stack_run):
    _, config, run = stack_run
    check_roles(config, run)


def test_one_service_account_per_named_account_none_when_role_only(stack_run):
    _, config, run = stack_run
    check_service_accounts(config, run)


def test_each_role_trusts_exactly_its_own_service_accounts_and_the_annotation_is_its_arn(stack_run):
    _, config, run = stack_run
    check_trust_and_annotations(config, run)
    assert _of(run, SERVICE_ACCOUNT)  # every shipped stack has IRSA service accounts to check


def test_children_are_parented_and_kubernetes_resources_name_their_provider(stack_run):
    _, _, run = stack_run
    check_parents_and_providers(run)


def test_no_role_waits_for_node_groups_or_the_kubernetes_provider(stack_run):
    _, _, run = stack_run
    check_no_role_waits_for_node_groups(run)
    assert identity_invokes(run) == FIRST_RUN_LOOKUPS  # every shipped stack keeps the bootstrap on
    check_addon_lookups(run)


def test_cluster_requests_api_auth_and_no_default_node_group_and_makes_its_own_oidc_provider(stack_run):
    stack, config, run = stack_run
    cluster = _of(run, "eks:index:Cluster")[0]
    assert cluster.inputs["createOidcProvider"] is False
    [provider] = [p for p in _of(run, OIDC_PROVIDER) if p.parent == config["eks-irsa:cluster"]["name"]]
    assert provider.inputs["url"] == cluster.outputs["oidcProviderUrl"]
    assert provider.inputs["clientIdLists"] == config["eks-irsa:cluster"].get("oidcClientIds", [DEFAULT_AUDIENCE])
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
        assert "eks-irsa/allow-pod-imds-access" not in (template.inputs.get("tags") or {})  # no opt-out claimed
        assert f"{group.name}-lt" in group.dependencies


def test_node_role_carries_only_the_node_policies_and_cni_has_its_own_role(stack_run):
    _, config, run = stack_run
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
    if config["eks-irsa:cluster"].get("autoMode") and not config["eks-irsa:cluster"].get("nodeGroups"):
        # EKS Auto Mode runs pod networking itself on its own nodes; node groups need the VPC CNI.
        assert not [a for a in _of(run, "aws:eks/addon:Addon") if a.inputs["addonName"] == "vpc-cni"]
        assert not [r for r in run.registrations if r.parent == f"{cluster}-vpc-cni"]
        return
    addon = next(a for a in _of(run, "aws:eks/addon:Addon") if a.inputs["addonName"] == "vpc-cni")
    cni_role = next(r for r in _of(run, "aws:iam/role:Role") if r.parent == f"{cluster}-vpc-cni")
    assert addon.inputs["addonName"] == "vpc-cni"
    assert addon.inputs["serviceAccountRoleArn"] == cni_role.outputs["arn"]
    sub = json.loads(cni_role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert "system:serviceaccount:kube-system:aws-node" in sub.values()


def test_service_account_manifests_are_valid_kubernetes(stack_run, stack_plans):
    stack, _, _ = stack_run
    for texts in stack_plans.plan(stack)[1].values():
        if "serviceaccount.yaml" in texts:
            validate_manifest(yaml.safe_load(texts["serviceaccount.yaml"]), "1.33.0", strict=True)


def test_plan_is_byte_identical_across_runs_and_shuffled_catalogs(tmp_path):
    write_plan("dev", tmp_path / "one", PROJECT)
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
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
    write_plan("dev", tmp_path / "two", PROJECT)
    for path in sorted((tmp_path / "one").rglob("*.*")):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes(), path


def test_china_region_renders_aws_cn_arns_everywhere():
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    config["aws:region"] = "cn-north-1"
    config["eks-irsa:cluster"]["admins"] = ["arn:aws-cn:iam::111122223333:role/platform-admin"]
    run = run_program(PROGRAM, config, "dev-cn")
    text = json.dumps([r.inputs for r in run.registrations] + [r.outputs for r in run.registrations])
    assert "arn:aws-cn:" in text
    assert "arn:aws:" not in text
    assert ".amazonaws.com.cn/id/" in _of(run, "eks:index:Cluster")[0].outputs["oidcIssuer"]


def test_a_service_of_another_account_gets_its_role_and_oidc_provider_in_that_account(stack_run):
    _, config, run = stack_run
    accounts = config.get("eks-irsa:accounts", {})
    oidc_providers = {r.provider: r for r in _of(run, OIDC_PROVIDER) if r.provider}
    cluster = _of(run, "eks:index:Cluster")[0]
    elsewhere = {name: e for name, e in config["eks-irsa:services"].items() if "account" in e}
    for name, entry in elsewhere.items():
        (role,) = _children(run, name, ROLE)
        assert role.provider is not None, name
        provider = oidc_providers[role.provider]
        assert provider.inputs["url"] == f"https://{cluster.outputs['oidcIssuer']}"
        assert provider.inputs["clientIdLists"] == [entry.get("audience", DEFAULT_AUDIENCE)]
        federated = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"]["Federated"]
        assert federated == provider.outputs["arn"]
        account_id = accounts[entry["account"]]["accountId"]
        assert federated.split(":")[4] == role.outputs["arn"].split(":")[4] == account_id
    # Only roles of another account get an account-level OIDC provider (the cluster's own uses the default provider).
    assert len(oidc_providers) == len({e["account"] for e in elsewhere.values()})


def test_the_pod_identity_agent_is_installed_exactly_when_a_service_uses_pod_identity(stack_run):
    _, config, run = stack_run
    addons = [a.inputs["addonName"] for a in _of(run, "aws:eks/addon:Addon")]
    cluster = config.get("eks-irsa:cluster", {})
    # Auto Mode has the agent built in on its own nodes; node groups beside it need the add-on.
    ec2_nodes = not cluster.get("autoMode") or bool(cluster.get("nodeGroups"))
    wanted = any(e.get("identity") in ("pod-identity", "both") for e in config["eks-irsa:services"].values())
    assert addons.count("eks-pod-identity-agent") == int(wanted and ec2_nodes)
    assert addons.count("vpc-cni") == int(ec2_nodes)


def test_the_staging_stack_exercises_the_identity_features():
    """The sample staging catalog is where the features above are in use; this pins that they are, not how many."""
    services = config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml")["eks-irsa:services"].values()
    for feature in (
        "account",
        "subjectPattern",
        "serviceAccounts",
        "existingRoleArn",
        "trustedClusters",
        "addon",
        "sessionPolicy",
        "targetRole",
    ):
        assert any(feature in e for e in services), feature
    assert any(e.get("identity") == "pod-identity" for e in services)
    assert any(e.get("identity") == "both" for e in services)
    assert config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml")["eks-irsa:cluster"]["autoMode"] is True


@pytest.mark.parametrize("stack_file", STACK_FILES, ids=_stack)
def test_every_stack_passes_the_permissions_lint(stack_file):
    """Lint errors make a catalog invalid (load_catalog raises); every service gets a plan, warnings only."""
    config = config_from_stack_file(stack_file)
    settings = load_catalog(decode_stack_config(encode_config(config)), PROJECT)
    assert sorted(settings.plans) == sorted(config.get("eks-irsa:services", {}))
    assert not [w for plan in settings.plans.values() for w in plan.warnings if " error " in w]


@pytest.mark.parametrize("stack_file", USER_STACK_FILES, ids=_stack)
def test_every_stack_of_the_user_plans_and_holds_for_any_catalog(stack_file):
    """The user's own ``stacks/`` as they are now (the other tests read the tests' copy, tests/data/README.md):
    each passes the lint and its run holds the properties of any catalog, whatever services it lists."""
    config = config_from_stack_file(stack_file)
    settings = load_catalog(decode_stack_config(encode_config(config)), ROOT)
    assert sorted(settings.plans) == sorted(config.get("eks-irsa:services", {}))
    run = run_program(ROOT / "__main__.py", config, _stack(stack_file))
    check_roles(config, run)
    check_service_accounts(config, run)
    check_trust_and_annotations(config, run)
    check_parents_and_providers(run)
    check_no_role_waits_for_node_groups(run)


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
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    del config["eks-irsa:cluster"]
    config["eks-irsa:existingCluster"] = existing
    run = run_program(PROGRAM, config, "tenant")
    assert sorted(run.invokes) == invokes
    assert not _of(run, "eks:index:Cluster") and not _of(run, "aws:eks/nodeGroup:NodeGroup")
    issuer = run.mocks.issuer("acme-dev")
    provider_arn = f"arn:aws:iam::111122223333:oidc-provider/{issuer}"
    check_roles(config, run)
    check_trust_and_annotations(config, run)
    for role in _of(run, ROLE):
        statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
        assert statement["Principal"]["Federated"] == provider_arn
        assert f"{issuer}:sub" in statement["Condition"]["StringEquals"]
    assert {sa.provider for sa in _of(run, "kubernetes:core/v1:ServiceAccount")} == {"acme-dev-k8s"}


def test_both_or_neither_cluster_keys_are_refused(dev_config):
    from eks_irsa.catalog import load_catalog
    from eks_irsa.errors import IrsaConfigError

    dev_config["eks-irsa:existingCluster"] = {"name": "acme-dev"}
    with pytest.raises(IrsaConfigError, match="exactly one of eks-irsa:cluster"):
        load_catalog(dev_config, PROJECT)
    del dev_config["eks-irsa:existingCluster"], dev_config["eks-irsa:cluster"]
    with pytest.raises(IrsaConfigError, match="exactly one of eks-irsa:cluster"):
        load_catalog(dev_config, PROJECT)
    dev_config["eks-irsa:clustr"] = {}
    with pytest.raises(IrsaConfigError, match="eks-irsa:clustr: '\\(key\\)' is not a config key"):
        load_catalog(dev_config, PROJECT)


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

    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
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

    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.dev.yaml")
    config["eks-irsa:services"]["orders-api"].update(change)
    with pytest.raises(IrsaConfigError) as caught:
        run_program(PROGRAM, config, "dev")
    assert field in [p.field for p in caught.value.problems]


@pytest.mark.parametrize(
    ("aws_config", "profile", "chain"),
    [
        ({}, None, []),
        ({"aws:profile": "acme-staging"}, "acme-staging", []),
        (
            {"aws:profile": "acme-staging", "aws:assumeRoles": [{"roleArn": "arn:aws:iam::777788889999:role/ci"}]},
            "acme-staging",
            ["arn:aws:iam::777788889999:role/ci"],
        ),
    ],
    ids=["ambient", "profile", "profile-and-role"],
)
def test_other_accounts_providers_assume_their_role_as_the_stack_s_identity(aws_config, profile, chain):
    # An explicit aws.Provider reads no aws: stack config, so the stack's profile and role are passed on:
    # without them the account role would be assumed by whatever ambient credentials the machine has.
    config = config_from_stack_file(PROJECT / "stacks" / "Pulumi.staging.yaml")
    config.update(aws_config)
    run = run_program(PROGRAM, config, "staging")
    providers = [r for r in run.registrations if r.type == "pulumi:providers:aws"]
    assert {p.name for p in providers} >= {"account-data-aws"}
    for provider in providers:
        roles = provider.inputs["assumeRoles"]
        roles = json.loads(roles) if isinstance(roles, str) else roles
        assert [r["roleArn"] for r in roles] == [*chain, "arn:aws:iam::222233334444:role/pulumi-deployer"]
        assert provider.inputs.get("profile") == profile


def test_every_oidc_provider_is_deleted_before_it_is_replaced(stack_plans):
    # IAM holds one OIDC provider per URL in an account (CreateOpenIDConnectProvider: EntityAlreadyExists),
    # so a replacement that keeps the URL (e.g. a provider-wide replacement) cannot create first.
    run = stack_plans.plan("staging")[0]
    providers = _of(run, OIDC_PROVIDER)
    assert {p.provider for p in providers} >= {None, "account-data-aws"}
    assert all(p.delete_before_replace for p in providers)
