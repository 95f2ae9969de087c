"""The one judgement of role trust policies: IRSA (web identity) and EKS Pod Identity statements.

Pure, standard library only. :func:`review_trust` takes a parsed trust policy and what the caller
knows beside it (:class:`TrustContext`) and returns :class:`~eks_irsa.iam.findings.Finding` s. Three
paths call it and nothing else judges a trust document:

* the plan: :func:`eks_irsa.iam.trust.check_trust_policy`, on every trust policy ``IrsaRole`` renders,
  refuses the findings of a refused severity before anything is registered;
* the policy pack: the ``workload-trust`` policy (mandatory, refused severities) and
  ``workload-trust-advisory`` (the rest) on every ``aws:iam/role:Role`` of any stack;
* the audit: every role of the account, with what only the audit knows (which OIDC providers and
  clusters exist, each provider's client IDs).

A fact the caller does not know (``None`` in the context) turns its rule off; a rule never guesses.
Rules, each with its code and source (``docs/audit.md`` lists them with their fixes):

* Who: ``Principal: "*"`` (or ``AWS``/``Federated`` ``"*"``) with ``sts:AssumeRoleWithWebIdentity`` lets a
  token of any OIDC provider of the account in (``TRUST_PRINCIPAL_ANY``; IAM User Guide, 'IAM JSON
  policy elements: Principal'); several providers in one statement, or condition keys naming another
  issuer than the provider's, never hold together (``TRUST_ISSUERS_ANDED``; condition keys are AND'd);
  a provider of another account (``TRUST_PROVIDER_OTHER_ACCOUNT``), one that no longer exists
  (``TRUST_PROVIDER_MISSING``), one whose EKS cluster is gone although the provider stayed
  (``TRUST_ISSUER_CLUSTER_GONE``), one whose ARN's partition is not its issuer's region's
  (``TRUST_PARTITION_MISMATCH``; an ``arn:aws:`` provider for a ``cn-north-1`` issuer), and the dual-stack
  issuer ``oidc-eks.<region>.api.aws`` (``TRUST_DUAL_STACK_ISSUER``: tokens carry the IPv4 issuer) admit
  nobody.
* ``:sub``: missing or under an operator that does not pin it (``TRUST_SUBJECT_NOT_PINNED``); a wildcard
  in the namespace (``system:serviceaccount:*:app``, ``team-*:*``, ``prod?:api``) or a pattern that is
  not a service account subject at all (``TRUST_SUBJECT_ANY_NAMESPACE``); a pattern whose name starts
  with a wildcard (``TRUST_SUBJECT_NAMESPACE_WIDE``); a value that is no service account subject
  (``TRUST_SUBJECT_MALFORMED``). EKS User Guide, 'Assign IAM roles to Kubernetes service accounts'.
* ``:aud``: missing or a wildcard (``TRUST_AUDIENCE_NOT_PINNED``); a value that is not a client ID of
  the provider (``TRUST_AUDIENCE_NOT_CLIENT_ID``, when the client IDs are known); a near miss of
  ``sts.amazonaws.com`` such as ``sts.amazon.com`` (``TRUST_AUDIENCE_TYPO``); another audience when
  the client IDs are not known (``TRUST_AUDIENCE_UNUSUAL``).
* Operators: ``...IfExists``, ``ForAnyValue:`` or ``ForAllValues:`` on ``:sub``/``:aud``
  (``TRUST_CLAIM_SET_OPERATOR``); ``*``/``?`` under ``StringEquals`` (``TRUST_WILDCARD_UNDER_STRINGEQUALS``,
  matched literally); ``StringLike`` without a wildcard (``TRUST_STRINGLIKE_WITHOUT_PATTERN``); a key
  written with ``https://`` (``TRUST_CONDITION_KEY_SCHEME``). IAM User Guide, 'IAM JSON policy
  elements: Condition operators'.
* Pod Identity: ``aws:SourceAccount`` and ``aws:SourceArn`` pinned to the role's account and to EKS
  clusters by name (``POD_IDENTITY_TRUST_UNSCOPED``; IAM User Guide, 'The confused deputy problem'),
  and ``sts:TagSession`` allowed (``POD_IDENTITY_NO_TAG_SESSION``: EKS Pod Identity tags every session).
* The document: over the account's trust policy quota (``TRUST_POLICY_TOO_LARGE``; IAM and AWS STS
  quotas).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import IrsaConfigError, Problem
from . import limits
from .arn import Arn, parse_arn, parse_iam_arn, wildcard_match
from .findings import Finding, Severity, sorted_findings
from .partition import PARTITIONS_DOCS, partition_for_region
from .policy import canonical_json, element_values, statement_list
from .trust import (
    CONDITION_DOCS,
    DEFAULT_AUDIENCE,
    IRSA_DOCS,
    POD_IDENTITY_PRINCIPAL,
    WEB_IDENTITY_ACTION,
    Subject,
)

PRINCIPAL_DOCS = "IAM User Guide, 'IAM JSON policy elements: Principal'"
MULTIPLE_KEYS_DOCS = "IAM User Guide, 'Conditions with multiple context keys or values'"
POD_IDENTITY_DOCS = (
    "EKS User Guide, 'Create the Pod Identity role trust policy'; IAM User Guide, 'The confused deputy problem'"
)
DUAL_STACK_DOCS = (
    "aws/containers-roadmap issue 2038 (the dual-stack OIDC issuer URL, 2024); terraform-aws-modules/"
    "terraform-aws-eks issue 3237 (service account tokens carry the IPv4 issuer)"
)
PROVIDER_DOCS = "IAM User Guide, 'Create an OpenID Connect (OIDC) identity provider in IAM'"

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
"""Every Kubernetes service account token's ``sub`` starts so (Kubernetes docs, 'Managing Service Accounts')."""

