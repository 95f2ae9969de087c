"""Adversarial input through the Python API: every wrong type, empty value or out-of-range number given to
``plan_role``/``IrsaRole`` is an ``IrsaConfigError`` naming the field and the value, never a Python
``TypeError``/``AttributeError``, never a value silently coerced (``"false"`` read as true), and the component
registers nothing. Mocks cannot show what AWS would answer for the values we accept; they only show what we
refuse and that nothing was registered."""

from __future__ import annotations

import functools

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eks_irsa
from eks_irsa.errors import IrsaConfigError
from eks_irsa.irsa import IrsaRole
from eks_irsa.plan import plan_role
from eks_irsa.testing import config_from_stack_file, run_program
from tests.conftest import cluster_args

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
CLUSTER_ARN = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/dev"
STATEMENT = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}
IRSA = {
    "cluster_name": "dev",
    "namespace": "orders",
    "oidc_provider_arn": PROVIDER_ARN,
    "oidc_issuer": ISSUER,
    "statements": [STATEMENT],
}
POD = {**IRSA, "identity": "pod-identity", "cluster_arn": CLUSTER_ARN}


def _problem_fields(args: dict) -> list[str]:
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("orders-api", args)
    return [p.field for p in raised.value.problems]


BAD = [
    # (base, overrides, the field a problem must name)
    (IRSA, {"cluster_name": 1}, "cluster_name"),
    (IRSA, {"cluster_name": ["dev"]}, "cluster_name"),
    (IRSA, {"oidc_provider_arn": 123}, "oidc_provider_arn"),
    (IRSA, {"oidc_issuer": {"host": ISSUER}}, "oidc_issuer"),
    (POD, {"cluster_arn": ["arn"]}, "cluster_arn"),
    (IRSA, {"service_account": 1}, "service_account"),
    (IRSA, {"service_account": ""}, "service_account"),
    (IRSA, {"service_accounts": [{}]}, "service_accounts[0]"),
    (IRSA, {"subject_pattern": 1}, "subject_pattern"),
    (IRSA, {"audience": 5}, "audience"),
    (IRSA, {"provider_client_ids": [1]}, "provider_client_ids[0]"),
    (IRSA, {"additional_clusters": ["a"]}, "additional_clusters[0]"),
    (
        IRSA,
        {"additional_clusters": [{"oidc_provider_arn": 1, "oidc_issuer": ISSUER}]},
        "additional_clusters[0].oidc_provider_arn",
    ),
    (IRSA, {"role_account_id": 111122223333}, "role_account_id"),
    (IRSA, {"statements": ["s3:GetObject"]}, "statements[0]"),
    (IRSA, {"managed_policy_arns": [{}]}, "managed_policy_arns[0]"),
    (IRSA, {"role_name": 7}, "role_name"),
    (IRSA, {"tags": None}, "tags"),
    (IRSA, {"tags": ["team"]}, "tags"),
    (IRSA, {"permissions_boundary": 1}, "permissions_boundary"),
    (IRSA, {"identity": []}, "identity"),
    (IRSA, {"identity": None}, "identity"),
    (POD, {"session_tags": "false"}, "session_tags"),
    (IRSA, {"create_service_account": "false"}, "create_service_account"),
    (IRSA, {"create_service_account": 0}, "create_service_account"),
    (IRSA, {"service_account_options": 1}, "service_account_options"),
    (IRSA, {"service_account_options": {"labels": 1}}, "service_account_options.labels"),
    (IRSA, {"service_account_options": {"labels": {"team": 1}}}, "service_account_options.labels.team"),
    (IRSA, {"service_account_options": {"annotations": {"a": None}}}, "service_account_options.annotations.a"),
    (
        IRSA,
        {"service_account_options": {"sts_regional_endpoints": "false"}},
        "service_account_options.sts_regional_endpoints",
    ),
    (IRSA, {"service_account_options": {"automount_token": "no"}}, "service_account_options.automount_token"),
    (IRSA, {"service_account_options": {"colour": "red"}}, "service_account_options.colour"),
    (IRSA, {"trust_policy_max_size": None}, "trust_policy_max_size"),
    (IRSA, {"trust_policy_max_size": 10**20}, "trust_policy_max_size"),
    (IRSA, {"trust_policy_max_size": 100}, "trust_policy_max_size"),
    (IRSA, {"max_managed_policies": None}, "max_managed_policies"),
    (IRSA, {"max_managed_policies": 1.5}, "max_managed_policies"),
    (IRSA, {"max_managed_policies": True}, "max_managed_policies"),
    (IRSA, {"max_managed_policies": 10**20}, "max_managed_policies"),
    (IRSA, {"statements": [{**STATEMENT, "actions": None}]}, "statements[0].actions"),
    (IRSA, {"statements": [{**STATEMENT, "actions": "dynamodb:GetItem"}]}, "statements[0].actions"),
    (IRSA, {"statements": [{**STATEMENT, "resources": None}]}, "statements[0].resources"),
    (IRSA, {"statements": [{**STATEMENT, "effect": None}]}, "statements[0].effect"),
    (IRSA, {"statements": [{**STATEMENT, "effect": "allow"}]}, "statements[0].effect"),
    (IRSA, {"statements": [{**STATEMENT, "conditions": {"StringEquals": 1}}]}, "statements[0].conditions.StringEquals"),
    (IRSA, {"statements": [{**STATEMENT, "conditions": ["x"]}]}, "statements[0].conditions"),
    (IRSA, {"statements": [{**STATEMENT, "sid": 1}]}, "statements[0].sid"),
    (IRSA, {"statements": [{**STATEMENT, "justification": 1}]}, "statements[0].justification"),
    (IRSA, {"statements": [{**STATEMENT, "action": ["s3:GetObject"]}]}, "statements[0].action"),
    (POD, {"session_policy": [{**STATEMENT, "sid": 1}]}, "session_policy[0].sid"),
    (POD, {"session_policy": ["x"]}, "session_policy[0]"),
    (IRSA, {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("base", "overrides", "field"), BAD, ids=[f"{f}={o}"[:60] for _, o, f in BAD])
def test_a_bad_value_is_our_error_naming_its_field(base, overrides, field):
    fields = _problem_fields({**base, **overrides})
    assert field in fields


def test_every_type_problem_of_a_role_is_reported_at_once():
    fields = _problem_fields({**IRSA, "service_account": 1, "tags": None, "create_service_account": "no"})
    assert {"service_account", "tags", "create_service_account"} <= set(fields)


@pytest.mark.parametrize(("base", "overrides", "field"), BAD[:12], ids=[f for _, _, f in BAD[:12]])
def test_the_component_registers_nothing_for_a_bad_value(base, overrides, field):
    def program():
        IrsaRole("orders-api", {**base, **overrides}, pulumi.ResourceOptions())  # type: ignore[arg-type]

    with pytest.raises(IrsaConfigError) as raised:
        run_program(program, {}, "dev")
    assert any(p.field == f"IrsaRole orders-api: {field}" for p in raised.value.problems)


def test_outputs_still_pass_where_the_args_accept_them():
    def role_only():
        IrsaRole(
            "orders-api",
            {
                **IRSA,
                "cluster_name": pulumi.Output.from_input("dev"),
                "oidc_issuer": pulumi.Output.from_input(ISSUER),
                "create_service_account": False,
            },
        )

    run = run_program(role_only, {}, "dev")
    assert [r.type for r in run.registrations].count("aws:iam/role:Role") == 1


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["", "*", "false", "arn:aws:s3:::x", "https://x/", "é" * 300]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=8,
)
KEYS = sorted(
    {
        *IRSA,
        *POD,
        "service_account",
        "service_accounts",
        "audience",
        "tags",
        "session_policy",
        "service_account_options",
        "target_role",
        "max_session_duration",
        "create_service_account",
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([IRSA, POD]), st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=3))
def test_random_values_plan_or_raise_our_error(base, overrides):
    try:
        plan_role("orders-api", {**base, **overrides})
    except IrsaConfigError as error:
        assert all(p.field and p.rule and p.source and p.fix for p in error.problems)


# --- the other components: EksCluster, ExistingCluster, AccountProvider, AccountOidcProvider ----------------

CLUSTER = cluster_args(cluster_name="dev")
GROUP = CLUSTER["node_groups"][0]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/pulumi"
ACCOUNT_ARGS = {"account_id": ACCOUNT, "assume_role_arn": ROLE, "region": "us-west-2"}
OIDC_ARGS = {**ACCOUNT_ARGS, "oidc_issuer": ISSUER}
EXISTING = {"cluster_name": "dev", "partition": "aws", "account_id": ACCOUNT}

COMPONENT_BAD = [
    # (component, args, the field a problem must name)
    ("EksCluster", {**CLUSTER, "partitio": "aws"}, "partitio"),
    ("EksCluster", {**CLUSTER, "partition": "amazon"}, "partition"),
    ("EksCluster", {**CLUSTER, "vpc_id": None}, "vpc_id"),
    ("EksCluster", {**CLUSTER, "private_subnet_ids": "subnet-0000000a"}, "private_subnet_ids"),
    ("EksCluster", {**CLUSTER, "private_subnet_ids": []}, "private_subnet_ids"),
    ("EksCluster", {**CLUSTER, "tags": None}, "tags"),
    ("EksCluster", {**CLUSTER, "kubernetes_version": None}, "kubernetes_version"),
    ("EksCluster", {**CLUSTER, "kubernetes_version": 1.31}, "kubernetes_version"),
    ("EksCluster", {**CLUSTER, "upgrade_support_type": ["STANDARD"]}, "upgrade_support_type"),
    ("EksCluster", {**CLUSTER, "addon_versions": "v1.2"}, "addon_versions"),
    ("EksCluster", {**CLUSTER, "endpoint_public_access": "false"}, "endpoint_public_access"),
    ("EksCluster", {**CLUSTER, "public_access_cidrs": 1}, "public_access_cidrs"),
    ("EksCluster", {**CLUSTER, "admin_principal_arns": None}, "admin_principal_arns"),
    ("EksCluster", {**CLUSTER, "enabled_cluster_log_types": [{}]}, "enabled_cluster_log_types[0]"),
    ("EksCluster", {**CLUSTER, "oidc_client_ids": None}, "oidc_client_ids"),
    ("EksCluster", {**CLUSTER, "auto_mode": "yes"}, "auto_mode"),
    ("EksCluster", {**CLUSTER, "kubeconfig_credentials": {"profile": "ci"}}, "kubeconfig_credentials.profile"),
    ("EksCluster", {**CLUSTER, "node_groups": None}, "node_groups"),
    ("EksCluster", {**CLUSTER, "node_groups": [{}]}, "node_groups[0].name"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "ami_type": []}]}, "node_groups[0].ami_type"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "min_size": None}]}, "node_groups[0].min_size"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "imds_hop_limit": ""}]}, "node_groups[0].imds_hop_limit"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "instance_types": []}]}, "node_groups.general.instance_types"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "min_size": -1}]}, "node_groups.general.min_size"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "disk_size": 10**6}]}, "node_groups.general.disk_size"),
    ("EksCluster", {**CLUSTER, "node_groups": [{**GROUP, "imds_hop_limit": 0}]}, "node_groups.general.imds_hop_limit"),
    ("ExistingCluster", {**EXISTING, "account_id": "1234"}, "account_id"),
    ("ExistingCluster", {**EXISTING, "partition": "azure"}, "partition"),
    ("ExistingCluster", {**EXISTING, "cluster_name": "my cluster"}, "cluster_name"),
    ("ExistingCluster", {**EXISTING, "stack_reference": "org/project"}, "stack_reference"),
    ("ExistingCluster", {**EXISTING, "stackReference": "org/p/s"}, "stackReference"),
    ("AccountProvider", {**ACCOUNT_ARGS, "account_id": 111122223333}, "account_id"),
    ("AccountProvider", {**ACCOUNT_ARGS, "account_id": "1111"}, "account_id"),
    ("AccountProvider", {**ACCOUNT_ARGS, "assume_role_arn": "pulumi"}, "assume_role_arn"),
    ("AccountProvider", {**ACCOUNT_ARGS, "assume_role_arn": "arn:aws:iam::444455556666:role/x"}, "assume_role_arn"),
    ("AccountProvider", {**ACCOUNT_ARGS, "region": "cn-north-1"}, "assume_role_arn"),
    ("AccountProvider", {**ACCOUNT_ARGS, "region": "mars-1"}, "region"),
    ("AccountProvider", {k: v for k, v in ACCOUNT_ARGS.items() if k != "region"}, "region"),
    ("AccountOidcProvider", {**OIDC_ARGS, "client_ids": "sts.amazonaws.com"}, "client_ids"),
    ("AccountOidcProvider", {**OIDC_ARGS, "client_ids": []}, "client_ids"),
    ("AccountOidcProvider", {**OIDC_ARGS, "oidc_issuer": 3}, "oidc_issuer"),
]


