"""Lint of IAM permissions policies by what each grant reaches, on the compact IAM table.

Standard library only: no Pulumi, no scanner library. :func:`lint_statements` checks a role's
statements, :func:`lint_document` a raw policy document (an add-on's published ``iam_policy.json``,
an AWS managed policy's document), and ``eks-irsa lint FILE...`` lints policy files from a shell.

Sources: the Service Authorization Reference ('Actions, resources, and condition keys for AWS
services') through the compact IAM table (:mod:`eks_irsa.iam.table`, its date in
:func:`eks_irsa.iam.table.source`); IAM User Guide, 'IAM JSON policy elements reference' (Version,
Sid, Effect, Action, NotAction, Resource, NotResource, Principal, Condition), 'IAM JSON policy
elements: Condition operators', and 'Security best practices in IAM' (least privilege). Reach levels
are :mod:`eks_irsa.iam.reach`'s, conditions :mod:`eks_irsa.iam.conditions`'.

Findings are :class:`eks_irsa.iam.findings.Finding` (the type the trust judgements, the policy pack and
the audit share): ``resource`` the service or file, ``field`` the statement (``Statement[2]``), ``value``
its actions. ``error`` below is a refused severity (``HIGH`` for the reach rules, ``MEDIUM`` otherwise:
:data:`SEVERITY`), ``warning`` is ``LOW``, for a reviewer:

==========================  ========  ===================================================================
code                        severity  why
==========================  ========  ===================================================================
MALFORMED                   error     a required element is missing or has the wrong shape, a statement is
                                      not an object, an action is not ``service:Action``, an Action or
                                      Resource list is empty, an Effect other than Allow or Deny, or a
                                      Principal (IAM rejects all of these in a permissions policy)
MALFORMED_JSON              error     the file could not be read as JSON (``eks-irsa lint``)
INVALID_ARN                 error     a Resource that is neither ``"*"`` nor an ARN of six fields
INVALID_SID, DUPLICATE_SID  error     a Sid of other characters than ASCII letters and digits; the same Sid
                                      twice
INVALID_VERSION             error     a Version other than ``2012-10-17`` or ``2008-10-17``
NO_VERSION, OLD_VERSION     warning   policy variables need Version ``2012-10-17``
UNKNOWN_OPERATOR            error     a condition operator IAM does not have
UNKNOWN_PREFIX              error     the service prefix is not in the table
UNKNOWN_ACTION              error     the action is not in the table (with the closest name)
RESOURCE_MISMATCH           error     an action that takes no resource ARN (only ``"*"``) on ARNs only
IRSA_DEAD_GRANT             error     an action granted only on ARNs of types it does not act on
                                      (``dynamodb:GetItem`` on ``table/t/index/*``): the grant does nothing
IRSA_PARTLY_DEAD_GRANT      warning   the same for some of a statement's ARNs: each dead pair is named
IRSA_RESOURCE_TYPE_MISSING  warning   the statement names a resource type of the action but not a
                                      required one, and no statement of the policy grants that one
IRSA_ALL_ACTIONS            error     ``"Action": "*"`` or ``NotAction`` in an Allow statement
IRSA_SERVICE_WILDCARD       error     ``service:*`` (or a name of wildcards only) in an Allow statement
IRSA_RESOURCE_STAR          error     reach ``*`` (``"*"``, ``arn:aws:s3:::*``) for an action that takes
                                      resource ARNs, in an Allow statement without a justification
IRSA_ANY_ACCOUNT            error     reach "any account or any region" (a wildcard in the ARN's account
                                      or region, an S3 bucket name with a wildcard) in an Allow statement
                                      without a justification
IRSA_OTHER_ACCOUNT          warning   an ARN in another account than the stack's; say it is meant by naming
                                      the account id in the statement's justification
IRSA_OTHER_REGION           warning   an ARN in another region than the stack's; name the region in the
                                      justification to say it is meant
IRSA_CONDITION_KEY_UNUSED   error     a condition key that applies to none of the statement's actions: the
                                      statement never matches (or the condition does nothing)
IRSA_NOT_RESOURCE           warning   ``NotResource`` in an Allow statement grants every other resource
IRSA_PLACEHOLDER            warning   the Resource holds template placeholders (below)
==========================  ========  ===================================================================

The Allow-only rules do not apply to Deny statements, where wildcards narrow rather than grant.

Placeholders. Published policies carry template variables such as ``${AWS::Partition}``,
``${ClusterName}`` or a whole ``${KarpenterNodeRole.Arn}``. For linting only, a placeholder in an
ARN's partition, region or account field becomes ``aws``, the stack's region (or ``us-east-1``) or the
stack's account (or ``123456789012``), and anywhere else ``example``; a Resource that is one
placeholder becomes an example ARN of each resource type its actions require, so its type is not
checked. Each statement so treated gets an IRSA_PLACEHOLDER warning giving both forms. IAM's own
policy variables (``${aws:username}``, ``${*}``) are left as they are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import IrsaConfigError
from . import table
from .conditions import inapplicable_keys
from .findings import Finding, Severity
from .policy import CONDITION_OPERATORS, POLICY_VERSION, PolicyStatement, statement_list
from .reach import Reach, reach


@dataclass(frozen=True)
class StatementRef:
    """Which statement a finding is about.

    Attributes:
        index: 0-based position in the document's ``Statement`` list (in the order given to
            :func:`lint_statements`); ``None`` for a finding on the whole policy.
        sid: the statement's ``Sid``, if any.
        actions: the statement's actions as written.
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


