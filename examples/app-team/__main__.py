"""The payments team's stack: its own IAM roles and ServiceAccounts, on a cluster another stack owns.

Everything about the cluster comes from the platform stack's exports through a ``pulumi.StackReference``
(config ``platformStack``, e.g. ``acme/eks-platform/prod``): the cluster name, the IAM OIDC provider
ARN and issuer (the trust policy pins ``sub`` and ``aud`` on them) and the kubeconfig, from which this
stack builds its own Kubernetes provider. The namespace is the platform team's; it must exist.
"""

import pulumi
import pulumi_kubernetes as k8s

from eks_irsa import IrsaRole, PermissionStatement

config = pulumi.Config()
namespace = config.get("namespace") or "payments"
bucket_arn = config.require("invoicesBucketArn")
queue_arn = config.require("invoicesQueueArn")

platform = pulumi.StackReference("platform", stack_name=config.require("platformStack"))
cluster_name = platform.require_output("clusterName")
oidc_provider_arn = platform.require_output("oidcProviderArn")
oidc_issuer = platform.require_output("oidcIssuer")

# The ServiceAccounts go to the platform's cluster, never to whatever the ambient kubeconfig points at.
cluster = k8s.Provider(
    "platform-cluster",
    kubeconfig=pulumi.Output.secret(platform.require_output("kubeconfig")),
    enable_server_side_apply=True,
)

services: dict[str, list[PermissionStatement]] = {
    "invoices-api": [{"actions": ["s3:GetObject"], "resources": [f"{bucket_arn}/*"]}],
    "invoices-worker": [
        {"actions": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "resources": [queue_arn]},
        {"actions": ["s3:PutObject"], "resources": [f"{bucket_arn}/*"]},
    ],
}

exported = {}
for service, statements in services.items():
    role = IrsaRole(
        service,
        {
            "cluster_name": cluster_name,
            "oidc_provider_arn": oidc_provider_arn,
            "oidc_issuer": oidc_issuer,
            "namespace": namespace,
            "statements": statements,
            "tags": {"team": "payments"},
        },
        opts=pulumi.ResourceOptions(providers={"kubernetes": cluster}),
    )
    exported[service] = {
        "roleArn": role.role_arn,
        "serviceAccount": role.service_account_name,
        "roleArnHash": role.role_arn_hash,
    }

pulumi.export("services", exported)
