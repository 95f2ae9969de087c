"""Permissions policies as plain data: statements, canonical JSON, quota-aware layout.

Nothing here imports Pulumi. The component calls these functions with resolved values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..errors import IrsaConfigError, Problem
from . import limits
from .arn import has_control_character

POLICY_VERSION = "2012-10-17"
"""The current policy language version (IAM JSON policy elements reference: Version)."""

IAM_GRAMMAR = "IAM User Guide, 'IAM JSON policy elements reference'"

ACTION_PATTERN = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*?]+\Z")
"""``service-prefix:ActionName``, wildcards allowed (IAM JSON policy elements reference: Action)."""

SID_PATTERN = re.compile(r"^[A-Za-z0-9]+\Z")
"""Statement ids are ASCII letters and digits (IAM JSON policy elements reference: Sid)."""

_TEMPLATE_VARIABLE = re.compile(r"\$\{([A-Za-z0-9_]*)\}")
TEMPLATE_VARIABLES = ("account", "cluster", "partition", "region")
"""Names a catalog string may carry as ``${name}``. IAM's own policy variables (``${aws:username}``)
hold a colon and pass through untouched."""


STRING_CONDITION_OPERATORS = (
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
)
"""IAM's string condition operators, without ``IfExists`` (IAM User Guide, 'IAM JSON policy elements:
Condition operators')."""

CONDITION_OPERATORS = (
    *STRING_CONDITION_OPERATORS,
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
)
"""IAM's condition operators that take an ``IfExists`` suffix (same source); ``Null`` takes none. Each
may carry ``ForAllValues:`` or ``ForAnyValue:`` in front."""


class Effect(StrEnum):
    """A statement's effect (IAM JSON policy elements reference: Effect)."""

    ALLOW = "Allow"
    """The statement grants the actions on the resources."""
    DENY = "Deny"
    """The statement refuses them, overriding any ``Allow`` (IAM policy evaluation logic)."""


@dataclass(frozen=True)
class PolicyStatement:
    """One IAM permissions statement.

    Attributes:
        actions: ``service:Action`` strings; at least one. Rendered sorted and de-duplicated.
        resources: ARNs or ``*``; at least one. Rendered sorted and de-duplicated.
        effect: Default: ``Effect.ALLOW``.
        conditions: an IAM ``Condition`` block, ``{operator: {key: value or [values]}}``. Default: none.
        sid: optional statement id, ASCII letters and digits. Default: none.
        justification: why the statement reaches what it does: allows reach ``*`` and any account or
            region, names the risk categories (:data:`eks_irsa.iam.risk.CATEGORIES`, in those words) and
            escalation methods it reaches, and any other account id or region meant; read by the
            permissions judgement (docs/permissions.md), never rendered. Default: none.
    """

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    effect: Effect = Effect.ALLOW
    conditions: Mapping[str, Mapping[str, str | tuple[str, ...]]] = field(default_factory=dict)
    sid: str | None = None
    justification: str | None = None

    def to_json(self) -> dict[str, object]:
        """The statement as IAM JSON, in canonical form (single values as strings, lists sorted)."""
        out: dict[str, object] = {
            "Effect": self.effect.value,
            "Action": _one_or_sorted(self.actions),
            "Resource": _one_or_sorted(self.resources),
        }
        if self.conditions:
            out["Condition"] = {
                op: {key: _one_or_sorted(element_values(val)) for key, val in keys.items()}
                for op, keys in self.conditions.items()
            }
        if self.sid:
            out["Sid"] = self.sid
        return out


def statement_list(document: Mapping[str, object]) -> list[Any]:
    """A document's ``Statement`` as a list: IAM takes one statement object or an array of them (IAM
    User Guide, 'IAM JSON policy elements: Statement'). Missing or of another type: empty. The items are
    JSON values as parsed (a caller reading foreign documents checks that each is an object)."""
    raw = document.get("Statement")
    if isinstance(raw, Mapping):
        return [raw]
    return list(raw) if isinstance(raw, list) else []