_ERRORS = (
    "MALFORMED",
    "MALFORMED_JSON",
    "INVALID_ARN",
    "INVALID_SID",
    "DUPLICATE_SID",
    "INVALID_VERSION",
    "UNKNOWN_OPERATOR",
    "UNKNOWN_PREFIX",
    "UNKNOWN_ACTION",
    "RESOURCE_MISMATCH",
    "IRSA_DEAD_GRANT",
    "IRSA_ALL_ACTIONS",
    "IRSA_SERVICE_WILDCARD",
    "IRSA_RESOURCE_STAR",
    "IRSA_ANY_ACCOUNT",
    "IRSA_CONDITION_KEY_UNUSED",
)
_WARNINGS = (
    "NO_VERSION",
    "OLD_VERSION",
    "IRSA_PARTLY_DEAD_GRANT",
    "IRSA_RESOURCE_TYPE_MISSING",
    "IRSA_OTHER_ACCOUNT",
    "IRSA_OTHER_REGION",
    "IRSA_NOT_RESOURCE",
    "IRSA_PLACEHOLDER",
)
_BROAD = ("IRSA_ALL_ACTIONS", "IRSA_SERVICE_WILDCARD", "IRSA_RESOURCE_STAR", "IRSA_ANY_ACCOUNT")
SEVERITY: Mapping[str, Severity] = {
    **dict.fromkeys(_ERRORS, Severity.MEDIUM),
    **dict.fromkeys(_BROAD, Severity.HIGH),
    **dict.fromkeys(_WARNINGS, Severity.LOW),
}
"""Severity of each finding code (:class:`eks_irsa.iam.findings.Severity`): a grant that reaches further than
any resource it names, ``HIGH``; a document IAM rejects or a grant that does nothing, ``MEDIUM`` (both
refused); what a reviewer should look at, ``LOW``. The module docstring gives the reasons."""

SOURCE = "eks_irsa.iam.lint, by reach on the Service Authorization Reference (docs/permissions.md)"
"""The ``source`` of every lint finding."""

