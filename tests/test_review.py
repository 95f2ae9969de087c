"""Pure tests of ``eks_irsa.iam.review``: the package's rules on documents it did not render (no Pulumi)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eks_irsa.iam.review import (
    IMDS_OPT_OUT_TAG,
    check_instance_metadata,
    check_irsa_trust,
    check_pod_identity_trust,
    check_role_arn_annotations,
    check_trust_admits,
    check_trust_provider_accounts,
    is_kubernetes_web_identity,
)
from eks_irsa.iam.trust import Subject, TrustedProvider, render_pod_identity_trust_policy, render_trust_policy

ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN0D539D4633E53DE1B71EXAMPLE"
ACCOUNT = "111122223333"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
KEY = "eks.amazonaws.com/role-arn"


def _statement(condition: dict, federated: object = PROVIDER) -> dict:
    return {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }


def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _rules(problems) -> list[str]:
    return [p.rule for p in problems]


@pytest.mark.parametrize(
    "subjects",
    [
        [Subject("orders", "orders-api")],
        [Subject("orders", "orders-api"), Subject("orders", "orders-migrator")],
        [Subject("analytics", "spark-*", pattern=True)],
    ],
)
def test_every_trust_policy_the_components_render_passes_the_review(subjects):
    """The review and the renderer share their rules: what we render, we accept (two clusters included)."""
    document = render_trust_policy(
        PROVIDER,
        ISSUER,
        subjects,
        additional_providers=[TrustedProvider(f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN}", GREEN)],
    )
    assert check_irsa_trust("trust", document) == []
    assert check_trust_provider_accounts("trust", document, ACCOUNT) == []


@pytest.mark.parametrize(
    ("operator", "sub", "rule"),
    [
        ("StringLike", "system:serviceaccount:analytics:*", "lets any namespace, any service account or any audience"),
        ("StringLike", "system:serviceaccount:*", "lets any namespace, any service account or any audience"),
        ("StringLike", "system:serviceaccount:*:spark", "lets any namespace, any service account or any audience"),
        ("StringLike", "system:serviceaccount:analytics:-spark*", "is not a service account pattern"),
        ("StringLike", "system:serviceaccount:analytics:spark", "uses StringLike for an exact subject"),
        ("StringEquals", "system:serviceaccount:analytics:spark-*", "holds a wildcard, which StringEquals matches"),
        ("StringEquals", "analytics:spark", "is not a service account subject"),
        ("StringEquals", "system:serviceaccount:Analytics:spark", "is not a DNS-1123 label"),
        ("StringNotEquals", "system:serviceaccount:analytics:other", "does not pin the service account"),
    ],
)
def test_a_subject_outside_the_catalogs_forms_is_refused(operator, sub, rule):
    condition = {operator: {f"{ISSUER}:sub": sub}, "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}}
    if operator == "StringEquals":
        condition = {"StringEquals": {f"{ISSUER}:sub": sub, f"{ISSUER}:aud": "sts.amazonaws.com"}}
    problems = check_irsa_trust("trust", _doc(_statement(condition)))
    assert problems, sub
    assert any(rule in p.rule for p in problems), _rules(problems)
    assert all(p.field.startswith("trust.Statement[0]") for p in problems)


def test_the_catalogs_own_pattern_passes():
    condition = {
        "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:analytics:spark-*"},
        "StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"},
    }
    assert check_irsa_trust("trust", _doc(_statement(condition))) == []


def test_aud_must_be_pinned_with_string_equals():
    condition = {
        "StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:a:b"},
        "StringLike": {f"{ISSUER}:aud": "sts.amazonaws.com"},
    }
    ((problem),) = check_irsa_trust("trust", _doc(_statement(condition)))
    assert (problem.field, problem.rule) == (
        f"trust.Statement[0].Condition.StringLike.{ISSUER}:aud",
        "pins aud with StringLike",
    )


def test_other_federations_are_left_alone_and_statement_indexes_kept():
    github = {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}},
    }
    assert not is_kubernetes_web_identity(github)
    broken = _statement({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:a:b"}})
    (problem,) = check_irsa_trust("trust", _doc(github, broken))
    assert problem.field == "trust.Statement[1].Condition"
    assert "does not pin both" in problem.rule


def test_a_statement_without_sub_on_an_eks_provider_is_kubernetes_and_refused():
    """A trust that lets any service account of the cluster in (no :sub at all)."""
    statement = _statement({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}})
    assert is_kubernetes_web_identity(statement)
    assert "does not pin both the :sub and the :aud claim" in _rules(check_irsa_trust("t", _doc(statement)))


def test_a_provider_of_another_account_is_refused():
    other = f"arn:aws:iam::444455556666:oidc-provider/{ISSUER}"
    document = render_trust_policy(other, ISSUER, [Subject("a", "b")])
    (problem,) = check_trust_provider_accounts("trust", document, ACCOUNT)
    assert problem.field == "trust.Statement[0].Principal.Federated"
    assert problem.rule.startswith("is an OIDC provider of account 444455556666, but the role lives in 111122223333")


def test_pod_identity_trust_rendered_by_us_passes_and_a_wrong_account_does_not():
    cluster = f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/acme"
    document = render_pod_identity_trust_policy(ACCOUNT, [cluster])
    assert check_pod_identity_trust("trust", document, ACCOUNT) == []
    assert check_pod_identity_trust("trust", document) == []
    rules = _rules(check_pod_identity_trust("trust", document, "444455556666"))
    assert rules == ["is not the role's account 444455556666", "is not an EKS cluster ARN of account 444455556666"]
    statement = document["Statement"][0]
    statement["Condition"] = {
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/*"},
    }
    (problem,) = check_pod_identity_trust("trust", document, ACCOUNT)
    assert problem.field == "trust.Statement[0].Condition.ArnLike.aws:SourceArn"
    assert problem.rule == f"names clusters by wildcard instead of one EKS cluster ARN of account {ACCOUNT}"


def test_pod_identity_without_conditions_misses_both_keys():
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "pods.eks.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
    }
    rules = _rules(check_pod_identity_trust("trust", _doc(statement)))
    assert len(rules) == 2
    assert rules[0].startswith("does not pin aws:SourceAccount") and rules[1].startswith("does not pin aws:SourceArn")


@pytest.mark.parametrize(
    ("annotations", "rules"),
    [
        ({KEY: f"arn:aws:iam::{ACCOUNT}:role/app"}, []),
        ({KEY: f"arn:aws-cn:iam::{ACCOUNT}:role/team/app"}, []),
        ({}, []),
        ({KEY: "app"}, ["is not an IAM role ARN"]),
        ({KEY: f"arn:aws:iam::{ACCOUNT}:user/app"}, ["is not an IAM role ARN"]),
        ({KEY: "arn:aws:iam::1111:role/app"}, ["is not an IAM role ARN"]),
        ({"eks.amazonaws.com/Role-Arn": f"arn:aws:iam::{ACCOUNT}:role/app"}, ["is not the annotation"]),
        ({"eks.amazonaws.com/audience": "sts.amazonaws.com"}, []),
    ],
)
def test_role_arn_annotation(annotations, rules):
    found = _rules(check_role_arn_annotations("sa", annotations, KEY))
    assert len(found) == len(rules)
    assert all(f.startswith(r) for f, r in zip(found, rules, strict=True))


@pytest.mark.parametrize(
    ("endpoint", "tokens", "hops", "opted_out", "fields"),
    [
        ("enabled", "required", 1, False, []),
        (None, "required", 1, False, []),
        ("disabled", "optional", 3, False, []),
        ("enabled", "required", 2, True, []),
        ("enabled", "required", 2, False, ["m.httpPutResponseHopLimit"]),
        ("enabled", "required", None, False, ["m.httpPutResponseHopLimit"]),
        ("enabled", "optional", 1, False, ["m.httpTokens"]),
        ("enabled", None, 2, True, ["m.httpTokens"]),
        ("enabled", "optional", 2, False, ["m.httpTokens", "m.httpPutResponseHopLimit"]),
    ],
)
def test_instance_metadata_settings(endpoint, tokens, hops, opted_out, fields):
    problems = check_instance_metadata("m", endpoint, tokens, hops, opted_out)
    assert [p.field for p in problems] == fields
    assert all(IMDS_OPT_OUT_TAG in p.fix for p in problems if p.field.endswith("HopLimit"))


def test_trust_admits_exactly_the_service_account():
    document = render_trust_policy(PROVIDER, ISSUER, [Subject("orders", "orders-api")])
    assert check_trust_admits("sa", document, "orders", "orders-api") == []
    (denied,) = check_trust_admits("sa", document, "orders", "orders-worker")
    assert denied.rule.startswith("is not admitted by the annotated role's trust policy: ")
    assert "orders-worker" in denied.rule
    (audience,) = check_trust_admits("sa", document, "orders", "orders-api", audience="vault")
    assert "audience" in audience.rule
    wide = render_trust_policy(PROVIDER, ISSUER, [Subject("orders", "orders-api"), Subject("orders", "default")])
    (broad,) = check_trust_admits("sa", wide, "orders", "orders-api")
    assert broad.value == "system:serviceaccount:orders:default"
    assert check_trust_admits("sa", wide, "orders", "default") == []


def test_trust_admits_through_the_second_cluster_of_a_blue_green_pair():
    document = render_trust_policy(
        PROVIDER,
        ISSUER,
        [Subject("analytics", "spark-*", pattern=True)],
        additional_providers=[TrustedProvider(f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN}", GREEN)],
    )
    assert check_trust_admits("sa", document, "analytics", "spark-driver") == []


def test_trust_that_cannot_be_evaluated_is_a_problem_not_an_allow():
    statement = _statement({"NumericEquals": {f"{ISSUER}:sub": "1"}})
    (problem,) = check_trust_admits("sa", _doc(statement), "a", "b")
    assert problem.field.startswith("sa: ")


def test_odd_but_legal_condition_values_are_read_not_crashed_on():
    """A JSON boolean or number as a condition value, and a malformed operator block, in a Kubernetes statement."""
    condition = {
        "StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:a:b", f"{ISSUER}:aud": "sts.amazonaws.com"},
        "Bool": {"aws:SecureTransport": True},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        "StringLike": "not-a-block",
    }
    assert check_irsa_trust("trust", _doc(_statement(condition))) == []


def test_a_provider_whose_issuer_no_token_could_carry_is_a_problem_not_a_crash():
    statement = _statement(
        {"StringEquals": {"localhost:sub": "system:serviceaccount:a:b", "localhost:aud": "sts.amazonaws.com"}},
        federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/localhost",
    )
    (problem,) = check_trust_admits("sa", _doc(statement), "a", "b")
    assert problem.field.startswith("sa: ") and "is not an OIDC issuer" in problem.rule


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.text(max_size=30),
    st.sampled_from(
        ["*", "Allow", "sts:AssumeRoleWithWebIdentity", "pods.eks.amazonaws.com", PROVIDER, f"{ISSUER}:sub"]
    ),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner)),
    max_leaves=10,
)
_keys = st.sampled_from(
    [f"{ISSUER}:sub", f"{ISSUER}:aud", f"https://{ISSUER}:sub", "aws:SourceArn", "aws:SourceAccount"]
)
_operators = st.sampled_from(["StringEquals", "StringLike", "ArnLike", "ForAnyValue:StringLike", "Bool", "Null"])
_statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny", None]),
        "Principal": st.one_of(
            st.fixed_dictionaries({"Federated": st.one_of(st.just(PROVIDER), st.lists(st.just(PROVIDER)), _json)}),
            st.fixed_dictionaries({"Service": st.sampled_from(["pods.eks.amazonaws.com", "ec2.amazonaws.com"])}),
            _json,
        ),
        "Action": st.sampled_from(["sts:AssumeRoleWithWebIdentity", ["sts:AssumeRole", "sts:TagSession"], "*"]),
        "Condition": st.one_of(st.dictionaries(_operators, st.dictionaries(_keys, _json, max_size=3)), _json),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_statements, _json), max_size=3))
def test_any_document_gives_problems_never_an_exception(statements):
    """The policy pack must never crash a preview: every review function answers with a list."""
    document = {"Version": "2012-10-17", "Statement": statements}
    for problems in (
        check_irsa_trust("t", document),
        check_trust_provider_accounts("t", document, ACCOUNT),
        check_pod_identity_trust("t", document, ACCOUNT),
        check_trust_admits("t", document, "a", "b"),
    ):
        assert isinstance(problems, list)
