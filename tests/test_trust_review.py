"""Pure tests of ``eks_irsa.iam.trust_review``: the one judgement of trust policies (no Pulumi, no AWS)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eks_irsa.iam.findings import Severity
from eks_irsa.iam.partition import partition_for_region
from eks_irsa.iam.trust import Subject, TrustedProvider, render_pod_identity_trust_policy, render_trust_policy
from eks_irsa.iam.trust_review import (
    TrustContext,
    audience_findings,
    check_trust_policy,
    issuer_partition,
    review_trust,
)
from tests.trust_corpus import (
    ACCOUNT,
    CHINA,
    CLUSTER_ARN,
    CORPUS,
    GREEN,
    GREEN_PROVIDER,
    ISSUER,
    JSON_VALUES,
    PROVIDER,
    REGION,
    STATEMENTS,
    document,
    pinned,
    web_identity,
)


def _codes(findings) -> list[tuple[str, str]]:
    return sorted((f.code, f.severity.value) for f in findings)


@pytest.mark.parametrize("case", CORPUS, ids=lambda c: c.id)
def test_the_corpus(case):
    assert _codes(review_trust(case.document, TrustContext(role_account=ACCOUNT))) == sorted(case.expected)


@pytest.mark.parametrize(
    "subjects",
    [
        [Subject("orders", "orders-api")],
        [Subject("orders", "orders-api"), Subject("orders", "orders-migrator")],
        [Subject("analytics", "spark-*", pattern=True)],
    ],
)
def test_every_trust_policy_the_components_render_passes(subjects):
    """What we render, we accept: two clusters, and IRSA with Pod Identity in one document."""
    irsa = render_trust_policy(
        PROVIDER, ISSUER, subjects, additional_providers=[TrustedProvider(GREEN_PROVIDER, GREEN)]
    )
    assert review_trust(irsa, TrustContext(role_account=ACCOUNT, client_ids={PROVIDER: ("sts.amazonaws.com",)})) == []
    named = [s for s in subjects if not s.pattern]
    pods = render_pod_identity_trust_policy(ACCOUNT, [CLUSTER_ARN], named)
    assert review_trust(pods, TrustContext(role_account=ACCOUNT)) == []


def test_fields_name_the_statement_and_the_key():
    doc = document(web_identity({"StringEquals": {f"{ISSUER}:aud": "sts.amazonaws.com"}}), web_identity(pinned()))
    (finding,) = review_trust(doc)
    assert (finding.field, finding.value) == ("Statement[0].Condition", "(no :sub condition)")
    like = document(web_identity(pinned("system:serviceaccount:*:app", sub_operator="StringLike")))
    (finding,) = review_trust(like)
    assert finding.field == f"Statement[0].Condition.StringLike.{ISSUER}:sub"
    assert finding.value == "system:serviceaccount:*:app"


def test_pod_identity_against_the_roles_account_names_each_condition():
    doc = render_pod_identity_trust_policy(ACCOUNT, [CLUSTER_ARN])
    assert review_trust(doc) == []
    found = review_trust(doc, TrustContext(role_account="444455556666"))
    assert [(f.field, f.rule) for f in found] == [
        ("Statement[0].Condition.StringEquals.aws:SourceAccount", "is not the role's account 444455556666"),
        ("Statement[0].Condition.StringEquals.aws:SourceArn", "is not an EKS cluster ARN of account 444455556666"),
    ]


def test_odd_but_legal_condition_values_are_read_not_crashed_on():
    """A JSON boolean or number as a condition value, and a malformed operator block, in an IRSA statement."""
    condition = {
        **pinned(),
        "Bool": {"aws:SecureTransport": True},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
        "StringLike": "not-a-block",
    }
    assert review_trust(document(web_identity(condition))) == []


def test_a_sub_compared_by_another_operator_admits_nobody_and_is_not_called_open():
    doc = document(web_identity({"NumericEquals": {f"{ISSUER}:sub": "1"}, "StringEquals": {f"{ISSUER}:aud": "x"}}))
    codes = _codes(review_trust(doc))
    assert ("TRUST_SUBJECT_MALFORMED", "medium") in codes
    assert not any(code == "TRUST_SUBJECT_NOT_PINNED" for code, _ in codes)


def test_deny_statements_and_other_principals_are_not_judged():
    deny = {**web_identity({}), "Effect": "Deny"}
    ec2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    assert review_trust(document(deny, ec2)) == []


def test_a_provider_of_the_account_that_is_gone_admits_nobody():
    context = TrustContext(role_account=ACCOUNT, providers={GREEN_PROVIDER: None})
    assert _codes(review_trust(document(web_identity(pinned())), context)) == [("TRUST_PROVIDER_MISSING", "medium")]


def test_a_kept_provider_whose_cluster_is_gone_is_named_only_for_its_own_region():
    doc = document(web_identity(pinned()))
    gone = TrustContext(providers={PROVIDER: None}, cluster_issuers=frozenset({GREEN}), region=REGION)
    (finding,) = review_trust(doc, gone)
    assert (finding.code, finding.severity) == ("TRUST_ISSUER_CLUSTER_GONE", Severity.MEDIUM)
    assert review_trust(doc, TrustContext(cluster_issuers=frozenset({ISSUER}), region=REGION)) == []
    assert review_trust(doc, TrustContext(cluster_issuers=frozenset(), region="eu-west-1")) == []


@pytest.mark.parametrize(
    ("audience", "client_ids", "expected"),
    [
        ("sts.amazonaws.com", None, []),
        ("sts.amazonaws.com", ("sts.amazonaws.com",), []),
        ("vault", ("sts.amazonaws.com", "vault"), []),
        ("sts.amazon.com", None, [("TRUST_AUDIENCE_TYPO", "high")]),
        ("sts.amazonaws.con", ("sts.amazonaws.com",), [("TRUST_AUDIENCE_TYPO", "high")]),
        ("sts.amazonaws.com", ("vault",), [("TRUST_AUDIENCE_NOT_CLIENT_ID", "high")]),
        ("vault", ("sts.amazonaws.com",), [("TRUST_AUDIENCE_NOT_CLIENT_ID", "high")]),
        ("vault", None, [("TRUST_AUDIENCE_UNUSUAL", "low")]),
    ],
)
def test_the_audience_against_the_providers_client_ids(audience, client_ids, expected):
    assert _codes(audience_findings("audience", audience, client_ids)) == expected
    known = {PROVIDER: client_ids} if client_ids is not None else None
    doc = document(web_identity(pinned(aud=audience)))
    assert _codes(review_trust(doc, TrustContext(providers=known))) == expected


def test_the_provider_each_statement_trusts_gives_its_own_client_ids():
    doc = document(web_identity(pinned(aud="vault")), web_identity(pinned(aud="vault", issuer=GREEN), GREEN_PROVIDER))
    context = TrustContext(providers={PROVIDER: ("vault",), GREEN_PROVIDER: ("sts.amazonaws.com",)})
    (finding,) = review_trust(doc, context)
    assert (finding.code, finding.field) == (
        "TRUST_AUDIENCE_NOT_CLIENT_ID",
        f"Statement[1].Condition.StringEquals.{GREEN}:aud",
    )


@pytest.mark.parametrize(
    ("issuer", "partition"),
    [
        (ISSUER, "aws"),
        (CHINA, "aws-cn"),
        ("oidc.eks.us-gov-west-1.amazonaws.com/id/ABC", "aws-us-gov"),
        ("oidc-eks.cn-northwest-1.api.aws/id/ABC", "aws-cn"),
        ("token.actions.githubusercontent.com", None),
        ("oidc.eks.mars-1.amazonaws.com/id/ABC", None),
    ],
)
def test_issuer_partition_follows_botocores_table(issuer, partition):
    assert issuer_partition(issuer) == partition
    if partition:
        region = re.match(r"oidc[.-]eks\.([a-z0-9-]+)\.", issuer)[1]
        assert partition == partition_for_region(region).name


def test_a_china_issuer_with_its_own_partitions_provider_passes():
    china = f"arn:aws-cn:iam::{ACCOUNT}:oidc-provider/{CHINA}"
    assert review_trust(document(web_identity(pinned(issuer=CHINA), federated=china))) == []


def test_the_plans_check_refuses_what_the_pack_refuses_and_names_the_field():
    """check_trust_policy is review_trust's refused findings as problems: LOW ones are not refused."""
    like = document(web_identity(pinned(sub_operator="StringLike")))
    assert check_trust_policy("trust_policy", like) == []
    (problem,) = check_trust_policy("trust_policy", document(web_identity(pinned(aud="sts.amazon.com"))))
    assert problem.field == f"trust_policy.Statement[0].Condition.StringEquals.{ISSUER}:aud"
    assert problem.value == "sts.amazon.com" and "typo" in problem.rule
    registered = check_trust_policy("t", document(web_identity(pinned(aud="vault"))), client_ids={PROVIDER: ("x",)})
    assert [p.value for p in registered] == ["vault"]
    (foreign,) = check_trust_policy("t", document(web_identity(pinned())), role_account="444455556666")
    assert "but the role lives in 444455556666" in foreign.rule


def test_the_size_quota_follows_the_context():
    big = next(c.document for c in CORPUS if c.id == "over-quota")
    (finding,) = review_trust(big)
    assert finding.value.endswith("characters") and "2048" in finding.rule
    assert review_trust(big, TrustContext(max_size=8192)) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(STATEMENTS, JSON_VALUES), max_size=3))
def test_any_document_gives_findings_never_an_exception(statements):
    """The policy pack must never crash a preview, nor the audit stop on an odd role."""
    context = TrustContext(role_account=ACCOUNT, providers={}, cluster_issuers=frozenset(), region=REGION)
    assert isinstance(review_trust({"Version": "2012-10-17", "Statement": statements}, context), list)
