"""``EksCluster``: an EKS cluster with its IAM OIDC provider, hardened managed node groups, and a
Kubernetes provider for the ServiceAccounts of ``IrsaRole``."""

import asyncio
import datetime
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from types import SimpleNamespace
from typing import cast

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

from .access import (
    ACCESS_SETTLE_SECONDS,
    CREATOR_TAG,
    KubeconfigCredentials,
    access_settle_seconds,
    caller_principal_arn,
    check_bootstrap_kept,
    check_security_group_id,
    creator_tag_value,
    scoped_kubeconfig,
)
from .accounts import creating_account
from .addons import ADDONS
from .addons.install import check_addon_subjects, check_single_install
from .addons.spec import AddonSpec, EksAddon
from .contract.cluster import EksClusterArgs as EksClusterArgs
from .contract.enums import ControlPlaneLog as ControlPlaneLog
from .contract.fields import constructor_doc
from .contract.nodegroup import NodeGroupArgs as NodeGroupArgs
from .contract.own import ClusterIdentity, mark_account, mark_own
from .errors import IrsaConfigError, Problem
from .iam.eks_policies import CNI_POLICY, NODE_POLICIES
from .iam.names import short_hash
from .iam.partition import PARTITIONS_DOCS, partition_for_region, partition_named
from .iam.policy import canonical_json
from .iam.review import IMDS_OPT_OUT_TAG
from .irsa import IrsaRole, IrsaRoleArgs
from .nodegroup import AmiType, data_volume_device
from .plan.cluster import NODE_METADATA_OPTIONS, check_cluster_args, with_defaults
from .versions import addon_version, cluster_addons

CNI_JUSTIFICATION = (
    "Infrastructure modification: the VPC CNI creates, attaches, tags and deletes the network interfaces and "
    "assigns the IP addresses of every pod on every node, whose ids are generated at creation (EKS User Guide, "
    "'Amazon VPC CNI'). AWS's own policy names them with Resource * and any account and region."
)
"""Why the VPC CNI's role holds ``AmazonEKS_CNI_Policy`` (its ``managed_policy_justifications``)."""

CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
"""The access policy for cluster administrators (EKS User Guide, 'Review access policy permissions')."""


