"""Managed node group settings, as plain data shared by the settings loader and ``EksCluster``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class NodeGroupArgs:
    """One EKS managed node group.

    Attributes:
        name: the node group's name, unique in the cluster.
        instance_types: EC2 instance types, at least one.
        ami_type: EKS AMI type. Default: ``AL2023_x86_64_STANDARD``.
        min_size, desired_size, max_size: node counts, ``min <= desired <= max``. Default: 1, 2, 3.
        disk_size: root volume, GiB. Default: 20.
        labels: Kubernetes node labels. Default: none.
        imds_hop_limit: IMDSv2 PUT response hop limit. 1 keeps the instance metadata service, and so
            the node role, out of pods' reach (EKS Best Practices Guide). Default: 1.
        allow_pod_imds_access: the explicit opt-in a hop limit above 1 requires. Default: ``False``.
    """

    name: str
    instance_types: Sequence[str]
    ami_type: str = "AL2023_x86_64_STANDARD"
    min_size: int = 1
    desired_size: int = 2
    max_size: int = 3
    disk_size: int = 20
    labels: Mapping[str, str] = field(default_factory=dict)
    imds_hop_limit: int = 1
    allow_pod_imds_access: bool = False