FIXES: Mapping[str, str] = {
    "IRSA_RESOURCE_STAR": "name the ARNs of the resources it needs, or give the statement a justification",
    "IRSA_ANY_ACCOUNT": "write the stack's account and region (arn:${partition}:<service>:${region}:${account}:...), "
    "or give the statement a justification",
    "IRSA_OTHER_ACCOUNT": "name the account id in the statement's justification if it is meant, else write ${account}",
    "IRSA_OTHER_REGION": "name the region in the statement's justification if it is meant, else write ${region}",
    "IRSA_CONDITION_KEY_UNUSED": "use a key the actions support, or move them to statements of their own",
    "IRSA_DEAD_GRANT": "name ARNs of the resource types the action acts on, or drop the action",
    "IRSA_PARTLY_DEAD_GRANT": "move the action to a statement naming only resources it acts on",
    "IRSA_ALL_ACTIONS": "list the actions the workload calls",
    "IRSA_SERVICE_WILDCARD": "list the actions the workload calls",
    "IRSA_PLACEHOLDER": "resolve the placeholders before the policy reaches IAM",
}
"""What to change, by code; other codes: fix the action or resource the message names."""

EXAMPLE_PARTITION, EXAMPLE_REGION, EXAMPLE_ACCOUNT, EXAMPLE_NAME = "aws", "us-east-1", "123456789012", "example"
"""Values placeholders take for linting only when the stack's are unknown (see the module docstring)."""

OPERATORS = frozenset({*(f"{base}{suffix}" for base in CONDITION_OPERATORS for suffix in ("", "IfExists")), "Null"})
"""IAM's condition operators (IAM User Guide, 'IAM JSON policy elements: Condition operators'); each
may carry ``ForAllValues:`` or ``ForAnyValue:`` in front."""

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_IAM_VARIABLE = re.compile(r"^(?:[\w.-]+:[^:]+|[*?$])$")
"""IAM's own policy variables: ``${aws:username}``, ``${saml:sub}``, ``${*}`` (IAM User Guide, 'IAM
policy elements: Variables and tags'). ``${AWS::Region}`` (two colons) is a template placeholder."""
_SID = re.compile(r"^[A-Za-z0-9]*\Z")


def lint_statements(
    service: str,
    statements: Sequence[PolicyStatement],
    account: str | None = None,
    region: str | None = None,
) -> list[Finding]:
    """Lint a role's permissions statements.

    Args:
        service: the catalog service name, copied into each finding.
        statements: the statements, linted as one document in the order given (a finding's
            ``Statement[<i>]`` is the position here). A statement's ``justification`` allows reach ``*``
            and "any account or any region"; naming an account id or a region in it says an ARN there is
            meant.
        account: the stack's account (12 digits), or ``None`` when unknown (no other-account warning).
        region: the stack's region, or ``None`` when unknown.

    Returns:
        Findings sorted by statement, code and message; empty when the statements pass or there are none.

    Raises:
        IrsaConfigError: ``service`` is empty.
    """
    if not statements:
        return []
    document = {"Version": POLICY_VERSION, "Statement": [s.to_json() for s in statements]}
    return _lint(_check_service(service), document, [s.justification for s in statements], account, region)


def lint_document(
    service: str,
    document: Mapping[str, object],
    account: str | None = None,
    region: str | None = None,
    justification: str | None = None,
) -> list[Finding]:
    """Lint a raw IAM policy document, e.g. a fixture, an add-on's published policy, an AWS managed policy.

    Args:
        service: copied into each finding.
        document: the policy document.
        account, region: the stack's, as for :func:`lint_statements`.
        justification: one justification for every statement (an AWS managed policy's, given per policy
            ARN); raw documents have none otherwise.

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
    count = len(statement_list(document))
    return _lint(_check_service(service), document, [justification] * count, account, region)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Whether any finding is refused (an error of the module docstring's table)."""
    return any(f.refused for f in findings)


def policy_finding(service: str, code: str, message: str) -> Finding:
    """A finding on a whole policy (no statement), with the code's severity (unknown codes: ``MEDIUM``)."""
    return _finding(service, StatementRef(None), code, message)


def statement_index(finding: Finding) -> int | None:
    """The 0-based statement a lint finding is about, or ``None`` for one on the whole policy."""
    match = re.match(r"Statement\[(\d+)\]", finding.field)
    return int(match.group(1)) if match else None


