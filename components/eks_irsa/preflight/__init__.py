"""Preflight rules: is an AWS account ready for a stack's first (or next) ``pulumi up``? Pure functions.

Each check takes what the AWS APIs answered (gathered by ``eks-irsa preflight``,
:mod:`eks_irsa.cli.preflight`) and the stack's validated settings, and returns :class:`Finding` s,
each naming what to fix and the rule's source. Nothing here calls AWS, so tests call every rule with
plain values. :func:`preflight_findings` runs them all over one :class:`AccountFacts`.
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Mapping, Sequence

from ..access import ACCESS_ENTRIES_DOCS, caller_principal_arn, check_access_entries, same_principal
from ..catalog import ClusterSettings, ExistingClusterSettings, StackSettings
from ..errors import Problem
from ..iam.limits import OIDC_PROVIDER_QUOTA
from ..versions import EKS_SUPPORT, RELEASE_CALENDAR
from .egress import EKS_NETWORK_DOCS, egress_findings, required_endpoints, vpc_dns_findings
from .facts import (
    AccountFacts,
    ClusterFacts,
    OtherAccountFacts,
    RouteFacts,
    RouteTableFacts,
    SubnetFacts,
    VpcDnsFacts,
    VpcEndpointFacts,
)
from .findings import SEVERITY_ORDER, Finding, Severity, sorted_findings
from .trusted import trusted_cluster_findings

__all__ = [
    "SEVERITY_ORDER",
    "AccountFacts",
    "ClusterFacts",
    "Finding",
    "OtherAccountFacts",
    "RouteFacts",
    "RouteTableFacts",
    "Severity",
    "SubnetFacts",
    "VpcDnsFacts",
    "VpcEndpointFacts",
    "egress_findings",
    "endpoint_findings",
    "endpoint_ways_in",
    "identity_findings",
    "network_findings",
    "oidc_quota_findings",
    "other_account_findings",
    "preflight_findings",
    "required_endpoints",
    "sorted_findings",
    "trusted_cluster_findings",
    "version_findings",
    "vpc_dns_findings",
]

PULUMI_ALLOWED_ACCOUNTS = "Pulumi AWS provider configuration, 'allowedAccountIds'"

EKS_MIN_SUBNET_IPS = 6
"""Free addresses each cluster subnet must have for the control plane's network interfaces (EKS
networking requirements: at least 6, 16 recommended)."""
EKS_RECOMMENDED_SUBNET_IPS = 16
EKS_MIN_AZS = 2
"""Distinct availability zones the cluster's subnets must span (EKS networking requirements)."""

LBC_SUBNET_DOCS = "AWS Load Balancer Controller docs, 'Subnet Auto Discovery'"
INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb"
"""Tag (value ``1`` or empty) by which the load balancer controller finds subnets for internal load balancers."""
ELB_TAG = "kubernetes.io/role/elb"
"""Tag (value ``1`` or empty) by which the load balancer controller finds subnets for internet-facing ones."""
ROLE_TAG_VALUES = ("1", "")

EKS_ENDPOINT_DOCS = "EKS User Guide, 'Control network access to cluster API server endpoint'"

IAM_QUOTAS_DOCS = "IAM User Guide, 'IAM and AWS STS quotas' (OpenId Connect providers in an AWS account: 100)"
OIDC_QUOTA_WARNING = 90
"""From this many providers after the deploy on, a warning: the next clusters will not fit."""


NODE_LOGGING_ADDON = "cloudwatch-observability"
"""The catalog add-on whose agents on the nodes write to CloudWatch Logs (the egress check then needs ``logs``)."""

SUPPORT_WARNING_DAYS = 90
"""Days before the end of standard support from which the version check warns."""


# --- identity -----------------------------------------------------------------------------------------------


ADMINS_KEY = "eks-irsa:cluster.admins"
BOOTSTRAP_KEY = "eks-irsa:cluster.bootstrapCreatorAdmin"


