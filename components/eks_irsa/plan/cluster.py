"""Every rule on ``EksClusterArgs`` (:func:`check_cluster_args`), run before anything is registered, by
:class:`~eks_irsa.EksCluster` and by the catalog alike.

Pure: no Pulumi module, so ``import eks_irsa.catalog`` loads none. A value that is not plain data (a Pulumi
Output, an awaitable: :func:`eks_irsa.shape.plain`) is what cannot be read before registration; the rules that
need the stack's region or an Output's value once it resolves stay in :mod:`eks_irsa.cluster`.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from ..access import CREATOR_TAG, check_access_entries, check_admins, check_endpoint_access, creator_tag_value
from ..addons import ADDONS
from ..addons.spec import EksAddon
from ..contract.cluster import EksClusterArgs
from ..contract.enums import ControlPlaneLog, SupportType
from ..errors import Problem
from ..iam import limits
from ..iam.review import check_instance_metadata
from ..iam.trust import DEFAULT_AUDIENCE
from ..nodegroup import NODE_GROUP_DEFAULTS, check_ami_type, check_node_group_name
from ..shape import check_shape, plain, root_keys
from ..versions import (
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_SUPPORT_TYPE,
    UPGRADE_POLICY_DOCS,
    check_addon_versions,
    cluster_addons,
)

NODE_METADATA_OPTIONS: Mapping[str, str] = {
    "http_endpoint": "enabled",
    "http_tokens": "required",
    "instance_metadata_tags": "disabled",
}
"""The launch template's metadata options besides the hop limit (IMDSv2 only); checked by
:func:`eks_irsa.iam.review.check_instance_metadata` as written. The template of a node group with
``allow_pod_imds_access`` also carries :data:`~eks_irsa.iam.review.IMDS_OPT_OUT_TAG` ``= "true"``, the
opt-in as our policy pack reads it."""

LOGGING_DOCS = "EKS User Guide, 'Send control plane logs to CloudWatch Logs'"
OIDC_PROVIDER_DOCS = (
    "IAM API Reference, CreateOpenIDConnectProvider (ClientIDList: 1 to 100 ids of 1 to 255 characters)"
)
NO_NODES_DOCS = (
    "EKS User Guide, 'Manage compute resources by using nodes' and 'Automate cluster infrastructure with EKS Auto "
    "Mode' (pods run on nodes: managed node groups here, or Auto Mode's)"
)
OIDC_CLIENT_IDS_MAX = 100
OIDC_CLIENT_ID_MAX = 255


CLUSTER_DEFAULTS = {
    "public_subnet_ids": [],
    "kubernetes_version": DEFAULT_KUBERNETES_VERSION,
    "upgrade_support_type": DEFAULT_SUPPORT_TYPE,
    "addon_versions": {},
    "endpoint_private_access": True,
    "endpoint_public_access": False,
    "public_access_cidrs": [],
    "admin_principal_arns": [],
    "node_groups": [],
    "tags": {},
    "pod_identity_agent": False,
    "bootstrap_creator_admin": True,
    "private_access_cidrs": [],
    "private_access_security_group_ids": [],
    "kubeconfig_credentials": {},
    "oidc_client_ids": [DEFAULT_AUDIENCE],
    "deletion_protection": False,
    "enabled_cluster_log_types": [],
    "auto_mode": False,
}
"""The defaults the field docstrings of :class:`EksClusterArgs` give, applied in one place."""


CATALOG_EKS_ADDONS = frozenset(s.installed_by.name for s in ADDONS.values() if isinstance(s.installed_by, EksAddon))
"""The EKS add-ons :meth:`EksCluster.install_addon` may install for a catalog's services, by EKS name."""


def with_defaults(args: EksClusterArgs) -> SimpleNamespace:
    """The args with every default filled in, node groups included, as attributes."""
    merged = SimpleNamespace(**{**CLUSTER_DEFAULTS, **args})
    merged.node_groups = [SimpleNamespace(**{**NODE_GROUP_DEFAULTS, **group}) for group in merged.node_groups]
    return merged


