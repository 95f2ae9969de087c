"""eks_irsa: least-privilege workload identity on Amazon EKS, as Pulumi components.

    from eks_irsa import EksCluster, IrsaRole

Public names are listed in ``__all__``; everything else may change between minor versions.
"""

from .access import KubeconfigCredentials
from .accounts import AccountOidcProvider, AccountOidcProviderArgs, AccountProvider, AccountProviderArgs
from .catalog import load_catalog, role_args, stack_config
from .cluster import ControlPlaneLog, EksCluster, EksClusterArgs, deployer_arn
from .errors import IrsaConfigError, Problem
from .existing import ExistingCluster, ExistingClusterArgs
from .iam.partition import AwsPartition
from .irsa import IrsaRole, IrsaRoleArgs, PermissionStatement, ServiceAccountOptions, TargetRole, TrustedCluster
from .nodegroup import AmiType, NodeGroupArgs
from .plan import IdentityType, RolePlan, plan_role
from .versions import SupportType

__version__ = "0.4.0"

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
    "deployer_arn",
    "load_catalog",
    "plan_role",
    "role_args",
    "stack_config",
]
