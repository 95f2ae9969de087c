"""``KubeconfigCredentials``: the AWS identity a Kubernetes provider's ``aws eks get-token`` runs as, a field of
``EksClusterArgs``, ``ExistingClusterArgs`` and the account components' Args (their ``source_credentials``).
:mod:`eks_irsa.access` holds the rules on it and re-exports it.

Pure: standard library only (see :mod:`eks_irsa.contract.inputs`). No ``from __future__ import annotations``.
"""

from typing import NotRequired, TypedDict

from .fields import documented


@documented
class KubeconfigCredentials(TypedDict):
    """The AWS identity ``aws eks get-token`` runs as, when it is not the ambient one: the same the
    stack's AWS provider uses (``aws:profile``, ``aws:assumeRoles``). Mirrors pulumi-eks's
    ``KubeconfigOptions``; either field alone, or both (the role is assumed from the profile)."""

    profile_name: NotRequired[str]
    """A profile of the AWS CLI's shared config, passed as ``--profile`` (AWS CLI 'Configuration and
    credential file settings'). Default: none (the ambient credential chain)."""
    role_arn: NotRequired[str]
    """An IAM role ARN ``get-token`` assumes first, passed as ``--role-arn`` (AWS CLI 'aws eks get-token').
    Default: none."""