def _problem_finding(check: str, problem: Problem) -> Finding:
    """A rule's :class:`~eks_irsa.errors.Problem` as an error :class:`Finding` of ``check``."""
    return Finding(Severity.ERROR, check, problem.field, f"{problem.value} {problem.rule}", problem.fix, problem.source)


def identity_findings(
    caller_arn: str,
    caller_account: str,
    allowed_account_ids: Sequence[str],
    admins: Sequence[str] | None,
    cluster_exists: bool,
    role_path: str | None = None,
    bootstrap_creator_admin: bool = True,
    creator_arn: str | None = None,
) -> list[Finding]:
    """The identity running ``pulumi up`` against the stack's account and cluster admins.

    Args:
        caller_arn, caller_account: ``sts:GetCallerIdentity``'s answer.
        allowed_account_ids: ``aws:allowedAccountIds``.
        admins: ``eks-irsa:cluster.admins``; ``None`` for a cluster made elsewhere (no access entries here).
        cluster_exists: EKS already has the cluster (a later ``pulumi up``: its access entries exist).
        role_path: the caller role's IAM path, when ``iam:GetRole`` answered (shown in the ARNs named).
        bootstrap_creator_admin: ``eks-irsa:cluster.bootstrapCreatorAdmin`` (default true, as EKS's).
        creator_arn: who created the existing cluster (:attr:`ClusterFacts.creator`), or ``None``.

    Rules: Pulumi's AWS provider refuses an account outside ``allowedAccountIds``
    (:data:`PULUMI_ALLOWED_ACCOUNTS`). The admins against the creator (the deployer, before the cluster exists)
    and the deployer are :func:`eks_irsa.access.check_access_entries`'s rule (the one ``EksCluster`` applies):
    the creator listed while EKS makes it admin fails with 409, the deployer missing while it does not fails
    with 401.
    """
    principal = caller_principal_arn(caller_arn, role_path)
    findings = []
    if caller_account in allowed_account_ids:
        findings.append(
            Finding(Severity.OK, "identity", "aws:allowedAccountIds", f"account {caller_account} is allowed")
        )
    else:
        findings.append(
            Finding(
                Severity.ERROR,
                "identity",
                "aws:allowedAccountIds",
                f"the credentials are for account {caller_account} ({caller_arn}); the stack allows only "
                f"{', '.join(allowed_account_ids)}, so Pulumi's AWS provider refuses to run",
                "use credentials (profile, SSO login) for the stack's account, or fix aws:allowedAccountIds",
                PULUMI_ALLOWED_ACCOUNTS,
            )
        )
    if admins is None:
        return findings
    listed = any(same_principal(a, principal) for a in admins)
    if not cluster_exists:
        problems = check_access_entries(
            ADMINS_KEY, list(admins), BOOTSTRAP_KEY, bootstrap_creator_admin, principal, principal
        )
        findings += [_problem_finding("identity", p) for p in problems]
        if not problems:
            findings.append(
                Finding(
                    Severity.OK,
                    "identity",
                    ADMINS_KEY,
                    f"{principal} creates the cluster and becomes its admin; admins get their own entries "
                    "(list every other identity that runs pulumi up later, e.g. CI)"
                    if bootstrap_creator_admin
                    else f"{principal} is in admins, the only access entries the cluster gets",
                )
            )
    elif creator_problems := check_access_entries(
        ADMINS_KEY, list(admins), BOOTSTRAP_KEY, bootstrap_creator_admin, creator_arn, None
    ):
        findings += [_problem_finding("identity", p) for p in creator_problems]
    elif listed:
        findings.append(
            Finding(
                Severity.OK,
                "identity",
                ADMINS_KEY,
                f"{principal} is in admins and the cluster exists: its access entry is already there",
            )
        )
    else:
        findings.append(
            Finding(
                Severity.WARNING,
                "identity",
                ADMINS_KEY,
                f"{principal} is not in admins: unless it created the cluster with {BOOTSTRAP_KEY} on, it has no "
                "access entry and the Kubernetes provider is refused (namespaces and ServiceAccounts fail)",
                f"add {principal} to {ADMINS_KEY}, from a run by an identity that has access",
                ACCESS_ENTRIES_DOCS,
            )
        )
    return findings


