"""Can the nodes in the private subnets reach what they need? Pure rules over route tables and VPC endpoints.

A node in a private subnet pulls its images from ECR (layers from S3), and the VPC CNI on it calls EC2 with
its IRSA role, whose credentials come from STS; pods with EKS Pod Identity get theirs from EKS Auth, and the
CloudWatch agent ships to CloudWatch Logs. Without a way to those APIs the CNI never gets its credentials,
the nodes stay NotReady and the node group ends CREATE_FAILED. The way is either a default route to a NAT
gateway, or a VPC endpoint per API (:data:`PRIVATE_CLUSTER_DOCS`). Each private subnet is judged by its own
route table (the VPC's main table when it has no explicit association).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..catalog import ClusterSettings
from .facts import RouteTableFacts, SubnetFacts, VpcDnsFacts, VpcEndpointFacts
from .findings import Finding, Severity

EKS_NETWORK_DOCS = "EKS User Guide, 'View Amazon EKS networking requirements for VPC and subnets'"
PRIVATE_CLUSTER_DOCS = "EKS User Guide, 'Deploy private clusters with limited internet access'"
PRIVATE_DNS_DOCS = "AWS PrivateLink Guide, 'DNS attributes for your VPC' (private DNS needs both attributes)"

DEFAULT_ROUTE = "0.0.0.0/0"

FLAGS = {"enableDnsSupport": "enable-dns-support", "enableDnsHostnames": "enable-dns-hostnames"}
"""The VPC DNS attributes and the ``aws ec2 modify-vpc-attribute`` flag that turns each on (one per call)."""

NODE_ENDPOINTS: Mapping[str, str] = {
    "ec2": "the VPC CNI's network interfaces and addresses",
    "ecr.api": "image pulls from ECR (every EKS add-on image)",
    "ecr.dkr": "image pulls from ECR (every EKS add-on image)",
    "s3": "ECR image layers (a gateway endpoint on the subnet's route table)",
    "sts": "IRSA credentials (sts:AssumeRoleWithWebIdentity), the VPC CNI's first",
}
"""The endpoints every private cluster's nodes need, by the last part of the service name
(``com.amazonaws.<region>.<name>``), with what they serve (:data:`PRIVATE_CLUSTER_DOCS`)."""

POD_IDENTITY_ENDPOINT = ("eks-auth", "EKS Pod Identity credentials (eks-auth:AssumeRoleForPodIdentity)")
"""Needed when a service uses EKS Pod Identity (:data:`PRIVATE_CLUSTER_DOCS`)."""

LOGS_ENDPOINT = ("logs", "CloudWatch Logs, where the CloudWatch agent and Fluent Bit on the nodes write")
"""Needed when the nodes ship logs: the catalog's ``cloudwatch-observability`` add-on. Control plane logs
(``controlPlaneLogs``) are sent by EKS itself and need nothing from the nodes."""

FOLLOWED = {"nat-": "NAT gateway"}
"""Default-route targets that reach the internet from a subnet without public addresses."""

NOT_FOLLOWED = {
    "tgw-": "transit gateway",
    "eni-": "network interface",
    "i-": "instance",
    "vpce-": "Gateway Load Balancer endpoint",
    "arn:": "core network",
    "pcx-": "VPC peering connection",
    "lgw-": "local gateway",
}
"""Default-route targets that may lead to a NAT elsewhere (a shared egress VPC, a NAT instance, a firewall):
preflight cannot follow them. (VPC peering never carries traffic on to the internet: AWS VPC Peering Guide,
'Unsupported VPC peering configurations', edge to edge routing.)"""


def required_endpoints(pod_identity: bool, node_logging: bool) -> dict[str, str]:
    """The VPC endpoints the nodes need without a NAT route, by service name suffix, with what each serves.

    Args:
        pod_identity: a service of the stack uses EKS Pod Identity (adds :data:`POD_IDENTITY_ENDPOINT`).
        node_logging: the nodes ship logs to CloudWatch Logs (adds :data:`LOGS_ENDPOINT`).
    """
    needed = dict(NODE_ENDPOINTS)
    for wanted, (name, why) in ((pod_identity, POD_IDENTITY_ENDPOINT), (node_logging, LOGS_ENDPOINT)):
        if wanted:
            needed[name] = why
    return dict(sorted(needed.items()))


def route_table_of(subnet_id: str, route_tables: Sequence[RouteTableFacts]) -> RouteTableFacts | None:
    """The route table a subnet uses: the one explicitly associated with it, else the VPC's main table."""
    explicit = next((t for t in route_tables if subnet_id in t.subnet_ids), None)
    return explicit or next((t for t in route_tables if t.main), None)


def _has_endpoint(name: str, region: str, table: RouteTableFacts | None, endpoints: Sequence[VpcEndpointFacts]) -> bool:
    """An available endpoint for ``name``: an interface endpoint with private DNS, or (S3) a gateway endpoint
    on ``table``."""
    for endpoint in endpoints:
        if endpoint.state != "available" or not endpoint.service_name.endswith(f".{region}.{name}"):
            continue
        if endpoint.endpoint_type == "Interface" and endpoint.private_dns:
            return True
        if (
            endpoint.endpoint_type == "Gateway"
            and table is not None
            and table.route_table_id in endpoint.route_table_ids
        ):
            return True
    return False


def _target_kind(target: str, kinds: Mapping[str, str]) -> str | None:
    return next((kind for prefix, kind in kinds.items() if target.startswith(prefix)), None)


