"""The AWS managed policies an EKS cluster's own roles carry, by name (pure: no Pulumi import).

``EksCluster`` attaches them; the audit and the policy pack compare a live or planned node role against them.
"""

NODE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
"""The AWS managed policies a node role needs when the VPC CNI has its own IRSA role (EKS User
Guide, 'Amazon EKS node IAM role'). ``AmazonEKS_CNI_Policy`` is deliberately absent."""

CNI_POLICY = "AmazonEKS_CNI_Policy"
"""The VPC CNI's permissions, given to ``kube-system/aws-node`` through IRSA (EKS User Guide,
'Configure Amazon VPC CNI plugin to use IRSA')."""
