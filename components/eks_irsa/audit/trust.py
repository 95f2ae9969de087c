"""The audit's findings on role trust policies and Pod Identity associations.

Every role's trust policy is judged by the package's one trust judgement,
:func:`eks_irsa.iam.trust_review.review_trust` (the plan's and the policy pack's too), with what only the
audit knows: which OIDC providers exist and their client IDs, and which clusters the region still holds.
Its codes (``TRUST_...``, ``POD_IDENTITY_TRUST_UNSCOPED``, ``POD_IDENTITY_NO_TAG_SESSION``) and
sources are listed there.

The associations are the audit's own (EKS User Guide, 'Learn how EKS Pod Identity grants pods access to
AWS services'; IAM User Guide, 'The confused deputy problem'): ``POD_IDENTITY_ROLE_MISSING``,
``POD_IDENTITY_ROLE_NOT_TRUSTING``, ``POD_IDENTITY_SOURCE_ARN_MISMATCH`` and ``POD_IDENTITY_ROLE_REUSED``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..iam.arn import wildcard_match
from ..iam.findings import Finding, Severity
from ..iam.limits import TRUST_POLICY_MAX_RAISED
from ..iam.policy import element_values
from ..iam.trust import POD_IDENTITY_PRINCIPAL
from ..iam.trust_review import TrustContext, review_trust
from .scope import Scope, audit_finding
from .snapshot import PodIdentityAssociation

POD_IDENTITY_DOCS = "EKS User Guide, 'Learn how EKS Pod Identity grants pods access to AWS services'"
CONFUSED_DEPUTY_DOCS = "IAM User Guide, 'The confused deputy problem'"


def trust_context(ctx: Scope) -> TrustContext:
    """What the audit knows beside each trust policy: the account, its providers and their client IDs, the
    region's clusters. The quota is the raised maximum: IAM holds the document, so it fit the account's."""
    snapshot = ctx.snapshot
    return TrustContext(
        role_account=snapshot.account_id,
        providers={p.arn: p.client_ids for p in snapshot.providers},
        cluster_issuers=frozenset(c.issuer for c in snapshot.clusters if c.issuer),
        region=snapshot.region,
        max_size=TRUST_POLICY_MAX_RAISED,
    )


def role_trust_findings(ctx: Scope) -> list[Finding]:
    """The trust judgement on every role in scope (with a cluster: roles trusting its provider or handed out
    by its associations), each finding's field under ``role <name>: assumeRolePolicy``, resource the role."""
    context = trust_context(ctx)
    associated = {a.role_arn for a in ctx.associations}
    findings: list[Finding] = []
    for role in ctx.snapshot.roles:
        providers = role.trusted_providers()
        if ctx.cluster is not None and not (
            any(ctx.in_scope(p) for p in providers) or (role.arn in associated and role.pod_identity_statements())
        ):
            continue
        findings += [
            f.at(f"role {role.name}: assumeRolePolicy", resource=role.arn) for f in review_trust(role.trust, context)
        ]
    return findings


def association_findings(ctx: Scope) -> list[Finding]:
    """Each association's role exists and trusts Pod Identity for its cluster; a role reused across clusters."""
    findings: list[Finding] = []
    by_role: dict[str, set[str]] = defaultdict(set)
    for association in ctx.associations:
        by_role[association.role_arn].add(association.cluster)
        findings += _association_findings(ctx, association)
    for role_arn, clusters in sorted(by_role.items()):
        if len(clusters) > 1:
            findings.append(
                audit_finding(
                    Severity.LOW,
                    "POD_IDENTITY_ROLE_REUSED",
                    role_arn,
                    f"role {role_arn} is handed out by Pod Identity associations in {len(clusters)} clusters "
                    f"({', '.join(sorted(clusters))}): a workload of either cluster acts as the other's",
                    "give each cluster its own role (one role per workload and cluster)",
                    POD_IDENTITY_DOCS,
                )
            )
    return findings


def _association_findings(ctx: Scope, association: PodIdentityAssociation) -> list[Finding]:
    where = f"{association.cluster}/{association.namespace}/{association.service_account}"
    role = ctx.roles.get(association.role_arn)
    if role is None:
        return [
            audit_finding(
                Severity.HIGH,
                "POD_IDENTITY_ROLE_MISSING",
                where,
                f"Pod Identity association {association.association_id} of {where} names role "
                f"{association.role_arn}, which does not exist in account {ctx.snapshot.account_id}",
                "point the association at an existing role (aws eks update-pod-identity-association), or delete it",
                POD_IDENTITY_DOCS,
            )
        ]
    statements = role.pod_identity_statements()
    if not statements:
        return [
            audit_finding(
                Severity.HIGH,
                "POD_IDENTITY_ROLE_NOT_TRUSTING",
                where,
                f"Pod Identity association {association.association_id} of {where} names role {role.name}, whose "
                f"trust policy does not trust {POD_IDENTITY_PRINCIPAL}; the pods get no credentials",
                f"trust {POD_IDENTITY_PRINCIPAL} (sts:AssumeRole, sts:TagSession) scoped by aws:SourceAccount and "
                "aws:SourceArn",
                POD_IDENTITY_DOCS,
            )
        ]
    cluster_arn = ctx.cluster_arns.get(association.cluster, "")
    for statement in statements:
        conditions = _condition_values(statement, "aws:SourceArn")
        if not conditions or all(_source_arn_holds(op, values, cluster_arn) for op, values in conditions):
            return []
    return [
        audit_finding(
            Severity.HIGH,
            "POD_IDENTITY_SOURCE_ARN_MISMATCH",
            where,
            f"Pod Identity association {association.association_id} of {where} names role {role.name}, whose "
            f"aws:SourceArn does not admit cluster {cluster_arn or association.cluster}; the pods get no credentials",
            f"add {cluster_arn or 'the cluster ARN'} to the role's aws:SourceArn",
            CONFUSED_DEPUTY_DOCS,
        )
    ]


def _source_arn_holds(operator: str, values: Sequence[str], cluster_arn: str) -> bool:
    """``StringEquals``/``ArnEquals`` compare exactly, ``StringLike``/``ArnLike`` with IAM wildcards; other
    operators are not judged (held)."""
    if operator in ("StringEquals", "ArnEquals"):
        return cluster_arn in values
    if operator in ("StringLike", "ArnLike"):
        return any(wildcard_match(v, cluster_arn) for v in values)
    return True


def _condition_values(statement: Mapping[str, object], key: str) -> list[tuple[str, tuple[str, ...]]]:
    """``(operator, values)`` of every condition on ``key`` (names are case-insensitive) in a statement."""
    block = statement.get("Condition")
    out = []
    if isinstance(block, Mapping):
        for operator, keys in block.items():
            if isinstance(keys, Mapping):
                for name, raw in keys.items():
                    if str(name).lower() == key.lower() and isinstance(raw, str | list):
                        out.append((str(operator), tuple(str(v) for v in element_values(raw))))
    return out
