"""The AWS partition of a region, derived once, from botocore's own partition table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from botocore.loaders import Loader

from ..errors import IrsaConfigError

PARTITIONS_DOCS = "AWS General Reference, 'Amazon Resource Names (ARNs)' (partition); botocore partitions.json"


class AwsPartition(StrEnum):
    """The AWS partitions, the second field of every ARN: the ``id`` of each partition in the table botocore
    ships (:data:`PARTITIONS_DOCS`); a test keeps this set equal to that table."""

    AWS = "aws"
    """The commercial regions."""
    AWS_CN = "aws-cn"
    """The China regions."""
    AWS_EUSC = "aws-eusc"
    """The AWS European Sovereign Cloud."""
    AWS_ISO = "aws-iso"
    """AWS Top Secret-East."""
    AWS_ISO_B = "aws-iso-b"
    """AWS Secret Region."""
    AWS_ISO_E = "aws-iso-e"
    """The AWS ISO-E regions."""
    AWS_ISO_F = "aws-iso-f"
    """The AWS ISO-F regions."""
    AWS_US_GOV = "aws-us-gov"
    """AWS GovCloud (US)."""


@dataclass(frozen=True)
class Partition:
    """An AWS partition.

    Attributes:
        name: ``aws``, ``aws-cn``, ``aws-us-gov``, ...; the second field of every ARN.
        dns_suffix: ``amazonaws.com``, ``amazonaws.com.cn``, ...; the EKS OIDC issuer's domain ends in it.
    """

    name: str
    dns_suffix: str


@lru_cache(maxsize=1)
def _partitions() -> tuple[tuple[re.Pattern[str], Partition], ...]:
    data = Loader().load_data("partitions")
    return tuple(
        (re.compile(p["regionRegex"]), Partition(p["id"], p["outputs"]["dnsSuffix"])) for p in data["partitions"]
    )


def partition_named(name: str) -> tuple[Partition, str]:
    """The partition called ``name`` (``aws-cn``) and its longest region name, the bound of a region not yet
    known (botocore's table, :data:`PARTITIONS_DOCS`).

    Raises:
        KeyError: no partition has that name (an :class:`AwsPartition` always has one).
    """
    for partition in Loader().load_data("partitions")["partitions"]:
        if partition["id"] == name:
            return Partition(name, partition["outputs"]["dnsSuffix"]), max(sorted(partition["regions"]), key=len)
    raise KeyError(name)


def partition_for_region(region: str, field: str = "aws:region") -> Partition:
    """The partition a region belongs to, e.g. ``cn-north-1`` -> ``aws-cn``.

    Source: the partition table botocore ships (``botocore/data/partitions.json``).

    Raises:
        IrsaConfigError: the region matches no partition.
    """
    for pattern, partition in _partitions():
        if isinstance(region, str) and pattern.fullmatch(region):
            return partition
    raise IrsaConfigError.one(
        field,
        region,
        "is not a region of any AWS partition",
        "botocore partitions.json (regionRegex of each partition)",
        "use a region name such as us-east-1, cn-north-1 or us-gov-west-1",
    )
