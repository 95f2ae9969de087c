"""cert-manager (ACME DNS01 with Route 53): its scoped permission set (``_build``) beside its spec
(``SPEC``, whose ``source`` names the published policy followed and ``tighter`` where ours is
narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .route53 import HOSTED_ZONES, zone_arns
from .scopes import AddonContext
from .spec import AddonSpec, HelmChart
from .statements import statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    return [
        statement(["route53:GetChange"], [ctx.arn("route53", "change/*", region="", account="")]),
        statement(
            ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
            zone_arns(params, ctx),
            {"ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ("TXT",)}},
        ),
        unscoped(["route53:ListHostedZonesByName"]),
    ]


SPEC = AddonSpec(
    name="cert-manager",
    title="cert-manager (ACME DNS01 with Route 53)",
    namespace="cert-manager",
    service_account="cert-manager",
    source="cert-manager/website content/docs/configuration/acme/dns01/route53.md "
    "@abdbb72fee1fba8fecd20645d829c53553a61b58",
    tighter="TXT record changes only on the named hosted zones instead of arn:aws:route53:::hostedzone/*",
    parameters=(HOSTED_ZONES,),
    build=_build,
    installed_by=HelmChart(
        "jetstack/cert-manager", (("serviceAccount.create", "false"), ("serviceAccount.name", "cert-manager"))
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``cert-manager``."""
