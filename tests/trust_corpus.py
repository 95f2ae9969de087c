"""A corpus of role trust policies and the findings each must give, on every path that judges trust.

Each case is a document and the ``(code, severity)`` pairs :func:`eks_irsa.iam.trust_review.review_trust`
gives for it when the caller knows the role's account (:data:`ACCOUNT`) and that every provider the
document names exists with an EKS cluster behind it: what the plan, the policy pack and the audit all
know. The expected pairs are written from the rules' sources (the EKS and IAM user guides), not copied
from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

ACCOUNT = "111122223333"
REGION = "us-west-2"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
GREEN = "oidc.eks.us-west-2.amazonaws.com/id/GREEN0D539D4633E53DE1B71EXAMPLE"
DUAL = "oidc-eks.us-west-2.api.aws/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
CHINA = "oidc.eks.cn-north-1.amazonaws.com.cn/id/CHINA0D539D4633E53DE1B71EXAMPLE"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
GREEN_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GREEN}"
DUAL_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{DUAL}"
CLUSTER_ARN = f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/acme"
SUB = "system:serviceaccount:orders:orders-api"
OTHER_ROOT = "arn:aws:iam::444455556666:root"
AUD = "sts.amazonaws.com"


def web_identity(
    condition: dict, federated: object = PROVIDER, action: object = "sts:AssumeRoleWithWebIdentity"
) -> dict:
    """One Allow statement trusting ``federated`` (a provider ARN, or a whole ``Principal`` when not a str)."""
    principal = {"Federated": federated} if isinstance(federated, str | list) else federated
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Condition": condition}


def pinned(sub: object = SUB, aud: object = AUD, issuer: str = ISSUER, sub_operator: str = "StringEquals") -> dict:
    """The condition block of an IRSA statement: ``:sub`` under ``sub_operator``, ``:aud`` under StringEquals."""
    condition: dict = {sub_operator: {f"{issuer}:sub": sub}}
    condition.setdefault("StringEquals", {})[f"{issuer}:aud"] = aud
    return condition


def pod_identity(condition: dict | None = None, actions: object = ("sts:AssumeRole", "sts:TagSession")) -> dict:
    """One Allow statement trusting EKS Pod Identity."""
    condition = (
        {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": CLUSTER_ARN}}
        if condition is None
        else condition
    )
    statement = {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": list(actions)}
    return {**statement, "Condition": condition} if condition else statement


def document(*statements: dict) -> dict:
    """A trust policy of ``statements``."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


@dataclass(frozen=True)
class Case:
    """One document and its expected ``(code, severity)`` pairs, sorted."""

    id: str
    document: dict
    expected: tuple[tuple[str, str], ...] = field(default_factory=tuple)