EKS_ISSUER = re.compile(
    r"^oidc\.eks\.(?P<region>[a-z0-9-]+)\.(?P<suffix>amazonaws\.com(?:\.cn)?|[a-z0-9.-]+)/id/(?P<id>\w+)\Z"
)
"""An EKS cluster's issuer as IAM writes it: ``oidc.eks.<region>.<DNS suffix>/id/<ID>`` (EKS User Guide)."""
DUAL_STACK_ISSUER = re.compile(r"^oidc-eks\.(?P<region>[a-z0-9-]+)\.api\.aws/id/(?P<id>\w+)\Z")
"""The same cluster's dual-stack issuer URL, ``oidc-eks.<region>.api.aws/id/<ID>`` (:data:`DUAL_STACK_DOCS`)."""

_CLAIMS = ("sub", "aud")
_SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")
_PINNING = ("StringEquals", "StringLike")


@dataclass(frozen=True)
class TrustContext:
    """What the caller knows beside the trust policy; ``None`` for a fact it does not know.

    Attributes:
        role_account: the role's account, 12 digits. Default: not known.
        providers: the IAM OIDC provider ARNs of the role's account, each with its client IDs (``None``
            when not read). Default: not known (the plan, the pack).
        cluster_issuers: the issuers (host/path) of the EKS clusters that exist in ``region``. Default: not
            known.
        region: the region ``cluster_issuers`` lists; issuers of other regions are not judged against it.
        max_size: the account's trust policy quota, characters without whitespace (IAM and AWS STS quotas).
            Default: 2,048.
        client_ids: client IDs of providers the caller registers itself (the plan's
            ``provider_client_ids``), by provider ARN; known even when ``providers`` is not. Default: none.
    """

    role_account: str | None = None
    providers: Mapping[str, tuple[str, ...] | None] | None = None
    cluster_issuers: frozenset[str] | None = None
    region: str | None = None
    max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
    client_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def client_ids_of(self, provider_arn: str) -> tuple[str, ...] | None:
        """The provider's registered client IDs, or ``None`` when not known."""
        if provider_arn in self.client_ids:
            return tuple(self.client_ids[provider_arn])
        return (self.providers or {}).get(provider_arn)


