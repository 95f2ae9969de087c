"""What a role may really do: its risk categories, judged by reach over everything it holds.

Standard library only; reads the compact IAM table (:mod:`eks_irsa.iam.table`, generated from the
Service Authorization Reference of the date :func:`eks_irsa.iam.table.source` gives).

A grant counts toward a category when it is broad (:attr:`eks_irsa.iam.grants.Grant.broad`: every
resource of its type in the account or more, no condition that constrains it; an action without
resource types counts only for credentials exposure). The category follows the action's access level
in the Service Authorization Reference:

===========================  ===============================================================================
category                     actions
===========================  ===============================================================================
privilege escalation         the methods of :mod:`eks_irsa.iam.escalation`, judged over the whole role
data exfiltration            access level Read (``s3:GetObject``, ``secretsmanager:GetSecretValue``,
                             ``dynamodb:GetItem``; ``kms:Decrypt`` is Write in the reference)
credentials exposure         actions whose response holds credentials (cloudsplaining's list of them:
                             ``ecr:GetAuthorizationToken``, ``iam:CreateAccessKey``,
                             ``sts:AssumeRole``...)
resource exposure            access level Permissions management (policies, grants, ACLs)
infrastructure modification  access levels Write, Tagging and Permissions management
===========================  ===============================================================================

List actions reach no category. The words are cloudsplaining's (salesforce/cloudsplaining) report
categories, so the field's scanners and this package name the same risks alike; the classification is
by reach rather than by the literal ``Resource: "*"``.

A source's category is justified when its justification names the category (case-insensitive, in the
words of :data:`CATEGORIES`); for privilege escalation the justification names the method
(``CreateEC2WithExistingIP``...). AWS managed policies are judged like statements, with the
justification given per policy ARN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from . import table
from .escalation import Escalation, escalations
from .grants import Grant

CATEGORIES = (
    "privilege escalation",
    "data exfiltration",
    "resource exposure",
    "infrastructure modification",
    "credentials exposure",
)
"""The risk categories, in cloudsplaining's report order; a justification names one in these words."""

ManagedPolicy = table.ManagedPolicy
aws_managed_policy = table.managed_policy


@dataclass(frozen=True)
class Risk:
    """One risk category a role reaches.

    Attributes:
        category: one of :data:`CATEGORIES`.
        actions: the actions behind it (``service:Name``), sorted.
        sources: where they are granted: ``statements[<index>]`` by index, then AWS managed policy names,
            then ``session_policy[<index>]``.
        unjustified: the sources whose justification does not name the category (or, for privilege
            escalation, every method it opens).
        justifications: ``(source, justification)`` of the sources that name it, in source order.
        methods: for privilege escalation, the names of the methods open, sorted.
    """

    category: str
    actions: tuple[str, ...]
    sources: tuple[str, ...]
    unjustified: tuple[str, ...]
    justifications: tuple[tuple[str, str], ...] = ()
    methods: tuple[str, ...] = ()

    @property
    def justified(self) -> bool:
        """Every source names the category (and, for escalation, each method)."""
        return not self.unjustified

    def summary(self) -> dict[str, object]:
        """JSON data for ``service.json``."""
        out: dict[str, object] = {
            "actions": list(self.actions),
            "sources": list(self.sources),
            "justified": self.justified,
            "justifications": dict(self.justifications),
        }
        if self.methods:
            out["methods"] = list(self.methods)
        return out


def categories_of(grant: Grant) -> tuple[str, ...]:
    """The categories one grant reaches on its own (privilege escalation is judged over the role)."""
    if grant.constrained:
        return ()
    found = []
    levels = grant.action.access_levels
    scoped = grant.action.resource_level
    if scoped and grant.broad and "Read" in levels:
        found.append("data exfiltration")
    if scoped and grant.broad and "Permissions management" in levels:
        found.append("resource exposure")
    if scoped and grant.broad and {"Write", "Tagging", "Permissions management"} & set(levels):
        found.append("infrastructure modification")
    if grant.broad and grant.action.key.lower() in table.credentials_actions():
        found.append("credentials exposure")
    return tuple(found)


def risks(
    role: Sequence[Grant],
    justifications: Mapping[str, str | None],
    session: Sequence[Grant] | None = None,
) -> tuple[Risk, ...]:
    """The risk categories a role reaches.

    Args:
        role: the grants of all the role's sources (:func:`eks_irsa.iam.grants.grants`).
        justifications: each source's justification (``None`` or absent: none).
        session: the session policy's grants where one applies; the role's categories are then those
            both grant (intersection), and escalation is judged on the intersection.

    Returns:
        One :class:`Risk` per category reached, in :data:`CATEGORIES` order.
    """
    in_session = {g.action.key for g in session if categories_of(g)} if session is not None else None
    by_category: dict[str, tuple[set[str], list[str]]] = {c: (set(), []) for c in CATEGORIES}
    for grant in role:
        if in_session is not None and grant.action.key not in in_session:
            continue
        for category in categories_of(grant):
            actions, sources = by_category[category]
            actions.add(grant.action.key)
            if grant.source not in sources:
                sources.append(grant.source)
    out = []
    for category, (actions, sources) in by_category.items():
        if category == "privilege escalation":
            found = escalations(role, session)
            if found:
                out.append(_escalation_risk(found, justifications))
            continue
        if not actions:
            continue
        ordered = sorted(sources, key=_order)
        named = [s for s in ordered if category in (justifications.get(s) or "").lower()]
        out.append(
            Risk(
                category,
                tuple(sorted(actions)),
                tuple(ordered),
                tuple(s for s in ordered if s not in named),
                tuple((s, str(justifications[s])) for s in named),
            )
        )
    return tuple(out)


def _escalation_risk(found: Sequence[Escalation], justifications: Mapping[str, str | None]) -> Risk:
    sources = sorted({s for e in found for s in e.sources}, key=_order)
    unjustified = [
        s
        for s in sources
        if any(s in e.sources and e.method.name.lower() not in (justifications.get(s) or "").lower() for e in found)
    ]
    return Risk(
        "privilege escalation",
        tuple(sorted({a for e in found for a in e.actions})),
        tuple(sources),
        tuple(unjustified),
        tuple((s, str(justifications[s])) for s in sources if s not in unjustified),
        tuple(sorted(e.method.name for e in found)),
    )


def _order(source: str) -> tuple[int, int, str]:
    """Statements by index, then managed policies by name, then session policy statements."""
    for rank, prefix in ((0, "statements["), (2, "session_policy[")):
        if source.startswith(prefix):
            return rank, int(source[len(prefix) : -1]), ""
    return 1, 0, source
