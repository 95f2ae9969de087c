"""The AWS partition of a region, derived once, from botocore's own partition table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from botocore.loaders import Loader

from ..errors import IrsaConfigError


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


def known_partitions() -> tuple[str, ...]:
    """Every partition name of botocore's partition table (``aws``, ``aws-cn``, ``aws-us-gov``, ...), sorted."""
    return tuple(sorted(partition.name for _, partition in _partitions()))
