"""Audit what an AWS account holds for IRSA and EKS Pod Identity: pure rules over a snapshot.

Nothing here calls AWS: :mod:`eks_irsa.cli.audit` reads the account into an :class:`AccountSnapshot`
(read-only, paginated, with retries) and :func:`audit` judges it. Rooms, by concern:

* :mod:`~eks_irsa.audit.snapshot`: what is judged (roles, OIDC providers, clusters, node groups, Pod
  Identity associations; the ServiceAccount dump);
* :mod:`~eks_irsa.audit.trust`: role trust policies through the package's one trust judgement
  (:func:`eks_irsa.iam.trust_review.review_trust`, the plan's and the policy pack's too) and the Pod
  Identity associations;
* :mod:`~eks_irsa.audit.permissions`: a workload role's permissions through the components' whole-role
  judgement (:func:`eks_irsa.iam.judgement.judge_documents`: escalation, risk categories, the lint);
* :mod:`~eks_irsa.audit.providers`, :mod:`~eks_irsa.audit.nodes`, :mod:`~eks_irsa.audit.kube`: OIDC
  providers and quota, node groups and IMDS, ServiceAccounts and pods;
* :mod:`~eks_irsa.audit.report`: the result, as JSON and as a table;
* :mod:`~eks_irsa.audit.run`: :func:`audit`, every rule over one snapshot.

Findings are the package's one :class:`~eks_irsa.iam.findings.Finding` type with its one
:class:`~eks_irsa.iam.findings.Severity`; ``docs/audit.md`` lists every code with its fix.
"""

from .report import AuditReport, ServiceAccountAccess, render_table
from .run import audit
from .snapshot import (
    KUBECTL_DUMP,
    AccountSnapshot,
    Cluster,
    KubeDump,
    NodeGroup,
    OidcProvider,
    Pod,
    PodIdentityAssociation,
    PolicyDocument,
    ReadGap,
    Role,
    ServiceAccount,
    cluster_from_describe,
    parse_kube_dump,
    permissions_of,
    provider_from_arn,
    workload_role,
)

__all__ = [
    "KUBECTL_DUMP",
    "AccountSnapshot",
    "AuditReport",
    "Cluster",
    "KubeDump",
    "NodeGroup",
    "OidcProvider",
    "Pod",
    "PodIdentityAssociation",
    "PolicyDocument",
    "ReadGap",
    "Role",
    "ServiceAccount",
    "ServiceAccountAccess",
    "audit",
    "cluster_from_describe",
    "parse_kube_dump",
    "permissions_of",
    "provider_from_arn",
    "render_table",
    "workload_role",
]
