"""Rules on installing a catalog add-on as an EKS add-on: whose service account its role trusts, and one install
per add-on. Pure: :meth:`eks_irsa.EksCluster.install_addon` and the catalog (:mod:`eks_irsa.catalog`) both call
them, each naming the fields in its own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..errors import Problem
from .spec import AddonSpec, EksAddon

ADDONS_DOCS = "EKS User Guide, 'Amazon EKS add-ons'"
ONE_ADDON_PER_CLUSTER = (
    "EKS API Reference, CreateAddon (an add-on name is installed once per cluster; a second CreateAddon answers "
    "ResourceInUseException)"
)


def eks_addon_of(spec: AddonSpec) -> EksAddon | None:
    """The EKS add-on ``spec`` is installed as, or ``None`` for one the user installs (a Helm chart)."""
    return spec.installed_by if isinstance(spec.installed_by, EksAddon) else None


def check_addon_subjects(spec: AddonSpec, args: Mapping[str, object]) -> list[Problem]:
    """An EKS add-on's role must trust the add-on's own service account and nothing else.

    EKS installs the add-on's ServiceAccount itself (``spec.namespace``/``spec.service_account``) and annotates it
    with the role it is given; a role trusting another namespace, other names or a pattern is assumed by nothing
    the add-on runs, so the driver works without its permissions (EKS User Guide, 'Amazon EKS add-ons').

    Args:
        spec: the add-on; a Helm-chart add-on (the user binds the chart to the names) has no rule here.
        args: ``IrsaRoleArgs`` subject fields as the caller gave them: ``namespace``, ``service_account``,
            ``service_accounts``, ``subject_pattern`` (absent or ``None`` when not given).

    Returns:
        One problem per field that names another subject, fields as in ``IrsaRoleArgs``.
    """
    installed = eks_addon_of(spec)
    if installed is None:
        return []
    own = f"{spec.namespace}/{spec.service_account}"
    rule = (
        f"is not the service account of the EKS add-on {installed.name} ({own}): EKS annotates only its own with "
        "the role, so the add-on would run without these permissions"
    )
    problems = []
    if args.get("namespace") != spec.namespace:
        problems.append(Problem("namespace", args.get("namespace"), rule, ADDONS_DOCS, f"use {spec.namespace}"))
    named = args.get("service_account")
    if named is not None and named != spec.service_account:
        problems.append(Problem("service_account", named, rule, ADDONS_DOCS, "leave it out: the add-on's is used"))
    listed = args.get("service_accounts")
    if listed is not None and (not isinstance(listed, list | tuple) or list(listed) != [spec.service_account]):
        problems.append(Problem("service_accounts", listed, rule, ADDONS_DOCS, "leave it out: the add-on's is used"))
    if args.get("subject_pattern") is not None:
        problems.append(
            Problem("subject_pattern", args["subject_pattern"], rule, ADDONS_DOCS, "leave it out: the add-on's is used")
        )
    return problems


def check_single_install(installs: Sequence[tuple[str, AddonSpec]]) -> list[Problem]:
    """Each EKS add-on is installed for one service only (:data:`ONE_ADDON_PER_CLUSTER`).

    Args:
        installs: ``(field, spec)`` per service that installs an add-on, in the order the caller registers them;
            ``field`` is how the caller names that service's add-on (``eks-irsa:services.<name>.addon``).

    Returns:
        A problem at the field of every later install of an EKS add-on already installed.
    """
    first: dict[str, str] = {}
    problems = []
    for where, spec in installs:
        installed = eks_addon_of(spec)
        if installed is None:
            continue
        if installed.name in first:
            problems.append(
                Problem(
                    where,
                    spec.name,
                    f"installs the EKS add-on {installed.name}, which {first[installed.name]} installs already",
                    ONE_ADDON_PER_CLUSTER,
                    "keep one service for the add-on; give any other workload a role of its own, without addon",
                )
            )
        first.setdefault(installed.name, where)
    return problems
