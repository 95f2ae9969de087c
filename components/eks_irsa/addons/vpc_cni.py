"""Amazon VPC CNI plugin for Kubernetes: its scoped permission set (``_build``) beside its spec
(``SPEC``, whose ``source`` names the published policy followed and ``tighter`` where ours is
narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext
from .spec import AddonSpec, EksAddon
from .statements import ec2_arn, statement, unscoped

VPC_CNI_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:AttachNetworkInterface",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DetachNetworkInterface",
    "ec2:ModifyNetworkInterfaceAttribute",
    "ec2:UnassignPrivateIpAddresses",
)


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        unscoped(
            [
                "ec2:DescribeInstances",
                "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSubnets",
            ]
        ),
        statement(
            VPC_CNI_ACTIONS,
            [
                ec2_arn(ctx, "network-interface/*"),
                ec2_arn(ctx, "instance/*"),
                ec2_arn(ctx, "subnet/*", shared=True),
                ec2_arn(ctx, "security-group/*", shared=True),
            ],
        ),
        statement(["ec2:CreateTags"], [ec2_arn(ctx, "network-interface/*")]),
    ]


SPEC = AddonSpec(
    name="vpc-cni",
    title="Amazon VPC CNI plugin for Kubernetes",
    namespace="kube-system",
    service_account="aws-node",
    source="AWS managed policy AmazonEKS_CNI_Policy (arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy), written out",
    tighter="network interface actions act on network-interface and instance ARNs of the account and on subnets "
    "and security groups of the region (any account: VPC sharing) instead of '*'; CreateTags is pinned to "
    "the region and account",
    parameters=(),
    reaches="Infrastructure modification: the VPC CNI creates, attaches and tags the network interfaces and "
    "assigns the IP addresses of every pod, whose ids are generated at creation. The account is * for subnets and "
    "security groups, which another account may share with this one (AWS RAM).",
    build=_build,
    installed_by=EksAddon("vpc-cni"),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``vpc-cni``."""