class EksCluster(pulumi.ComponentResource):
    """An EKS cluster ready for IRSA.

    Children: ``<name>`` (``eks:index:Cluster``, authentication mode ``API``, no default node group, the VPC CNI
    left to the add-on below, no OIDC provider of its own, the upgrade policy set, its kube-proxy add-on pinned, its
    CoreDNS add-on off), ``<name>-oidc-provider`` (the IAM OIDC provider with ``oidc_client_ids``; aliased to
    pulumi-eks's ``<name>-oidcProvider``, so a stack made by eks-irsa 0.3.0 keeps its provider, and every role's
    trust), per admin ``<name>-admin-<hash>`` (``aws.eks.AccessEntry``) and its ``...-cluster-admin`` policy
    association, one ``<name>-api-<hash>`` (``aws.vpc.SecurityGroupIngressRule``, 443) per private access CIDR or
    security group, ``<name>-k8s`` (Kubernetes provider from the cluster's kubeconfig, scoped to
    ``kubeconfig_credentials``, created after those rules and the admins' associations, first used once they have
    settled), ``<name>-vpc-cni`` (an ``IrsaRole`` for ``kube-system/aws-node`` with ``AmazonEKS_CNI_Policy``, role
    only), ``<name>-vpc-cni-addon`` (``preserve=True``: removing the resource never strips aws-node from the nodes),
    ``<name>-node-role`` with only :data:`NODE_POLICIES`, per node group a launch template (IMDSv2 required, hop
    limit 1, the disk on the AMI's data volume) and an ``aws.eks.NodeGroup``, then ``<name>-coredns-addon`` after
    the node groups (CoreDNS needs nodes to become active). :meth:`install_addon` adds a catalog's EKS add-ons, also
    after the node groups. With ``auto_mode`` and no node groups the VPC CNI role and add-on, kube-proxy and the Pod
    Identity agent add-on are left out (Auto Mode runs them on its nodes); with node groups as well, they are all
    made for those nodes, kube-proxy turned on explicitly (pulumi-eks leaves it out in Auto Mode, and EKS bootstraps
    nothing then: nodejs/eks/cluster/cluster.ts); CoreDNS stays an add-on either way, as pulumi-eks itself keeps it
    in Auto Mode.

    Node groups: the EKS name is generated from the prefix ``<group>-`` (so a replacement, e.g. of the
    instance types, AMI type, subnets or node role, creates the new group before deleting the old one), the
    Kubernetes version is the cluster's, and ``desired_size`` is ignored after creation. A stack deployed
    with eks-irsa 0.3 or earlier (fixed names ``<group>``) sees each node group replaced once on its next
    ``pulumi up``: the new group is created and becomes active first, then the old one is drained and
    deleted; pods move to the new nodes, honouring PodDisruptionBudgets. Its kube-proxy add-on moves to the
    pinned version, which EKS refuses if the running one is newer: name that one in ``addon_versions``.

    Who gets in: each of ``admin_principal_arns`` through an access entry with
    ``AmazonEKSClusterAdminPolicy``, plus, with ``bootstrap_creator_admin``, the identity that created the
    cluster through EKS's own entry, recorded in the cluster's :data:`~eks_irsa.access.CREATOR_TAG` tag. With
    ``bootstrap_creator_admin`` off, a transform on the
    pulumi-eks component turns ``accessConfig.bootstrapClusterCreatorAdminPermissions`` off on its
    ``aws:eks/cluster:Cluster`` (pulumi-eks 4.4.0 hard-codes it on and has no input for it).

    Why the component makes the IAM OIDC provider rather than pulumi-eks (``create_oidc_provider=False``):
    pulumi-eks registers its provider with ``sts.amazonaws.com`` only and no input for other client IDs
    (nodejs/eks/cluster/cluster.ts), so ``oidc_client_ids`` would be dropped without a word; ours is
    visible in the plan too. No thumbprint is given: pulumi-aws 7 makes ``thumbprint_lists`` optional and
    IAM then fetches the issuer's CA thumbprint itself (IAM User Guide, 'Create an OpenID Connect (OIDC)
    identity provider in IAM'). The alias keeps the provider of a stack deployed by eks-irsa 0.3.0 (same
    URL and client IDs: at most an in-place update of its tags). Without it, Pulumi would create ours
    before deleting pulumi-eks's, which IAM refuses (one provider per URL: EntityAlreadyExists), and any
    replacement leaves every role's trust without its provider for a while.

    Pass ``protect=True`` in ``opts`` (the prod stack does) to protect the cluster, the OIDC provider and
    every other child against ``pulumi destroy``; ``deletion_protection`` protects the EKS cluster
    against every tool.

    Outputs: ``cluster_name``, ``oidc_provider_arn``, ``oidc_issuer`` (host/path, no ``https://``),
    ``kubeconfig`` (secret), ``node_role_arn``; attribute ``kubernetes_provider``.

    Raises:
        IrsaConfigError: see :func:`check_cluster_args`; raised before anything is registered.
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
        deployer, creator = args.get("deployer_arn"), args.get("creator_arn")
        invoke = aws_invoke_options(opts)
        kept: str | None = None
        if args.get("bootstrap_creator_admin", True):
            if creator is None:
                creator = cluster_creator_arn(
                    args.get("cluster_name", name), lambda: deployer or deployer_arn(invoke), invoke
                )
        else:
            if deployer is None:
                deployer = deployer_arn(invoke)
            kept = recorded_creator(args.get("cluster_name", name), invoke)[1]
        problems = check_bootstrap_kept("bootstrap_creator_admin", kept) + check_cluster_args(args, deployer, creator)
        if problems:
            raise IrsaConfigError(
                [Problem(f"EksCluster {name}: {p.field}", p.value, p.rule, p.source, p.fix) for p in problems]
            )
        full = with_defaults(args)
        region = _stack_region(name, full.partition, opts)
        self._args = full
        self._addons = cluster_addons(full.auto_mode, bool(full.node_groups), full.pod_identity_agent)
        self._tags = dict(sorted(full.tags.items()))
        recorded = {CREATOR_TAG: creator_tag_value(creator)} if full.bootstrap_creator_admin and creator else {}
        super().__init__("eks-irsa:index:EksCluster", name, None, opts)
        self._name = name
        self._addon_installs: list[tuple[str, AddonSpec]] = []
        child = pulumi.ResourceOptions(parent=self)
        p = full.partition
        tags = self._tags
        credentials = cast("KubeconfigCredentials", dict(full.kubeconfig_credentials))
        cluster = eks.Cluster(
            name,
            name=full.cluster_name,
            version=full.kubernetes_version,
            vpc_id=full.vpc_id,
            private_subnet_ids=full.private_subnet_ids,
            public_subnet_ids=full.public_subnet_ids or None,
            endpoint_private_access=full.endpoint_private_access,
            endpoint_public_access=full.endpoint_public_access,
            public_access_cidrs=list(full.public_access_cidrs) or None,
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=full.upgrade_support_type),
            # pulumi-eks installs kube-proxy unless Auto Mode is on; a mixed cluster's node groups need it too.
            kube_proxy_addon_options=eks.KubeProxyAddonOptionsArgs(
                version=self._addon_version("kube-proxy"),
                enabled=True if full.auto_mode and "kube-proxy" in self._addons else None,
            ),
            coredns_addon_options=eks.CoreDnsAddonOptionsArgs(enabled=False),
            authentication_mode=eks.AuthenticationMode.API,
            create_oidc_provider=False,
            skip_default_node_group=True,
            use_default_vpc_cni=True,
            deletion_protection=full.deletion_protection,
            enabled_cluster_log_types=[t.value for t in ControlPlaneLog if t in full.enabled_cluster_log_types] or None,
            provider_credential_opts=eks.KubeconfigOptionsArgs(**credentials) if credentials else None,
            auto_mode=eks.AutoModeOptionsArgs(enabled=True) if full.auto_mode else None,
            # Written when the cluster is created and then as read back from it, so it never changes.
            cluster_tags=recorded or None,
            tags=tags,
            opts=pulumi.ResourceOptions(
                parent=self, transforms=None if full.bootstrap_creator_admin else [without_creator_admin]
            ),
        )
        oidc_provider = aws.iam.OpenIdConnectProvider(
            f"{name}-oidc-provider",
            url=cluster.oidc_provider_url,
            client_id_lists=list(full.oidc_client_ids),
            tags=tags,
            # IAM holds one provider per URL, so a replacement with the same URL must delete first.
            opts=pulumi.ResourceOptions(
                parent=self,
                aliases=[pulumi.Alias(name=f"{name}-oidcProvider", parent=cluster)],
                delete_before_replace=True,
            ),
        )
        self.oidc_provider_arn = oidc_provider.arn
        self.oidc_issuer = cluster.oidc_issuer
        partition, longest_region = partition_named(p)
        identity = ClusterIdentity.of(
            full.cluster_name, p, region or longest_region, partition.dns_suffix, tuple(full.oidc_client_ids)
        )
        mark_own(identity, self.oidc_provider_arn, self.oidc_issuer)
        creating = creating_account(opts)
        if creating is not None:
            mark_account(creating[0], self.oidc_provider_arn)
        self.kubeconfig = pulumi.Output.secret(cluster.kubeconfig_json)
        # The name is ours, but reading it through an output makes dependents wait for the cluster.
        self.cluster_name = cluster.oidc_issuer.apply(lambda _: full.cluster_name)
        ways_in = [
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-api-{key}",
                security_group_id=cluster.cluster_security_group_id,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                description=pulumi.Output.from_input(source).apply(
                    lambda s: f"Kubernetes API of {full.cluster_name} from {s}"
                ),
                tags=tags,
                opts=child,
                **peer,
            )
            for key, source, peer in _ways_in(name, full)
        ]
        admins = self._admin_entries(name, cluster, full)
        # The first Kubernetes call waits until the newest admin's access has had time to reach the API server.
        kubeconfig = pulumi.Output.all(cluster.kubeconfig_json, *[a.associated_at for a in admins]).apply(
            lambda values: _after_access_settles(scoped_kubeconfig(values[0], credentials), values[1:])
        )
        self._kubernetes_provider = k8s.Provider(
            f"{name}-k8s",
            kubeconfig=kubeconfig,
            # A kubeconfig unknown in a preview (a new admin's association) would otherwise plan a replacement of
            # the provider and of every Namespace and ServiceAccount; adding the identifier is an update
            # (pulumi-kubernetes provider/pkg/provider/provider.go, DiffConfig).
            cluster_identifier=full.cluster_name,
            enable_server_side_apply=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*ways_in, *admins]),
        )

        node_addons: list[pulumi.Resource] = []
        if "vpc-cni" in self._addons:
            cni_role = IrsaRole(
                f"{name}-vpc-cni",
                vpc_cni_role_args(full.cluster_name, p, self.oidc_provider_arn, self.oidc_issuer, tags),
                opts=child,
            )
            cni = cast(EksAddon, ADDONS["vpc-cni"].installed_by)
            node_addons.append(self._addon(f"{name}-vpc-cni-addon", cni.name, cni_role.role_arn, []))
        if "eks-pod-identity-agent" in self._addons:
            node_addons.append(self._addon(f"{name}-pod-identity-agent", "eks-pod-identity-agent", None, []))
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
        # The node groups wait for the add-ons their nodes need; CoreDNS and the catalog's add-ons wait for the
        # node groups (eks_irsa.versions.UPGRADE_ORDER).
        self._node_groups = [
            self._node_group(name, group, full, node_role, [*node_addons, *attachments], tags)
            for group in full.node_groups
        ]
        self._addon(f"{name}-coredns-addon", "coredns", None, self._node_groups)

        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "oidc_provider_arn": self.oidc_provider_arn,
                "oidc_issuer": self.oidc_issuer,
                "kubeconfig": self.kubeconfig,
                "node_role_arn": self.node_role_arn,
            }
        )

    def install_addon(self, service: str, addon: str, role: IrsaRole) -> aws.eks.Addon | None:
        """Install catalog add-on ``addon`` (a key of :data:`eks_irsa.addons.ADDONS`) for ``service``, if it is an
        EKS managed add-on: ``<cluster>-<service>-addon``, after the node groups, with ``role``, the service's
        ``IrsaRole`` (its ARN as the add-on's service account role with IRSA; with Pod Identity its association
        binds it).

        The add-on belongs to the service: removing the service from the program removes the add-on, never
        leaves it running with a deleted role. It is not preserved (``preserve=False``: EKS DeleteAddon removes
        its workloads and the ServiceAccount it annotated, and the AWS provider waits until EKS reports it gone,
        terraform-provider-aws ``resourceAddonDelete``) and it depends on ``role``, so the engine deletes it
        before the role, its policies and its association. The cluster's own add-ons stay preserved.

        Returns:
            The ``aws.eks.Addon``; ``None`` for an add-on installed with a Helm chart (``docs/addons.md`` gives
            the chart values) and for ``vpc-cni``, which the cluster installs itself.

        Raises:
            IrsaConfigError: ``role`` trusts another service account than the add-on's own
                (:func:`eks_irsa.addons.install.check_addon_subjects`), or another service installed the add-on
                already (:func:`eks_irsa.addons.install.check_single_install`); before the add-on is registered.
        """
        spec = ADDONS[addon]
        installed_by = spec.installed_by
        if not isinstance(installed_by, EksAddon) or installed_by.name == "vpc-cni":
            return None
        plan = role.plan
        where = f"EksCluster {self._name}.install_addon({service!r})"
        subjects = {
            "namespace": plan.namespace,
            "service_accounts": list(plan.service_accounts),
            "subject_pattern": next((s.service_account for s in plan.subjects if s.pattern), None),
        }
        problems = [replace(p, field=f"{where}: role {p.field}") for p in check_addon_subjects(spec, subjects)]
        problems += check_single_install([*self._addon_installs, (where, spec)])
        if problems:
            raise IrsaConfigError(problems)
        self._addon_installs.append((where, spec))
        return self._addon(
            f"{self._name}-{service}-addon",
            installed_by.name,
            role.role_arn if plan.identity.uses_irsa else None,
            [*self._node_groups, role],
            preserve=False,
        )

    def _addon_version(self, addon: str) -> pulumi.Input[str]:
        """``addon``'s version (:func:`eks_irsa.versions.addon_version`); for an add-on without pinned versions,
        EKS's default for the cluster's Kubernetes version (``aws.eks.getAddonVersion``, not ``most_recent``)."""
        version = addon_version(addon, self._args.kubernetes_version, self._args.addon_versions)
        if version is not None:
            return version
        return aws.eks.get_addon_version_output(
            addon_name=addon,
            kubernetes_version=self._args.kubernetes_version,
            most_recent=False,
            opts=pulumi.InvokeOutputOptions(parent=self),
        ).version

    def _addon(
        self,
        name: str,
        addon: str,
        role_arn: pulumi.Input[str] | None,
        depends_on: Sequence[pulumi.Resource],
        preserve: bool = True,
    ) -> aws.eks.Addon:
        """One EKS add-on: its version from :data:`eks_irsa.versions.ADDON_VERSIONS`, conflicts overwritten (the
        self-managed copy EKS bootstraps is adopted), ``preserve`` as given: ``True`` (the default, for the cluster's
        own add-ons) leaves the add-on's workloads running when the resource is deleted (EKS DeleteAddon
        ``preserve``); ``False`` for a catalog add-on, removed with its service (:meth:`install_addon`)."""
        return aws.eks.Addon(
            name,
            cluster_name=self.cluster_name,
            addon_name=addon,
            addon_version=self._addon_version(addon),
            service_account_role_arn=role_arn,
            preserve=preserve,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on or None),
        )

    def _admin_entries(
        self, name: str, cluster: eks.Cluster, args: SimpleNamespace
    ) -> list[aws.eks.AccessPolicyAssociation]:
        """Per admin, ``<name>-admin-<hash of the ARN>`` (``aws.eks.AccessEntry``) and its
        ``...-cluster-admin`` association with :data:`CLUSTER_ADMIN_POLICY`, cluster-wide; returns the associations.

        They were pulumi-eks's children (its ``access_entries``, same names) up to eks-irsa 0.4: the alias keeps them,
        as EKS refuses a second entry for a principal (409) and a replacement would create before deleting. Here
        the Kubernetes provider can wait for them (:func:`_after_access_settles`).
        """
        associations = []
        for arn in sorted(set(args.admin_principal_arns)):
            key = f"{name}-admin-{short_hash(arn)}"
            entry = aws.eks.AccessEntry(
                key,
                cluster_name=self.cluster_name,
                principal_arn=arn,
                tags=self._tags,
                opts=pulumi.ResourceOptions(parent=self, aliases=[pulumi.Alias(parent=cluster)]),
            )
            associations.append(
                aws.eks.AccessPolicyAssociation(
                    f"{key}-cluster-admin",
                    cluster_name=self.cluster_name,
                    principal_arn=entry.principal_arn,
                    policy_arn=f"arn:{args.partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                    access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                    opts=pulumi.ResourceOptions(parent=entry),
                )
            )
        return associations

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
    ) -> aws.eks.NodeGroup:
        child = pulumi.ResourceOptions(parent=self)
        template = aws.ec2.LaunchTemplate(
            f"{name}-{group.name}-lt",
            description=f"{args.cluster_name} {group.name}: IMDSv2 only, hop limit {group.imds_hop_limit}",
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                **NODE_METADATA_OPTIONS, http_put_response_hop_limit=group.imds_hop_limit
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=data_volume_device(AmiType(group.ami_type)),
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=group.disk_size, volume_type="gp3", encrypted="true"
                    ),
                )
            ],
            tags={**tags, IMDS_OPT_OUT_TAG: "true"} if group.allow_pod_imds_access else tags,
            opts=child,
        )
        return aws.eks.NodeGroup(
            f"{name}-{group.name}",
            cluster_name=self.cluster_name,
            node_group_name_prefix=f"{group.name}-",
            version=args.kubernetes_version,
            node_role_arn=node_role.arn,
            subnet_ids=args.private_subnet_ids,
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
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on, ignore_changes=[DESIRED_SIZE_PROPERTY]),
        )


EksCluster.__init__.__doc__ = constructor_doc(
    "EksCluster",
    EksClusterArgs,
    "``protect=True`` protects the cluster and every child against ``pulumi destroy``; with an explicit AWS "
    "provider (``provider`` or ``providers``) the partition is not checked against the stack's region.",
)


def aws_invoke_options(opts: pulumi.ResourceOptions | None) -> pulumi.InvokeOptions:
    """Invoke options that send a lookup made before the component registers to the AWS provider its resources will
    use: ``opts.provider`` or ``opts.providers``' aws entry when given, else the parent's (``InvokeOptions.parent``),
    else the default provider. Without them a lookup would read the default provider's account and region while
    the cluster is made through another (pulumi-eks creates its cluster with the inherited provider)."""
    opts = opts or pulumi.ResourceOptions()
    candidates = [
        opts.provider,
        *(opts.providers.values() if isinstance(opts.providers, Mapping) else opts.providers or []),
    ]
    provider = next((p for p in candidates if p is not None and getattr(p, "package", None) == "aws"), None)
    return pulumi.InvokeOptions(parent=opts.parent, provider=provider)


def deployer_arn(invoke: pulumi.InvokeOptions | None = None) -> str:
    """The IAM principal running ``pulumi up``: ``aws.get_caller_identity`` (one provider call, through ``invoke``'s
    provider, else the default one), an assumed-role session mapped to its role
    (:func:`eks_irsa.access.caller_principal_arn`)."""
    return caller_principal_arn(aws.get_caller_identity(opts=invoke).arn)


def recorded_creator(cluster_name: str, invoke: pulumi.InvokeOptions | None = None) -> tuple[bool, str | None]:
    """Whether EKS has ``cluster_name`` (``aws.eks.get_clusters``, which lists names without failing on a missing one)
    and, when it has, its :data:`~eks_irsa.access.CREATOR_TAG` tag (``aws.eks.get_cluster``), ``None`` without one.
    One or two provider calls, through ``invoke``'s provider, else the default one."""
    if cluster_name not in (aws.eks.get_clusters(opts=invoke).names or []):
        return False, None
    return True, (aws.eks.get_cluster(name=cluster_name, opts=invoke).tags or {}).get(CREATOR_TAG)