def review_trust(document: Mapping[str, object], context: TrustContext = TrustContext()) -> list[Finding]:
    """Every finding on a role trust policy's IRSA and Pod Identity statements.

    Args:
        document: the parsed trust policy (``{"Statement": {...} | [...]}``).
        context: what the caller knows (:class:`TrustContext`).

    Returns:
        Findings (:func:`~eks_irsa.iam.findings.sorted_findings` order), fields rooted at the document
        (``Statement[0].Condition.StringLike.<issuer>:sub``); empty when the document passes or holds no
        IRSA or Pod Identity statement (another federation, a service) at all.
    """
    findings: list[Finding] = []
    statements = statement_list(document) if isinstance(document, Mapping) else []
    issuers = _trusted_issuers(statements)
    workload = False
    for index, statement in enumerate(statements):
        if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
            continue
        where = f"Statement[{index}]"
        if _is_web_identity(statement):
            workload = True
            findings += _web_identity(where, statement, context, issuers)
        if POD_IDENTITY_PRINCIPAL in (v.lower() for v in _principals(statement, "Service")):
            workload = True
            findings += _pod_identity(where, statement, context)
    if workload:
        findings += _size(document, context)
    return sorted_findings(findings)


def check_trust_policy(
    field: str,
    document: Mapping[str, object],
    max_size: int = limits.TRUST_POLICY_MAX_DEFAULT,
    *,
    role_account: str | None = None,
    client_ids: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Problem]:
    """The plan's check of a trust policy it rendered: :func:`review_trust`'s findings of a refused severity,
    as problems under ``field``; ``IrsaRole`` raises them before registering the role.

    Args:
        field: the name problems start with, e.g. ``trust_policy``.
        document: the rendered trust policy.
        max_size: the account's trust policy quota, characters (IAM and AWS STS quotas). Default: 2,048.
        role_account: the role's account, when known.
        client_ids: the client IDs of the providers the plan registers, by provider ARN.
    """
    context = TrustContext(role_account=role_account, max_size=max_size, client_ids=dict(client_ids or {}))
    return [f.at(field).problem() for f in review_trust(document, context) if f.refused]


def audience_findings(field: str, audience: str, client_ids: tuple[str, ...] | None) -> list[Finding]:
    """One ``:aud`` value against the provider's client IDs (``None``: not known).

    STS refuses a token whose ``aud`` is not a client ID of the provider (IAM User Guide, 'Create an
    OpenID Connect (OIDC) identity provider in IAM'); the EKS pod identity webhook requests
    ``sts.amazonaws.com`` unless a ServiceAccount's ``eks.amazonaws.com/audience`` says otherwise.
    ``IrsaRole`` checks its ``audience`` input with this before rendering.
    """
    if (audience == DEFAULT_AUDIENCE) if client_ids is None else (audience in client_ids):
        return []
    if _near_default(audience):
        return [
            Finding(
                "TRUST_AUDIENCE_TYPO",
                Severity.HIGH,
                field,
                audience,
                f"looks like a typo of {DEFAULT_AUDIENCE}, the audience the pod identity webhook requests; no "
                "token carries it",
                IRSA_DOCS,
                f"write {DEFAULT_AUDIENCE}",
            )
        ]
    if client_ids is not None:
        return [
            Finding(
                "TRUST_AUDIENCE_NOT_CLIENT_ID",
                Severity.HIGH,
                field,
                audience,
                f"is not a client ID of the OIDC provider ({', '.join(client_ids) or 'none'}); STS refuses the token",
                PROVIDER_DOCS,
                f"use {DEFAULT_AUDIENCE}, or add the audience to the provider's client IDs",
            )
        ]
    return [
        Finding(
            "TRUST_AUDIENCE_UNUSUAL",
            Severity.LOW,
            field,
            audience,
            f"is not {DEFAULT_AUDIENCE}; only pods whose ServiceAccount sets eks.amazonaws.com/audience to it, "
            "through a provider registering it as a client ID, get the role",
            IRSA_DOCS,
            f"check that the provider lists it as a client ID, or use {DEFAULT_AUDIENCE}",
        )
    ]


