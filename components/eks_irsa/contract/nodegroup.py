"""``NodeGroupArgs``: one managed node group, an entry of ``EksClusterArgs.node_groups``. :mod:`eks_irsa.nodegroup`
holds the rules on it (AMI types per Kubernetes version, the name prefix, the data volume) and re-exports it.

Pure: standard library only (see :mod:`eks_irsa.contract.inputs`). No ``from __future__ import annotations``.
"""

from typing import NotRequired, TypedDict

from .enums import AmiType, AmiTypeValue
from .fields import documented
from .inputs import OrValue


@documented
class NodeGroupArgs(TypedDict):
    """One EKS managed node group."""

    name: str
    """The node group's key, unique in the cluster; the EKS name is ``<name>-`` plus 26 generated characters,
    so at most 36 characters of ``[A-Za-z0-9_-]``, alphanumeric first (:data:`NODE_GROUP_NAME_DOCS`). A
    generated name lets a replacement (new instance types, AMI type, subnets or node role) create the new
    group before deleting the old one."""
    instance_types: list[str]
    """EC2 instance types, at least one."""
    ami_type: NotRequired[OrValue[AmiType, AmiTypeValue]]
    """:class:`AmiType`; no ``AL2_*`` type from Kubernetes 1.33 on (:data:`AL2_END_DOCS`).
    Default: ``AL2023_x86_64_STANDARD``."""
    min_size: NotRequired[int]
    """Fewest nodes, 0 to 1,000; ``min_size <= desired_size <= max_size`` (EKS API Reference,
    NodegroupScalingConfig; the bounds: :data:`~eks_irsa.plan.cluster.CLUSTER_BOUNDS`). Default: 1."""
    desired_size: NotRequired[int]
    """Nodes at creation only, 0 to 1,000: later changes are ignored (``ignore_changes``), since cluster-autoscaler or
    Karpenter own the count once the group runs (pulumi-aws ``eks.NodeGroup`` docs). Default: 2."""
    max_size: NotRequired[int]
    """Most nodes, 1 to 1,000 (EKS API Reference, NodegroupScalingConfig: ``maxSize`` at least 1). Default: 3."""
    disk_size: NotRequired[int]
    """The data volume in GiB, gp3, encrypted: the root volume ``/dev/xvda`` on AL2023 and AL2,
    ``/dev/sda1`` on Windows, and on Bottlerocket the data volume ``/dev/xvdb`` (images and pods' storage),
    never Bottlerocket's OS volume (:data:`BOTTLEROCKET_VOLUMES_DOCS`). 20 to 16,384: the Linux and Bottlerocket
    AMIs' volume is 20 GiB (EKS API Reference, CreateNodegroup ``diskSize``) and EC2 makes no volume smaller than its
    snapshot; gp3 holds at most 16 TiB (Amazon EBS User Guide, 'Amazon EBS volume types'). Default: 20."""
    labels: NotRequired[dict[str, str]]
    """Kubernetes node labels. Default: none."""
    imds_hop_limit: NotRequired[int]
    """IMDSv2 PUT response hop limit; 1 keeps the instance metadata service, and so the node role, out of
    pods' reach (EKS Best Practices Guide); 1 to 64 (EC2 API Reference, InstanceMetadataOptionsRequest). Default:
    1."""
    allow_pod_imds_access: NotRequired[bool]
    """The explicit opt-in a hop limit above 1 requires. Default: ``False``."""