def cluster_creator_arn(
    cluster_name: str, deployer: Callable[[], str] = deployer_arn, invoke: pulumi.InvokeOptions | None = None
) -> str | None:
    """The IAM principal that created ``cluster_name``, for ``bootstrap_creator_admin``: when EKS has the cluster,
    its :data:`~eks_irsa.access.CREATOR_TAG` tag, or ``None`` when it has none (created by eks-irsa 0.4 or earlier,
    or elsewhere: give ``creator_arn``); otherwise ``deployer()``, as the identity running ``pulumi up`` creates it
    (:func:`recorded_creator`, through ``invoke``'s provider)."""
    exists, creator = recorded_creator(cluster_name, invoke)
    return creator if exists else deployer()


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
        "managed_policy_justifications": {f"arn:{partition}:iam::aws:policy/{CNI_POLICY}": CNI_JUSTIFICATION},
        "create_service_account": False,
        "tags": dict(tags),
    }


DESIRED_SIZE_PROPERTY = "scalingConfig.desiredSize"
"""The node group property ignored after creation: cluster-autoscaler or Karpenter own the count (pulumi-aws
``eks.NodeGroup`` docs: 'ignore changes to desired size')."""


def _stack_region(name: str, partition: str, opts: pulumi.ResourceOptions | None) -> str | None:
    """The region of the default AWS provider (``aws:region``) when the cluster uses it, else ``None`` (an explicit
    AWS provider in ``opts.provider`` or ``opts.providers``: its region cannot be read here); checked against
    ``partition``.

    Raises:
        IrsaConfigError: the region is in another partition (``partition: aws`` with ``cn-north-1``): every ARN the
            stack writes (managed policies, access policies, the OIDC provider's) would name the wrong partition.
    """
    if aws_invoke_options(opts).provider is not None:
        return None
    region = pulumi.Config("aws").get("region")
    if not region:
        return None
    try:
        actual = partition_for_region(region).name
    except IrsaConfigError:
        return None
    if actual != partition:
        raise IrsaConfigError.one(
            f"EksCluster {name}: partition",
            partition,
            f"is not the partition of the stack's region {region} ({actual}); the cluster's ARNs would name "
            "the wrong partition",
            PARTITIONS_DOCS,
            f"give partition {actual} (derive it from the region: eks_irsa.iam.partition.partition_for_region)",
        )
    return region


