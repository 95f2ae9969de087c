"""The one result type of every judgement: a :class:`Finding` with a :class:`Severity`.

Pure, standard library only. The plan (``plan_role`` and ``eks-irsa plan``), the policy pack and the
audit judge trust policies and permissions through the same functions, and those functions return
these. What each path does with a finding follows from its severity alone:

* ``plan_role`` refuses a role with any finding of a :data:`REFUSED` severity (an
  :class:`~eks_irsa.errors.IrsaConfigError` built from :meth:`Finding.problem`), and shows the others
  as warnings;
* the policy pack reports findings of a :data:`REFUSED` severity from its mandatory policies and the
  others from advisory ones;
* the audit lists every finding, most severe first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from ..errors import IrsaConfigError, Problem


class Severity(StrEnum):
    """How bad a finding is, most severe first."""

    CRITICAL = "critical"
    """Anyone beyond the intended workloads can take the role: any service account of a cluster, any
    identity of an issuer, any account; or a grant lets the role raise its own privileges."""
    HIGH = "high"
    """More workloads than intended can take a role, or an intended workload cannot (a broken role)."""
    MEDIUM = "medium"
    """A weaker shape than the rule, a statement that admits nobody, or a quota passed."""
    LOW = "low"
    """Style and clutter: nothing reaches further than meant, but a reviewer should look."""

    @property
    def rank(self) -> int:
        """0 for the most severe, 3 for :attr:`LOW`."""
        return list(Severity).index(self)


REFUSED = frozenset({Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM})
"""Severities ``plan_role`` refuses before registering anything and the policy pack's mandatory
policies report; :attr:`Severity.LOW` is a warning for a reviewer on those paths."""


@dataclass(frozen=True)
class Finding:
    """One broken rule, with a stable code and a severity.

    Attributes:
        code: a stable identifier in capitals, e.g. ``TRUST_SUBJECT_ANY_NAMESPACE``; documented with its fix
            in ``docs/audit.md``.
        severity: :class:`Severity`.
        field: dotted path of what is wrong, e.g.
            ``assumeRolePolicy.Statement[0].Condition.StringLike.<issuer>:sub``; callers re-root it with
            :meth:`at`.
        value: the offending value, as given; ``None`` when the rule's sentence names it.
        rule: what the value breaks, in words (continues the sentence "<field>: <value> ...").
        source: where the rule comes from (a document title or an API reference).
        fix: what to change so the value passes.
        resource: what the finding is about when the caller judges many things at once (the audit: a role,
            OIDC provider or cluster ARN); ``""`` when the field says it.
    """

    code: str
    severity: Severity
    field: str
    value: object
    rule: str
    source: str
    fix: str
    resource: str = ""

    def __str__(self) -> str:
        return f"{self.severity} {self.code} {self.problem()}"

    @property
    def message(self) -> str:
        """``<field>: <value> <rule>``, one sentence without the source and the fix; an empty field and a
        ``None`` value are left out (a finding whose rule is the whole sentence)."""
        head = [f"{self.field}:"] if self.field else []
        return " ".join([*head, *([repr(self.value)] if self.value is not None else []), self.rule])

    @property
    def refused(self) -> bool:
        """Whether the plan refuses it and the pack's mandatory policies report it (:data:`REFUSED`)."""
        return self.severity in REFUSED

    def problem(self) -> Problem:
        """The finding as a :class:`~eks_irsa.errors.Problem` (field, value, rule, source, fix)."""
        return Problem(self.field, self.value, self.rule, self.source, self.fix)

    def at(self, prefix: str, *, resource: str | None = None) -> Finding:
        """The same finding with ``field`` under ``prefix`` (``<prefix>.<field>``; ``<prefix>`` alone when
        the field is empty) and, when given, another ``resource``."""
        field = f"{prefix}.{self.field}" if prefix and self.field else prefix or self.field
        return replace(self, field=field, resource=self.resource if resource is None else resource)

    def sort_key(self) -> tuple[int, str, str, str, str]:
        """Most severe first, then by resource, code, field and rule."""
        return (self.severity.rank, self.resource, self.code, self.field, self.rule)

    def to_json(self) -> dict[str, object]:
        """The finding as a JSON object (:meth:`message` included); ``value`` as given when JSON can hold it,
        else its ``repr``."""
        value = self.value if isinstance(self.value, str | int | float | bool | list | type(None)) else repr(self.value)
        return {
            "code": self.code,
            "severity": self.severity.value,
            "resource": self.resource,
            "field": self.field,
            "value": value,
            "rule": self.rule,
            "message": self.message,
            "source": self.source,
            "fix": self.fix,
        }


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings without duplicates, ordered by :meth:`Finding.sort_key` (deterministic for the same input)."""
    unique = {repr(f): f for f in findings}
    return sorted(unique.values(), key=lambda f: (f.sort_key(), repr(f.value)))


def raise_refused(findings: Iterable[Finding]) -> None:
    """Raise one :class:`~eks_irsa.errors.IrsaConfigError` holding every finding of a :data:`REFUSED`
    severity, in :func:`sorted_findings` order; return when there is none."""
    refused = [f.problem() for f in sorted_findings(findings) if f.refused]
    if refused:
        raise IrsaConfigError(refused)