CORPUS = (
    Case("rendered-one-subject", document(web_identity(pinned()))),
    Case(
        "rendered-blue-green",
        document(
            web_identity(pinned()),
            web_identity(pinned(issuer=GREEN), federated=GREEN_PROVIDER),
        ),
    ),
    Case(
        "rendered-pattern",
        document(web_identity(pinned("system:serviceaccount:jobs:spark-*", sub_operator="StringLike"))),
    ),
    Case("rendered-pod-identity", document(pod_identity())),
    Case("rendered-both", document(web_identity(pinned()), pod_identity())),
    Case(
        "other-federation-left-alone",
        document(
            web_identity(
                {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:org/*"}},
                federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com",
            )
        ),
    ),
    Case(
        "sub-any-namespace-star",
        document(web_identity(pinned("system:serviceaccount:*:app", sub_operator="StringLike"))),
        (("TRUST_SUBJECT_ANY_NAMESPACE", "critical"),),
    ),
    Case(
        "sub-any-namespace-prefix",
        document(web_identity(pinned("system:serviceaccount:team-*:*", sub_operator="StringLike"))),
        (("TRUST_SUBJECT_ANY_NAMESPACE", "critical"),),
    ),
    Case(
        "sub-any-namespace-question-mark",
        document(web_identity(pinned("system:serviceaccount:prod?:api", sub_operator="StringLike"))),
        (("TRUST_SUBJECT_ANY_NAMESPACE", "critical"),),
    ),
    Case(
        "sub-any-service-account",
        document(web_identity(pinned("system:serviceaccount:*", sub_operator="StringLike"))),
        (("TRUST_SUBJECT_ANY_NAMESPACE", "critical"),),
    ),
    Case(
        "sub-namespace-wide",
        document(web_identity(pinned("system:serviceaccount:orders:*", sub_operator="StringLike"))),
        (("TRUST_SUBJECT_NAMESPACE_WIDE", "high"),),
    ),
    Case(
        "sub-missing",
        document(web_identity({"StringEquals": {f"{ISSUER}:aud": AUD}})),
        (("TRUST_SUBJECT_NOT_PINNED", "critical"),),
    ),
    Case(
        "sub-negated",
        document(
            web_identity(
                {
                    "StringNotEquals": {f"{ISSUER}:sub": "system:serviceaccount:kube-system:x"},
                    "StringEquals": {f"{ISSUER}:aud": AUD},
                }
            )
        ),
        (("TRUST_SUBJECT_NOT_PINNED", "critical"),),
    ),
    Case(
        "action-wildcard-without-sub",
        document(web_identity({"StringEquals": {f"{ISSUER}:aud": AUD}}, action="sts:AssumeRoleWith*")),
        (("TRUST_SUBJECT_NOT_PINNED", "critical"),),
    ),
    Case(
        "not-action-without-conditions",
        document({"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "NotAction": "sts:AssumeRole"}),
        (("TRUST_AUDIENCE_NOT_PINNED", "medium"), ("TRUST_SUBJECT_NOT_PINNED", "critical")),
    ),
    Case(
        "pod-identity-tag-session-by-wildcard",
        document(pod_identity(actions=("sts:AssumeRole", "sts:Tag*"))),
    ),
    Case(
        "principal-star",
        document(web_identity(pinned(), federated="*")),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "principal-star-without-conditions",
        document({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity"}),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "audience-typo",
        document(web_identity(pinned(aud="sts.amazon.com"))),
        (("TRUST_AUDIENCE_TYPO", "high"),),
    ),
    Case(
        "audience-missing",
        document(web_identity({"StringEquals": {f"{ISSUER}:sub": SUB}})),
        (("TRUST_AUDIENCE_NOT_PINNED", "medium"),),
    ),
    Case(
        "audience-wildcard",
        document(web_identity({"StringEquals": {f"{ISSUER}:sub": SUB}, "StringLike": {f"{ISSUER}:aud": "*"}})),
        (("TRUST_AUDIENCE_NOT_PINNED", "medium"),),
    ),
    Case(
        "audience-other",
        document(web_identity(pinned(aud="vault"))),
        (("TRUST_AUDIENCE_UNUSUAL", "low"),),
    ),
    Case(
        "stringlike-without-pattern",
        document(web_identity(pinned(sub_operator="StringLike"))),
        (("TRUST_STRINGLIKE_WITHOUT_PATTERN", "low"),),
    ),
    Case(
        "wildcard-under-stringequals",
        document(web_identity(pinned("system:serviceaccount:orders:orders-*"))),
        (("TRUST_WILDCARD_UNDER_STRINGEQUALS", "medium"),),
    ),
    Case(
        "if-exists-on-sub",
        document(web_identity(pinned(sub_operator="StringEqualsIfExists"))),
        (("TRUST_CLAIM_SET_OPERATOR", "medium"),),
    ),
    Case(
        "scheme-in-key",
        document(web_identity({"StringEquals": {f"https://{ISSUER}:sub": SUB, f"https://{ISSUER}:aud": AUD}})),
        (("TRUST_CONDITION_KEY_SCHEME", "medium"), ("TRUST_CONDITION_KEY_SCHEME", "medium")),
    ),
    Case(
        "malformed-subject",
        document(web_identity(pinned("system:serviceaccount:Orders:orders-api"))),
        (("TRUST_SUBJECT_MALFORMED", "medium"),),
    ),
    Case(
        "two-issuers-in-one-statement",
        document(web_identity({**pinned(), "StringLike": {f"{GREEN}:sub": SUB}}, federated=[PROVIDER, GREEN_PROVIDER])),
        (("TRUST_ISSUERS_ANDED", "high"), ("TRUST_STRINGLIKE_WITHOUT_PATTERN", "low")),
    ),
    Case(
        "provider-of-another-account",
        document(web_identity(pinned(), federated=f"arn:aws:iam::444455556666:oidc-provider/{ISSUER}")),
        (("TRUST_PROVIDER_OTHER_ACCOUNT", "medium"),),
    ),
    Case(
        "partition-mismatch",
        document(web_identity(pinned(issuer=CHINA), federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{CHINA}")),
        (("TRUST_PARTITION_MISMATCH", "high"),),
    ),
    Case(
        "dual-stack-alone",
        document(web_identity(pinned(issuer=DUAL), federated=DUAL_PROVIDER)),
        (("TRUST_DUAL_STACK_ISSUER", "high"),),
    ),
    Case(
        "dual-stack-pair",
        document(web_identity(pinned()), web_identity(pinned(issuer=DUAL), federated=DUAL_PROVIDER)),
        (("TRUST_DUAL_STACK_ISSUER", "low"),),
    ),
    Case(
        "pod-identity-without-tag-session",
        document(pod_identity(actions=("sts:AssumeRole",))),
        (("POD_IDENTITY_NO_TAG_SESSION", "high"),),
    ),
    Case(
        "pod-identity-unscoped",
        document(pod_identity(condition={})),
        (("POD_IDENTITY_TRUST_UNSCOPED", "medium"), ("POD_IDENTITY_TRUST_UNSCOPED", "medium")),
    ),
    Case(
        "pod-identity-wildcard-cluster",
        document(
            pod_identity(
                {
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                    "ArnLike": {"aws:SourceArn": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/*"},
                }
            )
        ),
        (("POD_IDENTITY_TRUST_UNSCOPED", "medium"),),
    ),
    Case(
        "workload-and-any-aws-principal",
        document(web_identity(pinned()), {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "workload-and-principal-star",
        document(pod_identity(), {"Effect": "Allow", "Principal": "*", "Action": ["sts:AssumeRole", "sts:TagSession"]}),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "workload-and-not-principal",
        document(web_identity(pinned()), {"Effect": "Allow", "NotPrincipal": {"AWS": OTHER_ROOT}, "Action": "sts:*"}),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "workload-and-any-principal-of-a-wildcard-arn",
        document(
            web_identity(pinned()),
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci"}},
            },
        ),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "workload-and-any-principal-if-exists",
        document(
            web_identity(pinned()),
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEqualsIfExists": {"aws:PrincipalAccount": ACCOUNT}},
            },
        ),
        (("TRUST_PRINCIPAL_ANY", "critical"),),
    ),
    Case(
        "workload-and-any-principal-pinned-to-one-role",
        document(
            web_identity(pinned()),
            {
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "sts:AssumeRole",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ci"}},
            },
        ),
        (("TRUST_PRINCIPAL_OTHER", "low"),),
    ),
    Case(
        "workload-and-any-principal-pinned-to-another-account",
        document(
            web_identity(pinned()),
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}},
            },
        ),
        (("TRUST_PRINCIPAL_OTHER_ACCOUNT", "high"),),
    ),
    Case(
        "workload-and-another-account",
        document(
            web_identity(pinned()), {"Effect": "Allow", "Principal": {"AWS": OTHER_ROOT}, "Action": "sts:AssumeRole"}
        ),
        (("TRUST_PRINCIPAL_OTHER_ACCOUNT", "high"),),
    ),
    Case(
        "workload-statement-naming-another-account-too",
        document(web_identity(pinned(), federated={"Federated": PROVIDER, "AWS": ["444455556666"]})),
        (("TRUST_PRINCIPAL_OTHER_ACCOUNT", "high"),),
    ),
    Case(
        "pod-identity-and-another-account",
        document(pod_identity(), {"Effect": "Allow", "Principal": {"AWS": OTHER_ROOT}, "Action": "sts:AssumeRole"}),
        (("TRUST_PRINCIPAL_OTHER_ACCOUNT", "high"),),
    ),
    Case(
        "workload-and-own-account-role-and-a-service",
        document(
            web_identity(pinned()),
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ci", "Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            },
        ),
        (("TRUST_PRINCIPAL_OTHER", "low"), ("TRUST_PRINCIPAL_OTHER", "low")),
    ),
    Case(
        "workload-and-anyone-tagging-only",
        document(web_identity(pinned()), {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:TagSession"}),
    ),
    Case("not-a-workload-role", document({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})),
    Case(
        "over-quota",
        document(
            web_identity(pinned(sorted(f"system:serviceaccount:orders:service-account-{i:03d}" for i in range(60))))
        ),
        (("TRUST_POLICY_TOO_LARGE", "medium"),),
    ),
)
"""Every case; ids are unique."""

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.text(max_size=30),
    st.sampled_from(
        ["*", "Allow", "sts:AssumeRoleWithWebIdentity", "pods.eks.amazonaws.com", PROVIDER, f"{ISSUER}:sub"]
    ),
)
JSON_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner)),
    max_leaves=10,
)
_KEYS = st.sampled_from(
    [f"{ISSUER}:sub", f"{ISSUER}:aud", f"https://{ISSUER}:sub", "aws:SourceArn", "aws:SourceAccount"]
)
_OPERATORS = st.sampled_from(["StringEquals", "StringLike", "ArnLike", "ForAnyValue:StringLike", "Bool", "Null"])
STATEMENTS = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny", None]),
        "Principal": st.one_of(
            st.fixed_dictionaries(
                {"Federated": st.one_of(st.just(PROVIDER), st.lists(st.just(PROVIDER)), JSON_VALUES)}
            ),
            st.fixed_dictionaries({"Service": st.sampled_from(["pods.eks.amazonaws.com", "ec2.amazonaws.com"])}),
            st.just("*"),
            JSON_VALUES,
        ),
        "Action": st.sampled_from(["sts:AssumeRoleWithWebIdentity", ["sts:AssumeRole", "sts:TagSession"], "*"]),
        "Condition": st.one_of(
            st.dictionaries(_OPERATORS, st.dictionaries(_KEYS, JSON_VALUES, max_size=3)), JSON_VALUES
        ),
    }
)
"""Arbitrary trust statements: well-formed ones around :data:`PROVIDER` and :data:`ISSUER`, and odd JSON
anywhere, for the tests that every judge answers any document without raising."""
