"""One planned shape, planned once: ``service.json`` is :class:`RoleRecord`'s serialisation and its one reader;
``eks-irsa plan`` plans each role exactly once (the catalog's plan is handed to ``IrsaRole``); a direct
``IrsaRole`` caller still gets every rule; a handed plan must be the plan of the component's own arguments.

What mocks cannot prove: that the real cluster's issuer has the form the plan was made with; the component holds
the resolved one to it (``check_bound``) when it resolves, which a real ``pulumi up`` would show.
"""

from __future__ import annotations

import collections
import json
from dataclasses import fields, replace

import pulumi
import pytest

import eks_irsa.catalog.load as catalog_load
import eks_irsa.irsa as irsa_module
from eks_irsa.cli import plan as plan_cli
from eks_irsa.errors import IrsaConfigError
from eks_irsa.irsa import IrsaRole, IrsaRoleArgs
from eks_irsa.plan import Rendered, RolePlan, RoleRecord, check_planned, plan_role, statement_from_args
from eks_irsa.plan import rules as plan_rules
from eks_irsa.testing import EksIrsaMocks, run_program

from .conftest import PROJECT, STACK_FILES, raised_problems

STACKS = sorted(p.name.split(".")[1] for p in STACK_FILES)

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER_ARN = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
STAND_IN = "oidc.eks.us-west-2.amazonaws.com/id/" + "0" * 32
READ_TABLE = {"actions": ["dynamodb:GetItem"], "resources": [f"arn:aws:dynamodb:us-west-2:{ACCOUNT}:table/orders"]}


def _args(**overrides) -> IrsaRoleArgs:
    base = dict(
        oidc_provider_arn=PROVIDER_ARN,
        oidc_issuer=ISSUER,
        cluster_name="acme-dev",
        namespace="orders",
        statements=[READ_TABLE],
        create_service_account=False,
    )
    base.update(overrides)
    return IrsaRoleArgs(**base)  # a TypedDict: a plain dict at run time


def _real() -> IrsaRoleArgs:
    """The arguments with the cluster's provider ARN and issuer as Outputs (made inside a run)."""
    return _args(oidc_provider_arn=pulumi.Output.from_input(PROVIDER_ARN), oidc_issuer=pulumi.Output.from_input(ISSUER))


def _run(build):
    return run_program(build, {}, "test", mocks=EksIrsaMocks(account_id=ACCOUNT, region="us-west-2"))


@pytest.fixture
def planned(monkeypatch) -> collections.Counter:
    """Every ``plan_role`` call of the catalog and of ``IrsaRole``, counted by role name."""
    calls: collections.Counter = collections.Counter()

    def counting(name, args):
        calls[name] += 1
        return plan_rules.plan_role(name, args)

    monkeypatch.setattr(catalog_load, "plan_role", counting)
    monkeypatch.setattr(irsa_module, "plan_role", counting)
    return calls


@pytest.mark.parametrize("stack", STACKS)
def test_make_plan_plans_every_role_exactly_once(stack, planned, tmp_path):
    _, files, plans = plan_cli.write_plan(stack, tmp_path, PROJECT)
    assert set(files) == set(plans) and files
    assert dict(planned) == dict.fromkeys(files, 1)


def test_a_direct_caller_plans_once_and_gets_every_rule(planned):
    run = _run(lambda: IrsaRole("orders-api", _args()))
    assert dict(planned) == {"orders-api": 1}
    assert run.registrations
    for overrides, field in [
        ({"namespace": "Orders"}, "IrsaRole orders-api: namespace"),
        ({"oidc_issuer": "http://issuer/"}, "IrsaRole orders-api: oidc_issuer"),
        ({"statements": [{"actions": ["s3:*"], "resources": ["*"]}]}, "IrsaRole orders-api: statements[0]"),
    ]:
        with pytest.raises(IrsaConfigError) as caught:
            IrsaRole("orders-api", _args(**overrides))
        assert any(p.field == field for p in caught.value.problems), caught.value


def test_a_handed_plan_of_other_arguments_is_refused_before_registering():
    plan = plan_role("orders-api", _args())
    for name, args, differ in [
        ("orders-api", _args(namespace="billing"), ["namespace"]),
        ("orders-api", _args(statements=[{**READ_TABLE, "actions": ["dynamodb:Query"]}]), ["statements"]),
        ("orders-api", _args(max_session_duration=7200), ["max_session_duration"]),
        ("payments-api", _args(), "orders-api"),
    ]:
        problems = check_planned(name, args, plan)
        assert [(p.field, p.value) for p in problems] == [("plan", differ)]
        problems = raised_problems(_run, lambda args=args, name=name: IrsaRole(name, args, plan=plan))
        assert problems and all(p.startswith("IrsaRole ") for p in problems)

    def refused() -> None:
        with pytest.raises(IrsaConfigError):
            IrsaRole("orders-api", _args(namespace="billing"), plan=plan)

    assert _run(refused).registrations == ()