def _ways_in(name: str, args: SimpleNamespace) -> list[tuple[str, pulumi.Input[str], dict[str, pulumi.Input[str]]]]:
    """The API endpoint's ingress rules, as ``(key, source, peer inputs)``: one per private access CIDR and
    security group, a plain source keyed by its hash, an Output security group id by its position and checked
    (:func:`~eks_irsa.access.check_security_group_id`) once it resolves."""
    field = f"EksCluster {name}: private_access_security_group_ids"
    ways: list[tuple[str, pulumi.Input[str], dict[str, pulumi.Input[str]]]] = [
        (short_hash(cidr), cidr, {"cidr_ipv4": cidr}) for cidr in sorted(set(args.private_access_cidrs))
    ]
    groups = args.private_access_security_group_ids
    ways += [
        (short_hash(sg), sg, {"referenced_security_group_id": sg})
        for sg in sorted({g for g in groups if isinstance(g, str)})
    ]
    for index, group in enumerate(groups):
        if not isinstance(group, str):
            checked = pulumi.Output.from_input(group).apply(
                functools.partial(_resolved_security_group, f"{field}[{index}]")
            )
            ways.append((f"sg{index}", checked, {"referenced_security_group_id": checked}))
    return ways


def _resolved_security_group(field: str, group: str) -> str:
    """An Output security group id once it resolves, checked like a plain one.

    Raises:
        IrsaConfigError: it is not a security group id.
    """
    problems = check_security_group_id(field, group)
    if problems:
        raise IrsaConfigError(problems)
    return group