def _finding(service: str, ref: StatementRef, code: str, message: str) -> Finding:
    return Finding(
        code,
        SEVERITY.get(code, Severity.MEDIUM),
        "policy" if ref.index is None else f"Statement[{ref.index}]",
        ", ".join(ref.actions),
        message,
        SOURCE,
        FIXES.get(code, "fix the action or resource the message names"),
        service,
    )


def fill_placeholders(value: str, account: str | None = None, region: str | None = None) -> str:
    """Replace template placeholders in an ARN by example values chosen by ARN field (module docstring)."""
    examples = {1: EXAMPLE_PARTITION, 3: region or EXAMPLE_REGION, 4: account or EXAMPLE_ACCOUNT}
    out, last = [], 0
    for match in _VARIABLE.finditer(value):
        if _IAM_VARIABLE.match(match.group(1)):
            continue
        out.append(value[last : match.start()])
        out.append(examples.get(_VARIABLE.sub("", value[: match.start()]).count(":"), EXAMPLE_NAME))
        last = match.end()
    return "".join(out) + value[last:]


# ---------------------------------------------------------------------------------------------
# Private helpers.


def _check_service(service: object) -> str:
    if not isinstance(service, str) or not service.strip():
        raise IrsaConfigError.one(
            "service", service, "is empty", "eks_irsa.iam.lint API", "give the catalog service's name"
        )
    return service


@dataclass
class _Statement:
    """One statement as read, with what the rules need."""

    ref: StatementRef
    allow: bool
    grants_actions: bool  # an Action element (not NotAction) in an Allow statement
    justification: str
    actions: list[table.Action] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # string resources as judged (placeholders filled)
    original: dict[str, str] = field(default_factory=dict)  # judged resource -> as written
    whole_placeholders: set[str] = field(default_factory=set)  # judged resources standing for a whole ARN
    findings: list[Finding] = field(default_factory=list)

    def add(self, service: str, code: str, message: str) -> None:
        self.findings.append(_finding(service, self.ref, code, message))

    def shown(self, resources: Iterable[str]) -> str:
        return ", ".join(dict.fromkeys(self.original.get(r, r) for r in resources))


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _lint(
    service: str,
    document: Mapping[str, object],
    justifications: Sequence[str | None],
    account: str | None,
    region: str | None,
) -> list[Finding]:
    findings = _document_findings(service, document)
    prepared: list[_Statement] = []
    sids: dict[str, int] = {}
    for index, item in enumerate(statement_list(document)):
        if not isinstance(item, Mapping):
            findings.append(_finding(service, StatementRef(index), "MALFORMED", f"statement {item!r} is not an object"))
            continue
        why = justifications[index] if index < len(justifications) else None
        statement = _prepare(service, index, item, (why or "").strip(), account, region)
        sid = item.get("Sid")
        if isinstance(sid, str) and sid:
            if sid in sids:
                statement.add(service, "DUPLICATE_SID", f"Sid {sid!r} is also statement {sids[sid]}'s")
            sids.setdefault(sid, index)
        prepared.append(statement)
    for statement in prepared:
        _judge(service, statement, account, region)
    _required_types(service, prepared)
    for statement in prepared:
        findings += statement.findings
    unique = dict.fromkeys(findings)
    return sorted(unique, key=lambda f: (-1 if (i := statement_index(f)) is None else i, f.code, f.rule))


def _document_findings(service: str, document: Mapping[str, object]) -> list[Finding]:
    found: list[Finding] = []
    raw = document.get("Statement")
    if "Statement" not in document:
        found.append(policy_finding(service, "MALFORMED", "the document has no Statement"))
    elif not isinstance(raw, list | Mapping):
        found.append(policy_finding(service, "MALFORMED", "Statement is neither a statement nor a list of them"))
    elif raw == []:
        found.append(policy_finding(service, "MALFORMED", "Statement is an empty list; give at least one"))
    version = document.get("Version")
    if version is None:
        found.append(policy_finding(service, "NO_VERSION", f"no Version: policy variables need {POLICY_VERSION}"))
    elif version == "2008-10-17":
        found.append(
            policy_finding(service, "OLD_VERSION", f"Version 2008-10-17: policy variables need {POLICY_VERSION}")
        )
    elif version != POLICY_VERSION:
        found.append(policy_finding(service, "INVALID_VERSION", f"Version {version!r} is not {POLICY_VERSION}"))
    return found


