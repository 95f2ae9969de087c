"""Pure tests of the trust policy builder and its pre-flight checks (no Pulumi)."""

from __future__ import annotations

import json

import pytest

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.policy import canonical_json
from eks_irsa.iam.trust import Subject, check_provider_arn, normalize_issuer, render_trust_policy

ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::111122223333:oidc-provider/{ISSUER}"


def test_one_statement_pins_sub_and_aud_exactly():
    document = render_trust_policy(PROVIDER, ISSUER, [Subject("orders", "orders-api")])
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:orders:orders-api",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def test_several_subjects_share_one_sorted_sub_key():
    """Fault: a later subject overwriting an earlier one under the same key."""
    document = render_trust_policy(PROVIDER, ISSUER, [Subject("b", "two"), Subject("a", "one"), Subject("b", "two")])
    condition = document["Statement"][0]["Condition"]["StringEquals"]
    assert condition[f"{ISSUER}:sub"] == ["system:serviceaccount:a:one", "system:serviceaccount:b:two"]


@pytest.mark.parametrize(
    "given",
    [ISSUER, f"https://{ISSUER}", f"https://{ISSUER}/", f"{ISSUER}/", f"  https://{ISSUER}  "],
)
def test_issuer_is_normalised_and_never_carries_a_scheme(given):
    assert normalize_issuer(given) == ISSUER
    keys = render_trust_policy(PROVIDER, given, [Subject("a", "b")])["Statement"][0]["Condition"]["StringEquals"]
    assert all("://" not in key and key.startswith(ISSUER + ":") for key in keys)


@pytest.mark.parametrize("given", ["", "/", "http://oidc.example.com/id/X", "oidc example.com", "s3://x"])
def test_bad_issuer_is_refused(given):
    with pytest.raises(IrsaConfigError, match="is not an OIDC issuer"):
        normalize_issuer(given)


@pytest.mark.parametrize(
    ("provider", "subjects", "audience", "field"),
    [
        ("arn:aws:iam::111122223333:role/x", [Subject("a", "b")], "sts.amazonaws.com", "oidc_provider_arn"),
        (PROVIDER, [], "sts.amazonaws.com", "subjects"),
        (PROVIDER, [Subject("a", "b")], "", "audience"),
        (PROVIDER, [Subject("a", "b")], "sts.*", "audience"),
        (PROVIDER, [Subject("Orders", "b")], "sts.amazonaws.com", "subjects[0].namespace"),
        (PROVIDER, [Subject("a", "*")], "sts.amazonaws.com", "subjects[0].serviceAccount"),
    ],
)
def test_render_refuses_bad_input_naming_the_field(provider, subjects, audience, field):
    with pytest.raises(IrsaConfigError) as caught:
        render_trust_policy(provider, ISSUER, subjects, audience)
    assert [p.field for p in caught.value.problems] == [field]


def test_rendering_is_byte_identical_and_order_independent():
    one = canonical_json(render_trust_policy(PROVIDER, ISSUER, [Subject("a", "x"), Subject("b", "y")]))
    two = canonical_json(render_trust_policy(PROVIDER, ISSUER, [Subject("b", "y"), Subject("a", "x")]))
    assert one == two
    assert json.loads(one)["Version"] == "2012-10-17"


@pytest.mark.parametrize(
    ("arn", "accepted"),
    [
        (PROVIDER, True),
        (f"arn:aws-cn:iam::111122223333:oidc-provider/{ISSUER}", True),
        (f"arn:aws-us-gov:iam::111122223333:oidc-provider/{ISSUER}", True),
        (f"arn:aws:iam:us-west-2:111122223333:oidc-provider/{ISSUER}", False),  # IAM ARNs carry no region
        (f"arn:aws:iam::11112222333:oidc-provider/{ISSUER}", False),  # 11 digits
        (f"arn:aws:iam::1111222233334:oidc-provider/{ISSUER}", False),  # 13 digits
        ("arn:aws:iam::111122223333:oidc-provider/", False),  # no issuer
        (f"arn:aws:iam::111122223333:role/{ISSUER}", False),
        (f"arn:aws:sts::111122223333:oidc-provider/{ISSUER}", False),
        (f"arn:foo:iam::111122223333:oidc-provider/{ISSUER}", False),  # not a partition
        (f"arn:AWS:iam::111122223333:oidc-provider/{ISSUER}", False),
        (None, False),
    ],
)
def test_provider_arn_shape(arn, accepted):
    problems = check_provider_arn("oidc_provider_arn", arn)
    assert [(p.field, p.rule) for p in problems] == (
        [] if accepted else [("oidc_provider_arn", "is not an IAM OIDC provider ARN")]
    )


@pytest.mark.parametrize(
    ("value", "subject"),
    [
        ("system:serviceaccount:orders:orders-api", Subject("orders", "orders-api")),
        ("system:serviceaccount:orders:orders-*", Subject("orders", "orders-*")),
        ("system:serviceaccount::", Subject("", "")),
        ("system:serviceaccount:orders", None),
        ("system:serviceaccount:orders:api:extra", None),
        ("system:node:orders:api", None),
    ],
)
def test_subject_from_sub_value(value, subject):
    assert Subject.from_value(value) == subject
