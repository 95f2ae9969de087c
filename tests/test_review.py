"""Pure tests of ``eks_irsa.iam.review``: the package's rules on documents it did not render (no Pulumi)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eks_irsa.iam.review import (
    IMDS_OPT_OUT_TAG,
    check_instance_metadata,
    check_role_arn_annotations,
    check_trust_admits,
)
from eks_irsa.iam.trust import Subject, TrustedProvider, render_trust_policy
from tests.trust_corpus import JSON_VALUES, STATEMENTS

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
    ("annotations", "rules"),
    [
        ({KEY: f"arn:aws:iam::{ACCOUNT}:role/app"}, []),
        ({KEY: f"arn:aws-cn:iam::{ACCOUNT}:role/team/app"}, []),
        ({}, []),
        ({KEY: "app"}, ["is not an IAM role ARN"]),
        ({KEY: f"arn:aws:iam::{ACCOUNT}:user/app"}, ["is not an IAM role ARN"]),
        ({KEY: "arn:aws:iam::1111:role/app"}, ["is not an IAM role ARN"]),
        ({KEY: f"arn:aws:iam::{ACCOUNT}:role/*"}, ["is not an IAM role ARN"]),
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


def test_a_provider_whose_issuer_no_token_could_carry_is_a_problem_not_a_crash():
    statement = _statement(
        {"StringEquals": {"localhost:sub": "system:serviceaccount:a:b", "localhost:aud": "sts.amazonaws.com"}},
        federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/localhost",
    )
    (problem,) = check_trust_admits("sa", _doc(statement), "a", "b")
    assert problem.field.startswith("sa: ") and "is not an OIDC issuer" in problem.rule


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(STATEMENTS, JSON_VALUES), max_size=3))
def test_any_document_gives_problems_never_an_exception(statements):
    """The policy pack must never crash a preview: the trust evaluation answers with a list."""
    document = {"Version": "2012-10-17", "Statement": statements}
    assert isinstance(check_trust_admits("t", document, "a", "b"), list)
