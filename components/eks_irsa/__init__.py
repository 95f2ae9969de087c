"""eks_irsa: least-privilege workload identity on Amazon EKS, as Pulumi components.

    from eks_irsa import EksCluster, IrsaRole

Public names are listed in ``__all__``; everything else may change between minor versions.
"""

from .accounts import AccountOidcProvider, AccountOidcProviderArgs, AccountProvider, AccountProviderArgs
from .catalog import load_catalog, role_args, stack_config
from .cluster import EksCluster, EksClusterArgs
from .errors import IrsaConfigError, Problem
from .existing import ExistingCluster, ExistingClusterArgs
from .irsa import IrsaRole, IrsaRoleArgs, PermissionStatement, ServiceAccountOptions, TargetRole, TrustedCluster
from .nodegroup import NodeGroupArgs
from .plan import IdentityType, RolePlan, plan_role

__version__ = "0.3.0"

__all__ = [
    "AccountOidcProvider",
    "AccountOidcProviderArgs",
    "AccountProvider",
    "AccountProviderArgs",
    "EksCluster",
    "EksClusterArgs",
    "ExistingCluster",
    "ExistingClusterArgs",
    "IdentityType",
    "IrsaConfigError",
    "IrsaRole",
    "IrsaRoleArgs",
    "NodeGroupArgs",
    "PermissionStatement",
    "Problem",
    "RolePlan",
    "ServiceAccountOptions",
    "TargetRole",
    "TrustedCluster",
    "__version__",
    "load_catalog",
    "plan_role",
    "role_args",
    "stack_config",
]
