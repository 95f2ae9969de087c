"""Evaluate a role trust policy against one ``sts:AssumeRoleWithWebIdentity`` or ``sts:AssumeRole`` request, offline.

Pure: no Pulumi, no AWS. It answers "would IAM let this token assume this role?" and, when not,
says why in words a person would use, with the usual cause of each failure.

Rules and their sources:

* Statements are OR'd; an explicit ``Deny`` that applies wins over every ``Allow``; with no
  applying statement the answer is deny (IAM User Guide, 'Policy evaluation logic').
* A statement applies when its principal, its action and every condition match. Condition operators
  are AND'd, keys inside one operator are AND'd, several values of one key are OR'd; a negated
  operator (``StringNotEquals``, ``StringNotLike``, ...) with several values is a NOR (IAM User
  Guide, 'Conditions with multiple context keys or values').
* A key missing from the request makes a plain operator false, and a negated operator
  (``StringNotEquals``, ``StringNotLike``, ...) *true*; ``...IfExists`` makes a missing key true;
  ``Null`` with ``"true"`` holds when the key is missing (IAM User Guide, 'IAM JSON policy elements:
  Condition operators', the note at the top of the page and the '...IfExists' and 'Null' sections).
* ``ForAllValues:`` holds when every request value satisfies the operator, and also when the key is
  missing or empty; ``ForAnyValue:`` holds when at least one does, and is false when the key is
  missing (IAM User Guide, 'Single-valued vs. multivalued context keys', section 'Set operators for
  multivalued context keys'; the table of 'Multivalued context key examples').
* Context key *names* are not case-sensitive (IAM User Guide, 'IAM JSON policy elements:
  Condition'); values follow the operator. ``StringLike``: ``*`` is any run of characters, ``?``
  exactly one, case-sensitive; ``StringEquals`` matches ``*`` and ``?`` literally.
* Action names are not case-sensitive and take ``*``/``?`` wildcards (IAM User Guide, 'IAM JSON
  policy elements: Action').
* The web identity keys are ``<issuer host/path>:sub``, ``:aud`` and ``:amr`` (IAM User Guide, 'IAM
  and AWS STS condition context keys', section 'Available keys for AWS OIDC federation'; EKS User
  Guide, 'Assign IAM roles to Kubernetes service accounts').

The same rules decide an ``sts:AssumeRole`` by a service or AWS principal (:class:`AssumeRoleRequest`):
EKS Pod Identity assuming a role for a pod (EKS Auth's ``AssumeRoleForPodIdentity``: principal
``pods.eks.amazonaws.com``, ``aws:SourceAccount``/``aws:SourceArn`` = the cluster, and with session tags
``aws:RequestTag/<tag>`` plus ``sts:TagSession``; EKS User Guide, 'EKS Pod Identity' and 'List of session
tags added by EKS Pod Identity'), and the chained call into a target role (principal = the first role,
``sts:ExternalId`` = the association's external id; EKS User Guide, 'Access AWS Resources using EKS Pod
Identity Target IAM Roles'). Every action of the call must be allowed.

Where IAM's documentation leaves a case open, this evaluator takes the reading that denies and
says so in the statement's notes: a single-valued operator meeting a key with several request
values (a token with several audiences), and ``Principal: {"AWS": "*"}`` for a web identity
caller. Anything it does not understand (an unknown operator or element, ``NotPrincipal``,
``Resource`` in a trust policy, a policy variable, a malformed shape) raises
:class:`TrustPolicyError`; it never answers "allowed" by skipping what it cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ..errors import IrsaConfigError, Problem
from .arn import parse_iam_arn, wildcard_match
from .policy import CONDITION_OPERATORS, STRING_CONDITION_OPERATORS, Effect, element_values
from .trust import (
    CONDITION_DOCS,
    NAMESPACE_TAG,
    POD_IDENTITY_PRINCIPAL,
    SERVICE_ACCOUNT_TAG,
    WEB_IDENTITY_ACTION,
    Subject,
    normalize_issuer,
    request_tag_key,
)

EVALUATION_DOCS = "IAM User Guide, 'Policy evaluation logic'"
GRAMMAR_DOCS = "IAM User Guide, 'IAM JSON policy elements reference'"
PRINCIPAL_DOCS = "IAM User Guide, 'IAM JSON policy elements: Principal'"
ACTION_DOCS = "IAM User Guide, 'IAM JSON policy elements: Action'"

POLICY_VERSIONS = ("2012-10-17", "2008-10-17")
"""Policy language versions IAM accepts (IAM JSON policy elements: Version); ``Version`` may be left out."""

_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_PRINCIPAL_TYPES = frozenset({"AWS", "Federated", "Service", "CanonicalUser"})
_SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")
_IF_EXISTS = "IfExists"
_NEGATED = frozenset({"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike"})
_STRING_OPERATORS = frozenset(STRING_CONDITION_OPERATORS)
_KNOWN_UNSUPPORTED = frozenset(CONDITION_OPERATORS) - _STRING_OPERATORS
_ACTION_SHAPE = re.compile(r"^[A-Za-z0-9-]+:[A-Za-z0-9*?]+$")
_WEB_IDENTITY_CLAIMS = ("sub", "aud", "amr")


class TrustPolicyError(IrsaConfigError):
    """A trust policy this evaluator cannot read: malformed, or using an element it does not implement.

    Raised instead of guessing, so a policy is never reported as allowing by skipping a part of it.
    """


class Cause(StrEnum):
    """The usual cause behind one failing part of a trust policy, as seen in the field."""

    ISSUER_MISMATCH = "ISSUER_MISMATCH"
    """The token comes from another issuer than the role trusts, or a condition key carries ``https://``."""
    WRONG_SUBJECT = "WRONG_SUBJECT"
    """The pod's namespace or service account is not the one the role trusts."""
    WRONG_AUDIENCE = "WRONG_AUDIENCE"
    """The token's ``aud`` is not the audience the role expects."""
    PROVIDER_OTHER_ACCOUNT = "PROVIDER_OTHER_ACCOUNT"
    """``Principal.Federated`` names the right issuer, but an OIDC provider in another account."""
    WILDCARD_UNDER_STRINGEQUALS = "WILDCARD_UNDER_STRINGEQUALS"
    """A ``*`` or ``?`` under ``StringEquals``, which compares it literally."""
    EXPIRED_TOKEN = "EXPIRED_TOKEN"
    """The token's ``exp`` is past (set by :mod:`eks_irsa.cli.explain`)."""
    TOKEN_NOT_YET_VALID = "TOKEN_NOT_YET_VALID"
    """The token's ``nbf`` is in the future (set by :mod:`eks_irsa.cli.explain`)."""
    EXPLICIT_DENY = "EXPLICIT_DENY"
    """A ``Deny`` statement applies; it wins over every ``Allow``."""
    NO_MATCHING_STATEMENT = "NO_MATCHING_STATEMENT"
    """No ``Allow`` statement applies; IAM denies by default."""
    PRINCIPAL_NOT_FEDERATED = "PRINCIPAL_NOT_FEDERATED"
    """The statement trusts AWS or service principals, not an OIDC provider."""
    WRONG_ACTION = "WRONG_ACTION"
    """The statement covers other actions than ``sts:AssumeRoleWithWebIdentity``."""
    OTHER_CONDITION = "OTHER_CONDITION"
    """A condition on another key (``amr``, a global key, ...) does not hold."""
    WRONG_PRINCIPAL = "WRONG_PRINCIPAL"
    """The statement trusts other principals than the caller (e.g. an IRSA-only role used through Pod Identity)."""
    WRONG_CLUSTER = "WRONG_CLUSTER"
    """``aws:SourceArn`` or ``aws:SourceAccount``: the association is in another cluster or account than trusted."""
    WRONG_SESSION_TAG = "WRONG_SESSION_TAG"
    """``aws:RequestTag/kubernetes-namespace`` or ``.../kubernetes-service-account`` names another service account:
    the role is associated with a service account it does not trust."""
    SESSION_TAGS_OFF = "SESSION_TAGS_OFF"
    """The trust pins a session tag, but the association passes none (session tags disabled)."""
    TAG_SESSION_NOT_ALLOWED = "TAG_SESSION_NOT_ALLOWED"
    """The caller passes session tags, but the statement does not allow ``sts:TagSession``."""
    WRONG_EXTERNAL_ID = "WRONG_EXTERNAL_ID"
    """``sts:ExternalId`` is not the association's external id: another association, or a stale trust."""