EC2_ID_DOCS = "Amazon EC2 User Guide, 'Resource IDs' (the type's prefix, a hyphen, 8 or 17 hexadecimal digits)"
SUBNETS_DOCS = (
    "EKS API Reference, CreateCluster VpcConfigRequest.subnetIds (subnets in at least two Availability Zones); "
    "EKS User Guide, 'View Amazon EKS networking requirements for VPC and subnets'"
)
SCALING_DOCS = "EKS API Reference, NodegroupScalingConfig"
DISK_DOCS = (
    "EKS API Reference, CreateNodegroup diskSize (20 GiB, the Linux and Bottlerocket AMIs' volume; EC2 makes no "
    "volume smaller than its snapshot); Amazon EBS User Guide, 'Amazon EBS volume types' (gp3: at most 16 TiB)"
)
HOP_LIMIT_DOCS = "EC2 API Reference, InstanceMetadataOptionsRequest (HttpPutResponseHopLimit 1..64)"


@dataclass(frozen=True)
class Bound:
    """One bound on a plain value of a cluster field, owned here: :func:`check_cluster_args` checks it, and the
    catalog's ``schema.json`` shows the same JSON Schema keywords (:func:`schema_bounds`) without reporting them
    itself (the catalog reports this rule's problem, in its own words).

    ``owner`` and ``field``: the ``TypedDict`` (``EksClusterArgs`` or ``NodeGroupArgs``) and its field.
    ``keywords``: the bound as JSON Schema keywords, read by the check as well: ``minimum``/``maximum`` (whole
    numbers, inclusive), ``minItems``/``maxItems`` (a plain list's length), ``minLength``/``maxLength`` (a plain
    string's length) and ``pattern`` (a plain string; under ``items``,
    each plain string of a plain list; Python's ``re.search``, as JSON Schema's). An Output, or a list that is
    one, is never checked: it is not known before registration. ``rule``, ``source`` and ``fix`` are the
    problem's words; ``rule`` and ``fix`` may hold ``{low}``, ``{high}`` and ``{count}``.
    """

    owner: str
    field: str
    keywords: Mapping[str, Any]
    rule: str
    source: str
    fix: str


KUBERNETES_VERSION = "^1\\.[0-9]+$"
KUBERNETES_VERSION_DOCS = "EKS API Reference, CreateCluster version (the Kubernetes minor version, 1.N)"
INSTANCE_TYPE = "^[a-z0-9-]+\\.[a-z0-9]+$"
INSTANCE_TYPE_DOCS = "Amazon EC2 Instance Types guide, 'Amazon EC2 instance type naming conventions'"
VPC_ID = "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$"
SUBNET_ID = "^subnet-([0-9a-f]{8}|[0-9a-f]{17})$"

