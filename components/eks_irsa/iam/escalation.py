"""Privilege escalation judged over everything a role holds together.

Standard library only. The methods are the public catalogue: Rhino Security Labs' 2018 list
('AWS IAM Privilege Escalation - Methods and Mitigation'), the later paths of pathfinding.cloud
(Datadog) as cloudsplaining tabulates them, and a few more with their sources (``tools/iam_table.py``
``EXTRA_METHODS``). The compact IAM table carries them; :func:`methods` lists them, each with its
actions and source (``components/eks_irsa/iam/data/iam-table.source.json`` shows the same to a reviewer).

A method is open when every one of its actions is granted somewhere in the role (inline statements,
policy files, add-on sets, the documents of AWS managed policies, split over as many statements as
may be), and, where a session policy applies (EKS Pod Identity), also by the session policy: the
session's permissions are the intersection (EKS API Reference, CreatePodIdentityAssociation).

An IAM or STS action of a method (``iam:PassRole``, ``iam:AttachRolePolicy``, ``sts:AssumeRole``...)
counts only when it reaches every resource of its type in the account or more, without a condition
that constrains it (:attr:`~eks_irsa.iam.grants.Grant.broad`): ``iam:PassRole`` on one node role is
not the method, on ``role/*`` it is; a write to a role's policies, trust or boundary counts on any role
(:data:`ROLE_WRITES`). ``iam:PassRole`` conditioned only on ``iam:PassedToService``
counts for the methods whose services the condition allows. The other actions of a method (the
compute or orchestration service that runs code as the passed role) count however they are granted:
request-tag conditions on them are satisfied by whoever holds the credentials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from . import table
from .arn import wildcard_match
from .grants import Grant
from .reach import Reach


@dataclass(frozen=True)
class Method:
    """One privilege-escalation method.

    Attributes:
        name: its public name (cloudsplaining's, e.g. ``CreateEC2WithExistingIP``); a justification names it.
        actions: lower-case ``service:action``, all needed together.
        source: where it is published.
    """

    name: str
    actions: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Escalation:
    """A method a role opens.

    Attributes:
        method: the :class:`Method`.
        sources: the statements and managed policies that grant its actions (``statements[<i>]``, names,
            ``session_policy[<i>]``), in the order given.
        actions: ``service:Name`` of the actions granted, sorted.
    """

    method: Method
    sources: tuple[str, ...]
    actions: tuple[str, ...]


@cache
def methods() -> tuple[Method, ...]:
    """Every method the table holds, by name."""
    raw: Mapping[str, Mapping[str, object]] = table.meta()["escalation"]["methods"]  # type: ignore[assignment]
    return tuple(
        Method(name, tuple(m["actions"]), str(m["source"]))  # type: ignore[arg-type]
        for name, m in sorted(raw.items())
    )


ROLE_WRITES = frozenset(
    {
        "iam:attachrolepolicy",
        "iam:putrolepolicy",
        "iam:updateassumerolepolicy",
        "iam:putrolepermissionsboundary",
        "iam:deleterolepermissionsboundary",
    }
)
"""Writes to a role's policies, trust or boundary. They count at any reach, one role included: Rhino Security
Labs' AttachRolePolicy and PutRolePolicy methods modify a role the attacker can use, their own above all, and
UpdateRolePolicyToAssumeIt makes any role one they can use. The judgement cannot tell which roles the holder
may use (its own role's name and other roles' trust are not in the statements), so a write to any role, or to
a role name prefix, counts unless a condition constrains it (e.g. ``iam:PolicyARN`` on the policies it may
attach)."""


def _counts(grant: Grant, action: str, method: Method) -> bool:
    if not action.startswith(("iam:", "sts:")):
        return True
    if action in ROLE_WRITES:
        return not grant.constrained
    if grant.passed_to:
        partners = {a.split(":", 1)[0] for a in method.actions if not a.startswith(("iam:", "sts:"))}
        return grant.level >= Reach.TYPE and any(
            p in pattern.lower() or wildcard_match(pattern, f"{p}.amazonaws.com", ignore_case=True)
            for p in partners
            for pattern in grant.passed_to
        )
    return grant.broad


def escalations(role: Sequence[Grant], session: Sequence[Grant] | None = None) -> list[Escalation]:
    """The methods open to a role.

    Args:
        role: every grant of the role (:func:`eks_irsa.iam.grants.grants` over all its sources).
        session: the session policy's grants where one applies (its intersection with the role's is what
            the session holds), else ``None``.

    Returns:
        One :class:`Escalation` per open method, by method name.
    """
    by_action: dict[str, list[Grant]] = {}
    for grant in role:
        by_action.setdefault(grant.action.key.lower(), []).append(grant)
    in_session: dict[str, list[Grant]] = {}
    for grant in session or ():
        in_session.setdefault(grant.action.key.lower(), []).append(grant)
    found = []
    for method in methods():
        sources: list[str] = []
        names: set[str] = set()
        for action in method.actions:
            hits = [g for g in by_action.get(action, ()) if _counts(g, action, method)]
            if session is not None:
                also = [g for g in in_session.get(action, ()) if _counts(g, action, method)]
                hits = hits + also if hits and also else []
            if not hits:
                break
            sources += [g.source for g in hits if g.source not in sources]
            names |= {g.action.key for g in hits}
        else:
            found.append(Escalation(method, tuple(sources), tuple(sorted(names))))
    return found