def issuer_partition(issuer: str) -> str | None:
    """The partition of an EKS issuer's region (``oidc.eks.cn-north-1.amazonaws.com.cn/...`` -> ``aws-cn``);
    ``None`` for an issuer that is not an EKS one."""
    match = EKS_ISSUER.match(issuer) or DUAL_STACK_ISSUER.match(issuer)
    if match is None:
        return None
    try:
        return partition_for_region(match["region"]).name
    except IrsaConfigError:
        return None


# --- web identity ------------------------------------------------------------------------------------------


def _web_identity(
    where: str, statement: Mapping[str, object], context: TrustContext, issuers: frozenset[str]
) -> list[Finding]:
    principal = statement.get("Principal")
    anyone = principal == "*" or any(v == "*" for k in ("AWS", "Federated") for v in _principals(statement, k))
    if anyone:
        return [
            Finding(
                "TRUST_PRINCIPAL_ANY",
                Severity.CRITICAL,
                f"{where}.Principal",
                principal,
                "lets a token of any OIDC provider registered in the account (another cluster, a CI system) "
                "assume the role with sts:AssumeRoleWithWebIdentity",
                PRINCIPAL_DOCS,
                'name the cluster\'s provider: "Principal": {"Federated": "<OIDC provider ARN>"}',
            )
        ]
    providers = [p for p in map(_provider, _principals(statement, "Federated")) if p]
    findings = _issuer_findings(where, statement, providers)
    for provider in providers:
        findings += _provider_findings(where, provider, context, issuers)
    conditions = _conditions(statement)
    for operator, key, values in conditions:
        findings += _operator_findings(where, operator, key, values)
    findings += _subject_findings(where, conditions)
    findings += _audience_findings_of(where, conditions, providers, context)
    return findings


def _issuer_findings(where: str, statement: Mapping[str, object], providers: list[Arn]) -> list[Finding]:
    named = {p.resource_id for p in providers}
    keyed = {_key_issuer(key) for _, key, _ in _conditions(statement) if _claim(key) in _CLAIMS}
    if len(providers) > 1 or len(named | keyed) > 1:
        return [
            Finding(
                "TRUST_ISSUERS_ANDED",
                Severity.HIGH,
                where,
                sorted(named | keyed),
                "names several issuers in one statement; its conditions are AND'd and a token has one issuer, "
                "so the statement admits nobody",
                MULTIPLE_KEYS_DOCS,
                "write one statement per OIDC provider, each conditioned on its own <issuer>:sub and :aud",
            )
        ]
    return []


