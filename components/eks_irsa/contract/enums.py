"""The closed sets the cluster's fields take, and every contract enum's values as a type checker's ``Literal``.

A field typed ``OrValue[TheEnum, TheEnumValue]`` (:data:`~eks_irsa.contract.inputs.OrValue`) is the enum at run
time and, for a type checker, the enum or one of these plain strings, so ``{"partition": "aws"}`` type-checks as
users write it. ``OrValue`` checks each ``Literal`` against its enum when the contract is imported, so the two
cannot drift apart.

The enums' docstrings are what other languages' SDKs show, unchanged since they lived beside their rules:
``UPGRADE_POLICY_DOCS`` is :data:`eks_irsa.versions.UPGRADE_POLICY_DOCS`, ``AMI_TYPES_DOCS`` and ``AL2_END_DOCS``
are :mod:`eks_irsa.nodegroup`'s.

Pure: standard library only. No ``from __future__ import annotations`` (see :mod:`eks_irsa.contract.inputs`).
"""

from enum import StrEnum
from typing import Literal


class ControlPlaneLog(StrEnum):
    """An EKS control plane log type, sent to CloudWatch Logs (EKS API Reference, LogSetup.types)."""

    API = "api"
    """The Kubernetes API server's logs."""
    AUDIT = "audit"
    """Who did what on the Kubernetes API (Kubernetes audit logs)."""
    AUTHENTICATOR = "authenticator"
    """Which IAM principal each request was authenticated as (access entries, aws-auth)."""
    CONTROLLER_MANAGER = "controllerManager"
    """The controller manager's logs."""
    SCHEDULER = "scheduler"
    """The scheduler's logs."""


class SupportType(StrEnum):
    """What EKS does when the cluster's version leaves standard support (:data:`UPGRADE_POLICY_DOCS`)."""

    EXTENDED = "EXTENDED"
    """Stay on the version for 12 more months of extended support, at an extra hourly charge per cluster."""
    STANDARD = "STANDARD"
    """EKS upgrades the control plane by itself when standard support ends; the stack then names an older
    version than the cluster runs, and its next ``pulumi up`` fails until ``kubernetes_version`` follows."""


class AmiType(StrEnum):
    """The AMI types of an EKS managed node group (:data:`AMI_TYPES_DOCS`). ``CUSTOM`` is left out: this
    component's launch template names no image."""

    AL2023_X86_64_STANDARD = "AL2023_x86_64_STANDARD"
    """Amazon Linux 2023, x86_64."""
    AL2023_ARM_64_STANDARD = "AL2023_ARM_64_STANDARD"
    """Amazon Linux 2023, Arm (Graviton)."""
    AL2023_X86_64_NVIDIA = "AL2023_x86_64_NVIDIA"
    """Amazon Linux 2023 with NVIDIA drivers, x86_64."""
    AL2023_ARM_64_NVIDIA = "AL2023_ARM_64_NVIDIA"
    """Amazon Linux 2023 with NVIDIA drivers, Arm."""
    AL2023_X86_64_NEURON = "AL2023_x86_64_NEURON"
    """Amazon Linux 2023 with the AWS Neuron driver (Inferentia, Trainium), x86_64."""
    BOTTLEROCKET_X86_64 = "BOTTLEROCKET_x86_64"
    """Bottlerocket, x86_64; the disk setting sizes its data volume."""
    BOTTLEROCKET_ARM_64 = "BOTTLEROCKET_ARM_64"
    """Bottlerocket, Arm; the disk setting sizes its data volume."""
    BOTTLEROCKET_X86_64_FIPS = "BOTTLEROCKET_x86_64_FIPS"
    """Bottlerocket with FIPS-validated cryptography, x86_64."""
    BOTTLEROCKET_ARM_64_FIPS = "BOTTLEROCKET_ARM_64_FIPS"
    """Bottlerocket with FIPS-validated cryptography, Arm."""
    BOTTLEROCKET_X86_64_NVIDIA = "BOTTLEROCKET_x86_64_NVIDIA"
    """Bottlerocket with NVIDIA drivers, x86_64."""
    BOTTLEROCKET_ARM_64_NVIDIA = "BOTTLEROCKET_ARM_64_NVIDIA"
    """Bottlerocket with NVIDIA drivers, Arm."""
    WINDOWS_CORE_2019_X86_64 = "WINDOWS_CORE_2019_x86_64"
    """Windows Server 2019 Core (IRSA only: no EKS Pod Identity on Windows)."""
    WINDOWS_FULL_2019_X86_64 = "WINDOWS_FULL_2019_x86_64"
    """Windows Server 2019 Full (IRSA only)."""
    WINDOWS_CORE_2022_X86_64 = "WINDOWS_CORE_2022_x86_64"
    """Windows Server 2022 Core (IRSA only)."""
    WINDOWS_FULL_2022_X86_64 = "WINDOWS_FULL_2022_x86_64"
    """Windows Server 2022 Full (IRSA only)."""
    AL2_X86_64 = "AL2_x86_64"
    """Amazon Linux 2: only up to Kubernetes 1.32 (:data:`AL2_END_DOCS`)."""
    AL2_X86_64_GPU = "AL2_x86_64_GPU"
    """Amazon Linux 2: only up to Kubernetes 1.32."""
    AL2_ARM_64 = "AL2_ARM_64"
    """Amazon Linux 2: only up to Kubernetes 1.32."""


AwsPartitionValue = Literal["aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-us-gov"]
""":class:`~eks_irsa.iam.partition.AwsPartition`'s values."""

ControlPlaneLogValue = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
""":class:`ControlPlaneLog`'s values."""

SupportTypeValue = Literal["EXTENDED", "STANDARD"]
""":class:`SupportType`'s values."""

AmiTypeValue = Literal[
    "AL2023_x86_64_STANDARD",
    "AL2023_ARM_64_STANDARD",
    "AL2023_x86_64_NVIDIA",
    "AL2023_ARM_64_NVIDIA",
    "AL2023_x86_64_NEURON",
    "BOTTLEROCKET_x86_64",
    "BOTTLEROCKET_ARM_64",
    "BOTTLEROCKET_x86_64_FIPS",
    "BOTTLEROCKET_ARM_64_FIPS",
    "BOTTLEROCKET_x86_64_NVIDIA",
    "BOTTLEROCKET_ARM_64_NVIDIA",
    "WINDOWS_CORE_2019_x86_64",
    "WINDOWS_FULL_2019_x86_64",
    "WINDOWS_CORE_2022_x86_64",
    "WINDOWS_FULL_2022_x86_64",
    "AL2_x86_64",
    "AL2_x86_64_GPU",
    "AL2_ARM_64",
]
""":class:`AmiType`'s values."""

IdentityTypeValue = Literal["irsa", "pod-identity", "both"]
""":class:`~eks_irsa.contract.role.IdentityType`'s values."""

EffectValue = Literal["Allow", "Deny"]
""":class:`~eks_irsa.iam.policy.Effect`'s values."""
