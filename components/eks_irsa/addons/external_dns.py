"""ExternalDNS: its scoped permission set (``_build``) beside its spec (``SPEC``, whose ``source``
names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .route53 import HOSTED_ZONES, zone_arns
from .scopes import AddonContext
from .spec import AddonSpec, HelmChart
from .statements import statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        statement(
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
            zone_arns(params, ctx),
        ),
        unscoped(["route53:ListHostedZones"]),
    ]


SPEC = AddonSpec(
    name="external-dns",
    title="ExternalDNS",
    namespace="external-dns",
    service_account="external-dns",
    source="kubernetes-sigs/external-dns docs/tutorials/aws.md (section 'IAM Policy') "
    "@72b1f30169ecd8785de74810be46f2084b9d88c9",
    tighter="record changes, listings and tag reads only on the named hosted zones instead of "
    "arn:aws:route53:::hostedzone/*",
    parameters=(HOSTED_ZONES,),
    build=_build,
    installed_by=HelmChart(
        "external-dns/external-dns",
        (("provider.name", "aws"), ("serviceAccount.create", "false"), ("serviceAccount.name", "external-dns")),
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``external-dns``."""