@dataclass(frozen=True)
class WebIdentityRequest:
    """One ``sts:AssumeRoleWithWebIdentity`` call as IAM sees it when it reads the trust policy.

    Attributes:
        provider_arn: ARN of the IAM OIDC provider the token's ``iss`` maps to,
            ``arn:<partition>:iam::<account>:oidc-provider/<host/path>``.
        issuer: the token's ``iss``; ``https://`` and a trailing ``/`` are removed, giving the
            prefix of the context keys ``<issuer>:sub``, ``<issuer>:aud``, ``<issuer>:amr``.
        sub: the token's ``sub`` claim, or ``None`` when the token has none.
        aud: the token's audiences (a JWT ``aud`` may be a string or a list); empty = no ``aud``.
        amr: the token's ``amr`` values; empty = no ``amr`` key in the request.
        action: the action asked for. Default: ``sts:AssumeRoleWithWebIdentity``.
        extra_context: further context keys and their values, e.g. ``{"aws:SourceIp": ("10.0.0.1",)}``.

    Raises:
        IrsaConfigError: the issuer is empty or has another scheme than https.
    """

    provider_arn: str
    issuer: str
    sub: str | None
    aud: tuple[str, ...] = ()
    amr: tuple[str, ...] = ()
    action: str = WEB_IDENTITY_ACTION
    extra_context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "issuer", normalize_issuer(self.issuer, "request.issuer"))
        for name in ("aud", "amr"):
            value = getattr(self, name)
            object.__setattr__(self, name, element_values(value))

    def key(self, claim: str) -> str:
        """The context key IAM gives a web identity claim, e.g. ``oidc.eks.../id/ABC:sub``."""
        return f"{self.issuer}:{claim}"

    def context(self) -> dict[str, tuple[str, ...]]:
        """The request context: lower-cased key name -> values. A key with no value is left out."""
        values: dict[str, tuple[str, ...]] = {k.lower(): tuple(v) for k, v in self.extra_context.items() if v}
        if self.sub is not None:
            values[self.key("sub").lower()] = (self.sub,)
        if self.aud:
            values[self.key("aud").lower()] = self.aud
        if self.amr:
            values[self.key("amr").lower()] = self.amr
        return values


