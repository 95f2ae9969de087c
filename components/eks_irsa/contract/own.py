"""Values from this stack's own ``EksCluster``: known to be its own before they resolve.

``EksCluster`` hands ``IrsaRole`` its OIDC provider ARN and issuer as Outputs, unknown in a first preview.
Beside them it records what it already knows (:class:`ClusterIdentity`: name, partition, client IDs, and the
issuer's form with its id at the longest an EKS id is), so that :func:`eks_irsa.plan.plan_role` runs the rules
that need the issuer before anything is registered: the trust policy's size, an issuer listed twice, the
audience against the provider's client IDs. The record is keyed by the Output objects themselves (weakly), so
only the values that really came from the cluster carry it; a copy made through ``apply`` or passed through
another language's SDK does not, and those rules then run when it resolves, as for any Output.

The same way, the AWS providers the account components make (``allowed_account_ids`` of one plain account) and
the Outputs made through them carry that account (:func:`mark_account`), so ``IrsaRole`` compares the account
its role is created in with its OIDC providers' before registration.

Pure: standard library only.
"""

import hashlib
import weakref
from dataclasses import dataclass

ISSUER_ID_LENGTH = 32
"""The id in an EKS issuer (``oidc.eks.<region>.<dns suffix>/id/<ID>``): 32 hex characters, as in every issuer
EKS gives (EKS User Guide, 'Create an IAM OIDC provider for your cluster': ``EXAMPLED539D4633E53DE1B71EXAMPLE``);
the bound a preview renders the unknown id at."""


@dataclass(frozen=True)
class ClusterIdentity:
    """What an ``EksCluster`` of this program knows about its IAM OIDC provider before it exists.

    Attributes:
        cluster_name: the EKS cluster's name.
        partition: the cluster's partition (``aws``, ``aws-cn``, ...).
        issuer_bound: the issuer's host/path with the id at :data:`ISSUER_ID_LENGTH` characters (and the
            region the stack's, or the partition's longest when unknown): as long as the real one can be.
        client_ids: the provider's client IDs (audiences), sorted.
    """

    cluster_name: str
    partition: str
    issuer_bound: str
    client_ids: tuple[str, ...]

    @classmethod
    def of(
        cls, cluster_name: str, partition: str, region: str, dns_suffix: str, client_ids: tuple[str, ...]
    ) -> "ClusterIdentity":
        """The identity of cluster ``cluster_name`` in ``region`` (``<dns suffix>`` of its partition). The bound id
        is derived from the name, so two clusters of one program never look like one issuer listed twice."""
        issuer_id = hashlib.sha256(cluster_name.encode()).hexdigest().upper()[:ISSUER_ID_LENGTH]
        return cls(cluster_name, partition, f"oidc.eks.{region}.{dns_suffix}/id/{issuer_id}", tuple(sorted(client_ids)))

    def provider_arn_bound(self, account: str | None) -> str:
        """The provider's ARN with :attr:`issuer_bound`, in ``account`` (12 zeros when unknown: same length)."""
        return f"arn:{self.partition}:iam::{account or '0' * 12}:oidc-provider/{self.issuer_bound}"


_OWN: "weakref.WeakKeyDictionary[object, ClusterIdentity]" = weakref.WeakKeyDictionary()


def mark_own(identity: ClusterIdentity, *values: object) -> None:
    """Record that each of ``values`` (the cluster's own Outputs) comes from the cluster ``identity`` names."""
    for value in values:
        _OWN[value] = identity


def own_cluster(value: object) -> ClusterIdentity | None:
    """The identity :func:`mark_own` recorded for ``value``, or ``None`` (a plain value, another Output)."""
    try:
        return _OWN.get(value)
    except TypeError:  # not weakly referable: a str, a number, None
        return None


_ACCOUNT: "weakref.WeakKeyDictionary[object, str]" = weakref.WeakKeyDictionary()


def mark_account(account: str, *values: object) -> None:
    """Record that each of ``values`` (an AWS provider this package made, or an Output of a resource made through
    one) belongs to ``account``, known before anything resolves (the provider allows no other account)."""
    for value in values:
        _ACCOUNT[value] = account


def known_account(value: object) -> str | None:
    """The account :func:`mark_account` recorded for ``value``, or ``None`` (a provider or Output made elsewhere)."""
    try:
        return _ACCOUNT.get(value)
    except TypeError:  # not weakly referable: a str, a number, None
        return None
