"""The ARN rules of a role plan: every ARN a role names (statements' resources, managed policies, the permissions
boundary, an existing or target role) in the role's partition and account, and no AWS full-access policy as a
boundary. Pure: no Pulumi import. Called by :func:`~eks_irsa.plan.rules.plan_role`.
"""

from collections.abc import Sequence

from ..errors import IrsaConfigError, Problem
from ..iam.arn import ARN_DOCS, parse_arn, parse_iam_arn
from ..iam.policy import PolicyStatement
from .model import RolePlan

BROAD_MANAGED_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
"""AWS managed policies refused as a permissions boundary, with every ``*FullAccess`` one: they grant whole
services or accounts. Attached ones (``managed_policy_arns``) are judged by their documents instead."""


FULL_ACCESS_RULE = (
    "grants a whole service or account (an AWS managed full-access policy); least privilege cannot be proven for it"
)


def check_permissions_boundary(plan: RolePlan, boundary: str) -> str:
    """A permissions boundary once an Output resolves, checked as a plain one is: an IAM policy ARN in the
    role's partition, no AWS full-access policy, a customer policy of the role's (or target role's) account.

    Raises:
        IrsaConfigError: the ARN breaks one of those rules (fields as in ``IrsaRoleArgs``).
    """
    problems = partition_problems([("permissions_boundary", boundary)], plan.partition)
    problems += check_iam_arn(
        "permissions_boundary", "policy", boundary, plan.target_account_id or plan.role_account_id
    )
    if problems:
        raise IrsaConfigError(problems)
    return boundary


def check_arns(
    statements: Sequence[PolicyStatement],
    managed: Sequence[str],
    boundary: str | None,
    existing: str | None,
    partition: str | None,
    account: str | None,
) -> list[Problem]:
    """Every ARN the role names: its partition against the role's; IAM ARNs' shape, reach and account."""
    iam_arns = [("managed_policy_arns", "policy", arn) for arn in managed]
    iam_arns += [("permissions_boundary", "policy", boundary)] if boundary is not None else []
    iam_arns += [("existing_role_arn", "role", existing)] if existing is not None else []
    named = [(f"statements[{i}].resources", r) for i, s in enumerate(statements) for r in s.resources]
    named += [(where, arn) for where, _, arn in iam_arns]
    problems = partition_problems(named, partition)
    for where, kind, value in iam_arns:
        found = check_iam_arn(where, kind, value, account)
        if where == "managed_policy_arns":  # judged by their documents (assess), as statements are
            found = [p for p in found if p.rule != FULL_ACCESS_RULE]
        problems += found
    return problems


def partition_problems(named: Sequence[tuple[str, str]], partition: str | None) -> list[Problem]:
    """ARNs (``(field, value)``) in another partition than the role's."""
    problems: list[Problem] = []
    for where, value in named:
        parsed = parse_arn(value)
        if partition and parsed is not None and parsed.partition != partition:
            problems.append(
                Problem(
                    where,
                    value,
                    f"names partition {parsed.partition!r}, but the role's is {partition!r}",
                    ARN_DOCS,
                    "write the role's partition (in a catalog: arn:${partition}:...)",
                )
            )
    return problems


def check_iam_arn(where: str, kind: str, value: str, account: str | None) -> list[Problem]:
    """An IAM policy or role ARN: its shape (:func:`~eks_irsa.iam.arn.parse_iam_arn`, the rule the policy pack and
    the audit apply: ``iam``, no region, a 12-digit account, ``<kind>/<path and name>``; ``aws`` for an AWS managed
    policy), no AWS full-access policy, a customer policy of the role's account."""
    parsed = parse_iam_arn(value, kind)
    if parsed is None and kind == "policy":
        managed = parse_arn(value)
        if managed and managed.account == "aws" and managed.service == "iam" and not managed.region:
            parsed = managed if managed.resource.startswith("policy/") and managed.resource_id else None
    if parsed is None:
        return [
            Problem(
                where,
                value,
                f"is not an IAM {kind} ARN",
                "IAM User Guide, 'IAM identifiers'",
                f"give arn:<partition>:iam::<account>:{kind}/<name>",
            )
        ]
    if kind == "policy" and parsed.account == "aws":
        policy = parsed.resource_id.rsplit("/", 1)[-1]
        if policy in BROAD_MANAGED_POLICIES or policy.endswith("FullAccess"):
            return [
                Problem(
                    where,
                    value,
                    FULL_ACCESS_RULE,
                    "IAM User Guide, 'Security best practices in IAM' (grant least privilege)",
                    "write statements scoped to the resources the service uses",
                )
            ]
    elif kind == "policy" and account and parsed.account != account:
        return [
            Problem(
                where,
                value,
                f"is a customer managed policy of account {parsed.account}; a role in {account} can only attach "
                "its own account's or AWS managed policies",
                "IAM User Guide, 'Managed policies and inline policies'",
                "create the policy in the role's account",
            )
        ]
    return []
