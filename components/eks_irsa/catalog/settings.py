"""The catalog's typed settings: what :func:`~eks_irsa.catalog.load.load_catalog` returns for a stack file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..contract.access import KubeconfigCredentials
from ..contract.nodegroup import NodeGroupArgs
from ..iam import limits
from ..iam.trust import DEFAULT_AUDIENCE
from ..plan import IdentityType, RolePlan
from ..plan.cluster import CLUSTER_DEFAULTS


@dataclass(frozen=True)
class ClusterSettings:
    """The EKS cluster this stack makes: ``eks-irsa:cluster`` mapped onto ``EksClusterArgs``.

    Attributes:
        args: the ``EksClusterArgs`` fields the catalog gives, mapped by
            :func:`~eks_irsa.contract.catalog.cluster_from_catalog` (only the keys written; node groups as
            ``NodeGroupArgs`` named by their key), plus the ``deployer_arn`` or ``creator_arn`` the loader looked up.
            :func:`~eks_irsa.catalog.cluster_args` adds the stack-wide fields
            (:data:`~eks_irsa.contract.catalog.CLUSTER_PROGRAM_FIELDS`).
        protect: ``eks-irsa:cluster.protect``, the ``protect`` resource option of the ``EksCluster``.

    The properties read a field with the component's default (:data:`eks_irsa.plan.cluster.CLUSTER_DEFAULTS`,
    the one place defaults are applied) for the commands that judge the settings (preflight, plan).
    """

    args: Mapping[str, Any]
    protect: bool = False

    def _value(self, name: str) -> Any:
        return self.args.get(name, CLUSTER_DEFAULTS.get(name))

    @property
    def name(self) -> str:
        """``cluster_name``: the EKS cluster's name."""
        return str(self.args["cluster_name"])

    @property
    def vpc_id(self) -> str:
        """``vpc_id``."""
        return str(self.args["vpc_id"])

    @property
    def private_subnet_ids(self) -> tuple[str, ...]:
        """``private_subnet_ids``."""
        return tuple(self.args["private_subnet_ids"])

    @property
    def public_subnet_ids(self) -> tuple[str, ...]:
        """``public_subnet_ids``; default none."""
        return tuple(self._value("public_subnet_ids"))

    @property
    def node_groups(self) -> tuple[NodeGroupArgs, ...]:
        """``node_groups``; default none."""
        return tuple(self._value("node_groups"))

    @property
    def kubernetes_version(self) -> str:
        """``kubernetes_version``, with its default."""
        return str(self._value("kubernetes_version"))

    @property
    def endpoint_private_access(self) -> bool:
        """``endpoint_private_access``, with its default."""
        return bool(self._value("endpoint_private_access"))

    @property
    def endpoint_public_access(self) -> bool:
        """``endpoint_public_access``, with its default."""
        return bool(self._value("endpoint_public_access"))

    @property
    def public_access_cidrs(self) -> tuple[str, ...]:
        """``public_access_cidrs``; default none."""
        return tuple(self._value("public_access_cidrs"))

    @property
    def private_access_cidrs(self) -> tuple[str, ...]:
        """``private_access_cidrs``; default none."""
        return tuple(self._value("private_access_cidrs"))

    @property
    def private_access_security_group_ids(self) -> tuple[str, ...]:
        """``private_access_security_group_ids``; default none."""
        return tuple(self._value("private_access_security_group_ids"))

    @property
    def admin_principal_arns(self) -> tuple[str, ...]:
        """``admin_principal_arns`` (the catalog's ``admins``); default none."""
        return tuple(self._value("admin_principal_arns"))

    @property
    def bootstrap_creator_admin(self) -> bool:
        """``bootstrap_creator_admin``, with its default."""
        return bool(self._value("bootstrap_creator_admin"))

    @property
    def deployer_arn(self) -> str | None:
        """``deployer_arn``, when the loader looked it up."""
        return self.args.get("deployer_arn")

    @property
    def tags(self) -> Mapping[str, str]:
        """``tags``; default none."""
        return dict(self._value("tags"))

    @property
    def oidc_client_ids(self) -> tuple[str, ...]:
        """``oidc_client_ids``, with its default."""
        return tuple(self._value("oidc_client_ids"))

    @property
    def auto_mode(self) -> bool:
        """``auto_mode``, with its default."""
        return bool(self._value("auto_mode"))


AUTO_MODE_ADDONS: Mapping[str, str] = {
    "vpc-cni": "pod networking",
    "ebs-csi-driver": "block storage",
    "aws-load-balancer-controller": "load balancing",
    "karpenter": "compute (its own Karpenter)",
}
"""Add-ons EKS Auto Mode runs itself, with the cluster role's permissions (EKS User Guide, 'Automate
cluster infrastructure with EKS Auto Mode'); a catalog role for one of them is refused."""


