"""The audit's result (:class:`AuditReport`) and its two renderings: JSON and a table for people."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..iam.findings import Finding, Severity
from ..iam.limits import OIDC_PROVIDER_QUOTA


@dataclass(frozen=True)
class ServiceAccountAccess:
    """One row of the map "service account → role it can assume → what that role may do".

    Attributes:
        namespace, service_account: the ServiceAccount.
        identity: ``irsa``, ``pod-identity`` or ``none``.
        role_arn: the role, or ``None``.
        admitted: whether the role's trust admits the ServiceAccount (IRSA: by the evaluator; Pod
            Identity: the association exists); ``None`` without a role, or when the trust could not be read.
        permissions: one line per Allow statement, ``<policy>: <actions> on <resources>``.
    """

    namespace: str
    service_account: str
    identity: str
    role_arn: str | None
    admitted: bool | None
    permissions: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The row as a JSON object."""
        return {
            "namespace": self.namespace,
            "serviceAccount": self.service_account,
            "identity": self.identity,
            "roleArn": self.role_arn,
            "admitted": self.admitted,
            "permissions": list(self.permissions),
        }


@dataclass(frozen=True)
class AuditReport:
    """The audit's result.

    Attributes:
        account_id, region, cluster: what was audited (``cluster`` ``None``: every cluster of the region).
        findings: the package's one :class:`~eks_irsa.iam.findings.Finding` type, ``resource`` naming the
            role, provider, cluster or workload; sorted by :meth:`~eks_irsa.iam.findings.Finding.sort_key`.
        provider_count: OIDC providers in the account, against :data:`~eks_irsa.iam.limits.OIDC_PROVIDER_QUOTA`.
        roles_read: how many roles were read.
        access: the ServiceAccount map (empty without a dump).
        nodes: per node group, whether pods reach IMDS and what the node role may do.
    """

    account_id: str
    region: str
    cluster: str | None
    findings: tuple[Finding, ...]
    provider_count: int
    roles_read: int
    access: tuple[ServiceAccountAccess, ...] = ()
    nodes: tuple[Mapping[str, object], ...] = ()

    def to_json(self) -> dict[str, object]:
        """The report as JSON-ready data; with sorted keys, byte-identical for the same snapshot."""
        counts = {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity}
        return {
            "account": self.account_id,
            "region": self.region,
            "cluster": self.cluster,
            "oidcProviders": {"count": self.provider_count, "quota": OIDC_PROVIDER_QUOTA},
            "rolesRead": self.roles_read,
            "summary": counts,
            "findings": [f.to_json() for f in self.findings],
            "serviceAccounts": [a.to_json() for a in self.access],
            "nodeGroups": [dict(n) for n in self.nodes],
        }


def render_table(report: AuditReport) -> str:
    """The report as text: a header, findings grouped by severity, the ServiceAccount map, the node groups."""
    lines = [
        f"Account {report.account_id}, region {report.region}"
        + (f", cluster {report.cluster}" if report.cluster else "")
        + f": {report.roles_read} roles, {report.provider_count}/{OIDC_PROVIDER_QUOTA} OIDC providers, "
        + f"{len(report.findings)} findings.",
    ]
    for severity in Severity:
        found = [f for f in report.findings if f.severity is severity]
        if not found:
            continue
        lines += ["", f"{severity.value.upper()} ({len(found)})"]
        width = max(len(f.code) for f in found)
        for finding in found:
            lines.append(f"  {finding.code:<{width}}  {finding.message}")
            lines.append(f"  {'':<{width}}  Fix: {finding.fix}")
    if report.access:
        lines += ["", "Service account -> role -> may do"]
        for row in report.access:
            who = f"{row.namespace}/{row.service_account}"
            if row.role_arn is None:
                lines.append(f"  {who}: no role")
                continue
            state = {True: "admitted", False: "NOT admitted", None: "not judged"}[row.admitted]
            lines.append(f"  {who} -> {row.role_arn} ({row.identity}, {state})")
            lines += [f"      {p}" for p in row.permissions]
    if report.nodes:
        lines += ["", "Node groups"]
        for node in report.nodes:
            reach = "pods reach IMDS" if node["podsReachImds"] else "IMDS closed to pods"
            lines.append(f"  {node['cluster']}/{node['nodeGroup']}: {reach}; node role {node['nodeRoleArn']}")
            may_do = node["nodeRoleMayDo"]
            lines += [f"      {p}" for p in (may_do if isinstance(may_do, list | tuple) else ())]
    return "\n".join(lines)
