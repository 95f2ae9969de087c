"""A role's permissions as grants: each (source, action) with the broadest reach it is given.

Standard library only. A *source* is where statements come from: ``statements[<i>]`` (the role's own
statements: inline, policy files, add-on sets, in the order the plan holds them), an AWS managed
policy's name, or ``session_policy[<i>]``. :func:`grants` turns one statement into grants; the risk
categories (:mod:`eks_irsa.iam.risk`) and privilege escalation (:mod:`eks_irsa.iam.escalation`) read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import table
from .conditions import constrained_actions
from .reach import Reach, reach

PASSED_TO_SERVICE = "iam:passedtoservice"


@dataclass(frozen=True)
class Grant:
    """One action an Allow statement grants.

    Attributes:
        source: ``statements[<i>]``, an AWS managed policy name, or ``session_policy[<i>]``.
        action: the table's action (access levels, resource types).
        level: the broadest :class:`~eks_irsa.iam.reach.Reach` over the statement's live resources;
            ``STAR`` for an action without resource types on ``"*"``.
        constrained: a condition of the statement constrains the action (:mod:`eks_irsa.iam.conditions`).
        passed_to: for ``iam:PassRole``, the services ``iam:PassedToService`` allows (patterns) when
            that key's test is the only constraint; empty otherwise.
    """

    source: str
    action: table.Action
    level: Reach
    constrained: bool
    passed_to: tuple[str, ...] = ()

    @property
    def broad(self) -> bool:
        """Unconstrained and reaching every resource of a type or more (or taking no resource at all)."""
        return not self.constrained and self.level >= Reach.TYPE


def grants(
    source: str, statement: Mapping[str, object], account: str | None = None, region: str | None = None
) -> list[Grant]:
    """The grants of one IAM statement (JSON form); none for a Deny, a ``NotAction``, or ``Action: "*"``
    (the lint refuses those), and none for an action whose every resource is a dead pair. A ``NotResource``
    statement reaches ``*``."""
    if statement.get("Effect") != "Allow" or "Action" not in statement:
        return []
    # Each action once, in the order written (a dict, not a list scan: ReadOnlyAccess expands to ~3,000).
    actions = list(dict.fromkeys(a for written in _strings(statement.get("Action")) for a in table.expand(written)))
    # NotResource grants every resource it does not list: judged as "*" (IAM User Guide, 'IAM JSON policy
    # elements: NotResource').
    resources = (
        _strings(statement.get("Resource")) if "Resource" in statement or "NotResource" not in statement else ["*"]
    )
    condition = statement.get("Condition")
    conditions = condition if isinstance(condition, Mapping) else {}
    constrained = constrained_actions(conditions, actions)
    passed_to = _passed_to(conditions)
    out = []
    for action in actions:
        levels = [p.level for r in resources if (p := reach(action, r, account, region)).level is not None]
        if not levels:
            continue
        is_constrained = action.key in constrained
        allowed: tuple[str, ...] = ()
        if action.key.lower() == "iam:passrole" and passed_to is not None:
            allowed, is_constrained = passed_to, False
        out.append(Grant(source, action, max(levels), is_constrained, allowed))
    return out


def _passed_to(conditions: Mapping[str, object]) -> tuple[str, ...] | None:
    """The ``iam:PassedToService`` values when that key's ``StringEquals``/``StringLike`` test is the
    statement's only condition (IAM User Guide, 'Granting a user permissions to pass a role')."""
    tests = [
        (op, key, value) for op, keys in conditions.items() if isinstance(keys, Mapping) for key, value in keys.items()
    ]
    if len(tests) != 1:
        return None
    operator, key, value = tests[0]
    if str(key).lower() != PASSED_TO_SERVICE or operator not in ("StringEquals", "StringLike"):
        return None
    return tuple(_strings(value))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def statements_of(document: Mapping[str, object]) -> list[Mapping[str, object]]:
    """A document's statements that are objects (``Statement`` may be one object or a list)."""
    raw = document.get("Statement", [])
    return [s for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, Mapping)]
