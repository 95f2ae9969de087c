"""Amazon EFS CSI driver: its scoped permission set (``_build``) beside its spec (``SPEC``, whose
``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext
from .spec import AddonSpec, EksAddon
from .statements import statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    efs_file_systems = ctx.arn("elasticfilesystem", "file-system/*")
    efs_access_points = ctx.arn("elasticfilesystem", "access-point/*")
    # Amazon S3 Files: access points are file-system/<id>/access-point/<id> (Service Authorization Reference).
    s3files_all = ctx.arn("s3files", "file-system/*")
    s3files_access_points = ctx.arn("s3files", "file-system/*/access-point/*")
    request_tag = {"StringLike": {"aws:RequestTag/efs.csi.aws.com/cluster": "true"}}
    resource_tag_like = {"StringLike": {"aws:ResourceTag/efs.csi.aws.com/cluster": "true"}}
    resource_tag = {"StringEquals": {"aws:ResourceTag/efs.csi.aws.com/cluster": "true"}}
    return [
        unscoped(
            [
                "elasticfilesystem:DescribeAccessPoints",
                "elasticfilesystem:DescribeFileSystems",
                "s3files:ListFileSystems",
                "ec2:DescribeAvailabilityZones",
            ]
        ),
        statement(
            ["elasticfilesystem:DescribeMountTargets", "s3files:ListAccessPoints"],
            [efs_file_systems, efs_access_points, s3files_all],
        ),
        statement(
            ["elasticfilesystem:CreateAccessPoint", "s3files:CreateAccessPoint"],
            [efs_file_systems, efs_access_points, s3files_all],
            request_tag,
        ),
        statement(
            ["elasticfilesystem:TagResource", "s3files:TagResource"],
            [efs_file_systems, efs_access_points, s3files_all],
            resource_tag_like,
        ),
        statement(
            ["elasticfilesystem:DeleteAccessPoint", "s3files:DeleteAccessPoint"],
            [efs_access_points, s3files_access_points],
            resource_tag,
        ),
    ]


SPEC = AddonSpec(
    name="efs-csi-driver",
    title="Amazon EFS CSI driver",
    namespace="kube-system",
    service_account="efs-csi-controller-sa",
    source="kubernetes-sigs/aws-efs-csi-driver docs/iam-policy-example.json @92c77936c3a543aef80fc7d6c06b5bc2457f19d1",
    tighter="EFS access point create/tag/delete and DescribeMountTargets act on the region's and account's "
    "file-system/access-point ARNs, and the S3 Files ones on the region's and account's s3files file systems, "
    "instead of '*' (conditions kept)",
    parameters=(),
    reaches="Data exfiltration: the driver reads the file systems and access points a StorageClass names, "
    "unknown when the role is made (file system metadata, not file contents).",
    build=_build,
    installed_by=EksAddon("aws-efs-csi-driver"),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``efs-csi-driver``."""