CLUSTER_BOUNDS: tuple[Bound, ...] = (
    Bound(
        "EksClusterArgs",
        "vpc_id",
        {"pattern": VPC_ID},
        "is not a VPC ID (vpc-, then 8 or 17 hexadecimal digits)",
        EC2_ID_DOCS,
        "give the VPC's ID as aws ec2 describe-vpcs shows it",
    ),
    Bound(
        "EksClusterArgs",
        "private_subnet_ids",
        {"minItems": 2},
        "lists {count} subnet(s); the control plane needs subnets in at least two Availability Zones",
        SUBNETS_DOCS,
        "list the VPC's private subnets, in at least two Availability Zones",
    ),
    Bound(
        "EksClusterArgs",
        "private_subnet_ids",
        {"items": {"pattern": SUBNET_ID}},
        "is not a subnet ID (subnet-, then 8 or 17 hexadecimal digits)",
        EC2_ID_DOCS,
        "give the subnet's ID as aws ec2 describe-subnets shows it",
    ),
    Bound(
        "EksClusterArgs",
        "public_subnet_ids",
        {"items": {"pattern": SUBNET_ID}},
        "is not a subnet ID (subnet-, then 8 or 17 hexadecimal digits)",
        EC2_ID_DOCS,
        "give the subnet's ID as aws ec2 describe-subnets shows it",
    ),
    Bound(
        "NodeGroupArgs",
        "min_size",
        {"minimum": 0, "maximum": 1000},
        "is outside {low}..{high}",
        f"{SCALING_DOCS} (minSize >= 0; 1,000 nodes per group quota)",
        "give {low}..{high}",
    ),
    Bound(
        "NodeGroupArgs",
        "max_size",
        {"minimum": 1, "maximum": 1000},
        "is outside {low}..{high}",
        f"{SCALING_DOCS} (maxSize >= 1; 1,000 nodes per group quota)",
        "give {low}..{high}",
    ),
    Bound(
        "NodeGroupArgs",
        "desired_size",
        {"minimum": 0, "maximum": 1000},
        "is outside {low}..{high}",
        f"{SCALING_DOCS} (desiredSize >= 0; 1,000 nodes per group quota)",
        "give {low}..{high}",
    ),
    Bound(
        "NodeGroupArgs",
        "disk_size",
        {"minimum": 20, "maximum": 16384},
        "is outside {low}..{high}",
        DISK_DOCS,
        "give {low}..{high} (GiB)",
    ),
    Bound(
        "NodeGroupArgs",
        "imds_hop_limit",
        {"minimum": 1, "maximum": 64},
        "is outside {low}..{high}",
        HOP_LIMIT_DOCS,
        "give {low}..{high}",
    ),
    Bound(
        "EksClusterArgs",
        "kubernetes_version",
        {"pattern": KUBERNETES_VERSION},
        "is not a Kubernetes minor version (1.N)",
        KUBERNETES_VERSION_DOCS,
        "give the minor version, as 1.33",
    ),
    Bound(
        "EksClusterArgs",
        "oidc_client_ids",
        {"minItems": 1, "maxItems": OIDC_CLIENT_IDS_MAX},
        f"must hold 1 to {OIDC_CLIENT_IDS_MAX} ids",
        OIDC_PROVIDER_DOCS,
        "list the audiences",
    ),
    Bound(
        "EksClusterArgs",
        "oidc_client_ids",
        {"items": {"minLength": 1, "maxLength": OIDC_CLIENT_ID_MAX}},
        f"is not 1 to {OIDC_CLIENT_ID_MAX} characters",
        OIDC_PROVIDER_DOCS,
        "give the audience your tokens carry",
    ),
    Bound(
        "NodeGroupArgs",
        "instance_types",
        {"minItems": 1},
        "is empty",
        "EKS API Reference, CreateNodegroup (instanceTypes)",
        "list at least one EC2 instance type",
    ),
    Bound(
        "NodeGroupArgs",
        "instance_types",
        {"items": {"pattern": INSTANCE_TYPE}},
        "is not an EC2 instance type (family, generation and attributes, a dot, a size: m6i.large)",
        INSTANCE_TYPE_DOCS,
        "give the type as aws ec2 describe-instance-types shows it",
    ),
)
"""Every bound on a cluster field's plain value, with its source; the one owner of these rules (the catalog's schema
derives its keywords from it: :func:`schema_bounds`)."""


def schema_bounds(owner: str, field: str) -> dict[str, Any]:
    """The JSON Schema keywords of :data:`CLUSTER_BOUNDS` for ``owner``'s ``field``, merged (``{}`` when none):
    what the catalog's schema shows for the field."""
    merged: dict[str, Any] = {}
    for bound in CLUSTER_BOUNDS:
        if (bound.owner, bound.field) == (owner, field):
            for key, value in bound.keywords.items():
                merged[key] = {**merged.get(key, {}), **value} if isinstance(value, Mapping) else value
    return merged


