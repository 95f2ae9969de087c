"""``EksClusterArgs``: the one declaration of :class:`~eks_irsa.EksCluster`'s inputs, with the node groups'
(:mod:`eks_irsa.contract.nodegroup`) and the kubeconfig credentials' (:mod:`eks_irsa.contract.access`) it nests.
Every rule on the values is :func:`eks_irsa.plan.cluster.check_cluster_args`'s; :mod:`eks_irsa.cluster`
re-exports these names.

Pure: no Pulumi module (:mod:`eks_irsa.contract.inputs`; the partition enum reads botocore's table). No
``from __future__ import annotations``.
"""

from typing import NotRequired, TypedDict

from ..iam.partition import AwsPartition
from .access import KubeconfigCredentials
from .enums import (
    AwsPartitionValue,
    ControlPlaneLog,
    ControlPlaneLogValue,
    SupportType,
    SupportTypeValue,
)
from .fields import documented
from .inputs import Input, OrValue
from .nodegroup import NodeGroupArgs


@documented
class EksClusterArgs(TypedDict):
    """Inputs of :class:`EksCluster`."""

    cluster_name: str
    """The EKS cluster's name (EKS CreateCluster: 1..100 of ``[A-Za-z0-9_-]``, starting alphanumeric). Plain:
    it is checked before registration and names the VPC CNI's role, which ``eks-irsa plan`` plans from it."""
    partition: OrValue[AwsPartition, AwsPartitionValue]
    """The AWS partition (:class:`~eks_irsa.iam.partition.AwsPartition`: ``aws``, ``aws-cn``, ``aws-us-gov``,
    ...), for managed policy ARNs; derive it once from the region. Plain: it is a closed set, checked before
    registration."""
    vpc_id: Input[str]
    """An existing VPC's ID (``vpc-`` and 8 or 17 hexadecimal digits: Amazon EC2 User Guide, 'Resource IDs'), or an
    Output of one made in the same program (e.g. ``aws.ec2.Vpc(...).id``); a plain ID's form is checked before
    registration (:data:`~eks_irsa.plan.cluster.CLUSTER_BOUNDS`), an Output waits for nothing."""
    private_subnet_ids: Input[list[Input[str]]]
    """Subnets for the control plane's ENIs and the nodes, in at least two Availability Zones (EKS API Reference,
    CreateCluster ``subnetIds``), so at least two; each ``subnet-`` and 8 or 17 hexadecimal digits (Amazon EC2 User
    Guide, 'Resource IDs'). A plain list's length and its plain ids' form are checked before registration
    (:data:`~eks_irsa.plan.cluster.CLUSTER_BOUNDS`); the list, or any id in it, may be an Output (no resource is
    made per subnet), unchecked here. Their zones only EKS sees: it refuses subnets in one zone at deploy time
    (``InvalidParameterException``), and ``eks-irsa preflight`` looks first."""
    public_subnet_ids: NotRequired[Input[list[Input[str]]]]
    """Subnets for public load balancers, ids of the same form (checked when plain); the list or its ids may be
    Outputs, as for ``private_subnet_ids``. Default: none."""
    kubernetes_version: NotRequired[str]
    """``1.N``, for the control plane and, following it, every node group and pinned add-on. Default:
    :data:`~eks_irsa.versions.DEFAULT_KUBERNETES_VERSION` (``1.35``, in EKS standard support until 2027-03-27)."""
    upgrade_support_type: NotRequired[OrValue[SupportType, SupportTypeValue]]
    """The cluster's upgrade policy (:class:`~eks_irsa.versions.SupportType`): ``EXTENDED`` keeps the version
    when standard support ends (at extended support's charge), ``STANDARD`` lets EKS upgrade the control plane
    by itself then. Default: ``EXTENDED``, set explicitly so the version moves only when the stack says so."""
    addon_versions: NotRequired[dict[str, str]]
    """EKS add-on versions by EKS add-on name (``kube-proxy``, ``coredns``, ``vpc-cni``,
    ``eks-pod-identity-agent``, ``aws-ebs-csi-driver``, ...), winning over the add-on's row of
    :data:`~eks_irsa.versions.ADDON_VERSIONS`. Default: none (kube-proxy, CoreDNS and the VPC CNI pinned per
    Kubernetes version by that table, the others EKS's default for the Kubernetes version)."""
    endpoint_private_access: NotRequired[bool]
    """Default: ``True``."""
    endpoint_public_access: NotRequired[bool]
    """Default: ``False``; when on, ``public_access_cidrs`` must be narrow (at most a /8 in all)."""
    public_access_cidrs: NotRequired[list[str]]
    """CIDRs that may reach a public endpoint; refused without ``endpoint_public_access`` (pulumi-eks throws
    at deploy time). Plain: their width is checked before registration. Default: none."""
    admin_principal_arns: NotRequired[list[str]]
    """IAM principals given ``AmazonEKSClusterAdminPolicy`` through access entries (authentication mode
    ``API``, no aws-auth ConfigMap); a role ARN keeps its path (IAM Identity Center roles have one; EKS
    User Guide, 'Create access entries'). Whether the identity running ``pulumi up`` belongs here: see
    ``bootstrap_creator_admin``. Plain, Outputs refused: each ARN keys its own access entry (``admin-<hash
    of the ARN>``), so reordering the list never replaces one (a replacement is created before its old
    entry is deleted, and EKS refuses a second entry for a principal with 409), and the ARNs are checked
    against ``creator_arn`` and ``deployer_arn`` before registration. Default: none."""
    node_groups: NotRequired[list[NodeGroupArgs]]
    """Managed node groups; at least one unless ``auto_mode`` is on (nothing else would run the pods). Default:
    none."""
    tags: NotRequired[dict[str, str]]
    """AWS tags on the cluster and its children. Default: none."""
    pod_identity_agent: NotRequired[bool]
    """Install the ``eks-pod-identity-agent`` add-on, needed by EKS Pod Identity. Default: ``False``."""
    bootstrap_creator_admin: NotRequired[bool]
    """Let EKS give the identity that creates the cluster its own access entry with
    ``AmazonEKSClusterAdminPolicy`` (``bootstrapClusterCreatorAdminPermissions``, EKS API Reference,
    CreateAccessConfigRequest), outside Pulumi's state. That identity must then not be in
    ``admin_principal_arns`` on any run (an IAM principal has one access entry: 409); the creator and the
    listed admins can run ``pulumi up``. The creator is recorded in the cluster's ``eks-irsa:creator`` tag
    (:data:`~eks_irsa.access.CREATOR_TAG`, see ``creator_arn``), so a listed admin running a later ``pulumi up``
    is judged against the creator, not against itself. ``False``: no implicit entry; ``admin_principal_arns`` is
    every admin, and the identity running ``pulumi up`` must be one of them, so a CI role and people can take
    turns. Fixed when the cluster is created (pulumi-eks ignores later changes): a cluster created with ``True``
    keeps its creator's entry, so turning it off later is refused (:func:`~eks_irsa.access.check_bootstrap_kept`).
    Default: ``True`` (EKS's and pulumi-eks's behaviour)."""
    creator_arn: NotRequired[str]
    """With ``bootstrap_creator_admin``: the IAM principal that created the cluster (a role or user ARN), checked
    against ``admin_principal_arns`` and written to the cluster's :data:`~eks_irsa.access.CREATOR_TAG` tag. Give it
    for a cluster created before that tag existed (eks-irsa 0.4 or earlier), once; afterwards the tag holds it.
    Default: read with :func:`~eks_irsa.cluster.cluster_creator_arn` (the tag of the cluster when it exists, else
    the identity running ``pulumi up``, which creates it). Plain: it is compared with ``admin_principal_arns``
    before registration."""
    deployer_arn: NotRequired[str]
    """The IAM principal running ``pulumi up`` (a role or user ARN; an STS assumed-role ARN is mapped to
    its role), checked against ``admin_principal_arns`` when ``bootstrap_creator_admin`` is off, and the creator
    when the cluster does not exist yet. Default: looked up with ``aws.get_caller_identity`` (one provider call,
    through the component's AWS provider: :func:`~eks_irsa.cluster.aws_invoke_options`) when needed. Plain: it is
    compared with ``admin_principal_arns`` before registration."""
    private_access_cidrs: NotRequired[list[str]]
    """IPv4 CIDRs (VPN clients, CI runners, a bastion's subnet) admitted to the API endpoint on 443,
    one ingress rule each on the cluster security group. With ``endpoint_public_access`` off, this or
    ``private_access_security_group_ids`` must be set: the Kubernetes provider runs where ``pulumi up``
    runs (EKS User Guide, 'Cluster API server endpoint'). Plain: each CIDR is checked before registration
    and keys its rule (``<name>-api-<hash of the CIDR>``). Default: none."""
    private_access_security_group_ids: NotRequired[list[Input[str]]]
    """Security groups (``sg-...``) whose members are admitted to the API endpoint on 443, one ingress
    rule each on the cluster security group. Each id may be an Output (a bastion's or runner's group made
    in the same program); the list itself is plain, since its length decides how many rules exist and
    whether a private-only endpoint has a way in. A plain id is checked before registration and keys its
    rule ``<name>-api-<hash of the id>``; an Output id is checked when it resolves (the same problem
    text, raised as :class:`~eks_irsa.IrsaConfigError`, failing the deploy) and keys its rule
    ``<name>-api-sg<position in the list>``, so keep the order of Output ids stable (add new ones at the
    end): reordering them changes which rule holds which group. Default: none."""
    kubeconfig_credentials: NotRequired[KubeconfigCredentials]
    """The identity the Kubernetes provider's ``aws eks get-token`` runs as; give the same profile or role
    the stack's AWS provider uses (``aws:profile``, ``aws:assumeRoles``), or Kubernetes sees the ambient
    identity instead. Passed to pulumi-eks's ``provider_credential_opts`` too. Default: the ambient
    credentials."""
    oidc_client_ids: NotRequired[list[str]]
    """The IAM OIDC provider's client IDs (audiences), which must include ``sts.amazonaws.com`` (the VPC
    CNI's role and every role without an ``audience`` use it); 1 to 100 ids of 1 to 255 characters (IAM
    API Reference, CreateOpenIDConnectProvider). Default: ``["sts.amazonaws.com"]``."""
    deletion_protection: NotRequired[bool]
    """EKS deletion protection: ``DeleteCluster`` fails until it is turned off (EKS API Reference,
    CreateCluster deletionProtection). Unlike ``protect``, it also stops the console, the CLI and other
    tools. Default: ``False``."""
    enabled_cluster_log_types: NotRequired[list[OrValue[ControlPlaneLog, ControlPlaneLogValue]]]
    """Control plane logs sent to CloudWatch Logs, from :class:`ControlPlaneLog` (EKS User Guide, 'Send
    control plane logs to CloudWatch Logs'; CloudWatch charges apply). Default: none."""
    auto_mode: NotRequired[bool]
    """EKS Auto Mode (pulumi-eks ``auto_mode``): EKS runs compute, pod networking, block storage and load
    balancing on its own nodes, with the Pod Identity agent built in (EKS User Guide, 'Automate cluster
    infrastructure with EKS Auto Mode'); pulumi-eks gives the cluster role Auto Mode's policies and makes its node
    role. Alone, no VPC CNI role or add-on, no kube-proxy and no ``eks-pod-identity-agent`` add-on are made. With
    ``node_groups`` too (a mixed cluster), their EC2 nodes get what EKS documents for nodes outside Auto Mode: the
    VPC CNI add-on with its IRSA role, kube-proxy and, with Pod Identity, its agent
    (:func:`~eks_irsa.versions.cluster_addons`), since in Auto Mode EKS bootstraps none of them. Default: ``False``."""
