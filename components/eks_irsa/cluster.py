"""``EksCluster``: an EKS cluster with its IAM OIDC provider, hardened managed node groups, and a
Kubernetes provider for the ServiceAccounts of ``IrsaRole``."""

from collections.abc import Mapping
from types import SimpleNamespace
from typing import NotRequired, TypedDict

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from .errors import IrsaConfigError, Problem
from .iam import limits
from .iam.names import short_hash
from .iam.policy import canonical_json
from .irsa import IrsaRole, IrsaRoleArgs
from .nodegroup import NODE_GROUP_DEFAULTS, NodeGroupArgs

IMDS_DOCS = "EKS Best Practices Guide, 'Restrict access to the instance profile assigned to the worker node'"

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
"""The AWS managed policies a node role needs when the VPC CNI has its own IRSA role (EKS User
Guide, 'Amazon EKS node IAM role'). ``AmazonEKS_CNI_Policy`` is deliberately absent."""

CNI_POLICY = "AmazonEKS_CNI_Policy"
"""The VPC CNI's permissions, given to ``kube-system/aws-node`` through IRSA (EKS User Guide,
'Configure Amazon VPC CNI plugin to use IRSA')."""

CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
"""The access policy for cluster administrators (EKS User Guide, 'Review access policy permissions')."""


