"""Who a web identity statement trusts: one OIDC provider, of the role's account and partition, whose
issuer is a live cluster's IPv4 issuer; never several issuers AND'd in one statement."""

from __future__ import annotations

from collections.abc import Mapping

from ..arn import Arn
from ..findings import Finding, Severity
from ..partition import PARTITIONS_DOCS
from ..trust import IRSA_DOCS
from .context import PROVIDER_DOCS, TrustContext
from .statements import CLAIMS, DUAL_STACK_ISSUER, EKS_ISSUER, claim_of, condition_entries, issuer_partition, key_issuer

MULTIPLE_KEYS_DOCS = "IAM User Guide, 'Conditions with multiple context keys or values'"

DUAL_STACK_DOCS = (
    "aws/containers-roadmap issue 2038 (the dual-stack OIDC issuer URL, 2024); terraform-aws-modules/"
    "terraform-aws-eks issue 3237 (service account tokens carry the IPv4 issuer)"
)


def issuer_findings(where: str, statement: Mapping[str, object], providers: list[Arn]) -> list[Finding]:
    """Several providers in one statement, or claim keys naming another issuer than the provider's: AND'd,
    so the statement admits nobody (``TRUST_ISSUERS_ANDED``)."""
    named = {p.resource_id for p in providers}
    keyed = {key_issuer(key) for _, key, _ in condition_entries(statement) if claim_of(key) in CLAIMS}
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


def provider_findings(where: str, provider: Arn, context: TrustContext, issuers: frozenset[str]) -> list[Finding]:
    """One trusted provider: its account, partition and issuer form, and (when the caller knows) whether it
    and its cluster still exist."""
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
