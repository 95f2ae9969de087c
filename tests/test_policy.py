"""Permissions policies: canonical JSON, published documents, substitution, quota-aware layout."""

from __future__ import annotations

import json
import random

import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam import limits
from eks_irsa.iam.policy import (
    PolicyStatement,
    canonical_json,
    layout_permissions,
    render_permissions_policy,
    statements_from_document,
    substitute,
)
from tests.conftest import FIXTURES

needs_fixtures = pytest.mark.skipif(not FIXTURES.is_dir(), reason="../shared/fixtures/policies is not beside the repo")


def test_statements_render_sorted_and_deduplicated_whatever_the_input_order():
    a = PolicyStatement(("s3:PutObject", "s3:GetObject", "s3:PutObject"), ("arn:aws:s3:::b/*",))
    b = PolicyStatement(("dynamodb:GetItem",), ("arn:aws:dynamodb:us-west-2:111122223333:table/t",))
    one = canonical_json(render_permissions_policy([a, b]))
    two = canonical_json(render_permissions_policy([b, a, b]))
    assert one == two
    document = json.loads(one)
    assert document["Version"] == "2012-10-17"
    assert [s["Action"] for s in document["Statement"]] == ["dynamodb:GetItem", ["s3:GetObject", "s3:PutObject"]]


@needs_fixtures
@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.json")) if FIXTURES.is_dir() else [])
def test_every_published_fixture_reads_and_renders_the_same_actions(fixture):
    document = json.loads((FIXTURES / fixture).read_text())
    statements = statements_from_document(fixture, document)
    rendered = render_permissions_policy(statements)
    raw = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]

    def actions(items):
        return sorted({a for s in items for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])})

    assert actions(rendered["Statement"]) == actions(raw)


def test_not_action_and_principal_are_refused():
    with pytest.raises(IrsaConfigError) as caught:
        statements_from_document("doc", {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
    assert caught.value.problems[0].field == "doc.Statement[0]"
    assert caught.value.problems[0].value == ["NotAction"]


def test_substitution_fills_ours_and_leaves_iam_variables():
    variables = {"partition": "aws-cn", "region": "cn-north-1", "account": "111122223333", "cluster": "c"}
    assert (
        substitute("f", "arn:${partition}:s3:::b/${aws:username}/*", variables) == "arn:aws-cn:s3:::b/${aws:username}/*"
    )
    with pytest.raises(IrsaConfigError, match=r"unknown variable \$\{partiton\}"):
        substitute("f", "arn:${partiton}:s3:::b", variables)


def _many(count: int, width: int = 20) -> list[PolicyStatement]:
    return [
        PolicyStatement(("s3:GetObject",), tuple(f"arn:aws:s3:::bucket-{i:04d}/prefix-{j:03d}/*" for j in range(width)))
        for i in range(count)
    ]


def test_small_permissions_stay_inline():
    layout = layout_permissions("s", _many(2), attached_arn_count=0)
    assert layout.inline is not None and layout.managed == ()


def test_permissions_past_the_inline_quota_split_into_managed_policies_within_quota():
    statements = _many(30)
    size = limits.policy_size(canonical_json(render_permissions_policy(statements)))
    assert size > limits.INLINE_POLICIES_MAX
    layout = layout_permissions("s", statements, attached_arn_count=1)
    assert layout.inline is None and len(layout.managed) >= 2
    assert all(limits.policy_size(canonical_json(d)) <= limits.MANAGED_POLICY_MAX for d in layout.managed)
    assert sum(len(d["Statement"]) for d in layout.managed) == 30


def test_split_that_needs_too_many_attachments_fails_with_the_numbers():
    with pytest.raises(IrsaConfigError, match=r"plus 9 attached ARNs, that is \d+ attachments, over the quota of 10"):
        layout_permissions("s", _many(30), attached_arn_count=9)


@needs_fixtures
def test_karpenter_controller_policies_with_the_load_balancer_controller_need_a_split():
    """The six Karpenter controller policies plus the AWS Load Balancer Controller's: a real oversized role."""
    statements = []
    for path in [*sorted(FIXTURES.glob("karpenter-controller-*.json")), FIXTURES / "aws-load-balancer-controller.json"]:
        statements += statements_from_document(path.name, json.loads(path.read_text()))
    layout = layout_permissions("karpenter", statements, attached_arn_count=0)
    assert layout.inline is None
    assert 2 <= len(layout.managed) <= limits.MANAGED_POLICIES_PER_ROLE_DEFAULT
    assert all(limits.policy_size(canonical_json(d)) <= limits.MANAGED_POLICY_MAX for d in layout.managed)


def test_layout_is_deterministic_under_shuffling():
    statements = _many(30)
    shuffled = statements[:]
    random.Random(7).shuffle(shuffled)
    assert layout_permissions("s", statements, 0) == layout_permissions("s", shuffled, 0)