def element_values(value: str | Sequence[str]) -> tuple[str, ...]:
    """A policy element's value as a tuple: IAM writes one value as a string, several as an array
    (IAM User Guide, 'Grammar of the IAM JSON policy language': ``<string_or_array>``)."""
    return (value,) if isinstance(value, str) else tuple(value)


def _one_or_sorted(values: Sequence[str]) -> str | list[str]:
    unique = sorted(set(values))
    return unique[0] if len(unique) == 1 else unique


def canonical_json(document: Mapping[str, object]) -> str:
    """The one serialiser for policy documents: sorted keys, no whitespace, UTF-8 kept.

    The same document always gives the same bytes, so a re-run never shows a diff.
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


GO_JSON_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)
"""What Go's ``encoding/json`` escapes beyond Python's ``json`` with ``ensure_ascii=False``: ``<``, ``>`` and ``&``
(its HTML-safe default) and the line and paragraph separators U+2028 and U+2029 (Go ``encoding/json``, ``Marshal``)."""


def provider_json(document: Mapping[str, object]) -> str:
    """A policy document in the form terraform-provider-aws keeps a JSON policy argument in, so that what Pulumi
    stored and what the provider reads back compare equal and a second ``pulumi up`` shows no diff.

    The form: Go's ``encoding/json`` ``Marshal`` of the parsed document, which is what the provider's JSON
    normalisers produce (SDKv2 ``structure.NormalizeJsonString``, ``verify.NormalizeJSON``: unmarshal into
    ``interface{}``, marshal again: map keys sorted, no whitespace, :data:`GO_JSON_ESCAPES` escaped, other
    non-ASCII kept) and which its framework type for IAM policies (``fwtypes.IAMPolicyType``,
    internal/framework/types/iam_policy.go) keeps as given, comparing by ``awspolicyequivalence``. That is
    :func:`canonical_json` with :data:`GO_JSON_ESCAPES` applied (``<``, ``>``, ``&`` and U+2028/9 occur only inside
    JSON strings, so escaping them everywhere changes only strings). The same document gives the same bytes.
    """
    return canonical_json(document).translate(GO_JSON_ESCAPES)


def pretty_json(document: Mapping[str, object]) -> str:
    """The reviewer's form of a document: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def render_permissions_policy(statements: Sequence[PolicyStatement]) -> dict[str, object]:
    """A permissions policy document holding ``statements``, sorted by their canonical JSON.

    Returns:
        ``{"Version": "2012-10-17", "Statement": [...]}``; duplicate statements appear once.
    """
    rendered = {canonical_json(s.to_json()): s.to_json() for s in statements}
    return {"Version": POLICY_VERSION, "Statement": [rendered[k] for k in sorted(rendered)]}


def check_statement(field_path: str, statement: PolicyStatement) -> list[Problem]:
    """Grammar checks on one statement: non-empty actions and resources, action and ARN shape."""
    problems: list[Problem] = []
    if not statement.actions:
        problems.append(
            Problem(
                f"{field_path}.actions",
                [],
                "is empty; a statement needs at least one action",
                IAM_GRAMMAR,
                "list the actions the service calls, e.g. [s3:PutObject]",
            )
        )
    for action in statement.actions:
        if not isinstance(action, str) or not ACTION_PATTERN.match(action):
            problems.append(
                Problem(
                    f"{field_path}.actions",
                    action,
                    "is not an action of the form service:ActionName",
                    IAM_GRAMMAR,
                    "write it as e.g. s3:GetObject",
                )
            )
    if not statement.resources:
        problems.append(
            Problem(
                f"{field_path}.resources",
                [],
                "is empty; a statement needs at least one resource",
                IAM_GRAMMAR,
                "list the ARNs the actions apply to",
            )
        )
    for resource in statement.resources:
        if isinstance(resource, str) and resource.startswith("arn:") and has_control_character(resource):
            problems.append(
                Problem(
                    f"{field_path}.resources",
                    resource,
                    "holds a control character (a newline, a tab) that no ARN has",
                    IAM_GRAMMAR,
                    "remove it (in YAML, a >- or |- block scalar drops the trailing newline)",
                )
            )
        elif not isinstance(resource, str) or not (resource == "*" or resource.startswith("arn:")):
            problems.append(
                Problem(
                    f"{field_path}.resources",
                    resource,
                    "is neither an ARN nor '*'",
                    IAM_GRAMMAR,
                    "give a full ARN, e.g. arn:${partition}:s3:::bucket/prefix/*",
                )
            )
    for op, keys in statement.conditions.items():
        if not isinstance(keys, Mapping) or not keys:
            problems.append(
                Problem(
                    f"{field_path}.conditions.{op}",
                    keys,
                    "is not a map of condition keys to values",
                    IAM_GRAMMAR,
                    "write {operator: {key: value}}",
                )
            )
    if statement.sid is not None and not SID_PATTERN.match(statement.sid):
        problems.append(
            Problem(
                f"{field_path}.sid",
                statement.sid,
                "is not ASCII letters and digits",
                IAM_GRAMMAR,
                "remove spaces and punctuation",
            )
        )
    return problems


