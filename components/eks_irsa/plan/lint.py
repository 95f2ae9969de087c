"""The permissions lint and the risk assessment as :func:`~eks_irsa.plan.rules.plan_role` calls them: findings as
Problems and warnings, cached by content. Pure: the lint libraries load only when called (the ``lint`` extra).
"""

from collections.abc import Sequence

from ..errors import Problem
from ..iam.arn import parse_arn
from ..iam.policy import PolicyStatement, canonical_json
from ..iam.risk import ManagedPolicy, Risk


def lint(name: str, statements: Sequence[PolicyStatement]) -> tuple[list[Problem], list[str]]:
    """The permissions lint (parliament + current IAM data, the ``lint`` extra): errors as Problems, warnings as lines.

    Without the extra, no error and one warning saying the lint did not run. Results are cached by
    the statements' content, so a program that checks a catalog before registering lints each role once.
    """
    key = (
        name,
        *((canonical_json(s.to_json()), bool(s.justification and s.justification.strip())) for s in statements),
    )
    if key not in _LINTED:
        _LINTED[key] = _lint(name, statements)
    problems, warnings = _LINTED[key]
    return list(problems), list(warnings)


_LINTED: dict[tuple[object, ...], tuple[tuple[Problem, ...], tuple[str, ...]]] = {}
"""Lint results by service name and statement content: the lint is pure, and the slowest rule."""


def _lint(name: str, statements: Sequence[PolicyStatement]) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    try:
        from ..iam.lint import Severity, lint_statements
    except ImportError as error:
        return (), (f"permissions lint skipped: {error.name} is not installed (pip install 'eks-irsa[lint]')",)
    problems, warnings = [], []
    for finding in lint_statements(name, statements):
        if finding.severity is Severity.ERROR:
            index = finding.statement.index
            problems.append(
                Problem(
                    "statements" if index is None else f"statements[{index}]",
                    list(finding.statement.actions) or finding.code,
                    f"fails the permissions lint: {finding.code}: {finding.message}",
                    "eks_irsa.iam.lint (parliament and current IAM data)",
                    "fix the action or resource the message names",
                )
            )
        else:
            warnings.append(str(finding))
    return tuple(problems), tuple(warnings)


Assessment = tuple[tuple[Problem, ...], tuple[str, ...], tuple[Risk, ...], tuple[tuple[ManagedPolicy, ...], str] | None]
"""What :func:`assess` returns: problems, warnings, risk categories, and the managed policies with their source."""

RISK_DOCS = "cloudsplaining (salesforce/cloudsplaining) risk categories, via eks_irsa.iam.risk"


def assess(statements: Sequence[PolicyStatement], managed_arns: Sequence[str]) -> Assessment:
    """AWS managed policies looked into and risk categories judged (the ``lint`` extra; without it, a warning).

    Rules: an AWS managed policy ARN whose name (and path) is not in the offline copy is an error (IAM
    refuses to attach it, so it fails only at deploy otherwise). A risk category reached by a
    statement is an error unless that statement's ``justification`` names it; one reached only
    through AWS managed policies is a warning (they carry no justification; the plan records it).
    Results are cached by content.
    """
    key = (
        tuple((canonical_json(s.to_json()), s.justification or "") for s in statements),
        tuple(managed_arns),
    )
    if key not in _ASSESSED:
        _ASSESSED[key] = _assess(statements, managed_arns)
    return _ASSESSED[key]


_ASSESSED: dict[tuple[object, ...], Assessment] = {}


def _assess(statements: Sequence[PolicyStatement], managed_arns: Sequence[str]) -> Assessment:
    from ..iam import risk

    if not risk.available():
        return (), ("risk categories and managed policies not assessed: pip install 'eks-irsa[lint]'",), (), None
    problems: list[Problem] = []
    managed: list[ManagedPolicy] = []
    for arn in managed_arns:
        parsed = parse_arn(arn)
        if parsed is None or parsed.account != "aws":
            continue
        policy = risk.aws_managed_policy(arn)
        if policy is None:
            close = risk.close_managed_policy_names(arn)
            problems.append(
                Problem(
                    "managed_policy_arns",
                    arn,
                    f"is not an AWS managed policy (name and path) in {risk.managed_policy_source()}; IAM would "
                    "refuse to attach it at deploy",
                    "IAM User Guide, 'AWS managed policies'",
                    f"did you mean {close[0]}?" if close else "copy the ARN from the IAM console or docs",
                )
            )
        else:
            managed.append(policy)
    warnings: list[str] = []
    found = risk.risks(statements, managed)
    for item in found:
        for where in item.unjustified:
            problems.append(
                Problem(
                    where,
                    list(statements[int(where[len("statements[") : -1])].actions),
                    f"reaches the risk category {item.category!r} ({', '.join(item.actions[:6])}"
                    f"{', ...' if len(item.actions) > 6 else ''}) and its justification does not name it",
                    RISK_DOCS,
                    f"narrow the statement (ARNs or a Condition), or give it a justification saying why it needs "
                    f"{item.category}",
                )
            )
        if not any(s.startswith("statements[") for s in item.sources):
            warnings.append(
                f"{item.category} through AWS managed policies {', '.join(item.sources)}: "
                f"{', '.join(item.actions[:6])}{', ...' if len(item.actions) > 6 else ''}"
            )
    return tuple(problems), tuple(warnings), found, (tuple(managed), risk.managed_policy_source())
