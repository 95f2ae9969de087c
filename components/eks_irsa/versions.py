"""Versions that do not move by themselves: the default Kubernetes version, the cluster's upgrade policy, and
the version rule of every EKS add-on this package installs. Pure: no Pulumi import.

Two rules, one per add-on (each add-on's :class:`~eks_irsa.addons.spec.EksAddon` names its own):

- :attr:`VersionRule.FOLLOWS_CLUSTER`: pinned per Kubernetes minor version in :data:`PINNED_ADDON_VERSIONS`;
  changing ``kubernetes_version`` moves the add-on with the cluster, nothing else does. A Kubernetes version
  the table lacks needs an explicit version in ``addon_versions``.
- :attr:`VersionRule.HELD_FROM_CREATION`: no version is sent, so EKS installs its default for the cluster's
  Kubernetes version when the add-on is created, and the AWS provider then keeps it (``addonVersion`` is an
  optional, computed input: no diff on later runs, no upgrade with the cluster). Upgrading it is a choice the
  stack writes down in ``addon_versions``.

A version in ``addon_versions`` wins over either rule.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .errors import Problem

RELEASE_CALENDAR = "EKS User Guide, 'Understand the Kubernetes version lifecycle on EKS' (release calendar)"
"""The source of :data:`EKS_SUPPORT` and of every version-support rule."""
UPGRADE_POLICY_DOCS = "EKS API Reference, UpgradePolicyRequest supportType; EKS User Guide, 'EKS extended support'"
ADDON_VERSION_DOCS = (
    "EKS User Guide, 'Manage kube-proxy in Amazon EKS clusters' and 'Manage CoreDNS for DNS in Amazon EKS "
    "clusters', version tables (the docs.amazonaws.cn zh_cn pages managing-kube-proxy.md and managing-coredns.md, "
    "read 2026-12-02); check against: aws eks "
    "describe-addon-versions --kubernetes-version <1.N> --addon-name <name>"
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


class SupportType(StrEnum):
    """What EKS does when the cluster's version leaves standard support (:data:`UPGRADE_POLICY_DOCS`)."""

    EXTENDED = "EXTENDED"
    """Stay on the version for 12 more months of extended support, at an extra hourly charge per cluster."""
    STANDARD = "STANDARD"
    """EKS upgrades the control plane by itself when standard support ends; the stack then names an older
    version than the cluster runs, and its next ``pulumi up`` fails until ``kubernetes_version`` follows."""


DEFAULT_SUPPORT_TYPE = SupportType.EXTENDED
"""Set explicitly so the control plane never moves by itself: an upgrade is a change to the stack, at the
cost of extended support's charge if the stack lags (:data:`UPGRADE_POLICY_DOCS`)."""


class VersionRule(StrEnum):
    """How an EKS add-on's version is chosen (see the module docstring)."""

    FOLLOWS_CLUSTER = "follows-cluster"
    HELD_FROM_CREATION = "held-from-creation"


PINNED_ADDON_VERSIONS: Mapping[str, Mapping[str, str]] = {
    "kube-proxy": {"1.33": "v1.33.10-eksbuild.2", "1.34": "v1.34.6-eksbuild.2", "1.35": "v1.35.3-eksbuild.2"},
    "coredns": {"1.33": "v1.13.2-eksbuild.4", "1.34": "v1.13.2-eksbuild.4", "1.35": "v1.13.2-eksbuild.4"},
}
"""Versions of the :attr:`VersionRule.FOLLOWS_CLUSTER` add-ons per Kubernetes version (:data:`ADDON_VERSION_DOCS`)."""

CORE_ADDONS: Mapping[str, VersionRule] = {
    "kube-proxy": VersionRule.FOLLOWS_CLUSTER,
    "coredns": VersionRule.FOLLOWS_CLUSTER,
    "eks-pod-identity-agent": VersionRule.HELD_FROM_CREATION,
}
"""The cluster's own add-ons that no catalog add-on spec describes (``vpc-cni`` is one: its spec gives its rule)."""


def addon_version(addon: str, rule: VersionRule, kubernetes_version: str, overrides: Mapping[str, str]) -> str | None:
    """The version to send for ``addon``: the override, else the pinned one, else ``None`` (EKS's default
    at creation, then held). Call :func:`check_addon_versions` first; a missing pin raises ``KeyError``."""
    if addon in overrides:
        return overrides[addon]
    if rule is VersionRule.FOLLOWS_CLUSTER:
        return PINNED_ADDON_VERSIONS[addon][kubernetes_version]
    return None


def check_addon_versions(
    field: str, kubernetes_version: str, overrides: Mapping[str, str], rules: Mapping[str, VersionRule]
) -> list[Problem]:
    """Every add-on that follows the cluster has a version for ``kubernetes_version``; overrides name
    add-ons that are installed and are non-empty strings."""
    problems = []
    for addon, rule in sorted(rules.items()):
        pinned = PINNED_ADDON_VERSIONS.get(addon, {})
        if rule is VersionRule.FOLLOWS_CLUSTER and kubernetes_version not in pinned and addon not in overrides:
            problems.append(
                Problem(
                    f"{field}.{addon}",
                    None,
                    f"has no pinned version for Kubernetes {kubernetes_version} (this package pins "
                    f"{', '.join(sorted(pinned))}); without one pulumi-eks would take the newest on every run",
                    ADDON_VERSION_DOCS,
                    f"set {field}.{addon} to a version describe-addon-versions lists for {kubernetes_version}",
                )
            )
    for addon, version in sorted(overrides.items()):
        if addon not in rules:
            problems.append(
                Problem(
                    f"{field}.{addon}",
                    version,
                    "names an add-on this stack does not install",
                    "this package (eks_irsa.versions)",
                    f"use one of {', '.join(sorted(rules))}",
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