def _after_access_settles(kubeconfig: str, associated_at: Sequence[str | None]) -> pulumi.Input[str]:
    """``kubeconfig``, once :func:`eks_irsa.access.access_settle_seconds` have passed since the newest admin
    association; at once in a preview and on runs that created none (their association times are old). A time in
    no form the AWS provider is known to write is logged and waited for no longer: the wait is a courtesy to a new
    access entry, never a reason to fail the deploy."""
    if pulumi.runtime.is_dry_run():
        return kubeconfig
    try:
        delay = access_settle_seconds(associated_at, datetime.datetime.now(datetime.UTC))
    except ValueError as error:
        pulumi.log.warn(
            f"eks-irsa: an admin access policy association's associatedAt could not be read ({error}); the "
            f"Kubernetes provider does not wait {ACCESS_SETTLE_SECONDS} s for the new access entry, and its first "
            "call may be refused with 401 until EKS has propagated it (run pulumi up again then)"
        )
        return kubeconfig
    if delay <= 0:
        return kubeconfig
    return asyncio.sleep(delay, result=kubeconfig)


def without_creator_admin(args: pulumi.ResourceTransformArgs) -> pulumi.ResourceTransformResult | None:
    """A resource transform that turns ``accessConfig.bootstrapClusterCreatorAdminPermissions`` off on the
    ``aws:eks/cluster:Cluster`` pulumi-eks creates (its inputs in the provider's camelCase names).

    pulumi-eks 4.4.0 hard-codes it on and ignores later changes to it (nodejs/eks/cluster/cluster.ts,
    ``createCore``: ``ignoreChanges: ["accessConfig.bootstrapClusterCreatorAdminPermissions"]``), so this
    decides only for a cluster not created yet. The engine runs it although pulumi-eks's children are
    registered by pulumi-eks's provider: it keeps a remote component's transforms until the provider
    registers the component, then runs them on every descendant (pulumi/pulumi
    pkg/resource/deploy/source_eval.go ``pendingTransforms``; lifecycle test ``TestRemoteComponentTransforms``;
    Pulumi CLI 3.113.0 or newer, pulumi/pulumi#15846). The mock monitor does not run transforms. The props
    arrive in the provider's camelCase names (the Python SDK does not translate another package's types).
    """
    if args.type_ != "aws:eks/cluster:Cluster":
        return None
    access = pulumi.Output.from_input(args.props.get("accessConfig")).apply(
        lambda config: {**(config or {}), "bootstrapClusterCreatorAdminPermissions": False}
    )
    return pulumi.ResourceTransformResult({**args.props, "accessConfig": access}, args.opts)