def _prepare(
    service: str, index: int, item: Mapping[str, object], justification: str, account: str | None, region: str | None
) -> _Statement:
    raw_sid = item.get("Sid")
    sid = raw_sid if isinstance(raw_sid, str) else None
    element = "Action" if "Action" in item else "NotAction"
    written = _as_list(item.get(element, []))
    effect = item.get("Effect")
    allow = effect == "Allow"
    statement = _Statement(
        ref=StatementRef(index, sid, tuple(a if isinstance(a, str) else repr(a) for a in written)),
        allow=allow,
        grants_actions=allow and element == "Action",
        justification=justification,
    )
    if effect not in ("Allow", "Deny"):
        statement.add(service, "MALFORMED", f"Effect {effect!r} is neither Allow nor Deny")
    if "Sid" in item and (not isinstance(item["Sid"], str) or not _SID.match(item["Sid"])):
        statement.add(service, "INVALID_SID", f"Sid {item['Sid']!r} is not ASCII letters and digits")
    for key in ("Principal", "NotPrincipal"):
        if key in item:
            statement.add(
                service, "MALFORMED", f"{key} has no place in a permissions (identity-based) policy; IAM rejects it"
            )
    if "Action" not in item and "NotAction" not in item:
        statement.add(service, "MALFORMED", "the statement has neither Action nor NotAction")
    elif not written:
        statement.add(service, "MALFORMED", f"{element} is an empty list; give at least one action")
    _prepare_actions(service, statement, written, element)
    if allow and element == "NotAction":
        statement.add(
            service, "IRSA_ALL_ACTIONS", "NotAction in an Allow statement grants every action it does not list"
        )
    if "Resource" in item:
        if item["Resource"] == []:
            statement.add(service, "MALFORMED", "Resource is an empty list; give at least one ARN or '*'")
        _prepare_resources(service, statement, _as_list(item["Resource"]), account, region)
    elif "NotResource" in item:
        if allow:
            statement.add(
                service, "IRSA_NOT_RESOURCE", "NotResource in an Allow statement grants every resource it does not list"
            )
    else:
        statement.add(service, "MALFORMED", "the statement has neither Resource nor NotResource")
    if "Condition" in item:
        _check_condition(service, statement, item["Condition"])
    return statement


def _prepare_actions(service: str, statement: _Statement, written: list[object], element: str) -> None:
    for action in written:
        if action in ("*", "*:*"):
            if statement.grants_actions:
                statement.add(service, "IRSA_ALL_ACTIONS", f'{element} "{action}" grants every action of every service')
            continue
        if not isinstance(action, str) or action.count(":") != 1 or not all(action.split(":")):
            statement.add(service, "MALFORMED", f"action {action!r} is not of the form service:ActionName")
            continue
        prefix, name = action.split(":")
        if "*" in name and not name.strip("*?") and statement.grants_actions:
            statement.add(service, "IRSA_SERVICE_WILDCARD", f"{action} grants every action of {prefix}; list them")
            continue
        known = table.service(prefix)
        if known is None:
            statement.add(
                service,
                "UNKNOWN_PREFIX",
                f"{action}: {prefix} is not a service prefix in the Service Authorization Reference ({table.source()})",
            )
            continue
        expanded = table.expand(action)
        if not expanded:
            close = difflib.get_close_matches(name.lower(), list(known.actions), n=1, cutoff=0.8)
            hint = f"; did you mean {prefix}:{known.actions[close[0]].name}?" if close else ""
            statement.add(
                service,
                "UNKNOWN_ACTION",
                f"{action} is not an action of {prefix} in the Service Authorization Reference "
                f"({table.source()}){hint}",
            )
            continue
        statement.actions = list(dict.fromkeys([*statement.actions, *expanded]))  # each once, in order


