"""The program: stack config -> validated settings -> EksCluster -> one IrsaRole per service -> exports.

Wiring only; every rule lives in ``components/``.
"""

import json
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
from pulumi.runtime.config import CONFIG, get_config_env

from components.cluster import EksCluster, EksClusterArgs, NodeGroupArgs
from components.irsa import IrsaRole, IrsaRoleArgs
from components.settings import StackSettings, load_settings

SYSTEM_NAMESPACES = frozenset({"default", "kube-node-lease", "kube-public", "kube-system"})
"""Namespaces every cluster has; never created here."""


def _stack_config() -> dict:
    """The stack's config as the schema sees it: this project's keys and the two ``aws:`` keys it reads."""
    raw = {**get_config_env(), **CONFIG.get()}
    config = {}
    for key, value in raw.items():
        if key.startswith("eks-irsa:") or key in ("aws:region", "aws:allowedAccountIds"):
            try:
                config[key] = json.loads(value) if key != "aws:region" else value
            except (TypeError, ValueError):
                config[key] = value
    return config


def main(settings: StackSettings) -> None:
    c = settings.cluster
    cluster = EksCluster(
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
            node_groups=[NodeGroupArgs(**vars(group)) for group in c.node_groups],
            tags=c.tags,
        ),
        opts=pulumi.ResourceOptions(protect=c.protect),
    )
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
        role = IrsaRole(
            service.name,
            IrsaRoleArgs(
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                cluster_name=c.name,
                namespace=service.namespace,
                service_account=service.service_account,
                audience=service.audience,
                statements=service.statements,
                managed_policy_arns=service.managed_policy_arns,
                role_name=service.role_name,
                role_path=service.role_path,
                tags={**c.tags, **service.tags},
                permissions_boundary=service.permissions_boundary,
                max_session_duration=service.max_session_duration,
                create_service_account=service.create_service_account,
                kubernetes_provider=cluster.kubernetes_provider,
                service_account_depends_on=[namespaces[service.namespace]] if service.namespace in namespaces else [],
                trust_policy_max_size=settings.trust_policy_max_size,
                max_managed_policies=settings.max_managed_policies,
            ),
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


main(load_settings(_stack_config(), Path(__file__).parent))