def _provider_findings(where: str, provider: Arn, context: TrustContext, issuers: frozenset[str]) -> list[Finding]:
    at, arn, issuer = f"{where}.Principal.Federated", str(provider), provider.resource_id
    if context.role_account and provider.account != context.role_account:
        return [
            Finding(
                "TRUST_PROVIDER_OTHER_ACCOUNT",
                Severity.MEDIUM,
                at,
                arn,
                f"is an OIDC provider of account {provider.account}, but the role lives in {context.role_account}; "
                "STS maps a token to the provider of the role's own account, so the statement admits nobody",
                PROVIDER_DOCS,
                f"register the cluster's issuer as an OIDC provider in {context.role_account} and trust that one",
            )
        ]
    findings = []
    partition = issuer_partition(issuer)
    if partition is not None and provider.partition != partition:
        findings.append(
            Finding(
                "TRUST_PARTITION_MISMATCH",
                Severity.HIGH,
                at,
                arn,
                f"is an arn:{provider.partition}: provider for an issuer of partition {partition}; no such provider "
                "can exist, so the statement admits nobody",
                PARTITIONS_DOCS,
                f"write arn:{partition}:iam::<account>:oidc-provider/{issuer}",
            )
        )
    dual = DUAL_STACK_ISSUER.match(issuer)
    if dual is not None:
        paired = any((m := EKS_ISSUER.match(i)) and m["id"] == dual["id"] for i in issuers)
        findings.append(
            Finding(
                "TRUST_DUAL_STACK_ISSUER",
                Severity.LOW if paired else Severity.HIGH,
                at,
                arn,
                "is the provider of a cluster's dual-stack issuer; service account tokens carry the cluster's "
                "IPv4 issuer (oidc.eks.<region>...), so this statement admits nobody"
                + (" (the same cluster's IPv4 issuer is trusted too: the statement is dead weight)" if paired else ""),
                DUAL_STACK_DOCS,
                "trust the provider of the issuer DescribeCluster returns (oidc.eks.<region>.amazonaws.com/id/<ID>)",
            )
        )
    if context.providers is not None and arn not in context.providers:
        findings.append(
            Finding(
                "TRUST_PROVIDER_MISSING",
                Severity.MEDIUM,
                at,
                arn,
                "no longer exists (a replaced or deleted cluster); the statement admits nobody, and a provider "
                "registered again for that issuer would revive it",
                IRSA_DOCS,
                "point the statement at the current cluster's provider, or remove it (and the role if unused)",
            )
        )
    elif context.cluster_issuers is not None and _gone(issuer, context):
        findings.append(
            Finding(
                "TRUST_ISSUER_CLUSTER_GONE",
                Severity.MEDIUM,
                at,
                arn,
                f"names the issuer of an EKS cluster that no longer exists in {context.region}; the provider was "
                "kept, but no token of that issuer will come again",
                IRSA_DOCS,
                "remove the statement (and the role if unused), then the provider",
            )
        )
    return findings


def _gone(issuer: str, context: TrustContext) -> bool:
    match = EKS_ISSUER.match(issuer)
    return match is not None and match["region"] == context.region and issuer not in (context.cluster_issuers or ())


def _operator_findings(where: str, operator: str, key: str, values: tuple[str, ...]) -> list[Finding]:
    at, claim = f"{where}.Condition.{operator}.{key}", _claim(key)
    findings = []
    if "://" in key:
        findings.append(
            Finding(
                "TRUST_CONDITION_KEY_SCHEME",
                Severity.MEDIUM,
                at,
                key,
                "holds a scheme; IAM writes the issuer as host/path, so the key is never in a request and the "
                "condition never holds",
                IRSA_DOCS,
                "drop the https:// from the key",
            )
        )
    if claim not in _CLAIMS:
        return findings
    if operator.endswith("IfExists") or operator.startswith(_SET_PREFIXES):
        findings.append(
            Finding(
                "TRUST_CLAIM_SET_OPERATOR",
                Severity.MEDIUM,
                at,
                list(values),
                "uses a set or IfExists operator on a single-valued claim; a token without it, or with several "
                "values, may pass",
                CONDITION_DOCS,
                "use StringEquals (or StringLike for a subject pattern)",
            )
        )
    base = operator.removesuffix("IfExists").rpartition(":")[2]
    wild = [v for v in values if "*" in v or "?" in v]
    if base == "StringEquals" and wild:
        findings.append(
            Finding(
                "TRUST_WILDCARD_UNDER_STRINGEQUALS",
                Severity.MEDIUM,
                at,
                wild,
                "holds a wildcard, which StringEquals matches literally, so no token matches it",
                CONDITION_DOCS,
                "name the exact value, or move a subject pattern to StringLike (literal namespace, narrow prefix)",
            )
        )
    if base == "StringLike" and len(wild) < len(values):
        findings.append(
            Finding(
                "TRUST_STRINGLIKE_WITHOUT_PATTERN",
                Severity.LOW,
                at,
                [v for v in values if v not in wild],
                "is under StringLike without a wildcard; StringEquals was meant, and StringLike invites a later '*'",
                CONDITION_DOCS,
                f"move {key} to StringEquals",
            )
        )
    return findings


