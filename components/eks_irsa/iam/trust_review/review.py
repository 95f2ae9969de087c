"""The judgement itself: :func:`review_trust` over every statement, and the plan's :func:`check_trust_policy`."""

from __future__ import annotations

from collections.abc import Mapping

from ...errors import Problem
from .. import limits
from ..findings import Finding, Severity, sorted_findings
from ..policy import canonical_json, statement_list
from ..trust import POD_IDENTITY_PRINCIPAL
from .claims import audience_claim_findings, operator_findings, subject_findings
from .context import TrustContext
from .others import other_principal_findings
from .pod_identity import pod_identity_findings
from .statements import condition_entries, is_web_identity, oidc_provider, principals, trusted_issuers
from .who import issuer_findings, provider_findings

PRINCIPAL_DOCS = "IAM User Guide, 'IAM JSON policy elements: Principal'"


def review_trust(document: Mapping[str, object], context: TrustContext | None = None) -> list[Finding]:
    """Every finding on a role trust policy's IRSA and Pod Identity statements.

    Args:
        document: the parsed trust policy (``{"Statement": {...} | [...]}``).
        context: what the caller knows (:class:`TrustContext`). Default: nothing beside the document.

    Returns:
        Findings (:func:`~eks_irsa.iam.findings.sorted_findings` order), fields rooted at the document
        (``Statement[0].Condition.StringLike.<issuer>:sub``); empty when the document passes or holds no
        IRSA or Pod Identity statement (another federation, a service) at all.
    """
    context = context or TrustContext()
    findings: list[Finding] = []
    statements = statement_list(document) if isinstance(document, Mapping) else []
    issuers = trusted_issuers(statements)
    allowed = [
        (f"Statement[{i}]", s)
        for i, s in enumerate(statements)
        if isinstance(s, Mapping) and s.get("Effect") == "Allow"
    ]
    web = {where for where, statement in allowed if is_web_identity(statement)}
    pods = {
        where
        for where, statement in allowed
        if POD_IDENTITY_PRINCIPAL in (v.lower() for v in principals(statement, "Service"))
    }
    if not web and not pods:
        return []
    for where, statement in allowed:
        if where in web:
            findings += _web_identity(where, statement, context, issuers)
        if where in pods:
            findings += pod_identity_findings(where, statement, context)
        findings += other_principal_findings(where, statement, context, web_identity=where in web)
    findings += _size(document, context)
    return sorted_findings(findings)


def is_workload_trust(document: object) -> bool:
    """Whether a trust policy lets a workload in: an ``Allow`` statement trusting an EKS cluster's OIDC provider
    (or naming a service account subject, or ``"*"``) with ``sts:AssumeRoleWithWebIdentity``, or
    ``pods.eks.amazonaws.com``. The roles :func:`review_trust` judges, and whose permissions the policy pack
    judges as the components' are."""
    statements = statement_list(document) if isinstance(document, Mapping) else []
    return any(
        isinstance(s, Mapping)
        and s.get("Effect") == "Allow"
        and (is_web_identity(s) or POD_IDENTITY_PRINCIPAL in (v.lower() for v in principals(s, "Service")))
        for s in statements
    )


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


def _web_identity(
    where: str, statement: Mapping[str, object], context: TrustContext, issuers: frozenset[str]
) -> list[Finding]:
    principal = statement.get("Principal")
    anyone = principal == "*" or any(v == "*" for k in ("AWS", "Federated") for v in principals(statement, k))
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
    providers = [p for p in map(oidc_provider, principals(statement, "Federated")) if p]
    findings = issuer_findings(where, statement, providers)
    for provider in providers:
        findings += provider_findings(where, provider, context, issuers)
    conditions = condition_entries(statement)
    for operator, key, values in conditions:
        findings += operator_findings(where, operator, key, values)
    findings += subject_findings(where, conditions)
    findings += audience_claim_findings(where, conditions, providers, context)
    return findings


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
