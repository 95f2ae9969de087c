"""The platform team's stack: one EKS cluster ready for IRSA, and the exports app teams read.

No workload roles here (the cluster's own VPC CNI role aside): each app team creates its roles and
ServiceAccounts in its own stack, reading ``clusterName``, ``oidcProviderArn``, ``oidcIssuer`` and
``kubeconfig`` through a ``pulumi.StackReference`` (see ``examples/app-team``).
"""

import pulumi

from eks_irsa import AwsPartition, EksCluster
from eks_irsa.iam.partition import partition_for_region

config = pulumi.Config()
cluster_name = config.require("clusterName")
node_group = config.require_object("nodeGroup")

cluster = EksCluster(
    cluster_name,
    {
        "cluster_name": cluster_name,
        # aws, aws-cn, aws-us-gov, ...: the partition of aws:region, for the managed policy ARNs.
        "partition": AwsPartition(partition_for_region(pulumi.Config("aws").require("region")).name),
        "vpc_id": config.require("vpcId"),
        "private_subnet_ids": config.require_object("privateSubnetIds"),
        "admin_principal_arns": config.get_object("adminPrincipalArns") or [],
        # The endpoint is private: the CIDRs (VPN, CI runners) that reach it, where pulumi up runs too.
        "private_access_cidrs": config.require_object("privateAccessCidrs"),
        "node_groups": [
            {
                "name": "general",
                "instance_types": node_group["instanceTypes"],
                "min_size": node_group["minSize"],
                "desired_size": node_group["desiredSize"],
                "max_size": node_group["maxSize"],
            }
        ],
        "tags": {"team": "platform", "env": pulumi.get_stack()},
    },
    opts=pulumi.ResourceOptions(protect=True),
)

# The contract with app teams: these four names, nothing else.
pulumi.export("clusterName", cluster.cluster_name)
pulumi.export("oidcProviderArn", cluster.oidc_provider_arn)
pulumi.export("oidcIssuer", cluster.oidc_issuer)
pulumi.export("kubeconfig", cluster.kubeconfig)
