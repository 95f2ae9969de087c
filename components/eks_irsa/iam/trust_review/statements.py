"""Reading trust statements as IAM reads them: principals, actions by pattern, conditions, issuers.

Pure, standard library only (with the partition table :mod:`eks_irsa.iam.partition` reads).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ...errors import IrsaConfigError
from ..arn import Arn, parse_iam_arn, wildcard_match
from ..partition import partition_for_region
from ..policy import element_values
from ..trust import WEB_IDENTITY_ACTION

SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
"""Every Kubernetes service account token's ``sub`` starts so (Kubernetes docs, 'Managing Service Accounts')."""

EKS_ISSUER = re.compile(
    r"^oidc\.eks\.(?P<region>[a-z0-9-]+)\.(?P<suffix>amazonaws\.com(?:\.cn)?|[a-z0-9.-]+)/id/(?P<id>\w+)\Z"
)
"""An EKS cluster's issuer as IAM writes it: ``oidc.eks.<region>.<DNS suffix>/id/<ID>`` (EKS User Guide)."""

DUAL_STACK_ISSUER = re.compile(r"^oidc-eks\.(?P<region>[a-z0-9-]+)\.api\.aws/id/(?P<id>\w+)\Z")
"""The same cluster's dual-stack issuer URL, ``oidc-eks.<region>.api.aws/id/<ID>`` (:data:`DUAL_STACK_DOCS`)."""

CLAIMS = ("sub", "aud")

SET_PREFIXES = ("ForAnyValue:", "ForAllValues:")

PINNING = ("StringEquals", "StringLike")


def issuer_partition(issuer: str) -> str | None:
    """The partition of an EKS issuer's region (``oidc.eks.cn-north-1.amazonaws.com.cn/...`` -> ``aws-cn``);
    ``None`` for an issuer that is not an EKS one."""
    match = EKS_ISSUER.match(issuer) or DUAL_STACK_ISSUER.match(issuer)
    if match is None:
        return None
    try:
        return partition_for_region(match["region"]).name
    except IrsaConfigError:
        return None


def strings(value: object) -> tuple[str, ...]:
    """An element's string values: one string, or the strings of a list; ``()`` for anything else."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def principals(statement: Mapping[str, object], kind: str) -> tuple[str, ...]:
    """The ``Principal`` values of one kind (``Federated``, ``Service``, ``AWS``)."""
    principal = statement.get("Principal")
    return strings(principal.get(kind)) if isinstance(principal, Mapping) else ()


def oidc_provider(arn: str) -> Arn | None:
    """The fields of an IAM OIDC provider ARN, or ``None`` for another value."""
    return parse_iam_arn(arn, "oidc-provider")


def is_web_identity(statement: Mapping[str, object]) -> bool:
    """A statement allowing ``sts:AssumeRoleWithWebIdentity`` that a Kubernetes token could meet: through
    ``Principal: "*"``, an EKS issuer's provider, or a ``:sub`` naming a service account. Other
    federations (GitHub Actions, Cognito) are left alone."""
    if not allows(statement, WEB_IDENTITY_ACTION):
        return False
    if statement.get("Principal") == "*" or "*" in principals(statement, "AWS") + principals(statement, "Federated"):
        return True
    issuers = [p.resource_id for p in map(oidc_provider, principals(statement, "Federated")) if p]
    if any(issuer_partition(i) for i in issuers):
        return True
    return any(
        v.startswith(SERVICE_ACCOUNT_PREFIX)
        for _, key, values in condition_entries(statement)
        if claim_of(key) == "sub"
        for v in values
    )


def allows(statement: Mapping[str, object], action: str) -> bool:
    """Whether the statement's ``Action`` patterns match ``action``, or its ``NotAction`` patterns leave it in
    (action names take ``*``/``?`` and ignore case: IAM User Guide, 'IAM JSON policy elements: Action' and
    'NotAction')."""
    if "NotAction" in statement and "Action" not in statement:
        return not any(wildcard_match(p, action, ignore_case=True) for p in strings(statement["NotAction"]))
    return any(wildcard_match(p, action, ignore_case=True) for p in strings(statement.get("Action")))


def trusted_issuers(statements: list[object]) -> frozenset[str]:
    """The issuers of every OIDC provider the ``Allow`` statements trust."""
    return frozenset(
        p.resource_id
        for s in statements
        if isinstance(s, Mapping) and s.get("Effect") == "Allow"
        for p in map(oidc_provider, principals(s, "Federated"))
        if p
    )


def condition_entries(statement: Mapping[str, object]) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(operator, key, values)`` of a statement's conditions; values as strings (JSON ``true`` is ``"true"``)."""
    block = statement.get("Condition")
    if not isinstance(block, Mapping):
        return []
    return [
        (str(operator), str(key), tuple(_text(v) for v in element_values(value) if v is not None))
        for operator, keys in block.items()
        if isinstance(keys, Mapping)
        for key, value in keys.items()
        for value in [value if isinstance(value, str | list | tuple) else [value]]
    ]


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def claim_of(key: str) -> str:
    """The claim a condition key reads, lower case: ``sub`` of ``<issuer>:sub``."""
    return key.rpartition(":")[2].lower()


def key_issuer(key: str) -> str:
    """The issuer a claim key names, without a scheme or a trailing ``/``."""
    return key.rpartition(":")[0].removeprefix("https://").rstrip("/")


def base_operator(operator: str) -> str:
    """An operator without ``IfExists`` and a set prefix: ``StringLike`` of ``ForAnyValue:StringLikeIfExists``."""
    return operator.removesuffix("IfExists").rpartition(":")[2]


def negated(operator: str) -> bool:
    """An operator that holds for every value but the ones named (``StringNotEquals``, ``ArnNotLike``, ...),
    or ``Null``: it does not pin a claim."""
    base = base_operator(operator)
    return "Not" in base or base == "Null"
