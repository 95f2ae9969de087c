"""Cluster Autoscaler: its scoped permission set (``_build``) beside its spec (``SPEC``, whose
``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext
from .spec import AddonSpec, HelmChart
from .statements import statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        unscoped(
            [
                "autoscaling:DescribeAutoScalingGroups",
                "autoscaling:DescribeAutoScalingInstances",
                "autoscaling:DescribeLaunchConfigurations",
                "autoscaling:DescribeScalingActivities",
                "ec2:DescribeImages",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:GetInstanceTypesFromInstanceRequirements",
            ]
        ),
        statement(["eks:DescribeNodegroup"], [ctx.arn("eks", f"nodegroup/{ctx.cluster}/*/*")]),
        statement(
            ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            [ctx.arn("autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
            {
                "StringEquals": {
                    f"aws:ResourceTag/k8s.io/cluster-autoscaler/{ctx.cluster}": "owned",
                    "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                }
            },
        ),
    ]


SPEC = AddonSpec(
    name="cluster-autoscaler",
    title="Cluster Autoscaler",
    namespace="kube-system",
    service_account="cluster-autoscaler",
    source="kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md (section 'Full Cluster "
    "Autoscaler Features Policy') @055e2bfc04ccf1e4dae2ff2ca0f55e0074fb17fa",
    tighter="SetDesiredCapacity and TerminateInstanceInAutoScalingGroup only on Auto Scaling groups of the "
    "region and account tagged k8s.io/cluster-autoscaler/<cluster>=owned and k8s.io/cluster-autoscaler/"
    "enabled=true (instead of '*'); eks:DescribeNodegroup only on the cluster's node groups",
    parameters=(),
    build=_build,
    installed_by=HelmChart(
        "autoscaler/cluster-autoscaler",
        (
            ("autoDiscovery.clusterName", "<cluster>"),
            ("awsRegion", "<region>"),
            ("rbac.serviceAccount.create", "false"),
            ("rbac.serviceAccount.name", "cluster-autoscaler"),
        ),
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``cluster-autoscaler``."""
