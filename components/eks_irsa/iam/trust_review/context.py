"""What a caller knows beside the trust policy it has judged: :class:`TrustContext`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .. import limits

PROVIDER_DOCS = "IAM User Guide, 'Create an OpenID Connect (OIDC) identity provider in IAM'"


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