ASSUME_ROLE = "sts:AssumeRole"
TAG_SESSION = "sts:TagSession"
POD_IDENTITY_SESSION_TAGS = (
    "eks-cluster-arn",
    "eks-cluster-name",
    NAMESPACE_TAG,
    SERVICE_ACCOUNT_TAG,
    "kubernetes-pod-name",
    "kubernetes-pod-uid",
)
"""The session tags EKS Pod Identity passes (EKS User Guide, 'List of session tags added by EKS Pod Identity')."""


@dataclass(frozen=True)
class AssumeRoleRequest:
    """One ``sts:AssumeRole`` call by a service or AWS principal, as IAM sees it reading the trust policy.

    Attributes:
        principal_type: ``Service`` or ``AWS``.
        principal: ``pods.eks.amazonaws.com``, or the calling role's ARN.
        context_keys: context keys and their values (``aws:SourceArn``, ``aws:RequestTag/...``, ``sts:ExternalId``).
        session_tags: the call passes session tags, so ``sts:TagSession`` must be allowed as well.
    """

    principal_type: str
    principal: str
    context_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    session_tags: bool = False

    issuer = ""
    """No web identity issuer: keys of the form ``<issuer>:sub`` never name this request's claims."""

    @property
    def provider_arn(self) -> str:
        """The caller, as decisions name it."""
        return f"{self.principal_type} {self.principal}"

    @property
    def actions(self) -> tuple[str, ...]:
        """``sts:AssumeRole``, and ``sts:TagSession`` when session tags are passed (IAM User Guide,
        'Passing session tags in AWS STS': the trust policy must allow ``sts:TagSession``)."""
        return (ASSUME_ROLE, TAG_SESSION) if self.session_tags else (ASSUME_ROLE,)

    def key(self, claim: str) -> str:
        """Not a web identity request: a claim key is the claim itself."""
        return claim

    def context(self) -> dict[str, tuple[str, ...]]:
        """The request context: lower-cased key name -> values."""
        return {k.lower(): tuple(v) for k, v in self.context_keys.items() if v}


def pod_identity_request(
    cluster_arn: str,
    namespace: str,
    service_account: str,
    *,
    session_tags: bool = True,
    pod_name: str = "pod-0",
) -> AssumeRoleRequest:
    """The ``AssumeRole`` EKS Auth makes for a pod of ``namespace/service_account`` in the cluster ``cluster_arn``.

    ``aws:SourceAccount`` and ``aws:SourceArn`` name the cluster; with ``session_tags`` the six session
    tags travel as ``aws:RequestTag/<tag>`` and ``aws:TagKeys`` (EKS User Guide, 'List of session tags
    added by EKS Pod Identity'; IAM User Guide, 'Passing session tags in AWS STS').
    """
    account = cluster_arn.split(":")[4] if cluster_arn.count(":") >= 5 else ""
    context: dict[str, tuple[str, ...]] = {"aws:SourceAccount": (account,), "aws:SourceArn": (cluster_arn,)}
    if session_tags:
        values = {
            "eks-cluster-arn": cluster_arn,
            "eks-cluster-name": cluster_arn.rsplit("/", 1)[-1],
            NAMESPACE_TAG: namespace,
            SERVICE_ACCOUNT_TAG: service_account,
            "kubernetes-pod-name": pod_name,
            "kubernetes-pod-uid": "00000000-0000-0000-0000-000000000000",
        }
        context.update({request_tag_key(tag): (value,) for tag, value in values.items()})
        context["aws:TagKeys"] = POD_IDENTITY_SESSION_TAGS
    return AssumeRoleRequest("Service", POD_IDENTITY_PRINCIPAL, context, session_tags)


def chained_request(
    first_role_arn: str,
    external_id: str | None,
    *,
    session_tags: Mapping[str, str] | None = None,
) -> AssumeRoleRequest:
    """The ``AssumeRole`` EKS Pod Identity makes with the first role's credentials into a target role.

    ``sts:ExternalId`` is the association's external id; the pod's session tags are transitive and
    travel on (EKS User Guide, 'Access AWS Resources using EKS Pod Identity Target IAM Roles' and
    'Cross-account tags').
    """
    context: dict[str, tuple[str, ...]] = {}
    if external_id is not None:
        context["sts:ExternalId"] = (external_id,)
    for tag, value in (session_tags or {}).items():
        context[request_tag_key(tag)] = (value,)
    if session_tags:
        context["aws:TagKeys"] = tuple(session_tags)
    return AssumeRoleRequest("AWS", first_role_arn, context, bool(session_tags))


@dataclass(frozen=True)
class Finding:
    """One reason a request is denied (or, for ``EXPLICIT_DENY``, the statement that denies it).

    Attributes:
        cause: the usual cause, see :class:`Cause`.
        reason: one sentence, e.g. ``audience sts.amazonaws.com.cn is not sts.amazonaws.com``.
        statement: index of the statement in ``Statement``; ``None`` for findings about the token.
    """

    cause: Cause
    reason: str
    statement: int | None = None


@dataclass(frozen=True)
class ConditionResult:
    """One ``operator: {key: values}`` pair of a statement, evaluated.

    Attributes:
        operator: as written, e.g. ``ForAnyValue:StringLike``.
        key: as written, e.g. ``oidc.eks.us-east-1.amazonaws.com/id/ABC:sub``.
        policy_values: the policy's values for the key.
        request_values: the request's values for the key; ``None`` when the key is missing.
        passed: whether the pair holds.
        detail: what was compared and why it holds or not.
        finding: the cause and reason when it does not hold.
    """

    operator: str
    key: str
    policy_values: tuple[str, ...]
    request_values: tuple[str, ...] | None
    passed: bool
    detail: str
    finding: Finding | None = None


