"""The program: stack config -> validated settings -> EksCluster -> one IrsaRole per service -> exports.

Wiring only; every rule lives in ``components/``. Every service's arguments are checked before the
first resource is registered, so one bad service applies nothing.
"""

import re
from dataclasses import replace
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
from pulumi.runtime.config import CONFIG, get_config_env

from eks_irsa.accounts import AccountOidcProvider, AccountOidcProviderArgs
from eks_irsa.catalog import (
    ExistingClusterSettings,
    ServiceSettings,
    StackSettings,
    decode_stack_config,
    load_settings,
)
from eks_irsa.cluster import EksCluster, EksClusterArgs
from eks_irsa.errors import IrsaConfigError
from eks_irsa.existing import ExistingCluster, ExistingClusterArgs
from eks_irsa.iam.partition import partition_for_region
from eks_irsa.irsa import IdentityType, IrsaRole, IrsaRoleArgs, ServiceAccountOptions, TrustedCluster, plan_irsa_role

SYSTEM_NAMESPACES = frozenset({"default", "kube-node-lease", "kube-public", "kube-system"})
"""Namespaces every cluster has; never created here."""


def stack_config() -> dict:
    """The stack's config as the schema sees it (see ``decode_stack_config``)."""
    return decode_stack_config({**get_config_env(), **CONFIG.get()})


def role_args(
    settings: StackSettings,
    service: ServiceSettings,
    provider_arn: pulumi.Input[str],
    issuer: pulumi.Input[str],
    cluster: EksCluster | ExistingCluster | None = None,
    namespace: pulumi.Resource | None = None,
) -> IrsaRoleArgs:
    """One service's ``IrsaRoleArgs``.

    With ``cluster=None`` it is a dry form used only for validation: no ServiceAccount (the cluster's
    Kubernetes provider does not exist yet), everything else as the real one.
    """
    c = settings.cluster
    account = settings.accounts[service.account].account_id if service.account else settings.account_id
    return IrsaRoleArgs(
        oidc_provider_arn=provider_arn,
        oidc_issuer=issuer,
        cluster_name=c.name,
        namespace=service.namespace,
        service_account=None if service.service_accounts else service.service_account,
        service_accounts=service.service_accounts,
        subject_pattern=service.subject_pattern,
        audience=service.audience,
        provider_client_ids=c.oidc_client_ids,
        additional_clusters=[TrustedCluster(oidc_provider_arn=a, oidc_issuer=i) for a, i in service.trusted_clusters],
        role_account_id=account,
        statements=service.statements,
        managed_policy_arns=service.managed_policy_arns,
        role_name=service.role_name,
        role_path=service.role_path,
        tags={**c.tags, **service.tags},
        permissions_boundary=service.permissions_boundary,
        max_session_duration=service.max_session_duration,
        identity=IdentityType(service.identity),
        cluster_arn=f"arn:{settings.partition}:eks:{settings.region}:{settings.account_id}:cluster/{c.name}",
        eks_cluster_name=cluster.cluster_name if cluster else None,
        existing_role_arn=service.existing_role_arn,
        create_service_account=service.create_service_account and cluster is not None,
        kubernetes_provider=cluster.kubernetes_provider if cluster else None,
        service_account_options=ServiceAccountOptions(
            labels=service.labels,
            annotations=service.annotations,
            sts_regional_endpoints=service.sts_regional_endpoints,
            token_expiration=service.token_expiration,
            automount_token=service.automount_token,
            depends_on=[namespace] if namespace else [],
        ),
        trust_policy_max_size=settings.trust_policy_max_size,
        max_managed_policies=settings.max_managed_policies,
    )


CATALOG_NAMES = {
    "service_account_options": "",
    "automount_token": "automountServiceAccountToken",
    "additional_clusters": "trustedClusters",
    "role_account_id": "account",
    "existing_role_arn": "existingRoleArn",
}
"""IrsaRoleArgs fields whose catalog name is not their camelCase form ("" drops the level)."""


def catalog_field(service: str, field: str) -> str:
    """``orders-api.service_account_options.token_expiration`` -> ``eks-irsa:services.orders-api.tokenExpiration``."""
    if not field.startswith(f"{service}."):
        return f"eks-irsa:services.{service}: {field}"
    parts = []
    for part in field[len(service) + 1 :].split("."):
        name, bracket, rest = part.partition("[")
        name = CATALOG_NAMES.get(name, re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name))
        if name or bracket:
            parts.append(name + bracket + rest)
    return ".".join([f"eks-irsa:services.{service}", *parts])


