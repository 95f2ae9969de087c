"""Deterministic physical names derived from a service's identity."""

from __future__ import annotations

import hashlib

from . import limits


def short_hash(text: str, length: int = 8) -> str:
    """The first ``length`` hex digits of SHA-256 of ``text``: stable across runs and machines."""
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def derive_role_name(cluster_name: str, namespace: str, service_account: str) -> str:
    """``<cluster>-<namespace>-<service account>``, shortened to IAM's 64 characters when needed.

    Role names are unique per account, so the cluster name keeps two clusters' roles apart, and one
    service account per namespace keeps a cluster's roles apart. A name over 64 characters (IAM API
    Reference, CreateRole) keeps its first 55 characters and ends in ``-`` plus 8 hex digits of
    SHA-256 of the full name, so it stays unique and never changes between runs. DNS-1123 names and
    EKS cluster names only use characters IAM allows in role names.
    """
    full = f"{cluster_name}-{namespace}-{service_account}"
    if len(full) <= limits.ROLE_NAME_MAX:
        return full
    digest = short_hash(full)
    head = full[: limits.ROLE_NAME_MAX - len(digest) - 1].rstrip("-.")
    return f"{head}-{digest}"
