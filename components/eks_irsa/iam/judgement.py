"""One judgement of everything a role holds: the same rules for its statements and its AWS managed policies.

Standard library only. :func:`judge_role` lints each source (the role's statements as one document,
each AWS managed policy's document with the justification given for its ARN, the session policy),
turns them into grants, and judges risk categories and privilege escalation over the whole role (the
session policy's intersection where one applies). The plan (:mod:`eks_irsa.plan`) reports its errors
before anything is registered; the policy pack and the audit can call the same function.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import table
from .escalation import methods
from .findings import Finding, Severity, sorted_findings
from .grants import Grant, grants, statements_of
from .lint import lint_document, lint_statements, statement_index
from .policy import PolicyStatement, canonical_json
from .risk import Risk, risks


@dataclass(frozen=True)
class SourcedFinding:
    """A lint finding with the input field it belongs to.

    Attributes:
        field: ``statements``, ``session_policy`` or ``managed_policy_arns``.
        source: ``statements[<i>]``, ``session_policy[<i>]``, an AWS managed policy's ARN, or the field
            itself for a finding on a whole document.
        finding: the :class:`~eks_irsa.iam.findings.Finding`.
    """

    field: str
    source: str
    finding: Finding


@dataclass(frozen=True)
class Judgement:
    """What :func:`judge_role` found.

    Attributes:
        findings: lint findings of every source, statements first, then managed policies by ARN, then
            the session policy.
        risks: the role's risk categories (:func:`eks_irsa.iam.risk.risks`).
        managed: the AWS managed policies found in the table, by ARN.
        unknown_managed: AWS managed policy ARNs the table does not hold (IAM refuses to attach them).
        justifications: each source's justification, by source label.
    """

    findings: tuple[SourcedFinding, ...]
    risks: tuple[Risk, ...]
    managed: tuple[table.ManagedPolicy, ...]
    unknown_managed: tuple[str, ...]
    justifications: Mapping[str, str | None]


def judge_role(
    name: str,
    statements: Sequence[PolicyStatement],
    managed_arns: Sequence[str] = (),
    managed_justifications: Mapping[str, str] | None = None,
    session_statements: Sequence[PolicyStatement] | None = None,
    account: str | None = None,
    region: str | None = None,
) -> Judgement:
    """Judge a role's permissions as a whole.

    Args:
        name: the service (or component) name, copied into findings.
        statements: the role's statements in plan order (inline, policy files, add-on sets).
        managed_arns: the managed policy ARNs attached; only AWS managed ones (account ``aws``) are
            looked into, customer managed ones are judged where they are defined.
        managed_justifications: justification per AWS managed policy ARN (IrsaRoleArgs
            ``managed_policy_justifications``): allows reach ``*`` / any account in its document and
            names the risk categories and escalation methods it opens.
        session_statements: the session policy (EKS Pod Identity), or ``None`` when none applies.
        account, region: the stack's, for reach and other-account warnings (``None``: unknown).

    Returns:
        A :class:`Judgement`; cached by content.
    """
    key = (
        name,
        tuple((canonical_json(s.to_json()), s.justification or "") for s in statements),
        tuple(managed_arns),
        tuple(sorted((managed_justifications or {}).items())),
        None if session_statements is None else tuple(canonical_json(s.to_json()) for s in session_statements),
        account,
        region,
    )
    if key not in _JUDGED:
        session = tuple(session_statements) if session_statements is not None else None
        _JUDGED[key] = _judge(key, tuple(statements), session)
    return _JUDGED[key]


_JUDGED: dict[tuple[object, ...], Judgement] = {}
"""Judgements by content: the judgement is pure, and a catalog's roles often share statements."""


def _judge(
    key: tuple[object, ...],
    statements: tuple[PolicyStatement, ...],
    session_statements: tuple[PolicyStatement, ...] | None,
) -> Judgement:
    name, _, managed_arns, justified_pairs, _, account, region = key
    managed_justifications = dict(justified_pairs)  # type: ignore[call-overload]
    findings: list[SourcedFinding] = []
    justifications: dict[str, str | None] = {}
    role: list[Grant] = []
    for finding in lint_statements(str(name), statements, account, region):  # type: ignore[arg-type]
        index = statement_index(finding)
        findings.append(
            SourcedFinding("statements", "statements" if index is None else f"statements[{index}]", finding)
        )
    for index, statement in enumerate(statements):
        label = f"statements[{index}]"
        justifications[label] = statement.justification
        role += grants(label, statement.to_json(), account, region)  # type: ignore[arg-type]
    managed, unknown = _managed(
        str(name),
        [(str(arn), managed_justifications.get(arn)) for arn in managed_arns],  # type: ignore[attr-defined]
        account,  # type: ignore[arg-type]
        region,  # type: ignore[arg-type]
        findings,
        justifications,
        role,
    )
    session: list[Grant] | None = None
    if session_statements is not None:
        session = []
        for index, statement in enumerate(session_statements):
            label = f"session_policy[{index}]"
            justifications[label] = statement.justification
            session += grants(label, statement.to_json(), account, region)  # type: ignore[arg-type]
    found = risks(role, justifications, session)
    return Judgement(tuple(findings), found, tuple(managed), tuple(unknown), justifications)


