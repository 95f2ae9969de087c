"""The hosted-zone scope ExternalDNS and cert-manager share (Amazon Route 53 API Reference, HostedZone;
Service Authorization Reference, Route 53: ``arn:<partition>:route53:::hostedzone/<id>``)."""

from __future__ import annotations

from collections.abc import Mapping

from .scopes import AddonContext, check_hosted_zone_id
from .spec import AddonParameter, ParamType
from .statements import strings

HOSTED_ZONES = AddonParameter(
    "hostedZoneIds", ParamType.STRING_LIST, True, "the Route 53 hosted zone ids it may change", check_hosted_zone_id
)
"""The ``hostedZoneIds`` parameter: the zones whose records the add-on may change."""


def zone_arns(params: Mapping[str, object], ctx: AddonContext) -> list[str]:
    """The ARNs of the ``hostedZoneIds`` in ``params`` (global: no region, no account)."""
    return [
        ctx.arn("route53", f"hostedzone/{zone}", region="", account="") for zone in strings(params, "hostedZoneIds")
    ]
