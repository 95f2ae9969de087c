"""The permissions judgement as :func:`~eks_irsa.plan.rules.plan_role` calls it: the lint and the role's
judgement (:func:`eks_irsa.iam.judgement.judge_role`) as Problems and warnings. Pure: standard library and
the compact IAM table only; results are cached by content in :mod:`eks_irsa.iam.judgement`.
"""

from collections.abc import Mapping, Sequence

from ..errors import Problem
from ..iam import table
from ..iam.escalation import methods
from ..iam.judgement import judge_role, unknown_managed_findings
from ..iam.lint import lint_statements, statement_index
from ..iam.policy import PolicyStatement
from ..iam.risk import ManagedPolicy, Risk


def lint(
    name: str, statements: Sequence[PolicyStatement], account: str | None = None, region: str | None = None
) -> tuple[list[Problem], list[str]]:
    """The permissions lint (:mod:`eks_irsa.iam.lint`, on the compact IAM table): errors as Problems,
    warnings as lines.

    Args:
        name: the service, copied into the messages.
        statements: the role's (or session policy's) statements.
        account, region: the stack's, for reach and other-account warnings (``None``: unknown).
    """
    problems, warnings = [], []
    for finding in lint_statements(name, statements, account, region):
        if finding.refused:
            index = statement_index(finding)
            problems.append(
                Problem(
                    "statements" if index is None else f"statements[{index}]",
                    list(statements[index].actions) if index is not None else finding.code,
                    f"fails the permissions lint: {finding.code}: {finding.rule}",
                    LINT_DOCS,
                    finding.fix,
                )
            )
        else:
            warnings.append(f"{finding.resource}: {finding.code} {finding.field} ({finding.value}): {finding.rule}")
    return problems, warnings


LINT_DOCS = "eks_irsa.iam.lint (by reach, on the Service Authorization Reference: docs/permissions.md)"

Assessment = tuple[tuple[Problem, ...], tuple[str, ...], tuple[Risk, ...], tuple[tuple[ManagedPolicy, ...], str] | None]
"""What :func:`assess` returns: problems, warnings, risk categories, and the managed policies with their source."""

RISK_DOCS = "eks_irsa.iam.risk (risk categories by access level and reach: docs/permissions.md)"


def assess(
    name: str,
    statements: Sequence[PolicyStatement],
    managed_arns: Sequence[str],
    managed_justifications: Mapping[str, str] | None = None,
    session_statements: Sequence[PolicyStatement] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Assessment:
    """AWS managed policies looked into and judged like statements, risk categories and privilege
    escalation judged over the whole role (:func:`eks_irsa.iam.judgement.judge_role`).

    Rules: an AWS managed policy ARN whose name (and path) is not in the table is an error (IAM refuses
    to attach it, so it fails only at deploy otherwise). A managed policy's document is linted as
    statements are, its justification (``managed_policy_justifications``) standing for theirs. A risk
    category reached by a statement or managed policy is an error unless its justification names the
    category; privilege escalation unless it names each method its source opens. A session policy
    (Pod Identity) intersects: only what both grant counts.
    """
    judged = judge_role(name, statements, managed_arns, managed_justifications, session_statements, account, region)
    problems = [finding.problem() for finding in unknown_managed_findings(judged)]
    warnings: list[str] = []
    for item in judged.findings:
        if item.field != "managed_policy_arns":
            continue
        finding = item.finding
        if finding.refused:
            problems.append(
                Problem(
                    "managed_policy_arns",
                    item.source,
                    f"fails the permissions lint in its document, {finding.field} ({finding.value}): {finding.code}: "
                    f"{finding.rule}",
                    LINT_DOCS,
                    "attach a narrower policy or write statements; if it is meant, give "
                    f"managed_policy_justifications[{item.source!r}] saying why",
                )
            )
        else:
            warnings.append(f"{item.source}: {finding.code} {finding.field}: {finding.rule}")
    by_name = {m.name: m.arn for m in judged.managed}
    for risk in judged.risks:
        for source in risk.unjustified:
            problems.append(_risk_problem(risk, source, statements, by_name))
    return tuple(problems), tuple(warnings), judged.risks, (judged.managed, table.source())


def _risk_problem(
    risk: Risk, source: str, statements: Sequence[PolicyStatement], managed: Mapping[str, str]
) -> Problem:
    """The problem of one source whose justification does not name a risk it reaches."""
    shown = f"{', '.join(risk.actions[:6])}{', ...' if len(risk.actions) > 6 else ''}"
    value: str | list[str]
    if source.startswith("statements["):
        where, value = source, list(statements[int(source[len("statements[") : -1])].actions)
        say = "give the statement a justification"
    elif source.startswith("session_policy["):
        where, value, say = source, shown, "give the session policy statement a justification"
    else:
        where, value = f"managed_policy_justifications[{managed[source]!r}]", managed[source]
        say = "give the managed policy a justification"
    if risk.category == "privilege escalation":
        opened = [m for m in methods() if m.name in risk.methods]
        detail = "; ".join(f"{m.name} ({' + '.join(m.actions)}; source: {m.source})" for m in opened)
        return Problem(
            where,
            value,
            f"opens privilege escalation with {', '.join(risk.sources)}: {detail}; its justification does not "
            "name the method",
            RISK_DOCS,
            f"narrow the grants (ARNs of the roles or policies it needs, a condition), or {say} naming "
            f"{' and '.join(risk.methods)}",
        )
    return Problem(
        where,
        value,
        f"reaches the risk category {risk.category!r} ({shown}) and its justification does not name it",
        RISK_DOCS,
        f"narrow the grant (ARNs in the account, a condition on a key the actions support), or {say} saying "
        f"why it needs {risk.category}",
    )


def check_managed_justifications(justifications: Mapping[str, str], managed: Sequence[str]) -> list[Problem]:
    """Problems for a justification of a managed policy ARN the role does not attach (a typo): refused."""
    return [
        Problem(
            f"managed_policy_justifications[{arn!r}]",
            arn,
            "justifies a managed policy that managed_policy_arns does not attach",
            "this package (IrsaRoleArgs.managed_policy_justifications)",
            f"use one of {', '.join(managed) or '(none attached)'}, or remove it",
        )
        for arn in justifications
        if arn not in managed
    ]