class EksClusterArgs(TypedDict):
    """Inputs of :class:`EksCluster`."""

    cluster_name: str
    """The EKS cluster's name (EKS CreateCluster: 1..100 of ``[A-Za-z0-9_-]``, starting alphanumeric)."""
    partition: str
    """The AWS partition (``aws``, ``aws-cn``, ``aws-us-gov``), for managed policy ARNs; derive it once from the
    region."""
    vpc_id: str
    """An existing VPC."""
    private_subnet_ids: list[str]
    """Subnets for the control plane's ENIs and the nodes, in at least two availability zones."""
    public_subnet_ids: NotRequired[list[str]]
    """Subnets for public load balancers. Default: none."""
    kubernetes_version: NotRequired[str]
    """``1.N``. Default: ``1.33``."""
    endpoint_private_access: NotRequired[bool]
    """Default: ``True``."""
    endpoint_public_access: NotRequired[bool]
    """Default: ``False``; when on, ``public_access_cidrs`` must be narrow (at most a /8 in all)."""
    public_access_cidrs: NotRequired[list[str]]
    """CIDRs that may reach a public endpoint. Default: none."""
    admin_principal_arns: NotRequired[list[str]]
    """IAM principals given ``AmazonEKSClusterAdminPolicy`` through access entries (authentication mode
    ``API``, no aws-auth ConfigMap). Default: none."""
    node_groups: NotRequired[list[NodeGroupArgs]]
    """Managed node groups. Default: none."""
    tags: NotRequired[dict[str, str]]
    """AWS tags on the cluster and its children. Default: none."""
    pod_identity_agent: NotRequired[bool]
    """Install the ``eks-pod-identity-agent`` add-on, needed by EKS Pod Identity. Default: ``False``."""
    auto_mode: NotRequired[bool]
    """EKS Auto Mode (pulumi-eks ``auto_mode``): EKS runs compute, pod networking, block storage and load
    balancing itself, with the Pod Identity agent built in (EKS User Guide, 'Automate cluster infrastructure
    with EKS Auto Mode'). Then no VPC CNI role or add-on and no ``eks-pod-identity-agent`` add-on are made
    here; pulumi-eks gives the cluster role Auto Mode's policies and makes its node role. Default: ``False``."""


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster ready for IRSA.

    Children: ``<name>`` (``eks:index:Cluster`` with ``create_oidc_provider=True``, authentication
    mode ``API``, no default node group, the VPC CNI left to the add-on below), ``<name>-k8s``
    (Kubernetes provider from the cluster's kubeconfig), ``<name>-vpc-cni`` (an ``IrsaRole`` for
    ``kube-system/aws-node`` with ``AmazonEKS_CNI_Policy``, role only), ``<name>-vpc-cni-addon``,
    ``<name>-node-role`` with only :data:`NODE_POLICIES`, and per node group a launch template
    (IMDSv2 required, hop limit 1) and an ``aws.eks.NodeGroup``. With ``auto_mode`` the VPC CNI role and
    add-on and the Pod Identity agent add-on are left out (Auto Mode runs them).

    Pass ``protect=True`` in ``opts`` (the prod stack does) to protect the cluster, and with it the
    OIDC provider it creates, against deletion.

    Outputs: ``cluster_name``, ``oidc_provider_arn``, ``oidc_issuer`` (host/path, no ``https://``),
    ``kubeconfig`` (secret), ``node_role_arn``; attribute ``kubernetes_provider``.

    Raises:
        IrsaConfigError: a node group raises the hop limit without the opt-in, or sizes are out of order.
    """

    cluster_name: pulumi.Output[str]
    """The EKS cluster's name; resolves once the cluster exists, so dependents wait for it."""
    oidc_provider_arn: pulumi.Output[str]
    """The cluster's IAM OIDC provider ARN, for ``IrsaRoleArgs.oidc_provider_arn``."""
    oidc_issuer: pulumi.Output[str]
    """The cluster's OIDC issuer, host/path without ``https://``."""
    kubeconfig: pulumi.Output[str]
    """A kubeconfig for the cluster (secret); it runs ``aws eks get-token``."""
    node_role_arn: pulumi.Output[str]
    """The node role's ARN (only the worker node and ECR pull policies)."""

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        problems = check_cluster_args(args)
        if problems:
            raise IrsaConfigError(
                [Problem(f"EksCluster {name}: {p.field}", p.value, p.rule, p.source, p.fix) for p in problems]
            )
        args = _with_defaults(args)
        super().__init__("eks-irsa:index:EksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        p = args.partition
        tags = dict(sorted(args.tags.items()))
        cluster = eks.Cluster(
            name,
            name=args.cluster_name,
            version=args.kubernetes_version,
            vpc_id=args.vpc_id,
            private_subnet_ids=list(args.private_subnet_ids),
            public_subnet_ids=list(args.public_subnet_ids) or None,
            endpoint_private_access=args.endpoint_private_access,
            endpoint_public_access=args.endpoint_public_access,
            public_access_cidrs=list(args.public_access_cidrs) or None,
            authentication_mode=eks.AuthenticationMode.API,
            access_entries={
                f"admin-{short_hash(arn)}": eks.AccessEntryArgs(
                    principal_arn=arn,
                    access_policies={
                        "cluster-admin": eks.AccessPolicyAssociationArgs(
                            policy_arn=f"arn:{p}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                            access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                        )
                    },
                )
                for arn in sorted(set(args.admin_principal_arns))
            },
            create_oidc_provider=True,
            skip_default_node_group=True,
            use_default_vpc_cni=True,
            auto_mode=eks.AutoModeOptionsArgs(enabled=True) if args.auto_mode else None,
            tags=tags,
            opts=child,
        )
        self.oidc_provider_arn = cluster.oidc_provider_arn
        self.oidc_issuer = cluster.oidc_issuer
        self.kubeconfig = pulumi.Output.secret(cluster.kubeconfig_json)
        # The name is ours, but reading it through an output makes dependents wait for the cluster.
        self.cluster_name = cluster.oidc_provider_arn.apply(lambda _: args.cluster_name)
        self._kubernetes_provider = k8s.Provider(
            f"{name}-k8s", kubeconfig=cluster.kubeconfig_json, enable_server_side_apply=True, opts=child
        )

        networking: list[pulumi.Resource] = []
        if not args.auto_mode:
            cni = IrsaRole(
                f"{name}-vpc-cni",
                vpc_cni_role_args(args.cluster_name, p, self.oidc_provider_arn, self.oidc_issuer, tags),
                opts=child,
            )
            networking.append(
                aws.eks.Addon(
                    f"{name}-vpc-cni-addon",
                    cluster_name=self.cluster_name,
                    addon_name="vpc-cni",
                    service_account_role_arn=cni.role_arn,
                    resolve_conflicts_on_create="OVERWRITE",
                    resolve_conflicts_on_update="OVERWRITE",
                    tags=tags,
                    opts=child,
                )
            )

        if args.pod_identity_agent and not args.auto_mode:
            aws.eks.Addon(
                f"{name}-pod-identity-agent",
                cluster_name=self.cluster_name,
                addon_name="eks-pod-identity-agent",
                tags=tags,
                opts=child,
            )
        node_role = aws.iam.Role(
            f"{name}-node-role",
            assume_role_policy=canonical_json(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ec2.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
            tags=tags,
            opts=child,
        )
        attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-node-{policy}", role=node_role.name, policy_arn=f"arn:{p}:iam::aws:policy/{policy}", opts=child
            )
            for policy in NODE_POLICIES
        ]
        self.node_role_arn = node_role.arn
        for group in args.node_groups:
            self._node_group(name, group, args, node_role, [*networking, *attachments], tags)

        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "oidc_provider_arn": self.oidc_provider_arn,
                "oidc_issuer": self.oidc_issuer,
                "kubeconfig": self.kubeconfig,
                "node_role_arn": self.node_role_arn,
            }
        )

    @property
    def kubernetes_provider(self) -> k8s.Provider:
        """The Kubernetes provider built from the cluster's kubeconfig; pass it to ``IrsaRole`` in
        ``opts.providers``. (A Python attribute, not a component output.)"""
        return self._kubernetes_provider

    def _node_group(
        self,
        name: str,
        group: SimpleNamespace,
        args: SimpleNamespace,
        node_role: aws.iam.Role,
        depends_on: list[pulumi.Resource],
        tags: Mapping[str, str],
    ) -> None:
        child = pulumi.ResourceOptions(parent=self)
        template = aws.ec2.LaunchTemplate(
            f"{name}-{group.name}-lt",
            description=f"{args.cluster_name} {group.name}: IMDSv2 only, hop limit {group.imds_hop_limit}",
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=group.imds_hop_limit,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=group.disk_size, volume_type="gp3", encrypted="true"
                    ),
                )
            ],
            tags=tags,
            opts=child,
        )
        aws.eks.NodeGroup(
            f"{name}-{group.name}",
            cluster_name=self.cluster_name,
            node_group_name=group.name,
            node_role_arn=node_role.arn,
            subnet_ids=list(args.private_subnet_ids),
            instance_types=list(group.instance_types),
            ami_type=group.ami_type,
            labels=dict(sorted(group.labels.items())) or None,
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=group.min_size, desired_size=group.desired_size, max_size=group.max_size
            ),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=template.id, version=template.latest_version.apply(str)
            ),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
        )