def check_bounds(owner: str, where: str, values: Mapping[str, Any]) -> list[Problem]:
    """The :data:`CLUSTER_BOUNDS` of ``owner`` on ``values`` (field -> value), each problem's field
    ``<where><field>`` (``node_groups.general.`` for a node group); plain values only (see :class:`Bound`)."""
    problems = []
    for bound in CLUSTER_BOUNDS:
        value = values.get(bound.field)
        if bound.owner != owner or value is None or not plain(value):
            continue
        words = {"low": bound.keywords.get("minimum"), "high": bound.keywords.get("maximum")}
        field = f"{where}{bound.field}"
        for at, item in _bound_failures(bound.keywords, value):
            words["count"] = len(item) if isinstance(item, list) else item
            problems.append(
                Problem(f"{field}{at}", item, bound.rule.format(**words), bound.source, bound.fix.format(**words))
            )
    return problems


def _bound_failures(keywords: Mapping[str, Any], value: Any) -> list[tuple[str, Any]]:
    """``(index suffix, value)`` of each part of ``value`` that breaks ``keywords`` (see :class:`Bound`)."""
    failures: list[tuple[str, Any]] = []
    if isinstance(value, bool):
        return failures
    if isinstance(value, int):
        low, high = keywords.get("minimum", value), keywords.get("maximum", value)
        if not low <= value <= high:
            failures.append(("", value))
    if isinstance(value, str) and (
        ("pattern" in keywords and not re.search(keywords["pattern"], value))
        or not keywords.get("minLength", 0) <= len(value) <= keywords.get("maxLength", len(value))
    ):
        failures.append(("", value))
    if isinstance(value, list):
        if not keywords.get("minItems", 0) <= len(value) <= keywords.get("maxItems", len(value)):
            failures.append(("", value))
        for index, item in enumerate(value):
            if plain(item):
                failures += [(f"[{index}]", bad) for _, bad in _bound_failures(keywords.get("items", {}), item)]
    return failures


