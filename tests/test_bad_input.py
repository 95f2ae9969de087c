"""Adversarial input through the Python API: every wrong type, empty value or out-of-range number given to
``plan_role``/``IrsaRole`` is an ``IrsaConfigError`` naming the field and the value, never a Python
``TypeError``/``AttributeError``, never a value silently coerced (``"false"`` read as true), and the component
registers nothing. Mocks cannot show what AWS would answer for the values we accept; they only show what we
refuse and that nothing was registered."""

from __future__ import annotations

import pulumi
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eks_irsa.errors import IrsaConfigError
from eks_irsa.irsa import IrsaRole, IrsaRoleArgs
from eks_irsa.plan import ARGS_KEYS, plan_role
from eks_irsa.testing import run_program

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
    (IRSA, {"service_account_options": {"labels": {"team": 1}}}, "service_account_options.labels"),
    (IRSA, {"service_account_options": {"annotations": {"a": None}}}, "service_account_options.annotations"),
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
    (IRSA, {"statements": [{**STATEMENT, "conditions": {"StringEquals": 1}}]}, "statements[0].conditions"),
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


def test_the_known_keys_are_exactly_the_args_typeddict():
    assert set(IrsaRoleArgs.__annotations__) == ARGS_KEYS