@dataclass(frozen=True)
class StatementResult:
    """One statement, evaluated.

    Attributes:
        index: position in ``Statement`` (0 for a single statement object).
        sid: the ``Sid``, if any.
        effect: ``Allow`` or ``Deny``.
        principal_matched: ``Principal`` covers the request's OIDC provider.
        action_matched: ``Action`` (or ``NotAction``) covers the request's action.
        conditions: every condition pair, in policy order.
        findings: what keeps the statement from applying (principal, action, failing conditions).
        notes: readings taken where IAM's documentation leaves the case open.
    """

    index: int
    sid: str | None
    effect: Effect
    principal_matched: bool
    action_matched: bool
    conditions: tuple[ConditionResult, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()

    @property
    def applies(self) -> bool:
        """Principal, action and every condition match."""
        return self.principal_matched and self.action_matched and all(c.passed for c in self.conditions)

    @property
    def label(self) -> str:
        """``statement 0`` or ``statement 0 (Sid)``."""
        return f"statement {self.index}" + (f" ({self.sid})" if self.sid else "")


@dataclass(frozen=True)
class Decision:
    """The answer for one request.

    Attributes:
        allowed: IAM would let the request assume the role (as far as the trust policy decides).
        reasons: one line per finding or, when allowed, the statement that allows.
        findings: the causes of a deny: ``EXPLICIT_DENY``, or ``NO_MATCHING_STATEMENT`` followed by
            what fails in the statements that trust this provider (all Allow statements when none does).
        statements: per-statement detail.
    """

    allowed: bool
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...]
    statements: tuple[StatementResult, ...]

    @property
    def causes(self) -> tuple[Cause, ...]:
        """The distinct causes of the findings, in order of first appearance."""
        return tuple(dict.fromkeys(f.cause for f in self.findings))

    @property
    def notes(self) -> tuple[str, ...]:
        """All statements' notes, prefixed with the statement."""
        return tuple(f"{s.label}: {n}" for s in self.statements for n in s.notes)


def evaluate_web_identity(policy: Mapping[str, object], request: WebIdentityRequest) -> Decision:
    """Decide whether ``policy`` (a role trust policy) lets ``request`` assume the role.

    Args:
        policy: the trust policy as parsed JSON: ``{"Version"?, "Id"?, "Statement": {...} | [{...}, ...]}``.
        request: the token's issuer, provider ARN and claims.

    Returns:
        A :class:`Decision`. IAM User Guide, 'Policy evaluation logic': an applying ``Deny`` wins,
        else an applying ``Allow`` allows, else deny by default.

    Raises:
        TrustPolicyError: a malformed policy, an unknown or unsupported element or operator,
            ``NotPrincipal``, ``Resource``/``NotResource``, or a policy variable in a condition value.
    """
    return _decide(policy, request, request.action)


def evaluate_assume_role(policy: Mapping[str, object], request: AssumeRoleRequest) -> Decision:
    """Decide whether ``policy`` (a role trust policy) lets a service or AWS principal assume the role.

    Every action of the call (:attr:`AssumeRoleRequest.actions`) must be allowed; the first one denied
    gives the decision, with ``TAG_SESSION_NOT_ALLOWED`` when it is ``sts:TagSession``.

    Raises:
        TrustPolicyError: as :func:`evaluate_web_identity`.
    """
    decisions = [(action, _decide(policy, request, action)) for action in request.actions]
    for action, decision in decisions:
        if not decision.allowed:
            if action == TAG_SESSION and decisions[0][1].allowed:
                finding = Finding(
                    Cause.TAG_SESSION_NOT_ALLOWED,
                    "the caller passes session tags, and no Allow statement allows sts:TagSession for it",
                )
                return replace(decision, reasons=(finding.reason, *decision.reasons), findings=(finding,))
            return decision
    return decisions[0][1]


def _decide(policy: Mapping[str, object], request: WebIdentityRequest | AssumeRoleRequest, action: str) -> Decision:
    statements = _statements(policy)
    variables = policy.get("Version") == "2012-10-17"
    context = request.context()
    results = tuple(
        _evaluate_statement(index, statement, request, context, variables, action) for index, statement in statements
    )
    denying = [s for s in results if s.effect is Effect.DENY and s.applies]
    if denying:
        findings = tuple(
            Finding(
                Cause.EXPLICIT_DENY,
                f"{s.label} denies explicitly: its principal, action and every condition match, "
                "and an explicit Deny wins over any Allow",
                s.index,
            )
            for s in denying
        )
        return Decision(False, tuple(f.reason for f in findings), findings, results)
    allowing = [s for s in results if s.effect is Effect.ALLOW and s.applies]
    if allowing:
        s = allowing[0]
        reason = (
            f"{s.label} allows {action} for {request.provider_arn}: principal, action and "
            f"{_count(len(s.conditions), 'condition')} match"
        )
        return Decision(True, (reason,), (), results)
    allows = [s for s in results if s.effect is Effect.ALLOW]
    relevant = [s for s in allows if s.principal_matched and s.action_matched] or allows
    if not allows:
        head = "the policy has no Allow statement, and IAM denies what no statement allows"
    else:
        checked = _count(len(allows), "Allow statement")
        head = f"no Allow statement matches the request ({checked} checked), and IAM denies by default"
    findings = (Finding(Cause.NO_MATCHING_STATEMENT, head), *(f for s in relevant for f in s.findings))
    several = len(results) > 1
    reasons = tuple(
        f"statement {f.statement}: {f.reason}" if several and f.statement is not None else f.reason for f in findings
    )
    return Decision(False, reasons, findings, results)