# --- network ------------------------------------------------------------------------------------------------


def network_findings(
    cluster: ClusterSettings, vpc_exists: bool, subnets: Mapping[str, SubnetFacts], region: str
) -> list[Finding]:
    """The stack's VPC and subnets: they exist, belong to the VPC, span two availability zones, have free
    addresses (:data:`EKS_NETWORK_DOCS`), and carry the load balancer role tags (:data:`LBC_SUBNET_DOCS`).

    Args:
        cluster: the stack's ``eks-irsa:cluster`` settings.
        vpc_exists: ``ec2:DescribeVpcs`` found ``cluster.vpc_id``.
        subnets: ``ec2:DescribeSubnets`` answers by id; a configured id missing here does not exist.
        region: the stack's region, for the messages.
    """
    findings = []
    if not vpc_exists:
        findings.append(
            Finding(
                Severity.ERROR,
                "network",
                "eks-irsa:cluster.vpcId",
                f"VPC {cluster.vpc_id} does not exist in {region} for this account",
                "give the id of an existing VPC of the stack's account and region",
                EKS_NETWORK_DOCS,
            )
        )
    groups = (
        ("privateSubnetIds", cluster.private_subnet_ids, INTERNAL_ELB_TAG, "internal"),
        ("publicSubnetIds", cluster.public_subnet_ids, ELB_TAG, "internet-facing"),
    )
    for key, ids, tag, scheme in groups:
        for subnet_id in ids:
            where = f"eks-irsa:cluster.{key}: {subnet_id}"
            subnet = subnets.get(subnet_id)
            if subnet is None:
                findings.append(
                    Finding(
                        Severity.ERROR,
                        "network",
                        where,
                        f"subnet {subnet_id} does not exist in {region} for this account",
                        "give the id of an existing subnet of the stack's VPC",
                        EKS_NETWORK_DOCS,
                    )
                )
                continue
            if subnet.vpc_id != cluster.vpc_id:
                findings.append(
                    Finding(
                        Severity.ERROR,
                        "network",
                        where,
                        f"subnet {subnet_id} is in {subnet.vpc_id}, not in the stack's VPC {cluster.vpc_id}",
                        f"use subnets of {cluster.vpc_id}, or fix eks-irsa:cluster.vpcId",
                        EKS_NETWORK_DOCS,
                    )
                )
            if key == "privateSubnetIds" and subnet.available_ips < EKS_MIN_SUBNET_IPS:
                findings.append(
                    Finding(
                        Severity.ERROR,
                        "network",
                        where,
                        f"has {subnet.available_ips} free IP addresses; EKS needs at least {EKS_MIN_SUBNET_IPS} "
                        "for the control plane's network interfaces",
                        f"free addresses in {subnet_id} or use a larger subnet (at least "
                        f"{EKS_RECOMMENDED_SUBNET_IPS} free recommended)",
                        EKS_NETWORK_DOCS,
                    )
                )
            if subnet.tags.get(tag) not in ROLE_TAG_VALUES:
                findings.append(
                    Finding(
                        Severity.WARNING,
                        "network",
                        where,
                        f"has no tag {tag}=1: the load balancer controller cannot discover it for {scheme} "
                        "load balancers (Services of type LoadBalancer and Ingresses fail until it has)",
                        f"tag {subnet_id} with {tag}=1 (or name subnets in each Service/Ingress annotation)",
                        LBC_SUBNET_DOCS,
                    )
                )
    zones = sorted(
        {
            subnets[s].availability_zone
            for s in cluster.private_subnet_ids
            if s in subnets and subnets[s].vpc_id == cluster.vpc_id
        }
    )
    if len(zones) < EKS_MIN_AZS:
        findings.append(
            Finding(
                Severity.ERROR,
                "network",
                "eks-irsa:cluster.privateSubnetIds",
                f"the existing subnets of the VPC span {len(zones)} availability zone(s) "
                f"({', '.join(zones) or 'none'}); EKS needs subnets in at least {EKS_MIN_AZS}",
                f"add a subnet of {cluster.vpc_id} in another availability zone",
                EKS_NETWORK_DOCS,
            )
        )
    if not findings or all(f.severity == Severity.WARNING for f in findings):
        findings.append(
            Finding(
                Severity.OK,
                "network",
                "eks-irsa:cluster.vpcId",
                f"VPC {cluster.vpc_id} and its {len(cluster.private_subnet_ids)} private subnets exist, in "
                f"{len(zones)} availability zones ({', '.join(zones)})",
            )
        )
    return findings


