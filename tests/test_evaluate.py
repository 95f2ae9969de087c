"""The trust-policy evaluator against IAM's documented rules, the package's own trust shapes, and properties."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eks_irsa.errors import IrsaConfigError
from eks_irsa.iam.evaluate import Cause, TrustPolicyError, WebIdentityRequest, evaluate_web_identity
from eks_irsa.iam.trust import Subject, render_trust_policy

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
OTHER_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}"
OTHER_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OTHER_ISSUER}"
SUB = "system:serviceaccount:orders:orders-api"
AUD = "sts.amazonaws.com"
SETTINGS = settings(max_examples=200, deadline=None)


def request(**changes: object) -> WebIdentityRequest:
    values: dict[str, object] = {"provider_arn": PROVIDER, "issuer": f"https://{ISSUER}", "sub": SUB, "aud": (AUD,)}
    values.update(changes)
    return WebIdentityRequest(**values)  # type: ignore[arg-type]


def statement(condition: dict | None = None, effect: str = "Allow", **elements: object) -> dict:
    out: dict[str, object] = {
        "Effect": effect,
        "Principal": {"Federated": PROVIDER},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if condition is not None:
        out["Condition"] = condition
    out.update(elements)
    return out


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def rendered(subjects: list[Subject] | None = None) -> dict:
    return render_trust_policy(PROVIDER, ISSUER, subjects or [Subject("orders", "orders-api")], AUD)


def finding_reasons(decision, cause: Cause) -> list[str]:
    return [f.reason for f in decision.findings if f.cause is cause]


# --- condition operators, one key "test:key" ------------------------------------------------------------

MISSING = None

OPERATOR_CASES = [
    # (operator, policy value(s), request values or MISSING, expected)
    ("StringEquals", "abc", ("abc",), True),
    ("StringEquals", "abc", ("ABC",), False),
    ("StringEquals", "abc", MISSING, False),
    ("StringEquals", ["x", "abc"], ("abc",), True),  # values of one key are OR'd
    ("StringEquals", "*", ("anything",), False),  # no wildcards under StringEquals
    ("StringEquals", "*", ("*",), True),
    ("StringNotEquals", "abc", ("abd",), True),
    ("StringNotEquals", "abc", ("abc",), False),
    ("StringNotEquals", "abc", MISSING, True),  # negated operator, missing key: true (IAM docs)
    ("StringNotEquals", ["x", "abc"], ("abc",), False),  # negated with several values: NOR
    ("StringNotEquals", ["x", "y"], ("abc",), True),
    ("StringEqualsIgnoreCase", "abc", ("AbC",), True),
    ("StringEqualsIgnoreCase", "abc", ("abd",), False),
    ("StringEqualsIgnoreCase", "abc", MISSING, False),
    ("StringNotEqualsIgnoreCase", "abc", ("ABC",), False),
    ("StringNotEqualsIgnoreCase", "abc", ("abd",), True),
    ("StringNotEqualsIgnoreCase", "abc", MISSING, True),
    ("StringLike", "a*c", ("abbbc",), True),
    ("StringLike", "a*c", ("ac",), True),  # '*' matches an empty run
    ("StringLike", "a*c", ("abcd",), False),  # the whole value must match
    ("StringLike", "a?c", ("abc",), True),
    ("StringLike", "a?c", ("ac",), False),  # '?' is exactly one character
    ("StringLike", "a?c", ("abbc",), False),
    ("StringLike", "A*", ("abc",), False),  # case-sensitive
    ("StringLike", "a.c", ("abc",), False),  # '.' is literal, not a regex dot
    ("StringLike", "a*", MISSING, False),
    ("StringNotLike", "a*", ("bcd",), True),
    ("StringNotLike", "a*", ("abc",), False),
    ("StringNotLike", "a*", MISSING, True),
    ("StringEqualsIfExists", "abc", MISSING, True),  # IfExists: missing key is true
    ("StringEqualsIfExists", "abc", ("abd",), False),
    ("StringEqualsIfExists", "abc", ("abc",), True),
    ("StringLikeIfExists", "a*", MISSING, True),
    ("StringNotLikeIfExists", "a*", ("abc",), False),
    ("ForAllValues:StringEquals", ["a", "b"], ("a",), True),
    ("ForAllValues:StringEquals", ["a", "b"], ("a", "b"), True),
    ("ForAllValues:StringEquals", ["a", "b"], ("a", "c"), False),
    ("ForAllValues:StringEquals", ["a", "b"], MISSING, True),  # ForAllValues: true for an absent key
    ("ForAllValues:StringEquals", ["a", "b"], (), True),  # ... and for an empty set
    ("ForAnyValue:StringEquals", "a", ("c", "a"), True),
    ("ForAnyValue:StringEquals", "a", ("c",), False),
    ("ForAnyValue:StringEquals", "a", MISSING, False),  # ForAnyValue: false for an absent key
    ("ForAnyValue:StringEquals", "a", (), False),
    # The table under 'Deny policy with condition set operator ForAllValues' (IAM User Guide,
    # 'Multivalued context key examples'): match = true.
    ("ForAllValues:StringNotLike", "key1*", ("key1:legal",), False),
    ("ForAllValues:StringNotLike", "key1*", ("key1:hr", "key1:personnel"), False),
    ("ForAllValues:StringNotLike", "key1*", ("key2:audit",), True),
    ("ForAllValues:StringNotLike", "key1*", MISSING, True),
    ("ForAnyValue:StringNotEquals", "a", ("a", "b"), True),
    ("ForAnyValue:StringNotEquals", "a", ("a",), False),
    ("ForAnyValue:StringLike", "un*", ("authenticated", "unauthenticated"), True),
    ("ForAnyValue:StringEqualsIfExists", "a", MISSING, True),
    ("Null", "true", MISSING, True),  # "true": the key is absent
    ("Null", "true", ("x",), False),
    ("Null", "false", MISSING, False),
    ("Null", "false", ("x",), True),
    ("Null", True, MISSING, True),  # a JSON boolean works too
    ("Null", "true", (), True),  # an empty set counts as absent
]


@pytest.mark.parametrize(("operator", "value", "present", "expected"), OPERATOR_CASES)
def test_condition_operator(operator: str, value: object, present: tuple[str, ...] | None, expected: bool) -> None:
    extra = {} if present is None else {"test:key": present}
    decision = evaluate_web_identity(policy(statement({operator: {"test:key": value}})), request(extra_context=extra))
    assert decision.allowed is expected
    (result,) = decision.statements[0].conditions
    assert result.passed is expected
    assert result.request_values == (present or None)


def test_condition_key_names_are_case_insensitive() -> None:
    doc = policy(statement({"StringEquals": {"TEST:Key": "v"}}))
    assert evaluate_web_identity(doc, request(extra_context={"test:key": ("v",)})).allowed


def test_keys_inside_an_operator_are_anded() -> None:
    doc = policy(statement({"StringEquals": {"k:one": "a", "k:two": "b"}}))
    assert evaluate_web_identity(doc, request(extra_context={"k:one": ("a",), "k:two": ("b",)})).allowed
    assert not evaluate_web_identity(doc, request(extra_context={"k:one": ("a",), "k:two": ("x",)})).allowed


def test_operators_are_anded() -> None:
    doc = policy(statement({"StringEquals": {"k:one": "a"}, "StringLike": {"k:two": "b*"}}))
    assert evaluate_web_identity(doc, request(extra_context={"k:one": ("a",), "k:two": ("bee",)})).allowed
    denied = evaluate_web_identity(doc, request(extra_context={"k:one": ("a",), "k:two": ("zee",)}))
    assert not denied.allowed
    assert [c.passed for c in denied.statements[0].conditions] == [True, False]


def test_single_valued_operator_on_several_request_values_takes_the_denying_reading() -> None:
    two = request(aud=(AUD, "other"))
    allow = policy(statement({"StringEquals": {f"{ISSUER}:aud": AUD}}))
    decision = evaluate_web_identity(allow, two)
    assert not decision.allowed
    assert decision.notes and "reading that denies" in decision.notes[0]
    deny = policy(statement(), statement({"StringEquals": {f"{ISSUER}:aud": AUD}}, effect="Deny"))
    assert evaluate_web_identity(deny, two).causes == (Cause.EXPLICIT_DENY,)


# --- statements, principal, action ---------------------------------------------------------------------


def test_explicit_deny_wins_over_allow() -> None:
    doc = policy(statement(Sid="Allow1"), statement({"StringEquals": {f"{ISSUER}:sub": SUB}}, "Deny", Sid="NoOrders"))
    decision = evaluate_web_identity(doc, request())
    assert not decision.allowed
    assert decision.causes == (Cause.EXPLICIT_DENY,)
    assert decision.findings[0].statement == 1
    assert "statement 1 (NoOrders) denies explicitly" in decision.reasons[0]


def test_deny_that_does_not_apply_leaves_the_allow() -> None:
    doc = policy(statement(), statement({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:x:y"}}, "Deny"))
    assert evaluate_web_identity(doc, request()).allowed


def test_statements_are_ored() -> None:
    doc = policy(
        statement({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:a:b"}}),
        statement({"StringEquals": {f"{ISSUER}:sub": SUB}}),
    )
    decision = evaluate_web_identity(doc, request())
    assert decision.allowed
    assert decision.reasons[0].startswith("statement 1 allows")


def test_default_deny_without_allow_statement() -> None:
    decision = evaluate_web_identity(policy(statement({"StringEquals": {"k:x": "y"}}, "Deny")), request())
    assert not decision.allowed
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT,)
    assert "no Allow statement" in decision.reasons[0]


def test_statement_object_and_missing_version() -> None:
    assert evaluate_web_identity({"Statement": statement()}, request()).allowed


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", True),
        ({"Federated": PROVIDER}, True),
        ({"Federated": [OTHER_PROVIDER, PROVIDER]}, True),
        ({"Federated": OTHER_PROVIDER}, False),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, False),
        ({"Service": "ec2.amazonaws.com"}, False),
        ({"AWS": "*"}, False),  # undocumented for web identity: read as not matching in an Allow
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:root", "Federated": PROVIDER}, True),
    ],
)
def test_principal(principal: object, expected: bool) -> None:
    assert evaluate_web_identity(policy(statement(Principal=principal)), request()).allowed is expected


def test_principal_aws_or_service_is_named_as_such() -> None:
    decision = evaluate_web_identity(policy(statement(Principal={"Service": "ec2.amazonaws.com"})), request())
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.PRINCIPAL_NOT_FEDERATED)


def test_aws_star_in_a_deny_statement_denies() -> None:
    doc = policy(statement(), statement(effect="Deny", Principal={"AWS": "*"}))
    assert evaluate_web_identity(doc, request()).causes == (Cause.EXPLICIT_DENY,)


@pytest.mark.parametrize(
    ("element", "value", "expected"),
    [
        ("Action", "sts:AssumeRoleWithWebIdentity", True),
        ("Action", "STS:assumerolewithwebidentity", True),  # action names are case-insensitive
        ("Action", "sts:*", True),
        ("Action", "*", True),
        ("Action", "sts:AssumeRoleWith*", True),
        ("Action", "sts:AssumeRole?ithWebIdentity", True),
        ("Action", ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"], True),
        ("Action", "sts:AssumeRole", False),
        ("Action", "sts:TagSession", False),
        ("Action", "s3:*", False),
        ("NotAction", "sts:AssumeRole", True),
        ("NotAction", "sts:*", False),
    ],
)
def test_action(element: str, value: object, expected: bool) -> None:
    doc = {"Statement": [{"Effect": "Allow", "Principal": {"Federated": PROVIDER}, element: value}]}
    decision = evaluate_web_identity(doc, request())
    assert decision.allowed is expected
    if not expected:
        assert Cause.WRONG_ACTION in decision.causes


# --- malformed or unsupported policies raise -----------------------------------------------------------

ERROR_CASES = [
    ([], "policy"),
    ({"Statements": [statement()]}, "policy"),
    ({"Version": "2020-01-01", "Statement": [statement()]}, "policy.Version"),
    ({"Statement": []}, "policy.Statement"),
    ({"Statement": "Allow"}, "policy.Statement"),
    ({"Statement": ["Allow"]}, "policy.Statement[0]"),
    (policy(statement(Conditions={})), "policy.Statement[0]"),
    (policy(statement(Effect="allow")), "policy.Statement[0].Effect"),
    (policy(statement(NotPrincipal={"AWS": "*"})), "policy.Statement[0].NotPrincipal"),
    (policy(statement(Resource="*")), "policy.Statement[0].Resource"),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity"}]}, "policy.Statement[0].Principal"),
    (policy(statement(Principal=PROVIDER)), "policy.Statement[0].Principal"),
    (policy(statement(Principal={"Fedrated": PROVIDER})), "policy.Statement[0].Principal"),
    (policy(statement(Principal={"Federated": []})), "policy.Statement[0].Principal.Federated"),
    (policy(statement(NotAction="sts:AssumeRole")), "policy.Statement[0]"),  # both Action and NotAction
    (policy(statement(Action="AssumeRoleWithWebIdentity")), "policy.Statement[0].Action"),
    (policy(statement(Condition=["StringEquals"])), "policy.Statement[0].Condition"),
    (policy(statement({"StringEqual": {"k:x": "y"}})), "policy.Statement[0].Condition"),
    (policy(statement({"stringequals": {"k:x": "y"}})), "policy.Statement[0].Condition"),
    (policy(statement({"NumericLessThan": {"k:x": "3"}})), "policy.Statement[0].Condition"),
    (policy(statement({"ForAnyValue:Null": {"k:x": "true"}})), "policy.Statement[0].Condition"),
    (policy(statement({"Null": {"k:x": "maybe"}})), "policy.Statement[0].Condition.Null.k:x"),
    (policy(statement({"StringEquals": {}})), "policy.Statement[0].Condition.StringEquals"),
    (policy(statement({"StringEquals": {"k:x": 3}})), "policy.Statement[0].Condition.StringEquals.k:x"),
    (policy(statement({"StringEquals": {"k:x": []}})), "policy.Statement[0].Condition.StringEquals.k:x"),
    (policy(statement({"StringEquals": {"k:x": "${aws:username}"}})), "policy.Statement[0].Condition"),
]


@pytest.mark.parametrize(("document", "field"), ERROR_CASES)
def test_malformed_or_unsupported_policy_raises(document: object, field: str) -> None:
    with pytest.raises(TrustPolicyError) as caught:
        evaluate_web_identity(document, request())  # type: ignore[arg-type]
    assert isinstance(caught.value, IrsaConfigError)
    assert caught.value.problems[0].field.startswith(field)


def test_policy_variable_is_literal_without_version_2012() -> None:
    doc = {"Statement": [statement({"StringEquals": {"k:x": "${aws:username}"}})]}
    assert evaluate_web_identity(doc, request(extra_context={"k:x": ("${aws:username}",)})).allowed


def test_request_issuer_is_normalised_and_checked() -> None:
    assert request(issuer=f"https://{ISSUER}/").issuer == ISSUER
    with pytest.raises(IrsaConfigError):
        request(issuer="http://example.com")


# --- the reasons a person reads ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub", "reason"),
    [
        (
            "system:serviceaccount:orders:default",
            "sub is system:serviceaccount:orders:default; the role expects system:serviceaccount:orders:orders-api "
            "(wrong service account: default instead of orders-api)",
        ),
        (
            "system:serviceaccount:billing:orders-api",
            "sub is system:serviceaccount:billing:orders-api; the role expects system:serviceaccount:orders:orders-api "
            "(wrong namespace: billing instead of orders)",
        ),
        (
            "system:serviceaccount:billing:default",
            "sub is system:serviceaccount:billing:default; the role expects system:serviceaccount:orders:orders-api "
            "(both the namespace and the service account differ)",
        ),
        (
            "user:alice",
            "sub is user:alice; the role expects system:serviceaccount:orders:orders-api "
            "(the token's sub is not a Kubernetes service account)",
        ),
        (None, "the token has no sub; the role expects system:serviceaccount:orders:orders-api"),
    ],
)
def test_wrong_subject_reason(sub: str | None, reason: str) -> None:
    decision = evaluate_web_identity(rendered(), request(sub=sub))
    assert not decision.allowed
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_SUBJECT)
    assert finding_reasons(decision, Cause.WRONG_SUBJECT) == [reason]


def test_wrong_subject_against_a_list_names_all_expected() -> None:
    doc = rendered([Subject("orders", "orders-api"), Subject("orders", "orders-worker")])
    decision = evaluate_web_identity(doc, request(sub="system:serviceaccount:orders:default"))
    assert finding_reasons(decision, Cause.WRONG_SUBJECT) == [
        "sub is system:serviceaccount:orders:default; the role expects one of "
        "system:serviceaccount:orders:orders-api, system:serviceaccount:orders:orders-worker "
        "(wrong service account: default instead of orders-api or orders-worker)"
    ]


def test_wrong_audience_reason() -> None:
    decision = evaluate_web_identity(rendered(), request(aud=("sts.amazonaws.com.cn",)))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_AUDIENCE)
    assert finding_reasons(decision, Cause.WRONG_AUDIENCE) == ["audience sts.amazonaws.com.cn is not sts.amazonaws.com"]


def test_missing_audience_reason() -> None:
    decision = evaluate_web_identity(rendered(), request(aud=()))
    assert finding_reasons(decision, Cause.WRONG_AUDIENCE) == [
        "the token has no audience; the role expects sts.amazonaws.com"
    ]


def test_issuer_mismatch_reason() -> None:
    decision = evaluate_web_identity(rendered(), request(issuer=OTHER_ISSUER, provider_arn=OTHER_PROVIDER))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.ISSUER_MISMATCH)
    # The principal says it once; the condition keys for the other issuer do not repeat it.
    assert finding_reasons(decision, Cause.ISSUER_MISMATCH) == [
        f"the token's issuer is not the provider this role trusts (trusted: {PROVIDER}, token: {OTHER_PROVIDER})"
    ]


def test_provider_in_other_account_reason() -> None:
    theirs = f"arn:aws:iam::{OTHER_ACCOUNT}:oidc-provider/{ISSUER}"
    decision = evaluate_web_identity(rendered(), request(provider_arn=theirs))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.PROVIDER_OTHER_ACCOUNT)
    assert finding_reasons(decision, Cause.PROVIDER_OTHER_ACCOUNT) == [
        f"the role trusts the OIDC provider for {ISSUER} in account {ACCOUNT}, but the token's issuer maps to "
        f"the provider in account {OTHER_ACCOUNT} ({theirs})"
    ]


def test_https_prefix_in_condition_key_reason() -> None:
    doc = policy(statement({"StringEquals": {f"https://{ISSUER}:sub": SUB, f"{ISSUER}:aud": AUD}}))
    decision = evaluate_web_identity(doc, request())
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.ISSUER_MISMATCH)
    assert finding_reasons(decision, Cause.ISSUER_MISMATCH) == [
        f"the condition key https://{ISSUER}:sub carries https://; IAM names the key {ISSUER}:sub, "
        "so the policy's key is never in the request"
    ]


def test_condition_key_for_another_issuer_reason() -> None:
    doc = policy(statement({"StringEquals": {f"{OTHER_ISSUER}:sub": SUB}}))
    decision = evaluate_web_identity(doc, request())
    assert finding_reasons(decision, Cause.ISSUER_MISMATCH) == [
        f"the condition key {OTHER_ISSUER}:sub is for issuer {OTHER_ISSUER}, but the token's issuer is {ISSUER}, "
        "so the key is not in the request"
    ]


def test_wildcard_under_stringequals_reason() -> None:
    doc = policy(statement({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:orders:*", f"{ISSUER}:aud": AUD}}))
    decision = evaluate_web_identity(doc, request())
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WILDCARD_UNDER_STRINGEQUALS)
    assert finding_reasons(decision, Cause.WILDCARD_UNDER_STRINGEQUALS) == [
        "a `*` under StringEquals matches only a literal asterisk: sub system:serviceaccount:orders:orders-api is "
        "not system:serviceaccount:orders:*; a pattern needs StringLike"
    ]


def test_question_mark_under_stringequals_that_would_not_match_anyway_is_a_wrong_subject() -> None:
    doc = policy(statement({"StringEquals": {f"{ISSUER}:sub": "system:serviceaccount:billing:?"}}))
    decision = evaluate_web_identity(doc, request())
    (reason,) = finding_reasons(decision, Cause.WRONG_SUBJECT)
    assert reason.endswith("(a `?` under StringEquals matches only a literal question mark)")


def test_negated_operator_reason() -> None:
    doc = policy(statement({"StringNotEquals": {f"{ISSUER}:sub": SUB}}))
    decision = evaluate_web_identity(doc, request())
    assert finding_reasons(decision, Cause.WRONG_SUBJECT) == [
        f"sub {SUB} matches {SUB}, which StringNotEquals excludes"
    ]


def test_null_reason() -> None:
    doc = policy(statement({"Null": {f"{ISSUER}:amr": "false"}}))
    decision = evaluate_web_identity(doc, request())
    assert finding_reasons(decision, Cause.OTHER_CONDITION) == [
        f"Null requires {ISSUER}:amr to be present, and it is absent"
    ]


def test_several_findings_of_one_statement_are_all_reported() -> None:
    decision = evaluate_web_identity(rendered(), request(sub="system:serviceaccount:orders:default", aud=("x",)))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_SUBJECT, Cause.WRONG_AUDIENCE)


# --- shapes the package renders ------------------------------------------------------------------------


def two_clusters() -> dict:
    first = render_trust_policy(PROVIDER, ISSUER, [Subject("orders", "orders-api")], AUD)
    second = render_trust_policy(OTHER_PROVIDER, OTHER_ISSUER, [Subject("orders", "orders-api")], AUD)
    return {"Version": "2012-10-17", "Statement": first["Statement"] + second["Statement"]}


def test_one_statement_per_cluster_admits_each_cluster() -> None:
    doc = two_clusters()
    assert evaluate_web_identity(doc, request()).allowed
    second = evaluate_web_identity(doc, request(issuer=OTHER_ISSUER, provider_arn=OTHER_PROVIDER))
    assert second.allowed
    assert second.reasons[0].startswith("statement 1 allows")


def test_one_statement_per_cluster_reports_only_the_statement_for_the_token_issuer() -> None:
    decision = evaluate_web_identity(two_clusters(), request(sub="system:serviceaccount:orders:default"))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_SUBJECT)
    assert [f.statement for f in decision.findings] == [None, 0]
    assert decision.reasons[1].startswith("statement 0: sub is system:serviceaccount:orders:default")


def test_one_statement_per_cluster_third_cluster_is_an_issuer_mismatch_for_each() -> None:
    third_issuer = "oidc.eks.us-west-2.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
    third = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{third_issuer}"
    decision = evaluate_web_identity(two_clusters(), request(issuer=third_issuer, provider_arn=third))
    assert [(f.cause, f.statement) for f in decision.findings] == [
        (Cause.NO_MATCHING_STATEMENT, None),
        (Cause.ISSUER_MISMATCH, 0),
        (Cause.ISSUER_MISMATCH, 1),
    ]


def test_sorted_subject_list_admits_each_and_only_those() -> None:
    subjects = [Subject("orders", "orders-api"), Subject("orders", "orders-worker"), Subject("billing", "invoicer")]
    doc = rendered(subjects)
    for subject in subjects:
        assert evaluate_web_identity(doc, request(sub=subject.value)).allowed
    assert not evaluate_web_identity(doc, request(sub=Subject("billing", "orders-api").value)).allowed


def test_stringlike_subject_with_exact_audience() -> None:
    doc = policy(
        statement(
            {
                "StringLike": {f"{ISSUER}:sub": "system:serviceaccount:orders:*"},
                "StringEquals": {f"{ISSUER}:aud": AUD},
            }
        )
    )
    assert evaluate_web_identity(doc, request(sub="system:serviceaccount:orders:anything")).allowed
    other_ns = evaluate_web_identity(doc, request(sub="system:serviceaccount:billing:orders-api"))
    assert finding_reasons(other_ns, Cause.WRONG_SUBJECT) == [
        "sub is system:serviceaccount:billing:orders-api; the role expects a match for "
        "system:serviceaccount:orders:* (wrong namespace: billing instead of orders)"
    ]
    assert evaluate_web_identity(doc, request(aud=("other",))).causes == (
        Cause.NO_MATCHING_STATEMENT,
        Cause.WRONG_AUDIENCE,
    )


# --- properties: the rendered policy admits exactly its subject ----------------------------------------

_LABEL = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", fullmatch=True)
NAMESPACES = _LABEL
SERVICE_ACCOUNTS = st.lists(_LABEL, min_size=1, max_size=4).map(".".join).filter(lambda s: len(s) <= 253)
ISSUERS = st.builds(
    "oidc.eks.{}.amazonaws.com/id/{}".format,
    st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1"]),
    st.from_regex(r"[0-9A-F]{32}", fullmatch=True),
)
ACCOUNTS = st.from_regex(r"[0-9]{12}", fullmatch=True)


def _provider(account: str, issuer: str) -> str:
    return f"arn:aws:iam::{account}:oidc-provider/{issuer}"


@SETTINGS
@given(ns=NAMESPACES, sa=SERVICE_ACCOUNTS, issuer=ISSUERS, account=ACCOUNTS)
def test_rendered_policy_admits_its_subject(ns: str, sa: str, issuer: str, account: str) -> None:
    doc = render_trust_policy(_provider(account, issuer), issuer, [Subject(ns, sa)], AUD)
    req = WebIdentityRequest(
        _provider(account, issuer), f"https://{issuer}", f"system:serviceaccount:{ns}:{sa}", (AUD,)
    )
    assert evaluate_web_identity(doc, req).allowed


@SETTINGS
@given(ns=NAMESPACES, sa=SERVICE_ACCOUNTS, other_ns=NAMESPACES, other_sa=SERVICE_ACCOUNTS, pick=st.integers(0, 2))
def test_rendered_policy_denies_every_other_subject(ns: str, sa: str, other_ns: str, other_sa: str, pick: int) -> None:
    # pick: 0 = other namespace, 1 = other service account, 2 = both
    token_ns = ns if pick == 1 else other_ns
    token_sa = sa if pick == 0 else other_sa
    assume((token_ns, token_sa) != (ns, sa))
    doc = render_trust_policy(PROVIDER, ISSUER, [Subject(ns, sa)], AUD)
    decision = evaluate_web_identity(doc, request(sub=f"system:serviceaccount:{token_ns}:{token_sa}"))
    assert not decision.allowed
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_SUBJECT)
    (reason,) = finding_reasons(decision, Cause.WRONG_SUBJECT)
    if token_ns == ns:
        assert reason.endswith(f"(wrong service account: {token_sa} instead of {sa})")
    elif token_sa == sa:
        assert reason.endswith(f"(wrong namespace: {token_ns} instead of {ns})")


@SETTINGS
@given(ns=NAMESPACES, sa=SERVICE_ACCOUNTS, audience=st.text(min_size=1, max_size=40))
def test_rendered_policy_denies_every_other_audience(ns: str, sa: str, audience: str) -> None:
    assume(audience != AUD)
    doc = render_trust_policy(PROVIDER, ISSUER, [Subject(ns, sa)], AUD)
    decision = evaluate_web_identity(doc, request(sub=f"system:serviceaccount:{ns}:{sa}", aud=(audience,)))
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.WRONG_AUDIENCE)


@SETTINGS
@given(ns=NAMESPACES, sa=SERVICE_ACCOUNTS, other_issuer=ISSUERS)
def test_rendered_policy_denies_every_other_issuer(ns: str, sa: str, other_issuer: str) -> None:
    assume(other_issuer != ISSUER)
    doc = render_trust_policy(PROVIDER, ISSUER, [Subject(ns, sa)], AUD)
    req = WebIdentityRequest(_provider(ACCOUNT, other_issuer), other_issuer, f"system:serviceaccount:{ns}:{sa}", (AUD,))
    decision = evaluate_web_identity(doc, req)
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.ISSUER_MISMATCH)


@SETTINGS
@given(ns=NAMESPACES, sa=SERVICE_ACCOUNTS, other_account=ACCOUNTS)
def test_rendered_policy_denies_the_provider_of_every_other_account(ns: str, sa: str, other_account: str) -> None:
    assume(other_account != ACCOUNT)
    doc = render_trust_policy(PROVIDER, ISSUER, [Subject(ns, sa)], AUD)
    req = request(provider_arn=_provider(other_account, ISSUER), sub=f"system:serviceaccount:{ns}:{sa}")
    decision = evaluate_web_identity(doc, req)
    assert decision.causes == (Cause.NO_MATCHING_STATEMENT, Cause.PROVIDER_OTHER_ACCOUNT)
