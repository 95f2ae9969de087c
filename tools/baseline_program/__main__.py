"""The benchmark's baseline: the same resources as ``__main__.py``, written by hand as raw Pulumi resources.

No components, no validation, no JSON Schema, no quota checks: what a team would write without this
package. It reads the same stack config (``aws:region``, ``aws:allowedAccountIds``, ``eks-irsa:cluster``,
``eks-irsa:services``, ``eks-irsa:createNamespaces``) and registers the same custom resources under the
same logical names as the real program, so ``tools.bench`` can check the two sets are equal and the
time ratio compares like with like:

- ``pulumi_eks.Cluster`` (authentication mode API, no default node group), its IAM OIDC provider, one
  443 ingress rule per ``endpoint.privateAccessCidrs``, a Kubernetes provider from its kubeconfig, the
  VPC CNI's role + ``AmazonEKS_CNI_Policy`` attachment and add-on, a node role with two attachments,
  per node group a launch template and a node group, the CoreDNS add-on after the node groups;
- one Namespace per non-system namespace that gets a ServiceAccount;
- per service: ``aws.iam.Role`` (trust policy JSON built inline in one ``apply``), one
  ``aws.iam.RolePolicy`` when it has statements, one ``aws.iam.RolePolicyAttachment`` per managed ARN,
  and the annotated ``ServiceAccount`` (unless ``createServiceAccount: false``).

Not a reference implementation: it skips every check the components make (names, quotas, partitions,
trust policy shape), and ``${variable}`` substitution is a plain string replace.
"""

import hashlib
import json
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import pulumi_kubernetes as k8s

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SYSTEM_NAMESPACES = {"default", "kube-node-lease", "kube-public", "kube-system"}

aws_config = pulumi.Config("aws")
region = aws_config.require("region")
account = aws_config.require_object("allowedAccountIds")[0]
config = pulumi.Config("eks-irsa")
cluster_config = config.require_object("cluster")
services = config.require_object("services")
create_namespaces = config.get_bool("createNamespaces")
if create_namespaces is None:
    create_namespaces = True

partition = "aws-cn" if region.startswith("cn-") else "aws-us-gov" if region.startswith("us-gov-") else "aws"
cluster_name = cluster_config["name"]
variables = {"${partition}": partition, "${region}": region, "${account}": account, "${cluster}": cluster_name}
tags = dict(cluster_config.get("tags", {}))
endpoint = cluster_config.get("endpoint", {})


def fill(text):
    for key, value in variables.items():
        text = text.replace(key, value)
    return text


def sha8(text):
    return hashlib.sha256(text.encode()).hexdigest()[:8]


cluster = eks.Cluster(
    cluster_name,
    name=cluster_name,
    version=cluster_config.get("kubernetesVersion", "1.33"),
    vpc_id=cluster_config["vpcId"],
    private_subnet_ids=cluster_config["privateSubnetIds"],
    public_subnet_ids=cluster_config.get("publicSubnetIds") or None,
    endpoint_private_access=endpoint.get("privateAccess", True),
    endpoint_public_access=endpoint.get("publicAccess", False),
    public_access_cidrs=endpoint.get("publicAccessCidrs") or None,
    authentication_mode=eks.AuthenticationMode.API,
    create_oidc_provider=False,
    skip_default_node_group=True,
    use_default_vpc_cni=True,
    tags=tags,
    opts=pulumi.ResourceOptions(protect=cluster_config.get("protect", False)),
)
oidc_provider = aws.iam.OpenIdConnectProvider(
    f"{cluster_name}-oidc-provider",
    url=cluster.oidc_provider_url,
    client_id_lists=cluster_config.get("oidcClientIds", ["sts.amazonaws.com"]),
    tags=tags,
)
cluster_ready_name = cluster.oidc_issuer.apply(lambda _: cluster_name)
admin_associations = []
for arn in cluster_config.get("admins", []):
    entry = aws.eks.AccessEntry(f"{cluster_name}-admin-{sha8(arn)}", cluster_name=cluster_ready_name, principal_arn=arn)
    admin_associations.append(
        aws.eks.AccessPolicyAssociation(
            f"{cluster_name}-admin-{sha8(arn)}-cluster-admin",
            cluster_name=cluster_ready_name,
            principal_arn=entry.principal_arn,
            policy_arn=f"arn:{partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
        )
    )
ways_in = [
    aws.vpc.SecurityGroupIngressRule(
        f"{cluster_name}-api-{sha8(cidr)}",
        security_group_id=cluster.cluster_security_group_id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ipv4=cidr,
    )
    for cidr in endpoint.get("privateAccessCidrs", [])
]
kubernetes = k8s.Provider(
    f"{cluster_name}-k8s",
    kubeconfig=cluster.kubeconfig_json,
    enable_server_side_apply=True,
    opts=pulumi.ResourceOptions(depends_on=[*ways_in, *admin_associations]),
)


def trust_policy(namespace, service_account, audience="sts.amazonaws.com"):
    def render(values):
        provider_arn, issuer = values
        host = issuer.removeprefix("https://").rstrip("/")
        return json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": provider_arn},
                        "Action": "sts:AssumeRoleWithWebIdentity",
                        "Condition": {
                            "StringEquals": {
                                f"{host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                                f"{host}:aud": audience,
                            }
                        },
                    }
                ],
            }
        )

    return pulumi.Output.all(oidc_provider.arn, cluster.oidc_issuer).apply(render)


