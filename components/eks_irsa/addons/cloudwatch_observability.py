"""Amazon CloudWatch Observability (CloudWatch agent and Fluent Bit): its scoped permission set
(``_build``) beside its spec (``SPEC``, whose ``source`` names the published policy followed and
``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext, check_log_group
from .spec import AddonParameter, AddonSpec, EksAddon, ParamType
from .statements import statement, strings, unscoped

CONTAINER_INSIGHTS_LOG_GROUPS = ("/aws/containerinsights/{cluster}/*", "/aws/application-signals/data")
"""Log groups the Amazon CloudWatch Observability add-on writes (Amazon CloudWatch User Guide,
'Container Insights' log groups ``/aws/containerinsights/<cluster>/{application,dataplane,host,performance}``;
'Application Signals': ``/aws/application-signals/data``)."""


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    groups = strings(params, "logGroupNames") or [g.format(cluster=ctx.cluster) for g in CONTAINER_INSIGHTS_LOG_GROUPS]
    log_arns: list[str] = []
    for group in groups:
        log_arns.append(ctx.arn("logs", f"log-group:{group}"))
        if not group.endswith("*"):
            log_arns.append(ctx.arn("logs", f"log-group:{group}:*"))
    return [
        unscoped(
            [
                "cloudwatch:PutMetricData",
                "ec2:DescribeVolumes",
                "ec2:DescribeTags",
                "logs:DescribeLogGroups",
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ]
        ),
        statement(
            [
                "logs:PutLogEvents",
                "logs:PutRetentionPolicy",
                "logs:DescribeLogStreams",
                "logs:CreateLogStream",
                "logs:CreateLogGroup",
            ],
            log_arns,
        ),
        statement(["ssm:GetParameter"], [ctx.arn("ssm", "parameter/AmazonCloudWatch-*")]),
    ]


SPEC = AddonSpec(
    name="cloudwatch-observability",
    title="Amazon CloudWatch Observability (CloudWatch agent and Fluent Bit)",
    namespace="amazon-cloudwatch",
    service_account="cloudwatch-agent",
    source="AWS managed policy CloudWatchAgentServerPolicy (arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy), "
    "written out",
    tighter="CloudWatch Logs writes only on the cluster's Container Insights and Application Signals log groups "
    "(or the named ones) instead of '*'; the AmazonCloudWatch-* SSM parameters of the region and account only",
    parameters=(
        AddonParameter(
            "logGroupNames",
            ParamType.STRING_LIST,
            False,
            "log groups (or prefixes ending in *) it writes; default: /aws/containerinsights/<cluster>/* and "
            "/aws/application-signals/data",
            check_log_group,
        ),
    ),
    reaches="Infrastructure modification: the agent creates the log groups and streams of the cluster's "
    "container insights, whose names it derives at run time.",
    build=_build,
    installed_by=EksAddon("amazon-cloudwatch-observability"),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``cloudwatch-observability``."""
