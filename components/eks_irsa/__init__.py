"""eks_irsa: least-privilege workload identity on Amazon EKS, as Pulumi components.

    from eks_irsa import EksCluster, IrsaRole

Public names are listed in ``__all__``; everything else may change between minor versions.

Names are handed on lazily (PEP 562): ``import eks_irsa`` loads no component, and the pure modules
(``eks_irsa.iam``, ``eks_irsa.plan``, ``eks_irsa.contract``, ``eks_irsa.catalog``) load no Pulumi module; every
component's Args (``from eks_irsa import EksClusterArgs``) comes from the pure contract. A component's module,
and the Pulumi SDKs with it, loads the first time one of its names is read.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .accounts import AccountOidcProvider, AccountProvider
    from .catalog import load_catalog, role_args, stack_config
    from .cluster import EksCluster, cluster_creator_arn, deployer_arn
    from .contract.access import KubeconfigCredentials
    from .contract.accounts import AccountOidcProviderArgs, AccountProviderArgs
    from .contract.cluster import EksClusterArgs
    from .contract.enums import AmiType, ControlPlaneLog, SupportType
    from .contract.existing import ExistingClusterArgs
    from .contract.nodegroup import NodeGroupArgs
    from .contract.role import IrsaRoleArgs, PermissionStatement, ServiceAccountOptions, TargetRole, TrustedCluster
    from .errors import IrsaConfigError, Problem
    from .existing import ExistingCluster
    from .iam.partition import AwsPartition
    from .irsa import IrsaRole
    from .plan import IdentityType, RolePlan, plan_role

__version__ = "0.4.0"

_MODULES = {
    ".accounts": ("AccountOidcProvider", "AccountProvider"),
    ".catalog": ("load_catalog", "role_args", "stack_config"),
    ".cluster": ("EksCluster", "cluster_creator_arn", "deployer_arn"),
    ".contract.access": ("KubeconfigCredentials",),
    ".contract.accounts": ("AccountOidcProviderArgs", "AccountProviderArgs"),
    ".contract.cluster": ("EksClusterArgs",),
    ".contract.enums": ("AmiType", "ControlPlaneLog", "SupportType"),
    ".contract.existing": ("ExistingClusterArgs",),
    ".contract.nodegroup": ("NodeGroupArgs",),
    ".contract.role": ("IrsaRoleArgs", "PermissionStatement", "ServiceAccountOptions", "TargetRole", "TrustedCluster"),
    ".errors": ("IrsaConfigError", "Problem"),
    ".existing": ("ExistingCluster",),
    ".iam.partition": ("AwsPartition",),
    ".irsa": ("IrsaRole",),
    ".plan": ("IdentityType", "RolePlan", "plan_role"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}
"""Public name -> the module (relative to this package) that defines it."""

__all__ = [
    "AccountOidcProvider",
    "AccountOidcProviderArgs",
    "AccountProvider",
    "AccountProviderArgs",
    "AmiType",
    "AwsPartition",
    "ControlPlaneLog",
    "EksCluster",
    "EksClusterArgs",
    "ExistingCluster",
    "ExistingClusterArgs",
    "IdentityType",
    "IrsaConfigError",
    "IrsaRole",
    "IrsaRoleArgs",
    "KubeconfigCredentials",
    "NodeGroupArgs",
    "PermissionStatement",
    "Problem",
    "RolePlan",
    "ServiceAccountOptions",
    "SupportType",
    "TargetRole",
    "TrustedCluster",
    "__version__",
    "cluster_creator_arn",
    "deployer_arn",
    "load_catalog",
    "plan_role",
    "role_args",
    "stack_config",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and kept here (PEP 562).

    Raises:
        AttributeError: ``name`` is not a public name of this package (nor a submodule already imported).
    """
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names with the module's own attributes, as ``dir()`` shows them."""
    return sorted(set(globals()) | set(__all__))