# --- endpoint -----------------------------------------------------------------------------------------------


def endpoint_ways_in(cluster: ClusterSettings) -> dict[str, tuple[str, ...]]:
    """The ways into a private endpoint the stack configures (443 ingress on the cluster security group,
    :func:`eks_irsa.access.check_endpoint_access`), by catalog key, the non-empty ones only."""
    ways_in = {
        "endpoint.privateAccessCidrs": cluster.private_access_cidrs,
        "endpoint.privateAccessSecurityGroupIds": cluster.private_access_security_group_ids,
    }
    return {key: tuple(values) for key, values in ways_in.items() if values}


def endpoint_findings(
    public_access: bool,
    public_access_cidrs: Sequence[str],
    ways_in: Mapping[str, Sequence[str]] | None,
    subject: str = "eks-irsa:cluster.endpoint",
) -> list[Finding]:
    """Whether the machine running ``pulumi up`` can reach the API endpoint (the Kubernetes provider runs there).

    Args:
        public_access, public_access_cidrs: the endpoint settings.
        ways_in: the settings that admit a runner to a private endpoint (:func:`endpoint_ways_in`);
            ``None`` when unknown (a cluster made elsewhere).
        subject: the config key the findings name.

    An endpoint nothing can reach (both accesses off, or private only with no way in) is bad input that
    ``check_cluster_args`` refuses before this runs (:func:`eks_irsa.access.check_endpoint_access`). What
    is left cannot be known offline: this machine's public IP and its route into the VPC, so a public
    endpoint limited to CIDRs and a private one are warnings to check by hand (:data:`EKS_ENDPOINT_DOCS`).
    """
    if public_access:
        open_to_all = not public_access_cidrs or any(
            ipaddress.ip_network(c, strict=False).prefixlen == 0 for c in public_access_cidrs
        )
        if open_to_all:
            return [Finding(Severity.OK, "endpoint", subject, "the public endpoint is open to every address")]
        return [
            Finding(
                Severity.WARNING,
                "endpoint",
                f"{subject}.publicAccessCidrs",
                f"the public endpoint admits only {', '.join(public_access_cidrs)}: this machine's egress IP "
                "must be inside (preflight cannot see it)",
                "compare with `curl https://checkip.amazonaws.com`; add your egress CIDR to publicAccessCidrs",
                EKS_ENDPOINT_DOCS,
            )
        ]
    if not ways_in:
        return [
            Finding(
                Severity.WARNING,
                "endpoint",
                subject,
                "the endpoint is private only: pulumi up must run inside the VPC or on a network routed to it",
                "run from a VPN, bastion or runner in the VPC that the cluster security group admits on 443",
                EKS_ENDPOINT_DOCS,
            )
        ]
    way_in = "; ".join(f"{key} {', '.join(values)}" for key, values in sorted(ways_in.items()))
    return [
        Finding(
            Severity.WARNING,
            "endpoint",
            subject,
            f"the endpoint is private only, reached through {way_in}: this machine must be on that network "
            "(preflight cannot see it)",
            "run pulumi up from the VPN, bastion or runner those settings admit",
            EKS_ENDPOINT_DOCS,
        )
    ]