def _prepare_resources(
    service: str, statement: _Statement, written: list[object], account: str | None, region: str | None
) -> None:
    notes: list[str] = []
    for resource in written:
        if not isinstance(resource, str):
            statement.add(service, "MALFORMED", f"resource {resource!r} is not a string")
            continue
        if not _has_placeholder(resource):
            judged = [resource]
        elif _VARIABLE.fullmatch(resource):
            judged = _whole_placeholder_examples(statement.actions, account, region)
            statement.whole_placeholders.update(judged)
            notes.append(f"{resource} stands for a whole ARN, linted as {' and '.join(judged)} (type not checked)")
        else:
            judged = [fill_placeholders(resource, account, region)]
            notes.append(f"{resource} linted as {judged[0]}")
        for value in judged:
            statement.original.setdefault(value, resource)
            if value != "*" and (not value.startswith("arn:") or len(value.split(":", 5)) < 6):
                statement.add(service, "INVALID_ARN", f"resource {resource!r} is neither '*' nor an ARN")
                continue
            statement.resources.append(value)
    if notes:
        statement.add(
            service,
            "IRSA_PLACEHOLDER",
            "Resource holds template placeholders, replaced by example values for linting only: "
            + "; ".join(notes)
            + ". Resolve them before the policy reaches IAM",
        )


def _check_condition(service: str, statement: _Statement, condition: object) -> None:
    if not isinstance(condition, Mapping) or not all(isinstance(keys, Mapping) for keys in condition.values()):
        statement.add(service, "MALFORMED", "Condition is not a map of operators to maps of keys to values")
        return
    for operator in condition:
        base = str(operator).removeprefix("ForAllValues:").removeprefix("ForAnyValue:")
        if base not in OPERATORS:
            statement.add(
                service,
                "UNKNOWN_OPERATOR",
                f"{operator} is not an IAM condition operator (IAM User Guide, 'Condition operators')",
            )
    for operator, key in inapplicable_keys(condition, statement.actions):
        statement.add(
            service,
            "IRSA_CONDITION_KEY_UNUSED",
            f"{operator} {key}: the key applies to none of {_shorten([a.key for a in statement.actions], 6)} "
            f"(Service Authorization Reference, {table.source()}; IAM User Guide, 'AWS global condition context "
            "keys'), so the statement never matches",
        )


def _judge(service: str, statement: _Statement, account: str | None, region: str | None) -> None:
    """Dead pairs, reach and other accounts' or regions' ARNs of one statement."""
    star: list[str] = []
    anywhere: dict[str, list[str]] = {}
    others: dict[tuple[str, str], list[str]] = {}
    for action in statement.actions:
        live: list[str] = []
        dead: list[str] = []
        for resource in statement.resources:
            if resource in statement.whole_placeholders:
                live.append(resource)
                continue
            pair = reach(action, resource, account, region)
            if pair.dead:
                dead.append(resource)
                continue
            live.append(resource)
            if pair.level is Reach.STAR and action.resource_level:
                star.append(f"{action.key} ({_shorten([t.name for t, _ in action.resource_types], 3)})")
            elif pair.level is Reach.ANY:
                anywhere.setdefault(statement.original.get(resource, resource), []).append(action.key)
            if pair.other_account:
                others.setdefault(("account", pair.other_account), []).append(
                    statement.original.get(resource, resource)
                )
            if pair.other_region:
                others.setdefault(("region", pair.other_region), []).append(statement.original.get(resource, resource))
        if dead and statement.grants_actions:
            _dead(service, statement, action, dead, bool(live))
    if not statement.grants_actions:
        return
    justified = bool(statement.justification)
    if star and not justified:
        names = _shorten(sorted(set(star)), 10)
        statement.add(
            service,
            "IRSA_RESOURCE_STAR",
            f"reaches {Reach.STAR.label} for {len(set(star))} action(s) that take resource ARNs: {names}",
        )
    if anywhere and not justified:
        for resource, actions in anywhere.items():
            statement.add(
                service,
                "IRSA_ANY_ACCOUNT",
                f"{resource} reaches {Reach.ANY.label} for {_shorten(sorted(set(actions)), 6)}",
            )
    for (kind, value), resources in sorted(others.items()):
        if value in statement.justification:
            continue
        statement.add(
            service,
            "IRSA_OTHER_ACCOUNT" if kind == "account" else "IRSA_OTHER_REGION",
            f"{_shorten(list(dict.fromkeys(resources)), 3)} is in {kind} {value}, not the stack's "
            f"({account if kind == 'account' else region}); if that is meant, name {value} in the statement's "
            "justification",
        )