def statements_from_document(field_path: str, document: object) -> list[PolicyStatement]:
    """Read the statements of a published IAM policy document (e.g. an add-on's ``iam_policy.json``).

    Raises:
        IrsaConfigError: the document is not a policy, or uses ``NotAction``, ``NotResource`` or
            ``Principal``, which have no place in a role's permissions policy here.
    """
    if not isinstance(document, Mapping) or "Statement" not in document:
        raise IrsaConfigError.one(
            field_path,
            type(document).__name__,
            "is not an IAM policy document",
            IAM_GRAMMAR,
            "give a JSON object with a Statement list",
        )
    raw = document["Statement"]
    raw_list = [raw] if isinstance(raw, Mapping) else raw
    statements: list[PolicyStatement] = []
    problems: list[Problem] = []
    for index, item in enumerate(raw_list):
        where = f"{field_path}.Statement[{index}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(where, item, "is not a statement object", IAM_GRAMMAR, "fix the document"))
            continue
        unsupported = sorted(set(item) & {"NotAction", "NotResource", "Principal", "NotPrincipal"})
        if unsupported:
            problems.append(
                Problem(
                    where,
                    unsupported,
                    "is not supported in a role's permissions policy here",
                    IAM_GRAMMAR,
                    "rewrite the statement with Action and Resource",
                )
            )
            continue
        unknown = sorted(set(item) - {"Sid", "Effect", "Action", "Resource", "Condition"})
        if unknown:
            problems.append(Problem(where, unknown, "are not statement elements", IAM_GRAMMAR, "remove them"))
            continue
        shape = _shape_problems(where, item)
        if shape:
            problems += shape
            continue
        effect = item.get("Effect")
        if effect not in ("Allow", "Deny"):
            problems.append(Problem(f"{where}.Effect", effect, "is not Allow or Deny", IAM_GRAMMAR, "fix it"))
            continue
        statements.append(
            PolicyStatement(
                actions=element_values(item.get("Action", ())),
                resources=element_values(item.get("Resource", ())),
                effect=Effect(effect),
                conditions={
                    op: {k: v if isinstance(v, str) else tuple(v) for k, v in keys.items()}
                    for op, keys in (item.get("Condition") or {}).items()
                },
                sid=item.get("Sid") or None,
            )
        )
    if problems:
        raise IrsaConfigError(problems)
    return statements


def _is_strings(value: object) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _shape_problems(where: str, item: Mapping[str, object]) -> list[Problem]:
    """Types of a published statement's elements: strings or lists of strings, a map of maps for Condition."""
    problems = [
        Problem(f"{where}.{key}", item[key], "is not a string or a list of strings", IAM_GRAMMAR, "fix the document")
        for key in ("Action", "Resource")
        if key in item and not _is_strings(item[key])
    ]
    if "Sid" in item and not isinstance(item["Sid"], str):
        problems.append(Problem(f"{where}.Sid", item["Sid"], "is not a string", IAM_GRAMMAR, "fix the document"))
    condition = item.get("Condition", {})
    if not isinstance(condition, Mapping) or not all(
        isinstance(keys, Mapping) and all(_is_strings(v) for v in keys.values()) for keys in condition.values()
    ):
        problems.append(
            Problem(
                f"{where}.Condition",
                condition,
                "is not {operator: {key: value or [values]}}",
                IAM_GRAMMAR,
                "fix the document",
            )
        )
    return problems


