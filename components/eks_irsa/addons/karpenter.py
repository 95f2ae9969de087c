"""Karpenter (controller): its scoped permission set (``_build``) beside its spec (``SPEC``, whose
``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext, check_node_role_arn, check_queue_name
from .spec import AddonParameter, AddonSpec, HelmChart, ParamType
from .statements import ec2_arn, ec2_global_arn, statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    region, cluster = ctx.region, ctx.cluster
    cluster_arn = ctx.arn("eks", f"cluster/{cluster}")
    owned = f"kubernetes.io/cluster/{cluster}"
    instance_profiles = ctx.arn("iam", "instance-profile/*", region="")
    launch_resources = [
        ec2_arn(ctx, f"{kind}/*", shared=True)
        for kind in ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")
    ]
    return [
        # NodeLifecyclePolicy
        statement(
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [
                ec2_global_arn(ctx, "image/*"),
                ec2_global_arn(ctx, "snapshot/*"),
                *(
                    ec2_arn(ctx, f"{kind}/*", shared=True)
                    for kind in ("security-group", "subnet", "capacity-reservation", "placement-group")
                ),
            ],
            sid="AllowScopedEC2InstanceAccessActions",
        ),
        statement(
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [ec2_arn(ctx, "launch-template/*", shared=True)],
            {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedEC2LaunchTemplateAccessActions",
        ),
        statement(
            ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            launch_resources,
            {
                "StringEquals": {f"aws:RequestTag/{owned}": "owned", "aws:RequestTag/eks:eks-cluster-name": cluster},
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedEC2InstanceActionsWithTags",
        ),
        statement(
            ["ec2:CreateTags"],
            launch_resources,
            {
                "StringEquals": {
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "ec2:CreateAction": ("RunInstances", "CreateFleet", "CreateLaunchTemplate"),
                },
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedResourceCreationTagging",
        ),
        statement(
            ["ec2:CreateTags"],
            [ec2_arn(ctx, "instance/*", shared=True)],
            {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster},
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ("eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name")
                },
            },
            sid="AllowScopedResourceTagging",
        ),
        statement(
            ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            [ec2_arn(ctx, "instance/*", shared=True), ec2_arn(ctx, "launch-template/*", shared=True)],
            {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedDeletion",
        ),
        # IAMIntegrationPolicy
        statement(
            ["iam:PassRole"],
            [str(params["nodeRoleArn"])],
            {"StringEquals": {"iam:PassedToService": ("ec2.amazonaws.com", "ec2.amazonaws.com.cn")}},
            sid="AllowPassingInstanceRole",
        ),
        statement(
            ["iam:CreateInstanceProfile"],
            [instance_profiles],
            {
                "StringEquals": {
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "aws:RequestTag/topology.kubernetes.io/region": region,
                },
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
            sid="AllowScopedInstanceProfileCreationActions",
        ),
        statement(
            ["iam:TagInstanceProfile"],
            [instance_profiles],
            {
                "StringEquals": {
                    f"aws:ResourceTag/{owned}": "owned",
                    "aws:ResourceTag/topology.kubernetes.io/region": region,
                    f"aws:RequestTag/{owned}": "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "aws:RequestTag/topology.kubernetes.io/region": region,
                },
                "StringLike": {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
            sid="AllowScopedInstanceProfileTagActions",
        ),
        statement(
            ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            [instance_profiles],
            {
                "StringEquals": {
                    f"aws:ResourceTag/{owned}": "owned",
                    "aws:ResourceTag/topology.kubernetes.io/region": region,
                },
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
            sid="AllowScopedInstanceProfileActions",
        ),
        # EKSIntegrationPolicy
        statement(["eks:DescribeCluster"], [cluster_arn], sid="AllowAPIServerEndpointDiscovery"),
        # InterruptionPolicy
        statement(
            ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            [ctx.arn("sqs", str(params["interruptionQueueName"]))],
            sid="AllowInterruptionQueueActions",
        ),
        # ResourceDiscoveryPolicy
        unscoped(
            [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceStatus",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribePlacementGroups",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            {"StringEquals": {"aws:RequestedRegion": region}},
            sid="AllowRegionalReadActions",
        ),
        statement(
            ["ssm:GetParameter"], [ctx.arn("ssm", "parameter/aws/service/*", account="")], sid="AllowSSMReadActions"
        ),
        unscoped(["pricing:GetProducts"], sid="AllowPricingReadActions"),
        unscoped(["iam:ListInstanceProfiles"], sid="AllowUnscopedInstanceProfileListAction"),
        statement(["iam:GetInstanceProfile"], [instance_profiles], sid="AllowInstanceProfileReadActions"),
        # ZonalShiftPolicy
        unscoped(
            ["arc-zonal-shift:GetManagedResource"],
            {"StringEquals": {"arc-zonal-shift:ResourceIdentifier": cluster_arn}},
            sid="AllowZonalShiftStatusReadOnly",
            why="Scoped by the published condition to this cluster's ARN; the resource types the IAM definitions "
            "this project ships list for the action are load balancers only, not EKS clusters.",
        ),
    ]


SPEC = AddonSpec(
    name="karpenter",
    title="Karpenter (controller)",
    namespace="kube-system",
    service_account="karpenter",
    source="aws/karpenter-provider-aws website/content/en/docs/getting-started/getting-started-with-karpenter/"
    "cloudformation.yaml (the six controller policies) @fe623d537f85b0e6a69fc3eebc3692f80efda891",
    tighter="the CloudFormation placeholders resolved to the cluster's partition, region, account, name, node "
    "role and queue; otherwise as published (already scoped by region, tags and conditions)",
    parameters=(
        AddonParameter(
            "nodeRoleArn",
            ParamType.STRING,
            True,
            "the ARN of the role Karpenter's nodes run as (passed to EC2)",
            check_node_role_arn,
        ),
        AddonParameter(
            "interruptionQueueName",
            ParamType.STRING,
            True,
            "the SQS queue receiving EC2 interruption events, by name",
            check_queue_name,
        ),
    ),
    reaches="Infrastructure modification: Karpenter launches, tags and terminates the nodes (instances, fleets, "
    "launch templates, volumes, network interfaces) of the cluster, whose ids are generated at launch. Data "
    "exfiltration: it reads the instance types, images and subnets it may launch into. The account is * for "
    "subnets, security groups, capacity reservations, placement groups and launch templates, which another "
    "account may share with this one (AWS RAM), and for what a launch in a shared subnet creates.",
    build=_build,
    installed_by=HelmChart(
        "oci://public.ecr.aws/karpenter/karpenter",
        (
            ("serviceAccount.create", "false"),
            ("serviceAccount.name", "karpenter"),
            ("settings.clusterName", "<cluster>"),
        ),
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``karpenter``."""