@pytest.mark.parametrize(("component", "args", "field"), COMPONENT_BAD, ids=[f"{c}-{f}" for c, _, f in COMPONENT_BAD])
def test_a_bad_component_input_is_our_error_and_registers_nothing(component, args, field):
    kind = getattr(eks_irsa, component)

    def program():
        kind("x", args)

    with pytest.raises(IrsaConfigError) as raised:
        run_program(program, {}, "dev")
    assert f"{component} x: {field}" in [p.field for p in raised.value.problems]


@pytest.mark.parametrize(
    ("component", "args"),
    [("AccountProvider", ACCOUNT_ARGS), ("AccountOidcProvider", OIDC_ARGS), ("ExistingCluster", EXISTING)],
)
def test_good_component_inputs_still_register(component, args):
    run = run_program(lambda: getattr(eks_irsa, component)("x", args), {}, "dev")
    assert run.registrations


def test_a_type_problem_does_not_hide_the_other_rules_problems():
    fields = _problem_fields({**IRSA, "tags": None, "role_path": "no-slashes", "max_session_duration": 60})
    assert {"tags", "role_path", "max_session_duration"} <= set(fields)
    problems = eks_irsa.cluster.check_cluster_args({**CLUSTER, "tags": None, "partition": "amazon"})
    assert {"tags", "partition"} <= {p.field for p in problems}


