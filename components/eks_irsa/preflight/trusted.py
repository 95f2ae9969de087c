"""Do the OIDC providers a service's ``trustedClusters`` name exist? A pure rule over ``ListOpenIDConnectProviders``.

A trust policy whose ``Principal.Federated`` names an OIDC provider the account does not have is refused by
IAM on ``CreateRole`` and ``UpdateAssumeRolePolicy`` (``MalformedPolicyDocument``: invalid principal), so the
role of such a service fails on ``pulumi up``. The stack's own cluster provider is created by the deploy and
is not judged here; each ``trustedClusters`` entry names a provider made elsewhere, which must already exist
in the account the role lives in (the stack's, or the service's ``account``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ..catalog import StackSettings
from .facts import OtherAccountFacts
from .findings import Finding, Severity

TRUSTED_PROVIDER_DOCS = (
    "IAM User Guide, 'Create a role for OpenID Connect federation' (the provider must exist in the role's account "
    "before a trust policy names it)"
)


def trusted_cluster_findings(
    settings: StackSettings,
    own_providers: tuple[str, ...] | None,
    other_accounts: Mapping[str, OtherAccountFacts],
) -> list[Finding]:
    """One finding per ``trustedClusters`` entry of each IRSA service that creates its role.

    Args:
        settings: the stack's validated settings (entries as planned: every ``${variable}`` substituted).
        own_providers: ``iam:ListOpenIDConnectProviders`` of the stack's account, or ``None`` when the call
            failed (its services are then skipped: the failed call is an error of its own).
        other_accounts: the same answer per ``eks-irsa:accounts`` key; a key missing (its role could not be
            assumed) skips its services.

    An entry whose provider is missing is an error naming ``eks-irsa:services.<name>.trustedClusters[i]
    .oidcProviderArn``; a present one is ok. Services with ``existingRoleArn`` (their trust is not ours) or
    without IRSA (``identity: pod-identity`` trusts no OIDC provider) are not judged.
    """
    findings = []
    for service in settings.services:
        clusters = service.args.get("additional_clusters") or ()
        if not clusters or service.args.get("existing_role_arn") or not service.identity.uses_irsa:
            continue
        if service.account is None:
            account, providers = settings.account_id, own_providers
        else:
            other = other_accounts.get(service.account)
            account = settings.accounts[service.account].account_id
            providers = other.oidc_provider_arns if other is not None else None
        if providers is None:
            continue
        for index, cluster in enumerate(clusters):
            arn = cluster["oidc_provider_arn"]
            where = f"eks-irsa:services.{service.name}.trustedClusters[{index}].oidcProviderArn"
            if arn in providers:
                findings.append(Finding(Severity.OK, "trusted-cluster", where, f"{arn} exists in account {account}"))
                continue
            findings.append(
                Finding(
                    Severity.ERROR,
                    "trusted-cluster",
                    where,
                    f"account {account} has no IAM OIDC provider {arn}: IAM refuses the role's trust policy "
                    "(MalformedPolicyDocument), so the role of this service fails on pulumi up",
                    f"create it in account {account} first (aws iam create-open-id-connect-provider --url "
                    f"https://{cluster['oidc_issuer']} --client-id-list sts.amazonaws.com), or fix the ARN",
                    TRUSTED_PROVIDER_DOCS,
                )
            )
    return findings