def egress_findings(
    cluster: ClusterSettings,
    subnets: Mapping[str, SubnetFacts],
    route_tables: Sequence[RouteTableFacts],
    endpoints: Sequence[VpcEndpointFacts],
    region: str,
    needed: Mapping[str, str],
) -> list[Finding]:
    """One finding per private subnet of the stack's VPC: how its nodes reach the AWS APIs they need.

    Ready (ok) when the subnet's route table sends ``0.0.0.0/0`` to a NAT gateway (an internet gateway counts
    only when the subnet gives instances public addresses), or when an available VPC endpoint exists for each
    of ``needed`` (:func:`required_endpoints`) and the API server's private endpoint is on (without a route to
    the internet, nodes reach the API server only there). A default route to a target preflight cannot follow
    (transit gateway, NAT instance, firewall) with something lacking is a warning; no way at all is an error.
    Routes in state ``blackhole`` (their NAT gateway deleted) carry nothing.

    Args:
        cluster: the stack's ``eks-irsa:cluster`` settings.
        subnets: ``ec2:DescribeSubnets`` answers; subnets missing or outside the VPC are the network
            check's findings and skipped here.
        route_tables, endpoints: the VPC's, as ``ec2:DescribeRouteTables`` and ``ec2:DescribeVpcEndpoints`` answer.
        region: the stack's region (endpoint service names carry it).
        needed: endpoint name suffix -> what it serves.

    Source: :data:`PRIVATE_CLUSTER_DOCS`.
    """
    findings = []
    for subnet_id in cluster.private_subnet_ids:
        subnet = subnets.get(subnet_id)
        if subnet is None or subnet.vpc_id != cluster.vpc_id:
            continue
        where = f"eks-irsa:cluster.privateSubnetIds: {subnet_id}"
        table = route_table_of(subnet_id, route_tables)
        table_name = table.route_table_id if table else "(no route table)"
        defaults = [r for r in (table.routes if table else ()) if r.destination == DEFAULT_ROUTE]
        active = next((r.target for r in defaults if r.state == "active"), None)
        dead = [r.target for r in defaults if r.state != "active"]
        if active and (_target_kind(active, FOLLOWED) or (active.startswith("igw-") and subnet.map_public_ip)):
            via = _target_kind(active, FOLLOWED) or "internet gateway (the subnet gives nodes public addresses)"
            findings.append(
                Finding(Severity.OK, "egress", where, f"reaches the internet through {via} {active} ({table_name})")
            )
            continue
        missing = [name for name in needed if not _has_endpoint(name, region, table, endpoints)]
        route = (
            f"{table_name} sends {DEFAULT_ROUTE} to {active}, an internet gateway, but the subnet gives nodes no "
            "public address"
            if active and active.startswith("igw-")
            else f"{table_name} sends {DEFAULT_ROUTE} to {_target_kind(active, NOT_FOLLOWED) or 'target'} {active}"
            if active
            else f"{table_name} has no {DEFAULT_ROUTE} route to a NAT gateway"
        )
        if dead:
            route += f" (blackhole: {', '.join(dead)}, its target is gone)"
        unfollowed = active is not None and not active.startswith("igw-")
        lacking = "; ".join(f"com.amazonaws.{region}.{name} ({needed[name]})" for name in missing)
        if not cluster.endpoint_private_access:
            lacking = "the API server's public endpoint (endpoint.privateAccess is false)" + (
                f"; {lacking}" if lacking else ""
            )
        create = (
            "create the missing endpoints (interface endpoints with private DNS on; S3 as a gateway endpoint on "
            f"{table_name})"
            if missing
            else "turn endpoint.privateAccess on"
        )
        if not lacking:
            message = f"{route}; the VPC endpoints its nodes need are there ({', '.join(needed)})"
            findings.append(Finding(Severity.OK, "egress", where, message))
        elif unfollowed:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "egress",
                    where,
                    f"{route}, which preflight cannot follow; unless it leads to the internet, nodes here cannot "
                    f"reach {lacking}",
                    f"make sure {active} leads to a NAT, or {create}",
                    PRIVATE_CLUSTER_DOCS,
                )
            )
        else:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "egress",
                    where,
                    f"{route}, so nodes here cannot reach {lacking}: the VPC CNI gets no credentials, images do not "
                    "pull, and the nodes never become Ready",
                    f"add a {DEFAULT_ROUTE} route to a NAT gateway in {table_name}, or {create}",
                    PRIVATE_CLUSTER_DOCS if missing else EKS_NETWORK_DOCS,
                )
            )
    return findings


def vpc_dns_findings(cluster: ClusterSettings, dns: VpcDnsFacts) -> list[Finding]:
    """The VPC's DNS attributes: EKS needs DNS resolution and DNS hostnames, or nodes cannot register
    (:data:`EKS_NETWORK_DOCS`), and interface endpoints' private DNS needs both (:data:`PRIVATE_DNS_DOCS`)."""
    off = [name for name, on in zip(FLAGS, (dns.dns_support, dns.dns_hostnames), strict=True) if not on]
    if not off:
        return []
    return [
        Finding(
            Severity.ERROR,
            "network",
            "eks-irsa:cluster.vpcId",
            f"VPC {cluster.vpc_id} has {' and '.join(off)} off: nodes cannot register with the cluster, and VPC "
            "endpoints' private DNS names do not resolve",
            "turn them on: "
            + "; ".join(f"aws ec2 modify-vpc-attribute --vpc-id {cluster.vpc_id} --{FLAGS[name]}" for name in off),
            f"{EKS_NETWORK_DOCS}; {PRIVATE_DNS_DOCS}",
        )
    ]