# The VPC CNI's own role (kube-system/aws-node), its add-on, and the node role without the CNI policy.
cni_arn = f"arn:{partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
cni_role = aws.iam.Role(
    f"{cluster_name}-vpc-cni-role",
    name=f"{cluster_name}-kube-system-aws-node",
    assume_role_policy=trust_policy("kube-system", "aws-node"),
    tags=tags,
)
cni_attach = aws.iam.RolePolicyAttachment(
    f"{cluster_name}-vpc-cni-attach-{sha8(cni_arn)}", role=cni_role.name, policy_arn=cni_arn
)
cni_addon = aws.eks.Addon(
    f"{cluster_name}-vpc-cni-addon",
    cluster_name=cluster_ready_name,
    addon_name="vpc-cni",
    service_account_role_arn=cni_role.arn,
    resolve_conflicts_on_create="OVERWRITE",
    resolve_conflicts_on_update="OVERWRITE",
    tags=tags,
    opts=pulumi.ResourceOptions(depends_on=[cni_attach]),
)
node_role = aws.iam.Role(
    f"{cluster_name}-node-role",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
    tags=tags,
)
node_attachments = [
    aws.iam.RolePolicyAttachment(
        f"{cluster_name}-node-{policy}", role=node_role.name, policy_arn=f"arn:{partition}:iam::aws:policy/{policy}"
    )
    for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly")
]
node_groups = []
for group_name, group in cluster_config["nodeGroups"].items():
    template = aws.ec2.LaunchTemplate(
        f"{cluster_name}-{group_name}-lt",
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_endpoint="enabled", http_tokens="required", http_put_response_hop_limit=1
        ),
        block_device_mappings=[
            aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                device_name="/dev/xvda",
                ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                    volume_size=group.get("diskSize", 20), volume_type="gp3", encrypted="true"
                ),
            )
        ],
        tags=tags,
    )
    node_group = aws.eks.NodeGroup(
        f"{cluster_name}-{group_name}",
        cluster_name=cluster_ready_name,
        node_group_name_prefix=f"{group_name}-",
        version=cluster_config.get("kubernetesVersion", "1.35"),
        node_role_arn=node_role.arn,
        subnet_ids=cluster_config["privateSubnetIds"],
        instance_types=group["instanceTypes"],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(
            min_size=group.get("minSize", 1), desired_size=group.get("desiredSize", 2), max_size=group.get("maxSize", 3)
        ),
        launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version=template.latest_version.apply(str)),
        tags=tags,
        opts=pulumi.ResourceOptions(
            depends_on=[cni_addon, *node_attachments], ignore_changes=["scalingConfig.desiredSize"]
        ),
    )
    node_groups.append(node_group)
aws.eks.Addon(
    f"{cluster_name}-coredns-addon",
    cluster_name=cluster_ready_name,
    addon_name="coredns",
    preserve=True,
    resolve_conflicts_on_create="OVERWRITE",
    resolve_conflicts_on_update="OVERWRITE",
    tags=tags,
    opts=pulumi.ResourceOptions(depends_on=node_groups),
)

namespaces = {}
if create_namespaces:
    wanted = {s["namespace"] for s in services.values() if s.get("createServiceAccount", True)} - SYSTEM_NAMESPACES
    for namespace in sorted(wanted):
        namespaces[namespace] = k8s.core.v1.Namespace(
            f"namespace-{namespace}",
            metadata=k8s.meta.v1.ObjectMetaArgs(name=namespace),
            opts=pulumi.ResourceOptions(provider=kubernetes),
        )

exported = {}
for name, service in sorted(services.items()):
    namespace = service["namespace"]
    service_account = service.get("serviceAccount", name)
    statements = [
        {
            "Effect": s.get("effect", "Allow"),
            "Action": s["actions"],
            "Resource": [fill(r) for r in s["resources"]],
            **({"Condition": s["conditions"]} if s.get("conditions") else {}),
        }
        for s in service.get("statements", [])
    ]
    for item in service.get("policyFiles", []):
        document = json.loads((PROJECT_ROOT / item["file"]).read_text())
        for s in document["Statement"]:
            resource = s["Resource"]
            statements.append(
                {**s, "Resource": fill(resource) if isinstance(resource, str) else list(map(fill, resource))}
            )
    role = aws.iam.Role(
        f"{name}-role",
        name=service.get("roleName") or f"{cluster_name}-{namespace}-{service_account}",
        path=service.get("rolePath", "/"),
        assume_role_policy=trust_policy(namespace, service_account, service.get("audience", "sts.amazonaws.com")),
        max_session_duration=service.get("maxSessionDuration", 3600),
        tags={**tags, **service.get("tags", {})},
    )
    waits = []
    if statements:
        waits.append(
            aws.iam.RolePolicy(
                f"{name}-permissions",
                role=role.name,
                policy=json.dumps({"Version": "2012-10-17", "Statement": statements}),
            )
        )
    for arn in map(fill, service.get("managedPolicyArns", [])):
        waits.append(aws.iam.RolePolicyAttachment(f"{name}-attach-{sha8(arn)}", role=role.name, policy_arn=arn))
    if service.get("createServiceAccount", True):
        k8s.core.v1.ServiceAccount(
            f"{name}-sa-{service_account}",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=service_account,
                namespace=namespace,
                annotations={"eks.amazonaws.com/role-arn": role.arn},
            ),
            automount_service_account_token=False,
            opts=pulumi.ResourceOptions(
                provider=kubernetes, depends_on=[*waits, *filter(None, [namespaces.get(namespace)])]
            ),
        )
    exported[name] = {
        "roleArn": role.arn,
        "roleName": role.name,
        "namespace": namespace,
        "serviceAccount": service_account,
    }

pulumi.export("clusterName", cluster_ready_name)
pulumi.export("oidcProviderArn", oidc_provider.arn)
pulumi.export("oidcIssuer", cluster.oidc_issuer)
pulumi.export("kubeconfig", pulumi.Output.secret(cluster.kubeconfig_json))
pulumi.export("services", exported)
