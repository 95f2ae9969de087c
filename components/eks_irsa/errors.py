"""The one error type every validation in this package raises."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One broken rule.

    Attributes:
        field: dotted path of the input, e.g. ``services.orders-api.namespace``.
        value: the offending value, as given.
        rule: what the value breaks, in words.
        source: where the rule comes from (a document title or an API reference).
        fix: what to change so the value passes.
    """

    field: str
    value: object
    rule: str
    source: str
    fix: str

    def __str__(self) -> str:
        return f"{self.field}: {self.value!r} {self.rule} (rule: {self.source}). Fix: {self.fix}"


class IrsaConfigError(ValueError):
    """Input that breaks an IAM, STS or Kubernetes rule, found before any resource is registered.

    Carries every problem found, so a user fixes a catalog in one pass. ``problems`` is never empty.
    """

    def __init__(self, problems: list[Problem]) -> None:
        if not problems:
            raise ValueError("IrsaConfigError needs at least one problem")
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        head = lines[0] if len(lines) == 1 else f"{len(lines)} problems:\n  - " + "\n  - ".join(lines)
        super().__init__(head)

    @classmethod
    def one(cls, field: str, value: object, rule: str, source: str, fix: str) -> IrsaConfigError:
        """Build an error holding a single problem."""
        return cls([Problem(field, value, rule, source, fix)])