def check_services(settings: StackSettings) -> None:
    """Run every service's component checks with the issuer the cluster will have, before registering anything."""
    dns = partition_for_region(settings.region).dns_suffix
    issuer = f"oidc.eks.{settings.region}.{dns}/id/{'0' * 32}"  # EKS issuer ids are 32 characters: same size
    problems = []
    for service in settings.services:
        account = settings.accounts[service.account].account_id if service.account else settings.account_id
        provider_arn = f"arn:{settings.partition}:iam::{account}:oidc-provider/{issuer}"
        try:
            plan_irsa_role(service.name, role_args(settings, service, provider_arn, issuer))
        except IrsaConfigError as error:
            problems += [replace(p, field=catalog_field(service.name, p.field)) for p in error.problems]
    if problems:
        raise IrsaConfigError(problems)


def make_cluster(settings: StackSettings) -> EksCluster | ExistingCluster:
    """The cluster this stack makes, or the one it was pointed at."""
    c = settings.cluster
    if isinstance(c, ExistingClusterSettings):
        return ExistingCluster(
            c.name,
            ExistingClusterArgs(
                cluster_name=c.name,
                partition=settings.partition,
                account_id=settings.account_id,
                stack_reference=c.stack_reference,
            ),
        )
    return EksCluster(
        c.name,
        EksClusterArgs(
            cluster_name=c.name,
            partition=settings.partition,
            vpc_id=c.vpc_id,
            private_subnet_ids=c.private_subnet_ids,
            public_subnet_ids=c.public_subnet_ids,
            kubernetes_version=c.kubernetes_version,
            endpoint_private_access=c.endpoint_private_access,
            endpoint_public_access=c.endpoint_public_access,
            public_access_cidrs=c.public_access_cidrs,
            admin_principal_arns=c.admins,
            node_groups=c.node_groups,
            tags=c.tags,
            pod_identity_agent=any(s.identity == IdentityType.POD_IDENTITY for s in settings.services),
        ),
        opts=pulumi.ResourceOptions(protect=c.protect),
    )


def main(settings: StackSettings) -> None:
    """Register the cluster, other accounts' OIDC providers, namespaces and one IrsaRole per service; export."""
    c = settings.cluster
    cluster = make_cluster(settings)
    other_accounts = {
        key: AccountOidcProvider(
            f"account-{key}",
            AccountOidcProviderArgs(
                account_id=account.account_id,
                assume_role_arn=account.assume_role_arn,
                region=settings.region,
                oidc_issuer=cluster.oidc_issuer,
                client_ids=c.oidc_client_ids,
            ),
        )
        for key, account in sorted(settings.accounts.items())
        if any(s.account == key for s in settings.services)
    }
    namespaces = {}
    if settings.create_namespaces:
        wanted = {s.namespace for s in settings.services if s.create_service_account} - SYSTEM_NAMESPACES
        for namespace in sorted(wanted):
            namespaces[namespace] = k8s.core.v1.Namespace(
                f"namespace-{namespace}",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace),
                opts=pulumi.ResourceOptions(provider=cluster.kubernetes_provider),
            )
    exported = {}
    for service in settings.services:
        other = other_accounts.get(service.account or "")
        role = IrsaRole(
            service.name,
            role_args(
                settings,
                service,
                other.provider_arn if other else cluster.oidc_provider_arn,
                cluster.oidc_issuer,
                cluster,
                namespaces.get(service.namespace),
            ),
            opts=pulumi.ResourceOptions(providers={"aws": other.aws_provider}) if other else None,
        )
        exported[service.name] = {
            "roleArn": role.role_arn,
            "roleName": role.role_name,
            "namespace": role.service_account_namespace,
            "serviceAccount": role.service_account_name,
            "roleArnHash": role.role_arn_hash,
        }
    pulumi.export("clusterName", cluster.cluster_name)
    pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
    pulumi.export("oidcIssuer", cluster.oidc_issuer)
    pulumi.export("kubeconfig", cluster.kubeconfig)
    pulumi.export("services", exported)


settings = load_settings(stack_config(), Path(__file__).parent)
check_services(settings)
main(settings)
