"""eks_irsa: least-privilege workload identity on Amazon EKS, as Pulumi components.

    from eks_irsa import EksCluster, IrsaRole

Public names are listed in ``__all__``; everything else may change between minor versions.
"""

from .accounts import AccountOidcProvider, AccountOidcProviderArgs
from .cluster import EksCluster, EksClusterArgs
from .errors import IrsaConfigError, Problem
from .existing import ExistingCluster, ExistingClusterArgs
from .irsa import IdentityType, IrsaRole, IrsaRoleArgs, ServiceAccountOptions, TrustedCluster
from .nodegroup import NodeGroupArgs

__version__ = "0.3.0"

__all__ = [
    "AccountOidcProvider",
    "AccountOidcProviderArgs",
    "EksCluster",
    "EksClusterArgs",
    "ExistingCluster",
    "ExistingClusterArgs",
    "IdentityType",
    "IrsaConfigError",
    "IrsaRole",
    "IrsaRoleArgs",
    "NodeGroupArgs",
    "Problem",
    "ServiceAccountOptions",
    "TrustedCluster",
    "__version__",
]
