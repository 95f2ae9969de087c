"""Managed node group settings (``NodeGroupArgs``), one entry of ``EksClusterArgs.node_groups``, and the
pure rules on them: the closed set of AMI types (:class:`AmiType`), which of them exist for a Kubernetes
version (:func:`check_ami_type`), and which block device is the data volume (:func:`data_volume_device`).

No ``from __future__ import annotations``: Pulumi's component analyzer reads these annotations.
"""

from .contract.enums import AmiType
from .contract.nodegroup import NodeGroupArgs as NodeGroupArgs
from .errors import Problem

AMI_TYPES_DOCS = "EKS API Reference, Nodegroup amiType"
AL2_END_DOCS = (
    "EKS User Guide, 'Review release notes for Kubernetes versions on standard support', Kubernetes 1.33: "
    "AWS is not releasing an EKS-optimized Amazon Linux 2 AMI for Kubernetes 1.33 or later"
)
BOTTLEROCKET_VOLUMES_DOCS = (
    "Bottlerocket docs, 'Storage' (the OS volume is /dev/xvda, the data volume /dev/xvdb) and EKS User Guide, "
    "'Customize managed nodes with launch templates'"
)
NODE_GROUP_NAME_DOCS = "EKS API Reference, CreateNodegroup nodegroupName (1..63 of [A-Za-z0-9_-], alphanumeric first)"

LAST_AL2_VERSION = (1, 32)
"""The last Kubernetes version with EKS-optimized AL2 AMIs (:data:`AL2_END_DOCS`)."""

NAME_PREFIX_MAX = 37
"""Longest node group name prefix: the AWS provider appends 26 characters (a timestamp and a counter,
terraform-plugin-sdk ``id.PrefixedUniqueId``) and EKS allows 63 (:data:`NODE_GROUP_NAME_DOCS`)."""


AL2_SUCCESSORS = {
    AmiType.AL2_X86_64: AmiType.AL2023_X86_64_STANDARD,
    AmiType.AL2_ARM_64: AmiType.AL2023_ARM_64_STANDARD,
    AmiType.AL2_X86_64_GPU: AmiType.AL2023_X86_64_NVIDIA,
}
"""The AL2023 type to move each AL2 type to (EKS User Guide, 'Upgrade from Amazon Linux 2 to Amazon Linux 2023')."""


NODE_GROUP_DEFAULTS = {
    "ami_type": AmiType.AL2023_X86_64_STANDARD,
    "min_size": 1,
    "desired_size": 2,
    "max_size": 3,
    "disk_size": 20,
    "labels": {},
    "imds_hop_limit": 1,
    "allow_pod_imds_access": False,
}
"""The defaults the field docstrings of :class:`NodeGroupArgs` give, applied in one place."""


def data_volume_device(ami_type: AmiType) -> str:
    """The block device the disk size applies to: ``/dev/xvdb`` on Bottlerocket (its data volume; ``/dev/xvda``
    is the 2 GiB OS volume), ``/dev/sda1`` on Windows, ``/dev/xvda`` (the root volume) on Amazon Linux.

    Source: :data:`BOTTLEROCKET_VOLUMES_DOCS`; Amazon EC2 User Guide, 'Device names on Windows instances'.
    """
    if ami_type.startswith("BOTTLEROCKET_"):
        return "/dev/xvdb"
    if ami_type.startswith("WINDOWS_"):
        return "/dev/sda1"
    return "/dev/xvda"


def check_ami_type(field: str, ami_type: object, kubernetes_version: str) -> list[Problem]:
    """``ami_type`` is an :class:`AmiType` that exists for ``kubernetes_version`` (``1.N``).

    Source: :data:`AMI_TYPES_DOCS`; no AL2 AMIs after 1.32 (:data:`AL2_END_DOCS`).
    """
    if ami_type not in {t.value for t in AmiType}:
        return [
            Problem(
                field,
                ami_type,
                "is not an AMI type of an EKS managed node group",
                AMI_TYPES_DOCS,
                f"use one of {', '.join(t.value for t in AmiType)}",
            )
        ]
    version = _minor(kubernetes_version)
    if str(ami_type).startswith("AL2_") and version is not None and version > LAST_AL2_VERSION:
        return [
            Problem(
                field,
                ami_type,
                f"has no EKS-optimized AMI for Kubernetes {kubernetes_version} (AL2 AMIs end with 1.32)",
                AL2_END_DOCS,
                f"use {AL2_SUCCESSORS[AmiType(ami_type)].value} (or a BOTTLEROCKET_ type)",
            )
        ]
    return []


def check_node_group_name(field: str, name: object) -> list[Problem]:
    """The node group key makes a valid EKS name prefix: 1..36 of ``[A-Za-z0-9_-]``, alphanumeric first, so
    ``<name>-`` plus the 26 generated characters stay within 63 (:data:`NODE_GROUP_NAME_DOCS`)."""
    limit = NAME_PREFIX_MAX - 1
    if (
        isinstance(name, str)
        and 1 <= len(name) <= limit
        and name[0].isalnum()
        and all(c.isascii() and (c.isalnum() or c in "_-") for c in name)
    ):
        return []
    return [
        Problem(
            field,
            name,
            f"is not 1..{limit} characters of [A-Za-z0-9_-] starting alphanumeric (the EKS name is <name>- plus "
            "26 generated characters, at most 63)",
            NODE_GROUP_NAME_DOCS,
            "shorten or rename the node group",
        )
    ]


def _minor(version: str) -> tuple[int, int] | None:
    major, _, minor = version.partition(".")
    return (int(major), int(minor)) if major.isdigit() and minor.isdigit() else None