def check_cluster_args(
    args: EksClusterArgs, deployer_arn: str | None = None, creator_arn: str | None = None
) -> list[Problem]:
    """Every rule on :class:`EksClusterArgs`, fields named as in it (``node_groups.general.imds_hop_limit``).

    First its shape (:func:`eks_irsa.shape.check_shape`: known keys, required keys, types; the other rules then
    read the args without the keys whose shape is wrong; the partition is an
    :class:`~eks_irsa.iam.partition.AwsPartition`), then :data:`CLUSTER_BOUNDS` (ID forms, two private subnets,
    the Kubernetes version's form, the OIDC client IDs' count and length, node counts, instance types, disk,
    hop limit; the add-on versions are not looked up for a version of another form), and node groups unless
    ``auto_mode`` is on (:data:`NO_NODES_DOCS`).

    The cluster name (EKS CreateCluster), tags (IAM/EKS tag quotas), an endpoint reachable at all, a
    public one narrow, ``public_access_cidrs`` only with a public endpoint (pulumi-eks throws at deploy
    otherwise), a private-only one with a way in (EKS User Guide, 'Cluster API server endpoint'), the
    the identity that created the cluster (``creator_arn``, else the args' ``creator_arn``) and the one running
    pulumi (``deployer_arn``) against the admins (:func:`eks_irsa.access.check_access_entries`), the creator tag,
    the OIDC client IDs and log types, IMDSv2 with hop limit 1 unless opted in
    (:func:`eks_irsa.iam.review.check_instance_metadata`),
    ``min_size <= desired_size <= max_size`` (EKS NodegroupScalingConfig), node group names that fit a
    generated EKS name, AMI types of the closed set that exist for the Kubernetes version
    (:func:`~eks_irsa.nodegroup.check_ami_type`), the upgrade policy, and add-on versions
    (:func:`~eks_irsa.versions.check_addon_versions`).
    """
    shape = check_shape("", args, EksClusterArgs)
    if shape:
        roots = root_keys(shape)
        if not isinstance(args, Mapping) or roots & set(EksClusterArgs.__required_keys__):
            return shape
        rest = cast(EksClusterArgs, {k: v for k, v in args.items() if k not in roots})
        found = check_cluster_args(rest, deployer_arn, creator_arn)
        return shape + [p for p in found if root_keys([p]).isdisjoint(roots)]
    a = with_defaults(args)
    outputs = _outputs_in_plain_fields(a)
    if outputs:
        return outputs
    problems = limits.check_cluster_name("cluster_name", a.cluster_name)
    bounds = check_bounds("EksClusterArgs", "", vars(a))
    version_known = "kubernetes_version" not in {p.field for p in bounds}
    problems += bounds
    if not a.node_groups and not a.auto_mode:
        problems.append(
            Problem(
                "node_groups",
                [],
                "is empty and EKS Auto Mode is off: no node would run the cluster's pods (CoreDNS, the services)",
                NO_NODES_DOCS,
                "add a node group, or turn auto_mode on",
            )
        )
    problems += limits.check_tags("tags", a.tags)
    if not a.endpoint_public_access and not a.endpoint_private_access:
        problems.append(
            Problem(
                "endpoint_private_access",
                False,
                "turns off both private and public access",
                "EKS User Guide, 'Cluster API server endpoint'",
                "keep endpoint_private_access on",
            )
        )
    if a.endpoint_public_access:
        problems += limits.check_public_access_cidrs("public_access_cidrs", list(a.public_access_cidrs))
    elif a.public_access_cidrs:
        problems.append(
            Problem(
                "public_access_cidrs",
                list(a.public_access_cidrs),
                "are set while endpoint_public_access is off; pulumi-eks refuses them at deploy time "
                "('publicAccessCidrs can only be set when endpointPublicAccess is true')",
                "EKS API Reference, VpcConfigRequest.publicAccessCidrs; pulumi-eks nodejs/eks/cluster/cluster.ts",
                "remove public_access_cidrs, or turn endpoint_public_access on",
            )
        )
    problems += check_endpoint_access(
        "private_access_cidrs",
        list(a.private_access_cidrs),
        "private_access_security_group_ids",
        list(a.private_access_security_group_ids),
        a.endpoint_public_access,
        frozenset(i for i, g in enumerate(a.private_access_security_group_ids) if not plain(g)),
    )
    problems += check_admins("admin_principal_arns", list(a.admin_principal_arns))
    creator = creator_arn or getattr(a, "creator_arn", None)
    problems += check_access_entries(
        "admin_principal_arns",
        list(a.admin_principal_arns),
        "bootstrap_creator_admin",
        a.bootstrap_creator_admin,
        creator,
        deployer_arn,
    )
    if CREATOR_TAG in a.tags:
        problems.append(
            Problem(
                f"tags.{CREATOR_TAG}",
                a.tags[CREATOR_TAG],
                "is the tag this component writes once to record who created the cluster",
                "eks_irsa.access.CREATOR_TAG",
                "remove it from tags (give creator_arn to name the creator)",
            )
        )
    elif a.bootstrap_creator_admin and creator:
        problems += limits.check_tags("creator_arn", {CREATOR_TAG: creator_tag_value(creator)})
    problems += _check_client_ids(list(a.oidc_client_ids))
    known = {t.value for t in ControlPlaneLog}
    for index, log_type in enumerate(a.enabled_cluster_log_types):
        if log_type not in known:
            problems.append(
                Problem(
                    f"enabled_cluster_log_types[{index}]",
                    log_type,
                    "is not an EKS control plane log type",
                    LOGGING_DOCS,
                    f"use some of: {', '.join(t.value for t in ControlPlaneLog)}",
                )
            )
    if a.upgrade_support_type not in {t.value for t in SupportType}:
        problems.append(
            Problem(
                "upgrade_support_type",
                a.upgrade_support_type,
                "is not an EKS upgrade policy support type",
                UPGRADE_POLICY_DOCS,
                f"use one of {', '.join(t.value for t in SupportType)}",
            )
        )
    # The agent counts whatever pod_identity_agent says: the catalog checks before it knows the services' identities.
    installed = set(cluster_addons(a.auto_mode, bool(a.node_groups), True)) | CATALOG_EKS_ADDONS
    if version_known:
        problems += check_addon_versions("addon_versions", a.kubernetes_version, dict(a.addon_versions), installed)
    for group in a.node_groups:
        where = f"node_groups.{group.name}"
        problems += check_node_group_name(f"{where}.name", group.name)
        problems += check_bounds("NodeGroupArgs", f"{where}.", vars(group))
        problems += check_ami_type(f"{where}.ami_type", group.ami_type, a.kubernetes_version)
        problems += check_instance_metadata(
            f"{where}.metadata_options",
            NODE_METADATA_OPTIONS["http_endpoint"],
            NODE_METADATA_OPTIONS["http_tokens"],
            group.imds_hop_limit,
            group.allow_pod_imds_access,
            hop_limit_field=f"{where}.imds_hop_limit",
            hop_limit_fix="keep 1, or set allow_pod_imds_access to opt in knowingly",
        )
        if not group.min_size <= group.desired_size <= group.max_size:
            problems.append(
                Problem(
                    where,
                    {"min_size": group.min_size, "desired_size": group.desired_size, "max_size": group.max_size},
                    "breaks min_size <= desired_size <= max_size",
                    "EKS API Reference, NodegroupScalingConfig",
                    "order the sizes",
                )
            )
    return problems


