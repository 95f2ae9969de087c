"""The catalog's cross-service rules: unique logical names, ServiceAccounts and role names; subject patterns that
cover another service's account; add-ons EKS Auto Mode runs itself; Pod Identity without a Linux node; other
accounts that are the stack's own or repeat one another; EKS add-ons installed twice or bound to another
service account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..addons import ADDONS
from ..addons.install import check_addon_subjects, check_single_install
from ..errors import Problem
from ..iam import limits
from ..iam.arn import wildcard_match
from ..iam.names import derive_role_name
from ..nodegroup import NODE_GROUP_DEFAULTS
from ..plan import POD_IDENTITY_DOCS, RolePlan
from .fields import catalog_problem
from .settings import AUTO_MODE_ADDONS, AccountSettings, ClusterSettings, ExistingClusterSettings, ServiceSettings

OIDC_PROVIDER_PER_URL = (
    "IAM API Reference, CreateOpenIDConnectProvider (one provider per URL in an account: EntityAlreadyExists)"
)


def auto_mode_addons(cluster: ClusterSettings | ExistingClusterSettings, catalog: Mapping[str, Any]) -> list[Problem]:
    """With Auto Mode, a catalog role for an add-on Auto Mode runs itself is refused."""
    if not isinstance(cluster, ClusterSettings) or not cluster.auto_mode:
        return []
    problems = []
    for name in sorted(catalog):
        entry = catalog[name] if isinstance(catalog[name], Mapping) else {}
        given = entry.get("addon")
        addon = given.get("name") if isinstance(given, Mapping) else None
        if isinstance(addon, str) and addon in AUTO_MODE_ADDONS:
            problems.append(
                Problem(
                    f"eks-irsa:services.{name}.addon",
                    addon,
                    f"is run by EKS Auto Mode itself ({AUTO_MODE_ADDONS[addon]}, with the cluster role's "
                    "permissions), so it gets no role here",
                    "EKS User Guide, 'Automate cluster infrastructure with EKS Auto Mode'",
                    "remove the service, or turn off eks-irsa:cluster.autoMode",
                )
            )
    return problems


def pod_identity_nodes(
    cluster: ClusterSettings | ExistingClusterSettings, plans: Mapping[str, RolePlan]
) -> list[Problem]:
    """Pod Identity needs a Linux EC2 node to run its agent on: refused when every node group is Windows.

    Source: EKS User Guide, 'EKS Pod Identity' (the agent is a DaemonSet on Linux Amazon EC2 nodes; Windows
    nodes and Fargate are not supported). Auto Mode runs the agent itself.
    """
    if not isinstance(cluster, ClusterSettings) or cluster.auto_mode or not cluster.node_groups:
        return []
    if not all(
        str(g.get("ami_type", NODE_GROUP_DEFAULTS["ami_type"])).startswith("WINDOWS") for g in cluster.node_groups
    ):
        return []
    return [
        Problem(
            f"eks-irsa:services.{name}.identity",
            plan.identity.value,
            "uses EKS Pod Identity, but every node group of the cluster is Windows, where its agent does not run",
            POD_IDENTITY_DOCS,
            "use identity irsa, or add a Linux node group",
        )
        for name, plan in sorted(plans.items())
        if plan.identity.uses_pod_identity
    ]


def _pattern_overlaps(plans: Mapping[str, RolePlan], named: Mapping[tuple[str, str], str]) -> list[Problem]:
    """A subject pattern must not cover a service account another service (or the VPC CNI) uses."""
    problems = []
    for plan in plans.values():
        for pattern in (s.service_account for s in plan.subjects if s.pattern):
            for (namespace, sa), owner in sorted(named.items()):
                if namespace == plan.namespace and owner != plan.name and wildcard_match(pattern, sa):
                    problems.append(
                        Problem(
                            f"eks-irsa:services.{plan.name}.subjectPattern",
                            pattern,
                            f"also matches {namespace}/{sa}, the service account of {owner}, which would then "
                            "assume this role",
                            "IAM User Guide, 'Condition operators' (StringLike)",
                            "narrow the pattern, or move one of the two to another namespace",
                        )
                    )
    return problems


def uniqueness(services: list[ServiceSettings], plans: Mapping[str, RolePlan], cluster_name: str) -> list[Problem]:
    """Logical names, ServiceAccounts and role names are unique across the stack (and apart from the VPC CNI's)."""
    problems: list[Problem] = []
    by_subject: dict[tuple[str, str], str] = {("kube-system", "aws-node"): "the cluster's vpc-cni add-on"}
    cni_role = derive_role_name(cluster_name, "kube-system", "aws-node").lower()
    by_role: dict[str, list[ServiceSettings]] = {}
    for service in services:
        where = f"eks-irsa:services.{service.name}"
        if service.name in (cluster_name, f"{cluster_name}-vpc-cni"):
            problems.append(
                Problem(
                    where,
                    service.name,
                    "is the logical name of one of the cluster's own components",
                    "this package (logical names are unique per stack)",
                    "rename the service",
                )
            )
        plan = plans.get(service.name)
        if plan is None:
            continue
        for sa in plan.service_accounts:
            subject = (plan.namespace, sa)
            if subject in by_subject:
                problems.append(
                    Problem(
                        f"{where}.serviceAccount",
                        f"{subject[0]}/{subject[1]}",
                        f"is already the service account of {by_subject[subject]}",
                        "Kubernetes docs, 'Object Names and IDs' (one name per namespace)",
                        "give each service its own service account",
                    )
                )
            by_subject.setdefault(subject, service.name)
        by_role.setdefault((plan.role_name or "").lower(), []).append(service)
    return problems + _role_name_clashes(cni_role, by_role, plans) + _pattern_overlaps(plans, by_subject)


def _role_name_clashes(
    cni_role: str, by_role: Mapping[str, list[ServiceSettings]], plans: Mapping[str, RolePlan]
) -> list[Problem]:
    """One problem per service whose role name another already has, at the service the user most likely just
    wrote: one with an explicit ``roleName`` rather than one whose name is derived (which nobody wrote); between
    two of a kind, the later by service name (the catalog is read sorted, so the stack file's order is not known).
    The cluster's own VPC CNI role (``cni_role``, lower case) is never the one blamed.

    Source: IAM CreateRole (role names are unique per account, case-insensitively).
    """
    problems: list[Problem] = []
    for key, owners in by_role.items():
        ordered = sorted(owners, key=lambda service: "role_name" in service.args)  # stable: by name within a kind
        if key == cni_role:
            kept = "vpc-cni"
        elif len(ordered) > 1:
            kept = ordered.pop(0).name
        else:
            continue
        for newer in ordered:
            how = "its roleName" if "role_name" in newer.args else "its derived role name"
            problems.append(
                Problem(
                    f"eks-irsa:services.{newer.name}.roleName",
                    plans[newer.name].role_name,
                    f"({how}) clashes with the role of {kept} (IAM role names are case-insensitive)",
                    limits.IAM_CREATE_ROLE,
                    "choose another roleName",
                )
            )
    return problems


def account_entries(
    account_id: str, accounts: Mapping[str, AccountSettings], services: list[ServiceSettings]
) -> list[Problem]:
    """``eks-irsa:accounts`` entries are other accounts: not the stack's own, and not one account twice.

    The program makes, in each account a service names in ``account``, an IAM OIDC provider for the cluster's
    issuer (:class:`eks_irsa.AccountOidcProvider`); in the stack's own account the cluster's provider is already
    there, and two entries for one account make two, so the second fails (:data:`OIDC_PROVIDER_PER_URL`).
    An entry for the stack's own account is refused even when only ``targetRole.account`` names it: a role of the
    stack's account needs no other provider or credentials.

    Args:
        account_id: the stack's account (the first of ``aws:allowedAccountIds``).
        accounts: ``eks-irsa:accounts`` by key.
        services: the catalog's services (``account`` names the entries that get an OIDC provider).
    """
    problems = []
    for key, account in sorted(accounts.items()):
        if account.account_id == account_id:
            problems.append(
                Problem(
                    f"eks-irsa:accounts.{key}.accountId",
                    account.account_id,
                    "is the stack's own account (the first of aws:allowedAccountIds), where the cluster's OIDC "
                    "provider already is: a second one for the same issuer fails with EntityAlreadyExists",
                    OIDC_PROVIDER_PER_URL,
                    f"remove eks-irsa:accounts.{key} and every service's account: {key} (roles live in the stack's "
                    "account by default)",
                )
            )
    used = sorted({s.account for s in services if s.account in accounts and s.account is not None})
    first: dict[str, str] = {}
    for key in used:
        account_id_of_key = accounts[key].account_id
        if account_id_of_key in first and account_id_of_key != account_id:
            problems.append(
                Problem(
                    f"eks-irsa:accounts.{key}.accountId",
                    account_id_of_key,
                    f"is also the accountId of eks-irsa:accounts.{first[account_id_of_key]}, which services use too: "
                    "each entry makes its own OIDC provider for the cluster's issuer, and the second fails with "
                    "EntityAlreadyExists",
                    OIDC_PROVIDER_PER_URL,
                    f"use eks-irsa:accounts.{first[account_id_of_key]} in the services that name {key}",
                )
            )
        first.setdefault(account_id_of_key, key)
    return problems


def eks_addons(services: list[ServiceSettings]) -> list[Problem]:
    """A service whose ``addon`` EKS installs trusts only the add-on's own service account, and each EKS add-on
    is installed for one service (:func:`eks_irsa.addons.install.check_addon_subjects` and
    :func:`~eks_irsa.addons.install.check_single_install`, the rules ``EksCluster.install_addon`` applies too),
    named in catalog keys."""
    problems = []
    for service in services:
        if service.addon is not None:
            found = check_addon_subjects(ADDONS[service.addon], service.args)
            problems += [catalog_problem(service, p) for p in found]
    installs = [(f"eks-irsa:services.{s.name}.addon", ADDONS[s.addon]) for s in services if s.addon is not None]
    return problems + check_single_install(installs)
