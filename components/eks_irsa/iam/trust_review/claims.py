"""The ``:sub`` and ``:aud`` conditions of a web identity statement: operators, subjects, audiences."""

from __future__ import annotations

import difflib

from ..arn import Arn
from ..findings import Finding, Severity
from ..trust import CONDITION_DOCS, DEFAULT_AUDIENCE, IRSA_DOCS, Subject
from .context import PROVIDER_DOCS, TrustContext
from .statements import CLAIMS, PINNING, SERVICE_ACCOUNT_PREFIX, SET_PREFIXES, base_operator, claim_of, negated


def operator_findings(where: str, operator: str, key: str, values: tuple[str, ...]) -> list[Finding]:
    """One condition ``operator: {key: values}`` of a web identity statement: a scheme in the key, a set or
    ``IfExists`` operator on a claim, a wildcard under ``StringEquals``, ``StringLike`` without one."""
    at, claim = f"{where}.Condition.{operator}.{key}", claim_of(key)
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
    if claim not in CLAIMS:
        return findings
    if operator.endswith("IfExists") or operator.startswith(SET_PREFIXES):
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


def subject_findings(where: str, conditions: list[tuple[str, str, tuple[str, ...]]]) -> list[Finding]:
    """The statement's ``:sub`` conditions: pinned at all, and each value a service account subject with a
    literal namespace (a pattern narrower than the whole namespace)."""
    subs = [(op, key, values) for op, key, values in conditions if claim_of(key) == "sub"]
    constraining = [(op, key, values) for op, key, values in subs if not negated(op)]
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
        if base_operator(operator) not in (*PINNING, "StringEqualsIgnoreCase"):
            findings.append(_malformed(at, operator, f"{operator} never compares a service account subject"))
            continue
        like = base_operator(operator) == "StringLike"
        for value in values:
            findings += _subject_value(at, value, like)
    return findings


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


def audience_claim_findings(
    where: str, conditions: list[tuple[str, str, tuple[str, ...]]], providers: list[Arn], context: TrustContext
) -> list[Finding]:
    """The statement's ``:aud`` conditions: pinned to exact values, each one a client ID of the statement's
    provider when known (:func:`audience_findings`)."""
    auds = [(op, key, values) for op, key, values in conditions if claim_of(key) == "aud"]
    pinned = [(op, key, values) for op, key, values in auds if base_operator(op) in PINNING]
    wide = [v for op, _, values in pinned if base_operator(op) == "StringLike" for v in values if "*" in v or "?" in v]
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
        if base_operator(operator) == "StringEquals"
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