# --- structure -------------------------------------------------------------------------------------------


def _error(field_path: str, value: object, rule: str, fix: str, source: str = GRAMMAR_DOCS) -> TrustPolicyError:
    return TrustPolicyError([Problem(field_path, value, rule, source, fix)])


def _statements(policy: object) -> list[tuple[int, Mapping[str, object]]]:
    if not isinstance(policy, Mapping):
        raise _error("policy", type(policy).__name__, "is not a JSON object", "give the policy document object")
    unknown = sorted(set(policy) - _TOP_LEVEL)
    if unknown:
        raise _error("policy", unknown, "are not policy elements (Version, Id, Statement)", "remove or correct them")
    version = policy.get("Version")
    if version is not None and version not in POLICY_VERSIONS:
        raise _error("policy.Version", version, "is not a policy language version", "use 2012-10-17")
    raw = policy.get("Statement")
    if isinstance(raw, Mapping):
        items: list[object] = [raw]
    elif isinstance(raw, list) and raw:
        items = list(raw)
    else:
        raise _error(
            "policy.Statement", raw, "is missing, empty, or neither an object nor a list", "give one or more statements"
        )
    out: list[tuple[int, Mapping[str, object]]] = []
    for index, item in enumerate(items):
        where = f"policy.Statement[{index}]"
        if not isinstance(item, Mapping):
            raise _error(where, item, "is not a JSON object", "write each statement as an object")
        unknown = sorted(set(item) - _STATEMENT_KEYS)
        if unknown:
            raise _error(where, unknown, "are not statement elements", "remove or correct them")
        out.append((index, item))
    return out


