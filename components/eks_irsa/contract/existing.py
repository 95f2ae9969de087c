"""``ExistingClusterArgs``: the one declaration of :class:`~eks_irsa.ExistingCluster`'s inputs (a cluster made by
another stack or tool). :mod:`eks_irsa.existing` holds the rules on them and re-exports the name.

Pure: no Pulumi module (:mod:`eks_irsa.contract.inputs`; the partition enum reads botocore's table). No
``from __future__ import annotations``.
"""

from typing import NotRequired, TypedDict

from ..iam.partition import AwsPartition
from .access import KubeconfigCredentials
from .enums import AwsPartitionValue
from .fields import documented
from .inputs import Input, OrValue


@documented
class ExistingClusterArgs(TypedDict):
    """Inputs of :class:`ExistingCluster`."""

    cluster_name: Input[str]
    """The EKS cluster's name; an Output is accepted (e.g. another stack's export), and the lookup waits for
    it."""
    partition: OrValue[AwsPartition, AwsPartitionValue]
    """The AWS partition (:class:`~eks_irsa.iam.partition.AwsPartition`), for the OIDC provider's ARN. Plain:
    a closed set, checked before registration."""
    account_id: str
    """The account the cluster and its IAM OIDC provider live in, 12 digits."""
    stack_reference: NotRequired[str]
    """``<org>/<project>/<stack>`` of the stack that made the cluster with this package; when set,
    nothing is looked up. Plain: whether it is set decides which children exist. Default: none (look the
    cluster up by name)."""
    kubeconfig_credentials: NotRequired[KubeconfigCredentials]
    """The identity the Kubernetes provider's ``aws eks get-token`` runs as (the stack's ``aws:profile``
    or ``aws:assumeRoles`` role); it replaces the identity flags of a referenced stack's kubeconfig.
    Default: the ambient credentials (and, with ``stack_reference``, whatever that kubeconfig says)."""