# --- OIDC provider quota --------------------------------------------------------------------------------------


def oidc_quota_findings(
    existing: int, created: int, quota: int = OIDC_PROVIDER_QUOTA, subject: str = "iam:ListOpenIDConnectProviders"
) -> list[Finding]:
    """An account's IAM OIDC providers after the deploy, ``existing + created``, against the quota.

    Args:
        existing: providers in the account now (``iam:ListOpenIDConnectProviders``).
        created: providers this deploy creates there (1 for a cluster whose provider is not there yet, else 0).
        quota: :data:`OIDC_PROVIDER_QUOTA` (:data:`IAM_QUOTAS_DOCS`).
        subject: the account the findings name (the stack's own, or an ``eks-irsa:accounts`` key).
    """
    total = existing + created
    counted = f"{existing} IAM OIDC providers now, {created} created by this stack: {total} of {quota}"
    if total > quota:
        return [
            Finding(
                Severity.ERROR,
                "oidc-quota",
                subject,
                f"{counted}; creating the cluster's provider fails (LimitExceeded)",
                "delete the providers of clusters that no longer exist (aws iam list-open-id-connect-providers)",
                IAM_QUOTAS_DOCS,
            )
        ]
    if total >= OIDC_QUOTA_WARNING:
        return [
            Finding(
                Severity.WARNING,
                "oidc-quota",
                subject,
                f"{counted}; the next clusters will not fit",
                "delete the providers of clusters that no longer exist",
                IAM_QUOTAS_DOCS,
            )
        ]
    return [Finding(Severity.OK, "oidc-quota", subject, counted)]


# --- Kubernetes version ---------------------------------------------------------------------------------------


def version_findings(
    version: str, today: datetime.date, subject: str = "eks-irsa:cluster.kubernetesVersion"
) -> list[Finding]:
    """The Kubernetes version against EKS standard support on ``today`` (:data:`EKS_SUPPORT`).

    Standard support ends on the calendar's date: from that day a cluster runs in extended support (billed
    per cluster hour) or, with the upgrade policy ``STANDARD``, is upgraded by EKS; after extended support
    EKS upgrades it regardless (:data:`RELEASE_CALENDAR`).
    """
    window = EKS_SUPPORT.get(version)
    supported = [v for v, w in EKS_SUPPORT.items() if w.standard_end > today]
    choose = f"choose one in standard support: {', '.join(supported)}" if supported else "choose a newer version"
    if window is None:
        return [
            Finding(
                Severity.WARNING,
                "kubernetes-version",
                subject,
                f"Kubernetes {version} is not in this package's EKS support table (it knows {', '.join(EKS_SUPPORT)})",
                "check the EKS release calendar that the version is available and in standard support",
                RELEASE_CALENDAR,
            )
        ]
    if today >= window.extended_end:
        return [
            Finding(
                Severity.ERROR,
                "kubernetes-version",
                subject,
                f"Kubernetes {version} left extended support on {window.extended_end}: EKS no longer runs it",
                choose,
                RELEASE_CALENDAR,
            )
        ]
    if today >= window.standard_end:
        return [
            Finding(
                Severity.ERROR,
                "kubernetes-version",
                subject,
                f"Kubernetes {version} left EKS standard support on {window.standard_end}: the cluster runs in "
                "extended support (extra cost per cluster hour) or is upgraded by EKS",
                choose,
                RELEASE_CALENDAR,
            )
        ]
    days = (window.standard_end - today).days
    if days <= SUPPORT_WARNING_DAYS:
        return [
            Finding(
                Severity.WARNING,
                "kubernetes-version",
                subject,
                f"Kubernetes {version} leaves EKS standard support on {window.standard_end}, in {days} days",
                f"plan the upgrade; {choose}",
                RELEASE_CALENDAR,
            )
        ]
    return [
        Finding(
            Severity.OK,
            "kubernetes-version",
            subject,
            f"Kubernetes {version} is in EKS standard support until {window.standard_end}",
        )
    ]


