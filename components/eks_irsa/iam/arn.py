"""The one ARN parser and the one IAM wildcard matcher of this package (pure, standard library only).

Source: AWS General Reference, 'Amazon Resource Names (ARNs)':
``arn:<partition>:<service>:<region>:<account-id>:<resource>``; the resource part may itself hold
``:`` and ``/``. IAM's wildcards (``*`` any run, ``?`` one character) follow the IAM User Guide,
'IAM JSON policy elements: Resource'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ARN_DOCS = "AWS General Reference, 'Amazon Resource Names (ARNs)'"

ACCOUNT_ID = re.compile(r"^\d{12}\Z")
"""An AWS account ID: 12 digits (AWS Account Management Reference Guide, 'AWS account identifiers')."""

PARTITION = re.compile(r"aws[a-z-]*")
"""A partition id: ``aws`` then lower-case letters and hyphens (botocore partitions.json: ``aws``,
``aws-cn``, ``aws-us-gov``, ``aws-iso``, ``aws-iso-b``, ...)."""


@dataclass(frozen=True)
class Arn:
    """An ARN split into its six fields.

    Attributes:
        partition: ``aws``, ``aws-cn``, ``aws-us-gov``, ...
        service: ``iam``, ``s3``, ``eks``, ...
        region: empty for global services (IAM, S3 bucket ARNs).
        account: 12 digits, ``aws`` for AWS managed policies, or empty (S3).
        resource: everything after the fifth ``:`` (``role/path/name``, ``table/orders``, ...).
    """

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_type(self) -> str:
        """The resource part up to its first ``/`` or ``:``, e.g. ``role`` or ``oidc-provider``."""
        return re.split(r"[/:]", self.resource, maxsplit=1)[0]

    @property
    def resource_id(self) -> str:
        """The resource part after its type, e.g. ``path/name`` of ``role/path/name``."""
        return self.resource[len(self.resource_type) + 1 :]

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(value: object) -> Arn | None:
    """The fields of an ARN, or ``None`` when ``value`` is not a string of the ARN shape.

    Only the shape is checked (six fields, ``arn`` first, a :data:`PARTITION`, a service); what a field
    may hold is for the caller, who knows which resource type it expects.
    """
    if not isinstance(value, str) or not value.startswith("arn:") or has_control_character(value):
        return None
    parts = value.split(":", 5)
    if len(parts) != 6 or not PARTITION.fullmatch(parts[1]) or not parts[2]:
        return None
    return Arn(*parts[1:])


_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f]")


def has_control_character(value: str) -> bool:
    """A C0 control character or DEL (a newline, a tab, ...): never part of an ARN, a name or an id an AWS API
    takes, and invisible in a review (a trailing newline is the usual one, from a YAML block scalar)."""
    return _CONTROL_CHARACTER.search(value) is not None


def parse_iam_arn(value: object, resource_type: str) -> Arn | None:
    """The fields of an IAM ARN of ``resource_type`` (``role``, ``oidc-provider``, ...), else ``None``.

    Source: IAM User Guide, 'IAM identifiers' (IAM ARNs): service ``iam``, no region, a 12-digit
    account, resource ``<resource_type>/<id>`` with a non-empty id (path and name, or issuer). A role's or
    policy's name (after the last ``/``) follows IAM's name rule (:data:`IAM_NAME`), so a wildcard
    (``role/*``, ``role/acme-*``) names no role: it is a pattern, not an identifier.
    """
    arn = parse_arn(value)
    if (
        arn is None
        or arn.service != "iam"
        or arn.region
        or not ACCOUNT_ID.fullmatch(arn.account)
        or not arn.resource.startswith(f"{resource_type}/")
        or not arn.resource_id
    ):
        return None
    if resource_type in ("role", "policy") and not IAM_NAME.fullmatch(arn.resource_id.rsplit("/", 1)[-1]):
        return None
    return arn


IAM_NAME = re.compile(r"[\w+=,.@-]+")
"""A role's or policy's name: letters, digits and ``+=,.@-_`` (IAM API Reference, CreateRole and CreatePolicy:
the ``RoleName``/``PolicyName`` pattern)."""


@lru_cache(maxsize=1024)
def wildcard_pattern(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM's wildcards as a compiled expression: ``*`` any run (``/`` and ``:`` included), ``?`` one character."""
    body = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """Whether ``value`` matches an IAM ``Action``/``Resource``/``StringLike`` pattern as a whole."""
    return wildcard_pattern(pattern, ignore_case).fullmatch(value) is not None