def _dead(service: str, statement: _Statement, action: table.Action, dead: list[str], some_live: bool) -> None:
    kinds = _shorten([t.name for t, _ in action.resource_types], 4)
    shown = statement.shown(dead)
    if not action.resource_level:
        if not some_live:
            statement.add(
                service,
                "RESOURCE_MISMATCH",
                f'{action.key} has no resource-level permissions, so only Resource "*" applies to it; this '
                f"statement names {shown}",
            )
        return
    if not some_live:
        statement.add(
            service,
            "IRSA_DEAD_GRANT",
            f"{action.key} cannot act on any resource this statement names ({shown}); the Service Authorization "
            f"Reference gives it resource types {kinds}",
        )
    else:
        statement.add(
            service,
            "IRSA_PARTLY_DEAD_GRANT",
            f"{action.key} cannot act on {shown} (dead pair); the Service Authorization Reference gives it resource "
            f"types {kinds}. Move it to a statement naming only resources it acts on",
        )


def _required_types(service: str, prepared: Sequence[_Statement]) -> None:
    """IRSA_RESOURCE_TYPE_MISSING: a required resource type no Allow statement of the policy grants. Required
    types of one family (``listener/app``, ``listener/net``) are alternatives: the request names one."""
    warned: set[tuple[str, str]] = set()
    for statement in prepared:
        if not statement.grants_actions or "*" in statement.resources:
            continue
        for action in statement.actions:
            required = [t for t, needed in action.resource_types if needed]
            if len(required) < 2 and not any(not needed for _, needed in action.resource_types):
                continue
            families: dict[str, list[table.ResourceType]] = {}
            for rtype in required:  # listener/app and listener/net: one or the other, as the request names
                families.setdefault(rtype.name.split("/")[0], []).append(rtype)
            for family in families.values():
                rtype = family[0]
                if (action.key, rtype.name) in warned or any(_granted_anywhere(action, t, prepared) for t in family):
                    continue
                named = any(reach(action, r, None, None).level is not None for r in statement.resources)
                if named:
                    warned.add((action.key, rtype.name))
                    statement.add(
                        service,
                        "IRSA_RESOURCE_TYPE_MISSING",
                        f"{action.key} also needs a resource of type {rtype.name} ({rtype.arn}), which no statement "
                        "of this policy grants; IAM denies the call unless another policy does",
                    )


def _granted_anywhere(action: table.Action, rtype: table.ResourceType, prepared: Sequence[_Statement]) -> bool:
    from .reach import names_type

    return any(
        s.allow and action in s.actions and any(r == "*" or names_type(rtype, r) for r in s.resources) for s in prepared
    )


def _has_placeholder(value: str) -> bool:
    return any(not _IAM_VARIABLE.match(m.group(1)) for m in _VARIABLE.finditer(value))


def _whole_placeholder_examples(actions: Sequence[table.Action], account: str | None, region: str | None) -> list[str]:
    """Example ARNs for a Resource that is one placeholder: one per resource type the actions need."""
    examples: list[str] = []
    for action in actions:
        wanted = [t for t, needed in action.resource_types if needed] or [t for t, _ in action.resource_types[:1]]
        for rtype in wanted:
            example = fill_placeholders(rtype.arn, account, region)
            if example not in examples:
                examples.append(example)
    return examples or ["*"]


def _shorten(items: Sequence[str], limit: int) -> str:
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")
