"""Helpers the add-on builders write their statements with (pure data, no Pulumi).

The rule they enforce: ``Resource: "*"`` only with a justification (IAM User Guide, 'IAM JSON policy
elements: Resource'; Service Authorization Reference for which actions name no required resource type).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..iam.policy import PolicyStatement, element_values
from .scopes import AddonContext

NO_RESOURCE = (
    "No required resource type for these actions in the Service Authorization Reference: the call can name no "
    "resource, and IAM then accepts only Resource '*'."
)
"""The usual justification of a ``Resource: "*"`` statement."""


def statement(
    actions: Sequence[str],
    resources: Sequence[str],
    conditions: Mapping[str, Mapping[str, str | tuple[str, ...]]] | None = None,
    *,
    sid: str | None = None,
    justification: str | None = None,
) -> PolicyStatement:
    """One Allow statement; ``Resource: "*"`` only with a ``justification`` (a bug in a builder otherwise)."""
    if "*" in resources and not justification:
        raise AssertionError(f"Resource '*' without a justification: {actions}")  # a bug in an add-on builder
    return PolicyStatement(
        actions=tuple(actions),
        resources=tuple(resources),
        conditions=dict(conditions or {}),
        sid=sid,
        justification=justification,
    )


def unscoped(actions: Sequence[str], conditions=None, *, sid: str | None = None, why: str = NO_RESOURCE):
    """A ``Resource: "*"`` statement justified by ``why`` (default: :data:`NO_RESOURCE`)."""
    return statement(actions, ("*",), conditions, sid=sid, justification=why)


def strings(params: Mapping[str, object], name: str) -> list[str]:
    """Parameter ``name`` as a list of strings (a single string becomes one item; absent, none)."""
    value = params.get(name)
    return [] if value is None else list(element_values(value))  # type: ignore[arg-type]


def ec2_arn(ctx: AddonContext, resource: str, *, shared: bool = False) -> str:
    """An EC2 ARN in the cluster's region; the account is ``*`` for a type another account may share."""
    return ctx.arn("ec2", resource, account="*" if shared else None)


def ec2_global_arn(ctx: AddonContext, resource: str) -> str:
    """An EC2 image or snapshot ARN: these carry no account field (Service Authorization Reference, EC2)."""
    return ctx.arn("ec2", resource, account="")