def substitute(field_path: str, value: str, variables: Mapping[str, str]) -> str:
    """Replace ``${account}``, ``${cluster}``, ``${partition}`` and ``${region}`` in a catalog string.

    IAM policy variables such as ``${aws:username}`` carry a colon and are left for IAM.

    Raises:
        IrsaConfigError: an unknown ``${name}`` without a colon (a typo would otherwise reach IAM).
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise IrsaConfigError.one(
                field_path,
                value,
                f"uses the unknown variable ${{{name}}}",
                "this package's catalog format",
                f"use one of {', '.join('${' + v + '}' for v in TEMPLATE_VARIABLES)}",
            )
        return variables[name]

    return _TEMPLATE_VARIABLE.sub(replace, value)


@dataclass(frozen=True)
class PermissionsLayout:
    """Where a role's statements go, within IAM's size quotas.

    Attributes:
        inline: the one inline policy document, or ``None`` when the statements go to managed policies.
        managed: customer managed policy documents, each within the managed policy size quota.
    """

    inline: dict[str, object] | None
    managed: tuple[dict[str, object], ...]


def layout_permissions(
    field_path: str,
    statements: Sequence[PolicyStatement],
    attached_arn_count: int,
    managed_quota: int = limits.MANAGED_POLICIES_PER_ROLE_DEFAULT,
    attached_field: str | None = None,
) -> PermissionsLayout:
    """Put statements in one inline policy, or split them over customer managed policies.

    One inline policy (all statements) when it fits the 10,240-character role inline quota; else
    statements are packed in order into managed policies of at most 6,144 characters each, as long
    as those plus ``attached_arn_count`` stay within ``managed_quota``.

    Raises:
        IrsaConfigError: more ARNs to attach than ``managed_quota`` (named ``attached_field``, default
            ``field_path``), one statement alone exceeds a managed policy, or the split needs more
            managed policies than the quota leaves; the message gives the numbers.
    """
    if attached_arn_count > managed_quota:
        raise IrsaConfigError.one(
            attached_field or field_path,
            attached_arn_count,
            f"policies to attach; a role takes at most {managed_quota}",
            limits.IAM_QUOTAS,
            "merge policies, or raise the quota and set eks-irsa:maxManagedPolicies",
        )
    if not statements:
        return PermissionsLayout(None, ())
    whole = render_permissions_policy(statements)
    whole_size = limits.policy_size(canonical_json(whole))
    if whole_size <= limits.INLINE_POLICIES_MAX:
        return PermissionsLayout(whole, ())
    groups: list[list[dict[str, object]]] = [[]]
    for statement in statement_list(whole):
        alone = limits.policy_size(canonical_json({"Version": POLICY_VERSION, "Statement": [statement]}))
        if alone > limits.MANAGED_POLICY_MAX:
            raise IrsaConfigError.one(
                field_path,
                statement.get("Sid") or statement["Action"],
                f"is one statement of {alone} characters; a managed policy holds at most {limits.MANAGED_POLICY_MAX}",
                limits.IAM_QUOTAS,
                "split the statement's actions or resources",
            )
        candidate = groups[-1] + [statement]
        size = limits.policy_size(canonical_json({"Version": POLICY_VERSION, "Statement": candidate}))
        if size <= limits.MANAGED_POLICY_MAX:
            groups[-1] = candidate
        else:
            groups.append([statement])
    needed = len(groups) + attached_arn_count
    if needed > managed_quota:
        raise IrsaConfigError.one(
            field_path,
            f"{whole_size} characters",
            f"exceed the inline quota of {limits.INLINE_POLICIES_MAX}; split into {len(groups)} managed policies "
            f"of at most {limits.MANAGED_POLICY_MAX}, plus {attached_arn_count} attached ARNs, that is {needed} "
            f"attachments, over the quota of {managed_quota}",
            limits.IAM_QUOTAS,
            "narrow the statements, or raise the quota and set maxManagedPolicies",
        )
    return PermissionsLayout(None, tuple({"Version": POLICY_VERSION, "Statement": g} for g in groups))
