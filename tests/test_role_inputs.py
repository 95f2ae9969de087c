"""``IrsaRole``'s permissions boundary as an Output (e.g. an ``aws.iam.Policy`` made in the same program):
the same children as with the plain ARN, and a bad ARN inside the Output fails with the plain one's problem.

What mocks cannot prove: that the engine prints the error raised inside the ``apply`` as the CLI prints a
plain one; the policy's ARN here is the mock monitor's placeholder.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from eks_irsa import IrsaRole, IrsaRoleArgs
from eks_irsa.testing import UNKNOWN, EksIrsaMocks, run_program
from tests.conftest import raised_problems

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ROLE = "aws:iam/role:Role"


def _args(**overrides) -> IrsaRoleArgs:
    base = dict(
        oidc_provider_arn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
        oidc_issuer=ISSUER,
        cluster_name="acme",
        namespace="orders",
        create_service_account=False,
        statements=[{"actions": ["sqs:SendMessage"], "resources": [f"arn:aws:sqs:us-west-2:{ACCOUNT}:orders"]}],
    )
    base.update(overrides)
    return IrsaRoleArgs(**base)  # a TypedDict: a plain dict at run time


def _run(build, preview: bool = False):
    return run_program(build, {}, "t", mocks=EksIrsaMocks(account_id=ACCOUNT, preview=preview))


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_a_boundary_policy_made_in_the_same_program_caps_the_role(preview):
    def build(as_output: bool):
        def program():
            boundary = aws.iam.Policy("boundary", policy='{"Version": "2012-10-17", "Statement": []}')
            given = boundary.arn if as_output else f"arn:aws:iam::{ACCOUNT}:policy/boundary"
            IrsaRole("orders-api", _args(permissions_boundary=given))

        return program

    fed, plain = _run(build(True), preview), _run(build(False), preview)
    assert [(r.type, r.name, r.parent) for r in fed.registrations] == [
        (r.type, r.name, r.parent) for r in plain.registrations
    ]
    [role] = [r for r in fed.registrations if r.type == ROLE]
    [policy] = [r for r in fed.registrations if r.type == "aws:iam/policy:Policy"]
    assert "boundary" in role.dependencies
    assert role.inputs["permissionsBoundary"] == (UNKNOWN if preview else policy.outputs["arn"])


def _problems(boundary: str, as_output: bool) -> list[str]:
    """The problems the caller gets: raised by the constructor for a plain ARN; for an Output, raised inside its
    ``apply`` and reaching the run as the cause of the SDK's 'While processing resource' errors."""

    def build() -> None:
        given = pulumi.Output.from_input(boundary) if as_output else boundary
        IrsaRole("orders-api", _args(permissions_boundary=given))

    return raised_problems(_run, build)


@pytest.mark.parametrize(
    ("boundary", "rule"),
    [
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", "grants a whole service or account"),
        ("arn:aws:iam::444455556666:policy/boundary", "is a customer managed policy of account 444455556666"),
        ("arn:aws-cn:iam::111122223333:policy/boundary", "aws-cn"),
        ("arn:aws:iam::111122223333:role/boundary", "is not an IAM policy ARN"),
    ],
    ids=["full-access", "other-account", "other-partition", "not-a-policy"],
)
def test_a_bad_boundary_inside_an_output_fails_with_the_plain_arn_s_problem_text(boundary, rule):
    plain = _problems(boundary, as_output=False)
    assert len(plain) == 1 and plain[0].startswith(f"IrsaRole orders-api: permissions_boundary: {boundary!r} ")
    assert rule in plain[0]
    assert _problems(boundary, as_output=True) == plain


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        # The attacker review (after issue 16): each raised a raw TypeError inside a rule.
        ({"statements": "OUT"}, "statements"),
        ({"statements": [{"actions": ["sqs:SendMessage"], "resources": "OUT"}]}, "statements[0].resources"),
        ({"managed_policy_arns": "OUT"}, "managed_policy_arns"),
        ({"managed_policy_arns": ["OUT"]}, "managed_policy_arns[0]"),
        ({"subject_pattern": "OUT"}, "subject_pattern"),
        ({"service_account": "OUT"}, "service_account"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_an_output_in_a_field_the_rules_read_is_refused_by_name(overrides, field):
    def build():
        IrsaRole("orders-api", _args(**_with_outputs(overrides)))

    problems = raised_problems(_run, build)
    assert any(f" {field}: '<Output>' is a Pulumi Output" in p for p in problems), problems


def _with_outputs(value):
    """``value`` with each ``"OUT"`` replaced by an Output (of a value that would be refused if it were plain)."""
    if value == "OUT":
        return pulumi.Output.from_input(["arn:aws:iam::aws:policy/AdministratorAccess"])
    if isinstance(value, dict):
        return {k: _with_outputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_outputs(v) for v in value]
    return value
