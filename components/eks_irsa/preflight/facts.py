"""What the AWS APIs answered for one stack, as plain values: the input of every preflight rule.

``eks-irsa preflight`` (:mod:`eks_irsa.cli.preflight`) fills these from read-only calls; tests build them
by hand. Field names follow the API answers they come from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .findings import Finding


@dataclass(frozen=True)
class SubnetFacts:
    """A subnet as EC2 ``DescribeSubnets`` answers: id, VPC, zone, free addresses, tags, and whether
    instances launched in it get a public IPv4 address (``MapPublicIpOnLaunch``; default ``False``)."""

    subnet_id: str
    vpc_id: str
    availability_zone: str
    available_ips: int
    tags: Mapping[str, str] = field(default_factory=dict)
    map_public_ip: bool = False


@dataclass(frozen=True)
class RouteFacts:
    """One route of a route table (EC2 ``DescribeRouteTables``).

    Attributes:
        destination: ``DestinationCidrBlock``, ``DestinationIpv6CidrBlock`` or ``DestinationPrefixListId``.
        target: the id the route sends to: ``local``, ``igw-…``, ``nat-…``, ``tgw-…``, ``eni-…``, ``i-…``,
            ``vpce-…``, ``pcx-…``, or a core network ARN.
        state: ``active``, or ``blackhole`` when the target is gone (a deleted NAT gateway).
    """

    destination: str
    target: str
    state: str = "active"


@dataclass(frozen=True)
class RouteTableFacts:
    """A route table of the stack's VPC (EC2 ``DescribeRouteTables``).

    Attributes:
        route_table_id: ``rtb-…``.
        main: the VPC's main route table, which every subnet without an explicit association uses.
        subnet_ids: the subnets explicitly associated with it.
        routes: its routes.
    """

    route_table_id: str
    main: bool
    subnet_ids: tuple[str, ...]
    routes: tuple[RouteFacts, ...]


@dataclass(frozen=True)
class VpcEndpointFacts:
    """A VPC endpoint of the stack's VPC (EC2 ``DescribeVpcEndpoints``).

    Attributes:
        endpoint_id: ``vpce-…``.
        service_name: e.g. ``com.amazonaws.us-west-2.sts`` (some partitions prefix it, ``cn.com.amazonaws.…``).
        endpoint_type: ``Interface``, ``Gateway`` or ``GatewayLoadBalancer``.
        state: ``available`` when usable (``pending``, ``pendingAcceptance``, ``rejected``, ``failed``, ...).
        private_dns: an interface endpoint answers the service's default DNS name inside the VPC
            (``PrivateDnsEnabled``); without it SDKs keep calling the public name.
        route_table_ids: the route tables a gateway endpoint is on.
    """

    endpoint_id: str
    service_name: str
    endpoint_type: str
    state: str
    private_dns: bool = False
    route_table_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class VpcDnsFacts:
    """The VPC's DNS attributes (EC2 ``DescribeVpcAttribute``): ``enableDnsSupport``, ``enableDnsHostnames``."""

    dns_support: bool
    dns_hostnames: bool


@dataclass(frozen=True)
class ClusterFacts:
    """An EKS cluster as ``DescribeCluster`` answers (``None`` in :class:`AccountFacts` when there is none)."""

    version: str
    endpoint_public_access: bool
    public_access_cidrs: tuple[str, ...]
    issuer: str
    """``https://oidc.eks.<region>.amazonaws.com/id/<id>``, as EKS gives it."""
    creator: str | None = None
    """Its :data:`eks_irsa.access.CREATOR_TAG` tag: who created it, as ``EksCluster`` recorded; ``None`` without."""


@dataclass(frozen=True)
class OtherAccountFacts:
    """What an ``eks-irsa:accounts`` entry answered through its ``assumeRoleArn``.

    Attributes:
        account: the account the assumed role's credentials are for (``sts:GetCallerIdentity``).
        oidc_provider_arns: ``iam:ListOpenIDConnectProviders`` there.
    """

    account: str
    oidc_provider_arns: tuple[str, ...]


@dataclass(frozen=True)
class AccountFacts:
    """What the AWS APIs answered for one stack; ``None`` where the call was not made or failed.

    Attributes:
        caller_arn: ``sts:GetCallerIdentity`` Arn (an assumed-role session for roles).
        caller_account: its Account.
        caller_role_path: the caller role's path from ``iam:GetRole``, or ``None`` when unknown.
        vpc_exists: whether ``ec2:DescribeVpcs`` found the stack's VPC.
        subnets: ``ec2:DescribeSubnets`` answers by subnet id (missing ids are absent).
        route_tables: ``ec2:DescribeRouteTables`` of the stack's VPC.
        vpc_endpoints: ``ec2:DescribeVpcEndpoints`` of the stack's VPC.
        vpc_dns: ``ec2:DescribeVpcAttribute`` of the stack's VPC.
        oidc_provider_arns: ``iam:ListOpenIDConnectProviders``.
        cluster: the cluster of the stack's name, or ``None`` when EKS has none.
        cluster_looked_up: whether ``eks:DescribeCluster`` answered (found or not found).
        other_accounts: by ``eks-irsa:accounts`` key, the accounts where this stack creates an OIDC provider
            and roles, as their ``assumeRoleArn`` answered (a role that cannot be assumed is an api finding).
        api_findings: calls that failed (access denied, no credentials), as errors naming the permission.
    """

    caller_arn: str | None = None
    caller_account: str | None = None
    caller_role_path: str | None = None
    vpc_exists: bool | None = None
    subnets: Mapping[str, SubnetFacts] | None = None
    route_tables: tuple[RouteTableFacts, ...] | None = None
    vpc_endpoints: tuple[VpcEndpointFacts, ...] | None = None
    vpc_dns: VpcDnsFacts | None = None
    oidc_provider_arns: tuple[str, ...] | None = None
    cluster: ClusterFacts | None = None
    cluster_looked_up: bool = False
    other_accounts: Mapping[str, OtherAccountFacts] = field(default_factory=dict)
    api_findings: tuple[Finding, ...] = ()