def _managed(
    name: str,
    arns: Sequence[tuple[str, str | None]],
    account: str | None,
    region: str | None,
    findings: list[SourcedFinding],
    justifications: dict[str, str | None],
    role: list[Grant],
) -> tuple[list[table.ManagedPolicy], list[str]]:
    """Look into the AWS managed policies of ``arns`` (``(ARN, justification)``; customer managed ones are
    skipped): lint each document with its justification, add its grants to ``role`` under the policy's
    name. Returns the policies found and the AWS managed ARNs the table does not hold."""
    managed: list[table.ManagedPolicy] = []
    unknown: list[str] = []
    for arn, why in arns:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[4] != "aws":
            continue
        policy = table.managed_policy(arn)
        if policy is None:
            unknown.append(arn)
            continue
        managed.append(policy)
        justifications[policy.name] = why
        for finding in lint_document(f"{name} ({policy.name})", policy.document, account, region, why):
            findings.append(SourcedFinding("managed_policy_arns", arn, finding))
        for item in statements_of(policy.document):
            role += grants(policy.name, item, account, region)
    return managed, unknown


def judge_documents(
    name: str,
    documents: Sequence[tuple[str, Mapping[str, object], str | None]],
    managed_arns: Sequence[tuple[str, str | None]] = (),
    account: str | None = None,
    region: str | None = None,
) -> Judgement:
    """:func:`judge_role` for a role known only by its policy documents (the policy pack, the audit).

    The same rules as for the components' statements: each document linted (:func:`lint_document`), AWS
    managed policies looked into and linted, risk categories and privilege escalation judged over every
    grant of the role together.

    Args:
        name: the role, copied into findings.
        documents: ``(source, document, justification)`` of each permissions policy the role holds (an
            inline policy, a customer managed policy attached to it); ``source`` labels the grants and
            findings, e.g. the resource's name.
        managed_arns: ``(ARN, justification)`` of each managed policy attached; AWS managed ones are looked
            into, under the policy's name as source.
        account, region: the role's, for reach (``None``: unknown).

    Returns:
        A :class:`Judgement` whose findings carry ``field`` ``documents`` (source: the document's label) or
        ``managed_policy_arns`` (source: the ARN).
    """
    findings: list[SourcedFinding] = []
    justifications: dict[str, str | None] = {}
    role: list[Grant] = []
    for source, document, why in documents:
        justifications[source] = why
        for finding in lint_document(f"{name} ({source})", document, account, region, why):
            findings.append(SourcedFinding("documents", source, finding))
        for item in statements_of(document):
            role += grants(source, item, account, region)
    managed, unknown = _managed(name, managed_arns, account, region, findings, justifications, role)
    found = risks(role, justifications)
    return Judgement(tuple(findings), found, tuple(managed), tuple(unknown), justifications)


RISK_DOCS = "eks_irsa.iam.risk (risk categories by access level and reach: docs/permissions.md)"
"""The ``source`` of :func:`risk_findings`."""


def unknown_managed_findings(judgement: Judgement) -> list[Finding]:
    """``IRSA_MANAGED_POLICY_UNKNOWN`` (medium), one per AWS managed policy ARN of ``judgement`` the table does not
    hold (name and path): IAM refuses to attach it. The plan raises them as problems, the pack and the audit
    report them (:func:`risk_findings`)."""
    found = []
    for arn in judgement.unknown_managed:
        close = table.close_managed_policy_name(arn)
        found.append(
            Finding(
                "IRSA_MANAGED_POLICY_UNKNOWN",
                Severity.MEDIUM,
                "managed_policy_arns",
                arn,
                f"is not an AWS managed policy (name and path) in {table.source()}; IAM refuses to attach it",
                "IAM User Guide, 'AWS managed policies'",
                f"did you mean {close}?" if close else "copy the ARN from the IAM console or docs",
            )
        )
    return found


def risk_findings(judgement: Judgement) -> list[Finding]:
    """What the plan refuses in a :class:`Judgement` beside the lint, as findings (one per unjustified source).

    * ``IRSA_PRIVILEGE_ESCALATION`` (critical): a source grants an action of an open escalation method
      (:mod:`eks_irsa.iam.escalation`) and its justification does not name the method.
    * ``IRSA_RISK_UNJUSTIFIED`` (high): a source reaches a risk category (:mod:`eks_irsa.iam.risk`) and its
      justification does not name it.
    * ``IRSA_MANAGED_POLICY_UNKNOWN`` (medium): an AWS managed policy ARN the table does not hold; IAM
      refuses to attach it.

    ``field`` is the source (a statement label, a document label, an AWS managed policy's name).
    """
    found = unknown_managed_findings(judgement)
    for risk in judgement.risks:
        for source in risk.unjustified:
            if risk.category == "privilege escalation":
                opened = [m for m in methods() if m.name in risk.methods]
                detail = "; ".join(f"{m.name} ({' + '.join(m.actions)}; source: {m.source})" for m in opened)
                found.append(
                    Finding(
                        "IRSA_PRIVILEGE_ESCALATION",
                        Severity.CRITICAL,
                        source,
                        list(risk.actions),
                        f"opens privilege escalation together with {', '.join(risk.sources)}: {detail}; its "
                        "justification does not name the method",
                        RISK_DOCS,
                        "narrow the grants (ARNs of the roles or policies it needs, a condition), or justify it "
                        f"naming {' and '.join(risk.methods)}",
                    )
                )
                continue
            found.append(
                Finding(
                    "IRSA_RISK_UNJUSTIFIED",
                    Severity.HIGH,
                    source,
                    list(risk.actions),
                    f"reaches the risk category {risk.category!r} and its justification does not name it",
                    RISK_DOCS,
                    "narrow the grant (ARNs in the account, a condition on a key the actions support), or justify "
                    f"it saying why it needs {risk.category}",
                )
            )
    return sorted_findings(found)
