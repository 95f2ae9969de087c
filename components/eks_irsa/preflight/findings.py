"""A preflight result: :class:`Finding` and its :class:`Severity`, and their one order."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How a finding weighs: any ``error`` means not ready (exit 1)."""

    ERROR = "error"
    WARNING = "warning"
    OK = "ok"


SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.OK)


@dataclass(frozen=True)
class Finding:
    """One result of one check.

    Attributes:
        severity: error (not ready), warning (ready, but read it) or ok.
        check: ``identity``, ``network``, ``endpoint``, ``oidc-quota``, ``kubernetes-version`` or ``aws-api``.
        subject: what was checked: a config key, an ARN, a subnet id.
        message: what was found.
        fix: what to change; empty for ``ok``.
        source: the rule's source.
    """

    severity: Severity
    check: str
    subject: str
    message: str
    fix: str = ""
    source: str = ""

    def as_dict(self) -> dict[str, str]:
        """The finding as JSON data."""
        return {k: str(v) for k, v in dataclasses.asdict(self).items()}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then warnings, then ok; within a severity by check and subject (deterministic)."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.check, f.subject, f.message))