# --- all checks ---------------------------------------------------------------------------------------------


def _issuer_provider_arn(partition: str, account: str, issuer: str) -> str:
    return f"arn:{partition}:iam::{account}:oidc-provider/{issuer.removeprefix('https://')}"


def preflight_findings(settings: StackSettings, facts: AccountFacts, today: datetime.date) -> list[Finding]:
    """Every check over one stack and what its account answered, sorted by :func:`sorted_findings`.

    A check whose API answers are missing (the call failed: see ``facts.api_findings``) is skipped; the
    failed call is an error itself, so the result is never "ready" on partial answers.
    """
    cluster = settings.cluster
    findings = list(facts.api_findings)
    new_cluster = isinstance(cluster, ClusterSettings)
    exists = facts.cluster is not None
    if facts.caller_arn is not None and facts.caller_account is not None:
        findings += identity_findings(
            facts.caller_arn,
            facts.caller_account,
            settings.allowed_account_ids,
            cluster.admin_principal_arns if isinstance(cluster, ClusterSettings) else None,
            exists,
            facts.caller_role_path,
            cluster.bootstrap_creator_admin if isinstance(cluster, ClusterSettings) else True,
            facts.cluster.creator if facts.cluster else None,
        )
    if isinstance(cluster, ClusterSettings):
        if facts.vpc_exists is not None and facts.subnets is not None:
            findings += network_findings(cluster, facts.vpc_exists, facts.subnets, settings.region)
        if facts.vpc_dns is not None:
            findings += vpc_dns_findings(cluster, facts.vpc_dns)
        if facts.subnets is not None and facts.route_tables is not None and facts.vpc_endpoints is not None:
            needed = required_endpoints(
                pod_identity=any(s.identity.uses_pod_identity for s in settings.services),
                node_logging=any(s.addon == NODE_LOGGING_ADDON for s in settings.services),
            )
            findings += egress_findings(
                cluster, facts.subnets, facts.route_tables, facts.vpc_endpoints, settings.region, needed
            )
        findings += endpoint_findings(
            cluster.endpoint_public_access, cluster.public_access_cidrs, endpoint_ways_in(cluster)
        )
        findings += version_findings(cluster.kubernetes_version, today)
        if exists:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "cluster",
                    "eks-irsa:cluster.name",
                    f"EKS already has a cluster {cluster.name} in {settings.region}: right for a later pulumi up of "
                    "this stack; a first one fails with ResourceInUseException (cluster names are unique per "
                    "account and region), and the checks above treat the cluster as this stack's",
                    "if this stack did not create it, choose another eks-irsa:cluster.name or use "
                    "eks-irsa:existingCluster",
                    "EKS API CreateCluster",
                )
            )
        if facts.cluster is not None and facts.cluster.version != cluster.kubernetes_version:
            findings.append(
                Finding(
                    Severity.WARNING,
                    "kubernetes-version",
                    "eks-irsa:cluster.kubernetesVersion",
                    f"the cluster runs {facts.cluster.version}; pulumi up upgrades it to {cluster.kubernetes_version}",
                    "upgrade one minor version at a time, node groups after the control plane",
                    RELEASE_CALENDAR,
                )
            )
    elif facts.cluster_looked_up:
        findings += _existing_cluster_findings(settings, cluster, facts, today)
    if facts.oidc_provider_arns is not None:
        created = 1 if new_cluster and not exists else 0
        if new_cluster and facts.cluster is not None and facts.caller_account:
            arn = _issuer_provider_arn(settings.partition, facts.caller_account, facts.cluster.issuer)
            created = 0 if arn in facts.oidc_provider_arns else 1
        findings += oidc_quota_findings(len(facts.oidc_provider_arns), created)
    for key, other in sorted(facts.other_accounts.items()):
        findings += other_account_findings(settings, key, other, facts.cluster)
    findings += trusted_cluster_findings(settings, facts.oidc_provider_arns, facts.other_accounts)
    return sorted_findings(findings)


