"""Principals a workload role trusts beside its workload: anyone (``*``), another account, anything else.

A workload role (one trusting an EKS cluster's OIDC provider or ``pods.eks.amazonaws.com``) holds what its
pods need and nothing else may take it. A second ``Allow`` statement naming ``"AWS": "*"`` lets every
principal of every AWS account call ``sts:AssumeRole`` on it; one naming another account lets that account
decide who does. Both are invisible to the web identity rules, which only read ``:sub`` and ``:aud``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..arn import ACCOUNT_ID, parse_arn
from ..findings import Finding, Severity
from ..trust import POD_IDENTITY_PRINCIPAL
from .context import TrustContext
from .statements import allows, base_operator, condition_entries, principals

PRINCIPAL_DOCS = (
    "IAM User Guide, 'IAM JSON policy elements: Principal' (All principals: a wildcard in a role trust policy "
    "lets anyone assume the role unless a Condition restricts it)"
)
CROSS_ACCOUNT_DOCS = (
    "IAM User Guide, 'IAM JSON policy elements: Principal' (AWS account principals: the account, not AWS, "
    "decides which of its identities may assume the role); 'Cross account resource access in IAM'"
)
PRINCIPAL_ARN_DOCS = "IAM User Guide, 'AWS global condition context keys' (aws:PrincipalArn, aws:PrincipalAccount)"

ASSUME_ACTIONS = ("sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity")
"""The STS calls a trust policy admits a caller to (AWS STS API Reference); ``sts:TagSession`` and the other
session actions only ride along with one of them."""

NAMING_OPERATORS = ("StringEquals", "ArnEquals", "StringLike", "ArnLike")
"""Operators that, on ``aws:PrincipalArn`` / ``aws:PrincipalAccount`` with literal values, allow only the
principals named (IAM User Guide, 'IAM JSON policy elements: Condition operators')."""

WORKLOAD_FIX = (
    "trust only the workload (its cluster's OIDC provider, or pods.eks.amazonaws.com) in this role; give any "
    "other principal a role of its own with the permissions it needs"
)


def other_principal_findings(
    where: str, statement: Mapping[str, object], context: TrustContext, *, web_identity: bool
) -> list[Finding]:
    """Principals of one ``Allow`` statement of a workload role that are not the workload.

    ``Principal: "*"`` (or ``"AWS": "*"``, or ``NotPrincipal``) with an assume action is
    ``TRUST_PRINCIPAL_ANY`` (critical) unless ``aws:PrincipalArn`` or ``aws:PrincipalAccount`` is pinned to
    literal values, which then count as the principals named. An AWS principal of another account than the
    role's is ``TRUST_PRINCIPAL_OTHER_ACCOUNT`` (high); any other principal (an AWS principal of the role's
    own account or of an account not known, a service other than ``pods.eks.amazonaws.com``, another
    federation) is ``TRUST_PRINCIPAL_OTHER`` (low). ``web_identity``: the statement was judged as the
    workload's web identity statement, whose ``Federated`` principals (and ``"*"``) are judged there.
    """
    if not any(allows(statement, action) for action in ASSUME_ACTIONS):
        return []
    anyone = (
        statement.get("Principal") == "*"
        or "NotPrincipal" in statement
        or any(v == "*" for kind in ("AWS", "Federated", "CanonicalUser") for v in principals(statement, kind))
    )
    if anyone:
        if web_identity:
            return []
        named = _named_by_conditions(statement)
        if named is None:
            return [_anyone(where, statement)]
        return [f for value in named for f in _aws_principal(f"{where}.Condition", value, context)]
    findings = [
        f for value in principals(statement, "AWS") for f in _aws_principal(f"{where}.Principal.AWS", value, context)
    ]
    findings += [
        _other(f"{where}.Principal.CanonicalUser", v, "an S3 canonical user")
        for v in principals(statement, "CanonicalUser")
    ]
    findings += [
        _other(f"{where}.Principal.Service", v, "an AWS service")
        for v in principals(statement, "Service")
        if v.lower() != POD_IDENTITY_PRINCIPAL
    ]
    if not web_identity:
        findings += [
            _other(f"{where}.Principal.Federated", v, "another federation") for v in principals(statement, "Federated")
        ]
    return findings


def _named_by_conditions(statement: Mapping[str, object]) -> list[str] | None:
    """The principals (ARNs or accounts) ``aws:PrincipalArn`` or ``aws:PrincipalAccount`` pin the statement to,
    or ``None`` when neither does: each must be under a naming operator without ``IfExists`` or a set prefix,
    every value literal (no ``*``, ``?`` or ``${...}`` policy variable)."""
    pinned: dict[str, list[str]] = {}
    for operator, key, values in condition_entries(statement):
        name = key.lower()
        if name not in ("aws:principalarn", "aws:principalaccount"):
            continue
        literal = values and not any(c in v for v in values for c in ("*", "?", "${"))
        plain = operator == base_operator(operator) and base_operator(operator) in NAMING_OPERATORS
        if literal and plain:
            pinned.setdefault(name, []).extend(values)
    return pinned.get("aws:principalarn", pinned.get("aws:principalaccount"))


def _account(value: str) -> str | None:
    """The account an AWS principal value belongs to: a bare account ID, or the account field of its ARN."""
    if ACCOUNT_ID.fullmatch(value):
        return value
    arn = parse_arn(value)
    return arn.account if arn is not None and ACCOUNT_ID.fullmatch(arn.account) else None


def _aws_principal(at: str, value: str, context: TrustContext) -> list[Finding]:
    account = _account(value)
    if account is not None and context.role_account and account != context.role_account:
        return [
            Finding(
                "TRUST_PRINCIPAL_OTHER_ACCOUNT",
                Severity.HIGH,
                at,
                value,
                f"lets account {account} (any identity it allows, not only the one named when it is the account) "
                f"assume a workload role of account {context.role_account} and use every permission of its pods",
                CROSS_ACCOUNT_DOCS,
                WORKLOAD_FIX,
            )
        ]
    return [_other(at, value, "an AWS principal")]


def _anyone(where: str, statement: Mapping[str, object]) -> Finding:
    at = f"{where}.NotPrincipal" if "NotPrincipal" in statement else f"{where}.Principal"
    return Finding(
        "TRUST_PRINCIPAL_ANY",
        Severity.CRITICAL,
        at,
        statement.get("NotPrincipal", statement.get("Principal")),
        "lets any principal of any AWS account assume the workload role (its conditions do not pin "
        "aws:PrincipalArn or aws:PrincipalAccount to literal values)",
        f"{PRINCIPAL_DOCS}; {PRINCIPAL_ARN_DOCS}",
        WORKLOAD_FIX,
    )


def _other(at: str, value: str, kind: str) -> Finding:
    return Finding(
        "TRUST_PRINCIPAL_OTHER",
        Severity.LOW,
        at,
        value,
        f"is {kind} beside the workload; it may assume the workload role and use every permission of its pods",
        PRINCIPAL_DOCS,
        WORKLOAD_FIX,
    )