def vpc_cni_role_args(
    cluster_name: str,
    partition: str,
    oidc_provider_arn: pulumi.Input[str],
    oidc_issuer: pulumi.Input[str],
    tags: Mapping[str, str],
) -> IrsaRoleArgs:
    """The VPC CNI's role: ``kube-system/aws-node`` with ``AmazonEKS_CNI_Policy``, role only (the add-on
    owns the ServiceAccount). :class:`EksCluster` registers it as ``<name>-vpc-cni``; ``eks-irsa plan``
    plans it from here too."""
    return {
        "oidc_provider_arn": oidc_provider_arn,
        "oidc_issuer": oidc_issuer,
        "cluster_name": cluster_name,
        "namespace": "kube-system",
        "service_account": "aws-node",
        "managed_policy_arns": [f"arn:{partition}:iam::aws:policy/{CNI_POLICY}"],
        "create_service_account": False,
        "tags": dict(tags),
    }


CLUSTER_DEFAULTS = {
    "public_subnet_ids": [],
    "kubernetes_version": "1.33",
    "endpoint_private_access": True,
    "endpoint_public_access": False,
    "public_access_cidrs": [],
    "admin_principal_arns": [],
    "node_groups": [],
    "tags": {},
    "pod_identity_agent": False,
    "auto_mode": False,
}
"""The defaults the field docstrings of :class:`EksClusterArgs` give, applied in one place."""


def _with_defaults(args: EksClusterArgs) -> SimpleNamespace:
    """The args with every default filled in, node groups included, as attributes."""
    merged = SimpleNamespace(**{**CLUSTER_DEFAULTS, **args})
    merged.node_groups = [SimpleNamespace(**{**NODE_GROUP_DEFAULTS, **group}) for group in merged.node_groups]
    return merged


def check_cluster_args(args: EksClusterArgs) -> list[Problem]:
    """Every rule on :class:`EksClusterArgs`, fields named as in it (``node_groups.general.imds_hop_limit``).

    The cluster name (EKS CreateCluster), tags (IAM/EKS tag quotas), an endpoint reachable at all and a
    public one narrow (EKS User Guide, 'Cluster API server endpoint'), IMDS hop limit 1 unless opted in,
    and ``min_size <= desired_size <= max_size`` (EKS NodegroupScalingConfig).
    """
    a = _with_defaults(args)
    problems = limits.check_cluster_name("cluster_name", a.cluster_name)
    problems += limits.check_tags("tags", a.tags)
    if not a.endpoint_public_access and not a.endpoint_private_access:
        problems.append(
            Problem(
                "endpoint_private_access",
                False,
                "turns off both private and public access",
                "EKS User Guide, 'Cluster API server endpoint'",
                "keep endpoint_private_access on",
            )
        )
    if a.endpoint_public_access:
        problems += limits.check_public_access_cidrs("public_access_cidrs", list(a.public_access_cidrs))
    for group in a.node_groups:
        where = f"node_groups.{group.name}"
        if group.imds_hop_limit > 1 and not group.allow_pod_imds_access:
            problems.append(
                Problem(
                    f"{where}.imds_hop_limit",
                    group.imds_hop_limit,
                    "lets pods reach the instance metadata service and borrow the node role",
                    IMDS_DOCS,
                    "keep 1, or set allow_pod_imds_access to opt in knowingly",
                )
            )
        if not group.min_size <= group.desired_size <= group.max_size:
            problems.append(
                Problem(
                    where,
                    {"min_size": group.min_size, "desired_size": group.desired_size, "max_size": group.max_size},
                    "breaks min_size <= desired_size <= max_size",
                    "EKS API Reference, NodegroupScalingConfig",
                    "order the sizes",
                )
            )
    return problems
