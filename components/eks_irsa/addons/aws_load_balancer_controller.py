"""AWS Load Balancer Controller: its scoped permission set (``_build``) beside its spec (``SPEC``,
whose ``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext
from .spec import AddonSpec, HelmChart
from .statements import ec2_arn, statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    def elb(*kinds: str) -> list[str]:
        patterns = {
            "loadbalancer": ("loadbalancer/app/*/*", "loadbalancer/net/*/*"),
            "targetgroup": ("targetgroup/*/*",),
            "listener": ("listener/app/*/*/*", "listener/net/*/*/*"),
            "listener-rule": ("listener-rule/app/*/*/*", "listener-rule/net/*/*/*"),
        }
        return [ctx.arn("elasticloadbalancing", p) for kind in kinds for p in patterns[kind]]

    security_groups = [ec2_arn(ctx, "security-group/*"), ec2_arn(ctx, "security-group-rule/*")]
    cluster_tag = "elbv2.k8s.aws/cluster"
    tagged = {"Null": {f"aws:ResourceTag/{cluster_tag}": "false"}}
    v2_acl = ctx.arn("wafv2", "regional/webacl/*/*")
    regional_acl = ctx.arn("waf-regional", "webacl/*")
    app_lb = ctx.arn("elasticloadbalancing", "loadbalancer/app/*/*")
    security_group = [ec2_arn(ctx, "security-group/*")]
    return [
        statement(
            ["iam:CreateServiceLinkedRole"],
            [
                ctx.arn(
                    "iam",
                    "role/aws-service-role/elasticloadbalancing.amazonaws.com*/AWSServiceRoleForElasticLoadBalancing",
                    region="",
                )
            ],
            {"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
        ),
        unscoped(
            [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:DescribeCoipPools",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
                "acm:ListCertificates",
                "iam:ListServerCertificates",
                "shield:GetSubscriptionState",
                "shield:CreateProtection",
                "elasticloadbalancing:SetWebAcl",
            ]
        ),
        unscoped(
            ["shield:DescribeProtection"],
            why="The controller calls DescribeProtection with the load balancer's ARN (ResourceArn), not a "
            "protection id, so no protection ARN is known to scope to; kept as published.",
        ),
        statement(["ec2:GetCoipPoolUsage"], [ec2_arn(ctx, "coip-pool/*", shared=True)]),
        statement(["ec2:GetSecurityGroupsForVpc"], [ec2_arn(ctx, "vpc/*", shared=True)]),
        statement(["cognito-idp:DescribeUserPoolClient"], [ctx.arn("cognito-idp", "userpool/*")]),
        statement(["acm:DescribeCertificate"], [ctx.arn("acm", "certificate/*")]),
        statement(["iam:GetServerCertificate"], [ctx.arn("iam", "server-certificate/*", region="")]),
        statement(["shield:DeleteProtection"], [ctx.arn("shield", "protection/*", region="")]),
        # Each WAF action on the resource types it acts on (Service Authorization Reference, AWS WAF
        # Regional and AWS WAF V2): web ACLs, the application load balancer, or both.
        statement(["waf-regional:AssociateWebACL"], [regional_acl, app_lb]),
        statement(
            ["waf-regional:DisassociateWebACL", "waf-regional:GetWebACLForResource", "wafv2:DisassociateWebACL"],
            [app_lb],
        ),
        statement(["waf-regional:GetWebACL"], [regional_acl]),
        statement(["wafv2:AssociateWebACL", "wafv2:GetWebACLForResource"], [v2_acl, app_lb]),
        statement(["wafv2:GetWebACL"], [v2_acl]),
        # AuthorizeSecurityGroupIngress also acts on the rules it creates; Revoke and Delete on the group.
        statement(["ec2:AuthorizeSecurityGroupIngress"], security_groups),
        statement(["ec2:RevokeSecurityGroupIngress"], security_group),
        statement(["ec2:CreateSecurityGroup"], [ec2_arn(ctx, "security-group/*"), ec2_arn(ctx, "vpc/*", shared=True)]),
        statement(
            ["ec2:CreateTags"],
            [ec2_arn(ctx, "security-group/*")],
            {
                "StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"},
                "Null": {f"aws:RequestTag/{cluster_tag}": "false"},
            },
        ),
        statement(
            ["ec2:CreateTags", "ec2:DeleteTags"],
            [ec2_arn(ctx, "security-group/*")],
            {"Null": {f"aws:RequestTag/{cluster_tag}": "true", f"aws:ResourceTag/{cluster_tag}": "false"}},
        ),
        statement(["ec2:AuthorizeSecurityGroupIngress"], security_groups, tagged),
        statement(["ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"], security_group, tagged),
        statement(
            ["elasticloadbalancing:CreateLoadBalancer"],
            elb("loadbalancer"),
            {"Null": {f"aws:RequestTag/{cluster_tag}": "false"}},
        ),
        statement(
            ["elasticloadbalancing:CreateTargetGroup"],
            elb("targetgroup"),
            {"Null": {f"aws:RequestTag/{cluster_tag}": "false"}},
        ),
        # Listeners are created on a load balancer, rules on a listener (Service Authorization Reference).
        statement(["elasticloadbalancing:CreateListener"], elb("loadbalancer")),
        statement(["elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule"], elb("listener")),
        statement(["elasticloadbalancing:DeleteRule"], elb("listener-rule")),
        statement(
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            elb("targetgroup", "loadbalancer"),
            {"Null": {f"aws:RequestTag/{cluster_tag}": "true", f"aws:ResourceTag/{cluster_tag}": "false"}},
        ),
        statement(
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], elb("listener", "listener-rule")
        ),
        statement(
            [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyCapacityReservation",
            ],
            elb("loadbalancer"),
            tagged,
        ),
        statement(["elasticloadbalancing:ModifyIpPools"], [app_lb], tagged),  # IPAM pools: application LBs only
        statement(
            [
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
            ],
            elb("targetgroup"),
            tagged,
        ),
        statement(["elasticloadbalancing:ModifyListenerAttributes"], elb("listener"), tagged),
        statement(
            ["elasticloadbalancing:AddTags"],
            elb("targetgroup", "loadbalancer"),
            {
                "StringEquals": {"elasticloadbalancing:CreateAction": ("CreateTargetGroup", "CreateLoadBalancer")},
                "Null": {f"aws:RequestTag/{cluster_tag}": "false"},
            },
        ),
        statement(
            ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], elb("targetgroup")
        ),
        statement(
            [
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
            ],
            elb("listener"),
        ),
        statement(["elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"], elb("listener-rule")),
    ]


SPEC = AddonSpec(
    name="aws-load-balancer-controller",
    title="AWS Load Balancer Controller",
    namespace="kube-system",
    service_account="aws-load-balancer-controller",
    source="kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json "
    "@2f6ce5cfc51a28257cf2710873c437257d1ef605",
    tighter="every '*' on an action with resource-level permissions becomes the load balancer, target group, "
    "listener, rule, security group, WAF ACL, certificate or service-linked role ARNs of the cluster's "
    "region and account; every published ARN's '*' region and account are pinned",
    parameters=(),
    reaches="Infrastructure modification: the controller creates, tags and deletes the security groups, load "
    "balancers, listeners, rules and target groups of every Ingress and Service of type LoadBalancer, whose names "
    "are generated at creation. Data exfiltration: it reads certificates, Cognito clients, WAF web ACLs and Shield "
    "protections that annotations name, unknown when the role is made. The account is * for VPCs and customer-owned "
    "IP pools, which another account may share with this one (AWS RAM).",
    build=_build,
    installed_by=HelmChart(
        "eks/aws-load-balancer-controller",
        (
            ("clusterName", "<cluster>"),
            ("serviceAccount.create", "false"),
            ("serviceAccount.name", "aws-load-balancer-controller"),
            ("region", "<region>"),
            ("vpcId", "<vpc-id>"),
        ),
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``aws-load-balancer-controller``."""
