"""Every rule on ``ExistingClusterArgs`` (:func:`check_existing_cluster_args`), run before anything is registered, by
:class:`~eks_irsa.ExistingCluster` and by the catalog (``eks-irsa:existingCluster``) alike.

Pure: no Pulumi module, so ``import eks_irsa.catalog`` loads none. :mod:`eks_irsa.existing` re-exports the name.
"""

from ..contract.existing import ExistingClusterArgs
from ..errors import Problem
from ..iam import limits
from ..iam.arn import ACCOUNT_ID
from ..shape import check_shape


def check_existing_cluster_args(args: object) -> list[Problem]:
    """Every rule on :class:`ExistingClusterArgs`: its shape (:func:`eks_irsa.shape.check_shape`; the partition
    is an :class:`~eks_irsa.iam.partition.AwsPartition`), the cluster name (EKS CreateCluster), a 12-digit
    account, a stack reference ``<org>/<project>/<stack>`` or ``<stack>`` (Pulumi docs, 'Stack references')."""
    problems = check_shape("", args, ExistingClusterArgs)
    if problems or not isinstance(args, dict):
        return problems
    if isinstance(args["cluster_name"], str):
        problems += limits.check_cluster_name("cluster_name", args["cluster_name"])
    if isinstance(args["account_id"], str) and not ACCOUNT_ID.fullmatch(args["account_id"]):
        problems.append(
            Problem(
                "account_id",
                args["account_id"],
                "is not an AWS account ID",
                "AWS Account Management Reference Guide, 'AWS account identifiers'",
                "give the 12 digits",
            )
        )
    reference = args.get("stack_reference")
    if isinstance(reference, str) and (
        not reference or len(reference.split("/")) not in (1, 3) or "" in reference.split("/")
    ):
        problems.append(
            Problem(
                "stack_reference",
                reference,
                "is not a stack name <org>/<project>/<stack>",
                "Pulumi docs, 'Stack references'",
                "give the fully qualified stack name",
            )
        )
    return problems
