"""The reference program: stack config -> catalog -> EksCluster -> one IrsaRole per service -> exports.

Wiring only, through the package's public names, as a user's program would: every rule lives in
``eks_irsa``. ``load_catalog`` plans every service before the first resource is registered, so one bad
service applies nothing.
"""

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s

from eks_irsa import (
    AccountOidcProvider,
    AccountProvider,
    EksCluster,
    ExistingCluster,
    IrsaRole,
    cluster_creator_arn,
    deployer_arn,
    load_catalog,
    role_args,
    stack_config,
)
from eks_irsa.catalog import (
    ClusterSettings,
    ExistingClusterSettings,
    StackSettings,
    cluster_args,
    existing_cluster_args,
)

SYSTEM_NAMESPACES = frozenset({"default", "kube-node-lease", "kube-public", "kube-system"})
"""Namespaces every cluster has; never created here."""

NAMESPACE_OPTIONS = {"retain_on_delete": True}
"""A Namespace we create outlives its last service: removing the service (or the stack) removes it from
the stack only, never the namespace and the workloads in it (Pulumi docs, 'Resource options: retainOnDelete')."""


def make_cluster(settings: StackSettings) -> EksCluster | ExistingCluster:
    """The cluster this stack makes, or the one it was pointed at."""
    c = settings.cluster
    if isinstance(c, ExistingClusterSettings):
        return ExistingCluster(c.name, existing_cluster_args(settings))
    return EksCluster(
        c.name,
        cluster_args(settings),
        opts=pulumi.ResourceOptions(protect=c.protect),
    )


def main(settings: StackSettings) -> None:
    """Register the cluster, other accounts' OIDC providers, namespaces and one IrsaRole per service; export."""
    c = settings.cluster
    cluster = make_cluster(settings)
    other_accounts = {
        key: AccountOidcProvider(
            f"account-{key}",
            {
                "account_id": account.account_id,
                "assume_role_arn": account.assume_role_arn,
                "region": settings.region,
                "oidc_issuer": cluster.oidc_issuer,
                "client_ids": list(c.oidc_client_ids),
                "source_credentials": dict(settings.kubeconfig_credentials),
            },
        )
        for key, account in sorted(settings.accounts.items())
        if any(s.account == key for s in settings.services)
    }
    target_providers = {
        key: AccountProvider(
            f"target-{key}",
            {
                "account_id": account.account_id,
                "assume_role_arn": account.assume_role_arn,
                "region": settings.region,
                "source_credentials": dict(settings.kubeconfig_credentials),
            },
        ).aws_provider
        for key, account in sorted(settings.accounts.items())
        if any(s.target_account == key for s in settings.services)
    }
    namespaces = {}
    if settings.create_namespaces:
        wanted = {s.namespace for s in settings.services if s.create_service_account} - SYSTEM_NAMESPACES
        for namespace in sorted(wanted):
            namespaces[namespace] = k8s.core.v1.Namespace(
                f"namespace-{namespace}",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace),
                opts=pulumi.ResourceOptions(provider=cluster.kubernetes_provider, **NAMESPACE_OPTIONS),
            )
    exported = {}
    for service in settings.services:
        other = other_accounts.get(service.account or "")
        providers: dict[str, pulumi.ProviderResource] = {"kubernetes": cluster.kubernetes_provider}
        if other:
            providers["aws"] = other.aws_provider
        namespace = namespaces.get(service.namespace)
        role = IrsaRole(
            service.name,
            role_args(
                settings,
                service,
                other.provider_arn if other else cluster.oidc_provider_arn,
                cluster.oidc_issuer,
                cluster.cluster_name,
                target_providers.get(service.target_account or ""),
            ),
            opts=pulumi.ResourceOptions(providers=providers, depends_on=[namespace] if namespace else None),
            plan=settings.plans[service.name],
        )
        if isinstance(cluster, EksCluster) and service.addon:
            cluster.install_addon(service.name, service.addon, role)
        exported[service.name] = {
            "roleArn": role.role_arn,
            "roleName": role.role_name,
            "namespace": role.service_account_namespace,
            "serviceAccount": role.service_account_name,
            "roleArnHash": role.role_arn_hash,
        }
    pulumi.export("clusterName", cluster.cluster_name)
    pulumi.export("region", settings.region)
    if isinstance(c, ClusterSettings):
        pulumi.export("vpcId", c.vpc_id)
    pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
    pulumi.export("oidcIssuer", cluster.oidc_issuer)
    pulumi.export("kubeconfig", cluster.kubeconfig)
    pulumi.export("services", exported)


main(load_catalog(stack_config(), Path(__file__).parent, deployer=deployer_arn, creator=cluster_creator_arn))
