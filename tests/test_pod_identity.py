"""EKS Pod Identity beyond the basic association: ``identity: both`` (the IRSA migration step), session
tags (and the trust that pins them), session policies; each trust checked with the trust evaluator, which
must admit exactly the intended principal and deny its neighbours.

What mocks cannot prove: that EKS Auth sends exactly these context keys (the keys are those of the EKS
User Guide's trust policy and session tag list), that the Pod Identity agent hands out credentials, or
which credential source an SDK picks in a pod that has both (``identity: both`` gives the same role either way).
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from eks_irsa.catalog import decode_stack_config, load_catalog
from eks_irsa.cli.explain import main
from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.evaluate import (
    AssumeRoleRequest,
    Cause,
    WebIdentityRequest,
    chained_request,
    evaluate_assume_role,
    evaluate_web_identity,
    pod_identity_request,
)
from eks_irsa.irsa import IdentityType, IrsaRole
from eks_irsa.plan import plan_role
from eks_irsa.proof.podidentity import Association, LocalEksAuth, PodIdentityCheck
from eks_irsa.testing import EksIrsaMocks, config_from_stack_file, run_program

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/BLUE0000000000000000000000000000"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
CLUSTER = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme"
OTHER_CLUSTER = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/other"
STATEMENT = {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::reports/*"]}
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"


def args(**overrides):
    base = {
        "cluster_name": "acme",
        "namespace": "reports",
        "service_account": "reports",
        "statements": [STATEMENT],
        "cluster_arn": CLUSTER,
        "identity": "pod-identity",
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def both(**overrides):
    return args(**{"identity": "both", "oidc_provider_arn": PROVIDER, "oidc_issuer": ISSUER, **overrides})


def trust(plan) -> dict:
    return json.loads(plan.trust_policy)


def pod(policy: dict, namespace: str = "reports", sa: str = "reports", **kwargs):
    return evaluate_assume_role(policy, pod_identity_request(kwargs.pop("cluster", CLUSTER), namespace, sa, **kwargs))


def token(policy: dict, sub: str, aud: str = "sts.amazonaws.com"):
    return evaluate_web_identity(policy, WebIdentityRequest(PROVIDER, ISSUER, sub, (aud,)))


# --- identity: both --------------------------------------------------------------------------------------


def test_both_trusts_the_oidc_provider_and_pod_identity_in_one_document():
    plan = plan_role("reports", both())
    assert trust(plan) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:reports:reports",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            },
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {
                    "StringEquals": {
                        "aws:SourceAccount": ACCOUNT,
                        "aws:SourceArn": CLUSTER,
                        "aws:RequestTag/kubernetes-namespace": "reports",
                        "aws:RequestTag/kubernetes-service-account": "reports",
                    }
                },
            },
        ],
    }
    summary = plan.summary()
    assert (summary["identity"], summary["audience"], summary["sessionTags"]) == ("both", "sts.amazonaws.com", True)


def test_both_admits_the_service_account_by_either_path_and_no_neighbour():
    policy = trust(plan_role("reports", both()))
    assert token(policy, "system:serviceaccount:reports:reports").allowed
    assert pod(policy).allowed
    assert not token(policy, "system:serviceaccount:reports:default").allowed
    assert not token(policy, "system:serviceaccount:reports:reports", aud="other").allowed
    assert Cause.WRONG_SESSION_TAG in pod(policy, sa="default").causes
    assert Cause.WRONG_SESSION_TAG in pod(policy, namespace="orders").causes
    assert Cause.WRONG_CLUSTER in pod(policy, cluster=OTHER_CLUSTER).causes


def test_both_registers_the_irsa_annotation_and_the_association_for_the_same_role():
    def build():
        IrsaRole(
            "reports",
            both(create_service_account=True),
            opts=pulumi.ResourceOptions(providers={"kubernetes": k8s.Provider("k8s", kubeconfig="{}")}),
        )

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    sa = next(r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount")
    association = next(r for r in run.registrations if r.type == ASSOCIATION)
    assert sa.inputs["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": role.outputs["arn"]}
    assert association.inputs["roleArn"] == role.outputs["arn"]
    assert association.inputs["disableSessionTags"] is False
    assert "policy" not in association.inputs
    assert len(json.loads(role.inputs["assumeRolePolicy"])["Statement"]) == 2


def test_both_renders_the_same_trust_when_the_provider_and_cluster_arn_are_outputs():
    def build():
        IrsaRole(
            "reports",
            both(
                oidc_provider_arn=pulumi.Output.from_input(PROVIDER),
                oidc_issuer=pulumi.Output.from_input(ISSUER),
                cluster_arn=pulumi.Output.from_input(CLUSTER),
                role_account_id=ACCOUNT,
                create_service_account=False,
            ),
        )

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    assert json.loads(role.inputs["assumeRolePolicy"]) == trust(plan_role("reports", both()))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"oidc_provider_arn": None, "oidc_issuer": None}, "oidc_provider_arn"),
        ({"cluster_arn": None}, "cluster_arn"),
        ({"subject_pattern": "reports-*", "service_account": None}, "identity"),
    ],
)
def test_both_needs_what_each_path_needs(overrides, field):
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("reports", {k: v for k, v in both(**overrides).items() if v is not None})
    assert field in [p.field for p in raised.value.problems]


def test_both_keeps_the_trust_policy_quota():
    many = [f"service-account-with-a-long-name-{i:02d}" for i in range(30)]
    with pytest.raises(IrsaConfigError, match="exceed the trust policy quota of 2048"):
        plan_role("reports", both(service_account=None, service_accounts=many))


# --- session tags ----------------------------------------------------------------------------------------


def test_session_tags_on_pin_namespace_and_service_account_and_refuse_a_mistaken_association():
    policy = trust(plan_role("reports", args(service_account=None, service_accounts=["reports", "exporter"])))
    condition = policy["Statement"][0]["Condition"]["StringEquals"]
    assert condition["aws:RequestTag/kubernetes-namespace"] == "reports"
    assert condition["aws:RequestTag/kubernetes-service-account"] == ["exporter", "reports"]
    assert pod(policy, sa="reports").allowed and pod(policy, sa="exporter").allowed
    denied = pod(policy, sa="orders-api")
    assert not denied.allowed and Cause.WRONG_SESSION_TAG in denied.causes
    assert "aws:RequestTag/kubernetes-service-account is orders-api" in " ".join(denied.reasons)


def test_an_association_without_session_tags_is_refused_by_a_trust_that_pins_them():
    policy = trust(plan_role("reports", args()))
    decision = pod(policy, session_tags=False)
    assert not decision.allowed
    assert Cause.SESSION_TAGS_OFF in decision.causes


def test_session_tags_off_leave_the_binding_to_the_association():
    plan = plan_role("reports", args(session_tags=False))
    policy = trust(plan)
    assert not any(k.startswith("aws:RequestTag/") for k in policy["Statement"][0]["Condition"]["StringEquals"])
    assert pod(policy, session_tags=False).allowed
    assert not pod(policy, session_tags=False, cluster=OTHER_CLUSTER).allowed
    assert plan.summary()["sessionTags"] is False


def test_a_trust_without_tag_session_denies_a_call_that_passes_session_tags():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceArn": CLUSTER}},
            }
        ],
    }
    assert pod(policy, session_tags=False).allowed
    decision = pod(policy)
    assert not decision.allowed and decision.causes[0] == Cause.TAG_SESSION_NOT_ALLOWED


def test_an_irsa_only_role_denies_pod_identity_with_the_principal_as_cause():
    policy = trust(plan_role("reports", both(identity="irsa", cluster_arn=None)))
    decision = pod(policy)
    assert not decision.allowed and Cause.WRONG_PRINCIPAL in decision.causes


def test_an_aws_caller_matches_its_role_or_its_account_root_only():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    mine = AssumeRoleRequest("AWS", f"arn:aws:iam::{ACCOUNT}:role/first")
    theirs = AssumeRoleRequest("AWS", "arn:aws:iam::444455556666:role/first")
    assert evaluate_assume_role(policy, mine).allowed
    assert evaluate_assume_role(policy, theirs).causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_PRINCIPAL)


# --- session policy --------------------------------------------------------------------------------------

NARROW = {"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::reports/monthly/*"]}


def test_a_session_policy_turns_session_tags_off_and_goes_on_the_association():
    def build():
        IrsaRole("reports", args(session_policy=[NARROW], create_service_account=False))

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    association = next(r for r in run.registrations if r.type == ASSOCIATION)
    assert association.inputs["disableSessionTags"] is True
    assert json.loads(association.inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/monthly/*"}],
    }
    role = next(r for r in run.registrations if r.type == "aws:iam/role:Role")
    condition = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Condition"]["StringEquals"]
    assert sorted(condition) == ["aws:SourceAccount", "aws:SourceArn"]


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        (
            {"session_policy": [NARROW], "session_tags": True},
            "session_tags",
            "requires the association's session tags off",
        ),
        (
            {"session_policy": [{"actions": ["s3:*"], "resources": ["arn:aws:s3:::reports/*"]}]},
            "session_policy[0]",
            "lint",
        ),
        (
            {"session_policy": [{"actions": [], "resources": ["arn:aws:s3:::reports/*"]}]},
            "session_policy[0].actions",
            "",
        ),
        (
            {"session_policy": [{"actions": ["s3:GetObject"], "resources": ["arn:aws-cn:s3:::reports/*"]}]},
            "session_policy[0].resources",
            "partition",
        ),
        ({"identity": "irsa", "session_policy": [NARROW]}, "session_policy", "IRSA has no session"),
        ({"identity": "irsa", "session_tags": False}, "session_tags", "IRSA has no session"),
    ],
)
def test_session_settings_are_refused_before_registration(overrides, field, rule):
    given = args(**overrides)
    if given["identity"] == "irsa":
        given.update(oidc_provider_arn=PROVIDER, oidc_issuer=ISSUER)
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("reports", given)
    assert any(p.field == field and rule in p.rule for p in raised.value.problems), raised.value.problems


def test_a_session_policy_over_the_sts_quota_is_refused():
    resources = [f"arn:aws:s3:::reports/team-{i:03d}/*" for i in range(70)]
    with pytest.raises(IrsaConfigError, match="exceed the session policy quota of 2048") as raised:
        plan_role("reports", args(session_policy=[{"actions": ["s3:GetObject"], "resources": resources}]))
    assert raised.value.problems[0].field == "session_policy"


def test_a_session_policy_just_under_the_quota_passes():
    resources = [f"arn:aws:s3:::reports/team-{i:03d}/*" for i in range(50)]
    plan = plan_role("reports", args(session_policy=[{"actions": ["s3:GetObject"], "resources": resources}]))
    assert len(plan.session_policy) <= 2048
    assert plan.summary()["sessionPolicy"]["Statement"][0]["Resource"] == sorted(resources)


def test_identity_type_knows_which_paths_each_mode_uses():
    assert [(t.uses_irsa, t.uses_pod_identity) for t in IdentityType] == [(True, False), (False, True), (True, True)]


# --- the catalog -----------------------------------------------------------------------------------------


def _config(service: dict) -> dict:
    config = config_from_stack_file(Path(__file__).parents[1] / "stacks" / "Pulumi.staging.yaml")
    return {**config, "eks-irsa:services": {"svc": service}}


def _load(service: dict):
    return load_catalog(decode_stack_config(_config(service)), Path(__file__).parents[1])


def test_the_catalog_maps_session_policy_and_session_tags_with_variables():
    settings = _load(
        {
            "namespace": "reports",
            "identity": "pod-identity",
            "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:${partition}:s3:::r/*"]}],
            "sessionPolicy": [{"actions": ["s3:GetObject"], "resources": ["arn:${partition}:s3:::r/out/*"]}],
        }
    )
    plan = settings.plans["svc"]
    assert (plan.session_tags, json.loads(plan.session_policy)["Statement"][0]["Resource"]) == (
        False,
        "arn:aws:s3:::r/out/*",
    )


def test_catalog_problems_name_the_session_keys():
    with pytest.raises(IrsaConfigError) as raised:
        _load(
            {
                "namespace": "reports",
                "identity": "pod-identity",
                "sessionTags": True,
                "statements": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::r/*"]}],
                "sessionPolicy": [{"actions": ["s3:GetObject"], "resources": ["arn:aws-cn:s3:::r/out/*"]}],
            }
        )
    fields = sorted(p.field for p in raised.value.problems)
    assert fields == [
        "eks-irsa:services.svc.sessionPolicy[0].resources",
        "eks-irsa:services.svc.sessionTags",
    ]


# --- eks-irsa explain --pod ------------------------------------------------------------------------------


def _explain(tmp_path, policy: dict, *argv: str) -> tuple[int, str]:
    path = tmp_path / "trust-policy.json"
    path.write_text(json.dumps(policy))
    out, err = io.StringIO(), io.StringIO()
    code = main(["--policy", str(path), "--cluster-arn", CLUSTER, *argv], out=out, err=err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize(
    ("pod", "extra", "code", "cause"),
    [
        ("reports/reports", [], 0, None),
        ("reports/orders-api", [], 1, "[WRONG_SESSION_TAG]"),
        ("orders/reports", [], 1, "[WRONG_SESSION_TAG]"),
        ("reports/reports", ["--session-tags", "off"], 1, "[SESSION_TAGS_OFF]"),
    ],
)
def test_explain_answers_the_pod_identity_question_with_its_cause(tmp_path, pod, extra, code, cause):
    got, text = _explain(tmp_path, trust(plan_role("reports", args())), "--pod", pod, *extra)
    assert got == code, text
    assert ("ALLOWED" in text) if cause is None else (cause in text and "usual cause:" in text)


def test_explain_names_the_other_cluster(tmp_path):
    policy = trust(plan_role("reports", args(cluster_arn=OTHER_CLUSTER)))
    code, text = _explain(tmp_path, policy, "--pod", "reports/reports")
    assert code == 1 and "[WRONG_CLUSTER]" in text


def test_explain_refuses_a_token_and_a_pod_together_and_a_malformed_pod(tmp_path):
    assert _explain(tmp_path, {}, "--pod", "reports/reports", "--token", "t.jwt")[0] == 2
    code, text = _explain(tmp_path, {}, "--pod", "reports")
    assert code == 2 and "is not NAMESPACE/SERVICE_ACCOUNT" in text


# --- cross-account Pod Identity (target role) ------------------------------------------------------------

DATA = "222233334444"


def _target_run(**overrides):
    def build():
        data = aws.Provider("data", region="us-west-2", allowed_account_ids=[DATA])
        IrsaRole(
            "reports",
            args(target_role={"account_id": DATA, "provider": data}, create_service_account=False, **overrides),
        )

    return run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))


def _by(run, name: str):
    return next(r for r in run.registrations if r.name == name)


def test_a_target_account_gets_the_target_role_with_the_permissions_and_a_trust_for_exactly_the_first_role():
    run = _target_run()
    first, target = _by(run, "reports-role"), _by(run, "reports-target-role")
    association = _by(run, "reports-pod-identity-reports")
    target_arn = f"arn:aws:iam::{DATA}:role/acme-reports-reports"
    assert target.outputs["arn"] == target_arn
    assert association.inputs["targetRoleArn"] == target_arn
    assert association.inputs["roleArn"] == first.outputs["arn"]
    assert json.loads(target.inputs["assumeRolePolicy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": first.outputs["arn"]},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {"StringEquals": {"sts:ExternalId": association.outputs["externalId"]}},
            }
        ],
    }
    assert json.loads(_by(run, "reports-chain").inputs["policy"]) == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": target_arn}],
    }
    permissions = _by(run, "reports-permissions")
    assert permissions.inputs["role"] == "acme-reports-reports"
    assert permissions.provider == target.provider == "data"
    assert _by(run, "reports-chain").provider is None
    assert [r.name for r in run.registrations if r.type == "aws:iam/rolePolicy:RolePolicy"] == [
        "reports-chain",
        "reports-permissions",
    ]


def test_the_target_role_has_a_fixed_name_so_it_is_deleted_before_it_is_replaced():
    run = _target_run()
    assert _by(run, "reports-target-role").delete_before_replace is True
    assert _by(run, "reports-role").delete_before_replace is True
    assert _by(run, "reports-pod-identity-reports").delete_before_replace is False


def test_the_target_trust_admits_the_first_role_with_its_external_id_and_nothing_else():
    run = _target_run()
    first, association = _by(run, "reports-role"), _by(run, "reports-pod-identity-reports")
    policy = json.loads(_by(run, "reports-target-role").inputs["assumeRolePolicy"])
    external_id = association.outputs["externalId"]
    tags = {"kubernetes-namespace": "reports", "kubernetes-service-account": "reports"}
    me = chained_request(first.outputs["arn"], external_id, session_tags=tags)
    assert evaluate_assume_role(policy, me).allowed
    other_role = chained_request(f"arn:aws:iam::{ACCOUNT}:role/acme-orders-orders", external_id, session_tags=tags)
    assert Cause.WRONG_PRINCIPAL in evaluate_assume_role(policy, other_role).causes
    stale = chained_request(first.outputs["arn"], "another-association", session_tags=tags)
    assert Cause.WRONG_EXTERNAL_ID in evaluate_assume_role(policy, stale).causes
    assert Cause.WRONG_EXTERNAL_ID in evaluate_assume_role(policy, chained_request(first.outputs["arn"], None)).causes
    other_account_root = chained_request(f"arn:aws:iam::{DATA}:role/acme-reports-reports", external_id)
    assert not evaluate_assume_role(policy, other_account_root).allowed


def test_an_existing_target_role_gets_only_the_chain_and_the_association():
    existing = f"arn:aws:iam::{DATA}:role/data/reports-reader"

    def build():
        IrsaRole(
            "reports",
            args(target_role={"role_arn": existing}, statements=[], create_service_account=False),
        )

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    assert [r.name for r in run.registrations if r.type.startswith("aws:iam/")] == ["reports-role", "reports-chain"]
    assert _by(run, "reports-pod-identity-reports").inputs["targetRoleArn"] == existing
    assert (
        plan_role("reports", args(target_role={"role_arn": existing}, statements=[])).summary()["targetRoleArn"]
        == existing
    )


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        (
            {"target_role": {"account_id": DATA, "role_arn": f"arn:aws:iam::{DATA}:role/x"}},
            "target_role",
            "exactly one",
        ),
        ({"target_role": {}}, "target_role", "exactly one"),
        ({"target_role": {"account_id": "2222"}}, "target_role.account_id", "12 digits"),
        ({"target_role": {"account_id": ACCOUNT}}, "target_role.account_id", "the cluster's account"),
        ({"target_role": {"role_arn": f"arn:aws:s3:::{DATA}"}}, "target_role.role_arn", "not an IAM role ARN"),
        (
            {"target_role": {"role_arn": f"arn:aws-cn:iam::{DATA}:role/x"}, "statements": []},
            "target_role.role_arn",
            "partition",
        ),
        ({"target_role": {"role_arn": f"arn:aws:iam::{DATA}:role/x"}}, "target_role.role_arn", "not managed here"),
        ({"target_role": {"account_id": DATA}, "identity": "both"}, "target_role", "chains from a Pod Identity"),
        ({"target_role": {"account_id": DATA}, "session_policy": [NARROW]}, "session_policy", "not combined"),
        (
            {"target_role": {"account_id": DATA}, "managed_policy_arns": [f"arn:aws:iam::{ACCOUNT}:policy/p"]},
            "managed_policy_arns",
            f"a role in {DATA}",
        ),
    ],
)
def test_target_role_settings_are_refused_before_registration(overrides, field, rule):
    given = args(**overrides)
    if given["identity"] == "both":
        given.update(oidc_provider_arn=PROVIDER, oidc_issuer=ISSUER)
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("reports", given)
    assert any(p.field == field and rule in p.rule for p in raised.value.problems), raised.value.problems


@pytest.mark.parametrize("provider", [None, "k8s"])
def test_a_target_account_needs_an_aws_provider_before_anything_is_registered(provider):
    def build():
        given = {"account_id": DATA}
        if provider == "k8s":
            given["provider"] = k8s.Provider("k8s", kubeconfig="{}")
        with pytest.raises(IrsaConfigError, match=r"target_role\.provider"):
            IrsaRole("reports", args(target_role=given, create_service_account=False))

    run = run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT))
    assert not any(r.type.startswith("aws:") for r in run.registrations)


def test_the_catalog_target_account_becomes_the_target_role_in_that_account():
    config = config_from_stack_file(Path(__file__).parents[1] / "stacks" / "Pulumi.staging.yaml")
    settings = load_catalog(decode_stack_config(config), Path(__file__).parents[1])
    plan = settings.plans["ledger-reader"]
    assert (plan.target_account_id, plan.target_role_arn, plan.chained) == ("222233334444", None, True)


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"account": "nowhere"}, "eks-irsa:services.svc.targetRole.account"),
        ({"account": "data", "roleArn": "arn:aws:iam::222233334444:role/x"}, "eks-irsa:services.svc.targetRole"),
        ({"roleArn": "arn:aws-cn:iam::222233334444:role/x"}, "eks-irsa:services.svc.targetRole.roleArn"),
    ],
)
def test_catalog_target_problems_name_the_catalog_keys(target, field):
    service = {"namespace": "ledger", "identity": "pod-identity", "targetRole": target}
    with pytest.raises(IrsaConfigError) as raised:
        _load(service)
    assert field in [p.field for p in raised.value.problems], raised.value.problems


@pytest.fixture(scope="module")
def staging_files(stack_plans):
    return stack_plans.build, stack_plans.plan("staging")[1]


def test_the_plan_writes_both_trusts_and_the_chain_for_a_target_role(staging_files):
    _, files = staging_files
    texts = files["ledger-reader"]
    summary = json.loads(texts["service.json"])
    first = json.loads(texts["trust-policy.json"])["Statement"][0]
    target = json.loads(texts["target-trust-policy.json"])["Statement"][0]
    assert first["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert target["Principal"] == {"AWS": summary["roleArn"]}
    assert target["Condition"]["StringEquals"]["sts:ExternalId"] == summary["externalId"]
    assert json.loads(texts["chain-policy.json"])["Statement"][0]["Resource"] == summary["targetRoleArn"]
    assert summary["targetRoleArn"].split(":")[4] == "222233334444" != summary["roleArn"].split(":")[4]
    assert json.loads(texts["permissions-policy.json"])["Statement"][0]["Resource"] == "arn:aws:s3:::acme-data-ledger/*"


@pytest.mark.parametrize(
    ("extra", "code", "cause"),
    [
        ([], 0, None),
        (["--external-id", "another-association"], 1, "[WRONG_EXTERNAL_ID]"),
        (["--caller", f"arn:aws:iam::{ACCOUNT}:role/acme-orders-orders"], 1, "[WRONG_PRINCIPAL]"),
    ],
)
def test_explain_chain_answers_for_the_target_role(staging_files, extra, code, cause):
    build, _ = staging_files
    out, err = io.StringIO(), io.StringIO()
    argv = ["--stack", "staging", "--service", "ledger-reader", "--build-dir", str(build), "--chain", *extra]
    got = main(argv, out=out, err=err)
    text = out.getvalue() + err.getvalue()
    assert got == code, text
    assert ("ALLOWED" in text) if cause is None else (cause in text)


# --- where Pod Identity does not work --------------------------------------------------------------------


@pytest.mark.parametrize("identity", ["pod-identity", "both"])
def test_pod_identity_is_refused_in_the_china_regions(identity):
    cn = "arn:aws-cn:eks:cn-north-1:111122223333:cluster/acme"
    provider = "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X"
    given = args(
        identity=identity,
        cluster_arn=cn,
        statements=[{"actions": ["s3:GetObject"], "resources": ["arn:aws-cn:s3:::reports/*"]}],
        oidc_provider_arn=provider,
        oidc_issuer="oidc.eks.cn-north-1.amazonaws.com.cn/id/X",
    )
    with pytest.raises(IrsaConfigError) as raised:
        plan_role("reports", given)
    assert [p.field for p in raised.value.problems] == ["identity"]
    assert "not available in the AWS China Regions" in raised.value.problems[0].rule
    irsa = plan_role("reports", {**{k: v for k, v in given.items() if k != "cluster_arn"}, "identity": "irsa"})
    assert irsa.identity == IdentityType.IRSA


# --- EKS Auth's steps, as verify plays them ---------------------------------------------------------------


class _Iam:
    def __init__(self, trusts: dict[str, dict]):
        self.trusts = trusts

    def get_role(self, RoleName: str) -> dict:
        return {"Role": {"AssumeRolePolicyDocument": self.trusts[RoleName]}}


class _Emulator:
    def __init__(self, trusts: dict[str, dict]):
        self.iam = _Iam(trusts)

    def client(self, service: str) -> _Iam:
        return self.iam


def test_local_eks_auth_decides_in_eks_auths_order():
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/acme-reports-reports"
    tagged = trust(plan_role("reports", args()))
    untagged = trust(plan_role("reports", args(session_tags=False)))
    mine = Association("reports", CLUSTER, "reports", "reports", role_arn, True)
    auth = LocalEksAuth(_Emulator({"acme-reports-reports": tagged}), [mine], {})
    assert auth.assume(CLUSTER, "reports", "reports").check is PodIdentityCheck.PASSED
    assert auth.assume(CLUSTER, "reports", "default").check is PodIdentityCheck.ASSOCIATION
    assert auth.assume(OTHER_CLUSTER, "reports", "reports").check is PodIdentityCheck.ASSOCIATION
    wrong = replace(mine, service_account="default")
    assert auth.decide(wrong, CLUSTER, "reports", "default").check is PodIdentityCheck.TRUST_POLICY
    loose = LocalEksAuth(_Emulator({"acme-reports-reports": untagged}), [replace(mine, session_tags=False)], {})
    assert loose.decide(replace(wrong, session_tags=False), CLUSTER, "reports", "default").allowed
    chained = replace(mine, target_role_arn=f"arn:aws:iam::{DATA}:role/t", external_id="x")
    no_target = LocalEksAuth(_Emulator({"acme-reports-reports": tagged}), [chained], {})
    assert no_target.assume(CLUSTER, "reports", "reports").check is PodIdentityCheck.TARGET_TRUST
