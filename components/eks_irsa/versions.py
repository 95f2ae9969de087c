"""Versions that do not move by themselves: the default Kubernetes version, the cluster's upgrade policy, and
one table of the EKS add-on versions this package installs, per Kubernetes minor version
(:data:`ADDON_VERSIONS`). Pure: no Pulumi import.

Each add-on's version, in this order:

1. ``addon_versions`` of the stack, when it names the add-on (it always wins);
2. its row of :data:`ADDON_VERSIONS` for the cluster's Kubernetes version (:attr:`VersionRule.PINNED`):
   changing ``kubernetes_version`` moves the add-on with the cluster, nothing else does;
3. for an add-on whose row lists no versions because EKS publishes no version table for it
   (:attr:`VersionRule.EKS_DEFAULT`): the version EKS marks as default for the cluster's Kubernetes version
   (``DescribeAddonVersions`` ``compatibilities[].defaultVersion``, read at deploy time with
   ``aws.eks.getAddonVersion``, never ``mostRecent``). It also moves with ``kubernetes_version``; it moves
   without a change to the stack only if AWS changes that default, which an entry in ``addon_versions``
   prevents.

An upgrade applies in the order of the dependencies :class:`~eks_irsa.EksCluster` declares
(:data:`UPGRADE_ORDER`).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .contract.enums import SupportType as SupportType
from .errors import Problem

RELEASE_CALENDAR = "EKS User Guide, 'Understand the Kubernetes version lifecycle on EKS' (release calendar)"
"""The source of :data:`EKS_SUPPORT` and of every version-support rule."""
UPGRADE_POLICY_DOCS = "EKS API Reference, UpgradePolicyRequest supportType; EKS User Guide, 'EKS extended support'"
ADDON_VERSION_DOCS = (
    "EKS API Reference, DescribeAddonVersions; check a version with: aws eks describe-addon-versions "
    "--kubernetes-version <1.N> --addon-name <name>"
)


@dataclass(frozen=True)
class SupportWindow:
    """One Kubernetes minor version's support on EKS.

    Attributes:
        standard_end: the end of standard support (from that day on, extended support at extra cost).
        extended_end: the end of extended support (EKS then upgrades the cluster and refuses new ones).
    """

    standard_end: datetime.date
    extended_end: datetime.date


EKS_SUPPORT: Mapping[str, SupportWindow] = {
    "1.28": SupportWindow(datetime.date(2024, 11, 26), datetime.date(2025, 11, 26)),
    "1.29": SupportWindow(datetime.date(2025, 3, 23), datetime.date(2026, 3, 23)),
    "1.30": SupportWindow(datetime.date(2025, 7, 23), datetime.date(2026, 7, 23)),
    "1.31": SupportWindow(datetime.date(2025, 11, 26), datetime.date(2026, 11, 26)),
    "1.32": SupportWindow(datetime.date(2026, 3, 23), datetime.date(2027, 3, 23)),
    "1.33": SupportWindow(datetime.date(2026, 7, 29), datetime.date(2027, 7, 29)),
    "1.34": SupportWindow(datetime.date(2026, 12, 2), datetime.date(2027, 12, 2)),
    "1.35": SupportWindow(datetime.date(2027, 3, 27), datetime.date(2028, 3, 27)),
}
"""The EKS Kubernetes release calendar as published (EKS User Guide, 'Understand the Kubernetes version
lifecycle on EKS'), read for this table in 2026; newer versions are unknown to it and get a warning."""

DEFAULT_KUBERNETES_VERSION = "1.35"
"""In EKS standard support until 2027-03-27 (:data:`EKS_SUPPORT`); 1.34's ended on 2026-12-02."""


DEFAULT_SUPPORT_TYPE = SupportType.EXTENDED
"""Set explicitly so the control plane never moves by itself: an upgrade is a change to the stack, at the
cost of extended support's charge if the stack lags (:data:`UPGRADE_POLICY_DOCS`)."""


class VersionRule(StrEnum):
    """How an EKS add-on's version is chosen when ``addon_versions`` does not name it (the module docstring)."""

    PINNED = "pinned"
    """Its :data:`ADDON_VERSIONS` row lists a version per Kubernetes minor version."""
    EKS_DEFAULT = "eks-default"
    """EKS publishes no version table for it: EKS's default for the cluster's Kubernetes version."""


@dataclass(frozen=True)
class AddonVersions:
    """One row of :data:`ADDON_VERSIONS`: an EKS add-on's versions per Kubernetes minor version.

    Attributes:
        pinned: ``{"1.35": "v1.21.1-eksbuild.7", ...}``: the version for each Kubernetes minor version the
            source lists; empty when EKS publishes no version table for the add-on.
        source: where the versions were read, or, for an empty ``pinned``, where the default comes from.
        read: the day ``source`` was read (UTC), or ``None`` for a default read at deploy time.
    """

    pinned: Mapping[str, str]
    source: str
    read: datetime.date | None

    @property
    def rule(self) -> VersionRule:
        """:attr:`VersionRule.PINNED` when the row lists versions, else :attr:`VersionRule.EKS_DEFAULT`."""
        return VersionRule.PINNED if self.pinned else VersionRule.EKS_DEFAULT


_EKS_DEFAULT_SOURCE = (
    "EKS publishes no version table for this add-on; EKS API Reference, DescribeAddonVersions "
    "(compatibilities[].defaultVersion for the cluster's Kubernetes version), read at deploy time with "
    "aws.eks.getAddonVersion"
)

ADDON_VERSIONS: Mapping[str, AddonVersions] = {
    "kube-proxy": AddonVersions(
        {"1.33": "v1.33.10-eksbuild.2", "1.34": "v1.34.6-eksbuild.2", "1.35": "v1.35.3-eksbuild.2"},
        "EKS User Guide, 'Manage kube-proxy in Amazon EKS clusters', version table "
        "(docs.amazonaws.cn zh_cn managing-kube-proxy.md)",
        datetime.date(2026, 12, 2),
    ),
    "coredns": AddonVersions(
        {"1.33": "v1.13.2-eksbuild.4", "1.34": "v1.13.2-eksbuild.4", "1.35": "v1.13.2-eksbuild.4"},
        "EKS User Guide, 'Manage CoreDNS for DNS in Amazon EKS clusters', version table "
        "(docs.amazonaws.cn zh_cn managing-coredns.md)",
        datetime.date(2026, 12, 2),
    ),
    "vpc-cni": AddonVersions(
        {"1.33": "v1.21.1-eksbuild.7", "1.34": "v1.21.1-eksbuild.7", "1.35": "v1.21.1-eksbuild.7"},
        "EKS User Guide, 'Assign IPs to Pods with the Amazon VPC CNI', Amazon VPC CNI versions table "
        "(docs.amazonaws.cn zh_cn managing-vpc-cni.md)",
        datetime.date(2026, 12, 7),
    ),
    "eks-pod-identity-agent": AddonVersions({}, _EKS_DEFAULT_SOURCE, None),
    "aws-ebs-csi-driver": AddonVersions({}, _EKS_DEFAULT_SOURCE, None),
    "aws-efs-csi-driver": AddonVersions({}, _EKS_DEFAULT_SOURCE, None),
    "amazon-cloudwatch-observability": AddonVersions({}, _EKS_DEFAULT_SOURCE, None),
}
"""Every EKS add-on this package installs, by EKS add-on name, with its versions per Kubernetes minor version,
their source and the day it was read (:data:`ADDON_VERSION_DOCS` says how to check a row). A Kubernetes version a
pinned row lacks needs the add-on in ``addon_versions``."""

UPGRADE_ORDER = ("control plane", "node add-ons", "node groups", "workload add-ons")
"""The order a change of ``kubernetes_version`` applies in, from the dependencies :class:`~eks_irsa.EksCluster`
declares: the control plane first (everything depends on the cluster); then the add-ons nodes need to become Ready
(``vpc-cni``, ``kube-proxy``, ``eks-pod-identity-agent``), which the node groups depend on; then the node groups;
then the add-ons that need nodes to schedule on (``coredns`` and the catalog's EKS add-ons), which depend on the
node groups because EKS creates them ``DEGRADED`` without nodes. The EKS User Guide, 'Update existing cluster to new
Kubernetes version', orders: control plane, nodes, add-ons; the node add-ons come before the nodes here because
the nodes cannot become Ready without them when they are first created."""

NODE_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
"""The add-ons of the ``node add-ons`` step of :data:`UPGRADE_ORDER`: they run on every EC2 node."""


def cluster_addons(auto_mode: bool, has_node_groups: bool, pod_identity_agent: bool) -> tuple[str, ...]:
    """The EKS add-ons :class:`~eks_irsa.EksCluster` installs for its own nodes, sorted.

    Without Auto Mode, or with Auto Mode and managed node groups (a mixed cluster, which EKS supports: EKS User
    Guide, 'Enable EKS Auto Mode on an existing cluster'), the EC2 nodes of the node groups need ``vpc-cni`` (pod
    networking, with its IRSA role), ``kube-proxy`` (Service routing) and, with EKS Pod Identity,
    ``eks-pod-identity-agent``; Auto Mode runs none of them on its own nodes and, when it creates the cluster,
    EKS bootstraps none (pulumi-eks sets ``bootstrapSelfManagedAddons`` false in Auto Mode,
    nodejs/eks/cluster/cluster.ts). ``coredns`` always, as pulumi-eks keeps it in Auto Mode.
    """
    names = {"coredns"}
    if not auto_mode or has_node_groups:
        names |= {"vpc-cni", "kube-proxy"} | ({"eks-pod-identity-agent"} if pod_identity_agent else set())
    return tuple(sorted(names))


def addon_version(addon: str, kubernetes_version: str, overrides: Mapping[str, str]) -> str | None:
    """The version to send for ``addon``: the override, else its pinned version for ``kubernetes_version``,
    else ``None`` (:attr:`VersionRule.EKS_DEFAULT`: the caller looks up EKS's default for the Kubernetes version).

    Call :func:`check_addon_versions` first.

    Raises:
        KeyError: ``addon`` is not in :data:`ADDON_VERSIONS`, or its pinned row lacks ``kubernetes_version``.
    """
    if addon in overrides:
        return overrides[addon]
    row = ADDON_VERSIONS[addon]
    return row.pinned[kubernetes_version] if row.rule is VersionRule.PINNED else None


def check_addon_versions(
    field: str, kubernetes_version: str, overrides: Mapping[str, str], installed: frozenset[str] | set[str]
) -> list[Problem]:
    """Every installed add-on with a pinned row has a version for ``kubernetes_version`` or an override;
    overrides name installed add-ons and look like EKS add-on versions (``v<semver>-eksbuild.<n>``)."""
    problems = []
    for addon in sorted(installed):
        row = ADDON_VERSIONS[addon]
        if row.rule is VersionRule.PINNED and kubernetes_version not in row.pinned and addon not in overrides:
            problems.append(
                Problem(
                    f"{field}.{addon}",
                    None,
                    f"has no pinned version for Kubernetes {kubernetes_version} (this package pins "
                    f"{', '.join(sorted(row.pinned))}, read {row.read}); without one pulumi-eks would take the "
                    "newest on every run",
                    row.source,
                    f"set {field}.{addon} to a version describe-addon-versions lists for {kubernetes_version}",
                )
            )
    for addon, version in sorted(overrides.items()):
        if addon not in installed:
            problems.append(
                Problem(
                    f"{field}.{addon}",
                    version,
                    "names an add-on this stack does not install",
                    "this package (eks_irsa.versions.cluster_addons and the catalog's EKS add-ons)",
                    f"use one of {', '.join(sorted(installed))}",
                )
            )
        elif not isinstance(version, str) or not version.startswith("v"):
            problems.append(
                Problem(
                    f"{field}.{addon}",
                    version,
                    "is not an add-on version (v<semver>-eksbuild.<n>)",
                    ADDON_VERSION_DOCS,
                    "copy a version from describe-addon-versions",
                )
            )
    return problems
