"""Amazon EBS CSI driver: its scoped permission set (``_build``) beside its spec (``SPEC``, whose
``source`` names the published policy followed and ``tighter`` where ours is narrower)."""

from __future__ import annotations

from collections.abc import Mapping

from ..iam.policy import PolicyStatement
from .scopes import AddonContext
from .spec import AddonSpec, EksAddon
from .statements import ec2_arn, ec2_global_arn, statement, unscoped


def _build(params: Mapping[str, object], ctx: AddonContext) -> list[PolicyStatement]:
    volume, instance, snapshot = ec2_arn(ctx, "volume/*"), ec2_arn(ctx, "instance/*"), ec2_global_arn(ctx, "snapshot/*")

    def like(key: str, value: str) -> dict[str, dict[str, str]]:
        return {"StringLike": {key: value}}

    return [
        unscoped(
            [
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeSnapshots",
                "ec2:DescribeTags",
                "ec2:DescribeVolumes",
                "ec2:DescribeVolumesModifications",
                "ec2:DescribeVolumeStatus",
            ]
        ),
        statement(["ec2:CreateSnapshot", "ec2:ModifyVolume"], [volume]),
        statement(["ec2:CopyVolumes"], [ec2_arn(ctx, "volume/vol-*")]),
        statement(["ec2:AttachVolume", "ec2:DetachVolume"], [volume, instance]),
        statement(["ec2:CreateVolume", "ec2:EnableFastSnapshotRestores"], [snapshot]),
        statement(
            ["ec2:CreateTags"],
            [volume, snapshot],
            {"StringEquals": {"ec2:CreateAction": ("CreateVolume", "CreateSnapshot", "CopyVolumes")}},
        ),
        statement(["ec2:DeleteTags"], [volume, snapshot]),
        statement(
            ["ec2:CreateVolume", "ec2:CopyVolumes"], [volume], like("aws:RequestTag/ebs.csi.aws.com/cluster", "true")
        ),
        statement(["ec2:CreateVolume", "ec2:CopyVolumes"], [volume], like("aws:RequestTag/CSIVolumeName", "*")),
        statement(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/ebs.csi.aws.com/cluster", "true")),
        statement(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/CSIVolumeName", "*")),
        statement(["ec2:DeleteVolume"], [volume], like("ec2:ResourceTag/kubernetes.io/created-for/pvc/name", "*")),
        statement(["ec2:CreateSnapshot"], [snapshot], like("aws:RequestTag/CSIVolumeSnapshotName", "*")),
        statement(["ec2:CreateSnapshot"], [snapshot], like("aws:RequestTag/ebs.csi.aws.com/cluster", "true")),
        statement(
            ["ec2:DeleteSnapshot", "ec2:LockSnapshot"], [snapshot], like("ec2:ResourceTag/CSIVolumeSnapshotName", "*")
        ),
        statement(
            ["ec2:DeleteSnapshot", "ec2:LockSnapshot"],
            [snapshot],
            like("ec2:ResourceTag/ebs.csi.aws.com/cluster", "true"),
        ),
    ]


SPEC = AddonSpec(
    name="ebs-csi-driver",
    title="Amazon EBS CSI driver",
    namespace="kube-system",
    service_account="ebs-csi-controller-sa",
    source="kubernetes-sigs/aws-ebs-csi-driver docs/example-iam-policy.json @dd53bedf0bd61a014ab69edf4e731c0fb1110ba2",
    tighter="volume, instance and snapshot ARNs are pinned to the cluster's region (and account, except "
    "snapshots, whose ARNs have none) instead of arn:aws:ec2:*:*:...",
    parameters=(),
    reaches="Infrastructure modification: the driver creates, attaches, snapshots and deletes the volumes of "
    "every PersistentVolumeClaim of the cluster, whose ids are generated at creation.",
    build=_build,
    installed_by=EksAddon("aws-ebs-csi-driver"),
)
"""The spec :data:`eks_irsa.addons.ADDONS` lists under ``ebs-csi-driver``."""