@dataclass(frozen=True)
class ExistingClusterSettings:
    """A cluster made elsewhere (``eks-irsa:existingCluster``): looked up by name, or read from the stack that made it.

    Attributes:
        args: the ``ExistingClusterArgs`` fields the catalog gives, mapped by
            :func:`~eks_irsa.contract.catalog.existing_from_catalog`; :func:`~eks_irsa.catalog.existing_cluster_args`
            adds the stack-wide fields (:data:`~eks_irsa.contract.catalog.EXISTING_PROGRAM_FIELDS`).
        oidc_client_ids: ``oidcClientIds``, the client IDs of the cluster's IAM OIDC provider.
        tags: ``tags``, on every role this stack makes.
    """

    args: Mapping[str, Any]
    oidc_client_ids: tuple[str, ...] = (DEFAULT_AUDIENCE,)
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``cluster_name``: the EKS cluster's name."""
        return str(self.args["cluster_name"])

    @property
    def stack_reference(self) -> str | None:
        """``stack_reference``: ``<org>/<project>/<stack>`` of a stack made with this package, or ``None`` to look
        the cluster up by name."""
        return self.args.get("stack_reference")


@dataclass(frozen=True)
class AccountSettings:
    """Another AWS account roles may live in (cross-account IRSA).

    Attributes:
        name: the key under ``eks-irsa:accounts``; services name it in ``account``.
        account_id: 12 digits.
        assume_role_arn: the role Pulumi assumes to create the OIDC provider and roles there.
    """

    name: str
    account_id: str
    assume_role_arn: str


@dataclass(frozen=True)
class ServiceSettings:
    """One microservice of the catalog, mapped onto ``IrsaRoleArgs`` (every ``${variable}`` substituted,
    every file read); the cluster inputs are added by :func:`role_args`.

    Attributes:
        name: the key under ``eks-irsa:services``; the ``IrsaRole``'s logical name.
        args: the ``IrsaRoleArgs`` fields the catalog sets.
        statement_fields: the catalog path of each ``args["statements"][i]`` (a ``statements`` entry, a
            ``policyFiles`` statement or the ``addon``), so problems name what the user wrote.
        account: the ``eks-irsa:accounts`` key the role lives in, or ``None`` for the stack's account.
        addon: the ``addon.name`` (a key of :data:`eks_irsa.addons.ADDONS`), or ``None``.
        target_account: cross-account Pod Identity: the ``eks-irsa:accounts`` key the target role is
            created in (``targetRole.account``), or ``None``.
        deprecations: one line per key written under a former name (``target``), added to the plan's warnings.
    """

    name: str
    args: Mapping[str, Any]
    statement_fields: tuple[str, ...]
    account: str | None = None
    addon: str | None = None
    target_account: str | None = None
    deprecations: tuple[str, ...] = ()

    @property
    def identity(self) -> IdentityType:
        """The service's identity mode."""
        return IdentityType(self.args.get("identity", IdentityType.IRSA))

    @property
    def namespace(self) -> str:
        """The service's namespace."""
        return self.args["namespace"]

    @property
    def create_service_account(self) -> bool:
        """Whether the service's ServiceAccount(s) are created (a pattern alone creates none)."""
        named = self.args.get("service_account") or self.args.get("service_accounts")
        return bool(self.args.get("create_service_account", True)) and bool(
            named or not self.args.get("subject_pattern")
        )


@dataclass(frozen=True)
class StackSettings:
    """Everything the program needs, validated.

    Attributes:
        account_id: the first of ``aws:allowedAccountIds``: the account roles and ARNs live in.
        partition: derived once from ``region`` (``aws``, ``aws-cn``, ``aws-us-gov``, ...).
        create_namespaces: ``eks-irsa:createNamespaces``; default ``True`` for a cluster this stack makes,
            ``False`` for an existing cluster: its namespaces usually exist, and pulumi-kubernetes (4.34, whose
            provider option ``upsertExistingObjects`` defaults to false; pulumi/pulumi-kubernetes#4278) fails
            with AlreadyExists on creating an object that exists.
        kubeconfig_credentials: the identity of ``aws eks get-token``, from ``aws:profile`` and
            ``aws:assumeRoles`` (see :func:`eks_irsa.access.credentials_from_aws_config`).
    """

    region: str
    partition: str
    account_id: str
    allowed_account_ids: tuple[str, ...]
    cluster: ClusterSettings | ExistingClusterSettings
    services: tuple[ServiceSettings, ...]
    plans: Mapping[str, RolePlan] = field(default_factory=dict)
    accounts: Mapping[str, AccountSettings] = field(default_factory=dict)
    create_namespaces: bool = True
    trust_policy_max_size: int = limits.TRUST_POLICY_MAX_DEFAULT
    max_managed_policies: int = limits.MANAGED_POLICIES_PER_ROLE_DEFAULT
    kubeconfig_credentials: KubeconfigCredentials = field(default_factory=lambda: KubeconfigCredentials())
