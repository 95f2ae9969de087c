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
from .findings import Finding
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
    managed: list[table.ManagedPolicy] = []
    unknown: list[str] = []
    for arn in managed_arns:  # type: ignore[attr-defined]
        parts = str(arn).split(":", 5)
        if len(parts) != 6 or parts[4] != "aws":
            continue
        policy = table.managed_policy(str(arn))
        if policy is None:
            unknown.append(str(arn))
            continue
        managed.append(policy)
        why = managed_justifications.get(arn)
        justifications[policy.name] = why
        for finding in lint_document(f"{name} ({policy.name})", policy.document, account, region, why):  # type: ignore[arg-type]
            findings.append(SourcedFinding("managed_policy_arns", str(arn), finding))
        for item in statements_of(policy.document):
            role += grants(policy.name, item, account, region)  # type: ignore[arg-type]
    session: list[Grant] | None = None
    if session_statements is not None:
        session = []
        for index, statement in enumerate(session_statements):
            label = f"session_policy[{index}]"
            justifications[label] = statement.justification
            session += grants(label, statement.to_json(), account, region)  # type: ignore[arg-type]
    found = risks(role, justifications, session)
    return Judgement(tuple(findings), found, tuple(managed), tuple(unknown), justifications)
