"""The audit's findings on the account's IAM OIDC providers and on what it could not read.

* ``PROVIDER_UNUSED``: a provider no role trusts, left over from a removed cluster (IAM User Guide, 'IAM
  and AWS STS quotas': 100 OIDC providers per account).
* ``PROVIDER_QUOTA``: from :data:`OIDC_PROVIDER_WARN_AT` providers on.
* ``AUDIT_INCOMPLETE``: a read that failed; the checks that needed it did not run.
"""

from __future__ import annotations

from ..iam.findings import Finding, Severity
from ..iam.limits import IAM_QUOTAS, OIDC_PROVIDER_QUOTA
from .scope import Scope, audit_finding
from .snapshot import ReadGap

OIDC_PROVIDER_WARN_AT = 80
"""Providers from which ``PROVIDER_QUOTA`` is reported (80% of the quota): a few more clusters and
``CreateOpenIDConnectProvider`` fails with ``LimitExceeded``."""


def provider_findings(ctx: Scope) -> list[Finding]:
    """``PROVIDER_UNUSED`` for each provider in scope that no role trusts, and ``PROVIDER_QUOTA``."""
    findings = []
    trusted = {arn for role in ctx.snapshot.roles for arn in role.trusted_providers()}
    clusters = {c.issuer: c.name for c in ctx.snapshot.clusters if c.issuer}
    for provider in ctx.snapshot.providers:
        if provider.arn in trusted or not ctx.in_scope(provider.arn):
            continue
        owner = clusters.get(provider.issuer)
        whose = f"the provider of cluster {owner}" if owner else f"no cluster of {ctx.snapshot.region} has this issuer"
        findings.append(
            audit_finding(
                Severity.LOW,
                "PROVIDER_UNUSED",
                provider.arn,
                f"OIDC provider {provider.arn} is trusted by no role ({whose}); it counts against the quota of "
                f"{OIDC_PROVIDER_QUOTA}",
                "delete it when its cluster is gone (aws iam delete-open-id-connect-provider), or keep it for "
                "roles still to come",
                IAM_QUOTAS,
            )
        )
    count = len(ctx.snapshot.providers)
    if count >= OIDC_PROVIDER_WARN_AT:
        findings.append(
            audit_finding(
                Severity.HIGH if count >= OIDC_PROVIDER_QUOTA else Severity.MEDIUM,
                "PROVIDER_QUOTA",
                f"account {ctx.snapshot.account_id}",
                f"account {ctx.snapshot.account_id} holds {count} OIDC providers of the {OIDC_PROVIDER_QUOTA} "
                "IAM allows; the next clusters' providers will fail with LimitExceeded",
                "delete providers no role trusts (PROVIDER_UNUSED), or share clusters",
                IAM_QUOTAS,
            )
        )
    return findings


def gap_finding(gap: ReadGap) -> Finding:
    """``AUDIT_INCOMPLETE`` for a read that failed."""
    return audit_finding(
        Severity.LOW,
        "AUDIT_INCOMPLETE",
        gap.resource,
        f"{gap.operation} for {gap.resource} failed ({gap.error}); the checks that need it did not run",
        f"allow {gap.operation} to the auditing principal (the AWS managed policy ReadOnlyAccess covers it)",
        "AWS API reference",
    )
