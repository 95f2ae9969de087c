"""Velero with velero-plugin-for-aws: its scoped permission set (``_build``) beside its spec (``SPEC``,
whose ``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext, check_bucket_name, check_region
from .spec import AddonParameter, AddonSpec, HelmChart, ParamType
from .statements import statement, strings, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    buckets = strings(params, "bucketNames")
    regions = strings(params, "snapshotRegions") or [ctx.region]
    return [
        unscoped(["ec2:DescribeVolumes", "ec2:DescribeSnapshots"]),
        statement(
            ["ec2:CreateTags", "ec2:CreateVolume", "ec2:CreateSnapshot", "ec2:DeleteSnapshot"],
            [ctx.arn("ec2", "volume/*", region=r) for r in regions]
            + [ctx.arn("ec2", "snapshot/*", region=r, account="") for r in regions],
        ),
        statement(
            [
                "s3:GetObject",
                "s3:DeleteObject",
                "s3:PutObject",
                "s3:PutObjectTagging",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            [ctx.arn("s3", f"{bucket}/*", region="", account="") for bucket in buckets],
        ),
        statement(["s3:ListBucket"], [ctx.arn("s3", bucket, region="", account="") for bucket in buckets]),
    ]


SPEC = AddonSpec(
    name="velero",
    title="Velero with velero-plugin-for-aws",
    namespace="velero",
    service_account="velero",
    source="vmware-tanzu/velero-plugin-for-aws README.md (velero-policy.json heredoc) "
    "@a8feda41a01e2356b2389bb2f271683f73d262ce",
    tighter="${BUCKET} is the named buckets; EC2 CreateTags/CreateVolume/CreateSnapshot/DeleteSnapshot on the "
    "snapshot regions' volumes and snapshots instead of '*'",
    parameters=(
        AddonParameter("bucketNames", ParamType.STRING_LIST, True, "the backup storage buckets", check_bucket_name),
        AddonParameter(
            "snapshotRegions",
            ParamType.STRING_LIST,
            False,
            "regions of its volume snapshot locations; default: the cluster's region",
            check_region,
        ),
    ),
    reaches="Infrastructure modification: Velero snapshots and restores the volumes of the cluster, whose ids "
    "are known only at backup time.",
    build=_build,
    installed_by=HelmChart(
        "vmware-tanzu/velero", (("serviceAccount.server.create", "false"), ("serviceAccount.server.name", "velero"))
    ),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``velero``."""
