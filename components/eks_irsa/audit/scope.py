"""What one audit run looks at: the snapshot, narrowed to one cluster when asked, with lookups."""

from __future__ import annotations

from dataclasses import dataclass

from ..iam.findings import Finding, Severity
from .snapshot import AccountSnapshot, OidcProvider


@dataclass
class Scope:
    """The snapshot and the cluster the audit is narrowed to (``None``: every cluster and every role).

    Attributes:
        snapshot: what the account holds.
        cluster: the cluster's name, or ``None``.
    """

    snapshot: AccountSnapshot
    cluster: str | None

    def __post_init__(self) -> None:
        self.providers = {p.arn: p for p in self.snapshot.providers}
        self.roles = {r.arn: r for r in self.snapshot.roles}
        self.clusters = [c for c in self.snapshot.clusters if self.cluster in (None, c.name)]
        self.cluster_arns = {c.name: c.arn for c in self.snapshot.clusters}
        self.associations = [a for a in self.snapshot.associations if self.cluster in (None, a.cluster)]
        self.node_groups = [n for n in self.snapshot.node_groups if self.cluster in (None, n.cluster)]

    def provider_for(self, issuer: str) -> OidcProvider | None:
        """The account's OIDC provider for ``issuer`` (host/path), or ``None``."""
        return next((p for p in self.snapshot.providers if p.issuer == issuer), None)

    def in_scope(self, provider_arn: str) -> bool:
        """Without a cluster every provider; with one, its own."""
        if self.cluster is None:
            return True
        issuer = self.clusters[0].issuer
        provider = self.provider_for(issuer) if issuer else None
        return provider is not None and provider.arn == provider_arn


def audit_finding(severity: Severity, code: str, resource: str, message: str, fix: str, source: str) -> Finding:
    """A finding about one resource of the account whose rule is the whole sentence (no field, no value)."""
    return Finding(code, severity, "", None, message, source, fix, resource)