PLAIN_FIELDS = (
    "cluster_name",
    "deployer_arn",
    "creator_arn",
    "admin_principal_arns",
    "public_access_cidrs",
    "private_access_cidrs",
    "private_access_security_group_ids",
)
"""The fields of :class:`EksClusterArgs` checked or keying children before registration, so plain (each
field's docstring says why); only the entries of ``private_access_security_group_ids`` may be Outputs."""


def _outputs_in_plain_fields(a: SimpleNamespace) -> list[Problem]:
    """A Pulumi Output given for a plain field, or inside a plain list (the ids of
    ``private_access_security_group_ids`` excepted): one problem each, rather than a check failing on a value
    it cannot read."""
    found = []
    for field in PLAIN_FIELDS:
        value = getattr(a, field, None)
        if not plain(value):
            found.append(_output_problem(field))
        elif isinstance(value, list) and field != "private_access_security_group_ids":
            found += [_output_problem(f"{field}[{i}]") for i, v in enumerate(value) if not plain(v)]
    return found


def _output_problem(field: str) -> Problem:
    return Problem(
        field,
        "<Output>",
        "is a Pulumi Output, but this field must be known before anything is registered (its docstring says why)",
        "eks_irsa.EksClusterArgs",
        "give the value itself; of private_access_security_group_ids, the list itself (its ids may be Outputs)",
    )


def _check_client_ids(client_ids: list[str]) -> list[Problem]:
    """``sts.amazonaws.com`` among the IAM OIDC provider's client IDs (their count and length are
    :data:`CLUSTER_BOUNDS`)."""
    problems = []
    if DEFAULT_AUDIENCE not in client_ids:
        problems.append(
            Problem(
                "oidc_client_ids",
                client_ids,
                f"lacks {DEFAULT_AUDIENCE}, the audience of the VPC CNI's role, of every role without an audience "
                "and of the tokens the EKS pod identity webhook projects by default",
                "EKS User Guide, 'Create an IAM OIDC provider for your cluster'",
                f"keep {DEFAULT_AUDIENCE} and add your own audiences beside it",
            )
        )
    return problems
