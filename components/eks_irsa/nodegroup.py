"""Managed node group settings (``NodeGroupArgs``), one entry of ``EksClusterArgs.node_groups``.

No ``from __future__ import annotations``: Pulumi's component analyzer reads these annotations.
"""

from typing import NotRequired, TypedDict


class NodeGroupArgs(TypedDict):
    """One EKS managed node group."""

    name: str
    """The node group's name, unique in the cluster."""
    instance_types: list[str]
    """EC2 instance types, at least one."""
    ami_type: NotRequired[str]
    """EKS AMI type (EKS API Reference, Nodegroup amiType). Default: ``AL2023_x86_64_STANDARD``."""
    min_size: NotRequired[int]
    """Fewest nodes; ``min_size <= desired_size <= max_size`` (EKS NodegroupScalingConfig). Default: 1."""
    desired_size: NotRequired[int]
    """Nodes at creation. Default: 2."""
    max_size: NotRequired[int]
    """Most nodes. Default: 3."""
    disk_size: NotRequired[int]
    """Root volume, GiB. Default: 20."""
    labels: NotRequired[dict[str, str]]
    """Kubernetes node labels. Default: none."""
    imds_hop_limit: NotRequired[int]
    """IMDSv2 PUT response hop limit; 1 keeps the instance metadata service, and so the node role, out of
    pods' reach (EKS Best Practices Guide). Default: 1."""
    allow_pod_imds_access: NotRequired[bool]
    """The explicit opt-in a hop limit above 1 requires. Default: ``False``."""


NODE_GROUP_DEFAULTS = {
    "ami_type": "AL2023_x86_64_STANDARD",
    "min_size": 1,
    "desired_size": 2,
    "max_size": 3,
    "disk_size": 20,
    "labels": {},
    "imds_hop_limit": 1,
    "allow_pod_imds_access": False,
}
"""The defaults the field docstrings of :class:`NodeGroupArgs` give, applied in one place."""