def _strings(field_path: str, value: object) -> tuple[str, ...]:
    """A string or a non-empty list of strings, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise _error(field_path, value, "is not a string or a non-empty list of strings", "give a string or a list")


def _evaluate_statement(
    index: int,
    statement: Mapping[str, object],
    request: WebIdentityRequest | AssumeRoleRequest,
    context: Mapping[str, tuple[str, ...]],
    variables: bool,
    action: str,
) -> StatementResult:
    where = f"policy.Statement[{index}]"
    sid = statement.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _error(f"{where}.Sid", sid, "is not a string", "use letters and digits")
    try:
        effect = Effect(str(statement.get("Effect")))
    except ValueError:
        raise _error(
            f"{where}.Effect", statement.get("Effect"), "is not Allow or Deny", "write Allow or Deny"
        ) from None
    for element in ("NotPrincipal", "Resource", "NotResource"):
        if element in statement:
            rule = (
                "is not implemented by this evaluator (and IAM advises against NotPrincipal with Allow)"
                if element == "NotPrincipal"
                else "has no place in a role trust policy: the role itself is the resource"
            )
            raise _error(f"{where}.{element}", statement[element], rule, f"remove {element}", PRINCIPAL_DOCS)
    notes: list[str] = []
    findings: list[Finding] = []

    principal_matched, finding, note = _match_principal(f"{where}.Principal", statement, request, effect)
    principal_finding_cause = finding.cause if finding else None
    if finding:
        findings.append(replace(finding, statement=index))
    if note:
        notes.append(note)

    action_matched, reason = _match_action(where, statement, action)
    if reason:
        findings.append(Finding(Cause.WRONG_ACTION, reason, index))

    conditions: list[ConditionResult] = []
    block = statement.get("Condition", {})
    if not isinstance(block, Mapping):
        raise _error(f"{where}.Condition", block, "is not a JSON object", "write {operator: {key: value}}")
    for operator, keys in block.items():
        if not isinstance(keys, Mapping) or not keys:
            raise _error(
                f"{where}.Condition.{operator}",
                keys,
                "is not a non-empty JSON object",
                "write {key: value or [values]}",
            )
        for key, raw_values in keys.items():
            result, note = _evaluate_condition(
                f"{where}.Condition.{operator}.{key}", operator, key, raw_values, request, context, effect, variables
            )
            if note:
                notes.append(note)
            if result.finding:
                found = replace(result.finding, statement=index)
                result = replace(result, finding=found)
                if not (principal_finding_cause is Cause.ISSUER_MISMATCH and found.cause is Cause.ISSUER_MISMATCH):
                    # A key for another issuer repeats what the principal already says.
                    findings.append(found)
            conditions.append(result)
    return StatementResult(
        index, sid, effect, principal_matched, action_matched, tuple(conditions), tuple(findings), tuple(notes)
    )


# --- principal and action --------------------------------------------------------------------------------


def _match_principal(
    where: str, statement: Mapping[str, object], request: WebIdentityRequest | AssumeRoleRequest, effect: Effect
) -> tuple[bool, Finding | None, str | None]:
    if "Principal" not in statement:
        raise _error(
            where,
            None,
            "is missing; a role trust policy statement names who may assume the role",
            "add Principal",
            PRINCIPAL_DOCS,
        )
    principal = statement["Principal"]
    if principal == "*":
        return True, None, None
    if isinstance(request, AssumeRoleRequest):
        return _match_caller(where, principal, request)
    if not isinstance(principal, Mapping) or not principal:
        raise _error(
            where,
            principal,
            'is neither "*" nor an object of principal types',
            'write {"Federated": "<provider ARN>"}',
            PRINCIPAL_DOCS,
        )
    unknown = sorted(set(principal) - _PRINCIPAL_TYPES)
    if unknown:
        raise _error(
            where,
            unknown,
            "are not principal types (AWS, Federated, Service, CanonicalUser)",
            "correct them",
            PRINCIPAL_DOCS,
        )
    values = {kind: _strings(f"{where}.{kind}", principal[kind]) for kind in principal}
    federated = values.get("Federated", ())
    if request.provider_arn in federated:
        return True, None, None
    if "*" in values.get("AWS", ()):
        # 'Principal: {"AWS": "*"}' is documented as all AWS principals; whether it covers a web identity
        # caller is not. Deny-leaning reading: it matches in a Deny statement, not in an Allow statement.
        matched = effect is Effect.DENY
        note = (
            'Principal {"AWS": "*"} is read as '
            + ("matching" if matched else "not matching")
            + " a web identity caller (IAM does not document this case; the reading that denies is taken)"
        )
        if matched:
            return True, None, note
        return False, Finding(Cause.PRINCIPAL_NOT_FEDERATED, _not_federated(values)), note
    if not federated:
        return False, Finding(Cause.PRINCIPAL_NOT_FEDERATED, _not_federated(values)), None
    return False, _provider_finding(federated, request), None


def _match_caller(where: str, principal: object, request: AssumeRoleRequest) -> tuple[bool, Finding | None, str | None]:
    """A service or AWS caller: named exactly, or for AWS its account (``<id>`` or ``arn:...:root``)."""
    if not isinstance(principal, Mapping) or not principal or set(principal) - _PRINCIPAL_TYPES:
        raise _error(where, principal, "is not an object of principal types", "correct it", PRINCIPAL_DOCS)
    values = {kind: _strings(f"{where}.{kind}", principal[kind]) for kind in principal}
    named = values.get(request.principal_type, ())
    if request.principal in named:
        return True, None, None
    if request.principal_type == "AWS":
        fields = request.principal.split(":")
        account = fields[4] if len(fields) > 5 else ""
        if account and any(v == account or v == f"{':'.join(fields[:4])}:{account}:root" for v in named):
            return True, None, None
    kinds = ", ".join(f"{kind} {', '.join(v)}" for kind, v in sorted(values.items()))
    return (
        False,
        Finding(Cause.WRONG_PRINCIPAL, f"the statement trusts {kinds}, not {request.provider_arn}"),
        None,
    )


def _not_federated(values: Mapping[str, tuple[str, ...]]) -> str:
    kinds = ", ".join(f"{kind} {', '.join(v)}" for kind, v in sorted(values.items()))
    return (
        f"the statement trusts {kinds}, not an OIDC provider (Principal.Federated), so no web identity token matches it"
    )


def _provider_finding(federated: Sequence[str], request: WebIdentityRequest) -> Finding:
    token = parse_iam_arn(request.provider_arn, "oidc-provider")
    for arn in federated:
        trusted = parse_iam_arn(arn, "oidc-provider")
        if token and trusted and trusted.resource_id == token.resource_id and trusted.account != token.account:
            return Finding(
                Cause.PROVIDER_OTHER_ACCOUNT,
                f"the role trusts the OIDC provider for {trusted.resource_id} in account {trusted.account}, "
                f"but the token's issuer maps to the provider in account {token.account} ({request.provider_arn})",
            )
    return Finding(
        Cause.ISSUER_MISMATCH,
        f"the token's issuer is not the provider this role trusts (trusted: {', '.join(federated)}, "
        f"token: {request.provider_arn})",
    )


def _match_action(where: str, statement: Mapping[str, object], action: str) -> tuple[bool, str | None]:
    has_action, has_not = "Action" in statement, "NotAction" in statement
    if has_action == has_not:
        raise _error(
            where,
            sorted(k for k in ("Action", "NotAction") if k in statement),
            "needs exactly one of Action and NotAction",
            "write Action: sts:AssumeRoleWithWebIdentity",
            ACTION_DOCS,
        )
    element = "Action" if has_action else "NotAction"
    patterns = _strings(f"{where}.{element}", statement[element])
    for pattern in patterns:
        if pattern != "*" and not _ACTION_SHAPE.match(pattern):
            raise _error(
                f"{where}.{element}",
                pattern,
                "is not '*' or service:ActionName",
                "write e.g. sts:AssumeRoleWithWebIdentity",
                ACTION_DOCS,
            )
    hit = any(wildcard_match(p, action, ignore_case=True) for p in patterns)
    if has_action:
        return (True, None) if hit else (False, f"the statement covers {', '.join(patterns)}, not {action}")
    return (False, f"the statement's NotAction {', '.join(patterns)} excludes {action}") if hit else (True, None)


# --- conditions ------------------------------------------------------------------------------------------


def _split_operator(where: str, operator: str) -> tuple[str | None, str, bool]:
    prefix = next((p for p in _SET_PREFIXES if operator.startswith(p)), None)
    base = operator[len(prefix) :] if prefix else operator
    if_exists = base.endswith(_IF_EXISTS) and base != _IF_EXISTS
    if if_exists:
        base = base[: -len(_IF_EXISTS)]
    if base == "Null":
        if prefix or if_exists:
            raise _error(
                where, operator, "combines Null with a set prefix or IfExists", "write Null alone", CONDITION_DOCS
            )
        return None, base, False
    if base in _STRING_OPERATORS:
        return prefix, base, if_exists
    if base in _KNOWN_UNSUPPORTED:
        raise _error(
            where,
            operator,
            "is an IAM condition operator this evaluator does not implement",
            "check the policy by hand",
            CONDITION_DOCS,
        )
    raise _error(
        where,
        operator,
        "is not an IAM condition operator",
        "correct its spelling (operators are case-sensitive)",
        CONDITION_DOCS,
    )


def _compare(base: str, value: str, pattern: str) -> bool:
    if base in ("StringEquals", "StringNotEquals"):
        return value == pattern
    if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"):
        return value.casefold() == pattern.casefold()
    return wildcard_match(pattern, value)


def _evaluate_condition(
    where: str,
    operator: str,
    key: str,
    raw_values: object,
    request: WebIdentityRequest | AssumeRoleRequest,
    context: Mapping[str, tuple[str, ...]],
    effect: Effect,
    variables: bool,
) -> tuple[ConditionResult, str | None]:
    prefix, base, if_exists = _split_operator(where.rsplit(".", 1)[0], operator)
    present = context.get(key.lower())
    if base == "Null":
        wanted = _null_values(where, raw_values)
        passed = any((present is None) == w for w in wanted)
        detail = f"Null {key}: key {'absent' if present is None else 'present'}, policy wants " + " or ".join(
            "absent" if w else "present" for w in wanted
        )
        shown = tuple("true" if w else "false" for w in wanted)
        finding = None if passed else _null_finding(key, present, wanted, request)
        return ConditionResult(operator, key, shown, present, passed, detail, finding), None
    policy_values = _strings(where, raw_values)
    if variables and any("${" in v for v in policy_values):
        raise _error(
            where,
            raw_values,
            "holds a policy variable, which this evaluator does not substitute",
            "check the policy by hand",
            "IAM User Guide, 'IAM policy elements: Variables and tags'",
        )
    negated = base in _NEGATED

    def holds(value: str) -> bool:
        hit = any(_compare(base, value, p) for p in policy_values)
        return not hit if negated else hit

    note = None
    if present is None:
        if if_exists:
            passed, why = True, "key absent, and ...IfExists treats a missing key as true"
        elif prefix == "ForAllValues:":
            passed, why = True, "key absent, and ForAllValues holds for an absent or empty key"
        elif prefix == "ForAnyValue:":
            passed, why = False, "key absent, and ForAnyValue needs at least one value"
        elif negated:
            passed, why = True, "key absent, and a negated operator holds for a missing key"
        else:
            passed, why = False, "key absent, and the operator needs a value"
    elif prefix == "ForAllValues:":
        passed = all(holds(v) for v in present)
        why = "every value satisfies it" if passed else "not every value satisfies it"
    elif prefix == "ForAnyValue:":
        passed = any(holds(v) for v in present)
        why = "a value satisfies it" if passed else "no value satisfies it"
    elif len(present) == 1:
        passed = holds(present[0])
        why = "it holds" if passed else "it does not hold"
    else:
        every, some = all(holds(v) for v in present), any(holds(v) for v in present)
        if every == some:
            passed, why = every, "it holds for every value" if every else "it holds for no value"
        else:
            passed = effect is Effect.DENY
            why = "it holds for some values only"
            note = (
                f"{operator} on {key} meets {len(present)} request values and holds for some only; IAM does not "
                f"document this case for a single-valued operator, so it is read as {'true' if passed else 'false'} "
                "(the reading that denies)"
            )
    request_values = "absent" if present is None else ", ".join(present)
    detail = f"{operator} {key}: request {request_values}; policy {', '.join(policy_values)}: {why}"
    finding = None
    if not passed:
        finding = _condition_finding(prefix, base, negated, key, policy_values, present, request)
    return ConditionResult(operator, key, policy_values, present, passed, detail, finding), note


def _null_values(where: str, raw: object) -> tuple[bool, ...]:
    items = raw if isinstance(raw, list) and raw else [raw]
    out = []
    for item in items:
        if isinstance(item, bool):
            out.append(item)
        elif isinstance(item, str) and item.lower() in ("true", "false"):
            out.append(item.lower() == "true")
        else:
            raise _error(
                where,
                raw,
                'is not "true" or "false"',
                'write "true" (key absent) or "false" (key present)',
                CONDITION_DOCS,
            )
    return tuple(out)


def _null_finding(
    key: str, present: tuple[str, ...] | None, wanted: tuple[bool, ...], request: WebIdentityRequest | AssumeRoleRequest
) -> Finding:
    claim = _claim(key, request)
    state = "absent" if present is None else "present"
    text = f"Null requires {key} to be {'absent' if wanted[0] else 'present'}, and it is {state}"
    cause = {"sub": Cause.WRONG_SUBJECT, "aud": Cause.WRONG_AUDIENCE}.get(claim or "", Cause.OTHER_CONDITION)
    return Finding(cause, text)


def _claim(key: str, request: WebIdentityRequest | AssumeRoleRequest) -> str | None:
    """``sub``/``aud``/``amr`` when ``key`` is that claim of the request's issuer."""
    issuer, _, claim = key.rpartition(":")
    if claim.lower() in _WEB_IDENTITY_CLAIMS and issuer.lower() == request.issuer.lower():
        return claim.lower()
    return None


