"""A project with its own ``components`` package, using eks-irsa next to it.

Pulumi puts this folder first on ``sys.path``, so ``components`` is this project's package; eks-irsa
imports as ``eks_irsa`` and never as ``components.*``, so the two do not collide.

The reports service's Helm chart creates its ServiceAccount, so this stack creates the role only and
exports its ARN for the chart's ``eks.amazonaws.com/role-arn`` annotation.
"""

import pulumi
from eks_irsa import IrsaRole

from components.tagging import standard_tags

config = pulumi.Config()

role = IrsaRole(
    "reports",
    {
        "cluster_name": config.require("clusterName"),
        "oidc_provider_arn": config.require("oidcProviderArn"),
        "oidc_issuer": config.require("oidcIssuer"),
        "namespace": "analytics",
        "service_account": "reports",
        "statements": [{"actions": ["s3:GetObject"], "resources": [f"{config.require('bucketArn')}/*"]}],
        "tags": standard_tags(config.require("team"), pulumi.get_stack(), config.require("costCenter")),
        "create_service_account": False,
    },
)

pulumi.export("roleArn", role.role_arn)