def _subject_findings(where: str, conditions: list[tuple[str, str, tuple[str, ...]]]) -> list[Finding]:
    subs = [(op, key, values) for op, key, values in conditions if _claim(key) == "sub"]
    constraining = [(op, key, values) for op, key, values in subs if not _negated(op)]
    if not constraining:
        return [
            Finding(
                "TRUST_SUBJECT_NOT_PINNED",
                Severity.CRITICAL,
                f"{where}.Condition",
                sorted(f"{op} {key}" for op, key, _ in subs) or "(no :sub condition)",
                "does not pin :sub with StringEquals or StringLike, so any service account of any namespace of "
                "the issuer can take the role",
                IRSA_DOCS,
                "pin <issuer>:sub with StringEquals to system:serviceaccount:<namespace>:<name>",
            )
        ]
    findings = []
    for operator, key, values in constraining:
        at = f"{where}.Condition.{operator}.{key}"
        if _base(operator) not in (*_PINNING, "StringEqualsIgnoreCase"):
            findings.append(_malformed(at, operator, f"{operator} never compares a service account subject"))
            continue
        like = _base(operator) == "StringLike"
        for value in values:
            findings += _subject_value(at, value, like)
    return findings


def _negated(operator: str) -> bool:
    """An operator that holds for every value but the ones named (``StringNotEquals``, ``ArnNotLike``, ...),
    or ``Null``: it does not pin a claim."""
    base = _base(operator)
    return "Not" in base or base == "Null"


def _subject_value(at: str, value: str, like: bool) -> list[Finding]:
    wild = like and ("*" in value or "?" in value)
    if wild and not _literal_namespace(value):
        return [
            Finding(
                "TRUST_SUBJECT_ANY_NAMESPACE",
                Severity.CRITICAL,
                at,
                value,
                "has a wildcard before the namespace ends, so a service account of any matching namespace "
                "(anyone who may create that namespace) can take the role",
                IRSA_DOCS,
                "keep the namespace literal: system:serviceaccount:<namespace>:<name or narrow prefix-*>",
            )
        ]
    subject = Subject.from_value(value)
    if subject is None:
        if "*" in value or "?" in value:
            return []  # under StringEquals: TRUST_WILDCARD_UNDER_STRINGEQUALS says it
        return [_malformed(at, value)]
    if wild:
        if subject.service_account[:1] in ("*", "?"):
            return [
                Finding(
                    "TRUST_SUBJECT_NAMESPACE_WIDE",
                    Severity.HIGH,
                    at,
                    value,
                    f"lets every service account of namespace {subject.namespace} take the role",
                    IRSA_DOCS,
                    f"name the service accounts (system:serviceaccount:{subject.namespace}:<name>), or give a "
                    "literal prefix such as app-*",
                )
            ]
        pattern = Subject(subject.namespace, subject.service_account, pattern=True)
        return [_malformed(at, value, p.rule) for p in pattern.check("subject")]
    if "*" in value or "?" in value:
        return []
    return [_malformed(at, value, p.rule) for p in subject.check("subject")]


def _malformed(at: str, value: object, why: str = "") -> Finding:
    return Finding(
        "TRUST_SUBJECT_MALFORMED",
        Severity.MEDIUM,
        at,
        value,
        "is not a service account subject (system:serviceaccount:<namespace>:<name> with Kubernetes names)"
        + (f": {why}" if why else "")
        + "; no token carries it",
        IRSA_DOCS,
        "write system:serviceaccount:<namespace>:<service account>",
    )


def _literal_namespace(value: str) -> bool:
    """Whether a ``StringLike`` subject fixes its namespace: no wildcard before the third ``:``."""
    if not value.startswith(SERVICE_ACCOUNT_PREFIX):
        return False
    namespace, colon, _ = value[len(SERVICE_ACCOUNT_PREFIX) :].partition(":")
    return bool(colon) and "*" not in namespace and "?" not in namespace