def _issuer_key_finding(key: str, request: WebIdentityRequest | AssumeRoleRequest) -> Finding | None:
    """A web identity key written for another issuer (or with ``https://``), hence never in the request."""
    issuer, _, claim = key.rpartition(":")
    if (
        not request.issuer
        or claim.lower() not in _WEB_IDENTITY_CLAIMS
        or not issuer
        or issuer.lower() == request.issuer.lower()
    ):
        return None
    scheme = issuer.lower().startswith("https://")
    if scheme or issuer.endswith("/"):
        stripped = issuer[len("https://") :] if scheme else issuer
        if stripped.rstrip("/").lower() == request.issuer.lower():
            extra = "https://" if scheme else "a trailing /"
            return Finding(
                Cause.ISSUER_MISMATCH,
                f"the condition key {key} carries {extra}; IAM names the key {request.key(claim.lower())}, "
                "so the policy's key is never in the request",
            )
    return Finding(
        Cause.ISSUER_MISMATCH,
        f"the condition key {key} is for issuer {issuer}, but the token's issuer is {request.issuer}, "
        "so the key is not in the request",
    )


def _one_of(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else "one of " + ", ".join(values)


def _condition_finding(
    prefix: str | None,
    base: str,
    negated: bool,
    key: str,
    policy_values: tuple[str, ...],
    present: tuple[str, ...] | None,
    request: WebIdentityRequest | AssumeRoleRequest,
) -> Finding:
    if present is None:
        wrong_issuer = _issuer_key_finding(key, request)
        if wrong_issuer:
            return wrong_issuer
    claim = _claim(key, request)
    patterns = [v for v in policy_values if "*" in v or "?" in v]
    if base in ("StringEquals", "StringEqualsIgnoreCase") and patterns and present is not None:
        as_pattern = any(wildcard_match(p, v, base.endswith("IgnoreCase")) for p in patterns for v in present)
        wildcards = sorted({ch for v in patterns for ch in "*?" if ch in v})
        marks = " and ".join(f"a `{ch}`" for ch in wildcards)
        literal = {"*": "a literal asterisk", "?": "a literal question mark"}.get(
            "".join(wildcards), "literal characters"
        )
        text = f"{marks} under {base} matches only {literal}"
        if as_pattern:
            shown = ", ".join(present)
            return Finding(
                Cause.WILDCARD_UNDER_STRINGEQUALS,
                f"{text}: {claim or key} {shown} is not {_one_of(policy_values)}; a pattern needs StringLike",
            )
        aside = f" ({text})"
    else:
        aside = ""
    if negated:
        shown = "no value" if present is None else ", ".join(present)
        cause = {"sub": Cause.WRONG_SUBJECT, "aud": Cause.WRONG_AUDIENCE}.get(claim or "", Cause.OTHER_CONDITION)
        return Finding(
            cause,
            f"{claim or key} {shown} matches {_one_of(policy_values)}, which {prefix or ''}{base} excludes{aside}",
        )
    if claim == "sub":
        return Finding(Cause.WRONG_SUBJECT, _subject_reason(base, policy_values, present) + aside)
    if claim == "aud":
        if present is None:
            return Finding(
                Cause.WRONG_AUDIENCE, f"the token has no audience; the role expects {_one_of(policy_values)}{aside}"
            )
        noun = "audience" if len(present) == 1 else "audiences"
        verb = "is not" if len(policy_values) == 1 else "is none of"
        return Finding(Cause.WRONG_AUDIENCE, f"{noun} {', '.join(present)} {verb} {', '.join(policy_values)}{aside}")
    shown = "is absent" if present is None else "is " + ", ".join(present)
    text = f"{key} {shown}; {prefix or ''}{base} wants {_one_of(policy_values)}{aside}"
    lowered = key.lower()
    if lowered in _TAG_KEYS:
        if present is None:
            return Finding(Cause.SESSION_TAGS_OFF, f"{text} (the association passes no session tags)")
        return Finding(Cause.WRONG_SESSION_TAG, text)
    return Finding(_KEY_CAUSES.get(lowered, Cause.OTHER_CONDITION), text)


_TAG_KEYS = frozenset(request_tag_key(tag).lower() for tag in POD_IDENTITY_SESSION_TAGS)
_KEY_CAUSES = {
    "aws:sourcearn": Cause.WRONG_CLUSTER,
    "aws:sourceaccount": Cause.WRONG_CLUSTER,
    "sts:externalid": Cause.WRONG_EXTERNAL_ID,
}


def _subject_reason(base: str, expected: tuple[str, ...], present: tuple[str, ...] | None) -> str:
    like = base == "StringLike"
    wants = ("a match for " if like else "") + _one_of(expected)
    if present is None:
        return f"the token has no sub; the role expects {wants}"
    actual = present[0]
    head = f"sub is {', '.join(present)}; the role expects {wants}"
    got = Subject.from_value(actual)
    if not got:
        return f"{head} (the token's sub is not a Kubernetes service account)"
    same_ns, same_sa = [], []
    for value in expected:
        want = Subject.from_value(value)
        if not want:
            continue
        ns_ok = _compare(base, got.namespace, want.namespace)
        sa_ok = _compare(base, got.service_account, want.service_account)
        if ns_ok and not sa_ok:
            same_ns.append(want.service_account)
        elif sa_ok and not ns_ok:
            same_sa.append(want.namespace)
    if same_ns:
        return f"{head} (wrong service account: {got.service_account} instead of {' or '.join(dict.fromkeys(same_ns))})"
    if same_sa:
        return f"{head} (wrong namespace: {got.namespace} instead of {' or '.join(dict.fromkeys(same_sa))})"
    return f"{head} (both the namespace and the service account differ)"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
