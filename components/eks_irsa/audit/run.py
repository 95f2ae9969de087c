"""Run the audit: every rule of :mod:`eks_irsa.audit` over one snapshot."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import IrsaConfigError
from ..iam.findings import Finding, sorted_findings
from .kube import kube_findings
from .nodes import node_findings
from .permissions import role_permission_findings
from .providers import gap_finding, provider_findings
from .report import AuditReport, ServiceAccountAccess
from .scope import Scope
from .snapshot import AccountSnapshot, KubeDump
from .trust import association_findings, role_trust_findings


def audit(
    snapshot: AccountSnapshot,
    kube: KubeDump | None = None,
    cluster: str | None = None,
    justifications: Mapping[str, str] | None = None,
) -> AuditReport:
    """Judge a snapshot (and, for ``cluster``, its ServiceAccount dump).

    Args:
        snapshot: what the account holds.
        kube: the ServiceAccounts and pods of ``cluster`` (or of the region's only cluster). Default: none
            (no ServiceAccount checks).
        cluster: the one cluster to judge: IRSA roles are those trusting its OIDC provider, node groups
            and associations its own. Default: every cluster of the snapshot and every role.
        justifications: a reason per workload role name, read as the plan reads a statement's justification
            (the risk categories and escalation methods it names are allowed). Default: none.

    Raises:
        IrsaConfigError: ``cluster`` not in the snapshot; a dump without exactly one cluster to read it against.
    """
    names = [c.name for c in snapshot.clusters]
    if cluster is not None and cluster not in names:
        raise IrsaConfigError.one(
            "--cluster", cluster, f"is not a cluster of {snapshot.region}", "EKS ListClusters", f"one of {names}"
        )
    if kube is not None and cluster is None and len(names) != 1:
        raise IrsaConfigError.one(
            "--cluster",
            None,
            f"is needed to read a ServiceAccount dump: the region has {len(names)} clusters",
            "EKS ListClusters",
            f"name the dump's cluster, one of {names}",
        )
    ctx = Scope(snapshot, cluster)
    findings: list[Finding] = [gap_finding(gap) for gap in snapshot.gaps]
    findings += provider_findings(ctx)
    findings += role_trust_findings(ctx)
    findings += role_permission_findings(ctx, justifications)
    findings += association_findings(ctx)
    node_rows, found = node_findings(ctx)
    findings += found
    access: list[ServiceAccountAccess] = []
    if kube is not None:
        dumped = next(c for c in snapshot.clusters if c.name == (cluster or names[0]))
        access, found = kube_findings(ctx, dumped, kube)
        findings += found
    return AuditReport(
        snapshot.account_id,
        snapshot.region,
        cluster,
        tuple(sorted_findings(findings)),
        len(snapshot.providers),
        len(snapshot.roles),
        tuple(access),
        tuple(node_rows),
    )