def other_account_findings(
    settings: StackSettings, key: str, other: OtherAccountFacts, cluster: ClusterFacts | None
) -> list[Finding]:
    """An ``eks-irsa:accounts`` entry: its ``assumeRoleArn`` lands in its ``accountId``, and its IAM OIDC
    providers leave room for the one this stack creates there (unless the cluster exists and its
    provider is already there)."""
    account = settings.accounts[key]
    subject = f"eks-irsa:accounts.{key}"
    if other.account != account.account_id:
        return [
            Finding(
                Severity.ERROR,
                "identity",
                f"{subject}.assumeRoleArn",
                f"{account.assume_role_arn} gives credentials for account {other.account}, not {account.account_id}: "
                "Pulumi's provider for that account refuses them (allowedAccountIds)",
                f"give a role of account {account.account_id}, or fix {subject}.accountId",
                PULUMI_ALLOWED_ACCOUNTS,
            )
        ]
    created = 1
    if cluster is not None:
        arn = _issuer_provider_arn(settings.partition, account.account_id, cluster.issuer)
        created = 0 if arn in other.oidc_provider_arns else 1
    return [
        Finding(Severity.OK, "identity", f"{subject}.assumeRoleArn", f"assumed {account.assume_role_arn}"),
        *oidc_quota_findings(len(other.oidc_provider_arns), created, subject=subject),
    ]


def _existing_cluster_findings(
    settings: StackSettings, cluster: ExistingClusterSettings, facts: AccountFacts, today: datetime.date
) -> list[Finding]:
    subject = "eks-irsa:existingCluster.name"
    if facts.cluster is None and cluster.stack_reference is None:
        return [
            Finding(
                Severity.ERROR,
                "cluster",
                subject,
                f"EKS has no cluster {cluster.name} in {settings.region} for this account: the lookup by name "
                "(aws.eks.getCluster) fails",
                "fix the name or the region, or deploy the stack that creates the cluster first",
                "EKS API DescribeCluster",
            )
        ]
    if facts.cluster is None:
        return [
            Finding(
                Severity.WARNING,
                "cluster",
                subject,
                f"EKS has no cluster {cluster.name} in {settings.region} for this account; the stack reads it from "
                f"{cluster.stack_reference}, so this is right only if that stack's cluster lives in another account",
                f"deploy {cluster.stack_reference} first, or check the account of these credentials",
                "EKS API DescribeCluster",
            )
        ]
    found = facts.cluster
    findings = endpoint_findings(found.endpoint_public_access, found.public_access_cidrs, None, subject)
    findings += version_findings(found.version, today, subject)
    if cluster.stack_reference is None and facts.oidc_provider_arns is not None and facts.caller_account:
        arn = _issuer_provider_arn(settings.partition, facts.caller_account, found.issuer)
        if arn not in facts.oidc_provider_arns:
            findings.append(
                Finding(
                    Severity.ERROR,
                    "cluster",
                    subject,
                    f"the account has no IAM OIDC provider for the cluster's issuer {found.issuer}: the lookup "
                    "by name (aws.iam.getOpenIdConnectProvider) fails and IRSA cannot work",
                    f"create it: eksctl utils associate-iam-oidc-provider --cluster {cluster.name} --approve",
                    "EKS User Guide, 'Create an IAM OIDC provider for your cluster'",
                )
            )
    return findings