def _audience_findings_of(
    where: str, conditions: list[tuple[str, str, tuple[str, ...]]], providers: list[Arn], context: TrustContext
) -> list[Finding]:
    auds = [(op, key, values) for op, key, values in conditions if _claim(key) == "aud"]
    pinned = [(op, key, values) for op, key, values in auds if _base(op) in _PINNING]
    wide = [v for op, _, values in pinned if _base(op) == "StringLike" for v in values if "*" in v or "?" in v]
    if not pinned or wide:
        return [
            Finding(
                "TRUST_AUDIENCE_NOT_PINNED",
                Severity.MEDIUM,
                f"{where}.Condition",
                wide or "(no :aud condition)",
                "does not pin :aud to one audience, so a token the cluster minted for another audience (a "
                "vault, another cloud) can assume the role",
                IRSA_DOCS,
                f'add "<issuer>:aud": "{DEFAULT_AUDIENCE}" under StringEquals in the same statement',
            )
        ]
    client_ids = context.client_ids_of(str(providers[0])) if len(providers) == 1 else None
    return [
        finding
        for operator, key, values in pinned
        if _base(operator) == "StringEquals"
        for value in values
        if "*" not in value and "?" not in value
        for finding in audience_findings(f"{where}.Condition.{operator}.{key}", value, client_ids)
    ]


def _near_default(audience: str) -> bool:
    """A near miss of ``sts.amazonaws.com`` (``sts.amazon.com``, ``sts.amazonaws.con``): 80% alike, not equal."""
    return (
        audience != DEFAULT_AUDIENCE
        and difflib.SequenceMatcher(None, audience.lower(), DEFAULT_AUDIENCE).ratio() >= 0.8
    )


# --- Pod Identity --------------------------------------------------------------------------------------------


def _pod_identity(where: str, statement: Mapping[str, object], context: TrustContext) -> list[Finding]:
    at = f"{where}.Condition"
    found = {key.lower(): (operator, values) for operator, key, values in _conditions(statement)}
    account, source_arn = found.get("aws:sourceaccount"), found.get("aws:sourcearn")
    findings = []
    if not _allows(statement, "sts:TagSession"):
        findings.append(
            Finding(
                "POD_IDENTITY_NO_TAG_SESSION",
                Severity.HIGH,
                f"{where}.Action" if "Action" in statement else f"{where}.NotAction",
                sorted(_strings(statement.get("Action", statement.get("NotAction")))),
                "does not allow sts:TagSession; EKS Pod Identity tags every session it starts, so the pods get no "
                "credentials",
                POD_IDENTITY_DOCS,
                'allow "sts:AssumeRole" and "sts:TagSession"',
            )
        )
    if account is None or account[0] != "StringEquals":
        findings.append(
            _unscoped(
                at,
                account[0] if account else "(no aws:SourceAccount)",
                "does not pin aws:SourceAccount with StringEquals, so a cluster of any account could use the role",
                'add "StringEquals": {"aws:SourceAccount": "<the cluster\'s account>"}',
            )
        )
    elif context.role_account and set(account[1]) != {context.role_account}:
        findings.append(
            _unscoped(
                f"{at}.StringEquals.aws:SourceAccount",
                list(account[1]),
                f"is not the role's account {context.role_account}",
                f"set aws:SourceAccount to {context.role_account}",
            )
        )
    if source_arn is None or source_arn[0] not in ("StringEquals", "ArnEquals", "ArnLike"):
        findings.append(
            _unscoped(
                at,
                source_arn[0] if source_arn else "(no aws:SourceArn)",
                "does not pin aws:SourceArn to the cluster, so every cluster of the account could use the role",
                'add "StringEquals": {"aws:SourceArn": "arn:<partition>:eks:<region>:<account>:cluster/<name>"}',
            )
        )
        return findings
    for value in source_arn[1]:
        arn = parse_arn(value)
        wrong_account = arn is not None and context.role_account is not None and arn.account != context.role_account
        cluster = arn is not None and arn.service == "eks" and arn.resource.startswith("cluster/")
        wildcard = "*" in value or "?" in value
        if not cluster or wrong_account or wildcard:
            findings.append(
                _unscoped(
                    f"{at}.{source_arn[0]}.aws:SourceArn",
                    value,
                    ("names clusters by wildcard instead of one" if cluster and wildcard else "is not an")
                    + " EKS cluster ARN"
                    + (f" of account {context.role_account}" if context.role_account else ""),
                    "name the cluster: arn:<partition>:eks:<region>:<account>:cluster/<name>",
                )
            )
    return findings