# --- the stack file, as `eks-irsa plan --stack` and `preflight` read it ------------------------------------


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"- a\n- b\n", "(stack file)"),
        (b"5\n", "(stack file)"),
        (b"config: [1, 2]\n", "config"),
        (b"config: just text\n", "config"),
        (b"\xff\xfe config: {}\n", "(stack file)"),
    ],
    ids=["list", "number", "config-list", "config-text", "not-utf8"],
)
def test_a_stack_file_of_the_wrong_shape_is_our_error(tmp_path, content, field):
    path = tmp_path / "Pulumi.bad.yaml"
    path.write_bytes(content)
    with pytest.raises(IrsaConfigError) as raised:
        config_from_stack_file(path)
    assert [p.field for p in raised.value.problems] == [field]


def test_plan_command_says_one_line_for_a_stack_file_of_the_wrong_shape(tmp_path, capsys, monkeypatch):
    import eks_irsa.cli.plan as plan_cli

    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.bad.yaml").write_text("- a\n- b\n")
    monkeypatch.setattr(plan_cli, "ROOT", tmp_path)
    assert plan_cli.main(["--stack", "bad", "--build-dir", str(tmp_path / "build")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "(stack file)" in err


def test_verify_command_says_one_line_for_a_yaml_syntax_error(tmp_path, capsys, monkeypatch):
    pytest.importorskip("moto")
    import eks_irsa.cli.plan as plan_cli
    import eks_irsa.cli.verify as verify_cli

    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.bad.yaml").write_text("config:\n  aws:region: [\n")
    monkeypatch.setattr(plan_cli, "ROOT", tmp_path)
    monkeypatch.setattr(verify_cli, "ROOT", tmp_path)
    monkeypatch.setattr(verify_cli, "verify", functools.partial(verify_cli.verify, project_root=tmp_path))
    assert verify_cli.main(["--stack", "bad", "--build-dir", str(tmp_path / "build")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: stacks/Pulumi.bad.yaml:3:1: ")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("as_list", [True, False], ids=["list", "single-resource"])
def test_depends_on_a_single_resource_still_makes_the_service_account_wait(as_list):
    """``ResourceOptions.depends_on`` takes a resource or a list (Pulumi docs, 'Resource options: dependsOn')."""
    import pulumi_kubernetes as k8s

    def program():
        k8s_provider = k8s.Provider("k8s", kubeconfig="{}")
        namespace = k8s.core.v1.Namespace("ns", opts=pulumi.ResourceOptions(provider=k8s_provider))
        IrsaRole(
            "orders-api",
            IRSA,
            pulumi.ResourceOptions(
                providers={"kubernetes": k8s_provider}, depends_on=[namespace] if as_list else namespace
            ),
        )

    run = run_program(program, {}, "dev")
    (service_account,) = [r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount"]
    assert "ns" in service_account.dependencies


@pytest.mark.parametrize("automount", [True, False])
def test_automount_token_without_a_service_account_is_refused_not_dropped(automount):
    args = {**IRSA, "create_service_account": False, "service_account_options": {"automount_token": automount}}
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("orders-api", args)
    (problem,) = raised.value.problems
    assert problem.field == "service_account_options.automount_token"
    assert "serviceAccount.automountServiceAccountToken" in problem.fix


def test_an_unknown_target_role_key_is_refused_not_dropped():
    target = {"account_id": "444455556666", "external_id": "x"}
    fields = _problem_fields({**POD, "target_role": target})
    assert "target_role.external_id" in fields


# A regular expression's `$` also matches before a trailing newline: "orders\n" must not pass as "orders".
NEWLINE = [
    {"namespace": "orders\n"},
    {"cluster_name": "dev\n"},
    {"role_name": "orders\n"},
    {"service_account": "orders-api\n"},
    {"role_path": "/apps/\n"},
    {"tags": {"team\n": "orders"}},
    {"tags": {"team": "orders\n"}},
    {"subject_pattern": "spark-*\n"},
    {"statements": [{**STATEMENT, "resources": [STATEMENT["resources"][0] + "\n"]}]},
    {"statements": [{**STATEMENT, "sid": "Read\n"}]},
    {"statements": [{**STATEMENT, "actions": ["dynamodb:GetItem\n"]}]},
    {"permissions_boundary": f"arn:aws:iam::{ACCOUNT}:policy/boundary\n"},
    {"role_account_id": ACCOUNT + "\n"},
]


@pytest.mark.parametrize("overrides", NEWLINE, ids=[next(iter(o)) for o in NEWLINE])
def test_a_trailing_newline_is_refused_by_the_fields_own_rule(overrides):
    key = next(iter(overrides))
    fields = _problem_fields({**IRSA, **overrides})
    assert any(f.startswith(key) for f in fields), fields


def test_a_region_with_a_trailing_newline_is_not_a_region():
    from eks_irsa.iam.partition import partition_for_region

    with pytest.raises(IrsaConfigError):
        partition_for_region("us-east-1\n")


@pytest.mark.parametrize(
    ("check", "value"),
    [
        ("check_hosted_zone_id", "Z0123456789ABCDEFGHIJ\n"),
        ("check_bucket_name", "acme-dev-logs\n"),
        ("check_secret_name_prefix", "acme-dev/payments\n"),
        ("check_parameter_path", "/acme/dev\n"),
    ],
)
def test_an_addon_scope_with_a_trailing_newline_is_refused(check, value):
    from eks_irsa.addons import scopes

    context = scopes.AddonContext("aws", "us-west-2", ACCOUNT, "dev")
    assert getattr(scopes, check)("scope", value, context)
    assert not getattr(scopes, check)("scope", value.rstrip("\n"), context)


def test_outputs_pass_the_shape_where_another_language_computes_an_input():
    """A TypeScript or YAML program passes ``vpcId: vpc.id``: the host hands the component an Output."""
    from eks_irsa.accounts import check_account_args
    from eks_irsa.existing import check_existing_cluster_args

    found = {}

    def program():
        later = pulumi.Output.from_input
        found["cluster"] = eks_irsa.cluster.check_cluster_args(
            {
                **CLUSTER,
                "vpc_id": later("vpc-0000abcd"),
                "private_subnet_ids": later(["subnet-0000000a", "subnet-0000000b"]),
            }
        )
        found["account"] = check_account_args(
            {**OIDC_ARGS, "account_id": later(ACCOUNT), "oidc_issuer": later(ISSUER)}, eks_irsa.AccountOidcProviderArgs
        )
        found["existing"] = check_existing_cluster_args({**EXISTING, "cluster_name": later("dev")})

    run_program(program, {}, "dev")
    assert found == {"cluster": [], "account": [], "existing": []}


def test_explain_names_a_policy_file_that_is_not_utf8(tmp_path, capsys):
    from eks_irsa.cli.explain import EXIT_BAD_INPUT, main

    policy = tmp_path / "trust.json"
    policy.write_bytes(b"\xff\xfe{}")
    cluster = ["--cluster-arn", CLUSTER_ARN]
    assert main(["--policy", str(policy), "--pod", "orders/orders-api", *cluster]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert err == f"error: cannot read trust policy {policy}: not UTF-8 text"