@pytest.mark.parametrize(
    "forge",
    [
        # the inputs still match, but what the rules made of them is gone
        lambda plan: replace(plan, statements=(statement_from_args({"actions": ["iam:*"], "resources": ["*"]}),)),
        lambda plan: replace(plan, trust_policy='{"Statement": [{"Effect": "Allow", "Principal": "*"}]}'),
        lambda plan: RolePlan(**{f.name: getattr(plan, f.name) for f in fields(plan)}),
    ],
)
def test_a_plan_built_or_changed_by_hand_is_refused_even_with_the_same_inputs(forge):
    plan = plan_role("orders-api", _args())
    forged = forge(plan)
    assert forged.inputs == plan.inputs
    assert [p.field for p in check_planned("orders-api", _args(), forged)] == ["plan"]
    assert check_planned("orders-api", _args(), plan) == []  # plan_role's own still fits

    def refused() -> None:
        with pytest.raises(IrsaConfigError, match="was not made by plan_role"):
            IrsaRole("orders-api", _args(), plan=forged)

    assert _run(refused).registrations == ()


def test_a_plan_made_at_stand_ins_renders_the_trust_from_the_components_own_values(planned):
    stand_ins = _args(oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{STAND_IN}", oidc_issuer=STAND_IN)
    plan = plan_role("orders-api", stand_ins)
    assert STAND_IN in str(plan.trust_policy)
    planned.clear()
    run = _run(lambda: IrsaRole("orders-api", _real(), plan=plan))
    assert not planned  # the handed plan is used, not made again
    (role,) = [r for r in run.registrations if r.type == "aws:iam/role:Role"]
    assert ISSUER in role.inputs["assumeRolePolicy"] and STAND_IN not in role.inputs["assumeRolePolicy"]


def test_a_plan_made_for_another_cluster_fails_when_the_values_resolve():
    other = "oidc.eks.eu-west-1.amazonaws.com/id/" + "0" * 32
    plan = plan_role(
        "orders-api", _args(oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{other}", oidc_issuer=other)
    )
    problems = raised_problems(_run, lambda: IrsaRole("orders-api", _real(), plan=plan))
    assert any("the value the role was planned with" in p for p in problems), problems


def test_a_role_planned_at_a_stand_in_cluster_name_is_named_after_the_cluster_it_is_registered_with():
    plan = plan_role("orders-api", _args())
    assert plan.role_name == "acme-dev-orders-orders-api"
    run = _run(lambda: IrsaRole("orders-api", _args(cluster_name=pulumi.Output.from_input("acme-prod")), plan=plan))
    (role,) = [r for r in run.registrations if r.type == "aws:iam/role:Role"]
    assert role.inputs["name"] == "acme-prod-orders-orders-api"
    assert role.inputs["tags"]["eks-irsa/cluster"] == "acme-prod"
    named = plan_role("orders-api", _args(role_name="orders"))
    run = _run(lambda: IrsaRole("orders-api", _args(role_name="orders", cluster_name="acme-prod"), plan=named))
    (role,) = [r for r in run.registrations if r.type == "aws:iam/role:Role"]
    assert role.inputs["name"] == "orders"


def test_role_record_is_the_json_form_and_its_one_reader():
    plan = plan_role("orders-api", _args())
    rendered = Rendered(
        role_name="acme-dev-orders-orders-api",
        role_arn=f"arn:aws:iam::{ACCOUNT}:role/acme-dev-orders-orders-api",
        trust_policy=plan.trust_policy,
        oidc_issuer=ISSUER,
        oidc_provider_arns=(PROVIDER_ARN,),
    )
    record = RoleRecord.of(plan, rendered)
    data = record.to_json()
    assert set(data) == set(plan.summary()) | {"roleArn", "oidcProviderArn", "oidcIssuer", "trustedProviders"}
    assert "externalId" not in data  # written for a chained role only
    assert RoleRecord.from_json(json.dumps(data)) == record
    assert (record.oidc_provider_arn, record.trusted_providers) == (PROVIDER_ARN, (PROVIDER_ARN,))
    with pytest.raises(ValueError, match="no key roleArn"):
        RoleRecord.from_data({k: v for k, v in data.items() if k != "roleArn"})
    with pytest.raises(ValueError, match="unknown key roleArnn"):
        RoleRecord.from_data({**data, "roleArnn": "x"})
    chained = replace(plan, target_role_arn="arn:aws:iam::444455556666:role/target")
    assert "externalId" in RoleRecord.of(chained, rendered).to_json()