def _unscoped(at: str, value: object, rule: str, fix: str) -> Finding:
    return Finding("POD_IDENTITY_TRUST_UNSCOPED", Severity.MEDIUM, at, value, rule, POD_IDENTITY_DOCS, fix)


# --- the document --------------------------------------------------------------------------------------------


def _size(document: Mapping[str, object], context: TrustContext) -> list[Finding]:
    size = limits.policy_size(canonical_json(document))
    if size <= context.max_size:
        return []
    return [
        Finding(
            "TRUST_POLICY_TOO_LARGE",
            Severity.MEDIUM,
            "",
            f"{size} characters",
            f"exceed the trust policy quota of {context.max_size}; IAM refuses the role",
            limits.IAM_QUOTAS,
            "trust fewer subjects or clusters, or raise the account's quota and say so (trustPolicyMaxSize)",
        )
    ]


# --- reading statements --------------------------------------------------------------------------------------


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _principals(statement: Mapping[str, object], kind: str) -> tuple[str, ...]:
    principal = statement.get("Principal")
    return _strings(principal.get(kind)) if isinstance(principal, Mapping) else ()


def _provider(arn: str) -> Arn | None:
    return parse_iam_arn(arn, "oidc-provider")


def _is_web_identity(statement: Mapping[str, object]) -> bool:
    """A statement allowing ``sts:AssumeRoleWithWebIdentity`` that a Kubernetes token could meet: through
    ``Principal: "*"``, an EKS issuer's provider, or a ``:sub`` naming a service account. Other
    federations (GitHub Actions, Cognito) are left alone."""
    if not _allows(statement, WEB_IDENTITY_ACTION):
        return False
    if statement.get("Principal") == "*" or "*" in _principals(statement, "AWS") + _principals(statement, "Federated"):
        return True
    issuers = [p.resource_id for p in map(_provider, _principals(statement, "Federated")) if p]
    if any(issuer_partition(i) for i in issuers):
        return True
    return any(
        v.startswith(SERVICE_ACCOUNT_PREFIX)
        for _, key, values in _conditions(statement)
        if _claim(key) == "sub"
        for v in values
    )


def _allows(statement: Mapping[str, object], action: str) -> bool:
    """Whether the statement's ``Action`` patterns match ``action``, or its ``NotAction`` patterns leave it in
    (action names take ``*``/``?`` and ignore case: IAM User Guide, 'IAM JSON policy elements: Action' and
    'NotAction')."""
    if "NotAction" in statement and "Action" not in statement:
        return not any(wildcard_match(p, action, ignore_case=True) for p in _strings(statement["NotAction"]))
    return any(wildcard_match(p, action, ignore_case=True) for p in _strings(statement.get("Action")))


def _trusted_issuers(statements: list[object]) -> frozenset[str]:
    return frozenset(
        p.resource_id
        for s in statements
        if isinstance(s, Mapping) and s.get("Effect") == "Allow"
        for p in map(_provider, _principals(s, "Federated"))
        if p
    )


def _conditions(statement: Mapping[str, object]) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(operator, key, values)`` of a statement's conditions; values as strings (JSON ``true`` is ``"true"``)."""
    block = statement.get("Condition")
    if not isinstance(block, Mapping):
        return []
    return [
        (str(operator), str(key), tuple(_text(v) for v in element_values(value) if v is not None))
        for operator, keys in block.items()
        if isinstance(keys, Mapping)
        for key, value in keys.items()
        for value in [value if isinstance(value, str | list | tuple) else [value]]
    ]


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _claim(key: str) -> str:
    return key.rpartition(":")[2].lower()


def _key_issuer(key: str) -> str:
    return key.rpartition(":")[0].removeprefix("https://").rstrip("/")


def _base(operator: str) -> str:
    return operator.removesuffix("IfExists").rpartition(":")[2]
